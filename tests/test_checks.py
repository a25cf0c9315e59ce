"""Tests for zjanalysis.checks on small hand-made canonical frames.

Every expected number is computed by hand in the comment next to it.
"""

import numpy as np
import pandas as pd
import pytest

from zjanalysis import checks, webpage
from zjanalysis.problems import ERROR, Problem, ValidationReport
from zjanalysis.reports.checks import ChecksView, check_line, message_zh
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.tables import chinese_headers


def _projects() -> pd.DataFrame:
    cols = [
        "project_id",
        "plan_year",
        "stage",
        "is_key",
        "plan_investment",
        "county",
        "department",
        "city_leader",
        "lead_unit",
        "industry_dept",
        "builder",
        "is_renewal",
        "is_real_estate",
        "land_status",
    ]
    rows = [
        # K1: complete key project, funded exactly at plan, land entry with red line
        (
            "K1",
            2021,
            "续建",
            True,
            600.0,
            "赤坎区",
            "市交通运输局",
            "张副市长",
            "市交通运输局",
            "市交通运输局",
            "市交通投资集团",
            False,
            False,
            "已完成",
        ),
        # K2: key, builder blank, no milestone; underfunded 300 of 400; no land entry
        (
            "K2",
            2021,
            "新开工",
            True,
            400.0,
            "霞山区",
            "市水务局",
            "李副市长",
            "市水务局",
            "市水务局",
            "  ",
            False,
            False,
            "办理中",
        ),
        # N1: not key, both 三旧 and real estate; land entry without red line
        (
            "N1",
            2021,
            "新开工",
            False,
            800.0,
            "麻章区",
            "市住房城乡建设局",
            None,
            None,
            None,
            None,
            True,
            True,
            "办理中",
        ),
        # N2: not key, 三旧 only, no land needs
        (
            "N2",
            2021,
            "续建",
            False,
            200.0,
            "坡头区",
            "市城市更新局",
            None,
            None,
            None,
            None,
            True,
            False,
            "不需要",
        ),
        # R1: reserve (not in the plan), key, incomplete: not judged
        (
            "R1",
            2021,
            "储备",
            True,
            0.0,
            "赤坎区",
            "市水务局",
            None,
            None,
            None,
            None,
            False,
            False,
            "未启动",
        ),
        # C1: 竣工 project, needs no land any more
        (
            "C1",
            2021,
            "竣工",
            False,
            0.0,
            "赤坎区",
            "市水务局",
            None,
            None,
            None,
            None,
            False,
            False,
            "已完成",
        ),
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["name"] = "项目" + df["project_id"]
    df["plan_year"] = df["plan_year"].astype("Int64")
    for c in ("is_key", "is_renewal", "is_real_estate"):
        df[c] = df[c].astype("boolean")
    return df


def _milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["K1", "K1"],
            "milestone": ["开工", "竣工"],
            "due_date": pd.to_datetime(["2021-03-01", "2022-06-30"]),
            "done_date": pd.to_datetime(["2021-03-01", None]),
        }
    )


def _funding() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["K1", "K1", "K2", "N1", "N2", "K2"],
            "year": pd.array([2021, 2021, 2021, 2021, 2021, 2020], dtype="Int64"),
            "source": [
                "专项债",
                "财政预算",
                "专项债",
                "企业自筹",
                "财政预算",
                "专项债",
            ],
            # K1: 400 + 200 = 600 = plan; K2: 100 (the 2020 row does not count)
            # N1: 800.3 (0.3 over: passes); N2: 199.8 (gap 0.2 <= 0.5 tolerance)
            "amount": [400.0, 200.0, 100.0, 800.3, 199.8, 999.0],
        }
    )


def _land() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["K1", "N1", "X9"],
            "land_area_mu": [120.0, 40.0, 75.0],
            "sea_area_ha": [np.nan, np.nan, np.nan],
            "approval_status": ["已完成", "办理中", "已完成"],
            "red_line_issued": pd.array([True, False, None], dtype="boolean"),
            "land_acquired_pct": [100.0, 30.0, 0.0],
            "idle_approved_land": pd.array([False, False, True], dtype="boolean"),
        }
    )


