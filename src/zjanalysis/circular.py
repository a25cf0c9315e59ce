"""Build the monthly circular (通报) of investment completed against the plan.

The minutes (clauses 二(一), 三(一), 六) ask the development and reform bureau
to report every month the investment completed by every county (县、市、区)
and every industry department, the key projects behind their node targets,
and the progress of land acquisition (征地拆迁). This module computes those
tables from the canonical contract frames; it never reads files or the clock.

Definitions used throughout (documented here once, shown in the report):

- **Annual plan** and **completed year to date**: :mod:`zjanalysis.plan`
  (:func:`~zjanalysis.plan.select_plan_projects`,
  :func:`~zjanalysis.plan.progress_to_date`); a project with no report for the
  as-of month carries its last reported figure of the year and is listed as
  "no report this month".
- **Expected rate**: the share of a year's investment normally done by the
  as-of month, from :func:`zjanalysis.seasonality.estimate_seasonal_shares` on
  the county's own monthly statistics, else the city's, else the time share
  month/12. The basis is returned with every row.
- **Status**: gap = completion rate − expected rate, in percentage points.
  绿 when the gap is at least ``-amber_gap_pp``, 黄 down to ``-red_gap_pp``,
  红 below; a unit with zero plan has no rate ("—") and status 无计划.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zjanalysis import coverage, schema
from zjanalysis.asof import AsOf
from zjanalysis.plan import (
    NEW_START_STAGE,
    index_in,
    month_end,
    progress_to_date,
    project_info,
    select_plan_projects,
    table_or_empty,
)
from zjanalysis.seasonality import SeasonalShares, estimate_seasonal_shares, time_shares

#: The tables the circular reads (errors in them block it) and what it needs:
#: the year's ledger and progress reports reaching the as-of month.
READS: tuple[str, ...] = (
    "projects",
    "project_progress",
    "milestones",
    "land_plan",
    "fai_monthly",
)
NEEDS: tuple[coverage.Need, ...] = (
    coverage.Need("projects"),
    coverage.Need("project_progress", monthly=True),
)
#: Status of a unit whose annual plan is zero.
STATUS_NO_PLAN = "无计划"
STATUS_GREEN, STATUS_AMBER, STATUS_RED = "绿", "黄", "红"
#: Basis labels for the expected rate.
BASIS_OWN, BASIS_CITY, BASIS_TIME = "本地区历年进度", "全市历年进度", "时间进度"

# --- expected progress -------------------------------------------------------------


def compute_expected_rates(
    fai_monthly: pd.DataFrame,
    *,
    regions: Iterable[str],
    year: int,
    month: int,
    min_years: int = 2,
) -> pd.DataFrame:
    """Compute the expected completion rate at ``month`` for each region.

    Each region uses its own seasonal shares from past years' statistics when
    it has at least ``min_years`` complete years; otherwise the city's
    (``schema.CITY``) seasonal shares; otherwise the time share month/12.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame (may be empty).
    regions : iterable of str
        County names (or any labels; names absent from the statistics, such
        as 市直 or a department, take the city's shares).
    year, month : int
        The year judged (only earlier years are used) and the as-of month.
    min_years : int, default 2
        Passed to :func:`~zjanalysis.seasonality.estimate_seasonal_shares`.

    Returns
    -------
    pd.DataFrame
        Indexed by region: ``expected_pct`` (0..100), ``method``
        (``seasonal``/``time``) and ``basis`` (本地区历年进度 / 全市历年进度 /
        时间进度).

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["region", "year", "month", "cum_investment"])
    >>> r = compute_expected_rates(empty, regions=["赤坎区"], year=2021, month=6).loc["赤坎区"]
    >>> float(r["expected_pct"]), r["basis"]
    (50.0, '时间进度')
    """
    city = _shares_for(fai_monthly, schema.CITY, year, min_years)
    rows = {}
    for region in regions:
        own = (
            _shares_for(fai_monthly, region, year, min_years)
            if region != schema.CITY
            else city
        )
        if own.method == "seasonal":
            shares, basis = own, (BASIS_OWN if region != schema.CITY else BASIS_CITY)
        elif city.method == "seasonal":
            shares, basis = city, BASIS_CITY
        else:
            shares, basis = time_shares(), BASIS_TIME
        rows[region] = (100.0 * shares.at(month), shares.method, basis)
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["expected_pct", "method", "basis"]
    )


def _shares_for(
    fai_monthly: pd.DataFrame, region: str, year: int, min_years: int
) -> SeasonalShares:
    if fai_monthly is None or fai_monthly.empty:
        return time_shares()
    return estimate_seasonal_shares(
        fai_monthly, region, before_year=year, min_years=min_years
    )


# --- ranking -----------------------------------------------------------------------


def classify_status(
    completion_pct: pd.Series | np.ndarray,
    expected_pct: pd.Series | np.ndarray,
    *,
    amber_gap_pp: float = 5.0,
    red_gap_pp: float = 10.0,
) -> np.ndarray:
    """Classify completion against the expected rate as 绿/黄/红/无计划.

    Parameters
    ----------
    completion_pct, expected_pct : array-like
        Completion rate (NaN when the plan is zero) and expected rate, percent.
    amber_gap_pp, red_gap_pp : float, default 5 and 10
        A unit more than ``amber_gap_pp`` points behind the expected rate is
        黄, more than ``red_gap_pp`` points behind is 红.

    Returns
    -------
    np.ndarray of str

    Examples
    --------
    >>> classify_status([50.0, 44.0, 39.0, float("nan")], [50.0] * 4).tolist()
    ['绿', '黄', '红', '无计划']
    """
    if red_gap_pp < amber_gap_pp:
        raise ValueError("red_gap_pp must be at least amber_gap_pp")
    done = np.asarray(completion_pct, dtype=float)
    gap = done - np.asarray(expected_pct, dtype=float)
    return np.select(
        [np.isnan(done), gap >= -amber_gap_pp, gap >= -red_gap_pp],
        [STATUS_NO_PLAN, STATUS_GREEN, STATUS_AMBER],
        default=STATUS_RED,
    )


def rank_completion(
    project_completion: pd.DataFrame,
    *,
    by: str,
    expected: pd.DataFrame | float,
    units: Iterable[str] | None = None,
    amber_gap_pp: float = 5.0,
    red_gap_pp: float = 10.0,
) -> pd.DataFrame:
    """Rank units (counties or departments) by their completion rate.

    Parameters
    ----------
    project_completion : pd.DataFrame
        Output of :func:`zjanalysis.plan.progress_to_date`.
    by : str
        ``"county"`` or ``"department"``.
    expected : pd.DataFrame or float
        Output of :func:`compute_expected_rates` (indexed by unit), or one
        expected rate in percent for every unit.
    units : iterable of str, optional
        Units to show even without plan projects (they get status 无计划).
    amber_gap_pp, red_gap_pp : float
        Status thresholds, see :func:`classify_status`.

    Returns
    -------
    pd.DataFrame
        One row per unit: ``by``, ``n_projects``, ``plan_wan``,
        ``completed_wan``, ``completion_pct`` (NaN when the plan is zero),
        ``expected_pct``, ``gap_pp``, ``rank`` (1 = highest completion rate;
        ties share the better rank; NA for units without plan), ``status``,
        ``basis`` and ``n_no_report``; sorted by rank, unranked units last.

    Examples
    --------
    >>> pc = pd.DataFrame({"county": ["甲", "乙"], "plan_wan": [100.0, 100.0],
    ...     "completed_wan": [30.0, 60.0], "missing_report": [False, False]})
    >>> rank_completion(pc, by="county", expected=50.0, units=["丙"])[["county", "rank", "status"]
    ...     ].values.tolist()
    [['乙', 1, '绿'], ['甲', 2, '红'], ['丙', <NA>, '无计划']]
    """
    pc = project_completion
    keys = pc[by].fillna("（未填）").astype(object)
    grouped = (
        pd.DataFrame(
            {
                "n_projects": 1,
                "plan_wan": pc["plan_wan"].to_numpy(dtype=float),
                "completed_wan": pc["completed_wan"].to_numpy(dtype=float),
                "n_no_report": _missing(pc),
            }
        )
        .groupby(keys.to_numpy(), sort=False)
        .sum()
    )
    order = list(units or []) + [u for u in grouped.index if u not in set(units or [])]
    table = grouped.reindex(order).fillna(0)
    table.index.name = by
    table = table.reset_index()
    table["n_projects"] = table["n_projects"].astype("int64")
    table["n_no_report"] = table["n_no_report"].astype("int64")
    plan = table["plan_wan"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(plan > 0, 100.0 * table["completed_wan"] / plan, np.nan)
    table["completion_pct"] = rate
    if isinstance(expected, pd.DataFrame):
        table["expected_pct"] = expected["expected_pct"].reindex(table[by]).to_numpy()
        table["basis"] = expected["basis"].reindex(table[by]).to_numpy()
    else:
        table["expected_pct"] = float(expected)
        table["basis"] = ""
    table["gap_pp"] = table["completion_pct"] - table["expected_pct"]
    table["rank"] = (
        table["completion_pct"].rank(ascending=False, method="min").astype("Int64")
    )
    table["status"] = classify_status(
        table["completion_pct"],
        table["expected_pct"],
        amber_gap_pp=amber_gap_pp,
        red_gap_pp=red_gap_pp,
    )
    table = table.sort_values("rank", na_position="last", kind="stable")
    cols = [by, "n_projects", "plan_wan", "completed_wan", "completion_pct"]
    cols += ["expected_pct", "gap_pp", "rank", "status", "basis", "n_no_report"]
    return table[cols].reset_index(drop=True)


# --- project lists -----------------------------------------------------------------


def find_lagging_milestones(
    plan: pd.DataFrame, milestones: pd.DataFrame, *, as_of_date: pd.Timestamp
) -> pd.DataFrame:
    """List plan projects' milestones due by ``as_of_date`` and not done by then.

    A milestone is lagging when ``due_date <= as_of_date`` and it has no
    ``done_date`` or was done only after ``as_of_date`` (not yet known then).

    Parameters
    ----------
    plan : pd.DataFrame
        Plan projects (``project_id``, ``name``, ``county``, ``department``,
        ``is_key``).
    milestones : pd.DataFrame
        Canonical ``milestones`` frame.
    as_of_date : pd.Timestamp
        Usually :func:`zjanalysis.plan.month_end` of the as-of month.

    Returns
    -------
    pd.DataFrame
        ``project_id``, ``name``, ``county``, ``department``, ``is_key``,
        ``milestone``, ``due_date``, ``days_overdue``; key projects first, then
        the most overdue.

    Examples
    --------
    >>> plan = pd.DataFrame({"project_id": ["a"], "name": ["港"], "county": ["赤坎区"],
    ...     "department": ["市交通运输局"], "is_key": [True]})
    >>> ms = pd.DataFrame({"project_id": ["a", "a"], "milestone": ["开工", "主体"],
    ...     "due_date": pd.to_datetime(["2021-03-01", "2021-09-01"]),
    ...     "done_date": pd.to_datetime([None, None])})
    >>> find_lagging_milestones(plan, ms, as_of_date=pd.Timestamp("2021-06-30"))[
    ...     ["milestone", "days_overdue"]].values.tolist()
    [['开工', 121]]
    """
    due = pd.to_datetime(milestones["due_date"])
    done = pd.to_datetime(milestones["done_date"])
    late = (due <= as_of_date) & (done.isna() | (done > as_of_date))
    ms = milestones.loc[
        late.fillna(False).to_numpy(dtype=bool), ["project_id", "milestone"]
    ]
    ms = ms.assign(due_date=due[late.fillna(False)].to_numpy())
    codes = index_in(ms["project_id"], plan["project_id"])
    keep = codes >= 0
    out = project_info(plan.iloc[codes[keep]]).assign(
        milestone=ms["milestone"].array[keep], due_date=ms["due_date"].to_numpy()[keep]
    )
    out["days_overdue"] = (as_of_date - out["due_date"]).dt.days.astype("int64")
    out = out.sort_values(
        ["is_key", "days_overdue", "project_id"], ascending=[False, False, True]
    )
    return out.reset_index(drop=True)


def find_unstarted_new_projects(
    project_completion: pd.DataFrame, *, as_of_date: pd.Timestamp
) -> pd.DataFrame:
    """List 新开工 plan projects whose planned start has passed but not started.

    A project has started when a progress row up to the as-of month reports an
    ``actual_start`` on or before ``as_of_date``. Investment reported without a
    start date does not count as a start (the list shows it, so the office can
    ask for the date). Projects without a planned start are not judged.

    Parameters
    ----------
    project_completion : pd.DataFrame
        Output of :func:`zjanalysis.plan.progress_to_date`.
    as_of_date : pd.Timestamp
        Usually :func:`zjanalysis.plan.month_end` of the as-of month.

    Returns
    -------
    pd.DataFrame
        ``project_id``, ``name``, ``county``, ``department``, ``is_key``,
        ``planned_start``, ``days_late``, ``completed_wan``; key projects first,
        then the latest.

    Examples
    --------
    >>> pc = pd.DataFrame({"project_id": ["a", "b"], "name": ["甲", "乙"],
    ...     "county": ["赤坎区"] * 2, "department": ["市水务局"] * 2,
    ...     "is_key": [True, True], "stage": ["新开工"] * 2, "completed_wan": [0.0] * 2,
    ...     "planned_start": pd.to_datetime(["2021-03-01", "2021-03-01"]),
    ...     "actual_start": pd.to_datetime([None, "2021-04-01"])})
    >>> find_unstarted_new_projects(pc, as_of_date=pd.Timestamp("2021-06-30"))[
    ...     "project_id"].tolist()
    ['a']
    """
    pc = project_completion
    planned = pd.to_datetime(pc["planned_start"])
    actual = pd.to_datetime(pc["actual_start"])
    started = actual.notna() & (actual <= as_of_date)
    mask = (pc["stage"] == NEW_START_STAGE) & (planned <= as_of_date) & ~started
    out = pc.loc[mask.fillna(False).to_numpy(dtype=bool)]
    out = out[
        [
            "project_id",
            "name",
            "county",
            "department",
            "is_key",
            "planned_start",
            "completed_wan",
        ]
    ].copy()
    out.insert(
        6, "days_late", (as_of_date - out["planned_start"]).dt.days.astype("int64")
    )
    out = out.sort_values(
        ["is_key", "days_late", "project_id"], ascending=[False, False, True]
    )
    return out.reset_index(drop=True)


def find_missing_reports(project_completion: pd.DataFrame) -> pd.DataFrame:
    """List plan projects due to report that have no row for the as-of month.

    A project is due to report when it has started or reported earlier in the
    year (see :func:`zjanalysis.plan.progress_to_date`); its completion carries the
    last value reported earlier in the year.

    Parameters
    ----------
    project_completion : pd.DataFrame
        Output of :func:`zjanalysis.plan.progress_to_date`.

    Returns
    -------
    pd.DataFrame
        ``project_id``, ``name``, ``county``, ``department``, ``is_key``,
        ``last_report_month`` (0 = never this year), ``completed_wan``; key
        projects first.

    Examples
    --------
    >>> pc = pd.DataFrame({"project_id": ["a", "b"], "name": ["甲", "乙"],
    ...     "county": ["赤坎区"] * 2, "department": ["市水务局"] * 2,
    ...     "is_key": [False, True], "missing_report": [True, False],
    ...     "last_report_month": [4, 6], "completed_wan": [5.0, 9.0]})
    >>> find_missing_reports(pc)["project_id"].tolist()
    ['a']
    """
    pc = project_completion
    out = pc.loc[
        _missing(pc),
        [
            "project_id",
            "name",
            "county",
            "department",
            "is_key",
            "last_report_month",
            "completed_wan",
        ],
    ]
    out = out.sort_values(["is_key", "project_id"], ascending=[False, True])
    return out.reset_index(drop=True)


def _missing(pc: pd.DataFrame) -> np.ndarray:
    """Return the missing-report flags (all not-reported rows if not computed)."""
    if "missing_report" in pc:
        return pc["missing_report"].to_numpy(dtype=bool)
    return ~pc["reported_this_month"].to_numpy(dtype=bool)


# --- land acquisition --------------------------------------------------------------


def summarize_land_acquisition(
    projects: pd.DataFrame,
    land_plan: pd.DataFrame,
    *,
    year: int,
    units: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Summarize land acquisition (征地拆迁) progress by county from the land plan.

    Every ``land_plan`` entry with a land area above zero, whose project is in
    the ``projects`` of ``plan_year == year`` (any stage: reserve projects
    also acquire land), counts. Its progress is the land plan's
    ``land_acquired_pct``, else the project ledger's; entries with neither are
    counted in ``n_no_pct`` and left out of both rates.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame (gives each project's county).
    land_plan : pd.DataFrame
        Canonical ``land_plan`` frame.
    year : int
        Plan year.
    units : iterable of str, optional
        Counties to show even without land entries.

    Returns
    -------
    pd.DataFrame
        One row per county plus a last row ``全市合计``: ``county``,
        ``n_land_projects``, ``n_land_done`` (progress 100%),
        ``count_done_pct`` (share of projects done), ``land_area_mu``,
        ``acquired_area_mu`` (area × progress), ``area_weighted_pct``
        (acquired / area of the entries with progress) and ``n_no_pct``.

    Examples
    --------
    >>> pr = pd.DataFrame({"project_id": ["a", "b"], "plan_year": [2021, 2021],
    ...     "county": ["赤坎区", "赤坎区"], "land_acquired_pct": [None, None]})
    >>> lp = pd.DataFrame({"project_id": ["a", "b"], "land_area_mu": [100.0, 300.0],
    ...     "land_acquired_pct": [100.0, 50.0]})
    >>> row = summarize_land_acquisition(pr, lp, year=2021).iloc[0]
    >>> int(row["n_land_done"]), float(row["count_done_pct"]), float(row["area_weighted_pct"])
    (1, 50.0, 62.5)
    """
    cols = ["project_id", "county"]
    cols += ["land_acquired_pct"] if "land_acquired_pct" in projects else []
    year_projects = projects.loc[
        (projects["plan_year"] == year).fillna(False).to_numpy(dtype=bool), cols
    ]
    area = pd.to_numeric(land_plan["land_area_mu"], errors="coerce")
    lp = land_plan.loc[(area > 0).fillna(False).to_numpy(dtype=bool)]
    lp = pd.DataFrame(
        {
            "project_id": lp["project_id"].to_numpy(),
            "area": area[(area > 0).fillna(False)].to_numpy(dtype=float),
            "pct_land": pd.to_numeric(
                lp["land_acquired_pct"], errors="coerce"
            ).to_numpy(dtype=float),
        }
    )
    # the first ledger row of each project gives its county (index_in: fast)
    codes = index_in(lp["project_id"], year_projects["project_id"])
    keep = codes >= 0
    ledger = year_projects.iloc[codes[keep]]
    merged = (
        lp.loc[keep]
        .reset_index(drop=True)
        .assign(
            county=ledger["county"].array,
            pct_ledger=(
                ledger["land_acquired_pct"].to_numpy(float, na_value=np.nan)
                if "land_acquired_pct" in ledger
                else np.nan
            ),
        )
    )
    pct = merged["pct_land"].fillna(
        pd.to_numeric(merged["pct_ledger"], errors="coerce")
    )
    known = pct.notna()
    pct_clip = pct.clip(0.0, 100.0)
    frame = pd.DataFrame(
        {
            "county": merged["county"].fillna("（未填）").astype(object),
            "n_land_projects": 1,
            "n_land_done": (pct_clip >= 100.0).fillna(False).astype("int64"),
            "land_area_mu": merged["area"],
            "known_area": merged["area"].where(known, 0.0),
            "known_count": known.astype("int64"),
            "acquired_area_mu": (merged["area"] * pct_clip / 100.0).fillna(0.0),
        }
    )
    grouped = frame.groupby("county", sort=False).sum()
    order = list(units or [])
    order += [u for u in grouped.index if u not in set(order)]
    table = grouped.reindex(order).fillna(0)
    table.loc["全市合计"] = table.sum()
    table.index.name = "county"
    table = table.reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["count_done_pct"] = np.where(
            table["known_count"] > 0,
            100.0 * table["n_land_done"] / table["known_count"],
            np.nan,
        )
        table["area_weighted_pct"] = np.where(
            table["known_area"] > 0,
            100.0 * table["acquired_area_mu"] / table["known_area"],
            np.nan,
        )
    table["n_no_pct"] = table["n_land_projects"] - table["known_count"]
    for c in ("n_land_projects", "n_land_done", "n_no_pct"):
        table[c] = table[c].astype("int64")
    cols = ["county", "n_land_projects", "n_land_done", "count_done_pct"]
    cols += ["land_area_mu", "acquired_area_mu", "area_weighted_pct", "n_no_pct"]
    return table[cols]


