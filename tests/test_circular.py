"""Tests for zjanalysis.circular on small hand-made canonical frames.

Every expected number below is computed by hand in the comment next to it.
"""

import numpy as np
import pandas as pd
import pytest

from zjanalysis import circular, schema
from zjanalysis.problems import ERROR, Problem, ValidationReport
from zjanalysis.reports.circular import CircularView
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.tables import chinese_headers

NaT = pd.NaT


def _projects() -> pd.DataFrame:
    rows = [
        # id, county, department, key, stage, plan, planned_start, plan_year, ledger land pct
        (
            "P1",
            "赤坎区",
            "市交通运输局",
            True,
            "续建",
            1000.0,
            "2020-03-01",
            2021,
            None,
        ),
        ("P2", "赤坎区", "市水务局", False, "新开工", 500.0, "2021-03-01", 2021, None),
        (
            "P3",
            "霞山区",
            "市交通运输局",
            True,
            "新开工",
            2000.0,
            "2021-05-01",
            2021,
            20.0,
        ),
        ("P4", "霞山区", "市水务局", False, "预备", 0.0, None, 2021, None),
        ("P5", "麻章区", "市水务局", False, "预备", 100.0, None, 2021, None),
        ("P6", "坡头区", "市住房城乡建设局", True, "储备", 300.0, None, 2021, None),
        ("P7", "赤坎区", "市交通运输局", False, "续建", 999.0, None, 2020, None),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "county",
            "department",
            "is_key",
            "stage",
            "plan_investment",
            "planned_start",
            "plan_year",
            "land_acquired_pct",
        ],
    )
    df["name"] = "项目" + df["project_id"]
    df["is_key"] = df["is_key"].astype("boolean")
    df["plan_year"] = df["plan_year"].astype("Int64")
    df["planned_start"] = pd.to_datetime(df["planned_start"])
    return df


def _progress() -> pd.DataFrame:
    rows = [
        ("P1", 2021, 5, 400.0, "2020-03-05"),
        ("P1", 2021, 6, 600.0, None),
        ("P1", 2021, 7, 800.0, None),  # after the as-of month: ignored
        ("P1", 2020, 6, 9999.0, None),  # another year: ignored
        ("P2", 2021, 4, 100.0, "2021-04-10"),  # no June row: carries 100
        ("P5", 2021, 6, 30.0, None),
        ("P7", 2021, 6, 50.0, None),  # not in the 2021 plan: ignored
    ]
    df = pd.DataFrame(
        rows, columns=["project_id", "year", "month", "cum_completed", "actual_start"]
    )
    df["year"] = df["year"].astype("Int64")
    df["month"] = df["month"].astype("Int64")
    df["actual_start"] = pd.to_datetime(df["actual_start"])
    return df


def _milestones() -> pd.DataFrame:
    rows = [
        ("P1", "主体封顶", "2021-05-31", None),  # 30 days overdue at 2021-06-30
        ("P1", "开工", "2021-01-15", "2021-01-10"),  # done in time
        ("P3", "开工", "2021-05-01", "2021-07-10"),  # done after the as-of: 60 days
        ("P3", "竣工", "2021-12-31", None),  # not yet due
        ("P6", "立项", "2021-03-01", None),  # reserve project: not in the plan
        ("P2", "开工", "2021-06-30", None),  # due on the as-of date: 0 days
    ]
    df = pd.DataFrame(
        rows, columns=["project_id", "milestone", "due_date", "done_date"]
    )
    df["due_date"] = pd.to_datetime(df["due_date"])
    df["done_date"] = pd.to_datetime(df["done_date"])
    return df


def _land() -> pd.DataFrame:
    rows = [
        ("P1", 100.0, None, 100.0),
        ("P2", 300.0, None, 50.0),
        ("P3", 200.0, None, None),  # falls back to the ledger's 20%
        ("P6", 50.0, None, None),  # no progress anywhere
        ("P7", 80.0, None, 10.0),  # 2020 project: not counted for 2021
        ("P5", 0.0, 3.0, None),  # sea only: not land acquisition
    ]
    return pd.DataFrame(
        rows, columns=["project_id", "land_area_mu", "sea_area_ha", "land_acquired_pct"]
    )


