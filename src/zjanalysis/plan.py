"""The annual plan of a year and each project's progress to date: rules every report shares.

The circular, the plan-integrity checks, the SOE check and the readiness report
all ask the same questions of the ledger and the monthly progress reports; the
answers are defined here once, and nowhere else.

- **Stages.** 新开工, 续建 and 竣工 projects are in the annual plan; 预备 (前期预备)
  projects are in it when they carry plan money (``plan_investment > 0``): the
  plan as issued allocates their pre-work money and the statistics count it.
  储备 (reserve) projects are not in the plan. 续建 and 竣工 projects have started
  by definition.
- **Annual plan** of a year: :func:`select_plan_projects`, the projects of that
  ``plan_year`` in a plan stage; a repeated project id keeps its first row.
- **Latest report** of a project at an as-of month: its ``project_progress`` row
  of the same year with the latest month up to the as-of month *that states a
  cumulative figure*. A row whose ``cum_completed`` is blank is not a report: the
  figure of the last month that has one is carried (cumulative figures never
  fall), and the project counts as not reported for the as-of month.
- **Completed to date**: ``cum_completed`` of the latest report, 0 when the
  project never reported in the year (:func:`progress_to_date`).
- **First start**: the earliest ``actual_start`` any progress row of the year up
  to the as-of month gives.
- **Started**: 续建 or 竣工, or a first start on or before the end of the as-of
  month, or investment reported.

Pure functions on the canonical frames; nothing here reads files or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from zjanalysis import schema

#: Stages whose projects are in the annual plan (预备 only with plan money).
PLAN_STAGES: tuple[str, ...] = ("新开工", "续建", "竣工")
#: Pre-work projects: in the plan only when they carry plan money.
PREP_STAGE = "预备"
#: Projects planned to start this year.
NEW_START_STAGE = "新开工"
#: Stages whose projects have started by definition.
ONGOING_STAGES: tuple[str, ...] = ("续建", "竣工")
#: Reserve projects: never in the annual plan.
RESERVE_STAGE = "储备"


# --- small shared tools ------------------------------------------------------------


def as_bool(series: pd.Series) -> np.ndarray:
    """Return a plain bool array of a yes/no column, missing = False.

    Examples
    --------
    >>> as_bool(pd.Series([True, None, False], dtype="boolean")).tolist()
    [True, False, False]
    """
    return series.astype("boolean").fillna(False).to_numpy(dtype=bool)


def table_or_empty(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """Return table ``name`` with every contract column (an empty frame when absent).

    Examples
    --------
    >>> list(table_or_empty({}, "milestones").columns)[:2]
    ['project_id', 'milestone']
    """
    try:
        frame = tables[name]
    except KeyError:
        frame = None
    if frame is None:
        return pd.DataFrame(columns=schema.get_table(name).column_names)
    missing = [c for c in schema.get_table(name).column_names if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: np.nan for c in missing})
    return frame


def index_in(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Return the position of each value in ``keys`` (-1 when absent).

    Project ids are matched with Arrow's hash join, several times faster than
    a pandas index on millions of strings; the first of duplicate keys wins.

    Parameters
    ----------
    values, keys : pd.Series
        Text columns (any string or object dtype).

    Returns
    -------
    np.ndarray of int64

    Examples
    --------
    >>> index_in(pd.Series(["b", "x", "a"]), pd.Series(["a", "b"])).tolist()
    [1, -1, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        v = pa.array(values, from_pandas=True).cast(pa.large_string())
        k = pa.array(keys, from_pandas=True).cast(pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        v = pa.array(values.astype(str), from_pandas=True).cast(pa.large_string())
        k = pa.array(keys.astype(str), from_pandas=True).cast(pa.large_string())
    found = pc.index_in(v, value_set=k)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def latest_per_code(codes: np.ndarray, months: np.ndarray, n: int) -> np.ndarray:
    """Return, for each code 0..n-1, the row with the latest month (-1: none).

    Rows with a negative code are ignored; among rows of the same code and
    month the last one wins.

    Examples
    --------
    >>> latest_per_code(np.array([0, 0, 2, -1]), np.array([5, 6, 1, 9]), 3).tolist()
    [1, -1, 2]
    """
    codes = np.asarray(codes, dtype=np.int64)
    months = np.asarray(months, dtype=np.int64)
    rows = np.flatnonzero(codes >= 0)
    c, m = codes[rows], months[rows]
    # unbuffered ufunc.at is linear: much faster than sorting millions of rows
    best = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(best, c, m)
    at_best = m == best[c]
    out = np.full(n, -1, dtype=np.int64)
    np.maximum.at(out, c[at_best], rows[at_best])
    return out


def month_end(year: int, month: int) -> pd.Timestamp:
    """Return the last day of ``year``-``month`` (the as-of date of a report).

    Examples
    --------
    >>> month_end(2021, 6)
    Timestamp('2021-06-30 00:00:00')
    """
    return pd.Timestamp(int(year), int(month), 1) + pd.offsets.MonthEnd(0)


# --- the annual plan ---------------------------------------------------------------


def plan_stage_mask(projects: pd.DataFrame) -> np.ndarray:
    """Return True for rows whose stage puts them in an annual plan.

    新开工, 续建 and 竣工, and 预备 with ``plan_investment > 0``.

    Examples
    --------
    >>> p = pd.DataFrame({"stage": ["续建", "储备", "预备", "预备"],
    ...                   "plan_investment": [1.0, 5.0, 0.0, 2.0]})
    >>> plan_stage_mask(p).tolist()
    [True, False, False, True]
    """
    stage = projects["stage"]
    plan_money = pd.to_numeric(projects["plan_investment"], errors="coerce").fillna(0.0)
    return stage.isin(PLAN_STAGES).to_numpy(dtype=bool) | (
        (stage == PREP_STAGE).fillna(False).to_numpy(dtype=bool)
        & (plan_money.to_numpy() > 0)
    )


def cancelled_in_year(plan_changes: pd.DataFrame | None, *, year: int) -> set[str]:
    """Return the ids of the projects taken out of the plan of ``year`` (取消).

    A project is cancelled when its last change of the year in the plan-change
    log (by ``change_date``, the log's order on equal dates) is a 取消; a later
    新增 puts it back. Changes without a date count as of the year: the log is
    kept per plan year. Such a project stays in the ledger (stage 储备, plan 0)
    but is not to be released again in the same year.

    Examples
    --------
    >>> ch = pd.DataFrame({"project_id": ["a", "b", "b", "c"],
    ...     "change_type": ["取消", "取消", "新增", "取消"],
    ...     "change_date": pd.to_datetime(
    ...         ["2021-03-01", "2021-02-01", "2021-05-01", "2020-06-01"])})
    >>> sorted(cancelled_in_year(ch, year=2021))
    ['a']
    """
    if plan_changes is None or plan_changes.empty:
        return set()
    dates = pd.to_datetime(plan_changes["change_date"], errors="coerce")
    in_year = (dates.dt.year == int(year)) | dates.isna()
    log = plan_changes.loc[in_year.to_numpy(bool)].assign(_date=dates[in_year])
    log = log.assign(_pos=np.arange(len(log))).sort_values(
        ["_date", "_pos"], kind="stable", na_position="first"
    )
    last = log.drop_duplicates("project_id", keep="last")
    return set(last.loc[last["change_type"] == "取消", "project_id"].astype(str))


def select_plan_projects(projects: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Select the projects of the annual plan of ``year``.

    A project is in the plan when its ``plan_year`` is ``year`` and its stage
    is in the plan (:func:`plan_stage_mask`). Duplicate project ids keep their
    first row. Selecting from a plan again returns the same rows.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame (or a plan already selected).
    year : int
        Plan year.

    Returns
    -------
    pd.DataFrame
        A new frame with the same columns, index reset.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b", "c"], "plan_year": [2021] * 3,
    ...     "stage": ["续建", "储备", "预备"], "plan_investment": [10.0, 5.0, 0.0]})
    >>> select_plan_projects(p, year=2021)["project_id"].tolist()
    ['a']
    """
    in_year = (projects["plan_year"] == int(year)).fillna(False).to_numpy(dtype=bool)
    keep = in_year & plan_stage_mask(projects)
    return projects.loc[keep].drop_duplicates("project_id").reset_index(drop=True)


# --- progress to date --------------------------------------------------------------


def progress_to_date(
    projects: pd.DataFrame, progress: pd.DataFrame, *, year: int, month: int
) -> pd.DataFrame:
    """Return each project's year-to-date completion at ``year``-``month``.

    Parameters
    ----------
    projects : pd.DataFrame
        Projects (usually :func:`select_plan_projects`): ``project_id`` and,
        where present, ``name``, ``county``, ``department``, ``is_key``,
        ``stage``, ``plan_investment``, ``planned_start``. A repeated id gets
        the same figures on every row.
    progress : pd.DataFrame
        Canonical ``project_progress`` frame.
    year, month : int
        The as-of month; rows of other years and later months are ignored.

    Returns
    -------
    pd.DataFrame
        One row per row of ``projects``, in order: ``project_id``, ``name``,
        ``county``, ``department``, ``is_key``, ``stage``, ``plan_wan``,
        ``completed_wan`` (the latest report's cumulative figure, 0 when none),
        ``last_report_month`` (0 when none), ``reported_this_month``,
        ``planned_start``, ``actual_start`` (the first start), ``started`` and
        ``missing_report``.

    Notes
    -----
    The module docstring defines latest report, first start and started. Only
    started projects and projects that reported earlier in the year are due to
    report monthly; ``missing_report`` marks those without a report for the
    as-of month. A 预备 project or a new start that has not started yet is not
    "missing".

    Examples
    --------
    A blank figure in June is no report: May's 40 is carried.

    >>> plan = pd.DataFrame({"project_id": ["a", "b"], "plan_investment": [100.0, 50.0]})
    >>> prog = pd.DataFrame({"project_id": ["a", "a", "b"], "year": [2021] * 3,
    ...     "month": [5, 6, 4], "cum_completed": [40.0, None, 10.0]})
    >>> progress_to_date(plan, prog, year=2021, month=6)[
    ...     ["completed_wan", "last_report_month", "reported_this_month"]].values.tolist()
    [[40.0, 5, False], [10.0, 4, False]]
    """
    n = len(projects)
    ids = projects["project_id"]
    if ids.is_unique:
        unique_ids, row_of = ids, np.arange(n)
    else:  # the figures are worked out per distinct id, then given to every row
        unique_ids = pd.Series(pd.unique(ids))
        row_of = index_in(ids, unique_ids)
    k = len(unique_ids)

    # work on whole columns with a mask: taking 12 million rows (strings
    # included) costs more than the analysis itself
    in_window = (progress["year"] == int(year)).fillna(False).to_numpy(dtype=bool) & (
        progress["month"] <= int(month)
    ).fillna(False).to_numpy(dtype=bool)
    codes = index_in(progress["project_id"], unique_ids)
    codes[~in_window] = -1
    months = progress["month"].to_numpy(dtype="int64", na_value=0)
    cum = progress["cum_completed"].to_numpy(dtype="float64", na_value=np.nan)
    report_codes = np.where(np.isnan(cum), -1, codes)
    latest = latest_per_code(report_codes, months, k)
    has = latest >= 0
    last_month_u = np.zeros(k, dtype=np.int64)
    completed_u = np.zeros(k, dtype=np.float64)
    last_month_u[has] = months[latest[has]]
    completed_u[has] = cum[latest[has]]
    start_u = _first_start(progress, codes, k)

    last_month = last_month_u[row_of]
    completed = completed_u[row_of]
    actual_start = start_u[row_of]
    stage = (
        projects["stage"] if "stage" in projects else pd.Series([""] * n, dtype=object)
    )
    as_of_date = month_end(year, month).to_datetime64()
    started = (
        stage.isin(ONGOING_STAGES).to_numpy(dtype=bool)
        | (~np.isnat(actual_start) & (actual_start <= as_of_date))
        | (completed > 0)
    )
    reported = last_month == int(month)
    out = project_info(projects)
    out["stage"] = stage.array if "stage" in projects else stage.to_numpy()
    out["plan_wan"] = (
        pd.to_numeric(projects["plan_investment"], errors="coerce")
        .fillna(0.0)
        .to_numpy(float)
        if "plan_investment" in projects
        else np.zeros(n)
    )
    out["completed_wan"] = completed
    out["last_report_month"] = last_month
    out["reported_this_month"] = reported
    out["planned_start"] = (
        pd.to_datetime(projects["planned_start"]).to_numpy("datetime64[ns]")
        if "planned_start" in projects
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    out["actual_start"] = actual_start
    out["started"] = started
    out["missing_report"] = (started | (last_month > 0)) & ~reported
    return out


def _first_start(progress: pd.DataFrame, codes: np.ndarray, k: int) -> np.ndarray:
    """Return the earliest ``actual_start`` per code (NaT when none)."""
    out = np.full(k, np.datetime64("NaT"), dtype="datetime64[ns]")
    if "actual_start" not in progress.columns:
        return out
    starts = pd.to_datetime(progress["actual_start"]).to_numpy("datetime64[ns]")
    rows = np.flatnonzero((codes >= 0) & ~np.isnat(starts))
    if rows.size:
        never = np.iinfo(np.int64).max
        first = np.full(k, never, dtype=np.int64)
        np.minimum.at(first, codes[rows], starts[rows].view(np.int64))
        known = first != never
        out[known] = first[known].view("datetime64[ns]")
    return out


def project_info(projects: pd.DataFrame) -> pd.DataFrame:
    """Return project_id, name, county, department, is_key (a new frame)."""
    n = len(projects)
    cols = {}
    for name in ("project_id", "name", "county", "department"):
        # .array keeps Arrow-backed text as is: no conversion to Python strings
        cols[name] = (
            projects[name].array if name in projects else np.full(n, np.nan, object)
        )
    cols["is_key"] = (
        as_bool(projects["is_key"]) if "is_key" in projects else np.zeros(n, bool)
    )
    return pd.DataFrame(cols)
