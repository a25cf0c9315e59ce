"""Tests of the printed-table rules at the seams of the io package.

The header block (:mod:`zjanalysis.io.layout`), each row rule and their order
(:mod:`zjanalysis.io.rows`) and the sheet result (:mod:`zjanalysis.io.sheet`), each
on a tiny hand-built grid with hand-worked expected values. The end-to-end
behaviour is tested in ``test_io.py``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from zjanalysis import io, schema
from zjanalysis.io import headers, layout, rows
from zjanalysis.io.rows import BodyContext, BodyRow
from zjanalysis.io.sheet import parse_sheet

PROJECTS = schema.TABLES["projects"]


def _grid(*lines: list[str]) -> pd.DataFrame:
    """Return a grid of texts, padded to one width, columns by position."""
    width = max(len(line) for line in lines)
    padded = [list(line) + [""] * (width - len(line)) for line in lines]
    return pd.DataFrame(padded, columns=list(range(width)), dtype="str")


def _row(*values: str, **marks) -> BodyRow:
    """Return a candidate body row of these cells with the given marks."""
    uniq = list(dict.fromkeys(v for v in values if v))
    return BodyRow(values=tuple(values), uniq=uniq, **marks)


# --- the public API of the package ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "load_dataset",
        "Dataset",
        "SourceFile",
        "SkippedRow",
        "verify_manifest",
        "file_sha256",
        "save_frame",
        "dtype_of",
        "empty_table",
        "match_table",
        "source_is_workbook",
        "MAX_BLANK_XLSX_ROWS",
        "MAX_PROBLEMS_PER_COLUMN",
        "MISSING_TOKENS",
        "TEXT_MISSING_TOKENS",
        "GROUP_COLUMNS",
        "CSV_SUFFIXES",
        "XLSX_SUFFIXES",
    ],
)
def test_every_name_other_modules_use_is_on_the_package(name):
    assert name in io.__all__
    assert getattr(io, name) is not None


# --- layout: the header block ----------------------------------------------------------


def test_layout_of_a_printed_table_with_title_and_unit_line():
    grid = _grid(
        ["附件1"],
        ["湛江市2021年重点项目计划表"],
        [""],
        ["单位：亿元"],
        ["项目编码", "项目名称", "总投资"],
        ["ZJ-1", "甲项目", "1.5"],
    )
    found = layout.find_layout(grid, np.arange(1, 7), table="projects", sheet="S")
    assert found.header == ["项目编码", "项目名称", "总投资"]
    assert found.sub_header is None
    assert (found.header_index, found.body_start, found.header_row) == (4, 5, 5)
    # the attachment label is skipped as a title row but is not the title
    assert found.title == "湛江市2021年重点项目计划表"
    assert (found.money_unit, found.money_unit_declared) == ("亿元", True)
    assert [(s.row, s.reason, s.text, s.sheet) for s in found.skipped] == [
        (1, "title", "附件1", "S"),
        (2, "title", "湛江市2021年重点项目计划表", "S"),
        (3, "blank", "", "S"),
        (4, "unit line", "单位：亿元", "S"),
    ]
    assert found.repeated == {
        "附件1": "title",
        "湛江市2021年重点项目计划表": "title",
        "单位：亿元": "unit line",
        "项目编码 项目名称 总投资": "header",
    }


def test_layout_without_title_uses_the_default_unit():
    grid = _grid(["项目编码", "项目名称"], ["ZJ-1", "甲"])
    found = layout.find_layout(grid, np.arange(1, 3), table="projects")
    assert found.title is None
    assert found.skipped == []
    assert (found.money_unit, found.money_unit_declared) == (
        schema.DEFAULT_MONEY_UNIT,
        False,
    )
    assert (found.header_index, found.body_start, found.header_row) == (0, 1, 1)


def test_layout_is_none_when_no_row_names_a_column():
    grid = _grid(["甲", "乙"], ["1", "2"])
    assert layout.find_layout(grid, np.arange(1, 3), table="projects") is None


def test_layout_joins_a_second_header_row_under_group_headings():
    grid = _grid(
        ["项目编码", "项目名称", "2021年计划", ""],
        ["", "", "投资额", "形象进度"],
        ["ZJ-1", "甲", "10", "开工"],
    )
    found = layout.find_layout(grid, np.arange(1, 4), table="projects")
    assert found.header == ["项目编码", "项目名称", "2021年计划", ""]
    assert found.sub_header == ["", "", "投资额", "形象进度"]
    assert (found.header_index, found.body_start, found.header_row) == (0, 2, 2)
    assert [(s.row, s.reason) for s in found.skipped] == [(2, "header")]


def test_layout_skips_a_units_row_and_a_column_number_row_under_the_header():
    grid = _grid(
        ["项目编码", "项目名称", "总投资", "年度计划投资"],
        ["甲", "乙", "1", "2"],
        ["", "", "（亿元）", "（万元）"],
        ["ZJ-1", "甲", "1", "2"],
    )
    found = layout.find_layout(grid, np.arange(1, 5), table="projects")
    assert (found.body_start, found.header_row) == (3, 3)
    assert found.units_row == {2: "亿元", 3: "万元"}
    assert [(s.row, s.reason) for s in found.skipped] == [
        (2, "header"),
        (3, "unit line"),
    ]
    # the units row is no unit line: money without a unit stays in the default
    assert found.money_unit_declared is False


def test_a_unit_written_in_a_header_cell_declares_the_money_unit():
    grid = _grid(
        ["项目编码", "项目名称", "总投资", "单位：亿元"], ["ZJ-1", "甲", "1", ""]
    )
    found = layout.find_layout(grid, np.arange(1, 3), table="projects")
    assert (found.money_unit, found.money_unit_declared) == ("亿元", True)


def test_a_unit_line_keeps_the_title_written_on_it():
    assert layout._unit_line("2021年重点项目计划表（单位：万元）") == (
        "万元",
        "2021年重点项目计划表",
    )
    assert layout._unit_line("金额单位：元") == ("元", "")
    assert layout._unit_line("单位") is None


def test_sheet_layout_is_a_dataclass_with_named_fields():
    names = [f.name for f in dataclasses.fields(layout.SheetLayout)]
    assert names == [
        "header",
        "sub_header",
        "header_index",
        "body_start",
        "header_row",
        "title",
        "money_unit",
        "money_unit_declared",
        "units_row",
        "skipped",
        "repeated",
    ]


# --- rows: each rule on one row --------------------------------------------------------


def test_blank_row():
    assert rows.blank_row(_row("", ""), BodyContext()) == ("blank", None)
    assert rows.blank_row(_row("", "x"), BodyContext()) is None


def test_repeated_page_text_takes_the_reason_of_the_row_above():
    ctx = BodyContext(repeated={"2021年计划表": "title", "单位：万元": "unit line"})
    verdict = rows.repeated_page_text(
        _row("2021年计划表", "2021年计划表", repeat_hit=True), ctx
    )
    assert verdict == ("title", None)
    assert rows.repeated_page_text(_row("单位：万元", repeat_hit=True), ctx) == (
        "unit line",
        None,
    )
    # only rows the column-wise pass marked as repeated
    assert rows.repeated_page_text(_row("2021年计划表"), ctx) is None


def test_repeated_header_needs_most_cells_equal_to_their_heading():
    ctx = BodyContext(header=["序号", "项目编码", "项目名称", "总投资"])
    same = _row("序号", "项目编码", "项目名称", "", repeat_hit=True)
    assert rows.repeated_header(same, ctx) == ("header", None)
    half = _row("序号", "项目编码", "甲", "1", repeat_hit=True)
    assert rows.repeated_header(half, ctx) is None


def test_note_row_and_every_candidate_after_it():
    assert rows.note_row(_row("注：数据为快报数"), BodyContext()) == ("note", None)
    assert rows.note_row(_row("资料来源", "统计局"), BodyContext()) == ("note", None)
    assert rows.note_row(_row("合计", "12", after_note=True), BodyContext()) == (
        "note",
        None,
    )
    # 注意 is no note label
    assert rows.note_row(_row("注意事项"), BodyContext()) is None


def test_total_row_and_subtotal_row():
    assert rows.total_row(_row("合计", "", "120"), BodyContext()) == ("total", None)
    assert rows.total_row(_row("全市合计（共25项）", "1"), BodyContext()) == (
        "total",
        None,
    )
    assert rows.total_row(_row("", "小 计", "12"), BodyContext()) == (
        "subtotal",
        None,
    )
    assert rows.total_row(_row("合计投资较上年增长", "1"), BodyContext()) is None


def test_section_heading_numbered_or_a_numeral_in_the_seq_column():
    ctx = BodyContext()
    assert rows.section_heading(_row("一、产业项目"), ctx) == (
        "section",
        "一、产业项目",
    )
    assert rows.section_heading(_row("（二）交通", key_value=""), ctx) == (
        "section",
        "（二）交通",
    )
    # a bare numeral in 序号 takes the next cell as its text
    numeral = _row("三", "民生项目", seq_numeral=True)
    assert rows.section_heading(numeral, ctx) == ("section", "三、民生项目")
    arabic = _row("1.", "交通", arabic_section=True)
    assert rows.section_heading(arabic, ctx) == ("section", "1、交通")
    # a key cell holding something else: a data row that starts like a heading
    data = _row("一、产业项目", "ZJ-1", "甲", key_value="ZJ-9")
    assert rows.section_heading(data, ctx) is None
    assert rows.section_heading(_row("产业项目"), ctx) is None


def test_group_heading_with_a_count_or_a_county_name():
    assert rows.group_heading(_row("产业项目（23项）"), BodyContext()) == (
        "section",
        "产业项目（23项）",
    )
    county = _row("霞山区")
    assert rows.group_heading(county, BodyContext(county_rule=True)) == (
        "section",
        "霞山区",
    )
    # in a table keyed by county a county's name is data
    assert rows.group_heading(county, BodyContext(county_rule=False)) is None
    named = _row("霞山区", "甲项目", name_value="甲项目")
    assert rows.group_heading(named, BodyContext(county_rule=True)) is None


def test_loose_note_is_one_text_in_a_row_without_key():
    assert rows.loose_note(_row("说明 以上为快报数"), BodyContext()) == ("note", None)
    assert rows.loose_note(_row("说明", "x"), BodyContext()) is None
    assert rows.loose_note(_row("说明", key_empty=False), BodyContext()) is None


def test_unused_form_row():
    assert rows.unused_form_row(_row("3", "", "霞山区", unused=True), BodyContext())
    assert rows.unused_form_row(_row("3", "", "霞山区"), BodyContext()) is None


def test_rules_are_tried_in_their_documented_order():
    assert [rule.__name__ for rule in rows.ROW_RULES] == [
        "blank_row",
        "repeated_page_text",
        "repeated_header",
        "note_row",
        "total_row",
        "section_heading",
        "group_heading",
        "loose_note",
        "unused_form_row",
    ]
    ctx = BodyContext(county_rule=True)
    # a note before a total, a total before a heading, a heading before a group
    assert rows.judge_row(_row("注：合计不含市直"), ctx).reason == "note"
    assert rows.judge_row(_row("一、合计"), ctx).reason == "total"
    assert rows.judge_row(_row("一、产业项目（3项）"), ctx) == (
        "section",
        "一、产业项目（3项）",
    )
    # a data row is claimed by no rule
    assert rows.judge_row(_row("ZJ-1", "甲", key_value="ZJ-1"), ctx) is None


def test_nested_sections_keep_their_parents():
    marks = rows.nest_sections(
        {1: "一、产业", 3: "（一）工业", 5: "1. 钢铁", 7: "（二）农业"}, 9
    )
    assert marks.tolist()[1:] == [
        "一、产业",
        "一、产业",
        "一、产业 / （一）工业",
        "一、产业 / （一）工业",
        "一、产业 / （一）工业 / 1. 钢铁",
        "一、产业 / （一）工业 / 1. 钢铁",
        "一、产业 / （二）农业",
        "一、产业 / （二）农业",
    ]
    assert pd.isna(marks.iloc[0])


# --- rows: the whole body --------------------------------------------------------------


def test_classify_rows_of_a_printed_ledger_body():
    body = _grid(
        ["一", "产业项目", "", ""],
        ["1", "ZJ-1", "甲项目", "10"],
        ["", "", "", ""],
        ["（一）", "工业", "", ""],
        ["2", "ZJ-2", "乙项目", "20"],
        ["", "小计", "", "30"],
        ["序号", "项目编码", "项目名称", "总投资"],
        ["3", "ZJ-3", "说明书印刷厂", "5"],
        ["4", "", "", ""],
        ["", "合计", "", "35"],
        ["注：数据为快报数"] * 4,
        ["", "", "2021年7月10日", ""],
    )
    keep, section, skipped, *_ = rows.classify_rows(
        body,
        np.arange(11, 23),
        mapping={1: "project_id", 2: "name", 3: "total_investment"},
        seq_pos=0,
        spec=PROJECTS,
        sheet="S",
        header=["序号", "项目编码", "项目名称", "总投资"],
        repeated={"序号 项目编码 项目名称 总投资": "header"},
    )
    assert np.flatnonzero(keep).tolist() == [1, 4, 7]
    assert section[keep].tolist() == [
        "一、产业项目",
        "一、产业项目 / （一）、工业",
        "一、产业项目 / （一）、工业",
    ]
    assert [(s.row, s.reason) for s in skipped] == [
        (11, "section"),
        (13, "blank"),
        (14, "section"),
        (16, "subtotal"),
        (17, "header"),
        (19, "blank"),  # an unused form row: only its pre-printed 序号
        (20, "total"),
        (21, "note"),  # merged across the row, the key cell too
        (22, "note"),  # the date under the note: everything after a note is one
    ]
    assert skipped[0].text == "一 产业项目"
    assert skipped[-1].text == "2021年7月10日"
    assert {s.sheet for s in skipped} == {"S"}


def test_classify_rows_of_an_empty_body():
    keep, section, skipped, *_ = rows.classify_rows(
        _grid(["x"]).iloc[:0], np.arange(0), mapping={}, seq_pos=None, spec=PROJECTS
    )
    assert keep.tolist() == [] and len(section) == 0 and skipped == []


# --- sheet: the typed result of one sheet ------------------------------------------------


def test_parsed_sheet_of_a_table_in_a_declared_unit():
    grid = _grid(
        ["2021年重点项目计划表"],
        ["单位：亿元"],
        ["项目编码", "项目名称", "总投资（万元）", "年度计划投资"],
        ["ZJ-1", "甲", "500", "1.5"],
        ["合计", "", "500", "1.5"],
    )
    parsed = parse_sheet(
        grid, np.arange(1, 6), table="projects", source="p.csv", merged=False
    )
    assert (parsed.header_row, parsed.title) == (3, "2021年重点项目计划表")
    assert (parsed.money_unit, parsed.money_unit_declared) == ("亿元", True)
    assert parsed.column_units == {"总投资（万元）": "万元"}
    assert parsed.frame["total_investment"].tolist() == [500.0]
    assert parsed.frame["plan_investment"].tolist() == [15000.0]
    # the title names the plan year and that every row is a key project
    assert parsed.frame["plan_year"].tolist() == [2021]
    assert parsed.frame["is_key"].tolist() == [True]
    assert parsed.header_map["plan_year"] == "2021年重点项目计划表"
    assert [(s.row, s.reason) for s in parsed.skipped] == [
        (1, "title"),
        (2, "unit line"),
        (5, "total"),
    ]
    assert len(parsed.notes) == 3 and "亿元" in parsed.notes[-1]


def test_parsed_sheet_without_header_is_an_empty_table_and_one_error():
    parsed = parse_sheet(
        _grid(["甲", "乙"]),
        np.arange(1, 2),
        table="targets",
        source="t.csv",
        merged=False,
    )
    assert parsed.layout is None and parsed.header_row is None
    assert (parsed.money_unit, parsed.money_unit_declared, parsed.title) == (
        schema.DEFAULT_MONEY_UNIT,
        False,
        None,
    )
    assert [p.check for p in parsed.problems] == ["header_not_found"]
    assert list(parsed.frame.columns) == list(io.empty_table("targets").columns)


def test_parsed_sheet_records_the_rows_of_unreadable_cells():
    grid = _grid(
        ["地区", "年份", "月份", "累计完成投资"], ["霞山区", "2021", "6", "abc"]
    )
    parsed = parse_sheet(
        grid, np.arange(1, 3), table="fai_monthly", source="f.csv", merged=False
    )
    assert parsed.bad_cells["cum_investment"].tolist() == [2]
    assert [p.check for p in parsed.problems] == ["bad_number"]


# --- sections that supply a column the sheet lacks ----------------------------------------


def _sectioned_plan(tmp_path, third_heading="三、文旅项目（1项）"):
    """A key-project plan printed by sector, without a 行业领域 column (CSV)."""
    parties = ",张副市长,市发展改革局,市交通运输局,湛江某公司"
    lines = [
        "湛江市2021年重点建设项目计划表",
        "单位：万元",
        "序号,项目编码,项目名称,所属县(市、区),行业主管部门,项目阶段,总投资,年度计划投资"
        ",分管市领导,牵头责任单位,分管行业部门,建设单位",
        "一、交通基础设施项目（2项）,,,,,,300,30",
        "1,P1,疏港公路,麻章区,市交通运输局,续建,100,10" + parties,
        "2,P2,跨海大桥,霞山区,市交通运输局,新开工,200,20" + parties,
        "二、产业项目（1项）,,,,,,50,5",
        "1,P3,钢铁配套,霞山区,市工业和信息化局,续建,50,5" + parties,
        f"{third_heading},,,,,,8,1",
        "1,P4,海滨公园,赤坎区,市文广旅体局,续建,8,1" + parties,
        "合计,,,,,,358,36",
    ]
    (tmp_path / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return io.load_dataset(tmp_path)


def test_section_headings_supply_the_sector_a_plan_has_no_column_for(tmp_path):
    # the plan was rejected for a missing 行业领域 although its sections say it
    ds = _sectioned_plan(tmp_path, third_heading="三、民生和社会事业项目（1项）")
    projects = ds["projects"]
    assert projects["sector"].tolist() == ["基础设施", "基础设施", "产业", "民生"]
    assert projects["section"].tolist() == [
        "一、交通基础设施项目（2项）",
        "一、交通基础设施项目（2项）",
        "二、产业项目（1项）",
        "三、民生和社会事业项目（1项）",
    ]
    assert projects["plan_investment"].sum() == 36  # heading subtotals not read
    assert ds.report.ok, ds.report.format()
    assert any("取自分组行" in n for n in ds.files[0].notes)


def test_a_heading_that_names_no_sector_is_an_error_at_its_row(tmp_path):
    ds = _sectioned_plan(tmp_path)
    projects = ds["projects"]
    assert projects["sector"].tolist()[:3] == ["基础设施", "基础设施", "产业"]
    assert pd.isna(projects["sector"].iloc[3])
    (bad,) = ds.report.errors
    assert (bad.check, bad.file, bad.row, bad.value) == (
        "unknown_section",
        "projects.csv",
        9,
        "三、文旅项目（1项）",
    )
    for sector in schema.SECTORS:
        assert sector in bad.hint_zh
    assert "行业领域" in bad.message_zh


def test_without_a_sector_heading_the_missing_column_is_still_reported(tmp_path):
    text = (
        "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,项目阶段,总投资,年度计划投资\n"
        "一、第一批（1项）,,,,,,,\n"
        "P1,疏港公路,2021,麻章区,市交通运输局,续建,100,10\n"
    )
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    missing = [p.column for p in ds.report.errors if p.check == "missing_column"]
    assert "行业领域" in missing
    assert not [p for p in ds.report.errors if p.check == "unknown_section"]


def test_stage_and_county_headings_supply_their_columns_too(tmp_path):
    text = (
        "2021年项目计划表,,,,,\n"
        "项目编码,项目名称,行业主管部门,是否重点项目,行业领域,总投资,年度计划投资\n"
        "霞山区,,,,,,\n"
        "一、续建项目（1项）,,,,,,\n"
        "P1,钢铁配套,市工业和信息化局,否,产业,50,5\n"
        "二、新开工项目（1项）,,,,,,\n"
        "P2,跨海大桥,市交通运输局,否,基础设施,200,20\n"
        "麻章区,,,,,,\n"
        "一、续建项目（1项）,,,,,,\n"
        "P3,疏港公路,市交通运输局,否,基础设施,100,10\n"
    )
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["stage"].tolist() == ["续建", "新开工", "续建"]
    assert projects["county"].tolist() == ["霞山区", "霞山区", "麻章区"]
    assert ds.report.ok, ds.report.format()


def test_every_sector_heading_of_the_printed_demo_plan_names_its_sector():
    from make_demo_data import SECTOR_SECTION

    for sector, heading in SECTOR_SECTION.items():
        assert sector in schema.SECTORS
        assert rows.section_value(f"三、{heading}（12项）", "sector") == sector
        assert rows.section_value(f"（二）{heading}", "sector") == sector


# --- a unit declared only in a note under the table ---------------------------------------

_PLAIN_PLAN = (
    "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,"
    "总投资,年度计划投资\n"
    "P1,道路,2021,霞山区,市交通局,否,续建,产业,12.5,1.5\n"
    "P2,桥梁,2021,霞山区,市交通局,否,续建,产业,20,2\n"
)


def test_a_unit_declared_only_in_the_note_under_the_table_applies(tmp_path):
    # 1.5 亿元 was read as 1.5 万元, without a word: a factor of 10,000
    text = "湛江市2021年项目计划表\n" + _PLAIN_PLAN + "注：本表金额单位为亿元。\n"
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["plan_investment"].tolist() == [15_000, 20_000]
    assert ds["projects"]["total_investment"].tolist() == [125_000, 200_000]
    (note,) = ds.report.problems
    assert (note.check, note.severity, note.row) == ("unit_from_note", "warning", 5)
    assert ds.files[0].money_unit == "亿元"


def test_a_note_contradicting_the_unit_line_is_an_error(tmp_path):
    text = "单位：万元\n" + _PLAIN_PLAN + "注：金额单位：亿元\n"
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["plan_investment"].tolist() == [1.5, 2]
    (bad,) = ds.report.errors
    assert (bad.check, bad.row) == ("conflicting_units", 5)


def test_a_note_under_headers_with_their_own_units_changes_nothing(tmp_path):
    text = _PLAIN_PLAN.replace(
        "总投资,年度计划投资", "总投资（万元）,年度计划投资（万元）"
    )
    (tmp_path / "projects.csv").write_text(text + "注：单位为亿元\n", encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["plan_investment"].tolist() == [1.5, 2]
    assert not ds.report.problems


def test_a_single_month_column_is_not_read_as_the_year_to_date(tmp_path):
    # "6月完成投资" (June alone) stood first and was read as the cumulative figure
    text = "地区,年份,月份,6月完成投资,1—6月累计完成投资,累计增长\n湛江市,2021,6,100,600,12\n"
    (tmp_path / "fai_monthly.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    fai = ds["fai_monthly"]
    assert fai["cum_investment"].tolist() == [600]
    assert fai["6月完成投资"].tolist() == ["100"]  # kept as an extra column
    assert ds.report.ok and not ds.report.problems
    lookup = headers.lookup_header("fai_monthly")
    assert headers.match_header("6月累计完成投资", lookup)[0] == "cum_investment"
    assert headers.match_header("2021年6月份完成投资", lookup)[0] is None


def test_a_part_under_a_group_heading_is_not_read_as_the_column(tmp_path):
    # 年度计划投资 over "其中：中央资金 | 合计": the part (3) was read as the plan (10)
    text = (
        "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,"
        "总投资,年度计划投资,\n"
        ",,,,,,,,,其中：中央资金,合计\n"
        "P1,道路,2021,霞山区,市交通局,否,续建,产业,100,3,10\n"
    )
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["plan_investment"].tolist() == [10]
    assert projects["年度计划投资/其中：中央资金"].tolist() == ["3"]
    assert not ds.report.problems


@pytest.mark.parametrize(
    "unit_line, headers, expected",
    [
        # 单位：千元 was not a unit line: 1,000 千元 read as 1,000 万元
        ("单位：千元\n", ("总投资", "年度计划投资"), [100, 3]),
        # 总投资（千元） was read as 千 + 元: 1,000 千元 = 0.1 万元
        ("", ("总投资（千元）", "年度计划投资（百万元）"), [100, 3000]),
        ("", ("总投资（千万元）", "年度计划投资(元)"), [1_000_000, 0.003]),
    ],
)
def test_thousand_and_million_yuan_units_are_converted(
    tmp_path, unit_line, headers, expected
):
    text = (
        unit_line
        + "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,"
        + ",".join(headers)
        + "\nP1,道路,2021,霞山区,市交通局,否,续建,产业,1000,30\n"
    )
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    got = [projects["total_investment"].iloc[0], projects["plan_investment"].iloc[0]]
    assert got == pytest.approx(expected)
    assert ds.report.ok, ds.report.format()


def test_a_blank_sector_column_of_the_form_is_filled_from_the_headings(tmp_path):
    # the form has 行业领域 but the clerk left it blank: the headings say it
    parties = ",张副市长,市发展改革局,市交通运输局,湛江某公司"
    lines = [
        "湛江市2021年重点建设项目计划表",
        "项目编码,项目名称,所属县(市、区),行业主管部门,项目阶段,行业领域,总投资,年度计划投资"
        ",分管市领导,牵头责任单位,分管行业部门,建设单位",
        "一、交通基础设施项目（1项）",
        "P1,疏港公路,麻章区,市交通运输局,续建,,100,10" + parties,
        "二、能源项目（1项）",
        "P2,海上风电,徐闻县,市发展改革局,新开工,,200,20" + parties,
    ]
    (tmp_path / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["sector"].tolist() == ["基础设施", "能源"]
    assert ds.report.ok, ds.report.format()