def _fai() -> pd.DataFrame:
    # 赤坎区 has two complete past years with 40% done by June (40 of 100)
    rows = []
    for y in (2019, 2020):
        for m in range(2, 13):
            level = 40.0 * m / 6 if m <= 6 else 40.0 + 60.0 * (m - 6) / 6
            rows.append(("赤坎区", y, m, level))
    df = pd.DataFrame(rows, columns=["region", "year", "month", "cum_investment"])
    df["year"] = df["year"].astype("Int64")
    df["month"] = df["month"].astype("Int64")
    return df


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "projects": _projects(),
        "project_progress": _progress(),
        "milestones": _milestones(),
        "land_plan": _land(),
        "fai_monthly": _fai(),
    }


def test_month_with_no_progress_rows_gives_zero_and_lists_every_project():
    t = _tables()
    t["project_progress"] = _progress().iloc[0:0]
    res = circular.compute_circular(t, year=2021, month=6)
    assert res.city["completed_wan"] == 0.0
    assert res.city["completion_pct"] == 0.0
    # only P1 (续建) is due to report: P2 and P3 have not started, P5 is 预备
    assert res.missing_reports["project_id"].tolist() == ["P1"]
    assert res.by_county.set_index("county").loc["赤坎区", "n_no_report"] == 1
    # January: no rows yet, nothing crashes
    res1 = circular.compute_circular(_tables(), year=2021, month=1)
    assert res1.city["completed_wan"] == 0.0
    assert res1.missing_reports["project_id"].tolist() == ["P1"]


def test_county_ranking_hand_computed():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    t = res.by_county.set_index("county")
    # 赤坎区: plan 1000 + 500 = 1500, done 600 + 100 = 700 -> 46.667%;
    # expected 40% from its own past years -> gap +6.667 -> 绿
    assert t.loc["赤坎区", "plan_wan"] == 1500.0
    assert t.loc["赤坎区", "completed_wan"] == 700.0
    assert t.loc["赤坎区", "completion_pct"] == pytest.approx(700 / 1500 * 100)
    assert t.loc["赤坎区", "expected_pct"] == pytest.approx(40.0)
    assert t.loc["赤坎区", "basis"] == circular.BASIS_OWN
    assert t.loc["赤坎区", "gap_pp"] == pytest.approx(700 / 15 - 40)
    assert t.loc["赤坎区", "status"] == "绿"
    assert t.loc["赤坎区", "n_no_report"] == 1
    # 霞山区: 0 of 2000 -> 0%; time share 50% -> gap -50 -> 红
    assert t.loc["霞山区", "completion_pct"] == 0.0
    assert t.loc["霞山区", "expected_pct"] == pytest.approx(50.0)
    assert t.loc["霞山区", "basis"] == circular.BASIS_TIME
    assert t.loc["霞山区", "status"] == "红"
    # 麻章区: 30 of 100 (funded 预备) -> 30%; gap -20 -> 红
    assert t.loc["麻章区", "completion_pct"] == pytest.approx(30.0)
    # ranks by completion rate: 赤坎 1, 麻章 2, 霞山 3
    assert res.by_county["county"].tolist()[:3] == ["赤坎区", "麻章区", "霞山区"]
    assert res.by_county["rank"].tolist()[:3] == [1, 2, 3]


def test_county_with_zero_plan_has_no_rate_and_status_no_plan():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    t = res.by_county.set_index("county")
    # 坡头区 has only a reserve project: plan 0, no division by zero
    assert t.loc["坡头区", "plan_wan"] == 0.0
    assert np.isnan(t.loc["坡头区", "completion_pct"])
    assert t.loc["坡头区", "status"] == circular.STATUS_NO_PLAN
    assert pd.isna(t.loc["坡头区", "rank"])
    # every one of the 11 counties is shown
    assert set(schema.COUNTIES) <= set(t.index)
    assert len(t) == 11