def _changes() -> pd.DataFrame:
    rows = [
        # addition approved by the bureau: fine
        ("2021-03-10", "N1", "新增", None, 800.0, "市发展改革局", None),
        # cut approved only by the bureau: violation (no leader, no number)
        ("2021-04-15", "K2", "调减", 500.0, 400.0, "市发展改革局", None),
        # cut approved by a vice mayor with a number: fine
        ("2021-05-20", "K1", "调减", 700.0, 600.0, "张副市长", "湛府函〔2021〕12号"),
        # change approved by a leader without a number: violation
        ("2021-06-01", "N2", "调整", 250.0, 200.0, "市政府常务会议", ""),
        # "调增" that actually cuts, approved by the bureau: violation as a cut
        ("2021-06-05", "C1", "调增", 50.0, 0.0, "市发改局", "湛发改〔2021〕3号"),
        # addition with no approver at all: violation
        ("2021-06-10", "X8", "新增", None, 0.0, None, None),
        # a change of another year: not audited
        ("2020-11-01", "K1", "取消", 300.0, 0.0, "市发展改革局", None),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "change_date",
            "project_id",
            "change_type",
            "old_amount",
            "new_amount",
            "approver",
            "approval_ref",
        ],
    )
    df["change_date"] = pd.to_datetime(df["change_date"])
    df["old_amount"] = df["old_amount"].astype(float)
    return df


def _progress() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["K1", "K2", "N1", "N2", "K1"],
            "year": pd.array([2021] * 5, dtype="Int64"),
            "month": pd.array([6, 6, 6, 6, 5], dtype="Int64"),
            "cum_completed": [300.0, 100.0, 400.0, 50.0, 250.0],
        }
    )


def _stats() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["K1", "K2", "N1", "K1", "N2"],
            "registered": pd.array([True, True, False, True, True], dtype="boolean"),
            "year": pd.array([2021] * 5, dtype="Int64"),
            "month": pd.array([6, 6, 6, 5, 6], dtype="Int64"),
            # K1: 300 vs 290 -> +3.45%, within 5%; K2: 100 vs 80 -> +25%;
            # N2: 50 vs 0 -> any amount against zero fails
            "stats_cum_completed": [290.0, 80.0, np.nan, 250.0, 0.0],
        }
    )


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "projects": _projects(),
        "milestones": _milestones(),
        "funding_plan": _funding(),
        "land_plan": _land(),
        "plan_changes": _changes(),
        "project_progress": _progress(),
        "stats_registry": _stats(),
    }


def test_key_share_hand_computed():
    r = checks.check_key_project_share(_projects(), year=2021)
    # plan: K1 600 + K2 400 + N1 800 + N2 200 + C1 0 = 2000; key 1000 -> 50%
    assert r.verdict == "fail"
    assert r.details["key_plan_wan"] == 1000.0
    assert r.details["total_plan_wan"] == 2000.0
    assert r.details["key_share_pct"] == pytest.approx(50.0)
    # 2/3 of 2000 = 1333.33 -> short 333.33
    assert r.details["shortfall_wan"] == pytest.approx(2000 * 2 / 3 - 1000)
    assert len(r.rows) == 1
    assert "低于三分之二" in message_zh(r, year=2021)
    assert checks.check_key_project_share(_projects(), year=2021, min_share=0.5).passed


def test_key_share_of_exactly_two_thirds_passes():
    p = _projects()
    # K1 600 + K2 400 = 1000 key; make the others 500 -> 1000 / 1500 = 2/3
    p.loc[p["project_id"] == "N1", "plan_investment"] = 300.0
    r = checks.check_key_project_share(p, year=2021)
    assert r.details["key_share_pct"] == pytest.approx(200 / 3)
    assert r.passed
    # the notebook's parameter 66.7 (percent) means the same
    assert checks.check_key_project_share(p, year=2021, min_share=0.667).passed
    # one 万元 less of key plan: 999 / 1499 = 66.64% -> 66.6% fails
    p.loc[p["project_id"] == "K1", "plan_investment"] = 599.0
    assert not checks.check_key_project_share(p, year=2021).passed