# --- the circular ------------------------------------------------------------------


@dataclass(frozen=True)
class CircularResult:
    """The monthly circular: completion tables, lagging projects, land.

    Attributes
    ----------
    year, month : int
        The as-of month.
    by_county, by_department : pd.DataFrame
        Output of :func:`rank_completion`.
    city : pd.Series
        City totals: ``n_projects``, ``plan_wan``, ``completed_wan``,
        ``completion_pct``, ``expected_pct``, ``gap_pp``, ``status``, ``basis``.
    projects : pd.DataFrame
        Output of :func:`zjanalysis.plan.progress_to_date` (every plan project).
    lagging_milestones, unstarted_new, missing_reports, land : pd.DataFrame
        Outputs of the ``find_*`` functions and of
        :func:`summarize_land_acquisition`.
    thresholds : dict
        ``amber_gap_pp`` and ``red_gap_pp``.
    refusal : str
        Empty, or why the circular was not computed; the tables are then empty.
    refusal_kind : str
        ``errors`` (data errors in the tables it reads) or ``no_data`` (the
        progress reports or the ledger do not cover the period), see
        :func:`zjanalysis.coverage.gate`.
    """

    year: int
    month: int
    by_county: pd.DataFrame
    by_department: pd.DataFrame
    city: pd.Series
    projects: pd.DataFrame
    lagging_milestones: pd.DataFrame
    unstarted_new: pd.DataFrame
    missing_reports: pd.DataFrame
    land: pd.DataFrame
    thresholds: dict[str, float] = field(default_factory=dict)
    refusal: str = ""
    refusal_kind: str = ""
    #: False when no node target of a plan project falls in the plan year:
    #: nothing can be said about lagging milestones (an empty list would read
    #: "none late").
    milestones_received: bool = True