def test_department_ranking_uses_city_expected_rate():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    t = res.by_department.set_index("department")
    # 市水务局: P2 500 + P5 100 = 600 plan, 100 + 30 = 130 done -> 21.667%
    # 市交通运输局: P1 1000 + P3 2000 = 3000 plan, 600 done -> 20%
    assert t.loc["市水务局", "completion_pct"] == pytest.approx(130 / 6)
    assert t.loc["市交通运输局", "completion_pct"] == pytest.approx(20.0)
    assert t.loc["市水务局", "rank"] == 1
    assert t.loc["市交通运输局", "rank"] == 2
    # no city statistics in the fixture -> time share 6/12
    assert t.loc["市水务局", "expected_pct"] == pytest.approx(50.0)
    # a department whose only project is in reserve: 无计划
    assert t.loc["市住房城乡建设局", "status"] == circular.STATUS_NO_PLAN


def test_city_total_and_summary_sentence():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    # plan 1000 + 500 + 2000 + 100 = 3600, done 600 + 100 + 0 + 30 = 730
    assert res.city["plan_wan"] == 3600.0
    assert res.city["completed_wan"] == 730.0
    assert res.city["completion_pct"] == pytest.approx(730 / 36)
    text = CircularView(res).headline()
    assert text.startswith(
        "2021年1—6月，全市计划项目累计完成投资0.07亿元，完成年度计划20.3%"
    )
    assert "麻章区" in text and "霞山区" in text
    assert text.endswith("；2个重点项目的2个节点滞后。")


def test_summary_names_city_level_projects_apart_from_the_counties():
    # P8: a 市直 新开工 project with nothing done by June -> 0% vs 50%: 红
    tables = _tables()
    p8 = tables["projects"].iloc[[1]].assign(project_id="P8", county="市直")
    tables["projects"] = pd.concat([tables["projects"], p8], ignore_index=True)
    res = circular.compute_circular(tables, year=2021, month=6)
    t = res.by_county.set_index("county")
    assert t.loc["市直", "status"] == "红"
    text = CircularView(res).headline()
    # 市直 is not a county: 2 counties on red (麻章区, 霞山区), 市直 named apart
    assert "；2个县（市、区）亮红灯（麻章区、霞山区），市直项目也亮红灯；" in text
    assert "市直" not in text.split("亮红灯（")[1].split("）")[0]


def test_status_thresholds_are_parameters():
    # 赤坎区 is 6.7 points ahead; 麻章区 20 points behind its 50%
    res = circular.compute_circular(
        _tables(), year=2021, month=6, amber_gap_pp=25.0, red_gap_pp=60.0
    )
    t = res.by_county.set_index("county")
    assert t.loc["麻章区", "status"] == "绿"
    assert t.loc["霞山区", "status"] == "黄"  # -50 is between -25 and -60
    with pytest.raises(ValueError):
        circular.classify_status([1.0], [2.0], amber_gap_pp=10.0, red_gap_pp=5.0)


def test_lagging_milestones_hand_computed():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    lag = res.lagging_milestones
    got = list(
        zip(lag["project_id"], lag["milestone"], lag["days_overdue"], strict=True)
    )
    # key projects first, most overdue first; P6 is reserve, P3 竣工 not yet due
    assert got == [("P3", "开工", 60), ("P1", "主体封顶", 30), ("P2", "开工", 0)]


def test_unstarted_new_projects():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    # P3 planned 2021-05-01, no actual start -> 60 days late; P2 started 2021-04-10
    assert res.unstarted_new["project_id"].tolist() == ["P3"]
    assert res.unstarted_new["days_late"].tolist() == [60]
    # in April P3's planned start has not come yet
    res4 = circular.compute_circular(_tables(), year=2021, month=4)
    assert res4.unstarted_new.empty


def test_missing_reports_list():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    mr = res.missing_reports
    # P2 reported in April and not in June; P3 has not started (not due)
    assert mr["project_id"].tolist() == ["P2"]
    assert mr["last_report_month"].tolist() == [4]
    assert mr["completed_wan"].tolist() == [100.0]


