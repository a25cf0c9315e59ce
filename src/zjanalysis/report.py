"""Help report notebooks look alike: set-up, banners, headline, tables, Excel, provenance.

Every report notebook calls, in this order::

    report.setup_notebook()
    ds = report.load_dataset(data_dir, cache=dataset_cache)
    report.banner(ds)  # blocking=False only in the data-quality report
    report.headline("1—6月全市投资增长 14.2%，距目标差 5.8 个百分点")
    report.table(frame, money=["plan_investment"], unit="亿元")
    report.export_excel({"问题清单": problems}, "00-data-quality", output_dir)
    report.provenance(ds, {"data_dir": data_dir, "as_of": as_of})

An analysis report draws no conclusion from data with errors in the tables it
reads, nor beyond what its data cover: its module refuses
(:func:`zjanalysis.coverage.gate`), ``report.banner(ds, reads=...)`` records
the block and ``report.headline(..., finding=...)`` the finding for the
runner's index page.

The ``*_html`` functions are pure (they return a string); the others display it
in the notebook. Money inside the package is always in 万元
(:mod:`zjanalysis.labels`); ``unit="亿元"`` converts for display only.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import platform
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zjanalysis import __version__, labels, paths, plots, runner
from zjanalysis.reports.tables import ExcelSpec, TableSpec

#: Output metadata key under which notebooks record facts for the runner.
METADATA_KEY = "zjanalysis"
#: File name of the data-quality report, linked from the error banner.
DATA_QUALITY_HTML = f"{runner.DATA_QUALITY_REPORT}.html"
#: Libraries whose versions go in the provenance block.
KEY_LIBRARIES: tuple[str, ...] = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "openpyxl",
    "papermill",
    "nbconvert",
)
MONEY_UNITS: tuple[str, ...] = ("万元", "亿元")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


# --- set-up ----------------------------------------------------------------------


def setup_notebook() -> None:
    """Prepare a report notebook: Chinese chart font and style, pandas display.

    Registers the Noto Sans CJK SC font shipped with ``mplfonts`` (no tofu boxes,
    no missing-glyph warnings), applies the shared chart style of
    :mod:`zjanalysis.plots`, makes the inline backend emit PNG, and sets pandas
    display options for wide Chinese tables.

    Examples
    --------
    >>> setup_notebook()
    >>> import matplotlib
    >>> matplotlib.rcParams["axes.unicode_minus"]
    False
    """
    plots.apply_style()
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 50)
    pd.set_option("display.width", 160)
    pd.set_option("display.unicode.east_asian_width", True)
    pd.set_option("display.float_format", "{:,.2f}".format)
    _enable_inline_png()


def _enable_inline_png() -> None:
    """Register the PNG formatter for Figures when running inside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")


def resolve_path(p: str | Path) -> Path:
    """Return ``p`` as an absolute path; relative paths start at the project root.

    Notebooks run with any working directory (JupyterLab, papermill, nbval), so
    ``data_dir = "data/demo"`` must not depend on it.

    Examples
    --------
    >>> resolve_path("data/demo") == paths.PROJECT_ROOT / "data" / "demo"
    True
    >>> resolve_path("/tmp").as_posix()
    '/tmp'
    """
    path = Path(p).expanduser()
    return path if path.is_absolute() else paths.PROJECT_ROOT / path


def load_dataset(data_dir: str | Path, *, cache: str | Path = "") -> Any:
    """Return the data set of ``data_dir`` (see :func:`zjanalysis.io.load_dataset`).

    Parameters
    ----------
    data_dir : str or Path
        The data folder; relative paths start at the project root
        (:func:`resolve_path`).
    cache : str or Path, optional
        The notebook's ``dataset_cache`` parameter: ``make report`` loads and
        validates a data folder once per build and passes the file it saved
        (:mod:`zjanalysis.runner.datacache`). The data set is read from it when
        it holds this folder with exactly its current content; otherwise, and
        when ``cache`` is ``""`` (JupyterLab, nbval), the folder is loaded.

    Returns
    -------
    zjanalysis.io.Dataset
        Never raises on a user's data mistake.
    """
    folder = resolve_path(data_dir)
    if cache:
        from zjanalysis.runner import datacache

        ds = datacache.read(cache, folder)
        if ds is not None:
            return ds
    from zjanalysis import io

    return io.load_dataset(folder)


