"""What the data cover, and whether an analysis may conclude from them.

A report concludes only what its data cover. This module works out, once per
data set, which years every table holds and, for the monthly tables, the last
month of each year (overall and per region or project), and it is the one
place that decides whether an analysis may draw a conclusion:

- **errors** in a table the analysis reads block it (errors in other tables
  do not), with the sentence of :func:`zjanalysis.problems.refusal_text_zh`
  naming those tables;
- **no data**: a table the analysis needs has no row for the plan year, or a
  monthly table stops before the month asked about ("项目月度进度只到2021年1—6月，
  无法作2021年1—12月通报").

Every analysis entry point ``*_for_dataset`` asks :func:`gate` with the tables
it reads and what it needs of them, and returns an empty result carrying the
gate's sentence when it may not conclude. Pure: the functions take the
canonical frames (or a loaded data set) and read no file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from zjanalysis import labels, problems, schema
from zjanalysis.asof import AsOf

#: The column that dates a row of each table (a year, or a date whose year counts).
YEAR_COLUMN: dict[str, str] = {
    "fai_monthly": "year",
    "targets": "year",
    "projects": "plan_year",
    "project_progress": "year",
    "soe_plans": "year",
    "plan_changes": "change_date",
    "milestones": "due_date",
    "funding_plan": "year",
    "stats_registry": "year",
}
#: Tables whose rows belong to a year through their project (its ``plan_year``).
BY_PROJECT: tuple[str, ...] = ("land_plan",)
#: Tables dated by a date column: the date's year counts.
DATED: tuple[str, ...] = ("plan_changes", "milestones")
#: Monthly tables and the column naming who reports (a region or a project).
MONTHLY: dict[str, str] = {
    "fai_monthly": "region",
    "project_progress": "project_id",
    "stats_registry": "project_id",
}


class DatasetLike(Protocol):
    """What an analysis needs of a loaded data set (:class:`zjanalysis.io.Dataset`).

    The canonical tables by name and the validation report; tests pass small
    stand-ins with the same two attributes.
    """

    tables: Mapping[str, pd.DataFrame]
    report: problems.ValidationReport

    def __getitem__(self, name: str) -> pd.DataFrame: ...


#: Kinds of gate.
OK, ERRORS, NO_DATA = "ok", "errors", "no_data"


@dataclass(frozen=True)
class TableCoverage:
    """The years (and months) one table covers.

    Attributes
    ----------
    table : str
        Canonical table name.
    n_rows : int
    years : tuple of int
        The years with at least one row, ascending.
    last_month : dict
        Monthly tables: year -> the last month any unit reported.
    unit_last_month : pd.DataFrame
        Monthly tables: one row per unit and year, ``unit``, ``year``,
        ``last_month``; empty otherwise.
    """

    table: str
    n_rows: int
    years: tuple[int, ...]
    last_month: dict[int, int] = field(default_factory=dict)
    unit_last_month: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def zh(self) -> str:
        """The table's Chinese name, e.g. 项目月度进度."""
        return schema.get_table(self.table).zh

    @property
    def monthly(self) -> bool:
        """True for a table reported month by month."""
        return self.table in MONTHLY

    def has_year(self, year: int) -> bool:
        """Return True when the table has a row for ``year``."""
        return int(year) in self.years

    def month_of(self, year: int) -> int | None:
        """Return the last month of ``year`` the table reaches (None: no row)."""
        return self.last_month.get(int(year))

    def behind(self, year: int, month: int) -> list[str]:
        """Return the units that reported in ``year`` but not up to ``month``.

        Examples
        --------
        >>> fai = pd.DataFrame({"region": ["甲", "乙"], "year": [2021, 2021],
        ...                     "month": [6, 4], "cum_investment": [1.0, 1.0]})
        >>> compute_coverage({"fai_monthly": fai})["fai_monthly"].behind(2021, 6)
        ['乙']
        """
        u = self.unit_last_month
        if u.empty:
            return []
        rows = u[(u["year"] == int(year)) & (u["last_month"] < int(month))]
        return [str(x) for x in rows["unit"]]

    def vintage_zh(self) -> str:
        """Describe what the table covers, e.g. ``项目月度进度：至2021年1—6月``.

        Examples
        --------
        >>> p = pd.DataFrame({"project_id": ["a"], "plan_year": [2021]})
        >>> compute_coverage({"projects": p})["projects"].vintage_zh()
        '项目台账：2021年'
        """
        if not self.years:
            return f"{self.zh}：无数据"
        if self.monthly:
            last = self.years[-1]
            return f"{self.zh}：至{labels.period_label(last, self.last_month[last])}"
        span = (
            f"{self.years[0]}年"
            if len(self.years) == 1
            else f"{self.years[0]}—{self.years[-1]}年"
        )
        return f"{self.zh}：{span}"