def test_land_acquisition_by_county_hand_computed():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    land = res.land.set_index("county")
    # 赤坎区: P1 100 mu at 100%, P2 300 mu at 50% -> 1 of 2 done = 50%;
    # acquired 100 + 150 = 250 of 400 mu = 62.5%
    assert land.loc["赤坎区", "n_land_projects"] == 2
    assert land.loc["赤坎区", "n_land_done"] == 1
    assert land.loc["赤坎区", "count_done_pct"] == pytest.approx(50.0)
    assert land.loc["赤坎区", "acquired_area_mu"] == pytest.approx(250.0)
    assert land.loc["赤坎区", "area_weighted_pct"] == pytest.approx(62.5)
    # 霞山区: P3 200 mu at the ledger's 20% -> 40 mu
    assert land.loc["霞山区", "area_weighted_pct"] == pytest.approx(20.0)
    # 坡头区: P6 50 mu without progress -> no rate, counted as unreported
    assert land.loc["坡头区", "n_no_pct"] == 1
    assert np.isnan(land.loc["坡头区", "area_weighted_pct"])
    # city: 4 entries (P7 is 2020, P5 sea only), 1 of 3 known done = 33.3%;
    # 290 mu acquired of 600 mu with known progress = 48.33%
    total = land.loc["全市合计"]
    assert total["n_land_projects"] == 4
    assert total["count_done_pct"] == pytest.approx(100 / 3)
    assert total["land_area_mu"] == pytest.approx(650.0)
    assert total["area_weighted_pct"] == pytest.approx(290 / 6)


def test_expected_rate_falls_back_to_city_then_time():
    fai = _fai().assign(region=schema.CITY)
    exp = circular.compute_expected_rates(
        fai, regions=["赤坎区", "市直"], year=2021, month=6
    )
    assert exp.loc["赤坎区", "basis"] == circular.BASIS_CITY
    assert exp.loc["赤坎区", "expected_pct"] == pytest.approx(40.0)
    exp2 = circular.compute_expected_rates(
        fai.iloc[0:0], regions=["赤坎区"], year=2021, month=3
    )
    assert exp2.loc["赤坎区", "expected_pct"] == pytest.approx(25.0)
    assert exp2.loc["赤坎区", "method"] == "time"


def test_missing_tables_count_as_empty():
    t = {"projects": _projects()}
    res = circular.compute_circular(t, year=2021, month=6)
    assert res.city["completed_wan"] == 0.0
    assert res.lagging_milestones.empty
    assert res.land["n_land_projects"].sum() == 0


def test_inputs_are_not_mutated():
    t = _tables()
    before = {k: v.copy() for k, v in t.items()}
    circular.compute_circular(t, year=2021, month=6)
    for k, v in t.items():
        pd.testing.assert_frame_equal(v, before[k])


def test_excel_sheets_are_readable_and_have_chinese_headers():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    sheets = CircularView(res).excel().sheets
    assert list(sheets) == [
        "县区完成情况",
        "部门完成情况",
        "节点滞后项目",
        "新开工未开工",
        "本月未填报",
        "征地拆迁",
    ]
    county = sheets["县区完成情况"]
    assert county.iloc[0]["completion_pct"] == 46.7  # 700 / 1500, one decimal
    assert sheets["节点滞后项目"]["is_key"].tolist() == ["是", "是", "否"]
    for frame in sheets.values():
        assert all(c in COLUMNS_ZH for c in frame.columns)
    zh = chinese_headers(county)
    assert "完成率" in zh.columns and "状态" in zh.columns


def test_bad_month_is_refused():
    with pytest.raises(ValueError):
        circular.compute_circular(_tables(), year=2021, month=13)


class _Dataset(dict):
    """A stand-in for io.Dataset: tables plus a validation report."""

    def __init__(self, tables, n_errors):
        super().__init__(tables)
        self.report = ValidationReport(
            [Problem(ERROR, "x", "a.csv", 2, None, None, "错", "bad")] * n_errors
        )


