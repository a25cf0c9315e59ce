"""Tests of the workbook readers: .xls files, hidden and over-wide sheets, formulas.

Every fixture is written by the test: ``.xls`` files with xlwt (a dev
dependency, the writer of Excel 97—2003 files), ``.xlsx`` files with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from zjanalysis import io

xlwt = pytest.importorskip("xlwt")


def _wps_style_xls(path: Path) -> None:
    """Write a county's plan as WPS saves it in .xls: merged two-row header, 亿元."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目台账")
    ws.write_merge(0, 0, 0, 9, "湛江市2021年重点建设项目计划表")
    ws.write(1, 0, "单位：亿元")
    heads = ["序号", "项目编码", "项目名称", "所属县(市、区)", "行业主管部门"]
    heads += ["项目阶段", "行业领域", "总投资"]
    for j, text in enumerate(heads):
        ws.write_merge(2, 3, j, j, text)  # merged down over the second header row
    ws.write_merge(2, 2, 8, 9, "2021年计划")  # a group heading over two columns
    ws.write(3, 8, "投资额")
    ws.write(3, 9, "形象进度")
    rows = [
        (
            1,
            "P001",
            "东海岛钢铁",
            "霞山区",
            "市工信局",
            "续建",
            "产业",
            10,
            1.5,
            "主体",
        ),
        (2, "P002", "湛江石化", None, "市工信局", "新开工", "产业", 20.5, 2, "厂房"),
        (3, "P003", "疏港公路", "麻章区", "市交通局", "续建", "基础设施", 8, 0.25, ""),
    ]
    for i, row in enumerate(rows, start=4):
        for j, value in enumerate(row):
            if value is not None and not (i == 4 and j == 3):
                ws.write(i, j, value)
    ws.write_merge(4, 5, 3, 3, "霞山区")  # the county merged over two projects
    ws.write(7, 0, "合计")
    ws.write(7, 7, 38.5)
    ws.write(7, 8, 3.75)
    ws.write(8, 0, dt.date(2021, 6, 30), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    wb.save(str(path))


def test_an_xls_workbook_with_merged_headers_and_cells_is_read(tmp_path):
    # .xls files were refused ("旧版 Excel (.xls) 文件无法读取")
    _wps_style_xls(tmp_path / "projects.xls")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["project_id"].tolist() == ["P001", "P002", "P003"]
    assert projects["county"].tolist() == ["霞山区", "霞山区", "麻章区"]
    # 亿元 from the unit line, converted to 万元: 1.5 亿元 = 15,000 万元
    assert projects["plan_investment"].tolist() == [15_000, 20_000, 2_500]
    assert projects["total_investment"].tolist() == [100_000, 205_000, 80_000]
    assert projects["2021年计划/形象进度"].tolist()[:2] == ["主体", "厂房"]
    assert projects["_source"].iloc[0] == "projects.xls#项目台账"
    assert projects["_row"].tolist() == [5, 6, 7]
    info = ds.files[0]
    assert (info.encoding, info.title) == ("xls", "湛江市2021年重点建设项目计划表")
    assert (info.money_unit, info.money_unit_declared) == ("亿元", True)
    reasons = {s.row: s.reason for s in info.skipped}
    assert reasons[8] == "total"
    assert not [p for p in ds.report.problems if p.check == "unreadable_file"]


def test_an_xlsx_file_named_xls_and_an_xls_named_xlsx_are_read_as_what_they_are(
    tmp_path,
):
    wb = openpyxl.Workbook()
    wb.active.title = "年度目标"
    wb.active.append(["地区", "年份", "目标增长"])
    wb.active.append(["湛江市", 2021, 20])
    wb.save(tmp_path / "targets.xls")
    _wps_style_xls(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    assert ds["projects"]["plan_investment"].tolist() == [15_000, 20_000, 2_500]


def test_a_file_that_is_no_workbook_at_all_is_reported_plainly(tmp_path):
    # web systems export HTML tables named .xls
    (tmp_path / "projects.xls").write_text("<html><table></table></html>")
    ds = io.load_dataset(tmp_path)
    (bad,) = ds.report.errors[:1]
    assert (bad.check, bad.file) == ("unreadable_file", "projects.xls")
    assert bad.message_zh.startswith("文件无法读取")
    assert "另存为 .xlsx" in bad.hint_zh


def test_a_hidden_sheet_is_not_read_and_is_named(tmp_path):
    # an old copy of the ledger hidden in the workbook added its projects silently
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    header = ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
    header += ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    ws.append(header)
    ws.append(["P1", "道路", 2021, "赤坎区", "市交通局", "否", "续建", "交通", 10, 5])
    old = wb.create_sheet("项目台账（5月）")
    old.append(header)
    old.append(
        ["P9", "旧项目", 2021, "赤坎区", "市交通局", "否", "续建", "交通", 99, 99]
    )
    old.sheet_state = "hidden"
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["project_id"].tolist() == ["P1"]
    (hidden,) = [p for p in ds.report.problems if p.check == "hidden_sheet"]
    assert hidden.file == "projects.xlsx#项目台账（5月）"
    assert hidden.severity == "warning"
    assert "隐藏" in hidden.message_zh


def test_an_xls_hidden_sheet_is_not_read_either(tmp_path):
    _wps_style_xls(tmp_path / "projects.xls")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("年度目标")
    for j, v in enumerate(["地区", "年份", "目标增长"]):
        ws.write(0, j, v)
    for j, v in enumerate(["湛江市", 2021, 20]):
        ws.write(1, j, v)
    old = wb.add_sheet("旧目标")
    for j, v in enumerate(["地区", "年份", "目标增长"]):
        old.write(0, j, v)
    for j, v in enumerate(["湛江市", 2021, 12]):
        old.write(1, j, v)
    old.visibility = 1
    wb.save(str(tmp_path / "targets.xls"))
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    assert [p.file for p in ds.report.problems if p.check == "hidden_sheet"] == [
        "targets.xls#旧目标"
    ]


def test_a_sheet_wider_than_the_limit_is_refused_fast_and_the_rest_is_read(tmp_path):
    # a 5,000-column sheet took 16-30 s to load; the limit is the CSV's
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年度目标"
    ws.append(["地区", "年份", "目标增长"])
    ws.append(["湛江市", 2021, 20])
    wide = wb.create_sheet("项目月度进度")
    width = io.readers.MAX_COLUMNS + 1
    wide.append(["项目编码", "年份", "月份"] + [f"列{j}" for j in range(width - 3)])
    wide.append(["P1", 2021, 6] + list(range(width - 3)))
    wb.save(tmp_path / "data.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    (bad,) = [p for p in ds.report.errors if p.check == "sheet_too_wide"]
    assert bad.file == "data.xlsx#项目月度进度"
    assert f"{width:,} 列" in bad.message_zh
    assert f"超过 {io.readers.MAX_COLUMNS} 列" in bad.message_zh


def test_formatting_running_far_to_the_right_does_not_make_a_sheet_wide(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年度目标"
    ws.append(["地区", "年份", "目标增长"])
    ws.append(["湛江市", 2021, 20])
    ws.cell(row=1, column=3000).number_format = "0.00"  # a styled, empty cell
    ws.merge_cells("D2:ZZ2")  # an empty merged range
    wb.save(tmp_path / "targets.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds.report.ok, ds.report.format()
    assert ds["targets"]["target_growth_pct"].tolist() == [20]


def _projects_workbook(path: Path, rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    )
    for row in rows:
        ws.append(row)
    wb.save(path)


def _as_text_cell(path: Path, ref: str, text: str) -> None:
    """Make ``ref`` an inline string cell holding ``text`` (how Excel stores '=…)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    xml, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', cell, xml, count=1)
    assert n == 1
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for part, data in parts.items():
            z.writestr(part, data)


def test_a_text_cell_starting_with_an_equals_sign_is_text_not_a_formula(tmp_path):
    # "=…" typed as text (or a hostile string) was reported as "a formula without
    # its computed value: re-save the file", which re-saving does not fix
    path = tmp_path / "projects.xlsx"
    _projects_workbook(
        path,
        [
            [
                "P1",
                "placeholder",
                2021,
                "赤坎区",
                "市交通局",
                "否",
                "续建",
                "交通",
                10,
                5,
            ],
            ["P2", "桥梁", 2021, "赤坎区", "市交通局", "否", "续建", "交通", 8, 4],
        ],
    )
    _as_text_cell(path, "B2", "=cmd|' /C calc'!A0道路")
    # a real formula without its cached value is still reported as one
    wb = openpyxl.load_workbook(path)
    wb.active["J3"] = "=I3/2"
    wb.save(path)
    _as_text_cell(path, "B2", "=cmd|' /C calc'!A0道路")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["name"].tolist() == ["=cmd|' /C calc'!A0道路", "桥梁"]
    found = [(p.check, p.row, p.column, p.value) for p in ds.report.problems]
    assert found == [("uncached_formula", 3, "年度计划投资", "=I3/2")]
    assert pd.isna(projects["plan_investment"].iloc[1])


def test_a_text_cell_starting_with_equals_in_a_number_column_is_not_a_number(
    tmp_path,
):
    path = tmp_path / "projects.xlsx"
    _projects_workbook(
        path, [["P1", "道路", 2021, "赤坎区", "市交通局", "否", "续建", "交通", 10, 5]]
    )
    _as_text_cell(path, "J2", "=5")
    ds = io.load_dataset(tmp_path)
    (bad,) = ds.report.errors
    assert (bad.check, bad.row, bad.value) == ("bad_number", 2, "=5")
    assert "重新保存" not in bad.hint_zh and "另存" not in bad.hint_zh


def _plan_row(i: int, plan, total=100) -> list:
    return [
        f"P{i}",
        f"项目{i}",
        2021,
        "霞山区",
        "市发改局",
        "否",
        "续建",
        "产业",
        total,
        plan,
    ]


def test_an_amount_merged_over_two_projects_is_not_counted_twice(tmp_path):
    # the merged range was spread like a county's: 50 read for both projects
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    )
    for i, plan in ((1, 50), (2, None), (3, 7)):
        ws.append(_plan_row(i, plan))
    ws.merge_cells("J2:J3")  # one amount for P1 and P2
    ws.merge_cells("D2:D4")  # a county merged over its projects is right
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["plan_investment"].sum() == 57  # not 107
    assert projects["county"].tolist() == ["霞山区"] * 3
    (bad,) = ds.report.errors
    assert (bad.check, bad.row, bad.column, bad.value) == (
        "merged_amount",
        2,
        "年度计划投资",
        "50",
    )
    assert "第2—3行" in bad.message_zh


def test_data_rows_hidden_in_excel_are_read_with_a_warning(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    )
    for i in (1, 2, 3):
        ws.append(_plan_row(i, 10 * i))
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["plan_investment"].tolist() == [10, 20, 30]
    (warning,) = ds.report.problems
    assert (warning.check, warning.severity, warning.row) == (
        "hidden_rows",
        "warning",
        3,
    )
    assert "隐藏" in warning.message_zh


def test_spaced_total_words_and_the_parts_of_a_total_are_not_projects(tmp_path):
    # "合  计" in the code column and "其中：续建" under it were read as projects
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    )
    ws.append(_plan_row(1, 10))
    ws.append(_plan_row(2, 12))
    ws.append(["合  计", None, None, None, None, None, None, None, 200, 22])
    ws.append(["其中：续建", None, None, None, None, None, None, None, 200, 22])
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["project_id"].tolist() == ["P1", "P2"]
    assert ds["projects"]["plan_investment"].sum() == 22
    assert ds.report.ok, ds.report.format()
    reasons = {s.row: s.reason for s in ds.files[0].skipped}
    assert reasons == {4: "total", 5: "subtotal"}


def test_full_width_digits_and_commas_are_read_and_units_in_cells_refused(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    )
    for i, plan in enumerate(
        ["１，２３４", "１２．５", "1.2万", "1234万元", "１，２３"], 1
    ):
        ws.append(_plan_row(i, plan))
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    plan = ds["projects"]["plan_investment"]
    assert plan.iloc[:2].tolist() == [1234, 12.5]
    assert plan.iloc[2:].isna().all()
    bad = [(p.check, p.row) for p in ds.report.errors]
    assert bad == [("bad_number", 4), ("bad_number", 5), ("bad_number", 6)]


def test_a_percent_formatted_xls_column_of_100_percent_is_not_read_as_1(tmp_path):
    # .xls keeps no number format the reader sees: 100% comes back as 1
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目台账")
    heads = ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
    heads += ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
    heads += ["资金落实比例", "征地拆迁完成比例"]
    for j, text in enumerate(heads):
        ws.write(0, j, text)
    percent = xlwt.easyxf(num_format_str="0%")
    for i, (funded, land) in enumerate(((1.0, 0.6), (1.0, 1.0), (0.0, 0.25)), 1):
        row = [f"P{i}", f"项目{i}", 2021, "霞山区", "市发改局", "否", "续建", "产业"]
        for j, value in enumerate([*row, 100, 10]):
            ws.write(i, j, value)
        ws.write(i, 10, funded, percent)
        ws.write(i, 11, land, percent)
    wb.save(str(tmp_path / "projects.xls"))
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["funding_secured_pct"].tolist() == [100, 100, 0]
    assert projects["land_acquired_pct"].tolist() == [60, 100, 25]
    warned = [p for p in ds.report.warnings if p.check == "pct_as_fraction"]
    assert [p.column for p in warned] == ["资金落实比例", "征地拆迁完成比例"]
    assert ".xls" in warned[0].message_zh


def test_an_xlsx_share_column_of_ones_stays_one_percent(tmp_path):
    # where the format is known, 1 in a plain cell is 1%
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
        + ["资金落实比例"]
    )
    ws.append(_plan_row(1, 10) + [1])
    ws.append(_plan_row(2, 10) + [0])
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["funding_secured_pct"].tolist() == [1, 0]
    assert ds.report.ok, ds.report.format()


def test_excel_error_values_are_errors_in_every_column(tmp_path):
    # '#N/A' (a failed VLOOKUP) passed as a project's code; #DIV/0! and #REF!
    # were "not a number" / "not a county", which sends the clerk looking wrongly
    path = tmp_path / "projects.xlsx"
    _projects_workbook(
        path,
        [
            [
                "#N/A",
                "道路",
                2021,
                "霞山区",
                "市交通局",
                "否",
                "续建",
                "交通",
                10,
                "#DIV/0!",
            ],
            ["P2", "桥梁", 2021, "#REF!", "市交通局", "否", "续建", "交通", 8, 4],
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb.active["A2"].data_type = "e"  # stored as Excel stores an error cell
    wb.save(path)
    ds = io.load_dataset(tmp_path)
    found = [(p.check, p.row, p.column, p.value) for p in ds.report.problems]
    assert found == [
        ("excel_error", 2, "项目编码", "#N/A"),
        ("excel_error", 3, "所属县(市、区)", "#REF!"),
        ("excel_error", 2, "年度计划投资", "#DIV/0!"),
    ]
    assert pd.isna(ds["projects"]["project_id"].iloc[0])
    assert "Excel 的错误值" in ds.report.problems[0].message_zh


def test_of_two_plan_columns_the_visible_one_is_read_not_the_hidden_old_one(tmp_path):
    # the old 年度计划投资 hidden left of the new one was read; the new one dropped
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(
        ["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"]
        + ["是否重点项目", "项目阶段", "行业领域", "总投资", "年度计划投资"]
        + ["年度计划投资", "分管市领导"]
    )
    ws.append(_plan_row(1, 99) + [10, "张某"])
    ws.append(_plan_row(2, 88) + [20, "李某"])
    ws.column_dimensions["J"].hidden = True
    ws.column_dimensions.group("L", "L", hidden=True)
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["plan_investment"].tolist() == [10, 20]
    assert projects["city_leader"].tolist() == ["张某", "李某"]
    checks = sorted(p.check for p in ds.report.problems)
    assert checks == ["duplicate_header", "hidden_columns"]
    (hidden,) = [p for p in ds.report.problems if p.check == "hidden_columns"]
    assert "「分管市领导」" in hidden.message_zh
