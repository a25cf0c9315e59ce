"""Tests of the loader: every general rule of the data contract, with small files."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zjanalysis import io, paths, schema

PROJECT_HEADER = (
    "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,"
    "行业领域,总投资,年度计划投资,分管市领导,牵头责任单位,分管行业部门,建设单位"
)
PROJECT_ROW = "P001,东海岛钢铁项目,2021,霞山区,市工业和信息化局,是,续建,产业,50000,8000,张三,市发展改革局,市工业和信息化局,宝钢湛江"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_at(ds: io.Dataset, row: int | None = None, column: str | None = None):
    return [
        p
        for p in ds.report.problems
        if (row is None or p.row == row) and (column is None or p.column == column)
    ]


# --- reference data and canonical frames -------------------------------------------


def test_reference_national_fai_loads_and_converts_yi_to_wan():
    ds = io.load_dataset(paths.REFERENCE_DIR)
    fai = ds["fai_monthly"]
    assert ds.report.ok, ds.report.format()
    first = fai.iloc[0]
    assert (first["region"], first["year"], first["month"]) == ("全国", 2011, 2)
    assert first["cum_investment"] == pytest.approx(174_441_600)
    assert first["cum_growth_pct"] == pytest.approx(24.9)
    assert first["_row"] == 2
    assert ds.files[0].column_units == {"累计完成投资(亿元)": "亿元"}
    assert not ds.is_demo


def test_every_table_is_present_with_canonical_columns_and_dtypes(tmp_path):
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    ds = io.load_dataset(tmp_path)
    assert set(ds.tables) == set(schema.TABLES)
    for name, spec in schema.TABLES.items():
        frame = ds[name]
        assert list(frame.columns[: len(spec.columns)]) == spec.column_names
        assert list(frame.columns[-3:]) == ["section", "_source", "_row"]
        for column in spec.columns:
            assert str(frame[column.name].dtype) == io.dtype_of(column.kind), (
                name,
                column,
            )
    assert len(ds["targets"]) == 0
    projects = ds["projects"]
    assert projects["is_key"].iloc[0]
    assert projects["plan_investment"].iloc[0] == 8000
    with pytest.raises(KeyError, match="unknown table"):
        ds["no_such_table"]


def test_english_headers_in_any_order_with_spaces_and_extra_columns_kept(tmp_path):
    text = (
        " plan_investment ,project_id,name,备注,county,department,is_key,stage,sector,"
        "total_investment,plan_year\n"
        "8000,P9,码头,续建中,赤坎区,市交通运输局,N,ongoing,交通,50000,2021\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    row = ds["projects"].iloc[0]
    assert row["project_id"] == "P9"
    assert row["stage"] == "续建"
    assert not row["is_key"]
    assert row["备注"] == "续建中"
    names = list(ds["projects"].columns)
    assert names.index("备注") == len(schema.TABLES["projects"].columns)
    assert ds.report.ok, ds.report.format()


# --- encodings ---------------------------------------------------------------------


def test_gbk_csv_is_detected(tmp_path):
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n", "gbk")
    ds = io.load_dataset(tmp_path)
    assert ds.files[0].encoding == "gb18030"
    assert ds["projects"]["county"].iloc[0] == "霞山区"
    assert ds.report.ok, ds.report.format()


def test_utf8_bom_csv_header_is_matched(tmp_path):
    write(
        tmp_path,
        "projects.csv",
        PROJECT_HEADER + "\n" + PROJECT_ROW + "\n",
        "utf-8-sig",
    )
    ds = io.load_dataset(tmp_path)
    assert ds.files[0].encoding == "utf-8-sig"
    assert ds["projects"]["project_id"].iloc[0] == "P001"
    assert ds.report.ok, ds.report.format()


# --- numbers, units ----------------------------------------------------------------


def test_numbers_written_as_text(tmp_path):
    text = (
        "地区,年份,月份,累计完成投资,累计同比增长(%)\n"
        '湛江市,2021,1—2月,"1,234.5",１２\n'
        "湛江市,2021,1-3月, 12 ,—\n"
        "湛江市,2021,4月,１２３４,-3.5%\n"
        "湛江市,2021,5,-,20%\n"
    )
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    fai = ds["fai_monthly"]
    assert fai["month"].tolist() == [2, 3, 4, 5]
    assert fai["cum_investment"].iloc[:3].tolist() == [1234.5, 12.0, 1234.0]
    assert pd.isna(fai["cum_investment"].iloc[3])
    assert pd.isna(fai["cum_growth_pct"].iloc[1])
    assert fai["cum_growth_pct"].iloc[[0, 2, 3]].tolist() == [12.0, -3.5, 20.0]
    assert ds.report.ok, ds.report.format()


def test_text_in_a_number_column_is_an_error_with_its_location(tmp_path):
    text = (
        "地区,年份,月份,累计完成投资（万元）\n湛江市,2021,2,100\n湛江市,2021,3,约200\n"
    )
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    (problem,) = [p for p in ds.report.errors if p.check == "bad_number"]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "fai_monthly.csv",
        3,
        "累计完成投资（万元）",
        "约200",
    )
    assert problem.unit == "市统计局"
    assert len(ds["fai_monthly"]) == 2  # the row is kept, the value is missing


def test_separators_that_do_not_group_thousands_are_errors(tmp_path):
    # 1,5 (a decimal comma) or 1,80.2 (a typo) must not silently become 15 or 180.2
    text = (
        "地区,年份,月份,累计完成投资（亿元）\n"
        '湛江市,2021,2,"1,5"\n'
        '湛江市,2021,3,"1,80.2"\n'
        "湛江市,2021,4,1 5\n"
        '湛江市,2021,5,"1,234.5"\n'
        "湛江市,2021,6, 12 000 \n"
        "湛江市,2021,7,１，２３４\n"
    )
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    bad = [(p.row, p.value) for p in ds.report.errors if p.check == "bad_number"]
    assert bad == [(2, "1,5"), (3, "1,80.2"), (4, "1 5")]
    values = ds["fai_monthly"]["cum_investment"].tolist()
    assert all(pd.isna(v) for v in values[:3])
    assert values[3:] == [12_345_000, 120_000_000, 12_340_000]


def test_many_bad_cells_are_capped_with_a_summary(tmp_path):
    rows = "\n".join(f"湛江市,{2000 + i},2,abc" for i in range(60))
    write(tmp_path, "fai_monthly.csv", "地区,年份,月份,累计完成投资\n" + rows + "\n")
    ds = io.load_dataset(tmp_path)
    bad = [p for p in ds.report.errors if p.check == "bad_number"]
    assert len(bad) == io.MAX_PROBLEMS_PER_COLUMN + 1
    assert "另有 40 个" in bad[-1].message_zh


def test_money_units_by_header_suffix_unit_line_and_default(tmp_path):
    write(
        tmp_path / "a",
        "targets.csv",
        "地区,年份,目标增长(%),上年完成投资(亿元)\n湛江市,2021,20,1.5\n",
    )
    write(
        tmp_path / "b",
        "targets.csv",
        "2021年投资目标\n单位：亿元\n地区,年份,目标增长,上年完成投资\n湛江市,2021,20,1.5\n",
    )
    write(
        tmp_path / "c",
        "targets.csv",
        "地区,年份,目标增长,上年完成投资(元)\n湛江市,2021,20,15000\n",
    )
    write(
        tmp_path / "d",
        "targets.csv",
        "地区,年份,目标增长,上年完成投资\n湛江市,2021,20,1.5\n",
    )
    a, b, c, d = (io.load_dataset(tmp_path / x) for x in "abcd")
    assert a["targets"]["base_investment"].iloc[0] == 15_000
    assert b["targets"]["base_investment"].iloc[0] == 15_000
    assert c["targets"]["base_investment"].iloc[0] == pytest.approx(1.5)
    assert d["targets"]["base_investment"].iloc[0] == 1.5
    assert (b.files[0].money_unit, b.files[0].money_unit_declared) == ("亿元", True)
    assert (d.files[0].money_unit, d.files[0].money_unit_declared) == ("万元", False)
    assert b.files[0].title == "2021年投资目标"
    assert [s.reason for s in b.files[0].skipped] == ["title", "unit line"]


# --- months and dates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "month"),
    [("1-6月", 6), ("1—6月", 6), ("6月", 6), ("6", 6), ("1—2月", 2), ("１—１２月", 12)],
)
def test_month_spellings(tmp_path, written, month):
    write(
        tmp_path,
        "fai_monthly.csv",
        f"地区,年份,月份,累计同比增长\n湛江市,2021年,{written},5\n",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["month"].iloc[0] == month
    assert ds["fai_monthly"]["year"].iloc[0] == 2021
    assert ds.report.ok, ds.report.format()


def test_date_spellings_in_csv(tmp_path):
    dates = [
        "2021-03-15",
        "2021年3月",
        "2021年3月15日",
        "2021.03",
        "2021/3/15",
        "44270",
    ]
    rows = "\n".join(f"P001,节点{i},{d}," for i, d in enumerate(dates))
    write(
        tmp_path,
        "milestones.csv",
        "项目编码,节点,计划完成时间,实际完成时间\n" + rows + "\n",
    )
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    ds = io.load_dataset(tmp_path)
    due = ds["milestones"]["due_date"].dt.strftime("%Y-%m-%d").tolist()
    assert due == [
        "2021-03-15",
        "2021-03-01",
        "2021-03-15",
        "2021-03-01",
        "2021-03-15",
        "2021-03-15",
    ]
    assert str(ds["milestones"]["due_date"].dtype) == "datetime64[ns]"
    assert ds.report.ok, ds.report.format()


def test_bad_date_is_reported(tmp_path):
    write(tmp_path, "milestones.csv", "项目编码,节点,计划完成时间\nP001,开工,下个月\n")
    ds = io.load_dataset(tmp_path)
    (p,) = [p for p in ds.report.errors if p.check == "bad_date"]
    assert (p.row, p.column, p.value) == (2, "计划完成时间", "下个月")


def test_xlsx_datetime_cells_and_serial_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目编码", "节点", "计划完成时间", "实际完成时间"])
    ws.append(["P001", "开工", dt.datetime(2021, 3, 15), 44270])
    wb.save(tmp_path / "milestones.xlsx")
    ds = io.load_dataset(tmp_path)
    row = ds["milestones"].iloc[0]
    assert row["due_date"] == pd.Timestamp("2021-03-15")
    assert row["done_date"] == pd.Timestamp("2021-03-15")
    assert row["_source"] == "milestones.xlsx#Sheet"


# --- printed tables ----------------------------------------------------------------


def build_printed_workbook(path: Path) -> None:
    """Write a project plan laid out for printing, as a county would send it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["湛江市2021年重点建设项目计划表"])
    ws.merge_cells("A1:M1")
    ws.append(["单位：亿元"])
    ws.append(
        [
            "序号",
            "项目编码",
            "项目名称",
            "计划年度",
            "所属县（市、区）",
            "行业主管部门",
            "是否重点项目",
            "项目阶段",
            "行业领域",
            "总投资",
            "2021年计划",
            None,
            "建设起止年限",
        ]
    )
    ws.append([None] * 10 + ["投资额", "建设内容", None])
    for col in "ABCDEFGHIJM":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("K3:L3")
    ws.append(["一、产业项目（2项）"] + [None] * 8 + [30, 3])  # row 5, with subtotals
    ws.merge_cells("A5:I5")
    ws.append(
        [
            1,
            "P001",
            "钢铁",
            2021,
            "霞山区",
            "市工信局",
            "否",
            "续建",
            "产业",
            10,
            1.5,
            "主体",
            "2020-2022",
        ]
    )
    ws.append(
        [
            2,
            "P002",
            "石化",
            2021,
            None,
            "市工信局",
            "否",
            "新开工",
            "产业",
            "２０",
            "x",
            "厂房",
            "2021—2023年",
        ]
    )
    ws.merge_cells("E6:E7")  # county merged over both projects
    ws.append(["小计"] + [None] * 8 + [30, 3])  # row 8
    ws.append(["（二）基础设施"])  # row 9
    ws.append(
        [
            3,
            "P003",
            "道路",
            2021,
            "麻章区",
            "市交通局",
            "否",
            "竣工（投产）",
            "交通",
            "1,000",
            1,
            None,
            "2021年",
        ]
    )
    ws.append(["合计"] + [None] * 8 + [1030, 6])  # row 11
    ws.append(["注：本表由各县（市、区）填报。"])  # row 12
    wb.save(path)