def test_dataset_with_errors_is_refused_politely():
    res = circular.compute_circular_for_dataset(
        _Dataset(_tables(), 3), year=2021, as_of="2021-06"
    )
    assert res.refusal.startswith("数据有 3 个错误，暂不出2021年1—6月通报")
    view = CircularView(res)
    assert view.headline() == res.refusal == view.refusal
    assert res.by_county.empty and res.land.empty
    assert view.table("by_county").df.empty
    assert view.table("by_county").caption == res.refusal
    assert view.basis_note() == ""
    ok = circular.compute_circular_for_dataset(
        _Dataset(_tables(), 0), year=2021, as_of="2021-06"
    )
    assert not ok.refusal and ok.city["completed_wan"] == 730.0


def test_table_kwargs_for_the_report():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    view = CircularView(res)
    kw = view.table("by_county").kwargs()
    assert kw["unit"] == "亿元" and kw["status"] == ["status"]
    assert kw["money"] == ["plan_wan", "completed_wan"]
    assert "basis" not in kw["df"].columns
    lag = view.table("lagging_milestones")
    assert lag.unit == "万元" and lag.df["is_key"].tolist() == ["是", "是", "否"]
    with pytest.raises(KeyError, match="known: by_county"):
        view.table("by_province")
    note = view.basis_note()
    assert "本地区历年进度" in note and "落后5—10个百分点为黄" in note


def test_plot_completion_vs_expected():
    from zjanalysis.plots.circular import plot_completion_vs_expected

    res = circular.compute_circular(_tables(), year=2021, month=6)
    fig = plot_completion_vs_expected(res.by_county)
    ax = fig.axes[0]
    # one bar per county (11), best at the top; labels name the rate or 无计划
    assert len(ax.patches) == 11
    texts = [t.get_text() for t in ax.texts]
    assert "46.7%" in texts and "无计划" in texts
    assert ax.get_yticklabels()[-1].get_text() == "赤坎区"
    empty = plot_completion_vs_expected(res.by_department.iloc[0:0], "department")
    assert "无数据" in [t.get_text() for t in empty.axes[0].texts]


def test_an_as_of_past_the_progress_reports_is_refused_as_no_data():
    # the progress rows end in July: a year-end circular would be made up
    res = circular.compute_circular_for_dataset(
        _Dataset(_tables(), 0), year=2021, as_of="2021-12"
    )
    assert res.refusal == "项目月度进度只到2021年1—7月，无法出2021年1—12月通报。"
    assert res.refusal_kind == "no_data"
    assert res.by_county.empty
    view = CircularView(res)
    assert view.headline() == res.refusal and view.finding() == "no_data"


def test_a_year_without_ledger_rows_is_refused_as_no_data():
    res = circular.compute_circular_for_dataset(
        _Dataset(_tables(), 0), year=2022, as_of="2022-06"
    )
    assert res.refusal.startswith(
        "项目台账没有2022年的数据，项目月度进度没有2022年的数据"
    )
    assert res.refusal_kind == "no_data"


def test_an_as_of_before_the_plan_year_is_refused():
    res = circular.compute_circular_for_dataset(
        _Dataset(_tables(), 0), year=2021, as_of="2020-12"
    )
    assert res.refusal == "截止月份2020-12早于计划年度2021年，无法出2021年通报。"


def test_errors_in_a_table_the_circular_does_not_read_do_not_block_it():
    ds = _Dataset(_tables(), 0)
    ds.report = ValidationReport(
        [Problem(ERROR, "x", "soe.csv", 2, None, None, "错", "bad", table="soe_plans")]
    )
    ok = circular.compute_circular_for_dataset(ds, year=2021, as_of="2021-06")
    assert not ok.refusal and ok.city["completed_wan"] == 730.0
    ds.report = ValidationReport(
        [Problem(ERROR, "x", "p.csv", 2, None, None, "错", "bad", table="projects")]
    )
    refused = circular.compute_circular_for_dataset(ds, year=2021, as_of="2021-06")
    assert refused.refusal.startswith("项目台账有 1 个错误，暂不出2021年1—6月通报")
    assert CircularView(refused).finding() == "blocked"


