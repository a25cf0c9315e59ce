"""Test the report notebook helpers (zjanalysis.report) and the chart style."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pandas as pd
import pytest

from zjanalysis import paths, plots, report
from zjanalysis.problems import ERROR, WARNING, Problem, ValidationReport


def _problem(severity: str) -> Problem:
    return Problem(
        severity,
        "negative_money",
        "projects.xlsx",
        5,
        "总投资",
        "-1",
        "为负",
        "negative",
    )


def _dataset(is_demo: bool = True, n_errors: int = 0, n_warnings: int = 0):
    rep = ValidationReport()
    rep.extend(_problem(ERROR) for _ in range(n_errors))
    rep.extend(_problem(WARNING) for _ in range(n_warnings))
    files = [
        SimpleNamespace(name="projects.xlsx", sha256="ab" * 32, tables=["projects"])
    ]
    return SimpleNamespace(name="demo", is_demo=is_demo, report=rep, files=files)


@pytest.fixture
def shown(monkeypatch):
    """Record what the helpers display instead of sending it to IPython."""
    calls: list[tuple[str, dict | None]] = []
    monkeypatch.setattr(
        report, "_display_html", lambda m, md=None: calls.append((m, md))
    )
    return calls


# --- paths and set-up ----------------------------------------------------------------


def test_resolve_path_is_relative_to_the_project_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert report.resolve_path("data/demo") == paths.PROJECT_ROOT / "data" / "demo"
    assert report.resolve_path(tmp_path) == tmp_path


def test_setup_notebook_draws_chinese_without_warnings_or_font_messages(caplog):
    report.setup_notebook()
    import matplotlib

    assert matplotlib.rcParams["font.sans-serif"][0] == plots.CJK_FONT_FAMILY
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    fig, ax = plots.new_figure()
    ax.set_title("湛江市固定资产投资 1—6月", fontweight="bold")
    ax.bar(["赤坎区", "霞山区"], [1.0, -2.0])
    with caplog.at_level(logging.WARNING):
        fig.canvas.draw()  # warnings are errors in this suite: no missing glyphs
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    used = {t.get_fontname() for t in ax.get_xticklabels()}
    assert used == {plots.CJK_FONT_FAMILY}


def test_status_colours_accept_synonyms():
    assert (
        plots.status_color("红")
        == plots.status_color("fail")
        == plots.STATUS_COLORS["红"]
    )
    assert plots.status_color(" 绿 ") == plots.STATUS_COLORS["绿"]
    assert plots.status_color(None) is None


# --- banner and headline ---------------------------------------------------------------


def test_banner_flags_demo_data_and_errors():
    markup = report.banner_html(_dataset(is_demo=True, n_errors=3, n_warnings=2))
    assert "DEMO" in markup
    assert "数据有 3 个错误，本报告暂不出结论" in markup
    assert report.DATA_QUALITY_HTML in markup


def test_banner_records_that_data_errors_block_the_report(shown):
    report.banner(_dataset(is_demo=False, n_errors=3))
    ((markup, metadata),) = shown
    assert metadata == {"zjanalysis": {"blocked_by_errors": 3}}
    assert "暂不出结论" in markup


def test_data_quality_banner_lists_errors_without_blocking_or_linking_itself(shown):
    report.banner(_dataset(is_demo=True, n_errors=3), blocking=False)
    ((markup, metadata),) = shown
    assert metadata is None  # the data-quality report is not blocked
    assert "数据有 3 个错误" in markup and "下文" in markup
    assert report.DATA_QUALITY_HTML not in markup and "数据质量报告" not in markup
    assert "暂不出结论" not in markup


def test_banner_of_clean_demo_data_records_no_block(shown):
    report.banner(_dataset(is_demo=True, n_warnings=2))
    ((markup, metadata),) = shown
    assert "DEMO" in markup and metadata is None


def test_banner_is_empty_for_clean_real_data(shown):
    assert report.banner_html(_dataset(is_demo=False, n_warnings=4)) == ""
    report.banner(_dataset(is_demo=False))
    assert shown == []


def test_headline_records_the_finding_in_output_metadata(shown):
    report.headline("全市投资增长 <14.2%>")
    ((markup, metadata),) = shown
    assert metadata == {"zjanalysis": {"finding": "全市投资增长 <14.2%>"}}
    assert "&lt;14.2%&gt;" in markup


def test_headline_records_the_verdict_and_the_brief_lines(shown):
    line = {
        "label": "亮红灯的县（市、区）",
        "text": "坡头区",
        "status": "missed",
        "value": "",
    }
    report.headline("通报", finding="missed", brief=[line])
    ((_, metadata),) = shown
    assert metadata == {
        "zjanalysis": {"finding": "通报", "verdict": "missed", "brief": [line]}
    }


# --- tables ---------------------------------------------------------------------------------


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "县区": ["赤坎区", "霞山区"],
            "计划投资": [1_234_567.0, float("nan")],
            "增长": [12.345, None],
            "项目数": pd.array([1200, None], dtype="Int64"),
            "状态": ["红", "pass"],
        }
    )


def test_table_formats_money_percent_and_missing_values(frame):
    markup = report.table_html(frame, money=["计划投资"], pct=["增长"], status=["状态"])
    assert "计划投资（万元）" in markup
    assert ">1,234,567<" in markup
    assert ">12.3%<" in markup
    assert ">1,200<" in markup
    assert markup.count(">—<") == 3
    assert 'style="text-align:right;white-space:nowrap">1,234,567' in markup
    assert 'style="text-align:left">赤坎区' in markup
    assert plots.STATUS_COLORS["红"] in markup and plots.STATUS_COLORS["绿"] in markup


def test_table_converts_money_to_yi_yuan(frame):
    markup = report.table_html(frame, money=["计划投资"], unit="亿元")
    assert "计划投资（亿元）" in markup
    assert ">123.46<" in markup


def test_table_renames_headers_and_limits_rows(frame):
    markup = report.table_html(frame, columns={"县区": "县(市、区)"}, max_rows=1)
    assert "县(市、区)" in markup
    assert "霞山区" not in markup
    assert "共 2 行，仅显示前 1 行" in markup


def test_table_rejects_unknown_columns_and_units(frame):
    with pytest.raises(KeyError, match="no column"):
        report.table_html(frame, money=["不存在"])
    with pytest.raises(ValueError, match="万元 or 亿元"):
        report.table_html(frame, unit="元")


def test_table_does_not_mutate_its_input(frame):
    before = frame.copy()
    report.table(frame, money=["计划投资"], unit="亿元", index=True)
    pd.testing.assert_frame_equal(frame, before)


def test_table_plain_columns_have_no_thousands_separator():
    markup = report.table_html(
        pd.DataFrame({"行号": pd.array([3389, None], dtype="Int64")}), plain=["行号"]
    )
    assert ">3389<" in markup and ">—<" in markup


def test_format_cell_dates_and_booleans():
    assert report.format_cell(pd.Timestamp("2021-03-01")) == "2021-03-01"
    assert report.format_cell(True) == "是"
    assert report.format_cell(pd.NA) == "—"


def test_grouped_tables_make_one_heading_per_group(frame):
    frame = frame.assign(unit=["赤坎区", "霞山区"])
    markup = report.grouped_tables(frame, by="unit").data
    assert markup.count("<h3>") == 2
    assert "赤坎区（1 条）" in markup


# --- Excel -------------------------------------------------------------------------------------


def test_export_excel_formats_numbers_and_freezes_the_header(frame, tmp_path, shown):
    from openpyxl import load_workbook

    shown_value = report.export_excel(
        {"问题清单": frame, "汇总/全市": frame.head(1)},
        "00-test",
        str(tmp_path),
        money=["计划投资"],
        pct=["增长"],
        unit="亿元",
    )
    assert shown_value is None  # a cell ending with it shows no PosixPath(...)
    path = tmp_path / "00-test.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["问题清单", "汇总_全市"]
    ws = wb["问题清单"]
    assert [c.value for c in ws[1]] == [
        "县区",
        "计划投资（亿元）",
        "增长(%)",
        "项目数",
        "状态",
    ]
    assert ws["B2"].value == pytest.approx(123.4567)
    assert ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].number_format == "0.0"
    assert ws["B3"].value is None
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 8
    assert ws["D2"].number_format == "#,##0"
    assert "00-test.xlsx" in shown[-1][0]
    assert "📎" not in shown[-1][0]


def test_write_excel_returns_the_path(frame, tmp_path):
    path = report.write_excel({"表": frame}, tmp_path / "sub" / "t.xlsx")
    assert path == tmp_path / "sub" / "t.xlsx" and path.is_file()


def test_export_excel_in_wan_yuan_uses_whole_numbers(frame, tmp_path, shown):
    from openpyxl import load_workbook

    report.export_excel({"表": frame}, "t", str(tmp_path), money=["计划投资"])
    ws = load_workbook(tmp_path / "t.xlsx")["表"]
    assert ws["B1"].value == "计划投资（万元）"
    assert ws["B2"].number_format == "#,##0"
    assert ws["B2"].value == 1_234_567.0


def test_export_excel_without_output_dir_writes_nothing(
    frame, tmp_path, shown, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert report.export_excel({"表": frame}, "t", "") is None
    assert list(tmp_path.iterdir()) == []
    assert "未导出 Excel" in shown[-1][0]


# --- provenance ------------------------------------------------------------------------------------


def test_provenance_names_data_files_parameters_versions_and_time():
    now = dt.datetime(2021, 7, 5, 9, 30, tzinfo=dt.UTC)
    info = report.collect_provenance(_dataset(), {"as_of": "2021-06"}, now=now)
    assert info["dataset"] == "demo" and info["is_demo"] is True
    assert info["files"] == [
        {"name": "projects.xlsx", "sha256": "ab" * 32, "tables": "projects"}
    ]
    assert info["parameters"] == {"as_of": "2021-06"}
    assert info["generated_at"] == "2021-07-05T09:30:00+00:00"
    assert set(report.KEY_LIBRARIES) <= set(info["libraries"])
    markup = report.provenance_html(info)
    for text in (
        "数据来源与运行信息",
        "projects.xlsx",
        "ab" * 32,
        "2021-06",
        "演示数据",
    ):
        assert text in markup


def test_provenance_is_displayed_with_metadata(shown):
    report.provenance(_dataset(), {"year": 2021})
    markup, metadata = shown[-1]
    assert 'class="zj-provenance"' in markup
    assert metadata["zjanalysis"]["provenance"]["parameters"] == {"year": 2021}


def test_git_state_outside_a_checkout_is_unknown(tmp_path):
    assert report.git_state(tmp_path) == {"commit": "unknown", "dirty": None}


def test_git_state_of_the_project():
    state = report.git_state()
    if state["commit"] == "unknown":
        pytest.skip("not a git checkout")
    assert len(state["commit"]) == 40 and state["dirty"] in (True, False)


def test_file_sha256(tmp_path):
    from zjanalysis import io

    path = tmp_path / "a.csv"
    path.write_bytes(b"abc")
    # the provenance's file hashes come from the loader's one function
    assert io.file_sha256(path).startswith("ba7816bf")
    assert not hasattr(report, "file_sha256")


def test_a_refused_table_shows_nothing_on_the_page():
    # the headline already says why: no empty grid under every heading
    import pandas as pd

    from zjanalysis.reports.tables import TableSpec

    spec = TableSpec(pd.DataFrame({"county": []}), caption="数据不足", refused=True)
    assert report.table(spec).data == ""
    shown = report.table(TableSpec(pd.DataFrame({"county": ["赤坎区"]})))
    assert "赤坎区" in shown.data and "县（市、区）" in shown.data


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    # a note typed as a formula must not run when the office opens the workbook
    import openpyxl
    import pandas as pd

    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0市商务局", "普通项目"]})
    path = report.write_excel({"表": frame}, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["表"]
    assert ws["A2"].value == "=cmd|' /C calc'!A0市商务局"
    assert ws["A2"].data_type == "s"


def test_csv_cells_a_spreadsheet_would_run_are_made_inert():
    import pandas as pd

    from zjanalysis.reports.tables import csv_safe

    frame = pd.DataFrame(
        {"note": ["=HYPERLINK(1)", "@SUM(1)", "+1", "正常"], "x": [-1, 2, 3, 4]}
    )
    safe = csv_safe(frame)
    assert safe["note"].tolist() == ["'=HYPERLINK(1)", "'@SUM(1)", "'+1", "正常"]
    assert safe["x"].tolist() == [-1, 2, 3, 4]  # numbers stay numbers


def test_provenance_leaves_out_the_runs_output_folder():
    # make report passes a temporary build folder: it is no fact about the numbers
    import datetime as dt

    info = report.collect_provenance(
        _dataset(),
        {"as_of": "2021-06", "output_dir": "/x/.building-2021-06-123/.work/40"},
        now=dt.datetime(2021, 7, 1, tzinfo=dt.UTC),
    )
    assert info["parameters"] == {"as_of": "2021-06"}


def test_workbooks_read_like_the_pages(tmp_path):
    # 是/否 instead of TRUE/FALSE, dates without a time, counts without .00,
    # statuses in their colour, a filter on the header, the header on every page
    import datetime as dt

    import openpyxl
    import pandas as pd

    frame = pd.DataFrame(
        {
            "is_key": [True, False],
            "due_date": [dt.date(2021, 3, 19), dt.date(2021, 6, 30)],
            "n_projects": [12.0, 3.0],
            "gap_pp": [-8.26, 1.5],
            "status": ["红", "绿"],
        }
    )
    path = report.write_excel({"表": frame}, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["表"]
    assert [ws["A2"].value, ws["A3"].value] == ["是", "否"]
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].number_format == "#,##0" and ws["D2"].number_format == "#,##0.00"
    # the same colours as the page's table cells (plots.STATUS_COLORS)
    assert ws["E2"].fill.fgColor.rgb.endswith("D64541")  # 红
    assert ws["E3"].fill.fgColor.rgb.endswith("2E9D5B")  # 绿
    assert ws.auto_filter.ref == "A1:E3"
    assert ws.print_title_rows == "$1:$1"