@dataclass(frozen=True)
class Coverage:
    """What every table of a data set covers (see :func:`compute_coverage`)."""

    tables: dict[str, TableCoverage]

    def __getitem__(self, table: str) -> TableCoverage:
        return self.tables[table]

    def vintage_zh(self, tables: Iterable[str]) -> str:
        """Describe the coverage of ``tables`` in one line, for a report's page.

        Examples
        --------
        >>> p = pd.DataFrame({"project_id": ["a"], "plan_year": [2021]})
        >>> g = pd.DataFrame({"project_id": ["a"], "year": [2021], "month": [6]})
        >>> compute_coverage({"projects": p, "project_progress": g}).vintage_zh(
        ...     ["projects", "project_progress"])
        '数据范围：项目台账：2021年；项目月度进度：至2021年1—6月'
        """
        parts = [self.tables[t].vintage_zh() for t in tables if t in self.tables]
        return "数据范围：" + "；".join(parts) if parts else ""


@dataclass(frozen=True)
class Need:
    """What an analysis needs of one table.

    Attributes
    ----------
    table : str
    monthly : bool
        True: the table must reach the as-of month of the plan year; False: it
        must have a row for the plan year.
    year_offset : int
        0 for the plan year, -1 for the year before it (a base year).
    """

    table: str
    monthly: bool = False
    year_offset: int = 0


