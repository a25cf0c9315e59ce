"""Tests for zjanalysis.reports.soe: what the SOE plan check shows a reader.

The numbers are tested in ``tests/test_soe.py`` on the same hand-made world.
"""

import pytest
from test_soe import A, E, hand_made_world, progress_frame, project_frame, soe_frame

from zjanalysis import report, soe
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.soe import SECTION_COLUMNS, SoeView, format_shortfall
from zjanalysis.seasonality import time_shares


def _check(with_scores: bool = True) -> soe.SoePlanCheck:
    plans, projects, progress, scores = hand_made_world()
    return soe.check_soe_plans(
        plans,
        projects,
        progress,
        None,
        year=2021,
        as_of="2021-06",
        readiness_scores=scores if with_scores else None,
    )


def test_headline_on_the_hand_made_world():
    # 5 plans; A, C, F pass; B is 200万元 short (0.02亿元); D has no base; E no plan
    # B: 2,000 -> 2,200万元 is +10.0%, 2,400 - 2,200 = 200万元 short
    view = SoeView(_check())
    assert view.headline() == (
        "5家市属国有企业中3家达到增长20%要求；"
        "未达标1家：市交通投资集团（计划增长10.0%，缺口0.02亿元）；"
        "1家无上年基数、无法判断增长：市旅游投资集团；1家未申报计划：湛江港集团。"
    )
    assert view.finding() == "missed"


def test_headline_when_nothing_declared():
    res = soe.check_soe_plans(
        soe_frame([]),
        project_frame([]),
        progress_frame([]),
        None,
        year=2021,
        as_of="2021-06",
    )
    assert res.to_frame().empty and res.totals.n_enterprises == 0
    assert "尚无国有企业申报" in SoeView(res).headline()


def test_shortfall_in_wan_when_it_would_round_to_zero_yi():
    assert format_shortfall(32_720.0) == "3.27亿元"
    assert format_shortfall(49.0) == "49万元"  # 0.0049亿元 would print as 0.00亿元
    assert format_shortfall(float("nan")) == "0亿元"


def test_to_json_carries_the_cli_keys():
    view = SoeView(_check(with_scores=False))
    d = view.to_json()
    keys = {
        "soe_name",
        "base_investment",
        "plan_investment",
        "growth_pct",
        "meets_target",
        "shortfall",
        "backed_by_projects",
        "ytd_completed",
        "ytd_expected",
    }
    assert keys <= set(d["enterprises"].columns)
    assert d["expected_share"] == 0.5 and d["expected_share_basis"] == "time"
    assert d["headline"] == view.headline() and "summary" not in d
    assert d["refusal"] == "" and d["risk_assessed"] is False
    assert set(COLUMNS_ZH) >= keys
    assert time_shares().at(6) == 0.5


def test_section_tables_carry_units_and_chinese_headers():
    view = SoeView(_check())
    spec = view.table("growth")
    kw = spec.kwargs()
    assert list(spec.df.columns) == list(SECTION_COLUMNS["growth"])
    assert kw["money"] == [
        "base_investment",
        "plan_investment",
        "required_investment",
        "shortfall",
    ]
    assert kw["pct"] == ["growth_pct"] and kw["status"] == ["growth_status"]
    assert kw["unit"] == "万元" and kw["decimals"] == {"execution_gap_pct": 1}
    for name in view.TABLES:
        assert all(c in COLUMNS_ZH for c in view.table(name).df.columns), name
    # risk and execution only for enterprises with a plan (E has none)
    assert E not in set(view.section("execution")["soe_name"])
    assert E in set(view.section("backing")["soe_name"])
    with pytest.raises(KeyError, match="known: growth"):
        view.table("by_county")
    html = report.table_html(**view.table("execution").kwargs())
    assert "旅游投资集团" in html and "滞后" in html