def test_key_share_with_no_plan_fails_politely():
    r = checks.check_key_project_share(_projects(), year=2030)
    assert r.verdict == "fail"
    assert "无法计算" in message_zh(r, year=2021)


def test_key_records_missing_parties_and_milestones():
    r = checks.check_key_project_records(_projects(), _milestones(), year=2021)
    # K2 has a blank builder and no milestone; K1 complete; R1 is reserve
    assert r.rows["project_id"].tolist() == ["K2"]
    assert r.rows["missing"].tolist() == ["建设单位、无节点目标"]
    assert r.details["n_key"] == 2


def test_funding_exactly_at_plan_passes_and_gap_is_listed():
    r = checks.check_funding_alignment(_projects(), _funding(), year=2021)
    # K1 funded 600 = plan: passes. K2: 400 - 100 = 300 gap, 75% unfunded.
    # N2: gap 0.2 within tolerance. C1: plan 0, not judged.
    assert r.rows["project_id"].tolist() == ["K2"]
    assert r.rows["gap_wan"].tolist() == [300.0]
    assert r.rows["unfunded_pct"].tolist() == [75.0]
    assert r.details["gap_wan"] == 300.0
    # a zero tolerance lists N2's 0.2 gap too
    strict = checks.check_funding_alignment(
        _projects(), _funding(), year=2021, tolerance_wan=0.0
    )
    assert strict.rows["project_id"].tolist() == ["K2", "N2"]
    assert strict.rows["gap_wan"].iloc[1] == pytest.approx(0.2)


def test_land_alignment_entries_and_red_lines():
    r = checks.check_land_alignment(_projects(), _land(), year=2021)
    got = list(zip(r.rows["project_id"], r.rows["problem"], strict=True))
    # K2 needs land (办理中) but has no entry; N1 has 40 mu without red line;
    # K1 fine; N2 needs none; C1 竣工 not judged
    assert got == [("K2", "无用地用海计划"), ("N1", "红线未下达")]
    assert r.details["n_need_land"] == 3


def test_idle_approved_land_listed():
    r = checks.list_idle_approved_land(_projects(), _land(), year=2021)
    assert r.verdict == "fail"
    assert r.rows["project_id"].tolist() == ["X9"]
    assert r.details["idle_area_mu"] == 75.0
    clean = _land().assign(idle_approved_land=pd.array([False] * 3, dtype="boolean"))
    assert checks.list_idle_approved_land(_projects(), clean, year=2021).passed


def test_project_both_renewal_and_real_estate():
    r = checks.check_renewal_real_estate(_projects(), year=2021)
    assert r.rows["project_id"].tolist() == ["N1"]
    assert r.details["double_plan_wan"] == 800.0
    assert r.details["n_renewal"] == 2


def test_plan_change_audit_rules():
    r = checks.audit_plan_changes(_changes(), _projects(), year=2021)
    got = dict(zip(r.rows["project_id"], r.rows["missing"], strict=True))
    assert got == {
        "K2": "缺市领导批准、缺批准文号",  # cut approved only by the bureau
        "N2": "缺批准文号",  # leader approved, no document number
        "C1": "缺市领导批准",  # "调增" that cuts 50 -> 0
        "X8": "缺市发展改革局批准",  # addition without approver
    }
    # N1 (addition by the bureau) and K1 (cut by a vice mayor with a number) pass
    assert "N1" not in got and "K1" not in got
    assert r.details["n_changes"] == 6  # the 2020 change is not audited
    assert r.details["n_cuts"] == 4  # K2, K1, N2, C1
    # after = current plan total 2000; net change = +800 - 100 - 100 - 50 - 50 + 0
    # = +500 -> before = 1500
    assert r.details["plan_after_wan"] == 2000.0
    assert r.details["net_change_wan"] == pytest.approx(500.0)
    assert r.details["plan_before_wan"] == pytest.approx(1500.0)
    assert "15.00亿元" not in message_zh(r, year=2021)  # amounts are in 万元: 0.15亿元
    assert "0.15亿元" in message_zh(r, year=2021) and "0.20亿元" in message_zh(
        r, year=2021
    )


