"""Summarize what data arrived and which unit must fix which problem.

The data-quality report (``notebooks/00-data-quality.ipynb``) is built from
these functions. They take the loaded :class:`zjanalysis.io.Dataset` (or its
frames and :class:`~zjanalysis.problems.ValidationReport`) and return plain
frames with English column names; :data:`COLUMNS_ZH` gives the Chinese headers
for display and for the Excel list sent back to the units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from zjanalysis import coverage, labels, schema
from zjanalysis.asof import AsOf
from zjanalysis.problems import ERROR, SEVERITY_ZH, ValidationReport, check_label_zh

#: Unit shown when a problem names no unit and its table has no provider.
UNKNOWN_UNIT = "未指明（研究室核对）"
#: Traffic-light values used in the ``status`` columns.
GREEN, AMBER, RED = "绿", "黄", "红"


def tables_received(ds: Any) -> pd.DataFrame:
    """Return one row per contract table: rows read, source files, status.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        Uses ``ds.tables`` and ``ds.files``.

    Returns
    -------
    pandas.DataFrame
        ``table``, ``table_zh``, ``provider``, ``n_rows``, ``files`` and
        ``status`` (绿 received, 黄 not received), in contract order.
    """
    sources: dict[str, list[str]] = {}
    for f in ds.files:
        for t in f.tables:
            sources.setdefault(t, []).append(f.name)
    records = []
    for name, table in schema.TABLES.items():
        frame = ds.tables.get(name)
        n_rows = 0 if frame is None else len(frame)
        records.append(
            {
                "table": name,
                "table_zh": table.zh,
                "provider": table.provider,
                "n_rows": n_rows,
                "files": "、".join(sources.get(name, [])) or "—",
                "status": GREEN if n_rows else AMBER,
            }
        )
    return pd.DataFrame.from_records(records)


def files_received(ds: Any) -> pd.DataFrame:
    """Return one row per input file: tables, rows, unit applied, skipped rows.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``tables`` (Chinese names), ``n_rows``, ``money_unit`` (with
        whether the file declared it), ``encoding``, ``n_skipped`` and
        ``skipped`` (reasons with counts, e.g. ``标题行 1、合计行 1``).
    """
    records = []
    for f in ds.files:
        counts: dict[str, int] = {}
        for s in f.skipped:
            counts[s.reason_zh] = counts.get(s.reason_zh, 0) + 1
        records.append(
            {
                "file": f.name,
                "tables": "、".join(_table_zh(t) for t in f.tables) or "（未识别）",
                "n_rows": int(sum(f.rows.values())),
                "money_unit": f.money_unit_note,
                "encoding": f.encoding,
                "n_skipped": len(f.skipped),
                "skipped": "、".join(f"{k} {v}" for k, v in counts.items()) or "—",
            }
        )
    columns = [
        "file",
        "tables",
        "n_rows",
        "money_unit",
        "encoding",
        "n_skipped",
        "skipped",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def skipped_rows(ds: Any) -> pd.DataFrame:
    """Return every row that was not read as data, with the reason.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``row``, ``skipped`` (reason in Chinese) and ``value`` (the
        row's text).
    """
    records = [
        {
            "file": f.name + (f"#{s.sheet}" if s.sheet else ""),
            "row": s.row,
            "skipped": s.reason_zh,
            "written": s.text,
        }
        for f in ds.files
        for s in f.skipped
    ]
    frame = pd.DataFrame.from_records(
        records, columns=["file", "row", "skipped", "written"]
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _table_zh(name: str) -> str:
    table = schema.TABLES.get(name)
    return table.zh if table else name


def expected_months(last_month: int) -> list[int]:
    """Return the cumulative months published through ``last_month``.

    The statistics bureau publishes January with February (1—2月), so month 1
    is expected only when ``last_month`` is 1.

    Examples
    --------
    >>> expected_months(6)
    [2, 3, 4, 5, 6]
    >>> expected_months(1)
    [1]
    """
    if not 1 <= int(last_month) <= 12:
        raise ValueError(f"month must be 1..12, got {last_month!r}")
    return [1] if last_month == 1 else list(range(2, int(last_month) + 1))


def fai_coverage(
    fai_monthly: pd.DataFrame,
    *,
    year: int,
    last_month: int,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return the months of cumulative FAI each region reported.

    Parameters
    ----------
    fai_monthly : pandas.DataFrame
        Canonical ``fai_monthly`` frame (``region``, ``year``, ``month``).
    year : int
        The analysis year.
    last_month : int
        The as-of month: months 1—2 … ``last_month`` of ``year`` are expected.
    regions : sequence of str, optional
        Regions expected; default the city and its 11 counties. Regions found
        in the data but not expected are listed after them.

    Returns
    -------
    pandas.DataFrame
        ``region``, ``years`` (first—last year present), ``n_months`` (months
        of ``year`` present up to ``last_month``), ``latest`` (e.g. ``1—6月``),
        ``missing`` (expected months absent) and ``status`` (绿 complete,
        红 something missing).

    Examples
    --------
    >>> f = pd.DataFrame({"region": ["湛江市"] * 3, "year": [2021] * 3, "month": [2, 3, 5]})
    >>> row = fai_coverage(f, year=2021, last_month=5, regions=["湛江市"]).iloc[0]
    >>> row["missing_months"], row["latest"], row["status"]
    ('1—4月', '1—5月', '红')
    """
    wanted = list(regions) if regions is not None else [schema.CITY, *schema.COUNTIES]
    frame = fai_monthly.dropna(subset=["region", "year", "month"])
    present = [r for r in pd.unique(frame["region"].astype(str)) if r not in wanted]
    expected = expected_months(last_month)
    records = []
    for region in [*wanted, *present]:
        rows = frame[frame["region"].astype(str) == region]
        years = rows["year"].astype(int)
        months = sorted(
            {
                int(m)
                for m in rows.loc[years == int(year), "month"]
                if int(m) <= last_month
            }
        )
        missing = [m for m in expected if m not in months]
        records.append(
            {
                "region": region,
                "years": f"{years.min()}—{years.max()}" if len(years) else "—",
                "n_months": len(months),
                "latest": labels.month_label(max(months)) if months else "—",
                "missing_months": "、".join(labels.month_label(m) for m in missing)
                or "—",
                "status": RED if missing else GREEN,
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=["region", "years", "n_months", "latest", "missing_months", "status"],
    )


def unit_kind(unit: str) -> str:
    """Return the kind of a responsible unit: county, SOE or department.

    Examples
    --------
    >>> unit_kind("霞山区"), unit_kind("市交通投资集团"), unit_kind("市统计局")
    ('县(市、区)', '国有企业', '市直部门')
    """
    if not unit or unit == UNKNOWN_UNIT:
        return "未指明"
    if (
        unit in schema.COUNTIES
        or unit.endswith(("区", "市", "县"))
        and not unit.startswith("市")
    ):
        return "县(市、区)"
    if unit in schema.SOES or unit.endswith(("集团", "公司")):
        return "国有企业"
    return "市直部门"


def _responsible_unit(unit: str, table: str) -> str:
    if unit:
        return unit
    if table in schema.TABLES:
        return schema.TABLES[table].provider
    return UNKNOWN_UNIT


def problems_by_unit(report: ValidationReport | Iterable[Any]) -> pd.DataFrame:
    """Return every problem with the unit that must fix it, grouped and sorted.

    A problem whose ``unit`` is empty is assigned to the provider of its table
    (e.g. 市统计局 for ``fai_monthly``).

    Parameters
    ----------
    report : ValidationReport or iterable of Problem
        The problems found by the loader and the validator.

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``unit_kind``, ``severity`` (错误/提示), ``problem_kind`` (the
        check's Chinese label, :data:`zjanalysis.problems.CHECK_LABELS_ZH`),
        ``file``, ``row``, ``column``, ``written``, ``message``, ``hint``,
        ``table`` (Chinese) and ``check`` (the code); sorted by unit kind and
        unit (counties in the city's order), errors first, then file and row.
    """
    columns = [
        "unit",
        "unit_kind",
        "severity",
        "problem_kind",
        "file",
        "row",
        "column",
        "written",
        "message",
        "hint",
        "table",
        "check",
    ]
    records = []
    for p in report:
        unit = _responsible_unit(p.unit, p.table)
        records.append(
            {
                "unit": unit,
                "unit_kind": unit_kind(unit),
                "severity": SEVERITY_ZH.get(p.severity, p.severity),
                "problem_kind": check_label_zh(p.check),
                "file": p.file or "（数据目录）",
                "row": p.row,
                "column": p.column,
                "written": p.value,
                "message": p.message_zh,
                "hint": p.hint_zh,
                "table": _table_zh(p.table) if p.table else "",
                "check": p.check,
                "_error": p.severity == ERROR,
            }
        )
    if not records:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
        frame["row"] = frame["row"].astype("Int64")
        return frame
    frame = pd.DataFrame.from_records(records)
    frame["row"] = frame["row"].astype("Int64")
    kind_order = {"县(市、区)": 0, "市直部门": 1, "国有企业": 2, "未指明": 3}
    county_order = {c: i for i, c in enumerate(schema.COUNTIES)}
    frame = frame.assign(
        _kind=frame["unit_kind"].map(kind_order),
        _county=frame["unit"].map(county_order).fillna(len(county_order)),
    ).sort_values(
        ["_kind", "_county", "unit", "_error", "file", "row"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
        na_position="last",
    )
    return frame[columns].reset_index(drop=True)


def unit_summary(problems: pd.DataFrame) -> pd.DataFrame:
    """Return the number of errors and warnings per responsible unit.

    Parameters
    ----------
    problems : pandas.DataFrame
        The frame of :func:`problems_by_unit`.

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``unit_kind``, ``n_errors``, ``n_warnings``, ``n_problems``
        and ``status`` (红 any error, 黄 warnings only), most errors first.

    Examples
    --------
    >>> p = pd.DataFrame({"unit": ["霞山区", "霞山区"], "unit_kind": ["县(市、区)"] * 2,
    ...                   "severity": ["错误", "提示"]})
    >>> unit_summary(p)[["unit", "n_errors", "n_warnings", "status"]].values.tolist()
    [['霞山区', 1, 1, '红']]
    """
    columns = ["unit", "unit_kind", "n_errors", "n_warnings", "n_problems", "status"]
    if problems.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    is_error = problems["severity"] == SEVERITY_ZH[ERROR]
    grouped = (
        problems.assign(_e=is_error.astype(int), _w=(~is_error).astype(int))
        .groupby(["unit", "unit_kind"], sort=False)[["_e", "_w"]]
        .sum()
        .reset_index()
        .rename(columns={"_e": "n_errors", "_w": "n_warnings"})
    )
    grouped["n_problems"] = grouped["n_errors"] + grouped["n_warnings"]
    grouped["status"] = [RED if e else AMBER for e in grouped["n_errors"]]
    grouped = grouped.sort_values(
        ["n_errors", "n_problems"], ascending=False, kind="stable"
    ).reset_index(drop=True)
    return grouped[columns]


def coverage_gaps_zh(ds: Any, *, as_of: AsOf) -> str:
    """Name the monthly tables that stop before the as-of month ("" when none).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> fai = pd.DataFrame({"region": ["甲"], "year": [2021], "month": [6]})
    >>> coverage_gaps_zh(SimpleNamespace(tables={"fai_monthly": fai}),
    ...                  as_of=AsOf(2021, 12))
    '固定资产投资月度累计只到2021年1—6月'
    """
    covered = coverage.compute_coverage(ds.tables)
    needs = [
        coverage.Need(t, monthly=True)
        for t in coverage.MONTHLY
        if t in covered.tables and covered[t].n_rows
    ]
    gaps = coverage.shortfalls_zh(covered, needs, year=as_of.year, month=as_of.month)
    return "，".join(gaps)


def tables_not_received(ds: Any) -> list[str]:
    """Return the Chinese names of the contract tables no file provided.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ds = SimpleNamespace(files=[SimpleNamespace(rows={"projects": 10})])
    >>> tables_not_received(ds)[:2]
    ['固定资产投资月度累计', '年度目标']
    """
    got = {t for f in ds.files for t, n in f.rows.items() if n}
    return [t.zh for t in schema.TABLES.values() if t.name not in got]


def quality_finding(ds: Any, *, as_of: AsOf) -> str:
    """Return the finding code of the data-quality report for the index.

    ``attention`` when there is any error or warning, a monthly table stops
    before the as-of month or a table was not received, else ``clean``.
    """
    if len(ds.report) or coverage_gaps_zh(ds, as_of=as_of) or tables_not_received(ds):
        return "attention"
    return "clean"


def quality_headline(ds: Any, *, as_of: AsOf) -> str:
    """Return the one-line finding of the data-quality report.

    It counts errors and warnings, names the monthly tables that stop before
    the as-of month and the tables not received: "no problem found" is said
    only when there is none of these.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> every = {t: 1 for t in schema.TABLES}
    >>> ds = SimpleNamespace(files=[SimpleNamespace(rows=every)],
    ...                      report=ValidationReport(), tables={})
    >>> quality_headline(ds, as_of=AsOf(2021, 6))
    '收到 1 个文件、10 张数据表共 10 行，未发现数据问题。'
    >>> ds.files = [SimpleNamespace(rows={t: 1 for t in list(schema.TABLES)[:-1]})]
    >>> quality_headline(ds, as_of=AsOf(2021, 6))
    '收到 1 个文件、9 张数据表共 9 行，未发现填报错误；未收到1张表：统计入库。'
    """
    n_files = len(ds.files)
    tables = {t for f in ds.files for t in f.rows}
    n_rows = sum(sum(f.rows.values()) for f in ds.files)
    received = f"收到 {n_files} 个文件、{len(tables)} 张数据表共 {n_rows:,} 行"
    gaps = coverage_gaps_zh(ds, as_of=as_of)
    short = f"；截止{as_of.period_zh}，{gaps}" if gaps else ""
    absent = tables_not_received(ds)
    if absent:
        short += f"；未收到{len(absent)}张表：{'、'.join(absent)}"
    report = ds.report
    if not len(report):
        if short:
            return f"{received}，未发现填报错误{short}。"
        return f"{received}，未发现数据问题。"
    summary = unit_summary(problems_by_unit(report))
    top = summary.iloc[0]
    n_err, n_warn = len(report.errors), len(report.warnings)
    most = f"{top['unit']}最多（{int(top['n_errors'])} 个错误）" if n_err else ""
    return (
        f"{received}；发现 {n_err} 个错误、{n_warn} 个提示，涉及 {len(summary)} 个责任单位"
        + (f"，{most}" if most else "")
        + short
        + "。"
    )
