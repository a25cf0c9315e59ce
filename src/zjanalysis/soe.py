"""Check the state-owned enterprises' investment plans in Zhanjiang (minutes 九(二)).

The minutes ask the state-assets commission (市国资委) to fix every state-owned
enterprise's 2021 investment plan in Zhanjiang at no less than 20% growth. This
module answers, per enterprise and for all of them together:

- **growth**: the declared plan (``soe_plans`` kind 计划, the plan year) against
  the base-year actual (kind 完成, the year before), the growth in percent,
  pass or fail against the target and the shortfall in 万元 that would reach it;
- **backing**: the planned investment of the enterprise's projects in the ledger
  (``projects.soe_name``) against the declared plan, the gap and the projects;
- **risk**: how much of the planned growth rests on projects whose readiness
  grade (from :mod:`zjanalysis.readiness`) is below "ready";
- **execution**: investment completed year to date (``project_progress`` of the
  enterprise's projects) against the plan and against the share of the year
  normally done by the as-of month;
- enterprises in the ledger with no declared plan, and declared plans with no
  projects in the ledger.

All functions are pure: they take canonical frames (see :mod:`zjanalysis.schema`)
and explicit keyword parameters, and return new frames or a :class:`SoePlanCheck`
of numbers. Money is in 万元 throughout. What a reader sees of the check (the
headline, the tables, the workbook, the JSON) is
:class:`zjanalysis.reports.soe.SoeView`.

Entry points: :func:`check_soe_plans` on frames, :func:`check_soe_dataset` on a
loaded data set (it refuses politely when the data have errors)::

    ds = io.load_dataset("data/demo")
    check = soe.check_soe_dataset(ds, year=2021, as_of="2021-06",
                                  readiness_config=readiness.load_config())
    check.to_frame()    # one row per enterprise
    check.totals        # all enterprises together (SoeTotals)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from zjanalysis import coverage, defaults, schema
from zjanalysis.asof import AsOf
from zjanalysis.plan import progress_to_date, select_plan_projects
from zjanalysis.seasonality import SeasonalShares, estimate_seasonal_shares

PLAN_KIND, ACTUAL_KIND = schema.SOE_KINDS  # "计划", "完成"

#: Growth status per enterprise.
GROWTH_MEETS = "达标"
GROWTH_SHORT = "未达标"
GROWTH_NO_BASE = "无基数"
NO_PLAN = "未报计划"  # any section: no plan declared for the year
#: Backing status per enterprise.
BACKING_OK = "已支撑"
BACKING_SHORT = "支撑不足"
BACKING_NO_PROJECTS = "无项目"
#: Execution status per enterprise.
EXECUTION_OK = "正常"
EXECUTION_BEHIND = "滞后"
EXECUTION_NOT_STARTED = "未到执行期"
EXECUTION_UNTRACKED = "无项目可跟踪"
EXECUTION_PLAN_NOT_IN_PROJECTS = "计划未落实到项目"
#: The readiness grade that counts as ready (see :mod:`zjanalysis.readiness`).
READY_GRADE = "ready"

#: Growth is compared after rounding to this many decimals of a percent, so that
#: 120 / 100 is exactly +20% whatever the float error (1e-9 of a percent).
_PCT_DECIMALS = 9
#: Money results are rounded to 1e-6 万元 (0.01 yuan) to drop float dust.
_MONEY_DECIMALS = 6


class SoePlanError(ValueError):
    """The SOE plan table cannot be checked as given (e.g. duplicate plan rows)."""


# --- growth ------------------------------------------------------------------------


def check_soe_plan_rows(soe_plans: pd.DataFrame, *, years: tuple[int, ...]) -> None:
    """Refuse several rows for one enterprise, year and kind.

    The loader's duplicate-key check reports this as a validation error for the
    user; this guard makes the analysis refuse it plainly when called directly.

    Parameters
    ----------
    soe_plans : pd.DataFrame
        Canonical ``soe_plans`` frame (soe_name, year, kind, investment).
    years : tuple of int
        The years that matter (base year and plan year).

    Raises
    ------
    SoePlanError
        Naming every duplicated (enterprise, year, kind) and, when the frame
        carries ``_row``, the rows involved.

    Examples
    --------
    >>> df = pd.DataFrame({"soe_name": ["甲", "甲"], "year": [2021, 2021],
    ...                    "kind": ["计划", "计划"], "investment": [1.0, 2.0]})
    >>> check_soe_plan_rows(df, years=(2020, 2021))
    Traceback (most recent call last):
    ...
    zjanalysis.soe.SoePlanError: 国有企业投资计划有重复行：甲 2021年 计划（2行） / duplicate SOE plan rows: 甲 2021 计划 (2 rows)
    """
    sub = soe_plans.loc[soe_plans["year"].isin(list(years))]
    key = ["soe_name", "year", "kind"]
    counts = sub.groupby(key, dropna=False).size()
    dup = counts[counts > 1]
    if dup.empty:
        return
    where: dict[tuple, str] = {}
    if "_row" in sub.columns:  # the rows as the user sees them in Excel
        for k, rows in sub.groupby(key, dropna=False)["_row"]:
            where[k] = "、".join(str(int(r)) for r in rows)
    zh = "；".join(
        f"{n} {int(y)}年 {k}（{c}行"
        + (f"：第{where[(n, y, k)]}行" if (n, y, k) in where else "")
        + "）"
        for (n, y, k), c in dup.items()
    )
    en = "; ".join(f"{n} {int(y)} {k} ({c} rows)" for (n, y, k), c in dup.items())
    raise SoePlanError(
        f"国有企业投资计划有重复行：{zh} / duplicate SOE plan rows: {en}"
    )


def compute_soe_growth(
    soe_plans: pd.DataFrame,
    *,
    year: int,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
) -> pd.DataFrame:
    """Compute each enterprise's planned growth over the base year and its shortfall.

    Parameters
    ----------
    soe_plans : pd.DataFrame
        Canonical ``soe_plans`` frame; money in 万元.
    year : int
        Plan year; the base year is ``year - 1`` (kind 完成), the plan is kind 计划.
    target_growth_pct : float, default defaults.TARGET_GROWTH_PCT
        Required growth in percent (minutes 九(二): no less than 20%).

    Returns
    -------
    pd.DataFrame
        One row per enterprise that has a plan for ``year`` or an actual for
        ``year - 1``: ``soe_name``, ``base_investment``, ``plan_investment``,
        ``growth_pct`` (NaN without a positive base), ``growth_status``
        (达标 / 未达标 / 无基数 / 未报计划), ``meets_target`` (boolean, NA when
        it cannot be judged), ``required_investment`` (base × (1 + target)) and
        ``shortfall`` (万元 still needed to reach the target; 0 when met, NaN
        when it cannot be judged).

    Raises
    ------
    SoePlanError
        When an enterprise has several rows for the same year and kind.

    Notes
    -----
    Growth is rounded to 1e-9 of a percent before the comparison, so a plan of
    exactly 1.2 times the base passes at 20% and 19.99% fails. A base of zero,
    negative or missing gives no growth rate ("无基数"), never an infinite one.

    Examples
    --------
    >>> df = pd.DataFrame({"soe_name": ["甲", "甲"], "year": [2020, 2021],
    ...                    "kind": ["完成", "计划"], "investment": [100.0, 120.0]})
    >>> row = compute_soe_growth(df, year=2021).iloc[0]
    >>> float(row["growth_pct"]), row["growth_status"], float(row["shortfall"])
    (20.0, '达标', 0.0)
    """
    base_year = int(year) - 1
    check_soe_plan_rows(soe_plans, years=(base_year, int(year)))
    names = soe_plans["soe_name"].astype("str")
    kind = soe_plans["kind"].astype("str")
    yr = soe_plans["year"]
    base = _amounts_by_name(soe_plans, (yr == base_year) & (kind == ACTUAL_KIND))
    plan = _amounts_by_name(soe_plans, (yr == int(year)) & (kind == PLAN_KIND))
    present = pd.Index(
        names[yr.isin([base_year, int(year)]) & soe_plans["soe_name"].notna()]
    )
    out = pd.DataFrame({"soe_name": _ordered_names(present.unique())})
    out["base_investment"] = out["soe_name"].map(base).astype("float64")
    out["plan_investment"] = out["soe_name"].map(plan).astype("float64")

    has_base = out["base_investment"] > 0
    has_plan = out["plan_investment"].notna()
    growth = (
        (out["plan_investment"] - out["base_investment"])
        / out["base_investment"]
        * 100.0
    )
    out["growth_pct"] = growth.where(has_base & has_plan).round(_PCT_DECIMALS)
    target = round(float(target_growth_pct), _PCT_DECIMALS)
    meets = out["growth_pct"] >= target
    judged = has_base & has_plan
    out["growth_status"] = np.select(
        [~has_plan, ~has_base, meets],
        [NO_PLAN, GROWTH_NO_BASE, GROWTH_MEETS],
        default=GROWTH_SHORT,
    )
    out["meets_target"] = pd.array(meets.where(judged, pd.NA), dtype="boolean")
    required = out["base_investment"] * (1.0 + float(target_growth_pct) / 100.0)
    out["required_investment"] = required.where(has_base).round(_MONEY_DECIMALS)
    shortfall = (out["required_investment"] - out["plan_investment"]).clip(lower=0.0)
    shortfall = shortfall.where(~meets, 0.0).round(_MONEY_DECIMALS)
    out["shortfall"] = shortfall.where(judged)
    return out


def _amounts_by_name(soe_plans: pd.DataFrame, mask: pd.Series) -> pd.Series:
    sub = soe_plans.loc[mask & soe_plans["investment"].notna()]
    return pd.Series(
        sub["investment"].astype("float64").to_numpy(),
        index=sub["soe_name"].astype("str").to_numpy(),
    )


def _ordered_names(names) -> list[str]:
    """Order enterprises: those named in the minutes first, in their order, then by name."""
    order = {n: i for i, n in enumerate(schema.SOES)}
    return sorted((str(n) for n in names), key=lambda n: (order.get(n, len(order)), n))


# --- the ledger side ---------------------------------------------------------------


def select_soe_projects(projects: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Return the ledger projects of ``year`` that belong to a state-owned enterprise.

    Parameters
    ----------
    projects : pd.DataFrame
        Canonical ``projects`` frame.
    year : int
        Plan year (``projects.plan_year``).

    Returns
    -------
    pd.DataFrame
        A copy of the rows with a ``soe_name``, every stage included: a reserve
        project that carries planned investment for the year is part of what
        the enterprise counts on, and the risk section shows it as not ready.

    Examples
    --------
    >>> df = pd.DataFrame({"project_id": ["P1", "P2"], "plan_year": [2021, 2021],
    ...                    "soe_name": ["甲", None], "plan_investment": [5.0, 7.0]})
    >>> select_soe_projects(df, year=2021)["project_id"].tolist()
    ['P1']
    """
    mask = (projects["plan_year"] == int(year)) & projects["soe_name"].notna()
    out = projects.loc[mask.fillna(False)].copy()
    out["soe_name"] = out["soe_name"].astype("str")
    return out.reset_index(drop=True)


