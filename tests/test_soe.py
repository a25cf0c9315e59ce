"""Tests for zjanalysis.soe on small hand-made canonical frames.

Every expected number below is computed by hand in the comment next to it.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zjanalysis import soe

A, B, C, D = (
    "市基础设施建设投资集团",
    "市交通投资集团",
    "市水务投资集团",
    "市旅游投资集团",
)
E = "湛江港集团"  # an enterprise not named in the minutes


def soe_frame(rows) -> pd.DataFrame:
    """Canonical soe_plans from (soe_name, year, kind, investment in 万元)."""
    df = pd.DataFrame(rows, columns=["soe_name", "year", "kind", "investment"])
    return df.astype(
        {"soe_name": "str", "year": "Int64", "kind": "str", "investment": "float64"}
    )


def project_frame(rows) -> pd.DataFrame:
    """Canonical-ish projects from (project_id, plan_year, soe_name, plan_investment, stage)."""
    df = pd.DataFrame(
        rows,
        columns=["project_id", "plan_year", "soe_name", "plan_investment", "stage"],
    )
    df["name"] = df["project_id"] + "项目"
    df["county"] = "霞山区"
    df["is_key"] = pd.array([True] * len(df), dtype="boolean")
    return df.astype(
        {
            "project_id": "str",
            "plan_year": "Int64",
            "soe_name": "str",
            "plan_investment": "float64",
        }
    )


def progress_frame(rows) -> pd.DataFrame:
    """Canonical project_progress from (project_id, year, month, cum_completed)."""
    df = pd.DataFrame(rows, columns=["project_id", "year", "month", "cum_completed"])
    return df.astype(
        {
            "project_id": "str",
            "year": "Int64",
            "month": "Int64",
            "cum_completed": "float64",
        }
    )


# --- growth --------------------------------------------------------------------------


def test_exact_twenty_percent_passes_and_nineteen_point_nine_nine_fails():
    plans = soe_frame(
        [
            (A, 2020, "完成", 100.0),
            (A, 2021, "计划", 120.0),  # (120-100)/100 = 20%: passes
            (B, 2020, "完成", 100.0),
            (B, 2021, "计划", 119.99),  # 19.99%: fails, shortfall 120 - 119.99 = 0.01
            (C, 2020, "完成", 35000.5),
            (
                C,
                2021,
                "计划",
                42000.6,
            ),  # 7000.1/35000.5 = 20% (float: 19.999999999999996)
        ]
    )
    g = soe.compute_soe_growth(plans, year=2021).set_index("soe_name")
    assert g.loc[A, "growth_pct"] == 20.0
    assert bool(g.loc[A, "meets_target"]) is True
    assert g.loc[A, "shortfall"] == 0.0
    assert g.loc[A, "growth_status"] == "达标"
    assert g.loc[B, "growth_pct"] == pytest.approx(19.99)
    assert bool(g.loc[B, "meets_target"]) is False
    assert g.loc[B, "shortfall"] == pytest.approx(0.01)
    assert g.loc[B, "growth_status"] == "未达标"
    assert (
        42000.6 - 35000.5
    ) / 35000.5 * 100 < 20  # the float trap the rounding guards against
    assert bool(g.loc[C, "meets_target"]) is True
    assert g.loc[C, "shortfall"] == 0.0


def test_shortfall_is_money_needed_to_reach_target():
    plans = soe_frame([(A, 2020, "完成", 50_000.0), (A, 2021, "计划", 55_000.0)])
    row = soe.compute_soe_growth(plans, year=2021, target_growth_pct=20.0).iloc[0]
    # required 50,000 x 1.2 = 60,000; plan 55,000 -> shortfall 5,000 万元; growth 10%
    assert row["required_investment"] == 60_000.0
    assert row["shortfall"] == 5_000.0
    assert row["growth_pct"] == 10.0
    # a lower target passes: 10% >= 10%
    row10 = soe.compute_soe_growth(plans, year=2021, target_growth_pct=10.0).iloc[0]
    assert bool(row10["meets_target"]) and row10["shortfall"] == 0.0


@pytest.mark.parametrize(
    "base_rows", [[(A, 2020, "完成", 0.0)], [], [(A, 2020, "完成", np.nan)]]
)
def test_zero_or_missing_base_is_no_base_not_infinite(base_rows):
    plans = soe_frame([*base_rows, (A, 2021, "计划", 80.0)])
    row = soe.compute_soe_growth(plans, year=2021).iloc[0]
    assert row["growth_status"] == "无基数"
    assert math.isnan(row["growth_pct"])
    assert row["meets_target"] is pd.NA
    assert math.isnan(row["shortfall"])
    assert row["plan_investment"] == 80.0


def test_base_without_plan_is_reported_not_judged():
    plans = soe_frame([(D, 2020, "完成", 10.0)])
    row = soe.compute_soe_growth(plans, year=2021).iloc[0]
    assert row["growth_status"] == "未报计划"
    assert row["meets_target"] is pd.NA
    assert math.isnan(row["plan_investment"])


def test_other_years_and_kinds_are_ignored():
    plans = soe_frame(
        [
            (A, 2019, "完成", 1.0),
            (A, 2020, "计划", 999.0),  # last year's plan is not the base
            (A, 2020, "完成", 100.0),
            (A, 2021, "计划", 125.0),
            (A, 2021, "完成", 5.0),  # an actual for the plan year is not the plan
        ]
    )
    row = soe.compute_soe_growth(plans, year=2021).iloc[0]
    assert (row["base_investment"], row["plan_investment"], row["growth_pct"]) == (
        100.0,
        125.0,
        25.0,
    )


def test_several_plan_rows_for_one_year_are_refused_plainly():
    plans = soe_frame(
        [(A, 2020, "完成", 100.0), (A, 2021, "计划", 60.0), (A, 2021, "计划", 70.0)]
    )
    with pytest.raises(
        soe.SoePlanError, match="重复行.*市基础设施建设投资集团 2021年 计划（2行）"
    ):
        soe.compute_soe_growth(plans, year=2021)
    # duplicates in a year that does not matter are not this function's business
    ok = soe_frame(
        [(A, 2018, "计划", 1.0), (A, 2018, "计划", 2.0), (A, 2021, "计划", 5.0)]
    )
    assert len(soe.compute_soe_growth(ok, year=2021)) == 1


def test_growth_does_not_mutate_input_and_orders_minutes_names_first():
    plans = soe_frame(
        [(E, 2021, "计划", 5.0), (D, 2021, "计划", 5.0), (A, 2021, "计划", 5.0)]
    )
    before = plans.copy()
    out = soe.compute_soe_growth(plans, year=2021)
    pd.testing.assert_frame_equal(plans, before)
    assert out["soe_name"].tolist() == [A, D, E]


# --- backing -------------------------------------------------------------------------


def test_backing_within_tolerance_gap_and_unbacked():
    plans = pd.DataFrame(
        {"soe_name": [A, B, C], "plan_investment": [100.0, 100.0, 50.0]}
    )
    prj = project_frame(
        [
            ("P1", 2021, A, 60.0, "续建"),
            ("P2", 2021, A, 35.0, "新开工"),  # A: 95 of 100 = 95% >= 100 - 5: backed
            ("P3", 2021, B, 94.99, "续建"),  # B: 94.99% < 95%: not backed, gap 5.01
            ("P4", 2021, E, 30.0, "续建"),  # E: projects, no declared plan
        ]
    )
    b = soe.compute_soe_backing(plans, prj, tolerance_pct=5.0).set_index("soe_name")
    assert b.loc[A, "ledger_plan_investment"] == 95.0
    assert b.loc[A, "backing_gap"] == 5.0
    assert b.loc[A, "backing_pct"] == 95.0
    assert bool(b.loc[A, "backed_by_projects"]) is True
    assert b.loc[A, "n_projects"] == 2
    assert bool(b.loc[B, "backed_by_projects"]) is False
    assert b.loc[B, "backing_gap"] == pytest.approx(5.01)
    assert b.loc[B, "backing_status"] == "支撑不足"
    assert b.loc[C, "n_projects"] == 0
    assert b.loc[C, "backing_status"] == "无项目"
    assert bool(b.loc[C, "backed_by_projects"]) is False
    assert b.loc[E, "backing_status"] == "未报计划"
    assert b.loc[E, "backed_by_projects"] is pd.NA
    assert b.loc[E, "ledger_plan_investment"] == 30.0
    # a zero tolerance makes A unbacked
    b0 = soe.compute_soe_backing(plans, prj, tolerance_pct=0.0).set_index("soe_name")
    assert bool(b0.loc[A, "backed_by_projects"]) is False


def test_select_soe_projects_takes_the_year_and_named_enterprises_only():
    prj = project_frame(
        [
            ("P1", 2021, A, 10.0, "续建"),
            ("P2", 2020, A, 20.0, "续建"),
            ("P3", 2021, None, 30.0, "续建"),
            ("P4", 2021, B, 0.0, "储备"),
        ]
    )
    out = soe.select_soe_projects(prj, year=2021)
    assert out["project_id"].tolist() == ["P1", "P4"]


# --- risk ----------------------------------------------------------------------------


def test_growth_risk_from_readiness_grades():
    growth = pd.DataFrame(
        {
            "soe_name": [A, B, C],
            "base_investment": [100.0, 100.0, np.nan],
            "plan_investment": [130.0, 130.0, 40.0],
        }
    )
    prj = project_frame(
        [
            ("P1", 2021, A, 110.0, "续建"),
            ("P2", 2021, A, 20.0, "新开工"),
            ("P3", 2021, B, 30.0, "续建"),
            ("P4", 2021, B, 50.0, "预备"),
            ("P5", 2021, B, 50.0, "储备"),
            ("P6", 2021, C, 40.0, "新开工"),
        ]
    )
    scores = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4", "P5"],  # P6 not scored
            "plan_year": [2021] * 5,
            "grade": ["ready", "close", "ready", "prework", "reserve"],
            "grade_zh": ["成熟", "接近成熟", "成熟", "前期", "储备"],
        }
    ).astype({"plan_year": "Int64"})
    graded = soe.grade_soe_projects(prj, scores)
    assert graded.set_index("project_id")["grade_zh"].to_dict()["P6"] == "未评分"
    assert graded["ready"].tolist() == [True, False, True, False, False, False]
    r = soe.assess_soe_growth_risk(growth, graded).set_index("soe_name")
    # A: increase 30, unready P2 = 20 -> 20/30 = 66.67%; secure (130-20-100)/100 = 10%
    assert r.loc[A, "unready_investment"] == 20.0
    assert r.loc[A, "growth_at_risk_pct"] == pytest.approx(200 / 3)
    assert r.loc[A, "secure_growth_pct"] == pytest.approx(10.0)
    # B: unready 100 > increase 30 -> capped at 100%; secure (130-100-100)/100 = -70%
    assert r.loc[B, "n_unready_projects"] == 2
    assert r.loc[B, "growth_at_risk_pct"] == 100.0
    assert r.loc[B, "secure_growth_pct"] == pytest.approx(-70.0)
    # C: no base -> no growth to put at risk; the unscored project counts as unready
    assert r.loc[C, "unready_investment"] == 40.0
    assert math.isnan(r.loc[C, "growth_at_risk_pct"])


def test_risk_without_grades_is_not_assessed():
    growth = pd.DataFrame(
        {"soe_name": [A], "base_investment": [100.0], "plan_investment": [130.0]}
    )
    prj = project_frame([("P1", 2021, A, 110.0, "续建")])
    graded = soe.grade_soe_projects(prj, None)
    r = soe.assess_soe_growth_risk(growth, graded).iloc[0]
    assert math.isnan(r["growth_at_risk_pct"]) and r["n_unready_projects"] is pd.NA


# --- execution -----------------------------------------------------------------------


def test_ytd_takes_last_report_of_the_year_up_to_the_month():
    prj = project_frame(
        [
            ("P1", 2021, A, 0.0, "续建"),
            ("P2", 2021, A, 0.0, "续建"),
            ("P3", 2021, B, 0.0, "续建"),
        ]
    )
    prog = progress_frame(
        [
            ("P1", 2021, 5, 10.0),
            ("P1", 2021, 6, 12.0),
            ("P1", 2021, 7, 99.0),  # after the as-of month
            ("P2", 2021, 4, 7.0),  # stopped reporting in April: keeps 7
            ("P3", 2020, 6, 50.0),  # last year
        ]
    )
    out = soe.sum_ytd_completed(prj, prog, year=2021, month=6).set_index("project_id")
    assert out["ytd_completed"].to_dict() == {"P1": 12.0, "P2": 7.0, "P3": 0.0}
    assert out["reported"].to_dict() == {"P1": True, "P2": False, "P3": False}


def test_execution_against_expected_share_with_tolerance():
    F = "新设集团"
    plans = pd.DataFrame(
        {
            "soe_name": [A, B, C, D, F, E],
            "plan_investment": [1000.0, 1000.0, 1000.0, 1000.0, 500.0, np.nan],
        }
    )
    ytd = pd.DataFrame(
        {
            "soe_name": [A, B, B, C, D, E],
            "plan_investment": [1000.0, 600.0, 400.0, 1000.0, 400.0, 50.0],
            "ytd_completed": [450.0, 300.0, 149.0, 460.0, 200.0, 10.0],
            "reported": [True, True, False, True, True, True],
        }
    )
    ex = soe.compute_soe_execution(plans, ytd, expected_share=0.5, tolerance_pct=5.0)
    ex = ex.set_index("soe_name")
    # A: 450/1000 = 45%, expected 50% -> -5 points: exactly at the tolerance, not behind
    assert ex.loc[A, "completion_pct"] == 45.0
    assert ex.loc[A, "ytd_expected"] == 500.0
    assert ex.loc[A, "execution_gap_pct"] == -5.0
    assert bool(ex.loc[A, "behind"]) is False
    assert ex.loc[A, "execution_status"] == "正常"
    # B: 449/1000 = 44.9% -> -5.1 points: behind; its projects are behind too
    assert ex.loc[B, "ytd_completed"] == 449.0
    assert ex.loc[B, "n_reporting"] == 1
    assert bool(ex.loc[B, "behind"]) is True
    assert ex.loc[B, "projects_pace_pct"] == pytest.approx(44.9)
    assert bool(ex.loc[B, "projects_behind"]) is True
    assert ex.loc[B, "execution_status"] == "滞后"
    assert ex.loc[C, "execution_status"] == "正常"
    # D: 200 of a declared 1000 = 20% (behind), but its only project (400 planned)
    # is at 200/400 = 50%: the plan, not the project, is the problem
    assert bool(ex.loc[D, "behind"]) is True
    assert ex.loc[D, "projects_pace_pct"] == 50.0
    assert bool(ex.loc[D, "projects_behind"]) is False
    assert ex.loc[D, "execution_status"] == "计划未落实到项目"
    # F: a plan with no project: nothing to track, not "behind"
    assert ex.loc[F, "execution_status"] == "无项目可跟踪"
    assert ex.loc[F, "behind"] is pd.NA and ex.loc[F, "ytd_expected"] == 250.0
    assert ex.loc[E, "execution_status"] == "未报计划" and ex.loc[E, "behind"] is pd.NA
    # before the plan year: nothing judged
    early = soe.compute_soe_execution(plans, ytd, expected_share=None).set_index(
        "soe_name"
    )
    assert early.loc[A, "execution_status"] == "未到执行期"
    assert math.isnan(early.loc[A, "ytd_completed"])


# --- the whole check -----------------------------------------------------------------


def hand_made_world():
    """A small world with every case the report must show.

    A 基建: 2020 1000, plan 1300 (+30%) pass; projects 1300, all executed on time.
    B 交通: 2020 2000, plan 2200 (+10%) fail, shortfall 2400 - 2200 = 200.
    C 水务: 2020 500, plan 600 (+20% exactly) pass; projects only 400 -> unbacked.
    D 旅游: no 2020 actual, plan 300 -> 无基数; its project is behind.
    E 湛江港集团: projects in the ledger, no plan declared.
    F 新设集团: plan 100 declared, 2020 actual 80 (+25%), no project in the ledger.
    A city project without an SOE: 4000, so the city ledger totals
    1300 + 2200 + 400 + 300 + 500 + 4000 = 8700; SOE projects 4700 -> 54.02%.
    """
    F = "新设集团"
    plans = soe_frame(
        [
            (A, 2020, "完成", 1000.0),
            (A, 2021, "计划", 1300.0),
            (B, 2020, "完成", 2000.0),
            (B, 2021, "计划", 2200.0),
            (C, 2020, "完成", 500.0),
            (C, 2021, "计划", 600.0),
            (D, 2021, "计划", 300.0),
            (F, 2020, "完成", 80.0),
            (F, 2021, "计划", 100.0),
        ]
    )
    projects = project_frame(
        [
            ("A1", 2021, A, 800.0, "续建"),
            ("A2", 2021, A, 500.0, "新开工"),
            ("B1", 2021, B, 2200.0, "续建"),
            ("C1", 2021, C, 400.0, "续建"),
            ("D1", 2021, D, 300.0, "新开工"),
            ("E1", 2021, E, 500.0, "续建"),
            ("X1", 2021, None, 4000.0, "续建"),
            ("A0", 2020, A, 9999.0, "续建"),  # last year's ledger: ignored
        ]
    )
    progress = progress_frame(
        [
            ("A1", 2021, 6, 400.0),
            ("A2", 2021, 6, 250.0),  # A: 650 / 1300 = 50%
            ("B1", 2021, 6, 1100.0),  # B: 50%
            ("C1", 2021, 6, 300.0),  # C: 300 / 600 = 50%
            ("D1", 2021, 6, 30.0),  # D: 30 / 300 = 10%: behind
            ("E1", 2021, 6, 200.0),
        ]
    )
    scores = pd.DataFrame(
        {
            "project_id": ["A1", "A2", "B1", "C1", "D1", "E1", "X1"],
            "plan_year": [2021] * 7,
            "grade": ["ready", "close", "ready", "ready", "prework", "ready", "ready"],
        }
    ).astype({"plan_year": "Int64"})
    return plans, projects, progress, scores


def test_check_soe_plans_end_to_end_on_hand_made_world():
    plans, projects, progress, scores = hand_made_world()
    before = [f.copy() for f in (plans, projects, progress, scores)]
    res = soe.check_soe_plans(
        plans,
        projects,
        progress,
        None,
        year=2021,
        as_of="2021-06",
        readiness_scores=scores,
    )
    for f, b in zip((plans, projects, progress, scores), before, strict=True):
        pd.testing.assert_frame_equal(f, b)
    e = res.to_frame().set_index("soe_name")
    assert list(e.index) == [A, B, C, D, "新设集团", E]
    assert e["growth_status"].to_dict() == {
        A: "达标",
        B: "未达标",
        C: "达标",
        D: "无基数",
        "新设集团": "达标",
        E: "未报计划",
    }
    assert e.loc[B, "shortfall"] == 200.0
    assert e.loc[C, "growth_pct"] == 20.0
    assert e["backing_status"].to_dict() == {
        A: "已支撑",
        B: "已支撑",
        C: "支撑不足",
        D: "已支撑",
        "新设集团": "无项目",
        E: "未报计划",
    }
    assert e.loc[C, "backing_gap"] == 200.0
    # time share (no fai_monthly): June = 0.5
    assert res.shares.method == "time"
    assert e.loc[A, "ytd_expected"] == 650.0
    assert e.loc[D, "completion_pct"] == 10.0
    assert e["execution_status"].to_dict() == {
        A: "正常",
        B: "正常",
        # C: 300 of a declared 600 = 50%; its project (400 planned) at 75%
        C: "正常",
        D: "滞后",  # 30 / 300 = 10% against 50%
        "新设集团": "无项目可跟踪",  # a plan with no project behind it
        E: "未报计划",
    }
    assert e.loc[C, "projects_pace_pct"] == 75.0
    # risk: A's increase 300 rests on A2 (500, close) -> 100%; secure (1300-500)/1000-1 = -20%
    assert e.loc[A, "growth_at_risk_pct"] == 100.0
    assert e.loc[A, "secure_growth_pct"] == pytest.approx(-20.0)
    assert (
        e.loc[B, "unready_investment"] == 0.0 and e.loc[B, "growth_at_risk_pct"] == 0.0
    )
    assert res.risk_assessed

    t = res.totals
    assert (t.n_enterprises, t.n_meets_target, t.n_short, t.n_no_base) == (5, 3, 1, 1)
    assert t.n_without_plan == 1
    # comparable: A, B, C, F: base 3580, plan 4200 -> 17.318...%
    assert t.base_investment == 3580.0 and t.plan_investment == 4200.0
    assert t.growth_pct == pytest.approx((4200 / 3580 - 1) * 100)
    assert t.shortfall == 200.0
    # together: 3580 x 1.2 = 4296 required, 4200 planned -> 96
    assert t.aggregate_shortfall == pytest.approx(96.0)
    assert t.plan_investment_all == 4500.0
    assert t.soe_ledger_plan_investment == 4700.0
    assert t.city_ledger_plan_investment == 8700.0
    assert t.soe_share_of_city_plan_pct == pytest.approx(4700 / 8700 * 100)
    assert (t.n_unbacked, t.n_behind, t.n_projects_behind) == (2, 1, 1)
    assert (t.n_plans_without_projects, t.n_ledger_without_plan) == (1, 1)

    assert res.ledger_without_plan()["soe_name"].tolist() == [E]
    assert res.plans_without_projects()["soe_name"].tolist() == ["新设集团"]
    detail = res.projects
    assert detail["project_id"].tolist() == ["A1", "A2", "B1", "C1", "D1", "E1"]
    assert detail.set_index("project_id").loc["D1", "ytd_completed"] == 30.0


def test_check_uses_seasonal_share_from_city_statistics():
    plans, projects, progress, _ = hand_made_world()
    # 2019 and 2020 city levels with 40% of the year done by June
    rows = [
        ("湛江市", y, m, v)
        for y in (2019, 2020)
        for m, v in {2: 10.0, 6: 40.0, 12: 100.0}.items()
    ]
    fai = pd.DataFrame(rows, columns=["region", "year", "month", "cum_investment"])
    res = soe.check_soe_plans(
        plans, projects, progress, fai, year=2021, as_of="2021-06"
    )
    e = res.to_frame().set_index("soe_name")
    assert res.shares.method == "seasonal"
    assert e.loc[A, "expected_pct"] == pytest.approx(40.0)
    assert e.loc[A, "ytd_expected"] == pytest.approx(520.0)  # 1300 x 0.4
    assert not res.risk_assessed
    assert math.isnan(e.loc[A, "growth_at_risk_pct"])


# --- charts --------------------------------------------------------------------------


def test_growth_chart_has_one_bar_per_enterprise_and_the_target_line():
    from zjanalysis.plots.soe import plot_soe_execution, plot_soe_growth

    plans, projects, progress, scores = hand_made_world()
    res = soe.check_soe_plans(
        plans, projects, progress, None, year=2021, as_of="2021-06"
    )
    frame = res.to_frame()
    fig = plot_soe_growth(frame, 20.0)
    ax = fig.axes[0]
    assert len(ax.patches) == len(frame) == 6
    # bars bottom-up: E (no plan, 0), F +25, D (no base, 0), C +20, B +10, A +30
    assert [round(p.get_width(), 6) for p in ax.patches] == [
        0.0,
        25.0,
        0.0,
        20.0,
        10.0,
        30.0,
    ]
    assert any(line.get_xdata()[0] == 20.0 for line in ax.lines)
    assert ax.get_title(loc="left") == "各国有企业在湛投资计划增长"
    texts = {t.get_text() for t in ax.texts}
    assert {"无基数", "未报计划", "+20.0%", "目标 20%"} <= texts
    fig2 = plot_soe_execution(frame)
    # only enterprises with a plan: A, B, C, D, F
    assert len(fig2.axes[0].patches) == 5


# --- property: the pass/fail line is exact for whole 万元 ---------------------------------


@settings(max_examples=40, deadline=None)
@given(
    base=st.integers(min_value=1, max_value=10_000_000),
    delta=st.integers(min_value=-3, max_value=3),
)
def test_pass_iff_plan_reaches_one_point_two_times_base(base, delta):
    # plans of whole 万元 around the line: exact integer arithmetic decides
    plan = (base * 6 + 4) // 5 + delta  # ceil(1.2 x base) + delta
    plans = soe_frame([(A, 2020, "完成", float(base)), (A, 2021, "计划", float(plan))])
    row = soe.compute_soe_growth(plans, year=2021).iloc[0]
    assert bool(row["meets_target"]) == (plan * 5 >= base * 6)
    if plan * 5 >= base * 6:
        assert row["shortfall"] == 0.0
    else:
        assert row["shortfall"] == pytest.approx(base * 1.2 - plan, abs=1e-6)


def test_city_plan_share_uses_the_plan_not_the_reserve():
    # One definition of "the year's plan" (circular.select_plan_projects): a 储备
    # project carrying money is not in the city plan, a 预备 one with money is.
    # Hand computation: plan = 600 (续建) + 300 (预备, SOE) = 900; SOE share 300/900.
    projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "plan_year": pd.array([2021, 2021, 2021], dtype="Int64"),
            "stage": ["续建", "预备", "储备"],
            "soe_name": [None, "市水务投资集团", "市水务投资集团"],
            "plan_investment": [600.0, 300.0, 500.0],
        }
    )
    enterprises = pd.DataFrame(
        {
            "plan_investment": [1000.0],
            "base_investment": [800.0],
            "meets_target": [True],
            "growth_status": ["达标"],
            "shortfall": [0.0],
            "backed_by_projects": [True],
            "behind": [False],
            "projects_behind": [False],
            "n_projects": [2],
        }
    )
    t = soe.summarize_soe_totals(enterprises, projects, year=2021)
    assert t.city_ledger_plan_investment == 900.0
    assert t.soe_ledger_plan_investment == 300.0
    assert t.soe_share_of_city_plan_pct == pytest.approx(300 / 900 * 100)
