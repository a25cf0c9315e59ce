"""Test the data-quality summaries (zjanalysis.quality) on tiny fixtures."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from zjanalysis import quality, schema
from zjanalysis.asof import AsOf
from zjanalysis.problems import ERROR, WARNING, Problem, ValidationReport
from zjanalysis.reports import glossary


def _file(name, tables, rows, skipped=(), unit="万元", declared=False):
    skipped = [
        SimpleNamespace(row=r, reason=k, reason_zh=z, text=t, sheet="")
        for r, k, z, t in skipped
    ]
    return SimpleNamespace(
        name=name,
        tables=list(tables),
        rows=dict(rows),
        skipped=skipped,
        encoding="utf-8",
        money_unit=unit,
        money_unit_note=f"{unit}（{'表内声明 / declared' if declared else '默认 / default'}）",
    )


def _problem(severity, unit="", table="projects", row=3, file="projects.xlsx"):
    return Problem(
        severity,
        "c",
        file,
        row,
        "总投资",
        "-1",
        "为负",
        "negative",
        "改为正数",
        table,
        unit,
    )


@pytest.fixture
def ds():
    fai = pd.DataFrame(
        {
            "region": ["湛江市", "湛江市", "赤坎区", "赤坎区", "某新区"],
            "year": [2021, 2021, 2020, 2021, 2021],
            "month": [2, 3, 12, 3, 2],
        }
    )
    tables = {name: pd.DataFrame() for name in schema.TABLES}
    tables["fai_monthly"] = fai
    tables["projects"] = pd.DataFrame({"project_id": ["A", "B"]})
    rep = ValidationReport()
    rep.extend(
        [
            _problem(WARNING, "霞山区", row=9),
            _problem(ERROR, "霞山区", row=4),
            _problem(ERROR, "市交通投资集团"),
            _problem(ERROR, "", table="fai_monthly", file="fai.csv"),
            _problem(WARNING, "赤坎区"),
        ]
    )
    files = [
        _file(
            "fai.csv",
            ["fai_monthly"],
            {"fai_monthly": 5},
            [(1, "title", "标题行", "表")],
        ),
        _file(
            "projects.xlsx",
            ["projects"],
            {"projects": 2},
            [
                (1, "title", "标题行", "项目表"),
                (2, "unit line", "单位行", "单位：亿元"),
            ],
            unit="亿元",
            declared=True,
        ),
    ]
    return SimpleNamespace(tables=tables, report=rep, files=files)


def test_tables_received_lists_every_contract_table(ds):
    frame = quality.tables_received(ds)
    assert list(frame["table"]) == list(schema.TABLES)
    row = frame.set_index("table").loc["projects"]
    assert (row["n_rows"], row["files"], row["status"]) == (
        2,
        "projects.xlsx",
        quality.GREEN,
    )
    assert frame.set_index("table").loc["targets", "status"] == quality.AMBER


def test_files_received_counts_rows_and_skipped_reasons(ds):
    frame = quality.files_received(ds).set_index("file")
    assert frame.loc["projects.xlsx", "skipped"] == "标题行 1、单位行 1"
    assert frame.loc["projects.xlsx", "money_unit"] == "亿元（表内声明 / declared）"
    assert frame.loc["projects.xlsx", "tables"] == "项目台账"
    assert frame.loc["fai.csv", "n_skipped"] == 1


def test_skipped_rows_keep_file_row_and_text(ds):
    frame = quality.skipped_rows(ds)
    assert frame.iloc[-1].to_dict() == {
        "file": "projects.xlsx",
        "row": 2,
        "skipped": "单位行",
        "written": "单位：亿元",
    }


def test_fai_coverage_flags_missing_months_and_regions(ds):
    frame = quality.fai_coverage(
        ds.tables["fai_monthly"], year=2021, last_month=3
    ).set_index("region")
    assert frame.loc["湛江市", "status"] == quality.GREEN
    assert (
        frame.loc["赤坎区", "missing_months"] == "1—2月"
        and frame.loc["赤坎区", "years"] == "2020—2021"
    )
    assert (
        frame.loc["霞山区", "latest"] == "—"
        and frame.loc["霞山区", "status"] == quality.RED
    )
    assert list(frame.index[:12]) == [schema.CITY, *schema.COUNTIES]
    assert frame.index[-1] == "某新区"  # unexpected regions are listed, not dropped


def test_expected_months_rejects_bad_months():
    with pytest.raises(ValueError):
        quality.expected_months(13)


def test_problems_by_unit_groups_counties_first_errors_first(ds):
    frame = quality.problems_by_unit(ds.report)
    assert list(frame["unit"]) == [
        "赤坎区",
        "霞山区",
        "霞山区",
        "市统计局",
        "市交通投资集团",
    ]
    assert list(frame["severity"][1:3]) == ["错误", "提示"]
    assert frame.loc[3, "unit_kind"] == "市直部门"  # fai_monthly's provider
    assert frame.loc[4, "unit_kind"] == "国有企业"
    assert frame.loc[0, "table"] == "项目台账"


def test_unit_summary_and_headline(ds):
    summary = quality.unit_summary(quality.problems_by_unit(ds.report))
    first = summary.iloc[0]
    assert (first["unit"], first["n_errors"], first["n_warnings"]) == ("霞山区", 1, 1)
    assert summary.set_index("unit").loc["赤坎区", "status"] == quality.AMBER
    text = quality.quality_headline(ds, as_of=AsOf(2021, 3))
    assert text.startswith("收到 2 个文件、2 张数据表共 7 行；发现 3 个错误、2 个提示")
    assert "涉及 4 个责任单位" in text
    assert quality.quality_finding(ds, as_of=AsOf(2021, 3)) == "attention"


def test_headline_names_monthly_tables_that_stop_before_the_as_of_month():
    # no file problem at all, but the statistics end in June and December is asked
    fai = pd.DataFrame({"region": ["湛江市"] * 2, "year": [2021] * 2, "month": [5, 6]})
    every = {t: 0 for t in schema.TABLES} | {"fai_monthly": 2}
    rows = {t: (n or 1) for t, n in every.items()}  # every table received
    clean = SimpleNamespace(
        files=[SimpleNamespace(rows=rows)],
        report=ValidationReport(),
        tables={"fai_monthly": fai},
    )
    text = quality.quality_headline(clean, as_of=AsOf(2021, 12))
    assert text == (
        "收到 1 个文件、10 张数据表共 11 行，未发现填报错误；"
        "截止2021年1—12月，固定资产投资月度累计只到2021年1—6月。"
    )
    assert "未发现数据问题" not in text
    assert quality.quality_finding(clean, as_of=AsOf(2021, 12)) == "attention"
    june = quality.quality_headline(clean, as_of=AsOf(2021, 6))
    assert june.endswith("未发现数据问题。")
    assert quality.quality_finding(clean, as_of=AsOf(2021, 6)) == "clean"


def test_no_problems_gives_empty_frames():
    frame = quality.problems_by_unit(ValidationReport())
    assert frame.empty and "unit" in frame
    assert quality.unit_summary(frame).empty


def test_every_column_has_a_chinese_header(ds):
    frames = [
        quality.tables_received(ds),
        quality.files_received(ds),
        quality.skipped_rows(ds),
        quality.fai_coverage(ds.tables["fai_monthly"], year=2021, last_month=3),
        quality.problems_by_unit(ds.report),
        quality.unit_summary(quality.problems_by_unit(ds.report)),
    ]
    for frame in frames:
        assert set(frame.columns) <= set(glossary.COLUMNS_ZH)


def test_headline_names_the_tables_not_received():
    # only the ledger and the progress reports came in: no "未发现数据问题"
    partial = SimpleNamespace(
        files=[SimpleNamespace(rows={"projects": 5, "project_progress": 9})],
        report=ValidationReport(),
        tables={},
    )
    text = quality.quality_headline(partial, as_of=AsOf(2021, 6))
    assert "未发现数据问题" not in text
    assert "；未收到8张表：固定资产投资月度累计、年度目标、节点目标" in text
    assert quality.quality_finding(partial, as_of=AsOf(2021, 6)) == "attention"


def test_the_problem_list_labels_every_check_in_chinese():
    # the page and the workbook sent back to the units showed unit_mixup, bad_number…
    from zjanalysis import io, paths

    ds = io.load_dataset(paths.DATA_DIR / "demo-dirty")
    frame = quality.problems_by_unit(ds.report)
    codes = set(frame["check"])
    assert "unit_mixup" in codes
    shown = frame.drop(columns=["check"])
    mixup = shown.loc[frame["check"] == "unit_mixup", "problem_kind"]
    assert set(mixup) == {"疑似单位错误（万元/亿元）"}
    for column in shown.columns:
        values = {str(v) for v in shown[column].dropna()}
        assert not values & codes, f"an English check code in '{column}'"
    assert glossary.COLUMNS_ZH["problem_kind"] == "问题类型"