def compute_soe_backing(
    plans: pd.DataFrame,
    soe_projects: pd.DataFrame,
    *,
    tolerance_pct: float = 5.0,
) -> pd.DataFrame:
    """Compare each enterprise's declared plan with its projects in the ledger.

    Parameters
    ----------
    plans : pd.DataFrame
        ``soe_name`` and ``plan_investment`` (万元; NaN when no plan was declared),
        e.g. the output of :func:`compute_soe_growth`.
    soe_projects : pd.DataFrame
        The enterprises' ledger projects (:func:`select_soe_projects`).
    tolerance_pct : float, default 5.0
        A plan counts as backed when the projects' planned investment reaches
        at least ``100 - tolerance_pct`` percent of it.

    Returns
    -------
    pd.DataFrame
        One row per enterprise in ``plans`` or in the ledger: ``soe_name``,
        ``n_projects``, ``ledger_plan_investment``, ``backing_gap`` (declared
        plan minus the projects' planned investment; positive means part of the
        plan has no project behind it), ``backing_pct``, ``backed_by_projects``
        (boolean, NA without a declared plan) and ``backing_status``
        (已支撑 / 支撑不足 / 无项目 / 未报计划).

    Examples
    --------
    >>> plans = pd.DataFrame({"soe_name": ["甲"], "plan_investment": [100.0]})
    >>> prj = pd.DataFrame({"soe_name": ["甲", "甲"], "plan_investment": [60.0, 36.0]})
    >>> row = compute_soe_backing(plans, prj).iloc[0]
    >>> float(row["backing_gap"]), row["backing_status"]
    (4.0, '已支撑')
    """
    by_soe = soe_projects.groupby("soe_name")["plan_investment"].agg(["size", "sum"])
    names = _ordered_names(set(plans["soe_name"]) | set(by_soe.index))
    plan = plans.set_index("soe_name")["plan_investment"].astype("float64")
    out = pd.DataFrame({"soe_name": names})
    out["plan_investment"] = out["soe_name"].map(plan).astype("float64")
    out["n_projects"] = out["soe_name"].map(by_soe["size"]).fillna(0).astype("int64")
    out["ledger_plan_investment"] = (
        out["soe_name"].map(by_soe["sum"]).fillna(0.0).astype("float64")
    )
    has_plan = out["plan_investment"].notna()
    gap = (out["plan_investment"] - out["ledger_plan_investment"]).round(
        _MONEY_DECIMALS
    )
    out["backing_gap"] = gap
    pct = out["ledger_plan_investment"] / out["plan_investment"] * 100.0
    out["backing_pct"] = pct.where(out["plan_investment"] > 0).round(_PCT_DECIMALS)
    floor = out["plan_investment"] * (1.0 - float(tolerance_pct) / 100.0)
    backed = (out["ledger_plan_investment"] - floor).round(_MONEY_DECIMALS) >= 0
    out["backed_by_projects"] = pd.array(backed.where(has_plan, pd.NA), dtype="boolean")
    out["backing_status"] = np.select(
        [~has_plan, out["n_projects"] == 0, backed],
        [NO_PLAN, BACKING_NO_PROJECTS, BACKING_OK],
        default=BACKING_SHORT,
    )
    return out.drop(columns="plan_investment")


