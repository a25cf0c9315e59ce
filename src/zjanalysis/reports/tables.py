"""How a table is shown: one spec for the page and one for the workbook.

A view (:mod:`zjanalysis.reports.view`) returns a :class:`TableSpec` per table
and one :class:`ExcelSpec` for its workbook; the notebook hands them to
:func:`zjanalysis.report.table` and :func:`zjanalysis.report.export_excel`. The
frames inside keep English column names; the specs carry which columns are
money (万元, shown in ``unit``), percentages and statuses, the decimals, and
the Chinese headers (:data:`zjanalysis.reports.glossary.COLUMNS_ZH`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zjanalysis.reports.glossary import COLUMNS_ZH

#: Yes/no columns shown as 是/否.
FLAG_COLUMNS: frozenset[str] = frozenset(
    {"is_key", "reported_this_month", "red_line_issued", "started"}
)


@dataclass(frozen=True)
class TableSpec:
    """A table as a report shows it.

    Attributes
    ----------
    df : pd.DataFrame
        The rows, English column names, values ready to read (see :func:`readable`).
    money, pct, status, plain : tuple of str
        Money columns (万元 in ``df``), percentage columns, columns whose values
        colour the cell (红/黄/绿, 通过/不通过 …), number columns shown without
        thousands separators.
    unit : {"万元", "亿元"}
        The unit money is shown in.
    caption : str or None
        A line above the table (why it is empty, or refused).
    decimals : mapping
        Decimals per column, overriding the defaults.
    columns : mapping
        Chinese headers (the glossary).
    refused : bool
        The analysis drew no conclusion: the page shows nothing for the table
        (the headline says why), the workbook keeps its empty sheet.
    """

    df: pd.DataFrame
    money: tuple[str, ...] = ()
    pct: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    unit: str = "万元"
    caption: str | None = None
    decimals: Mapping[str, int] = field(default_factory=dict)
    plain: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=lambda: COLUMNS_ZH)
    refused: bool = False

    def kwargs(self) -> dict[str, object]:
        """Return the keyword arguments of :func:`zjanalysis.report.table_html`.

        Only the money, percentage and status columns present in ``df`` are
        passed.

        Examples
        --------
        >>> spec = TableSpec(pd.DataFrame({"plan_wan": [1.0]}), money=("plan_wan", "x"))
        >>> spec.kwargs()["money"], spec.kwargs()["columns"]["plan_wan"]
        (['plan_wan'], '年度计划投资')
        """
        present = set(self.df.columns)
        return {
            "df": self.df,
            "money": [c for c in self.money if c in present],
            "pct": [c for c in self.pct if c in present],
            "status": [c for c in self.status if c in present],
            "columns": self.columns,
            "unit": self.unit,
            "caption": self.caption,
            "decimals": dict(self.decimals) or None,
            "plain": [c for c in self.plain if c in present],
        }


@dataclass(frozen=True)
class ExcelSpec:
    """A report's workbook: its sheets and how their columns are written.

    Attributes
    ----------
    sheets : dict
        Sheet name -> frame (English column names).
    money, pct, plain : tuple of str
        As in :class:`TableSpec`; money is written in ``unit`` with a number
        format, so the cells stay numbers.
    unit : {"万元", "亿元"}
    columns : mapping
        Chinese headers.
    """

    sheets: dict[str, pd.DataFrame]
    money: tuple[str, ...] = ()
    pct: tuple[str, ...] = ()
    plain: tuple[str, ...] = ()
    unit: str = "万元"
    columns: Mapping[str, str] = field(default_factory=lambda: COLUMNS_ZH)

    def kwargs(self) -> dict[str, object]:
        """Return the keyword arguments of :func:`zjanalysis.report.write_excel`.

        Examples
        --------
        >>> ExcelSpec({"表": pd.DataFrame()}, money=("plan_wan",)).kwargs()["money"]
        ('plan_wan',)
        """
        return {
            "sheets": self.sheets,
            "money": self.money,
            "pct": self.pct,
            "plain": self.plain,
            "unit": self.unit,
            "columns": self.columns,
        }


def yes_no(value: object) -> str:
    """Return 是, 否 or — (missing).

    Examples
    --------
    >>> yes_no(True), yes_no(0), yes_no(None)
    ('是', '否', '—')
    """
    if (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and np.isnan(value))
    ):
        return "—"
    return "是" if bool(value) else "否"


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy for readers: flags as 是/否, dates as dates, rates to 0.1.

    Columns ending in ``_pct`` or ``_pp`` are rounded to one decimal, the
    :data:`FLAG_COLUMNS` become 是/否, ``*_date``, ``planned_start`` and
    ``actual_start`` become dates (no time of day).

    Examples
    --------
    >>> df = pd.DataFrame({"is_key": [True], "completion_pct": [12.345]})
    >>> readable(df).values.tolist()
    [['是', 12.3]]
    """
    out = frame.copy()
    for c in out.columns:
        if c.endswith("_pct") or c.endswith("_pp"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float).round(1)
        elif c in FLAG_COLUMNS:
            out[c] = [yes_no(v) for v in out[c]]
        elif c.endswith("_date") or c in ("planned_start", "actual_start"):
            out[c] = pd.to_datetime(out[c]).dt.date
    return out


def chinese_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`readable` ``frame`` with the glossary's Chinese headers.

    Examples
    --------
    >>> df = pd.DataFrame({"is_key": [True], "completion_pct": [12.345]})
    >>> chinese_headers(df).columns.tolist()
    ['重点项目', '完成率']
    """
    return readable(frame).rename(columns=COLUMNS_ZH)


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with text cells that a spreadsheet would run made inert.

    A CSV cell starting with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel;
    such text gets a leading apostrophe (numbers are left alone).

    Examples
    --------
    >>> csv_safe(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "b": [-1.0, 2.0, 3.0]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [
                f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
                for v in out[col]
            ]
    return out