def test_printed_workbook_with_title_unit_line_two_row_header_and_sections(tmp_path):
    build_printed_workbook(tmp_path / "2021-plan-projects.xlsx")
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["project_id"].tolist() == ["P001", "P002", "P003"]
    assert projects["_row"].tolist() == [6, 7, 10]
    assert projects["county"].tolist() == ["霞山区", "霞山区", "麻章区"]
    assert projects["total_investment"].tolist() == [100_000, 200_000, 10_000_000]
    assert projects["plan_investment"].iloc[0] == 15_000  # 投资额 under 2021年计划
    assert projects["2021年计划/建设内容"].iloc[0] == "主体"
    assert projects["stage"].tolist() == ["续建", "新开工", "竣工"]
    assert projects["section"].iloc[0] == "一、产业项目（2项）"
    assert projects["section"].iloc[2].endswith("（二）基础设施")
    assert projects["planned_start"].iloc[1] == pd.Timestamp("2021-01-01")
    assert projects["planned_finish"].iloc[1] == pd.Timestamp("2023-12-31")
    assert projects["planned_finish"].iloc[2] == pd.Timestamp("2021-12-31")
    assert "序号" not in projects.columns
    info = ds.files[0]
    assert info.title == "湛江市2021年重点建设项目计划表"
    assert (info.money_unit, info.money_unit_declared) == ("亿元", True)
    reasons = {s.row: s.reason for s in info.skipped}
    assert reasons == {
        1: "title",
        2: "unit line",
        4: "header",
        5: "section",
        8: "subtotal",
        9: "section",
        11: "total",
        12: "note",
    }
    # the one bad cell is reported where the user sees it in Excel
    (bad,) = [p for p in ds.report.errors if p.check == "bad_number"]
    assert (bad.file, bad.row, bad.column, bad.value) == (
        "2021-plan-projects.xlsx#项目台账",
        7,
        "2021年计划/投资额",
        "x",
    )
    assert bad.unit == "霞山区"