@dataclass(frozen=True)
class Gate:
    """Whether an analysis may conclude: ``kind`` ok, errors or no_data, and why."""

    kind: str = OK
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the analysis may conclude."""
        return self.kind == OK

    @property
    def refusal(self) -> str:
        """The refusal as an analysis result states it (``""`` when ok)."""
        return "" if self.ok else self.reason

    @property
    def refusal_kind(self) -> str:
        """``errors`` or ``no_data`` as a refused result states it (``""`` when ok)."""
        return "" if self.ok else self.kind


def _years(table: str, frame: pd.DataFrame, plan_years: pd.Series | None) -> pd.Series:
    """Return the year of every row of ``frame`` (NA when unknown)."""
    if table in YEAR_COLUMN and YEAR_COLUMN[table] in frame.columns:
        col = frame[YEAR_COLUMN[table]]
        if table in DATED:
            return pd.to_datetime(col, errors="coerce").dt.year.astype("Int64")
        return pd.to_numeric(col, errors="coerce").astype("Int64")
    if table in BY_PROJECT and plan_years is not None and "project_id" in frame:
        return frame["project_id"].map(plan_years).astype("Int64")
    return pd.Series(pd.NA, index=frame.index, dtype="Int64")


def compute_coverage(tables: Mapping[str, pd.DataFrame]) -> Coverage:
    """Work out what every table covers.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Canonical frames (a loaded data set works: ``ds.tables``); tables
        missing from the mapping are left out.

    Returns
    -------
    Coverage

    Examples
    --------
    >>> g = pd.DataFrame({"project_id": ["a", "a", "b"], "year": [2021] * 3,
    ...                   "month": [5, 6, 3]})
    >>> c = compute_coverage({"project_progress": g})["project_progress"]
    >>> c.years, c.month_of(2021), c.month_of(2020), c.behind(2021, 6)
    ((2021,), 6, None, ['b'])
    """
    projects = tables.get("projects") if hasattr(tables, "get") else None
    plan_years = None
    if projects is not None and len(projects) and "plan_year" in projects:
        first = projects.drop_duplicates("project_id")
        plan_years = pd.Series(
            pd.to_numeric(first["plan_year"], errors="coerce").to_numpy(),
            index=first["project_id"].astype(object).to_numpy(),
        )
    out: dict[str, TableCoverage] = {}
    for name in schema.TABLES:
        try:
            frame = tables[name]
        except KeyError:
            continue
        if frame is None:
            continue
        years = _years(name, frame, plan_years)
        present = tuple(sorted(int(y) for y in years.dropna().unique()))
        last_month: dict[int, int] = {}
        per_unit = pd.DataFrame(columns=["unit", "year", "last_month"])
        if name in MONTHLY and "month" in frame.columns and len(frame):
            unit_col = MONTHLY[name]
            months = pd.to_numeric(frame["month"], errors="coerce")
            known = years.notna().to_numpy() & months.notna().to_numpy()
            sub = pd.DataFrame(
                {
                    "unit": frame[unit_col].to_numpy()[known]
                    if unit_col in frame
                    else np.full(int(known.sum()), ""),
                    "year": years.to_numpy()[known].astype(int),
                    "last_month": months.to_numpy()[known].astype(int),
                }
            )
            per_unit = (
                sub.groupby(["unit", "year"], sort=True)["last_month"]
                .max()
                .reset_index()
            )
            last_month = {
                int(y): int(m)
                for y, m in sub.groupby("year")["last_month"].max().items()
            }
            present = tuple(sorted(last_month))
        out[name] = TableCoverage(
            table=name,
            n_rows=len(frame),
            years=present,
            last_month=last_month,
            unit_last_month=per_unit,
        )
    return Coverage(out)


def shortfalls_zh(
    coverage: Coverage, needs: Sequence[Need], *, year: int, month: int
) -> list[str]:
    """Return one clause per table whose coverage falls short of ``needs``.

    Examples
    --------
    >>> g = pd.DataFrame({"project_id": ["a"], "year": [2021], "month": [6]})
    >>> shortfalls_zh(compute_coverage({"project_progress": g}),
    ...               [Need("project_progress", monthly=True)], year=2021, month=12)
    ['项目月度进度只到2021年1—6月']
    """
    missing_years: dict[str, list[int]] = {}
    short: dict[str, str] = {}
    for need in needs:
        tc = coverage.tables.get(need.table)
        y = int(year) + need.year_offset
        zh = schema.get_table(need.table).zh
        if tc is None or not tc.n_rows:
            short[zh] = f"未收到《{zh}》"
        elif not tc.has_year(y):
            missing_years.setdefault(zh, []).append(y)
        elif need.monthly and need.year_offset == 0 and tc.month_of(y) < int(month):
            short[zh] = f"{zh}只到{labels.period_label(y, tc.month_of(y))}"
    reasons = list(short.values())
    for zh, years in missing_years.items():
        if zh not in short:
            listed = "、".join(str(y) for y in sorted(set(years)))
            reasons.append(f"{zh}没有{listed}年的数据")
    return reasons


def shortfall_zh(
    coverage: Coverage, needs: Sequence[Need], *, year: int, month: int, what: str
) -> str:
    """Return why ``needs`` are not met for ``year``-``month`` ("" when they are).

    Parameters
    ----------
    coverage : Coverage
    needs : sequence of Need
    year, month : int
        The plan year and the month of it asked about.
    what : str
        What cannot be done, as a verb phrase (``"作2021年1—12月通报"``).

    Examples
    --------
    >>> g = pd.DataFrame({"project_id": ["a"], "year": [2021], "month": [6]})
    >>> c = compute_coverage({"project_progress": g})
    >>> shortfall_zh(c, [Need("project_progress", monthly=True)], year=2021,
    ...              month=12, what="作2021年1—12月通报")
    '项目月度进度只到2021年1—6月，无法作2021年1—12月通报。'
    >>> shortfall_zh(c, [Need("project_progress")], year=2020, month=12, what="检查")
    '项目月度进度没有2020年的数据，无法检查。'
    """
    reasons = shortfalls_zh(coverage, needs, year=year, month=month)
    if not reasons:
        return ""
    return f"{'，'.join(reasons)}，无法{what}。"


def before_year(as_of: object, *, year: int, what: str) -> Gate:
    """Refuse an as-of month before the plan year: none of the year is covered.

    Examples
    --------
    >>> before_year("2020-12", year=2021, what="出2021年通报").reason
    '截止月份2020-12早于计划年度2021年，无法出2021年通报。'
    """
    return Gate(NO_DATA, f"截止月份{as_of}早于计划年度{int(year)}年，无法{what}。")


def errors_in(report: problems.ValidationReport, tables: Iterable[str]) -> int:
    """Return the number of errors in ``tables`` (and in no table: a whole file).

    An error that names no table (an unreadable file) may hold any table, so it
    counts for every analysis.
    """
    wanted = set(tables)
    return sum(1 for p in report.errors if not p.table or p.table in wanted)


def gate(
    ds: DatasetLike,
    *,
    reads: Sequence[str],
    needs: Sequence[Need] = (),
    year: int,
    month: int,
    what: str,
) -> Gate:
    """Decide whether an analysis may conclude from a loaded data set.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        ``ds.report`` and the canonical tables.
    reads : sequence of str
        Every table the analysis reads: errors in these block it.
    needs : sequence of Need
        What it needs of them for ``year``-``month``.
    year, month : int
        The plan year and its month asked about.
    what : str
        What the analysis does, as a verb phrase (``"作2021年1—6月通报"``).

    Returns
    -------
    Gate
        ``errors`` (the data-quality report lists them), ``no_data`` (the
        sentence names the table and what it covers), or ``ok``.
    """
    n_errors = errors_in(ds.report, reads)
    if n_errors:
        named = [
            schema.get_table(t).zh
            for t in reads
            if any(p.table == t for p in ds.report.errors)
        ]
        return Gate(ERRORS, problems.refusal_text_zh(n_errors, what, tables=named))
    tables = getattr(ds, "tables", ds)  # a Dataset, or a plain mapping of frames
    reason = shortfall_zh(
        compute_coverage(tables), needs, year=year, month=month, what=what
    )
    return Gate(NO_DATA, reason) if reason else Gate()


def gate_as_of(
    ds: DatasetLike,
    *,
    reads: Sequence[str],
    needs: Sequence[Need] = (),
    year: int,
    as_of: object,
    what: str,
) -> tuple[Gate, int | None]:
    """Gate an analysis of plan year ``year`` at the as-of month ``as_of``.

    The one rule for an as-of month outside the plan year: before the year
    none of it is covered (:func:`before_year`, month None); in or after it,
    the month is :meth:`AsOf.month_in` (1—12月 once the year is over) and
    :func:`gate` decides there.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
    reads, needs
        As in :func:`gate`.
    year : int
        The plan year.
    as_of : str or AsOf
        The last month of data.
    what : str
        What the analysis does, as a verb phrase; ``{period}`` in it becomes
        ``2021年`` before the year and ``2021年1—6月`` in it.

    Returns
    -------
    gate : Gate
    month : int or None
        The month of the plan year the analysis covers; None before the year.

    Examples
    --------
    >>> g = pd.DataFrame({"project_id": ["a"], "year": [2021], "month": [6]})
    >>> ds = KnownAt({"project_progress": g}, problems.ValidationReport())
    >>> need = [Need("project_progress", monthly=True)]
    >>> gate_as_of(ds, reads=[], needs=need, year=2021, as_of="2020-12",
    ...            what="出{period}通报")[0].reason
    '截止月份2020-12早于计划年度2021年，无法出2021年通报。'
    >>> verdict, month = gate_as_of(ds, reads=[], needs=need, year=2021,
    ...                             as_of="2021-07", what="出{period}通报")
    >>> month, verdict.reason
    (7, '项目月度进度只到2021年1—6月，无法出2021年1—7月通报。')
    """
    as_of = AsOf.parse(as_of)
    month = as_of.month_in(year)
    if month is None:
        early = before_year(as_of, year=year, what=what.format(period=f"{int(year)}年"))
        return early, None
    period = labels.period_label(year, month)
    verdict = gate(
        ds,
        reads=reads,
        needs=needs,
        year=year,
        month=month,
        what=what.format(period=period),
    )
    return verdict, month


# --- the data as known at a month ---------------------------------------------------


@dataclass(frozen=True)
class KnownAt:
    """A data set with its monthly tables cut at an as-of month (:func:`known_at`)."""

    tables: dict[str, pd.DataFrame]
    report: Any

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def get(self, name: str, default: Any = None) -> Any:
        """Return table ``name`` or ``default``."""
        return self.tables.get(name, default)


def known_at(ds: DatasetLike, *, year: int, month: int) -> KnownAt:
    """Return the data as they were known at ``year``-``month``.

    The monthly tables (:data:`MONTHLY`) lose their rows after the
    month (later months of ``year`` and later years); the other tables and the
    validation report are kept as they are.

    Examples
    --------
    >>> from zjanalysis.problems import ValidationReport
    >>> g = pd.DataFrame({"project_id": ["a", "a", "a"], "year": [2020, 2021, 2021],
    ...                   "month": [12, 5, 6], "cum_completed": [1.0, 2.0, 3.0]})
    >>> ds = KnownAt({"project_progress": g}, ValidationReport())
    >>> known_at(ds, year=2021, month=5)["project_progress"]["month"].tolist()
    [12, 5]
    """
    tables = dict(getattr(ds, "tables", ds))
    for name in MONTHLY:
        frame = tables.get(name)
        if frame is None or not len(frame) or "month" not in frame:
            continue
        y = pd.to_numeric(frame["year"], errors="coerce")
        m = pd.to_numeric(frame["month"], errors="coerce")
        keep = (y < int(year)) | ((y == int(year)) & (m <= int(month)))
        tables[name] = frame.loc[keep.fillna(False).to_numpy(dtype=bool)]
    return KnownAt(tables, ds.report)
