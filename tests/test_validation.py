"""Tests of the contract checks: each one failing on a planted mistake, passing without."""

from __future__ import annotations

import pandas as pd
import pytest

from zjanalysis import io, schema
from zjanalysis.problems import ERROR, WARNING
from zjanalysis.validation import UNIT_MIXUP_RATIO, row_units, validate_tables


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Build a canonical frame of ``table`` from rows, located in ``<table>.csv``."""
    spec = schema.get_table(table)
    data = pd.DataFrame(rows).reindex(columns=spec.column_names)
    built = {}
    for column in spec.columns:
        built[column.name] = pd.Series(
            data[column.name].tolist(), dtype="object"
        ).astype(io.dtype_of(column.kind))
    out = pd.DataFrame(built)
    out["section"] = pd.Series([None] * len(rows), dtype="str")
    out["_source"] = pd.Series([f"{table}.csv"] * len(rows), dtype="str")
    out["_row"] = pd.Series(range(2, len(rows) + 2), dtype="int64")
    return out


def project(pid: str, **kw) -> dict:
    row = {
        "project_id": pid,
        "name": f"项目{pid}",
        "plan_year": 2021,
        "county": "霞山区",
        "department": "市住房城乡建设局",
        "is_key": True,
        "stage": "续建",
        "sector": "民生",
        "total_investment": 50_000.0,
        "plan_investment": 8_000.0,
        "planned_start": pd.Timestamp("2020-03-01"),
        "planned_finish": pd.Timestamp("2022-12-31"),
        "city_leader": "张副市长",
        "lead_unit": "市发展改革局",
        "industry_dept": "市住房城乡建设局",
        "builder": "湛江某建设公司",
        "funding_secured_pct": 60.0,
        "land_acquired_pct": 100.0,
        "approval_status": "已完成",
    }
    row.update(kw)
    return row


def valid_tables() -> dict[str, pd.DataFrame]:
    ids = [f"P{i:03d}" for i in range(1, 8)]
    return {
        "projects": frame("projects", [project(p) for p in ids]),
        "fai_monthly": frame(
            "fai_monthly",
            [
                {"region": "湛江市", "year": 2021, "month": 2, "cum_investment": 1.0e6},
                {"region": "湛江市", "year": 2021, "month": 3, "cum_growth_pct": 25.0},
            ],
        ),
        "targets": frame(
            "targets", [{"region": "湛江市", "year": 2021, "target_growth_pct": 20.0}]
        ),
        "project_progress": frame(
            "project_progress",
            [
                {
                    "project_id": "P001",
                    "year": 2021,
                    "month": 6,
                    "cum_completed": 4_000.0,
                }
            ],
        ),
        "milestones": frame(
            "milestones",
            [
                {
                    "project_id": "P001",
                    "milestone": "主体完工",
                    "due_date": pd.Timestamp("2021-09-30"),
                }
            ],
        ),
        "soe_plans": frame(
            "soe_plans",
            [
                {"soe_name": s, "year": 2021, "kind": "计划", "investment": 100_000.0}
                for s in schema.SOES
            ],
        ),
        "plan_changes": frame(
            "plan_changes",
            [
                {
                    "change_date": pd.Timestamp("2021-05-10"),
                    "project_id": "P002",
                    "change_type": "调减",
                    "old_amount": 8_000.0,
                    "new_amount": 6_000.0,
                    "approver": "市政府",
                }
            ],
        ),
        "funding_plan": frame(
            "funding_plan",
            [
                {
                    "project_id": "P001",
                    "year": 2021,
                    "source": "专项债",
                    "amount": 5_000.0,
                }
            ],
        ),
        "land_plan": frame(
            "land_plan",
            [{"project_id": "P001", "land_area_mu": 120.0, "red_line_issued": True}],
        ),
        "stats_registry": frame(
            "stats_registry",
            [{"project_id": "P001", "registered": True, "year": 2021, "month": 6}],
        ),
    }


def with_change(table: str, row: int, **kw) -> dict[str, pd.DataFrame]:
    """Return valid tables with one cell (or more) of one row changed."""
    tables = valid_tables()
    changed = tables[table].copy()
    for column, value in kw.items():
        if value is None:
            changed[column] = changed[column].astype("object")
        changed.loc[row, column] = value
    tables[table] = changed
    return tables


def checks(problems) -> set[str]:
    return {p.check for p in problems}


def test_valid_tables_pass_every_check():
    assert validate_tables(valid_tables()) == []


def test_empty_and_absent_tables_pass():
    assert validate_tables({}) == []
    assert validate_tables({t: io.empty_table(t) for t in schema.TABLES}) == []


def test_missing_required_column():
    tables = valid_tables()
    tables["targets"] = tables["targets"].drop(columns=["target_growth_pct"])
    (p,) = validate_tables(tables)
    assert (p.check, p.file, p.column, p.severity) == (
        "missing_column",
        "targets.csv",
        "目标增长",
        ERROR,
    )


def test_missing_required_value_names_row_and_unit():
    tables = with_change("projects", 2, name=None)
    (p,) = validate_tables(tables)
    assert (p.check, p.row, p.column, p.unit) == (
        "missing_value",
        4,
        "项目名称",
        "霞山区",
    )


def test_original_header_is_used_for_the_location():
    tables = with_change("projects", 0, total_investment=-1.0)
    tables["projects"].attrs["headers"] = {
        "projects.csv": {"total_investment": "总投资（万元）"}
    }
    (p,) = validate_tables(tables)
    assert (p.check, p.row, p.column) == ("negative_money", 2, "总投资（万元）")


def test_wrong_type_in_a_hand_built_frame():
    tables = valid_tables()
    tables["targets"] = tables["targets"].astype({"target_growth_pct": "object"})
    tables["targets"].loc[0, "target_growth_pct"] = "二十"
    (p,) = validate_tables(tables)
    assert (p.check, p.row, p.value) == ("bad_type", 2, "二十")


def test_value_not_allowed():
    (p,) = validate_tables(with_change("projects", 1, stage="施工中"))
    assert (p.check, p.row, p.column, p.value) == ("bad_value", 3, "项目阶段", "施工中")
    assert "续建" in p.hint_zh


def test_duplicate_key_names_the_first_row():
    tables = with_change("projects", 3, project_id="P001")
    (p,) = validate_tables(tables)
    assert (p.check, p.row) == ("duplicate_key", 5)
    assert "第2行" in p.message_zh


def test_same_project_in_two_plan_years_is_not_a_duplicate():
    tables = with_change("projects", 3, project_id="P001", plan_year=2020)
    assert validate_tables(tables) == []


def test_negative_money():
    (p,) = validate_tables(with_change("funding_plan", 0, amount=-5.0))
    assert (p.check, p.row, p.column, p.unit) == (
        "negative_money",
        2,
        "金额",
        "市财政局",
    )


@pytest.mark.parametrize("pct", [-1.0, 100.5])
def test_percentage_outside_0_100(pct):
    (p,) = validate_tables(with_change("projects", 0, funding_secured_pct=pct))
    assert (p.check, p.column) == ("pct_out_of_range", "资金落实比例")


def test_percentage_bounds_are_allowed():
    tables = with_change(
        "projects", 0, funding_secured_pct=0.0, land_acquired_pct=100.0
    )
    assert validate_tables(tables) == []


def test_fai_month_1_is_out_of_range_but_12_is_fine():
    (p,) = validate_tables(with_change("fai_monthly", 0, month=1))
    assert (p.check, p.row) == ("month_out_of_range", 2)
    assert "1—2月" in p.hint_zh
    assert validate_tables(with_change("fai_monthly", 0, month=12)) == []


def test_progress_month_1_is_fine_but_13_is_not():
    assert validate_tables(with_change("project_progress", 0, month=1)) == []
    (p,) = validate_tables(with_change("project_progress", 0, month=13))
    assert p.check == "month_out_of_range"


def test_finish_before_start():
    tables = with_change("projects", 0, planned_finish=pd.Timestamp("2019-01-01"))
    (p,) = validate_tables(tables)
    assert (p.check, p.row, p.column) == ("finish_before_start", 2, "计划竣工时间")


def test_key_project_missing_a_party():
    (p,) = validate_tables(with_change("projects", 0, builder=None))
    assert (p.check, p.row, p.column, p.unit) == (
        "key_project_party_missing",
        2,
        "建设单位",
        "霞山区",
    )
    assert "纪要" in p.hint_zh


def test_non_key_project_may_omit_parties():
    tables = with_change("projects", 0, is_key=False, builder=None, city_leader=None)
    assert validate_tables(tables) == []


def test_unknown_county_suggests_the_right_name():
    (p,) = validate_tables(with_change("projects", 0, county="霞山"))
    assert (p.check, p.value) == ("unknown_county", "霞山")
    assert "霞山区" in p.hint_zh


def test_city_level_projects_are_fixed_by_their_department():
    tables = with_change("projects", 0, county=schema.CITY_LEVEL, builder=None)
    (p,) = validate_tables(tables)
    assert p.unit == "市住房城乡建设局"


def test_unknown_project_id_in_another_table():
    (p,) = validate_tables(with_change("funding_plan", 0, project_id="P999"))
    assert (p.check, p.file, p.row, p.severity) == (
        "unknown_project",
        "funding_plan.csv",
        2,
        ERROR,
    )
    (q,) = validate_tables(with_change("stats_registry", 0, project_id="P999"))
    assert (q.check, q.severity) == ("unknown_project", WARNING)


def test_fai_row_with_neither_value():
    (p,) = validate_tables(with_change("fai_monthly", 1, cum_growth_pct=None))
    assert (p.check, p.row) == ("fai_no_value", 3)


def test_unit_mixup_flags_an_amount_10000_times_its_peers():
    tables = with_change("projects", 4, total_investment=50_000.0 * 10_000)
    (p,) = validate_tables(tables)
    assert (p.check, p.row, p.column, p.severity) == (
        "unit_mixup",
        6,
        "总投资",
        WARNING,
    )
    assert "万元" in p.hint_zh


def test_unit_mixup_flags_an_amount_written_in_yi():
    (p,) = validate_tables(with_change("projects", 4, plan_investment=0.8))
    assert (p.check, p.column) == ("unit_mixup", "年度计划投资")
    assert "亿元" in p.hint_zh


def test_large_but_plausible_amount_is_not_a_unit_mixup():
    tables = with_change(
        "projects", 4, total_investment=50_000.0 * UNIT_MIXUP_RATIO / 10
    )
    assert validate_tables(tables) == []


def test_progress_far_above_the_projects_total_is_a_unit_mixup():
    (p,) = validate_tables(with_change("project_progress", 0, cum_completed=4.0e8))
    assert (p.check, p.unit) == ("unit_mixup", "霞山区")


def test_problems_are_capped_per_file_and_column():
    rows = [project(f"P{i:03d}", county="外地") for i in range(80)]
    problems = validate_tables({"projects": frame("projects", rows)})
    county = [p for p in problems if p.check == "unknown_county"]
    assert len(county) == 51
    assert county[-1].row is None and "另有 30 行" in county[-1].message_zh


def test_every_problem_has_both_languages_a_hint_and_a_unit():
    tables = with_change("projects", 0, county="外地", builder=None, stage="x")
    tables["fai_monthly"] = frame("fai_monthly", [{"region": "湛江市", "year": 2021}])
    problems = validate_tables(tables)
    assert len(problems) >= 4
    for p in problems:
        assert p.message_zh and p.message_en and p.hint_zh and p.unit, p


def test_validate_tables_does_not_mutate_its_input():
    tables = with_change("projects", 0, county="外地")
    before = {k: v.copy() for k, v in tables.items()}
    validate_tables(tables)
    for name, frame_ in tables.items():
        pd.testing.assert_frame_equal(frame_, before[name])


def test_row_units_of_soe_plans_name_the_enterprise():
    tables = valid_tables()
    units = row_units("soe_plans", tables["soe_plans"], tables)
    assert units.tolist() == list(schema.SOES)


def test_required_column_missing_in_one_of_two_files_is_one_problem():
    tables = valid_tables()
    other = frame("targets", [{"region": "霞山区", "year": 2021}])
    other["_source"] = "targets-xiashan.csv"
    tables["targets"] = pd.concat([tables["targets"], other], ignore_index=True)
    (p,) = validate_tables(tables)
    assert (p.check, p.file, p.column) == (
        "missing_column",
        "targets-xiashan.csv",
        "目标增长",
    )


def test_cumulative_amount_falling_within_a_year():
    tables = valid_tables()
    tables["fai_monthly"] = frame(
        "fai_monthly",
        [
            {"region": "湛江市", "year": 2021, "month": 3, "cum_investment": 300.0},
            {"region": "湛江市", "year": 2021, "month": 2, "cum_investment": 200.0},
            {"region": "湛江市", "year": 2021, "month": 4, "cum_investment": 150.0},
            {"region": "霞山区", "year": 2021, "month": 2, "cum_investment": 50.0},
            {"region": "湛江市", "year": 2022, "month": 2, "cum_investment": 100.0},
        ],
    )
    (p,) = validate_tables(tables)
    assert (p.check, p.row, p.severity) == ("cumulative_decrease", 4, WARNING)
    assert "3月" in p.message_zh


def test_cumulative_check_leaves_out_rows_without_a_year_or_region():
    # a year the loader could not read is missing: the check must not crash on it
    tables = valid_tables()
    tables["fai_monthly"] = frame(
        "fai_monthly",
        [
            {"region": "湛江市", "year": None, "month": 3, "cum_investment": 300.0},
            {"region": "湛江市", "year": 2021, "month": 3, "cum_investment": 300.0},
            {"region": None, "year": 2021, "month": 4, "cum_investment": 100.0},
            {"region": "湛江市", "year": 2021, "month": 5, "cum_investment": 200.0},
        ],
    )
    found = [(p.check, p.row) for p in validate_tables(tables)]
    assert ("cumulative_decrease", 5) in found
    assert all(p[0] != "cumulative_decrease" or p[1] == 5 for p in found)


def test_cumulative_amount_rising_passes():
    tables = valid_tables()
    tables["project_progress"] = frame(
        "project_progress",
        [
            {"project_id": "P001", "year": 2021, "month": m, "cum_completed": 100.0 * m}
            for m in (1, 2, 3)
        ],
    )
    assert validate_tables(tables) == []


def test_an_invisible_control_character_in_a_name_is_an_error():
    # a NUL byte inside 湛江奋勇高新区 made the forecast use the default target
    targets = pd.DataFrame(
        {
            "region": ["湛江市", "湛江奋勇\x00高新区"],
            "year": pd.array([2021, 2021], dtype="Int64"),
            "target_growth_pct": [20.0, 25.0],
        }
    )
    problems = validate_tables({"targets": targets})
    bad = [p for p in problems if p.check == "control_character"]
    assert len(bad) == 1 and bad[0].severity == ERROR
    assert bad[0].value == "湛江奋勇\\x00高新区"
    assert "控制字符" in bad[0].message_zh


@pytest.mark.parametrize(
    "name, shown",
    [
        ("霞山区\u200b", "霞山区\\u200b"),  # a zero-width space pasted from a web page
        ("霞山\u200d区", "霞山\\u200d区"),
        ("\ufeff霞山区", "\\ufeff霞山区"),  # a byte-order mark inside a cell
        ("霞山区\x85", "霞山区\\x85"),  # a C1 control
    ],
)
def test_zero_width_and_c1_characters_in_a_name_are_errors(name, shown):
    # 霞山区 + U+200B in both fai_monthly and targets passed every check: the
    # county's statistics and target were another region's
    fai = pd.DataFrame(
        {
            "region": ["湛江市", name],
            "year": pd.array([2021, 2021], dtype="Int64"),
            "month": pd.array([6, 6], dtype="Int64"),
            "cum_investment": [600.0, 100.0],
            "cum_growth_pct": [12.0, 10.0],
        }
    )
    problems = validate_tables({"fai_monthly": fai})
    (bad,) = [p for p in problems if p.check == "control_character"]
    assert bad.value == shown


def test_a_target_for_a_region_nobody_reports_is_an_error():
    fai = pd.DataFrame(
        {
            "region": ["湛江市", "湛江奋勇高新区", "全国"],
            "year": pd.array([2021] * 3, dtype="Int64"),
            "month": pd.array([6] * 3, dtype="Int64"),
            "cum_investment": [1.0, 1.0, 1.0],
        }
    )
    targets = pd.DataFrame(
        {
            "region": ["湛江市", "湛江奋勇高新区X", "全国", "霞山区"],
            "year": pd.array([2021] * 4, dtype="Int64"),
            "target_growth_pct": [20.0, 25.0, 5.0, 20.0],
        }
    )
    problems = validate_tables({"targets": targets, "fai_monthly": fai})
    bad = [p for p in problems if p.check == "unknown_region"]
    # a typo is caught (with the likely name); 全国 is a statistics region, 霞山区 a county
    assert [p.value for p in bad] == ["湛江奋勇高新区X"]
    assert "湛江奋勇高新区" in bad[0].hint_zh


def test_a_target_written_as_a_fraction_among_percentages_is_warned(tmp_path):
    # one county typed 0.2 for 20%: the column is not all fractions, so the
    # loader keeps 0.2%, and the county would be judged 达标 against it
    (tmp_path / "targets.csv").write_text(
        "地区,年份,目标增长(%),上年完成投资(万元)\n湛江市,2021,20,100\n"
        "赤坎区,2021,0.2,10\n霞山区,2021,20,10\n麻章区,2021,18,10\n"
        "湛江市,2022,0.5,110\n",
        encoding="utf-8",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20.0, 0.2, 20.0, 18.0, 0.5]
    (warn,) = [p for p in ds.report.problems if p.check == "target_outlier"]
    assert (warn.severity, warn.row, warn.value) == ("warning", 3, "0.2")
    # median of 20, 0.2, 20, 18 is 19; the fix names the 20 the office meant
    assert "中位数19%" in warn.message_zh and "请填20" in warn.hint_zh
    # 2022 has a single target: no peers to compare with, no warning
    assert not ds.report.errors