def city_statistics(fai_monthly: pd.DataFrame, *, year: int, month: int) -> float:
    """Return the statistics bureau's city FAI to date (万元; NaN when not published).

    The circular's completion is the sum of the plan projects' own reports; the
    statistics also count projects outside the plan, so the two differ and the
    report says why beside both.

    Examples
    --------
    >>> f = pd.DataFrame({"region": ["湛江市"], "year": [2021], "month": [6],
    ...                   "cum_investment": [5646800.0]})
    >>> city_statistics(f, year=2021, month=6), city_statistics(f, year=2021, month=5)
    (5646800.0, nan)
    """
    rows = fai_monthly.loc[
        (fai_monthly["region"] == schema.CITY).fillna(False).to_numpy(dtype=bool)
        & (fai_monthly["year"] == int(year)).fillna(False).to_numpy(dtype=bool)
        & (fai_monthly["month"] == int(month)).fillna(False).to_numpy(dtype=bool)
    ]
    values = pd.to_numeric(rows.get("cum_investment"), errors="coerce").dropna()
    return float(values.iloc[-1]) if len(values) else float("nan")


def compute_circular(
    tables: Mapping[str, pd.DataFrame],
    *,
    year: int,
    month: int,
    amber_gap_pp: float = 5.0,
    red_gap_pp: float = 10.0,
    min_years: int = 2,
) -> CircularResult:
    """Compute the monthly circular for ``year``-``month``.

    Parameters
    ----------
    tables : mapping of str to pd.DataFrame
        The canonical tables (a :class:`zjanalysis.io.Dataset` works): uses
        ``projects``, ``project_progress``, ``milestones``, ``land_plan`` and
        ``fai_monthly``; a missing table counts as empty.
    year, month : int
        The as-of month.
    amber_gap_pp, red_gap_pp : float, default 5 and 10
        Status thresholds in percentage points behind the expected rate.
    min_years : int, default 2
        Fewest past years for a seasonal expected rate.

    Returns
    -------
    CircularResult

    Examples
    --------
    See ``tests/test_circular.py`` for worked examples with hand-computed values.
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    projects = table_or_empty(tables, "projects")
    plan = select_plan_projects(projects, year=year)
    pc = progress_to_date(
        plan, table_or_empty(tables, "project_progress"), year=year, month=month
    )
    as_of_date = month_end(year, month)
    counties = list(schema.COUNTIES)
    extra = [c for c in pd.unique(pc["county"].dropna()) if c not in counties]
    county_units = counties + sorted(extra)
    fai = table_or_empty(tables, "fai_monthly")
    expected_county = compute_expected_rates(
        fai, regions=county_units, year=year, month=month, min_years=min_years
    )
    county_table = rank_completion(
        pc,
        by="county",
        expected=expected_county,
        units=county_units,
        amber_gap_pp=amber_gap_pp,
        red_gap_pp=red_gap_pp,
    )
    city_expected = compute_expected_rates(
        fai, regions=[schema.CITY], year=year, month=month, min_years=min_years
    )
    year_depts = projects.loc[
        (projects["plan_year"] == year).fillna(False).to_numpy(dtype=bool), "department"
    ]
    dept_units = sorted(pd.unique(year_depts.dropna()))
    dept_expected = pd.DataFrame(
        {
            "expected_pct": city_expected["expected_pct"].iloc[0],
            "basis": city_expected["basis"].iloc[0],
        },
        index=pd.Index(dept_units + ["（未填）"]),
    )
    dept_table = rank_completion(
        pc,
        by="department",
        expected=dept_expected,
        units=dept_units,
        amber_gap_pp=amber_gap_pp,
        red_gap_pp=red_gap_pp,
    )
    plan_total = float(pc["plan_wan"].sum())
    done_total = float(pc["completed_wan"].sum())
    rate = 100.0 * done_total / plan_total if plan_total > 0 else np.nan
    exp = float(city_expected["expected_pct"].iloc[0])
    city = pd.Series(
        {
            "n_projects": len(pc),
            "plan_wan": plan_total,
            "completed_wan": done_total,
            "completion_pct": rate,
            "expected_pct": exp,
            "gap_pp": rate - exp,
            "status": classify_status(
                [rate], [exp], amber_gap_pp=amber_gap_pp, red_gap_pp=red_gap_pp
            )[0],
            "basis": city_expected["basis"].iloc[0],
            "n_no_report": int(_missing(pc).sum()),
            "statistics_wan": city_statistics(fai, year=year, month=month),
        },
        name=schema.CITY,
    )
    milestones = table_or_empty(tables, "milestones")
    return CircularResult(
        year=int(year),
        month=int(month),
        by_county=county_table,
        by_department=dept_table,
        city=city,
        projects=pc,
        lagging_milestones=find_lagging_milestones(
            plan, milestones, as_of_date=as_of_date
        ),
        milestones_received=bool(
            (
                (index_in(milestones["project_id"], plan["project_id"]) >= 0)
                & (pd.to_datetime(milestones["due_date"]).dt.year == int(year))
                .fillna(False)
                .to_numpy(dtype=bool)
            ).any()
        ),
        unstarted_new=find_unstarted_new_projects(pc, as_of_date=as_of_date),
        missing_reports=find_missing_reports(pc),
        land=summarize_land_acquisition(
            projects, table_or_empty(tables, "land_plan"), year=year, units=counties
        ),
        thresholds={"amber_gap_pp": amber_gap_pp, "red_gap_pp": red_gap_pp},
    )


def compute_circular_for_dataset(
    ds: coverage.DatasetLike, *, year: int, as_of: str | AsOf, **kwargs: float
) -> CircularResult:
    """Compute the circular from a loaded data set, or refuse when it has errors.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        A loaded data set (``ds.report`` and the canonical tables).
    year : int
        Plan year.
    as_of : str or AsOf
        The last month of data; the circular covers :meth:`AsOf.month_in`
        ``year`` (1—12月 once the year is over).
    **kwargs
        Passed to :func:`compute_circular` (thresholds).

    Returns
    -------
    CircularResult
        With ``refusal`` set and empty tables when the data have errors: the
        data-quality report lists them, and a circular built on them would
        mislead the meeting.
    """
    verdict, month = coverage.gate_as_of(
        ds, reads=READS, needs=NEEDS, year=year, as_of=as_of, what="出{period}通报"
    )
    month = month or 1
    if verdict.ok:
        return compute_circular(ds, year=year, month=month, **kwargs)
    empty = compute_circular({}, year=year, month=month, **kwargs)
    frames = {
        f: getattr(empty, f).iloc[0:0]
        for f in (
            "by_county",
            "by_department",
            "projects",
            "lagging_milestones",
            "unstarted_new",
            "missing_reports",
            "land",
        )
    }
    return CircularResult(
        year=empty.year,
        month=empty.month,
        city=empty.city,
        thresholds=empty.thresholds,
        refusal=verdict.reason,
        refusal_kind=verdict.kind,
        **frames,
    )