# --- display helpers ---------------------------------------------------------------


def _display_html(markup: str, metadata: dict | None = None) -> None:
    from IPython.display import HTML, display

    if metadata:
        display(HTML(markup), metadata=metadata)
    else:
        display(HTML(markup))


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def banner_html(
    ds: Any, blocking: bool = True, *, reads: Sequence[str] | None = None
) -> str:
    """Return the banners for the top of a report (DEMO data, data errors).

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        Uses ``ds.is_demo``, ``ds.name`` and ``ds.report.errors``.
    blocking : bool, default True
        The report draws no conclusion from data with errors (every analysis
        report): the error box says so and links the data-quality report.
        False for the data-quality report itself, which lists the errors.
    reads : sequence of str, optional
        The tables the report reads: only errors in them are counted, and a
        line says what they cover (:func:`vintage_html`).

    Returns
    -------
    str
        HTML; empty when the data are real, have no error and ``reads`` is None.
    """
    parts = []
    name = _esc(getattr(ds, "name", "") or "")
    if getattr(ds, "is_demo", False):
        parts.append(
            '<div class="zj-banner zj-demo" style="border:2px solid #f0b429;'
            "background:#fff8e1;color:#7a5600;padding:10px 14px;margin:6px 0;"
            'border-radius:6px;font-size:15px">'
            "<strong>演示数据 DEMO</strong>：本报告使用虚构的演示数据集"
            f"「{name}」，数字不代表湛江市实际情况。"
            "</div>"
        )
    n_err = _count_errors(ds, reads)
    if n_err:
        parts.append(
            '<div class="zj-banner zj-errors" style="border:2px solid #d64541;'
            "background:#fdecea;color:#8e1c17;padding:10px 14px;margin:6px 0;"
            'border-radius:6px;font-size:15px">'
            + (
                f"<strong>数据有 {n_err} 个错误，本报告暂不出结论。</strong>"
                f'错误清单见<a href="{DATA_QUALITY_HTML}">《数据质量报告》</a>'
                if blocking
                else f"<strong>数据有 {n_err} 个错误。</strong>下文按责任单位列出每个错误"
            )
            + "，请各责任单位修正后重新报送。</div>"
        )
    if reads:
        parts.append(vintage_html(ds, reads))
    return "".join(parts)


def vintage_html(ds: Any, tables: Sequence[str]) -> str:
    """Return the line saying what the report's tables cover (its data vintage).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> g = pd.DataFrame({"project_id": ["a"], "year": [2021], "month": [6]})
    >>> "项目月度进度：至2021年1—6月" in vintage_html(
    ...     SimpleNamespace(tables={"project_progress": g}), ["project_progress"])
    True
    """
    from zjanalysis import coverage

    text = coverage.compute_coverage(getattr(ds, "tables", ds)).vintage_zh(tables)
    if not text:
        return ""
    return (
        '<p class="zj-note zj-vintage" style="color:#34495e;font-size:14px;'
        f'margin:4px 0">{_esc(text)}</p>'
    )


def _count_errors(ds: Any, reads: Sequence[str] | None = None) -> int:
    """Return the data errors of a data set, in ``reads`` only when given."""
    report = getattr(ds, "report", None)
    if report is None:
        return 0
    if reads is None:
        return len(report.errors)
    from zjanalysis import coverage

    return coverage.errors_in(report, reads)