def test_csv_blank_grouping_cells_are_filled_within_a_section_and_reported(tmp_path):
    text = (
        "序号,项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,总投资,年度计划投资\n"
        "一,霞山区项目,,,,,,,,,\n"
        "1,P1,甲,2021,霞山区,市住建局,否,续建,民生,100,10\n"
        "2,P2,乙,2021,,市住建局,否,续建,民生,100,10\n"
        "二,麻章区项目,,,,,,,,,\n"
        "3,P3,丙,2021,,市住建局,否,续建,民生,100,10\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["county"].iloc[1] == "霞山区"
    assert pd.isna(projects["county"].iloc[2])  # never filled across a section row
    assert projects["section"].tolist() == [
        "一、霞山区项目",
        "一、霞山区项目",
        "二、麻章区项目",
    ]
    (note,) = [p for p in ds.report.warnings if p.check == "filled_blank_cells"]
    assert (note.row, note.column) == (4, "所属县(市、区)")
    assert any("合并单元格" in n for n in ds.files[0].notes)
    assert [p.row for p in ds.report.errors if p.check == "missing_value"] == [6]


def test_build_period_fills_planned_dates_and_reports_bad_ones(tmp_path):
    text = (
        PROJECT_HEADER
        + ",建设起止年限\n"
        + PROJECT_ROW
        + ",2021-2023\n"
        + PROJECT_ROW.replace("P001", "P002")
        + ",明年\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["planned_start"].iloc[0] == pd.Timestamp("2021-01-01")
    assert projects["planned_finish"].iloc[0] == pd.Timestamp("2023-12-31")
    (bad,) = [p for p in ds.report.errors if p.check == "bad_period"]
    assert (bad.row, bad.column, bad.value) == (3, "建设起止年限", "明年")


def test_build_period_with_months(tmp_path):
    rows = ["2021.03-2023.12", "2021年3月至2023年6月", "2021.13-2023", "2022-2021"]
    text = (
        PROJECT_HEADER
        + ",建设起止年限\n"
        + "".join(
            PROJECT_ROW.replace("P001", f"P{i}") + f",{period}\n"
            for i, period in enumerate(rows)
        )
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert (
        projects["planned_start"].iloc[:2].tolist() == [pd.Timestamp("2021-03-01")] * 2
    )
    assert projects["planned_finish"].iloc[:2].tolist() == [
        pd.Timestamp("2023-12-31"),
        pd.Timestamp("2023-06-30"),
    ]
    found = {(p.check, p.row, p.column) for p in ds.report.errors}
    assert found == {
        ("bad_period", 4, "建设起止年限"),
        ("finish_before_start", 5, "建设起止年限"),
    }


# --- statuses ----------------------------------------------------------------------


def test_status_aliases_and_bad_status(tmp_path):
    text = "项目编码,用地面积（亩）,用地用海报批,红线已下达,批而未建\nP001,12.5,在办,√,否\nP002,3,快好了,是,否\n"
    write(tmp_path, "land_plan.csv", text)
    ds = io.load_dataset(tmp_path)
    land = ds["land_plan"]
    assert land["approval_status"].iloc[0] == "办理中"
    assert land["red_line_issued"].iloc[0]
    assert land["land_area_mu"].iloc[0] == 12.5
    (bad,) = [p for p in ds.report.errors if p.check == "bad_enum"]
    assert (bad.row, bad.column, bad.value) == (3, "用地用海报批", "快好了")
    assert "办理中" in bad.hint_zh


def test_funding_sources_as_finance_bureaus_write_them(tmp_path):
    text = (
        "项目编码,年份,资金来源,金额\n"
        "P1,2021,自筹资金,300\nP1,2021,专项债券,1000\nP1,2021,银行贷款资金,200\n"
    )
    write(tmp_path, "funding_plan.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["funding_plan"]["source"].tolist() == ["企业自筹", "专项债", "银行贷款"]
    assert not [p for p in ds.report.errors if p.check == "bad_enum"]


# --- files and tables --------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "table"),
    [
        ("projects", "projects"),
        ("national_fai_monthly_2011_2018", "fai_monthly"),
        ("2025-07-15-fai-monthly", "fai_monthly"),
        ("project_progress_2021-06", "project_progress"),
        ("项目台账", "projects"),
        ("国有企业在湛投资计划", "soe_plans"),
        ("notes", None),
    ],
)
def test_match_table(stem, table):
    assert io.match_table(stem) == table


def test_workbook_with_one_sheet_per_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "targets"
    ws.append(["地区", "年份", "目标增长(%)"])
    ws.append(["湛江市", 2021, 20])
    ws2 = wb.create_sheet("国有企业在湛投资计划")
    ws2.append(["企业名称", "年份", "类型", "在湛投资(亿元)"])
    ws2.append(["市交通投资集团", 2021, "计划", 12])
    wb.save(tmp_path / "office-pack.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].iloc[0] == 20
    assert ds["soe_plans"]["investment"].iloc[0] == 120_000
    assert ds.files[0].tables == ["targets", "soe_plans"]
    assert ds.report.ok, ds.report.format()


def test_unmatched_file_is_listed_not_ignored(tmp_path):
    write(tmp_path, "random-notes.csv", "a,b\n1,2\n")
    write(tmp_path, "README.md", "# notes about this folder\n")
    ds = io.load_dataset(tmp_path)
    (p,) = [p for p in ds.report.warnings if p.check == "unmatched_file"]
    assert p.file == "random-notes.csv"
    assert [f.name for f in ds.files] == ["random-notes.csv"]


def test_file_named_otherwise_is_matched_by_its_headers(tmp_path):
    write(
        tmp_path,
        "湛江市2021年重点项目表.csv",
        PROJECT_HEADER + "\n" + PROJECT_ROW + "\n",
    )
    ds = io.load_dataset(tmp_path)
    assert len(ds["projects"]) == 1
    assert [p.check for p in ds.report.warnings] == ["matched_by_headers"]


def test_two_files_for_one_table_are_concatenated_and_reported(tmp_path):
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    write(tmp_path, "2021-07-projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    ds = io.load_dataset(tmp_path)
    assert len(ds["projects"]) == 2
    checks = {p.check for p in ds.report.problems}
    assert {"table_in_several_files", "duplicate_key"} <= checks


def test_missing_folder_is_a_problem_not_an_exception(tmp_path):
    ds = io.load_dataset(tmp_path / "nope")
    assert [p.check for p in ds.report.errors] == ["missing_folder"]
    assert len(ds["projects"]) == 0


def test_demo_title_row_marks_the_dataset_as_demo(tmp_path):
    text = (
        "湛江市重点项目（DEMO 演示数据）\n" + PROJECT_HEADER + "\n" + PROJECT_ROW + "\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds.is_demo
    assert ds.files[0].title == "湛江市重点项目（DEMO 演示数据）"
    assert ds["projects"]["_row"].iloc[0] == 3


def test_file_records_checksum_and_rows(tmp_path):
    path = write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    ds = io.load_dataset(tmp_path)
    info = ds.files[0]
    assert info.sha256 == io.file_sha256(path)
    assert info.rows == {"projects": 1}
    assert ds.summary()["rows"].tolist() == [1]


def test_unreadable_workbook_is_reported(tmp_path):
    write(tmp_path, "projects.xlsx", "this is not a zip file")
    ds = io.load_dataset(tmp_path)
    assert [p.check for p in ds.report.errors] == ["unreadable_file"]


# --- raw data guards ---------------------------------------------------------------


def test_save_frame_refuses_raw_folder(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(PermissionError):
        io.save_frame(frame, paths.RAW_DIR / "x.csv")
    out = io.save_frame(frame, tmp_path / "x.parquet")
    assert pd.read_parquet(out)["a"].tolist() == [1]


def test_verify_manifest(tmp_path):
    raw = tmp_path / "raw"
    month = raw / "2021-06"
    good = write(month, "projects.csv", PROJECT_HEADER + "\n")
    write(month, "targets.csv", "地区,年份,目标增长\n")
    assert [p.check for p in io.verify_manifest(month, raw)] == ["manifest_missing"]
    (raw / "MANIFEST.csv").write_text(
        "file,sha256,source,received\n"
        f"2021-06/projects.csv,{io.file_sha256(good)},市发展改革局,2021-07-05\n"
        f"2021-06/targets.csv,{'0' * 64},市发展改革局,2021-07-05\n",
        encoding="utf-8",
    )
    found = {(p.file, p.check) for p in io.verify_manifest(month, raw)}
    assert found == {("targets.csv", "manifest_mismatch")}
    write(month, "milestones.csv", "项目编码\n")
    found = {(p.file, p.check) for p in io.verify_manifest(month, raw)}
    assert ("milestones.csv", "manifest_unlisted") in found


# --- property: junk never crashes the loader ---------------------------------------

_COLUMNS = PROJECT_HEADER.split(",")
_VALUES = PROJECT_ROW.split(",")
_junk = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(position=st.integers(0, len(_COLUMNS) - 1), junk=_junk)
def test_junk_in_any_cell_is_a_problem_or_a_value(tmp_path, position, junk):
    values = list(_VALUES)
    values[position] = junk
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    with open(folder / "projects.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(_COLUMNS)
        writer.writerow(values)
        writer.writerow(_VALUES[:1] + ["P002"] + _VALUES[2:])  # a clean neighbour
    ds = io.load_dataset(folder)
    projects = ds["projects"]
    header = _COLUMNS[position]
    canonical = {c.zh: c.name for c in schema.TABLES["projects"].columns}[header]
    kept = projects[projects["_row"] == 2]
    if kept.empty:
        # read as a section, total or note row: listed, never silently lost
        assert any(s.row == 2 for s in ds.files[0].skipped)
        return
    value = kept[canonical].iloc[0]
    reported = any(p.row == 2 and p.column == header for p in ds.report.problems)
    stripped = junk.strip()
    blank = stripped in io.TEXT_MISSING_TOKENS or stripped in io.MISSING_TOKENS
    assert reported or not pd.isna(value) or blank


# --- more layouts the units send -----------------------------------------------------


def test_units_row_and_column_number_row_under_the_header(tmp_path):
    text = (
        "地区,年份,月份,累计完成投资,累计同比增长\n"
        ",,,（亿元）,（%）\n"
        "甲,乙,丙,1,2\n"
        "湛江市,2021,6,1.5,20\n"
    )
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    fai = ds["fai_monthly"]
    assert fai["cum_investment"].tolist() == [15_000]
    assert fai["_row"].tolist() == [4]
    assert [(s.row, s.reason) for s in ds.files[0].skipped] == [
        (2, "unit line"),
        (3, "header"),
    ]
    assert ds.report.ok, ds.report.format()


def test_bilingual_header_rows(tmp_path):
    text = "地区,年份,月份,累计同比增长\nregion,year,month,cum_growth_pct\n湛江市,2021,6,20\n"
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["cum_growth_pct"].tolist() == [20]
    assert ds.report.ok, ds.report.format()


def test_group_heading_unit_applies_to_the_columns_under_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "年份", "类型", "在湛投资（亿元）"])
    ws.append([None, None, None, "投资额"])
    for col in "ABC":
        ws.merge_cells(f"{col}1:{col}2")
    ws.append(["市水务投资集团", 2021, "计划", 2.5])
    wb.save(tmp_path / "soe_plans.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["soe_plans"]["investment"].tolist() == [25_000]


def test_header_remarks_in_brackets_and_english_spacing(tmp_path):
    text = "Project ID,项目名称（全称）,Plan Year\nP1,东海岛项目,2021\n"
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    row = ds["projects"].iloc[0]
    assert (row["project_id"], row["name"], row["plan_year"]) == (
        "P1",
        "东海岛项目",
        2021,
    )


def test_county_and_count_group_rows_are_sections(tmp_path):
    text = (
        PROJECT_HEADER
        + "\n霞山区（2项）,,,,,,,,60000,9000\n"
        + PROJECT_ROW
        + "\n"
        + PROJECT_ROW.replace("P001", "P002")
        + "\n麻章区\n"
        + PROJECT_ROW.replace("P001", "P003").replace("霞山区", "麻章区")
        + "\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    projects = ds["projects"]
    assert projects["project_id"].tolist() == ["P001", "P002", "P003"]
    assert projects["section"].tolist() == ["霞山区（2项）", "霞山区（2项）", "麻章区"]
    assert ds.report.ok, ds.report.format()


def test_project_row_without_code_is_not_taken_for_a_section(tmp_path):
    row = PROJECT_ROW.replace("P001,", ",")
    write(
        tmp_path,
        "projects.csv",
        PROJECT_HEADER + "\n" + PROJECT_ROW + "\n" + row + "\n",
    )
    ds = io.load_dataset(tmp_path)
    assert len(ds["projects"]) == 2
    (p,) = ds.report.errors
    assert (p.check, p.row, p.column) == ("missing_value", 3, "项目编码")


def test_year_taken_from_the_month_when_there_is_no_year_column(tmp_path):
    text = "地区,期间,累计同比增长\n湛江市,2021年1—6月,20\n湛江市,2021年1-7月,19\n"
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    fai = ds["fai_monthly"]
    assert fai["year"].tolist() == [2021, 2021]
    assert fai["month"].tolist() == [6, 7]
    assert ds.report.ok, ds.report.format()


def test_excel_unicode_text_export_utf16_tabs(tmp_path):
    text = "地区\t年份\t月份\t累计同比增长\r\n湛江市\t2021\t6\t20\r\n"
    (tmp_path / "fai_monthly.txt").write_bytes(
        codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    )
    ds = io.load_dataset(tmp_path)
    assert ds.files[0].encoding == "utf-16"
    assert ds["fai_monthly"]["cum_growth_pct"].tolist() == [20]


def test_instruction_sheet_before_the_data_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws.append(["请按要求填写，金额单位为万元。"])
    data = wb.create_sheet("Sheet2")
    data.append(["地区", "年份", "目标增长(%)"])
    data.append(["湛江市", 2021, 20])
    wb.save(tmp_path / "targets.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    assert [p.check for p in ds.report.problems] == ["unmatched_file"]
    assert ds.report.problems[0].file == "targets.xlsx#填表说明"


def test_percent_formatted_excel_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "年份", "目标增长"])
    ws.append(["湛江市", 2021, 0.2])
    ws["C2"].number_format = "0%"
    wb.save(tmp_path / "targets.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]


def test_a_whole_percentage_cell_is_read_as_shown(tmp_path):
    # Excel stores 100% as the integer 1 and 150% as 1.5: both were read as 1%
    # and 1.5% (the integer skipped the percent format)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "年份", "目标增长"])
    ws.append(["湛江市", 2021, 1])
    ws.append(["赤坎区", 2021, 1.5])
    ws.append(["霞山区", 2021, 0])
    for cell in ("C2", "C3", "C4"):
        ws[cell].number_format = "0%"
    wb.save(tmp_path / "targets.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [100, 150, 0]


def test_monthly_report_with_its_period_only_in_the_title(tmp_path):
    text = (
        "霞山区2021年1—6月重点项目进展情况表\n"
        "单位：万元\n"
        "序号,项目编码,项目名称,1-6月累计完成投资,实际开工时间\n"
        '1,P001,东海岛项目,"3,200",2021年3月\n'
    )
    write(tmp_path, "project_progress.csv", text, "gbk")
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    ds = io.load_dataset(tmp_path)
    row = ds["project_progress"].iloc[0]
    assert (row["year"], row["month"], row["cum_completed"]) == (2021, 6, 3200)
    assert row["actual_start"] == pd.Timestamp("2021-03-01")
    assert row["项目名称"] == "东海岛项目"
    assert any("取自标题" in n for n in ds.files[0].notes)
    assert ds.report.ok, ds.report.format()


def test_folder_without_data_files_is_an_error(tmp_path):
    (tmp_path / "2021-06").mkdir()
    ds = io.load_dataset(tmp_path)
    (p,) = ds.report.errors
    assert p.check == "no_data_files"
    assert "2021-06" in p.message_zh


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.binary(max_size=400),
    name=st.sampled_from(["projects.csv", "fai_monthly.xlsx", "targets.txt"]),
)
def test_any_file_content_gives_problems_never_an_exception(tmp_path, data, name):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / name).write_bytes(data)
    ds = io.load_dataset(folder)
    assert set(ds.tables) == set(schema.TABLES)


def test_fullwidth_project_codes_match_across_tables(tmp_path):
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + PROJECT_ROW + "\n")
    write(
        tmp_path,
        "funding_plan.csv",
        "项目编码,年份,资金来源,金额\nＰ００１,2021,专项债,100\n",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["funding_plan"]["project_id"].tolist() == ["P001"]
    assert ds.report.ok, ds.report.format()


def test_excel_dates_in_a_time_column_give_year_and_month(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "时间", "累计同比增长(%)"])
    ws.append(["湛江市", dt.datetime(2021, 6, 30), 20.5])
    wb.save(tmp_path / "fai_monthly.xlsx")
    ds = io.load_dataset(tmp_path)
    row = ds["fai_monthly"].iloc[0]
    assert (row["year"], row["month"], row["cum_growth_pct"]) == (2021, 6, 20.5)


def test_key_project_plan_without_year_and_key_columns_takes_them_from_the_title(
    tmp_path,
):
    text = (
        "湛江市2021年重点建设项目计划表\n"
        "项目编码,项目名称,县市区,主管部门,建设性质,行业类别,总投资（亿元）,"
        "2021年投资计划（万元）,挂钩市领导,责任单位,分管行业部门,项目业主\n"
        "P001,东海岛项目,霞山区,市工信局,在建,产业,5,8000,张三,市发改局,市工信局,宝钢\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    row = ds["projects"].iloc[0]
    assert (row["plan_year"], row["is_key"], row["stage"]) == (2021, True, "续建")
    assert (row["total_investment"], row["plan_investment"]) == (50_000, 8_000)
    assert (row["city_leader"], row["lead_unit"], row["sector"]) == (
        "张三",
        "市发改局",
        "产业",
    )
    assert ds.report.ok, ds.report.format()


def test_title_naming_several_periods_fills_nothing(tmp_path):
    text = (
        "湛江市固定资产投资（2020年1—2月至2021年1—6月）\n"
        "地区,月份,累计同比增长\n"
        "湛江市,6,20\n"
    )
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["year"].isna().all()
    assert [p.check for p in ds.report.errors] == ["missing_column"]


def test_build_period_is_kept_as_extra_when_dates_are_given(tmp_path):
    header = PROJECT_HEADER + ",计划开工时间,计划竣工时间,建设起止年限\n"
    write(
        tmp_path, "projects.csv", header + PROJECT_ROW + ",2021-03,2022-06,2021-2022\n"
    )
    ds = io.load_dataset(tmp_path)
    row = ds["projects"].iloc[0]
    assert row["planned_finish"] == pd.Timestamp("2022-06-01")
    assert row["建设起止年限"] == "2021-2022"


def test_sheet_formatted_far_below_its_data(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "年份", "其中：目标增长(%)"])
    ws.append(["湛江市", 2021, 20])
    ws.cell(row=io.MAX_BLANK_XLSX_ROWS + 100, column=1).number_format = "0.00"
    ws.cell(row=io.MAX_BLANK_XLSX_ROWS + 100, column=1).value = None
    ws.merge_cells(f"A{io.MAX_BLANK_XLSX_ROWS + 200}:C{io.MAX_BLANK_XLSX_ROWS + 200}")
    wb.save(tmp_path / "targets.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    assert ds.report.ok, ds.report.format()


def test_quanshi_region_is_the_city(tmp_path):
    text = "地  区,年份,月份,累计同比增长\n全  市,2021,6,20\n霞 山 区,2021,6,18\n"
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["region"].tolist() == [schema.CITY, "霞山区"]


def test_folder_where_no_file_is_a_table_is_an_error(tmp_path):
    write(tmp_path, "notes.csv", "甲,乙\n1,2\n")
    ds = io.load_dataset(tmp_path)
    assert [p.check for p in ds.report.errors] == ["no_tables_read"]
    assert [p.check for p in ds.report.warnings] == ["unmatched_file"]


def test_attachment_label_is_not_taken_for_the_title(tmp_path):
    text = (
        "附件1\n湛江市2021年重点建设项目计划表\n"
        + PROJECT_HEADER
        + "\n"
        + PROJECT_ROW
        + "\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds.files[0].title == "湛江市2021年重点建设项目计划表"
    assert ds["projects"].attrs["header_rows"] == {"projects.csv": 3}


def test_unreadable_cells_are_not_reported_again_as_empty(tmp_path):
    rows = "\n".join(
        PROJECT_ROW.replace("P001", f"P{i:03d}").replace(",50000,", ",五万,")
        for i in range(30)
    )
    write(tmp_path, "projects.csv", PROJECT_HEADER + "\n" + rows + "\n")
    ds = io.load_dataset(tmp_path)
    checks = [p.check for p in ds.report.problems]
    assert checks.count("bad_number") == io.MAX_PROBLEMS_PER_COLUMN + 1
    assert "missing_value" not in checks


def test_heading_merged_across_two_printed_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "年份", "目标增长(%)", None])
    ws.merge_cells("C1:D1")
    ws.append(["湛江市", 2021, 20, None])
    wb.save(tmp_path / "targets.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    assert ds.report.problems == []


def test_printed_pages_repeat_title_and_header_and_arabic_sections(tmp_path):
    # a table printed over two pages repeats its title and header; 1. 交通 is a
    # third-level heading; a heading wrapped inside its cell is one heading
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    header = [
        "序号",
        "项目编码",
        "项目名称",
        "计划年度",
        "所属县(市、区)",
        "行业主管部门",
    ]
    header += [
        "是否重点项目",
        "项目阶段",
        "行业领域",
        "总投资\n（亿元）",
        "年度计划投资",
    ]
    ws.append(["2021年项目台账"])  # 1
    ws.append(header)  # 2
    ws.append(["一、", "基础设施"])  # 3
    ws.append(["1.", "交通"])  # 4
    ws.append(
        [1, "F1", "道路", 2021, "赤坎区", "市交通运输局", "否", "续建", "交通", 1.5, 30]
    )
    ws.append(["2021年项目台账"])  # 6: page 2
    ws.append(header)  # 7
    ws.append(
        [2, "F2", "桥梁", 2021, "赤坎区", "市交通运输局", "否", "续建", "交通", 2, 40]
    )
    ws.append(["2、", "水利"])  # 9
    ws.append(
        [3, "F3", "水库", 2021, "赤坎区", "市水务局", "否", "续建", "水利", 1, 10]
    )
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds.report.ok, ds.report.format()
    frame = ds["projects"]
    assert frame["project_id"].tolist() == ["F1", "F2", "F3"]
    assert frame["_row"].tolist() == [5, 8, 10]
    assert frame["total_investment"].tolist() == [15000, 20000, 10000]
    assert frame["section"].tolist() == [
        "一、基础设施 / 1、交通",
        "一、基础设施 / 1、交通",
        "一、基础设施 / 2、水利",
    ]
    skipped = {(s.row, s.reason) for s in ds.files[0].skipped}
    assert {(6, "title"), (7, "header"), (4, "section"), (9, "section")} <= skipped
    assert ds.files[0].column_units == {"总投资（亿元）": "亿元"}
    ws.cell(row=5, column=10).value = "abc"
    wb.save(tmp_path / "projects.xlsx")
    bad = io.load_dataset(tmp_path).report.problems
    assert [(p.row, p.column) for p in bad] == [(5, "总投资（亿元）")]


def test_formulas_with_and_without_their_computed_value(tmp_path):
    # Excel saves a formula with its result; a program that wrote the workbook
    # (openpyxl here) saves only the formula: that cell is reported, never empty
    import re
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["项目编码", "项目名称", "计划年度", "所属县(市、区)", "行业主管部门"])
    ws["F1"], ws["G1"], ws["H1"] = "是否重点项目", "项目阶段", "行业领域"
    ws["I1"], ws["J1"] = "总投资（亿元）", "年度计划投资"
    ws.append(["H1", "道路", 2021, "赤坎区", "市交通运输局", "否", "续建", "交通"])
    ws["I2"], ws["J2"] = "=1+0.5", "=I2*2000"
    ws.append(["H2", "桥梁", 2021, "=D2", "市交通运输局", "否", "续建", "交通", 2])
    ws["J3"] = "=I3*1000"
    path = tmp_path / "projects.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    for ref, value in (("I2", "1.5"), ("J2", "3000")):  # as if saved by Excel
        xml = re.sub(
            rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>)?',
            rf"\1<v>{value}</v>",
            xml,
        )
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    ds = io.load_dataset(tmp_path)
    frame = ds["projects"]
    assert frame["total_investment"].tolist()[0] == 15000
    assert frame["plan_investment"].tolist()[0] == 3000
    assert pd.isna(frame["plan_investment"].iloc[1])
    assert pd.isna(frame["county"].iloc[1])
    found = [(p.check, p.row, p.column, p.value) for p in ds.report.problems]
    assert found == [
        ("uncached_formula", 3, "所属县(市、区)", "=D2"),
        ("uncached_formula", 3, "年度计划投资", "=I3*1000"),
    ]
    assert "Excel/WPS" in ds.report.problems[0].hint_zh


def test_total_with_a_count_at_the_top_is_not_a_section(tmp_path):
    text = (
        "湛江市2021年重点项目计划表,,,,,,,,单位：亿元,\n"
        + PROJECT_HEADER.rsplit(",", 4)[0]
        + "\n合计（共2项）,,,,,,,,3.5,1\n"
        + "R1,道路,2021,赤坎区,市交通运输局,否,续建,交通,1.5,0.5\n"
        + "R2,桥梁,2021,赤坎区,市交通运输局,否,续建,交通,2,0.5\n"
    )
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds.report.ok, ds.report.format()
    frame = ds["projects"]
    assert frame["_row"].tolist() == [4, 5]
    assert frame["total_investment"].tolist() == [15000, 20000]
    assert frame["section"].isna().all()
    assert (3, "total") in {(s.row, s.reason) for s in ds.files[0].skipped}


def test_a_city_total_row_is_the_city_when_no_row_names_the_city(tmp_path):
    # a statistics table of the counties with the city's figure in 全市合计:
    # it used to be skipped as a total, and the city then had no statistics
    write(
        tmp_path,
        "fai_monthly.csv",
        "地区,年份,月份,累计完成投资,累计增长（%）\n"
        "全市合计,2021,3,300,12.5\n赤坎区,2021,3,30,8.0\n"
        "小计,2021,3,30,8.0\n全 市 合 计,2021,4,400,11.0\n",
    )
    ds = io.load_dataset(tmp_path)
    fai = ds["fai_monthly"]
    assert fai["region"].tolist() == ["湛江市", "赤坎区", "湛江市"]
    assert fai["cum_investment"].tolist() == [300, 30, 400]
    assert fai["cum_growth_pct"].tolist() == [12.5, 8.0, 11.0]
    assert {(s.row, s.reason) for s in ds.files[0].skipped} == {(4, "subtotal")}


def test_a_total_row_beside_the_city_row_is_still_skipped(tmp_path):
    write(
        tmp_path,
        "fai_monthly.csv",
        "地区,年份,月份,累计完成投资\n湛江市,2021,3,300\n赤坎区,2021,3,30\n"
        "合计,2021,3,330\n",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["region"].tolist() == ["湛江市", "赤坎区"]
    assert (4, "total") in {(s.row, s.reason) for s in ds.files[0].skipped}
    assert not ds.report.errors


def test_qizhong_region_and_month_end_dates(tmp_path):
    # statistical tables list parts of the city total as 其中：赤坎区; node
    # targets are often due 2021年6月底 (the last day of June)
    write(
        tmp_path,
        "fai_monthly.csv",
        "地区,年份,月份,累计完成投资\n全市,2021,3,300\n其中：赤坎区,2021,3,30\n",
    )
    write(
        tmp_path,
        "milestones.csv",
        "项目编码,节点,计划完成时间\nP1,封顶,2021年6月底\nP1,竣工,2021年12月末\n"
        "P1,验收,2021年上半年\n",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["region"].tolist() == ["湛江市", "赤坎区"]
    due = ds["milestones"]["due_date"]
    assert due.iloc[:2].tolist() == [
        pd.Timestamp("2021-06-30"),
        pd.Timestamp("2021-12-31"),
    ]
    (bad,) = [p for p in ds.report.errors if p.check == "bad_date"]
    assert (bad.row, bad.value) == (4, "2021年上半年")


def test_share_columns_written_as_fractions_are_read_as_percent_with_a_warning(
    tmp_path,
):
    text = "项目编码,用地面积（亩）,征地拆迁完成比例(%)\nP1,10,0.6\nP2,10,1\nP3,10,—\n"
    write(tmp_path / "a", "land_plan.csv", text)
    ds = io.load_dataset(tmp_path / "a")
    assert ds["land_plan"]["land_acquired_pct"].iloc[:2].tolist() == [60.0, 100.0]
    (warn,) = [p for p in ds.report.problems if p.check == "pct_as_fraction"]
    assert (warn.severity, warn.row, warn.column) == (
        "warning",
        2,
        "征地拆迁完成比例(%)",
    )
    # a column with a value above 1, or written with %, is percent as it stands
    write(tmp_path / "b", "land_plan.csv", text.replace(",1\n", ",30\n"))
    write(tmp_path / "c", "land_plan.csv", text.replace(",1\n", ",0.5%\n"))
    for sub in ("b", "c"):
        ds = io.load_dataset(tmp_path / sub)
        assert ds["land_plan"]["land_acquired_pct"].iloc[0] == 0.6
        assert not [p for p in ds.report.problems if p.check == "pct_as_fraction"]


def test_unused_numbered_rows_of_a_form_are_blank_not_errors(tmp_path):
    # a form pre-numbers 序号 1..8 and a merged county cell spans them all; only
    # three rows were filled in, one of them without its code
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["2021年项目台账（填报模板）"])
    ws.append(["序号", *PROJECT_HEADER.split(",")[:10]])
    ws.append(
        [1, "U1", "道路", 2021, "赤坎区", "市交通运输局", "否", "续建", "交通", 100, 50]
    )
    ws.append(
        [2, None, "码头", 2021, "赤坎区", "市交通运输局", "否", "续建", "交通", 100, 50]
    )
    ws.append(
        [3, "U3", "桥梁", 2021, "赤坎区", "市交通运输局", "否", "续建", "交通", 100, 50]
    )
    for i in range(4, 9):
        ws.append([i])  # rows 6..10
    ws.merge_cells("E3:E10")
    ws.append(["填表人：李四", None, None, None, "联系电话：0759-1234567"])
    wb.save(tmp_path / "projects.xlsx")
    ds = io.load_dataset(tmp_path)
    frame = ds["projects"]
    assert frame["_row"].tolist() == [3, 4, 5]
    assert [(p.check, p.row) for p in ds.report.errors] == [("missing_value", 4)]
    skipped = {(s.row, s.reason) for s in ds.files[0].skipped}
    assert {(r, "blank") for r in range(6, 11)} | {(11, "note")} <= skipped


def test_sheets_named_with_a_year_or_suffix_are_read_beside_exact_names(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws.append(["1. 本表由各县（市、区）发展改革局填报。"])
    ws = wb.create_sheet("项目台账（2021年）")
    ws.append(PROJECT_HEADER.split(","))
    ws.append(PROJECT_ROW.split(","))
    ws = wb.create_sheet("节点目标")
    ws.append(["项目编码", "节点", "计划完成时间"])
    ws.append(["P001", "开工", "2021-03-01"])
    ws = wb.create_sheet("6月进度")  # named after nothing: read by its header
    ws.append(["项目编码", "年份", "月份", "累计完成投资"])
    ws.append(["P001", 2021, 6, 20])
    wb.save(tmp_path / "2021年重点项目资料.xlsx")
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["project_id"].tolist() == ["P001"]
    assert ds["milestones"]["project_id"].tolist() == ["P001"]
    assert ds["project_progress"]["cum_completed"].tolist() == [20]
    found = {(p.check, p.file.split("#")[1]) for p in ds.report.problems}
    assert found == {("unmatched_file", "填表说明"), ("matched_by_headers", "6月进度")}


def test_a_year_that_is_not_four_digits_is_an_error_not_a_crash(tmp_path):
    text = "地区,年份,月份,累计完成投资\n全市,21,3,100\n全市,2021年,3,100\n全市,20211,4,120\n"
    write(tmp_path, "fai_monthly.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["fai_monthly"]["year"].tolist()[1] == 2021
    bad = [(p.check, p.row, p.value) for p in ds.report.errors]
    assert bad == [("bad_integer", 2, "21"), ("bad_integer", 4, "20211")]


def test_year_dot_one_is_january_with_a_warning(tmp_path):
    # Excel keeps 2021.10 typed into a number cell as 2021.1
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "节点目标"
    ws.append(["项目编码", "节点", "计划完成时间"])
    ws.append(["P1", "开工", 2021.1])
    ws.append(["P1", "封顶", "2021.10"])
    wb.save(tmp_path / "milestones.xlsx")
    ds = io.load_dataset(tmp_path)
    due = ds["milestones"]["due_date"].tolist()
    assert due == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-10-01")]
    (warn,) = [p for p in ds.report.problems if p.check == "ambiguous_month"]
    assert (warn.severity, warn.row, warn.column, warn.value) == (
        "warning",
        2,
        "计划完成时间",
        "2021.1",
    )


def test_project_location_header_and_city_prefixed_county(tmp_path):
    text = PROJECT_HEADER.replace("所属县(市、区)", "项目所在地") + "\n"
    for pid, place in (("W1", "湛江市霞山区"), ("W2", "湛江经开区"), ("W3", "湛江市")):
        text += PROJECT_ROW.replace("P001", pid).replace("霞山区", place) + "\n"
    write(tmp_path, "projects.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["county"].tolist() == ["霞山区", "湛江经开区", "湛江市"]
    bad = [(p.check, p.row, p.column) for p in ds.report.errors]
    assert bad == [("unknown_county", 4, "项目所在地")]


def test_project_code_in_scientific_notation_is_an_error(tmp_path):
    # a long numeric code shown by Excel as 4.40802E+17 and saved so: it is lost
    text = PROJECT_HEADER + "\n" + PROJECT_ROW.replace("P001", "4.40802E+17") + "\n"
    write(tmp_path, "projects.csv", text)
    write(
        tmp_path,
        "project_progress.csv",
        "项目编码,年份,月份,累计完成投资\n4.40802E+17,2021,6,100\n",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["projects"]["project_id"].isna().all()
    found = [(p.check, p.file, p.row) for p in ds.report.errors]
    assert found == [
        ("mangled_code", "project_progress.csv", 2),
        ("mangled_code", "projects.csv", 2),
    ]


TWO_ROW_TOP = [
    "序号",
    "项目编码",
    "项目名称",
    "计划年度",
    "所属县(市、区)",
    "行业主管部门",
]
TWO_ROW_TOP += [
    "是否重点项目",
    "项目阶段",
    "行业领域",
    "投资额（亿元）",
    "",
    "前期工作",
    "",
]
TWO_ROW_BELOW = [""] * 9 + ["总投资", "2021年计划投资", "立项", "环评"]
TWO_ROW_DATA = [1, "X1", "港口", 2021, "霞山区", "市交通运输局", "否", "续建", "交通"]
TWO_ROW_DATA += [2.5, 0.5, "已完成", "不涉及"]


def _check_two_row_header(ds):
    assert ds.report.ok, ds.report.format()
    row = ds["projects"].iloc[0]
    assert (row["total_investment"], row["plan_investment"]) == (25000, 5000)
    assert (row["approval_status"], row["eia_status"]) == ("已完成", "不需要")
    assert row["_row"] == 4


def test_two_row_header_whose_merged_headings_name_more_in_the_second_row(tmp_path):
    # headings merged down over both rows repeat in the second, which then names
    # more columns than the first: the unit of 投资额（亿元） must still apply
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["湛江市2021年建设项目表"])
    ws.append(TWO_ROW_TOP)
    ws.append(TWO_ROW_BELOW)
    ws.append(TWO_ROW_DATA)
    for col in "ABCDEFGHI":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("J2:K2")
    ws.merge_cells("L2:M2")
    wb.save(tmp_path / "projects.xlsx")
    _check_two_row_header(io.load_dataset(tmp_path))


def test_two_row_header_in_a_csv_group_heading_over_its_first_column(tmp_path):
    lines = [["湛江市2021年建设项目表"] + [""] * 12, TWO_ROW_TOP, TWO_ROW_BELOW]
    lines.append([str(v) for v in TWO_ROW_DATA])
    write(tmp_path, "projects.csv", "\n".join(",".join(r) for r in lines) + "\n")
    _check_two_row_header(io.load_dataset(tmp_path))


def test_soe_plan_kinds_as_enterprises_write_them(tmp_path):
    text = "企业名称,年份,类型,在湛投资\n市交通投资集团,2021,计划投资,100\n市交通投资集团,2021,实际完成,40\n"
    write(tmp_path, "soe_plans.csv", text)
    ds = io.load_dataset(tmp_path)
    assert ds["soe_plans"]["kind"].tolist() == ["计划", "完成"]
    assert ds.report.ok, ds.report.format()


def test_a_looping_link_in_the_folder_is_reported_and_the_rest_is_read(tmp_path):
    # a symlink loop stopped the whole load with "读取数据时程序出错（OSError …）"
    (tmp_path / "targets.csv").write_text(
        "地区,年份,目标增长\n湛江市,2021,20\n", encoding="utf-8"
    )
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20]
    bad = [p for p in ds.report.errors if p.check == "unreadable_file"]
    assert sorted(p.file for p in bad) == ["a.csv", "b.csv"]
    assert all("文件无法打开" in p.message_zh for p in bad)


def test_a_csv_row_that_never_ends_is_refused_fast(tmp_path):
    # a lost line end (or a wrong separator) made one row of millions of columns:
    # the reader ran for minutes and gigabytes before saying anything
    (tmp_path / "targets.csv").write_text(
        "地区,年份,目标增长\n湛江市,2021,20\n" + ",".join(["x"] * 200_000),
        encoding="utf-8",
    )
    ds = io.load_dataset(tmp_path)
    (bad,) = [p for p in ds.report.errors if p.check == "unreadable_file"]
    assert bad.file == "targets.csv"
    assert f"有一行超过 {io.readers.MAX_COLUMNS} 列" in bad.message_zh


def test_growth_targets_written_as_fractions_are_read_as_percent(tmp_path):
    # 0.2 for +20% was read as a target of +0.2%, without a word: every county
    # then "reaches its target"
    write(
        tmp_path,
        "targets.csv",
        "地区,年份,目标增长\n湛江市,2021,0.2\n霞山区,2021,0.25\n",
    )
    ds = io.load_dataset(tmp_path)
    assert ds["targets"]["target_growth_pct"].tolist() == [20, 25]
    (warning,) = ds.report.problems
    assert (warning.check, warning.severity) == ("pct_as_fraction", "warning")
    write(
        tmp_path, "targets.csv", "地区,年份,目标增长\n湛江市,2021,20\n霞山区,2021,0.5\n"
    )
    assert io.load_dataset(tmp_path)["targets"]["target_growth_pct"].tolist() == [
        20,
        0.5,
    ]


def test_monthly_statistics_with_months_as_columns_are_read_row_by_row(tmp_path):
    # the bureau's summary puts the months side by side; it used to be refused
    # with "缺少必填列「年份」" and "累计完成投资和累计同比增长都为空"
    write(
        tmp_path / "g",
        "fai_monthly.csv",
        "湛江市2021年固定资产投资累计增速（%）\n地区,1—2月,1—3月,1—4月\n"
        "湛江市,64.3,41.3,31.2\n赤 坎 区,50.1,,30.3\n霞山区,,,\n"
        "注：1—2月合并公布\n",
    )
    ds = io.load_dataset(tmp_path / "g")
    fai = ds["fai_monthly"]
    assert fai[["region", "year", "month", "cum_growth_pct"]].values.tolist() == [
        ["湛江市", 2021, 2, 64.3],
        ["湛江市", 2021, 3, 41.3],
        ["湛江市", 2021, 4, 31.2],
        ["赤坎区", 2021, 2, 50.1],
        ["赤坎区", 2021, 4, 30.3],
    ]
    assert fai["cum_investment"].isna().all()
    assert fai["_row"].tolist() == [3, 3, 3, 4, 4]  # each value keeps its Excel row
    assert not ds.report.errors
    # the blank cells (one of 赤坎区, three of 霞山区) are said, not read as zero
    (note,) = [n for n in ds.files[0].notes if "月份排成列" in n]
    assert "空白单元格4个视为未公布" in note
    assert (6, "note") in {(s.row, s.reason) for s in ds.files[0].skipped}
    # levels in 亿元, the year in each month header, a total row beside the city
    write(
        tmp_path / "l",
        "fai_monthly.csv",
        "各县（市、区）固定资产投资累计完成额\n单位：亿元\n"
        "地区,2021年1—2月,2021年1—3月\n湛江市,65.1,100.2\n赤坎区,5.1,8.2\n"
        "合计,70.2,108.4\n",
    )
    ds = io.load_dataset(tmp_path / "l")
    fai = ds["fai_monthly"]
    assert fai[["region", "month"]].values.tolist() == [
        ["湛江市", 2],
        ["湛江市", 3],
        ["赤坎区", 2],
        ["赤坎区", 3],
    ]
    assert fai["cum_investment"].tolist() == pytest.approx(
        [651000, 1002000, 51000, 82000]
    )
    assert (fai["year"] == 2021).all() and not ds.report.errors


def test_months_as_columns_without_a_measure_is_one_plain_error(tmp_path):
    write(
        tmp_path,
        "fai_monthly.csv",
        "2021年固定资产投资\n地区,1—2月,1—3月\n湛江市,64.3,41.3\n",
    )
    ds = io.load_dataset(tmp_path)
    (err,) = ds.report.errors
    assert (err.check, err.row, err.value) == ("months_as_columns", 2, "1—2月、1—3月")
    assert "累计增长还是累计完成投资" in err.message_zh
    assert "累计增长（%）" in err.hint_zh
    assert ds["fai_monthly"].empty
