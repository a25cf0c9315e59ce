"""Tests for zjanalysis.plan: the annual plan and progress to date every report shares.

Every expected number is worked out by hand in the comment beside it.
"""

import pandas as pd
from test_circular import _progress, _projects

from zjanalysis import plan, soe


def test_select_plan_projects_takes_construction_stages_and_funded_prework():
    the_plan = plan.select_plan_projects(_projects(), year=2021)
    # P4 is 预备 without money, P6 is reserve, P7 is another plan year
    assert the_plan["project_id"].tolist() == ["P1", "P2", "P3", "P5"]


def test_project_progress_carries_last_value_and_flags_missing_reports():
    the_plan = plan.select_plan_projects(_projects(), year=2021)
    pc = plan.progress_to_date(the_plan, _progress(), year=2021, month=6).set_index(
        "project_id"
    )
    assert pc["completed_wan"].to_dict() == {
        "P1": 600.0,
        "P2": 100.0,
        "P3": 0.0,
        "P5": 30.0,
    }
    assert pc["last_report_month"].to_dict() == {"P1": 6, "P2": 4, "P3": 0, "P5": 6}
    assert pc["reported_this_month"].to_dict() == {
        "P1": True,
        "P2": False,
        "P3": False,
        "P5": True,
    }
    assert pc.loc["P2", "actual_start"] == pd.Timestamp("2021-04-10")
    assert pd.isna(pc.loc["P3", "actual_start"])


def test_started_flag():
    the_plan = plan.select_plan_projects(_projects(), year=2021)
    pc = plan.progress_to_date(the_plan, _progress(), year=2021, month=6)
    # P1 续建; P2 started 2021-04-10; P3 no start; P5 预备 but reported investment
    assert pc["started"].tolist() == [True, True, False, True]
    pc3 = plan.progress_to_date(the_plan, _progress(), year=2021, month=3)
    # in March P2 had not started yet (start 2021-04-10, no row before April)
    assert pc3["started"].tolist() == [True, False, False, False]


def _blank_june() -> pd.DataFrame:
    # the case: May reports 40, June's row has the figure left blank
    return pd.DataFrame(
        {
            "project_id": ["A", "A"],
            "year": [2021, 2021],
            "month": [5, 6],
            "cum_completed": [40.0, None],
        }
    )


def test_a_blank_figure_is_no_report_and_carries_the_last_one():
    projects = pd.DataFrame({"project_id": ["A"], "stage": ["续建"]})
    pc = plan.progress_to_date(projects, _blank_june(), year=2021, month=6)
    # June's blank is not 0 and not a report: May's 40 carries, June is missing
    assert pc["completed_wan"].tolist() == [40.0]
    assert pc["last_report_month"].tolist() == [5]
    assert pc["reported_this_month"].tolist() == [False]
    assert pc["missing_report"].tolist() == [True]


def test_the_circular_and_the_soe_check_agree_on_a_blank_month():
    # before plan.py the circular said 0.0 "reported", the SOE check 40.0 "not reported"
    projects = pd.DataFrame(
        {"project_id": ["A"], "stage": ["续建"], "soe_name": ["市水务投资集团"]}
    )
    pc = plan.progress_to_date(projects, _blank_june(), year=2021, month=6)
    ytd = soe.sum_ytd_completed(projects, _blank_june(), year=2021, month=6)
    assert ytd["ytd_completed"].tolist() == pc["completed_wan"].tolist() == [40.0]
    assert ytd["reported"].tolist() == pc["reported_this_month"].tolist() == [False]


def test_a_repeated_project_id_gets_its_figures_on_every_row():
    projects = pd.DataFrame({"project_id": ["A", "B", "A"]})
    prog = pd.DataFrame(
        {
            "project_id": ["A", "B"],
            "year": [2021, 2021],
            "month": [6, 3],
            "cum_completed": [12.0, 5.0],
        }
    )
    pc = plan.progress_to_date(projects, prog, year=2021, month=6)
    assert pc["completed_wan"].tolist() == [12.0, 5.0, 12.0]
    assert pc["last_report_month"].tolist() == [6, 3, 6]


def test_a_plan_selected_again_is_the_same_plan():
    once = plan.select_plan_projects(_projects(), year=2021)
    twice = plan.select_plan_projects(once, year=2021)
    pd.testing.assert_frame_equal(once, twice)


def test_reserve_projects_and_unfunded_prework_are_never_in_the_plan():
    p = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d"],
            "plan_year": [2021] * 4,
            "stage": ["储备", "预备", "预备", "竣工"],
            "plan_investment": [100.0, 0.0, 3.0, 0.0],
        }
    )
    assert plan.select_plan_projects(p, year=2021)["project_id"].tolist() == ["c", "d"]