def grade_soe_projects(
    soe_projects: pd.DataFrame, readiness_scores: pd.DataFrame | None
) -> pd.DataFrame:
    """Attach each project's readiness grade (from :mod:`zjanalysis.readiness`).

    Parameters
    ----------
    soe_projects : pd.DataFrame
        The enterprises' ledger projects (:func:`select_soe_projects`).
    readiness_scores : pd.DataFrame or None
        Output of :func:`zjanalysis.readiness.score_readiness` (``project_id``,
        ``plan_year``, ``grade``, optional ``grade_zh``). None leaves the grade
        missing and ``ready`` NA (risk not assessed).

    Returns
    -------
    pd.DataFrame
        ``soe_projects`` with ``grade``, ``grade_zh`` and ``ready`` (boolean:
        grade is "ready"; a project the scores do not cover counts as not ready).
    """
    out = soe_projects.copy()
    if readiness_scores is None:
        out["grade"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["grade_zh"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["ready"] = pd.array([pd.NA] * len(out), dtype="boolean")
        return out
    cols = ["project_id", "plan_year", "grade"]
    if "grade_zh" in readiness_scores.columns:
        cols.append("grade_zh")
    # Index.get_indexer is several times faster than isin on arrow strings
    wanted = pd.Index(out["project_id"].unique()).get_indexer(
        readiness_scores["project_id"]
    )
    scores = readiness_scores.loc[wanted >= 0, cols].drop_duplicates(
        ["project_id", "plan_year"]
    )
    out = out.drop(columns=[c for c in ("grade", "grade_zh") if c in out.columns])
    # scores are unique per key, so the left merge keeps the rows and their order
    out = out.merge(scores, on=["project_id", "plan_year"], how="left")
    if "grade_zh" not in out.columns:
        out["grade_zh"] = out["grade"]
    out["grade_zh"] = (
        out["grade_zh"].astype("str").where(out["grade"].notna(), "未评分")
    )
    out["ready"] = pd.array(
        (out["grade"] == READY_GRADE).fillna(False), dtype="boolean"
    )
    return out


def assess_soe_growth_risk(
    growth: pd.DataFrame, graded_projects: pd.DataFrame
) -> pd.DataFrame:
    """Measure how much of each enterprise's planned growth rests on unready projects.

    Parameters
    ----------
    growth : pd.DataFrame
        Output of :func:`compute_soe_growth` (soe_name, base_investment,
        plan_investment).
    graded_projects : pd.DataFrame
        Output of :func:`grade_soe_projects` (soe_name, plan_investment, ready).

    Returns
    -------
    pd.DataFrame
        One row per enterprise in ``growth``: ``n_unready_projects``,
        ``unready_investment`` (planned investment of projects graded below
        "ready"), ``growth_at_risk_pct`` (the part of the planned increase
        ``plan - base`` that those projects carry, capped at 100; NaN when there
        is no base or no planned increase) and ``secure_growth_pct`` (the growth
        left if the unready projects invest nothing this year). All NaN when the
        projects carry no grades.

    Notes
    -----
    The unready investment is taken off the declared plan, on the reading that
    the plan is the sum of the enterprise's projects: if they slip, the
    increase they carry is what is lost first.

    Examples
    --------
    >>> g = pd.DataFrame({"soe_name": ["甲"], "base_investment": [100.0],
    ...                   "plan_investment": [130.0]})
    >>> p = pd.DataFrame({"soe_name": ["甲", "甲"], "plan_investment": [110.0, 20.0],
    ...                   "ready": [True, False]})
    >>> row = assess_soe_growth_risk(g, p).iloc[0]
    >>> float(row["growth_at_risk_pct"]), float(row["secure_growth_pct"])
    (66.666666667, 10.0)
    """
    out = growth[["soe_name", "base_investment", "plan_investment"]].copy()
    graded = graded_projects["ready"].notna().any() if len(graded_projects) else False
    unready = graded_projects.loc[graded_projects["ready"].eq(False).fillna(False)]
    agg = unready.groupby("soe_name")["plan_investment"].agg(["size", "sum"])
    out["n_unready_projects"] = (
        out["soe_name"].map(agg["size"]).fillna(0).astype("int64")
    )
    out["unready_investment"] = (
        out["soe_name"].map(agg["sum"]).fillna(0.0).astype("float64")
    )
    base, plan = out["base_investment"], out["plan_investment"]
    increase = plan - base
    share = (out["unready_investment"].clip(upper=increase) / increase * 100.0).where(
        (base > 0) & (increase > 0)
    )
    out["growth_at_risk_pct"] = share.round(_PCT_DECIMALS)
    secure = (plan - out["unready_investment"] - base) / base * 100.0
    out["secure_growth_pct"] = secure.where(base > 0).round(_PCT_DECIMALS)
    if not graded:
        for col in ("unready_investment", "growth_at_risk_pct", "secure_growth_pct"):
            out[col] = np.nan
        out["n_unready_projects"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out.drop(columns=["base_investment", "plan_investment"])


def sum_ytd_completed(
    soe_projects: pd.DataFrame,
    project_progress: pd.DataFrame,
    *,
    year: int,
    month: int,
) -> pd.DataFrame:
    """Return each project's investment completed from January through ``month``.

    Completed to date as :func:`zjanalysis.plan.progress_to_date` defines it
    (one rule for every report): a project that did not report for ``month``
    keeps its last cumulative figure of the year, and ``reported`` says so.

    Parameters
    ----------
    soe_projects : pd.DataFrame
        Projects with ``project_id`` and ``soe_name``.
    project_progress : pd.DataFrame
        Canonical ``project_progress`` frame (year-to-date ``cum_completed``).
    year, month : int
        The as-of month.

    Returns
    -------
    pd.DataFrame
        One row per project of ``soe_projects``: ``project_id``, ``soe_name``,
        ``plan_investment`` (when given), ``ytd_completed`` (0 when the project
        never reported this year), ``reported`` (True when it reported for
        ``month`` itself).

    Examples
    --------
    >>> prj = pd.DataFrame({"project_id": ["P1", "P2"], "soe_name": ["甲", "甲"]})
    >>> prog = pd.DataFrame({"project_id": ["P1", "P1"], "year": [2021, 2021],
    ...                      "month": [5, 6], "cum_completed": [3.0, 4.0]})
    >>> sum_ytd_completed(prj, prog, year=2021, month=6)["ytd_completed"].tolist()
    [4.0, 0.0]
    """
    cols = ["project_id", "soe_name"]
    if "plan_investment" in soe_projects.columns:
        cols.append("plan_investment")
    out = soe_projects[cols].copy()
    todate = progress_to_date(
        soe_projects[["project_id"]], project_progress, year=int(year), month=int(month)
    )
    out["ytd_completed"] = todate["completed_wan"].to_numpy()
    out["reported"] = todate["reported_this_month"].to_numpy()
    return out


def compute_soe_execution(
    plans: pd.DataFrame,
    project_ytd: pd.DataFrame,
    *,
    expected_share: float | None,
    tolerance_pct: float = 5.0,
) -> pd.DataFrame:
    """Judge each enterprise's completion year to date against plan and time.

    Parameters
    ----------
    plans : pd.DataFrame
        ``soe_name`` and ``plan_investment`` (the declared plan, 万元).
    project_ytd : pd.DataFrame
        Output of :func:`sum_ytd_completed`: one row per ledger project with
        ``soe_name``, ``plan_investment``, ``ytd_completed`` and ``reported``.
    expected_share : float or None
        Share of the year's investment normally done by the as-of month (0..1),
        e.g. :meth:`zjanalysis.seasonality.SeasonalShares.at`; None before the
        plan year starts.
    tolerance_pct : float, default 5.0
        Behind means more than this many percentage points below the expected
        share.

    Returns
    -------
    pd.DataFrame
        One row per enterprise in ``plans`` or ``project_ytd``:

        - ``n_reporting``: projects that reported for the as-of month;
        - ``ytd_completed``, ``ytd_expected`` (declared plan × expected share),
          ``completion_pct`` (of the declared plan), ``expected_pct``,
          ``execution_gap_pct`` (percentage points, negative = behind);
        - ``behind``: the declared plan is behind the expected share (NA
          without a plan, or without a project to track it by);
        - ``projects_pace_pct``: completion of the ledger projects' own planned
          investment, and ``projects_behind``: they are behind the expected share;
        - ``execution_status``: 正常; 滞后 (the projects themselves are behind);
          计划未落实到项目 (the projects keep pace but the declared plan is behind
          because part of it has no project); 无项目可跟踪; 未报计划; 未到执行期.

    Notes
    -----
    Completion is measured only through the ledger projects. Telling a slow
    project apart from a plan that has no project behind it keeps the two
    problems (execution and backing) from being reported as one.

    Examples
    --------
    >>> plans = pd.DataFrame({"soe_name": ["甲"], "plan_investment": [100.0]})
    >>> ytd = pd.DataFrame({"soe_name": ["甲"], "plan_investment": [100.0],
    ...                     "ytd_completed": [40.0], "reported": [True]})
    >>> row = compute_soe_execution(plans, ytd, expected_share=0.5).iloc[0]
    >>> float(row["execution_gap_pct"]), row["execution_status"]
    (-10.0, '滞后')
    """
    ytd = project_ytd
    if "plan_investment" not in ytd.columns:
        ytd = ytd.assign(plan_investment=np.nan)
    agg = ytd.groupby("soe_name").agg(
        n_reporting=("reported", "sum"),
        n_projects=("reported", "size"),
        ytd_completed=("ytd_completed", "sum"),
        ledger_plan=("plan_investment", "sum"),
    )
    names = _ordered_names(set(plans["soe_name"]) | set(agg.index))
    plan = plans.set_index("soe_name")["plan_investment"].astype("float64")
    out = pd.DataFrame({"soe_name": names})
    plan_col = out["soe_name"].map(plan).astype("float64")
    ledger_plan = out["soe_name"].map(agg["ledger_plan"]).fillna(0.0).astype("float64")
    n_projects = out["soe_name"].map(agg["n_projects"]).fillna(0).astype("int64")
    out["n_reporting"] = (
        out["soe_name"].map(agg["n_reporting"]).fillna(0).astype("int64")
    )
    out["ytd_completed"] = (
        out["soe_name"].map(agg["ytd_completed"]).fillna(0.0).astype("float64")
    )
    has_plan = plan_col > 0
    tracked = has_plan & (n_projects > 0)
    if expected_share is None:
        for col in (
            "ytd_completed",
            "ytd_expected",
            "completion_pct",
            "expected_pct",
            "execution_gap_pct",
            "projects_pace_pct",
        ):
            out[col] = np.nan
        for col in ("behind", "projects_behind"):
            out[col] = pd.array([pd.NA] * len(out), dtype="boolean")
        out["execution_status"] = np.where(has_plan, EXECUTION_NOT_STARTED, NO_PLAN)
        return out
    share = float(expected_share)
    out["ytd_expected"] = (plan_col * share).round(_MONEY_DECIMALS)
    completion = (out["ytd_completed"] / plan_col * 100.0).where(has_plan)
    out["completion_pct"] = completion.round(_PCT_DECIMALS)
    expected_pct = round(share * 100.0, _PCT_DECIMALS)
    out["expected_pct"] = pd.Series(expected_pct, index=out.index).where(has_plan)
    out["execution_gap_pct"] = (out["completion_pct"] - out["expected_pct"]).round(
        _PCT_DECIMALS
    )
    behind = out["execution_gap_pct"] < -float(tolerance_pct)
    out["behind"] = pd.array(behind.where(tracked, pd.NA), dtype="boolean")
    pace = (out["ytd_completed"] / ledger_plan * 100.0).where(
        tracked & (ledger_plan > 0)
    )
    out["projects_pace_pct"] = pace.round(_PCT_DECIMALS)
    projects_behind = (out["projects_pace_pct"] - expected_pct).round(
        _PCT_DECIMALS
    ) < -float(tolerance_pct)
    out["projects_behind"] = pd.array(
        projects_behind.where(tracked, pd.NA), dtype="boolean"
    )
    out["execution_status"] = np.select(
        [~has_plan, ~tracked, projects_behind, behind],
        [
            NO_PLAN,
            EXECUTION_UNTRACKED,
            EXECUTION_BEHIND,
            EXECUTION_PLAN_NOT_IN_PROJECTS,
        ],
        default=EXECUTION_OK,
    )
    return out


# --- all enterprises together ----------------------------------------------------------


@dataclass(frozen=True)
class SoeTotals:
    """All state-owned enterprises together.

    Attributes
    ----------
    n_enterprises : int
        Enterprises with a declared plan for the year.
    n_judged, n_meets_target, n_short, n_no_base : int
        Of those: judged against the target (base and plan known), meeting it,
        short of it, and without a base-year actual.
    n_without_plan : int
        Enterprises with a base-year actual or ledger projects but no plan.
    base_investment, plan_investment : float
        Sums over the comparable enterprises (both base and plan known), 万元.
    growth_pct : float
        Growth of those sums (NaN when none is comparable).
    plan_investment_all : float
        Sum of every declared plan, 万元.
    shortfall : float
        Sum of the enterprises' shortfalls, 万元: what the commission must find
        so that every enterprise reaches the target.
    aggregate_shortfall : float
        What the comparable enterprises together lack to reach the target on
        their combined base (surpluses offset shortfalls), 万元.
    soe_ledger_plan_investment, city_ledger_plan_investment : float
        Planned investment of the enterprises' projects in the year's plan and of
        the whole plan (:func:`zjanalysis.plan.select_plan_projects`: 新开工,
        续建, 竣工 and 预备 with plan money; 储备 excluded), 万元.
    soe_share_of_city_plan_pct : float
        Their ratio in percent: the part of the city's plan the SOEs carry.
    n_unbacked, n_plans_without_projects, n_ledger_without_plan : int
        Counts of the flagged enterprises.
    n_behind : int
        Enterprises whose completion is behind the expected share of the
        declared plan (whatever the cause).
    n_projects_behind : int
        Enterprises whose ledger projects themselves are behind (status 滞后).
    """

    n_enterprises: int
    n_judged: int
    n_meets_target: int
    n_short: int
    n_no_base: int
    n_without_plan: int
    base_investment: float
    plan_investment: float
    growth_pct: float
    plan_investment_all: float
    shortfall: float
    aggregate_shortfall: float
    soe_ledger_plan_investment: float
    city_ledger_plan_investment: float
    soe_share_of_city_plan_pct: float
    n_unbacked: int
    n_behind: int
    n_projects_behind: int
    n_plans_without_projects: int
    n_ledger_without_plan: int

    def to_dict(self) -> dict[str, float | int]:
        """Return the totals as a plain dict."""
        return dict(self.__dict__)


def summarize_soe_totals(
    enterprises: pd.DataFrame,
    projects: pd.DataFrame,
    *,
    year: int,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
) -> SoeTotals:
    """Add up the enterprises and set them against the city's project plan.

    Parameters
    ----------
    enterprises : pd.DataFrame
        The per-enterprise frame of :func:`check_soe_plans` (growth, backing
        and execution columns).
    projects : pd.DataFrame
        Canonical ``projects`` frame (the whole ledger).
    year : int
        Plan year.
    target_growth_pct : float, default defaults.TARGET_GROWTH_PCT
        Required growth in percent.

    Returns
    -------
    SoeTotals
    """
    e = enterprises
    has_plan = e["plan_investment"].notna()
    judged = e["meets_target"].notna()
    comp = e.loc[judged]
    base_sum = float(comp["base_investment"].sum())
    plan_sum = float(comp["plan_investment"].sum())
    growth = (
        round((plan_sum - base_sum) / base_sum * 100.0, _PCT_DECIMALS)
        if base_sum > 0
        else np.nan
    )
    required = base_sum * (1.0 + float(target_growth_pct) / 100.0)
    agg_short = (
        round(max(required - plan_sum, 0.0), _MONEY_DECIMALS)
        if base_sum > 0
        else np.nan
    )
    # the city plan as the circular and the plan checks define it (one definition)
    ledger = select_plan_projects(projects, year=int(year))
    city_plan = float(ledger["plan_investment"].sum())
    soe_plan = float(ledger.loc[ledger["soe_name"].notna(), "plan_investment"].sum())
    share = (
        round(soe_plan / city_plan * 100.0, _PCT_DECIMALS) if city_plan > 0 else np.nan
    )
    return SoeTotals(
        n_enterprises=int(has_plan.sum()),
        n_judged=int(judged.sum()),
        n_meets_target=int(e["meets_target"].eq(True).sum()),
        n_short=int(e["meets_target"].eq(False).sum()),
        n_no_base=int((e["growth_status"] == GROWTH_NO_BASE).sum()),
        n_without_plan=int((~has_plan).sum()),
        base_investment=base_sum,
        plan_investment=plan_sum,
        growth_pct=growth,
        plan_investment_all=float(e.loc[has_plan, "plan_investment"].sum()),
        shortfall=round(float(e["shortfall"].sum()), _MONEY_DECIMALS),
        aggregate_shortfall=agg_short,
        soe_ledger_plan_investment=soe_plan,
        city_ledger_plan_investment=city_plan,
        soe_share_of_city_plan_pct=share,
        n_unbacked=int(e["backed_by_projects"].eq(False).sum()),
        n_behind=int(e["behind"].eq(True).sum()),
        n_projects_behind=int(e["projects_behind"].eq(True).sum()),
        n_plans_without_projects=int((has_plan & (e["n_projects"] == 0)).sum()),
        n_ledger_without_plan=int((~has_plan & (e["n_projects"] > 0)).sum()),
    )


# --- the whole check -------------------------------------------------------------------


@dataclass(frozen=True)
class SoePlanCheck:
    """The SOE plan check of one year at one as-of month.

    Attributes
    ----------
    year : int
        Plan year (the base year is ``year - 1``).
    as_of : str
        The as-of month as given (``"2021-06"``).
    as_of_month : int or None
        The month of ``year`` the execution is judged at (12 once the year is
        over, None before it starts).
    target_growth_pct, backing_tolerance_pct, behind_tolerance_pct : float
        The parameters used.
    enterprises : pd.DataFrame
        One row per enterprise (see :meth:`to_frame`).
    projects : pd.DataFrame
        The enterprises' ledger projects with readiness grade and year-to-date
        completion.
    totals : SoeTotals
        All enterprises together.
    shares : SeasonalShares
        The expected-completion basis (seasonal or time share).
    risk_assessed : bool
        False when no readiness grades were given (risk columns are NaN).
    refusal : str
        Why the check was not run (data errors), or ``""``; the frames are then
        empty (the view's headline is this text).
    """

    year: int
    as_of: str
    as_of_month: int | None
    target_growth_pct: float
    backing_tolerance_pct: float
    behind_tolerance_pct: float
    enterprises: pd.DataFrame
    projects: pd.DataFrame
    totals: SoeTotals
    shares: SeasonalShares
    risk_assessed: bool = field(default=False)
    refusal: str = field(default="")
    #: ``errors`` or ``no_data`` when refused (:func:`zjanalysis.coverage.gate`).
    refusal_kind: str = field(default="")

    def to_frame(self) -> pd.DataFrame:
        """Return one row per enterprise (a copy).

        Columns: ``soe_name``, ``base_investment``, ``plan_investment``,
        ``growth_pct``, ``growth_status``, ``meets_target``,
        ``required_investment``, ``shortfall``, ``n_projects``,
        ``ledger_plan_investment``, ``backing_gap``, ``backing_pct``,
        ``backed_by_projects``, ``backing_status``, ``n_unready_projects``,
        ``unready_investment``, ``growth_at_risk_pct``, ``secure_growth_pct``,
        ``n_reporting``, ``ytd_completed``, ``ytd_expected``,
        ``completion_pct``, ``expected_pct``, ``execution_gap_pct``,
        ``behind``, ``projects_pace_pct``, ``projects_behind``,
        ``execution_status``. Money in 万元, rates in percent.
        """
        return self.enterprises.copy()

    def ledger_without_plan(self) -> pd.DataFrame:
        """List enterprises with projects in the ledger but no declared plan."""
        e = self.enterprises
        mask = e["plan_investment"].isna() & (e["n_projects"] > 0)
        return e.loc[
            mask,
            ["soe_name", "base_investment", "n_projects", "ledger_plan_investment"],
        ].reset_index(drop=True)

    def plans_without_projects(self) -> pd.DataFrame:
        """List declared plans with no project of the enterprise in the ledger."""
        e = self.enterprises
        mask = e["plan_investment"].notna() & (e["n_projects"] == 0)
        return e.loc[
            mask, ["soe_name", "base_investment", "plan_investment"]
        ].reset_index(drop=True)

    def missing_plans(self) -> pd.DataFrame:
        """List enterprises with a base-year actual or projects but no declared plan."""
        e = self.enterprises
        return e.loc[
            e["plan_investment"].isna(),
            ["soe_name", "base_investment", "n_projects", "ledger_plan_investment"],
        ].reset_index(drop=True)


def check_soe_plans(
    soe_plans: pd.DataFrame,
    projects: pd.DataFrame,
    project_progress: pd.DataFrame,
    fai_monthly: pd.DataFrame | None,
    *,
    year: int,
    as_of: str | AsOf,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
    backing_tolerance_pct: float = 5.0,
    behind_tolerance_pct: float = 5.0,
    readiness_scores: pd.DataFrame | None = None,
) -> SoePlanCheck:
    """Check every state-owned enterprise's plan: growth, backing, risk, execution.

    Parameters
    ----------
    soe_plans, projects, project_progress : pd.DataFrame
        Canonical frames (money in 万元).
    fai_monthly : pd.DataFrame or None
        Canonical ``fai_monthly``; the city's past years give the share of the
        year normally done by the as-of month. None or too few years: time share.
    year : int
        Plan year; the base year is ``year - 1``.
    as_of : str or AsOf
        Last month of data, ``"2021-06"``; execution is judged at
        :meth:`AsOf.month_in` ``year`` (12 once the year is over).
    target_growth_pct : float, default defaults.TARGET_GROWTH_PCT
        Required growth per enterprise (minutes 九(二)).
    backing_tolerance_pct : float, default 5.0
        A plan is backed when its projects reach ``100 - tolerance`` percent of it.
    behind_tolerance_pct : float, default 5.0
        Behind when completion is more than this many percentage points below
        the expected share.
    readiness_scores : pd.DataFrame, optional
        :func:`zjanalysis.readiness.score_readiness` output for the risk part;
        without it the risk columns are NaN and ``risk_assessed`` is False.

    Returns
    -------
    SoePlanCheck

    Raises
    ------
    SoePlanError
        When an enterprise has several plan (or actual) rows for one year.
    ValueError
        When ``as_of`` is not a month such as ``2021-06``.

    Notes
    -----
    Year-to-date execution comes from ``project_progress`` of the enterprise's
    ledger projects, not from ``soe_plans`` kind 完成 rows of the plan year:
    those are annual figures reported after the year ends, while the monthly
    meeting needs the position at the as-of month. It is judged against the
    declared plan and, separately, against the projects' own planned
    investment, so a slow project and a plan with no project behind it are
    told apart (see :func:`compute_soe_execution`).
    """
    as_of = AsOf.parse(as_of)
    month = as_of.month_in(year)
    growth = compute_soe_growth(
        soe_plans, year=year, target_growth_pct=target_growth_pct
    )
    soe_projects = select_soe_projects(projects, year=year)
    backing = compute_soe_backing(
        growth, soe_projects, tolerance_pct=backing_tolerance_pct
    )
    names = backing["soe_name"]
    # enterprises only in the ledger join the growth frame as "未报计划"
    growth = (
        pd.DataFrame({"soe_name": names})
        .merge(growth, on="soe_name", how="left")
        .assign(growth_status=lambda d: d["growth_status"].fillna(NO_PLAN))
    )
    graded = grade_soe_projects(soe_projects, readiness_scores)
    risk = assess_soe_growth_risk(growth, graded)
    if fai_monthly is None or fai_monthly.empty:
        from zjanalysis.seasonality import time_shares

        shares = time_shares()
    else:
        shares = estimate_seasonal_shares(
            fai_monthly, schema.CITY, before_year=int(year)
        )
    ytd = sum_ytd_completed(
        soe_projects, project_progress, year=year, month=month or 12
    )
    expected = None if month is None else shares.at(month)
    execution = compute_soe_execution(
        growth, ytd, expected_share=expected, tolerance_pct=behind_tolerance_pct
    )
    enterprises = growth.merge(backing, on="soe_name").merge(risk, on="soe_name")
    enterprises = enterprises.merge(execution, on="soe_name")
    # graded and ytd both keep the rows of soe_projects in order
    detail = graded.assign(
        ytd_completed=ytd["ytd_completed"].to_numpy(),
        reported=ytd["reported"].to_numpy(),
    )
    if month is None:
        detail["ytd_completed"] = np.nan
    keep = [
        c
        for c in (
            "soe_name",
            "project_id",
            "name",
            "county",
            "stage",
            "is_key",
            "plan_investment",
            "grade",
            "grade_zh",
            "ready",
            "ytd_completed",
            "reported",
        )
        if c in detail.columns
    ]
    detail = detail[keep].sort_values(
        ["soe_name", "plan_investment"], ascending=[True, False], key=_soe_sort_key
    )
    totals = summarize_soe_totals(
        enterprises, projects, year=year, target_growth_pct=target_growth_pct
    )
    return SoePlanCheck(
        year=int(year),
        as_of=str(as_of),
        as_of_month=month,
        target_growth_pct=float(target_growth_pct),
        backing_tolerance_pct=float(backing_tolerance_pct),
        behind_tolerance_pct=float(behind_tolerance_pct),
        enterprises=enterprises,
        projects=detail.reset_index(drop=True),
        totals=totals,
        shares=shares,
        risk_assessed=readiness_scores is not None,
    )


def _soe_sort_key(col: pd.Series) -> pd.Series:
    if col.name != "soe_name":
        return col
    order = {n: i for i, n in enumerate(_ordered_names(col.unique()))}
    return col.map(order)


def refuse_soe_check(
    *,
    year: int,
    as_of: str | AsOf,
    reason: str,
    kind: str = "",
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
) -> SoePlanCheck:
    """Return an empty check that carries why it was not run (and its ``kind``).

    Examples
    --------
    >>> check = refuse_soe_check(year=2021, as_of="2021-06", reason="数据有错误")
    >>> check.refusal, check.to_frame().empty
    ('数据有错误', True)
    """
    empty = check_soe_plans(
        schema.empty_table("soe_plans"),
        schema.empty_table("projects"),
        schema.empty_table("project_progress"),
        None,
        year=year,
        as_of=as_of,
        target_growth_pct=target_growth_pct,
    )
    return replace(empty, refusal=str(reason), refusal_kind=str(kind))


#: The tables the SOE check reads: errors in them block it.
READS: tuple[str, ...] = ("soe_plans", "projects", "project_progress", "fai_monthly")


def check_soe_dataset(
    ds: coverage.DatasetLike,
    *,
    year: int,
    as_of: str | AsOf,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
    backing_tolerance_pct: float = 5.0,
    behind_tolerance_pct: float = 5.0,
    readiness_config=None,
) -> SoePlanCheck:
    """Run :func:`check_soe_plans` on a loaded data set, or refuse when it has errors.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        A loaded data set (``ds.report`` and the canonical tables).
    year, as_of, target_growth_pct, backing_tolerance_pct, behind_tolerance_pct
        As in :func:`check_soe_plans`.
    readiness_config : zjanalysis.readiness.ReadinessConfig, optional
        Scores the enterprises' projects with
        :func:`zjanalysis.readiness.score_readiness` for the risk part; None
        leaves the risk unassessed. (Load it at the edge with
        ``readiness.load_config()``.)

    Returns
    -------
    SoePlanCheck
        With ``refusal`` set and empty frames when the tables it reads have
        errors, the SOE plans lack the year or its base year, or the progress
        reports stop before the as-of month (:func:`zjanalysis.coverage.gate`).
    """
    month = AsOf.parse(as_of).month_in(year)
    needs = [coverage.Need("soe_plans"), coverage.Need("soe_plans", year_offset=-1)]
    if month is not None:  # execution is judged at the month: progress must reach it
        needs.append(coverage.Need("project_progress", monthly=True))
    verdict = coverage.gate(
        ds,
        reads=READS,
        needs=needs,
        year=year,
        month=month or 12,
        what=f"作{int(year)}年国有企业投资计划检查",
    )
    if not verdict.ok:
        return refuse_soe_check(
            year=year,
            as_of=as_of,
            reason=verdict.reason,
            kind=verdict.kind,
            target_growth_pct=target_growth_pct,
        )
    scores = None
    if readiness_config is not None:
        from zjanalysis import readiness

        scores = readiness.score_readiness(
            select_soe_projects(ds["projects"], year=year), readiness_config
        )
    return check_soe_plans(
        ds["soe_plans"],
        ds["projects"],
        ds["project_progress"],
        ds["fai_monthly"],
        year=year,
        as_of=as_of,
        target_growth_pct=target_growth_pct,
        backing_tolerance_pct=backing_tolerance_pct,
        behind_tolerance_pct=behind_tolerance_pct,
        readiness_scores=scores,
    )