def banner(
    ds: Any, blocking: bool = True, *, reads: Sequence[str] | None = None
) -> None:
    """Show the DEMO banner and the data-error box at the top of a report.

    Shows nothing for real data without errors. See :func:`banner_html`.
    With ``blocking`` and data errors, the box is displayed with output
    metadata ``{"zjanalysis": {"blocked_by_errors": n}}``: the runner then
    marks the report "数据有误" on the index page and the build exits 1
    (:mod:`zjanalysis.runner`).

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        The data set the report reads.
    blocking : bool, default True
        False only in the data-quality report, whose job is to show the errors.
    reads : sequence of str, optional
        The tables the report reads (its analysis module's ``READS``): only
        errors in them block it. None counts every error.
    """
    markup = banner_html(ds, blocking=blocking, reads=reads)
    n_err = _count_errors(ds, reads)
    if markup:
        meta = (
            {METADATA_KEY: {runner.BLOCKED_KEY: n_err}} if blocking and n_err else None
        )
        _display_html(markup, meta)


def headline_html(text: str) -> str:
    """Return the one-line finding as a prominent HTML block.

    Examples
    --------
    >>> "全市" in headline_html("全市投资增长 14.2%")
    True
    """
    return (
        '<div class="zj-headline" style="border-left:6px solid #1f5fa8;'
        "background:#eef4fb;padding:12px 16px;margin:10px 0;font-size:18px;"
        f'line-height:1.5;color:#1b2a3a"><strong>{_esc(text)}</strong></div>'
    )


def headline(
    text: str, *, finding: str = "", brief: list[dict[str, str]] | None = None
) -> None:
    """Show the report's one-line finding and record it for the index page.

    The finding is displayed with output metadata
    ``{"zjanalysis": {"finding": text, "verdict": finding, "brief": [...]}}``;
    the runner reads it back from the executed notebook
    (:func:`zjanalysis.runner.read_finding`) and shows the verdict's label and
    colour on the index, and the brief lines on the leader's brief.

    Parameters
    ----------
    text : str
        One sentence, in Chinese, with the key number.
    finding : str, optional
        The finding code (``view.finding()``: met, at_risk, missed, no_data,
        blocked, attention, info; see :data:`zjanalysis.reports.view.FINDINGS`).
    brief : list of dict, optional
        ``view.brief()``: the report's lines for the leader's brief
        (:func:`zjanalysis.reports.view.brief_item`).
    """
    meta: dict[str, Any] = {"finding": str(text)}
    if finding:
        meta[runner.VERDICT_KEY] = str(finding)
    if brief is not None:
        meta["brief"] = [dict(item) for item in brief]
    _display_html(headline_html(text), {METADATA_KEY: meta})