def test_leader_and_bureau_recognition():
    for text in ("市长", "王副市长", "市领导", "市政府", "市政府分管领导"):
        assert checks.is_leader_approval(text)
    for text in ("市发展改革局", "市发改局", None, float("nan"), "市财政局"):
        assert not checks.is_leader_approval(text)
    assert checks.is_bureau_approval("湛江市发展和改革局")


def test_stats_registration():
    r = checks.check_stats_registration(
        _projects(), _stats(), year=2021, month=None, project_progress=_progress()
    )
    # N1 (新开工, reported 400 in June, so started) registered = 否;
    # N2, K1, K2 registered; C1 (竣工) has no row at all
    assert r.rows["project_id"].tolist() == ["N1", "C1"]
    assert r.details["unregistered_plan_wan"] == 800.0
    assert r.details["n_checked"] == 5
    # without progress reports a 新开工 project is not known to have started
    r2 = checks.check_stats_registration(_projects(), _stats(), year=2021)
    assert r2.rows["project_id"].tolist() == ["C1"]
    # nor is it before it reports anything: no progress rows -> only C1, K1, N2 due
    none = _progress().iloc[0:0]
    r3 = checks.check_stats_registration(
        _projects(), _stats(), year=2021, month=6, project_progress=none
    )
    assert r3.details["n_checked"] == 3


def test_stats_figures_tolerance():
    r = checks.check_stats_figures(_projects(), _progress(), _stats(), year=2021)
    # month defaults to 6; K1 +3.45% passes, K2 +25% fails, N2 50 vs 0 fails
    # (default tolerance 10%)
    assert set(r.rows["project_id"]) == {"K2", "N2"}
    k2 = r.rows.set_index("project_id").loc["K2"]
    assert k2["diff_wan"] == 20.0
    assert k2["diff_pct"] == pytest.approx(25.0)
    assert np.isinf(r.rows.set_index("project_id").loc["N2", "diff_pct"])
    assert r.details["n_compared"] == 3
    loose = checks.check_stats_figures(
        _projects(),
        _progress(),
        _stats().iloc[[0, 1, 2, 3]],
        year=2021,
        tolerance_pct=30.0,
    )
    assert loose.passed
    # a 3% tolerance also catches K1's +3.45%
    strict = checks.check_stats_figures(
        _projects(), _progress(), _stats(), year=2021, tolerance_pct=3.0
    )
    assert set(strict.rows["project_id"]) == {"K1", "K2", "N2"}
    # month 5: K1 250 vs 250 passes
    assert checks.check_stats_figures(
        _projects(), _progress(), _stats(), year=2021, month=5
    ).passed


def test_stats_figures_without_statistics_fails_politely():
    r = checks.check_stats_figures(
        _projects(), _progress(), _stats().iloc[0:0], year=2021
    )
    assert r.verdict == "fail" and "无法核对" in message_zh(r, year=2021)


def test_run_all_checks_and_clean_plan_passes():
    res = checks.run_all_checks(_tables(), year=2021)
    assert [r.check for r in res.results] == [
        "key_share",
        "key_records",
        "funding_alignment",
        "land_alignment",
        "idle_land",
        "renewal_real_estate",
        "plan_changes",
        "stats_registration",
        "stats_figures",
    ]
    assert not res.passed
    assert res["plan_changes"].details["n_violations"] == 4
    frame = ChecksView(res).to_frame()
    assert frame["结论"].tolist().count("不通过") == 9
    # a clean plan: only K1 (complete, funded, land, registered, consistent)
    t = _tables()
    t["projects"] = _projects().query("project_id == 'K1'")
    t["land_plan"] = _land().iloc[[0]]
    t["plan_changes"] = _changes().iloc[[2]]
    t["stats_registry"] = _stats().iloc[[0]].assign(stats_cum_completed=300.0)
    clean = checks.run_all_checks(t, year=2021)
    assert clean.passed, ChecksView(clean).to_frame()
    assert ChecksView(clean).headline() == "2021年计划9项完整性检查全部通过。"


