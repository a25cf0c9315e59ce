"""Tests for zjanalysis.coverage: what the data cover and the one gate every analysis asks."""

from types import SimpleNamespace

import pandas as pd

from zjanalysis import coverage
from zjanalysis.problems import ERROR, WARNING, Problem, ValidationReport


def _tables():
    projects = pd.DataFrame(
        {"project_id": ["a", "b", "c"], "plan_year": [2020, 2021, 2021]}
    )
    progress = pd.DataFrame(
        {
            "project_id": ["a", "b", "b", "c"],
            "year": [2020, 2021, 2021, 2021],
            "month": [12, 5, 6, 4],
            "cum_completed": [1.0, 2.0, 3.0, 4.0],
        }
    )
    land = pd.DataFrame({"project_id": ["b"], "land_area_mu": [3.0]})
    changes = pd.DataFrame(
        {"project_id": ["b"], "change_date": pd.to_datetime(["2021-03-02"])}
    )
    return {
        "projects": projects,
        "project_progress": progress,
        "land_plan": land,
        "plan_changes": changes,
    }


def _ds(problems=()):
    return SimpleNamespace(tables=_tables(), report=ValidationReport(list(problems)))


def test_years_and_last_months_per_table():
    c = coverage.compute_coverage(_tables())
    assert c["projects"].years == (2020, 2021)
    assert c["project_progress"].month_of(2021) == 6
    assert c["project_progress"].month_of(2020) == 12
    # c reported only to April: behind at June, b is not
    assert c["project_progress"].behind(2021, 6) == ["c"]
    # land rows belong to the year of their project; changes to their date's year
    assert c["land_plan"].years == (2021,)
    assert c["plan_changes"].years == (2021,)
    assert "milestones" not in c.tables  # absent tables are left out


def test_the_gate_passes_data_that_cover_the_month():
    g = coverage.gate(
        _ds(),
        reads=["projects", "project_progress"],
        needs=[
            coverage.Need("projects"),
            coverage.Need("project_progress", monthly=True),
        ],
        year=2021,
        month=6,
        what="出通报",
    )
    assert g.ok and g.kind == coverage.OK and g.reason == ""


def test_the_gate_refuses_a_month_past_the_data_and_a_year_without_rows():
    needs = [coverage.Need("projects"), coverage.Need("project_progress", monthly=True)]
    late = coverage.gate(
        _ds(), reads=["projects"], needs=needs, year=2021, month=9, what="出1—9月通报"
    )
    assert late.kind == coverage.NO_DATA
    assert late.reason == "项目月度进度只到2021年1—6月，无法出1—9月通报。"
    empty = coverage.gate(
        _ds(), reads=["projects"], needs=needs, year=2022, month=6, what="出通报"
    )
    assert (
        empty.reason
        == "项目台账没有2022年的数据，项目月度进度没有2022年的数据，无法出通报。"
    )
    base = coverage.gate(
        _ds(),
        reads=["projects"],
        needs=[coverage.Need("projects", year_offset=-1)],
        year=2020,
        month=12,
        what="比较",
    )
    assert base.reason == "项目台账没有2019年的数据，无法比较。"


def test_only_errors_in_the_tables_read_block_and_warnings_never_do():
    other = Problem(ERROR, "x", "s.csv", 2, None, None, "错", "bad", table="soe_plans")
    warn = Problem(
        WARNING, "y", "p.csv", 3, None, None, "提示", "hint", table="projects"
    )
    read = Problem(ERROR, "x", "p.csv", 4, None, None, "错", "bad", table="projects")
    whole = Problem(ERROR, "z", "x.xlsx", None, None, None, "无法读取", "unreadable")
    kw = {"reads": ["projects"], "year": 2021, "month": 6, "what": "出通报"}
    assert coverage.gate(_ds([other, warn]), **kw).ok
    blocked = coverage.gate(_ds([other, read, read]), **kw)
    assert blocked.kind == coverage.ERRORS
    assert blocked.reason.startswith("项目台账有 2 个错误，暂不出通报")
    # a file that could not be read may hold any table: it blocks everyone
    assert coverage.gate(_ds([whole]), **kw).kind == coverage.ERRORS


def test_vintage_line_names_each_table_and_what_it_covers():
    c = coverage.compute_coverage(_tables())
    assert c.vintage_zh(["projects", "project_progress", "milestones"]) == (
        "数据范围：项目台账：2020—2021年；项目月度进度：至2021年1—6月"
    )


def test_a_table_not_received_is_named_as_such_and_years_are_listed_once():
    tables = _tables() | {"soe_plans": pd.DataFrame({"soe_name": [], "year": []})}
    c = coverage.compute_coverage(tables)
    needs = [
        coverage.Need("soe_plans"),
        coverage.Need("soe_plans", year_offset=-1),
        coverage.Need("projects"),
        coverage.Need("projects", year_offset=-2),
    ]
    assert coverage.shortfall_zh(c, needs, year=2021, month=6, what="检查") == (
        "未收到《国有企业在湛投资计划》，项目台账没有2019年的数据，无法检查。"
    )
    late = [
        coverage.Need("projects", year_offset=1),
        coverage.Need("projects", year_offset=2),
    ]
    assert coverage.shortfall_zh(c, late, year=2021, month=6, what="检查") == (
        "项目台账没有2022、2023年的数据，无法检查。"
    )