# --- tables --------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_cell(
    value: object,
    kind: str = "auto",
    unit: str = "万元",
    decimals: int | None = None,
) -> str:
    """Format one table value as text for a report.

    Parameters
    ----------
    value : object
        The value; missing values (None, NaN, NA, NaT) become "—".
    kind : {"auto", "money", "pct", "text"}, default "auto"
        ``money`` is an amount in 万元, shown in ``unit``; ``pct`` a percentage
        shown with one decimal and "%"; ``auto`` formats numbers with
        thousands separators and dates as YYYY-MM-DD.
    unit : {"万元", "亿元"}, default "万元"
        Display unit of money.
    decimals : int, optional
        Override the default decimals (万元 0, 亿元 2, pct 1, other floats 2).

    Examples
    --------
    >>> format_cell(1234567.0, "money")
    '1,234,567'
    >>> format_cell(1234567.0, "money", unit="亿元")
    '123.46'
    >>> format_cell(12.345, "pct")
    '12.3%'
    >>> format_cell(float("nan"), "money")
    '—'
    >>> format_cell(12000)
    '12,000'
    """
    if _is_missing(value):
        return "—"
    if kind == "money":
        if unit == "亿元":
            dec = 2 if decimals is None else decimals
            return labels.format_yi(float(value), decimals=dec, unit=False)
        return labels.format_wan(
            float(value), decimals=0 if decimals is None else decimals
        )
    if kind == "pct":
        return labels.format_pct(
            float(value), decimals=1 if decimals is None else decimals
        )
    if kind == "text":
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) or (hasattr(value, "dtype") and _is_int_scalar(value)):
        return f"{int(value):,}"
    if isinstance(value, float) or _is_float_scalar(value):
        value = float(value)
        if value.is_integer() and decimals is None:
            return f"{value:,.0f}"
        return f"{value:,.{2 if decimals is None else decimals}f}"
    if isinstance(value, pd.Timestamp | _dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _is_int_scalar(value: object) -> bool:
    import numpy as np

    return isinstance(value, np.integer)


def _is_float_scalar(value: object) -> bool:
    import numpy as np

    return isinstance(value, np.floating)


def _column_kinds(
    df: pd.DataFrame, money: Iterable[str], pct: Iterable[str]
) -> dict[str, str]:
    money, pct = set(money), set(pct)
    unknown = (money | pct) - set(df.columns)
    if unknown:
        raise KeyError(f"table has no column(s) {sorted(map(str, unknown))}")
    kinds = {}
    for col in df.columns:
        if col in money:
            kinds[col] = "money"
        elif col in pct:
            kinds[col] = "pct"
        elif pd.api.types.is_bool_dtype(df[col]):
            kinds[col] = "auto"
        elif pd.api.types.is_numeric_dtype(df[col]):
            kinds[col] = "number"
        else:
            kinds[col] = "auto"
    return kinds


def money_header(header: str, unit: str) -> str:
    """Append the unit to a money column header unless it names one already.

    Examples
    --------
    >>> money_header("年度计划投资", "亿元")
    '年度计划投资（亿元）'
    >>> money_header("计划投资(万元)", "亿元")
    '计划投资(万元)'
    """
    return header if "元" in header else f"{header}（{unit}）"


def table_html(
    df: pd.DataFrame,
    *,
    money: Sequence[str] = (),
    pct: Sequence[str] = (),
    unit: str = "万元",
    status: Sequence[str] = (),
    columns: Mapping[str, str] | None = None,
    index: bool = False,
    max_rows: int | None = 500,
    caption: str | None = None,
    decimals: Mapping[str, int] | None = None,
    plain: Sequence[str] = (),
) -> str:
    """Return a DataFrame as a report table in HTML.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; headers are shown as given (or renamed by ``columns``).
    money : sequence of str
        Columns holding amounts in 万元; shown in ``unit`` with thousands
        separators and the unit appended to the header.
    pct : sequence of str
        Columns holding percentages; shown as ``12.3%``.
    unit : {"万元", "亿元"}, default "万元"
        Display unit of the money columns.
    status : sequence of str
        Columns whose values (红/黄/绿, pass/fail, 错误/提示 …) colour the cell.
    columns : mapping, optional
        Header renames applied for display, e.g. ``{"county": "县(市、区)"}``.
    index : bool, default False
        Show the index as the first column(s).
    max_rows : int or None, default 500
        Show at most this many rows, with a note; None shows all.
    caption : str, optional
        A caption above the table.
    decimals : mapping, optional
        Decimals per column, overriding the defaults.
    plain : sequence of str
        Number columns shown without thousands separators (row numbers, years,
        codes).

    Returns
    -------
    str
        A ``<table class="zj-table">``; numbers right-aligned, missing as "—".

    Examples
    --------
    >>> frame = pd.DataFrame({"县区": ["赤坎区"], "投资": [123456.0]})
    >>> "12.35" in table_html(frame, money=["投资"], unit="亿元")
    True
    """
    if unit not in MONEY_UNITS:
        raise ValueError(f"unit must be 万元 or 亿元, got {unit!r}")
    frame = df.reset_index() if index else df
    kinds = _column_kinds(frame, money, pct)
    status_cols = set(status)
    renames = dict(columns or {})
    decimals = dict(decimals or {})
    n_rows = len(frame)
    shown = frame if max_rows is None else frame.head(max_rows)

    # Short inline styles: they must also work in JupyterLab (no page CSS) and
    # keep long problem lists small in the HTML file.
    out = ['<table class="zj-table">']
    if caption:
        out.append(f'<caption style="text-align:left">{_esc(caption)}</caption>')
    out.append("<thead><tr>")
    numeric = {c: kinds[c] in ("money", "pct", "number") for c in frame.columns}
    plain_cols = set(plain)
    for col in frame.columns:
        header = renames.get(col, str(col))
        if kinds[col] == "money":
            header = money_header(header, unit)
        align = "right" if numeric[col] else "left"
        out.append(
            f'<th style="text-align:{align};white-space:nowrap">{_esc(header)}</th>'
        )
    out.append("</tr></thead><tbody>")
    for row in shown.itertuples(index=False, name=None):
        out.append("<tr>")
        for col, value in zip(frame.columns, row, strict=True):
            kind = kinds[col]
            if col in plain_cols and not _is_missing(value):
                text = str(int(value)) if numeric[col] else str(value)
            else:
                text = format_cell(
                    value,
                    "auto" if kind == "number" else kind,
                    unit=unit,
                    decimals=decimals.get(col),
                )
            style = (
                "text-align:right;white-space:nowrap"
                if numeric[col]
                else "text-align:left"
            )
            if col in status_cols:
                color = plots.status_color(value)
                if color:
                    style += f";background:{color};color:#fff;white-space:nowrap"
            out.append(f'<td style="{style}">{_esc(text)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    if max_rows is not None and n_rows > max_rows:
        out.append(
            f'<p class="zj-note">共 {n_rows:,} 行，仅显示前 {max_rows:,} 行；'
            "完整清单见 Excel 附表。</p>"
        )
    return "".join(out)


def table(
    df: pd.DataFrame | TableSpec,
    *,
    money: Sequence[str] = (),
    pct: Sequence[str] = (),
    unit: str = "万元",
    status: Sequence[str] = (),
    columns: Mapping[str, str] | None = None,
    index: bool = False,
    max_rows: int | None = 500,
    caption: str | None = None,
    decimals: Mapping[str, int] | None = None,
    plain: Sequence[str] = (),
):
    """Return a report table that displays as HTML (make it a cell's last line).

    Parameters are those of :func:`table_html`; ``df`` may instead be a
    :class:`~zjanalysis.reports.tables.TableSpec` (a view's ``table(name)``),
    which carries them all.

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    if isinstance(df, TableSpec):
        if df.refused:  # the headline says why there is no table
            return HTML("")
        return HTML(table_html(**df.kwargs(), index=index, max_rows=max_rows))

    return HTML(
        table_html(
            df,
            money=money,
            pct=pct,
            unit=unit,
            status=status,
            columns=columns,
            index=index,
            max_rows=max_rows,
            caption=caption,
            decimals=decimals,
            plain=plain,
        )
    )


def grouped_tables(
    df: pd.DataFrame,
    by: str,
    *,
    heading: str = "{group}（{n} 条）",
    drop_group_column: bool = True,
    max_rows: int | None = 200,
    **table_kw: Any,
):
    """Return one sub-heading and one table per group, in the frame's order.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows, already sorted as they should appear.
    by : str
        The grouping column, e.g. ``"unit"`` for the responsible unit.
    heading : str, default "{group}（{n} 条）"
        Format of each sub-heading; ``{group}`` and ``{n}`` are filled in.
    drop_group_column : bool, default True
        Leave the grouping column out of each table.
    max_rows : int or None, default 200
        Rows shown per group (see :func:`table_html`).
    **table_kw
        Passed to :func:`table_html` (``money``, ``pct``, ``columns`` …).

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    parts = []
    for group, rows in df.groupby(by, sort=False):
        shown = rows.drop(columns=[by]) if drop_group_column else rows
        title = heading.format(group=group, n=len(rows))
        parts.append(f"<h3>{_esc(title)}</h3>")
        parts.append(table_html(shown, max_rows=max_rows, **table_kw))
    if not parts:
        parts.append('<p class="zj-note">（无）</p>')
    return HTML("".join(parts))


# --- Excel ---------------------------------------------------------------------


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    candidate, i = base, 2
    while candidate in used:
        suffix = f"_{i}"
        candidate = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(candidate)
    return candidate


def _text_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_excel(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    money: Sequence[str] = (),
    pct: Sequence[str] = (),
    unit: str = "万元",
    columns: Mapping[str, str] | None = None,
    plain: Sequence[str] = (),
) -> Path:
    """Write tables to a formatted Excel workbook (one sheet per table).

    Parameters
    ----------
    sheets : mapping of str to DataFrame
        Sheet name (Chinese is fine; cut to 31 characters) to table.
    path : str or Path
        The ``.xlsx`` file to write; its folder is created.
    money : sequence of str
        Money columns (values in 万元) in any sheet; written in ``unit`` with
        format ``#,##0`` (万元) or ``#,##0.00`` (亿元), unit added to the header.
    pct : sequence of str
        Percentage columns; format ``0.0`` and "(%)" added to the header.
    unit : {"万元", "亿元"}, default "万元"
        Unit of the money columns in the workbook.
    columns : mapping, optional
        Header renames, e.g. English names to Chinese.
    plain : sequence of str
        Number columns written without a thousands format (row numbers, years).

    Returns
    -------
    Path
        The file written. Headers are bold, the first row is frozen, the
        columns are as wide as their content (up to 60 characters).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if unit not in MONEY_UNITS:
        raise ValueError(f"unit must be 万元 or 亿元, got {unit!r}")
    money_set, pct_set = set(money), set(pct)
    renames = dict(columns or {})
    money_fmt = "#,##0.00" if unit == "亿元" else "#,##0"
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    for sheet, df in sheets.items():
        ws = wb.create_sheet(_sheet_name(sheet, used))
        headers = []
        for col in df.columns:
            header = renames.get(col, str(col))
            if col in money_set:
                header = money_header(header, unit)
            elif col in pct_set and "%" not in header:
                header = f"{header}(%)"
            headers.append(header)
        ws.append(headers)
        for row in df.itertuples(index=False, name=None):
            ws.append(
                [
                    _excel_value(v, c in money_set, unit)
                    for c, v in zip(df.columns, row, strict=True)
                ]
            )
        _no_formulas(ws)
        for j, col in enumerate(df.columns, start=1):
            letter = get_column_letter(j)
            cell = ws.cell(row=1, column=j)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
            fmt = None
            if col in money_set:
                fmt = money_fmt
            elif col in pct_set:
                fmt = "0.0"
            elif col in plain:
                fmt = None
            elif pd.api.types.is_datetime64_any_dtype(df[col]) or _holds_dates(df[col]):
                fmt = "yyyy-mm-dd"  # a date, not 2021-03-19 00:00:00
            elif pd.api.types.is_integer_dtype(df[col]):
                fmt = "#,##0"
            elif pd.api.types.is_float_dtype(df[col]):
                whole = df[col].dropna()
                # counts held as floats show as counts, not 12.00
                fmt = "#,##0" if len(whole) and (whole % 1 == 0).all() else "#,##0.00"
            if fmt:
                for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    c.number_format = fmt
            texts = [headers[j - 1]] + [format_cell(v) for v in df[col].head(500)]
            width = max(_text_width(t) for t in texts)
            ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
        _colour_statuses(ws)
        if len(df.columns):
            ws.auto_filter.ref = ws.dimensions  # sort and filter from the header
            ws.print_title_rows = "1:1"  # the header on every printed page
    if not wb.sheetnames:
        wb.create_sheet("空")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _colour_statuses(ws: Any) -> None:
    """Fill status cells (红/黄/绿, 通过/不通过 …) in the colours the pages use.

    The colour of a value is :func:`zjanalysis.plots.status_color`'s, the one
    the HTML tables and charts use; the text turns white as on the page.
    """
    from openpyxl.styles import Font, PatternFill

    white = Font(color="FFFFFF")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            colour = plots.status_color(cell.value)
            if colour:
                cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
                cell.font = white


def _holds_dates(series: pd.Series) -> bool:
    """True for an object column of dates (``readable`` turns timestamps into dates)."""
    values = series.dropna()
    if values.empty or series.dtype != object:
        return False
    import datetime as dt

    return all(isinstance(v, dt.date) for v in values.head(50))


def _no_formulas(ws: Any) -> None:
    """Keep every cell a value: text from the data that starts with = stays text.

    openpyxl stores a string starting with ``=`` as a formula, so a project name
    or a note typed as ``=cmd|…`` would run when the office opens the workbook.
    """
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _excel_value(value: object, is_money: bool, unit: str) -> object:
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"  # as the pages say it, not TRUE/FALSE
    if is_money:
        amount = float(value)
        return labels.wan_to_yi(amount) if unit == "亿元" else amount
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            return value.item()
        except (AttributeError, ValueError):
            return str(value)
    return value


def export_excel(
    sheets: Mapping[str, pd.DataFrame] | ExcelSpec,
    name: str,
    output_dir: str,
    *,
    money: Sequence[str] = (),
    pct: Sequence[str] = (),
    unit: str = "万元",
    columns: Mapping[str, str] | None = None,
    plain: Sequence[str] = (),
) -> None:
    """Write ``<output_dir>/<name>.xlsx`` for the office and show a link to it.

    Returns nothing, so that a notebook cell ending with it shows only the link
    (a returned Path would print as ``PosixPath(...)`` in the report); use
    :func:`write_excel` for the path.

    Parameters
    ----------
    sheets, money, pct, unit, columns, plain
        As in :func:`write_excel`; ``sheets`` may instead be an
        :class:`~zjanalysis.reports.tables.ExcelSpec` (a view's ``excel()``),
        which carries them all.
    name : str
        File name without extension, e.g. ``"00-data-quality"``.
    output_dir : str
        The report's ``output_dir`` parameter. ``""`` (the notebook default in
        JupyterLab) writes nothing and shows a note instead; ``make report``
        passes the run's output folder.

    """
    if isinstance(sheets, ExcelSpec):
        spec = sheets.kwargs()
        sheets = spec.pop("sheets")
        money, pct, unit, columns, plain = (
            spec["money"],
            spec["pct"],
            spec["unit"],
            spec["columns"],
            spec["plain"],
        )
    if not output_dir:
        _display_html(
            '<p class="zj-note" style="color:#7f8c8d">（未导出 Excel：output_dir '
            "为空。运行 make report 时会生成附表。）</p>"
        )
        return None
    path = write_excel(
        sheets,
        resolve_path(output_dir) / f"{name}.xlsx",
        money=money,
        pct=pct,
        unit=unit,
        columns=columns,
        plain=plain,
    )
    sheet_list = "、".join(_esc(s) for s in sheets)
    _display_html(
        f'<p class="zj-note">Excel 附表：<a href="{_esc(path.name)}">{_esc(path.name)}</a>'
        f"（工作表：{sheet_list}）</p>"
    )


# --- provenance ------------------------------------------------------------------


def git_state(root: str | Path | None = None) -> dict[str, object]:
    """Return the git commit of the project and whether the tree is dirty.

    Returns ``{"commit": "unknown", "dirty": None}`` when ``root`` is not a git
    checkout or git is missing, and ``{"commit": None, "dirty": None}`` for an
    installed wheel (no checkout: the version alone names the program).
    """
    if root is None and paths.CHECKOUT_ROOT is None:
        return {"commit": None, "dirty": None}
    root = Path(root) if root is not None else paths.PROJECT_ROOT
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit or "unknown", "dirty": bool(status.strip())}


def library_versions(names: Iterable[str] = KEY_LIBRARIES) -> dict[str, str]:
    """Return the installed version of each named distribution ("—" if absent)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "—"
    return out


def _file_records(ds: Any) -> list[dict[str, object]]:
    records = []
    for f in getattr(ds, "files", None) or []:
        tables = getattr(f, "tables", None) or ()
        if isinstance(tables, str):
            tables = (tables,)
        records.append(
            {
                "name": str(getattr(f, "name", f)),
                "sha256": str(getattr(f, "sha256", "") or ""),
                "tables": ", ".join(map(str, tables)),
            }
        )
    return records


def collect_provenance(
    ds: Any,
    params: Mapping[str, object],
    now: _dt.datetime | None = None,
) -> dict[str, object]:
    """Collect what a reader needs to trace a report to its inputs.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        Uses ``ds.name``, ``ds.is_demo`` and ``ds.files`` (name, sha256, tables).
    params : mapping
        The notebook's parameter values.
    now : datetime, optional
        Generation time; the current wall-clock time when omitted (the only
        place in a report where wall-clock time appears).

    Returns
    -------
    dict
        ``dataset``, ``is_demo``, ``files``, ``parameters``, ``package_version``,
        ``git_commit``, ``git_dirty``, ``python``, ``libraries``, ``generated_at``.
    """
    now = now or _dt.datetime.now(_dt.UTC).astimezone()
    git = git_state()
    return {
        "dataset": str(getattr(ds, "name", "") or ""),
        "is_demo": bool(getattr(ds, "is_demo", False)),
        "files": _file_records(ds),
        # output_dir and dataset_cache name this run's temporary build folder
        # under make report: they tell a reader nothing about the numbers
        "parameters": {
            str(k): v for k, v in params.items() if k not in runner.RUNNER_PARAMETERS
        },
        "package_version": __version__,
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "python": f"{platform.python_version()} ({sys.platform})",
        "libraries": library_versions(),
        "generated_at": now.isoformat(timespec="seconds"),
    }


def provenance_html(info: Mapping[str, Any]) -> str:
    """Return the provenance block (see :func:`collect_provenance`) as HTML.

    The markup is the autoescaped template ``templates/provenance.html.j2``.
    """
    from zjanalysis import webpage

    return webpage.render(
        "provenance.html.j2",
        dataset=info.get("dataset", ""),
        is_demo=bool(info.get("is_demo")),
        files=list(info.get("files", [])),
        parameters=[(k, repr(v)) for k, v in info.get("parameters", {}).items()],
        package_version=info.get("package_version", ""),
        # None outside a checkout: the installed package's version stands alone
        git_commit=info.get("git_commit", "unknown"),
        git_dirty=info.get("git_dirty") is True,
        python=info.get("python", ""),
        libraries=list(info.get("libraries", {}).items()),
        generated_at=info.get("generated_at", ""),
    )


def provenance(ds: Any, params: Mapping[str, object]) -> None:
    """Show the provenance block at the foot of a report.

    Names the data set (and flags DEMO data), lists the sha256 of every input
    file, the parameter values, the package version, the git commit with a
    dirty flag, the Python and key library versions, and the generation time.
    The same facts are recorded in the output metadata
    ``{"zjanalysis": {"provenance": {...}}}``.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        The loaded data set.
    params : mapping
        The notebook's parameter values, e.g.
        ``{"data_dir": data_dir, "as_of": as_of, "output_dir": output_dir}``.
    """
    info = collect_provenance(ds, params)
    _display_html(
        provenance_html(info), {METADATA_KEY: {"provenance": _jsonable(info)}}
    )


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    return str(obj)