def test_a_check_whose_table_has_no_row_for_the_year_has_no_verdict():
    # no plan-change, land or statistics rows at all: nothing to judge, so
    # neither 通过 (审批手续齐全) nor 不通过 (every project unregistered)
    res = checks.run_all_checks({"projects": _projects()}, year=2021)
    for check in (
        "plan_changes",
        "idle_land",
        "land_alignment",
        "funding_alignment",
        "stats_registration",
        "stats_figures",
    ):
        assert res[check].verdict == checks.NO_DATA, check
        assert not res[check].passed and res[check].rows.empty
    assert (
        message_zh(res["plan_changes"], year=2021)
        == "未收到《计划调整记录》，无法检查。"
    )
    # the ledger's own checks still judge
    assert res["key_share"].verdict == checks.FAIL
    assert not res.passed
    view = ChecksView(res)
    assert "6项数据不足" in view.headline()
    assert view.verdict_markdown("plan_changes").startswith("— **结论：数据不足。**")
    assert view.finding() == "missed"  # key_share still fails


def test_rows_of_another_year_do_not_count_for_this_one():
    t = _tables()
    t["plan_changes"] = _changes().assign(change_date=pd.Timestamp("2020-05-01"))
    res = checks.run_all_checks(t, year=2021)
    assert res["plan_changes"].no_data


def test_excel_sheets_and_lines_are_chinese():
    res = checks.run_all_checks(_tables(), year=2021)
    sheets = ChecksView(res).excel().sheets
    assert list(sheets)[0] == "检查结论"
    assert all(len(name) <= 31 for name in sheets)
    ch = sheets["计划调整审批（许增不许减）"]
    assert all(c in COLUMNS_ZH for c in ch.columns)
    zh = chinese_headers(res["plan_changes"].rows)
    assert "缺少内容" in zh.columns and "审批单位或领导" in zh.columns
    assert check_line(res["key_share"], year=2021).startswith(
        "[不通过] 重点项目计划占总计划三分之二（纪要三(一)）"
    )


def test_inputs_are_not_mutated():
    t = _tables()
    before = {k: v.copy() for k, v in t.items()}
    checks.run_all_checks(t, year=2021)
    for k, v in t.items():
        pd.testing.assert_frame_equal(v, before[k])


def test_stats_figures_compare_at_the_last_reported_month():
    # K2 did not report in June; its May report (90) meets the May figure (60):
    # 90 - 60 = 30 -> +50%, compared at month 5
    progress = pd.concat(
        [
            _progress().query("project_id != 'K2'"),
            pd.DataFrame(
                {
                    "project_id": ["K2"],
                    "year": pd.array([2021], dtype="Int64"),
                    "month": pd.array([5], dtype="Int64"),
                    "cum_completed": [90.0],
                }
            ),
        ]
    )
    stats = pd.concat(
        [
            _stats(),
            pd.DataFrame(
                {
                    "project_id": ["K2"],
                    "registered": pd.array([True], dtype="boolean"),
                    "year": pd.array([2021], dtype="Int64"),
                    "month": pd.array([5], dtype="Int64"),
                    "stats_cum_completed": [60.0],
                }
            ),
        ]
    )
    r = checks.check_stats_figures(_projects(), progress, stats, year=2021)
    k2 = r.rows.set_index("project_id").loc["K2"]
    assert k2["month"] == 5
    assert k2["diff_pct"] == pytest.approx(50.0)


class _Dataset(dict):
    """A stand-in for io.Dataset: tables plus a validation report."""

    def __init__(self, tables, n_errors):
        super().__init__(tables)
        self.report = ValidationReport(
            [Problem(ERROR, "x", "a.csv", 2, None, None, "错", "bad")] * n_errors
        )