def test_totals_table_in_yi_and_percent():
    totals = SoeView(_check()).totals_table().set_index("metric")["value"]
    assert totals["各企业缺口合计"] == "0.02亿元"  # 200万元
    assert totals["合计口径缺口（企业间超额抵补后）"] == "0.01亿元"  # 96万元
    assert totals["可比企业合计增长"] == "+17.3%"  # 4200/3580 - 1
    assert totals["国有企业项目占全市项目计划投资"] == "54.0%"  # 4700/8700
    assert totals["达到增长20%要求"] == "3家"


def test_workbook_sheets_with_flags_as_text(tmp_path):
    import openpyxl

    from zjanalysis import report

    spec = SoeView(_check()).excel()
    sheets = spec.sheets
    assert list(sheets) == [
        "各企业检查",
        "合计",
        "国企台账项目",
        "台账有项目未报计划",
        "申报计划无台账项目",
    ]
    # the flags reach the workbook as 是/否 (the writer converts them)
    wb = openpyxl.load_workbook(
        report.write_excel(**spec.kwargs(), path=tmp_path / "soe.xlsx")
    )

    def column(sheet: str, header: str) -> set:
        ws = wb[sheet]
        j = [c.value for c in ws[1]].index(header)
        return {r[j] for r in ws.iter_rows(min_row=2, values_only=True)} - {None}

    assert column("各企业检查", "达到增长目标") == {"是", "否"}
    assert column("国企台账项目", "可下达") == {"是", "否"}
    assert sheets["申报计划无台账项目"]["soe_name"].tolist() == ["新设集团"]
    assert sheets["台账有项目未报计划"]["soe_name"].tolist() == [E]
    assert "shortfall" in spec.money and "growth_pct" in spec.pct
    for frame in sheets.values():
        assert all(c in COLUMNS_ZH for c in frame.columns)


def test_basis_notes_name_the_tolerances_and_the_share():
    view = SoeView(_check())
    assert "达到申报计划的95%及以上为“已支撑”" in view.backing_basis()
    note = view.execution_basis()
    assert note.startswith("截至2021年1—6月，") and "应完成全年计划的50.0%" in note
    assert "低于应完成进度5个百分点以上的为“滞后”" in note


def test_text_lists_every_enterprise_and_the_totals():
    text = SoeView(_check()).text()
    lines = text.splitlines()
    assert lines[0].startswith("5家市属国有企业中3家达到增长20%要求")
    assert f"{A}：上年完成 1,000 万元 → 计划 1,300 万元，增长 +30.0%，达标" in text
    b = "市交通投资集团"
    assert (
        f"{b}：上年完成 2,000 万元 → 计划 2,200 万元，增长 +10.0%，未达标，缺口 200 万元"
        in text
    )
    assert "    2021年1—6月完成 650 万元，按进度应完成 650 万元：正常" in text
    assert lines[-1].startswith("应完成进度：")


def test_refused_check_is_empty_and_says_why():
    res = soe.refuse_soe_check(year=2021, as_of="2021-06", reason="数据有2个错误")
    view = SoeView(res)
    assert view.headline() == view.refusal == "数据有2个错误"
    assert view.to_frame().empty and view.projects_table().empty
    assert view.table("growth").df.empty
    assert view.execution_basis() == ""
    assert view.text() == "数据有2个错误\n"
    assert view.to_json()["headline"] == "数据有2个错误"
    from zjanalysis.plots.soe import plot_soe_execution, plot_soe_growth

    assert (
        plot_soe_growth(view.to_frame()).axes
        and plot_soe_execution(view.to_frame()).axes
    )


def test_the_brief_names_the_failing_enterprise_with_growth_and_shortfall():
    brief = SoeView(_check()).brief()
    assert [(i["label"], i["text"], i["status"]) for i in brief] == [
        (
            "增长未达20%的国有企业",
            "市交通投资集团（计划增长10.0%，缺口0.02亿元）",
            "missed",
        ),
        (
            "无法判断增长的国有企业",
            "市旅游投资集团无上年基数；湛江港集团未申报计划",
            "at_risk",
        ),
    ]