def test_the_page_says_why_plan_completion_differs_from_the_statistics():
    t = _tables()
    fai = _fai()
    city = pd.DataFrame(
        {"region": ["湛江市"], "year": [2021], "month": [6], "cum_investment": [1500.0]}
    ).astype({"year": "Int64", "month": "Int64"})
    t["fai_monthly"] = pd.concat([fai, city], ignore_index=True)
    view = CircularView(circular.compute_circular(t, year=2021, month=6))
    # plan projects reported 730万元; the statistics say 1,500万元 for the city
    assert view.result.city["statistics_wan"] == 1500.0
    note = view.reconciliation_note()
    assert "累计完成投资0.07亿元是计划项目填报数之和" in note
    assert "（2021年1—6月0.15亿元）" in note and "口径不同" in note
    none = CircularView(circular.compute_circular(_tables(), year=2021, month=6))
    assert "未收到，无法对照" in none.reconciliation_note()


def test_without_node_targets_the_headline_does_not_say_none_are_late():
    t = _tables()
    t["milestones"] = _milestones().iloc[0:0]
    res = circular.compute_circular(t, year=2021, month=6)
    assert not res.milestones_received
    text = CircularView(res).headline()
    assert text.endswith("；未收到计划项目的节点目标，无法判断重点项目节点是否滞后。")
    assert "均未滞后" not in text
    assert circular.compute_circular(_tables(), year=2021, month=6).milestones_received


def test_node_targets_of_another_year_do_not_count_as_received():
    # the 2021 node targets say nothing about a 2020 circular's milestones
    t = _tables()
    later = _milestones().assign(due_date=pd.Timestamp("2022-03-31"))
    t["milestones"] = later
    res = circular.compute_circular(t, year=2021, month=6)
    assert not res.milestones_received
    assert "无法判断重点项目节点是否滞后" in CircularView(res).headline()


def test_the_workbook_rankings_end_with_the_city_total():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    sheets = CircularView(res).excel().sheets
    county = sheets["县区完成情况"]
    last = county.iloc[-1]
    # the total row is the city: 3,600万元 planned, 730 done (hand-computed above)
    assert last["county"] == "全市合计"
    assert last["plan_wan"] == 3600.0 and last["completed_wan"] == 730.0
    assert county.iloc[:-1]["plan_wan"].sum() == 3600.0  # the units add up to it
    assert sheets["部门完成情况"].iloc[-1]["department"] == "全市合计"
    # the page's table stays the ranking alone
    assert "全市合计" not in CircularView(res).table("by_county").df["county"].tolist()


def test_the_brief_names_the_red_counties_and_departments_worst_first():
    res = circular.compute_circular(_tables(), year=2021, month=6)
    brief = {i["label"]: i for i in CircularView(res).brief()}
    # city: 730 of 3,600万元 = 20.3%, time share 50%: 29.7 points behind
    city = brief["2021年1—6月计划项目完成进度"]
    assert city["value"] == "20.3%" and city["status"] == "missed"
    assert city["text"] == "完成年度计划20.3%，时间进度应完成50.0%，慢29.7个百分点"
    # 霞山区 0% vs 50% (-50), 麻章区 30% vs 50% (-20); 赤坎区 is green
    assert brief["亮红灯的县（市、区）"]["text"] == (
        "霞山区（慢50.0个百分点）、麻章区（慢20.0个百分点）"
    )
    assert brief["亮红灯的部门"]["text"].startswith("市交通运输局（慢30.0个百分点）")
    assert brief["重点项目节点"]["text"] == "2个重点项目的2个节点滞后"
    # 市直 is named apart, never as a county
    t = _tables()
    t["projects"] = t["projects"].assign(
        county=t["projects"]["county"].replace({"霞山区": "市直"})
    )
    text = {
        i["label"]: i["text"]
        for i in CircularView(circular.compute_circular(t, year=2021, month=6)).brief()
    }["亮红灯的县（市、区）"]
    assert text == "麻章区（慢20.0个百分点）、另市直项目亮红灯（慢50.0个百分点）"
    refused = circular.compute_circular_for_dataset(
        _Dataset(_tables(), 0), year=2021, as_of="2020-12"
    )
    assert CircularView(refused).brief() == [
        {
            "label": "月度通报",
            "text": refused.refusal,
            "status": "no_data",
            "value": "",
        }
    ]