def test_dataset_with_errors_is_refused_politely():
    res = checks.run_checks_for_dataset(
        _Dataset(_tables(), 2), year=2021, as_of="2021-06"
    )
    assert not res.passed
    view = ChecksView(res)
    assert view.headline().startswith("数据有 2 个错误，暂不作2021年计划完整性检查")
    assert view.verdict_markdown("key_share").startswith("**未检查。** 数据有 2 个错误")
    assert view.table("key_share").df.empty
    assert view.table("key_share").caption == res.refusal
    assert view.to_frame().empty
    ok = checks.run_checks_for_dataset(
        _Dataset(_tables(), 0), year=2021, as_of="2021-06"
    )
    assert len(ok.results) == 9


def test_verdict_markdown_and_table_kwargs():
    res = checks.run_all_checks(_tables(), year=2021)
    view = ChecksView(res)
    assert view.verdict_markdown("key_share").startswith(
        "× **结论：不通过。** 重点项目"
    )
    assert view.verdict_markdown("key_records").startswith("×")
    for r in res.results:  # marks the report font has (no emoji boxes)
        text = view.verdict_markdown(r.check)
        assert text.startswith("✓ " if r.passed else "× ")
        assert webpage.missing_glyphs(text) == ""
    share = view.table("key_share").kwargs()
    assert share["df"]["key_share_pct"].tolist() == [50.0]
    assert "key_plan_wan" in share["money"]
    may = checks.run_all_checks(_tables(), year=2021, month=5)
    assert ChecksView(may).table("stats_figures").caption == "（无问题项）"
    changes = view.table("plan_changes").kwargs()
    assert len(changes["df"]) == 4 and "delta_wan" in changes["money"]
    assert list(ChecksView.TABLES) == [r.check for r in res.results]


def test_run_all_checks_without_statistics_fails_the_reconciliation():
    t = _tables()
    t["stats_registry"] = _stats().iloc[0:0]
    res = checks.run_all_checks(t, year=2021)
    # no statistics row for 2021: neither check can judge (before, every started
    # project was called unregistered)
    assert res["stats_figures"].no_data and res["stats_registration"].no_data
    assert (
        message_zh(res["stats_figures"], year=2021) == "未收到《统计入库》，无法检查。"
    )


def test_statistics_that_stop_before_the_as_of_month_are_too_short():
    res = checks.run_all_checks(_tables(), year=2021, month=12)
    last = int(_stats()["month"].max())
    assert res["stats_figures"].no_data
    assert message_zh(res["stats_figures"], year=2021) == (
        f"统计入库只到2021年1—{last}月，无法检查。"
    )


def test_stats_figures_say_the_absolute_difference_beside_the_net_one():
    # K2 reported 100 against 130 in the statistics (-30), N2 50 against 0 (+50):
    # the net +20 would hide that the two disagree by 80 in all
    stats = _stats()
    stats.loc[stats["project_id"] == "K2", "stats_cum_completed"] = 130.0
    r = checks.check_stats_figures(_projects(), _progress(), stats, year=2021)
    assert set(r.rows["project_id"]) == {"K2", "N2"}
    assert r.details["abs_diff_wan"] == 80.0 and r.details["net_diff_wan"] == 20.0
    assert message_zh(r, year=2021) == (
        "1—6月2个项目填报数与统计数相差超过10%：填报多于统计1个、少于统计1个，"
        "差额绝对值合计80万元（正负相抵后净差20万元）"
    )


def test_the_brief_gives_the_first_three_failures_with_their_figures():
    res = checks.run_all_checks(_tables(), year=2021)
    brief = ChecksView(res).brief()
    failed = [r for r in res.results if r.verdict == checks.FAIL]
    assert len(failed) == 9
    # the first three checks, each with its own sentence (the figures), then a count
    assert [i["text"] for i in brief[:3]] == [
        message_zh(r, year=2021) for r in failed[:3]
    ]
    assert brief[0]["label"] == f"{failed[0].title_zh}（纪要{failed[0].clause}）"
    assert brief[3]["text"].startswith("另有6项：")
    assert all(i["status"] == "missed" for i in brief)
    none = checks.run_all_checks({"projects": _projects()}, year=2021)
    labels = [i["label"] for i in ChecksView(none).brief()]
    assert "数据不足的检查" in labels
