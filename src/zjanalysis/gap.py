"""Close the gap to the growth target: how much investment is still to find, where, and who acts.

The minutes (clause 一) set +20% fixed-asset investment growth for the city and
every county. This module joins four analyses into one answer in 万元, for the
city and each county, at an as-of month (numbers only;
:class:`zjanalysis.reports.gap.GapView` words and lays them out):

- **Required, forecast and gap** (:func:`compute_position`). The target level
  is the base the forecast states (its comparable base year, the one its
  达标所需累计投资 uses) × (1 + target); the remaining months must bring the
  target level minus the year-to-date level (``required_remaining_wan``); at
  the forecast pace they bring the forecast year-end level minus the
  year-to-date level (``forecast_remaining_wan``, with the 80% range from the
  forecast's interval); the **gap** is required − forecast. A gap of zero or
  less means the pace already reaches the target. Every level comes from the
  forecast itself (:func:`forecast_positions`, the one adapter of
  :mod:`zjanalysis.forecast`); a county it cannot forecast is 数据不足, never 0.
- **Sources** that can supply the gap, each project counted in one source only,
  in this order of precedence (a project in an earlier source is left out of
  the later ones):

  1. 成熟项目下达 — ready projects not in the year's plan and not started (the
     readiness assessment's next batch), at their in-year deliverable;
  2. 已列入计划未开工，督促开工 — ready projects already in the plan that have not
     started (``assessment.unstarted``), at their in-year deliverable;
  3. 重点项目追赶进度 — key plan projects behind their expected completion (the
     circular's completion against the expected rate of their county): the
     catch-up their plan implies, expected-to-date − completed, capped at the
     plan not yet done;
  4. 国有企业计划追赶进度 — state-owned enterprises behind the execution of
     their declared plan (the SOE check): expected-to-date − completed, capped
     at the plan not yet done, less what their own projects already give in
     sources 1–3. The remaining plan as a whole is not a source: the forecast
     pace already assumes the year's ordinary execution; only the part behind
     schedule is extra.

  What the sources leave uncovered is gap − sources, floor 0.
- **In-year deliverable** of a project not yet started
  (:func:`in_year_deliverable`): it can start in month
  ``S = max(planned start month, the month after the as-of month)`` (a planned
  start in an earlier year or none: the month after the as-of month; in a
  later year: nothing this year), leaving ``13 − S`` months. With an annual
  plan investment, the plan is spread evenly over the months from its planned
  start (January when earlier) to December and the months lost are lost:
  ``plan × (13 − S) / (13 − planned start month)``. Without one, the total
  investment is spread evenly over the months from ``S`` to the planned
  finish and the months of this year count; without a planned finish (or one
  before ``S``) it cannot be estimated and counts 0 (the row says so).
- **Actions** (:func:`build_actions`) by responsible unit: the county's
  government (``{county}人民政府``; 管委会 for the two zones) releases or starts
  its projects (clause 一), a 市直 project's department does; the lead unit
  (牵头责任单位) of a key project accelerates it (clause 三(一)); an enterprise
  carries out its plan (clause 九(二)). The actions of a source add up to it.
- **Month over month** (:func:`compare_gaps`, :func:`gap_change_for_dataset`):
  the same analysis at the previous as-of month, from the same data cut at that
  month, and what changed (forecast, probability, gap, counties changing colour).

Every part reads the data as known at the as-of month
(:func:`zjanalysis.coverage.known_at`): the monthly tables are cut there, so a later month's report never leaks in.
Pure: nothing here reads a file, the clock or the environment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from zjanalysis import (
    circular,
    coverage,
    defaults,
    forecast,
    labels,
    readiness,
    schema,
    soe,
)
from zjanalysis.asof import AsOf
from zjanalysis.plan import index_in, table_or_empty

#: The tables the gap analysis reads (errors in any of them block it): every
#: table the forecast, the readiness assessment, the circular and the SOE check
#: read, so none of its parts can be refused while it concludes.
READS: tuple[str, ...] = tuple(
    dict.fromkeys(forecast.READS + readiness.READS + circular.READS + soe.READS)
)
#: What it needs: the statistics and the progress reports reaching the as-of
#: month, and the year's ledger.
NEEDS: tuple[coverage.Need, ...] = (
    coverage.Need("fai_monthly", monthly=True),
    coverage.Need("projects"),
    coverage.Need("project_progress", monthly=True),
)
#: The sources, in their order of precedence.
SOURCE_RELEASE = "成熟项目下达"
SOURCE_START = "已列入计划未开工，督促开工"
SOURCE_KEY = "重点项目追赶进度"
SOURCE_SOE = "国有企业计划追赶进度"
SOURCES: tuple[str, ...] = (SOURCE_RELEASE, SOURCE_START, SOURCE_KEY, SOURCE_SOE)
#: The clause of the minutes each source answers.
CLAUSES: dict[str, str] = {
    SOURCE_RELEASE: "一",
    SOURCE_START: "一",
    SOURCE_KEY: "三(一)",
    SOURCE_SOE: "九(二)",
}
#: How each source's amount is computed (shown on the page and in the workbook).
RULES: dict[str, str] = {
    SOURCE_RELEASE: "可下达且未列入年度计划、未开工的项目，按年内还能完成的投资计",
    SOURCE_START: "可下达、已列入年度计划但未开工的项目，按年内还能完成的投资计",
    SOURCE_KEY: "完成低于按进度应完成的重点项目：应完成−已完成，不超过计划未完成部分",
    SOURCE_SOE: "计划执行落后于进度的国有企业：应完成−已完成，不超过计划未完成部分，"
    "扣除其项目已计入前三项的金额",
}
#: Status of a region: the pace reaches the target / the sources can close the
#: gap / they cannot / the forecast cannot be computed.
STATUS_REACH, STATUS_COVERED, STATUS_SHORT = "绿", "黄", "红"
STATUS_NO_DATA = "数据不足"
ASSESSMENTS: dict[str, str] = {
    STATUS_REACH: "按预测可达目标",
    STATUS_COVERED: "有缺口，补缺来源足以覆盖",
    STATUS_SHORT: "有缺口，补缺来源不足",
    STATUS_NO_DATA: "数据不足，无法测算",
}
#: Zones run by an administrative committee rather than a people's government.
_ZONES: tuple[str, ...] = ("湛江经开区", "湛江奋勇高新区")
#: SOE execution statuses that say nothing about being behind (no plan, no
#: project to track it by, the year not begun): no catch-up is counted.
UNTRACKED_SOE: tuple[str, ...] = (
    soe.EXECUTION_UNTRACKED,
    soe.NO_PLAN,
    soe.EXECUTION_NOT_STARTED,
)
#: Who acts on a project with neither county nor department.
FALLBACK_UNIT = "市发展改革局"


# --- required, forecast, gap ----------------------------------------------------------


@dataclass(frozen=True)
class RegionPosition:
    """Where one region stands against its target, in 万元.

    Attributes
    ----------
    region : str
    target_growth_pct, point_growth_pct : float
    interval_80_pct : tuple of float
        The forecast's 80% interval of year-end growth (percent).
    p_reach_target : float
    flag : str
        The forecast's risk flag (红/黄/绿).
    base_wan : float
        The base year's level the forecast measures growth against.
    ytd_wan : float
        The year-to-date level at the as-of month (statistics).
    """

    region: str
    target_growth_pct: float
    point_growth_pct: float
    interval_80_pct: tuple[float, float]
    p_reach_target: float
    flag: str
    base_wan: float
    ytd_wan: float

    def level(self, growth_pct: float) -> float:
        """Return the year-end level that ``growth_pct`` means on the base (万元)."""
        return self.base_wan * (1.0 + growth_pct / 100.0)

    @property
    def target_level_wan(self) -> float:
        """The level the target needs by the year end."""
        return self.level(self.target_growth_pct)

    @property
    def required_remaining_wan(self) -> float:
        """What the remaining months must bring: target level − year to date."""
        return self.target_level_wan - self.ytd_wan

    @property
    def forecast_remaining_wan(self) -> float:
        """What they bring at the forecast pace: forecast level − year to date."""
        return self.level(self.point_growth_pct) - self.ytd_wan

    @property
    def forecast_remaining_80_wan(self) -> tuple[float, float]:
        """The 80% range of :attr:`forecast_remaining_wan`."""
        lo, hi = self.interval_80_pct
        return (self.level(lo) - self.ytd_wan, self.level(hi) - self.ytd_wan)

    @property
    def gap_wan(self) -> float:
        """Required − forecast (≤ 0: the pace reaches the target)."""
        return self.required_remaining_wan - self.forecast_remaining_wan

    @property
    def known(self) -> bool:
        """True when the levels are known (else the region is 数据不足)."""
        return bool(np.isfinite(self.base_wan) and np.isfinite(self.ytd_wan))


def compute_position(
    region: str,
    *,
    base_wan: float,
    ytd_wan: float,
    target_growth_pct: float,
    point_growth_pct: float,
    interval_80_pct: tuple[float, float],
    p_reach_target: float = math.nan,
    flag: str = "",
) -> RegionPosition:
    """Return a region's position from its base, year-to-date level and forecast.

    Examples
    --------
    Base 1,000, 600 done by June, +20% target, +15% forecast (80%: 12–18%):

    >>> p = compute_position("甲", base_wan=1000.0, ytd_wan=600.0, target_growth_pct=20.0,
    ...                      point_growth_pct=15.0, interval_80_pct=(12.0, 18.0))
    >>> round(p.required_remaining_wan, 6), round(p.forecast_remaining_wan, 6), round(p.gap_wan, 6)
    (600.0, 550.0, 50.0)
    >>> [round(v, 6) for v in p.forecast_remaining_80_wan]
    [520.0, 580.0]
    """
    return RegionPosition(
        region=str(region),
        target_growth_pct=float(target_growth_pct),
        point_growth_pct=float(point_growth_pct),
        interval_80_pct=(float(interval_80_pct[0]), float(interval_80_pct[1])),
        p_reach_target=float(p_reach_target),
        flag=str(flag),
        base_wan=float(base_wan),
        ytd_wan=float(ytd_wan),
    )


@dataclass(frozen=True)
class ForecastPositions:
    """What :func:`forecast_positions` returns.

    ``positions`` by region (the city and every county forecast), ``skipped``
    regions and why, the city's forecast refusal (and its kind), whether the
    year is over (1—12月: the outcome, nothing to forecast) and the targets
    table's 上年完成投资 of the city (万元, NaN when not given).
    """

    positions: dict[str, RegionPosition]
    skipped: dict[str, str]
    refusal: str = ""
    refusal_kind: str = ""
    is_outcome: bool = False
    outcome_growth_pct: float = math.nan
    targets_base_wan: float = math.nan


def forecast_positions(
    ds: coverage.DatasetLike,
    *,
    year: int,
    as_of: str | AsOf,
    target_growth_pct: float,
    **forecast_kwargs: Any,
) -> ForecastPositions:
    """Forecast the city and every county and turn each forecast into 万元 levels.

    The one place this module uses :mod:`zjanalysis.forecast`
    (:func:`~zjanalysis.forecast.forecast_for_dataset` and the fields of its
    :class:`~zjanalysis.forecast.ForecastResult`): the base is the forecast's
    own comparable base, its 达标所需累计投资 at 1—12月 (``path``'s
    ``on_track_level_wan``) ÷ (1 + target); the year-to-date level is the same
    column at the as-of month (this year's published level). A region whose
    path has no level (no base-year levels) keeps NaN levels: 数据不足.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
    year : int
    as_of : str or AsOf
    target_growth_pct : float
        The city's target; the counties take theirs from the targets table
        (as the forecast does).
    **forecast_kwargs
        ``method``, ``n_paths``, ``seed``.
    """
    fr = forecast.forecast_for_dataset(
        ds,
        region=schema.CITY,
        year=year,
        as_of=as_of,
        target_growth_pct=target_growth_pct,
        **forecast_kwargs,
    )
    if fr.refusal or fr.city is None:
        return ForecastPositions(
            {}, {}, refusal=fr.refusal, refusal_kind=fr.refusal_kind or coverage.NO_DATA
        )
    if fr.city.is_outcome:
        return ForecastPositions(
            {},
            {},
            is_outcome=True,
            outcome_growth_pct=float(fr.city.point_growth_pct),
            targets_base_wan=float(fr.targets_base_wan),
        )
    positions = {}
    for region, r in fr.regions.results.items():
        path = r.path.set_index("month")["on_track_level_wan"].astype(float)
        end = float(path.get(12, math.nan))
        positions[region] = compute_position(
            region,
            base_wan=end / (1.0 + r.target_growth_pct / 100.0),
            ytd_wan=float(path.get(r.as_of_month, math.nan)),
            target_growth_pct=r.target_growth_pct,
            point_growth_pct=r.point_growth_pct,
            interval_80_pct=r.interval_80_pct,
            p_reach_target=r.p_reach_target,
            flag=forecast.flag_risk(r.p_reach_target),
        )
    return ForecastPositions(
        positions,
        dict(fr.regions.skipped),
        targets_base_wan=float(fr.targets_base_wan),
    )


# --- sources ---------------------------------------------------------------------------


def in_year_deliverable(
    projects: pd.DataFrame, *, year: int, as_of_month: int
) -> pd.DataFrame:
    """Return the investment each not-yet-started project can still deliver this year.

    The rule is the module docstring's: start in ``S = max(planned start month,
    as-of month + 1)``; with an annual plan investment,
    ``plan × (13 − S) / (13 − planned start month)``; without one, the total
    investment spread evenly from ``S`` to the planned finish, this year's
    months counted.

    Parameters
    ----------
    projects : pd.DataFrame
        ``plan_investment``, ``total_investment``, ``planned_start``,
        ``planned_finish`` (missing columns count as blank).
    year, as_of_month : int

    Returns
    -------
    pd.DataFrame
        Same rows and index: ``start_month`` (S; NA when nothing this year),
        ``months_left`` (``13 − S``), ``rule`` (年度计划按月均摊 /
        总投资按工期均摊 / the reason it is 0) and ``deliverable_wan``.

    Examples
    --------
    A plan of 1,200 from March, as of June: July–December, 6 of 10 months.
    A total of 2,400 from September to August next year (12 months): 4 this year.

    >>> p = pd.DataFrame({"plan_investment": [1200.0, None],
    ...     "total_investment": [5000.0, 2400.0],
    ...     "planned_start": pd.to_datetime(["2021-03-01", "2021-09-15"]),
    ...     "planned_finish": pd.to_datetime([None, "2022-08-31"])})
    >>> in_year_deliverable(p, year=2021, as_of_month=6)["deliverable_wan"].tolist()
    [720.0, 800.0]
    """
    n = len(projects)

    def col(name: str, kind: str) -> pd.Series:
        if name in projects:
            s = projects[name]
        else:
            s = pd.Series([None] * n, index=projects.index, dtype=object)
        if kind == "date":
            return pd.to_datetime(s, errors="coerce")
        return pd.to_numeric(s, errors="coerce").astype(float)

    plan_money = col("plan_investment", "money").fillna(0.0).to_numpy()
    total = col("total_investment", "money").fillna(0.0).to_numpy()
    start = col("planned_start", "date")
    finish = col("planned_finish", "date")
    sy = start.dt.year.to_numpy(dtype=float, na_value=np.nan)
    sm = start.dt.month.to_numpy(dtype=float, na_value=np.nan)
    plan_start = np.where(sy == year, sm, 1.0)  # earlier or unknown: January
    later_year = sy > year
    s = np.maximum(plan_start, float(as_of_month) + 1.0)
    months_left = np.where(later_year, 0.0, np.clip(13.0 - s, 0.0, 12.0))
    planned_months = 13.0 - plan_start
    by_plan = plan_money > 0
    fy = finish.dt.year.to_numpy(dtype=float, na_value=np.nan)
    fm = finish.dt.month.to_numpy(dtype=float, na_value=np.nan)
    build_months = (fy - year) * 12.0 + fm - s + 1.0  # S .. finish, inclusive
    spread_ok = ~by_plan & (total > 0) & np.isfinite(build_months) & (build_months >= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_plan = plan_money * months_left / planned_months
        from_total = total * np.minimum(months_left, build_months) / build_months
    amount = np.select([by_plan, spread_ok], [from_plan, from_total], default=0.0)
    amount = np.where(months_left > 0, amount, 0.0)
    rule = np.select(
        [
            later_year,
            months_left <= 0,
            by_plan,
            spread_ok,
            total <= 0,
        ],
        [
            "计划下一年度以后开工，本年不计",
            "本年已无剩余月份",
            "年度计划按月均摊",
            "总投资按工期均摊",
            "缺少年度计划投资和总投资，未计入",
        ],
        default="缺少计划竣工时间（或早于可开工月份），无法估算，未计入",
    )
    return pd.DataFrame(
        {
            "start_month": pd.array(
                np.where(months_left > 0, s, np.nan), dtype="Float64"
            ).astype("Int64"),
            "months_left": months_left.astype("int64"),
            "rule": rule,
            "deliverable_wan": np.round(amount, 6),
        },
        index=projects.index,
    )


def key_project_catch_up(
    completion: pd.DataFrame, expected_pct: Mapping[str, float]
) -> pd.DataFrame:
    """Return the key plan projects behind their expected completion and their catch-up.

    Catch-up = plan × expected rate − completed, at least 0 and at most the
    plan not yet done (plan − completed).

    Parameters
    ----------
    completion : pd.DataFrame
        :attr:`zjanalysis.circular.CircularResult.projects` (``is_key``,
        ``county``, ``plan_wan``, ``completed_wan``).
    expected_pct : mapping
        County (or 市直) -> expected completion rate in percent (the circular's).

    Returns
    -------
    pd.DataFrame
        The key projects with a catch-up above 0, with ``expected_wan`` and
        ``amount_wan``.

    Examples
    --------
    >>> pc = pd.DataFrame({"project_id": ["a", "b", "c"], "is_key": [True, True, False],
    ...     "county": ["甲"] * 3, "plan_wan": [1000.0, 1000.0, 1000.0],
    ...     "completed_wan": [300.0, 600.0, 0.0]})
    >>> key_project_catch_up(pc, {"甲": 45.0})[["project_id", "amount_wan"]].values.tolist()
    [['a', 150.0]]
    """
    key = completion.loc[completion["is_key"].astype(bool).to_numpy()].copy()
    rate = key["county"].map(dict(expected_pct)).astype(float).fillna(0.0)
    plan = key["plan_wan"].astype(float).fillna(0.0)
    done = key["completed_wan"].astype(float).fillna(0.0)
    key["expected_wan"] = plan * rate / 100.0
    key["amount_wan"] = np.round(catch_up(plan, done, key["expected_wan"]), 6)
    return key.loc[key["amount_wan"] > 0].reset_index(drop=True)


def catch_up(plan: pd.Series, done: pd.Series, expected: pd.Series) -> pd.Series:
    """How far behind its expected pace a plan is: the one catch-up rule.

    ``clip(expected − done, 0, plan − done)``: nothing when ahead, never more
    than the plan not yet done; 0 where a figure is missing.

    Examples
    --------
    >>> catch_up(pd.Series([1000.0, 1000.0]), pd.Series([300.0, 950.0]),
    ...          pd.Series([450.0, 1200.0])).tolist()
    [150.0, 50.0]
    """
    behind = np.minimum(
        (expected - done).clip(lower=0.0), (plan - done).clip(lower=0.0)
    )
    return pd.Series(behind, index=plan.index).fillna(0.0)


def soe_catch_up(
    enterprises: pd.DataFrame, counted_wan: Mapping[str, float]
) -> pd.DataFrame:
    """Return each enterprise's catch-up on its declared plan, less what is counted already.

    ``behind = clip(ytd_expected − ytd_completed, 0, plan − ytd_completed)``;
    ``amount = max(behind − counted, 0)`` where ``counted`` is what its own
    projects already give in the earlier sources.

    Parameters
    ----------
    enterprises : pd.DataFrame
        :meth:`zjanalysis.soe.SoePlanCheck.to_frame` (``soe_name``,
        ``plan_investment``, ``ytd_completed``, ``ytd_expected``).
    counted_wan : mapping
        Enterprise -> amount of its projects in sources 1–3 (万元).

    Examples
    --------
    >>> e = pd.DataFrame({"soe_name": ["甲", "乙"], "plan_investment": [1000.0, 500.0],
    ...     "ytd_completed": [300.0, 400.0], "ytd_expected": [450.0, 225.0]})
    >>> soe_catch_up(e, {"甲": 50.0})[["soe_name", "behind_wan", "amount_wan"]].values.tolist()
    [['甲', 150.0, 100.0]]
    """
    e = enterprises
    plan = pd.to_numeric(e["plan_investment"], errors="coerce").astype(float)
    done = pd.to_numeric(e["ytd_completed"], errors="coerce").astype(float).fillna(0.0)
    expected = pd.to_numeric(e["ytd_expected"], errors="coerce").astype(float)
    behind = catch_up(plan, done, expected)
    if "execution_status" in e:  # only a plan whose execution is tracked can be behind
        untracked = e["execution_status"].isin(UNTRACKED_SOE).to_numpy()
        behind = behind.where(~untracked, 0.0)
    counted = e["soe_name"].map(dict(counted_wan)).astype(float).fillna(0.0)
    out = pd.DataFrame(
        {
            "soe_name": e["soe_name"].to_numpy(),
            "plan_investment": plan.to_numpy(),
            "ytd_completed": done.to_numpy(),
            "ytd_expected": expected.to_numpy(),
            "behind_wan": np.round(behind.to_numpy(), 6),
            "counted_wan": np.round(counted.to_numpy(), 6),
            "amount_wan": np.round((behind - counted).clip(lower=0.0).to_numpy(), 6),
        }
    )
    return out.loc[out["amount_wan"] > 0].reset_index(drop=True)


def county_government(county: object) -> str:
    """Return the government of a county (管委会 for the two zones); "" for 市直/blank.

    Examples
    --------
    >>> county_government("遂溪县"), county_government("湛江经开区"), county_government("市直")
    ('遂溪县人民政府', '湛江经开区管委会', '')
    """
    if not isinstance(county, str) or not county or county == schema.CITY_LEVEL:
        return ""
    return f"{county}管委会" if county in _ZONES else f"{county}人民政府"


def responsible_unit(row: Mapping[str, Any], source: str) -> str:
    """Return the unit that acts on one source project.

    Key-project catch-up: its lead unit (牵头责任单位) when given; otherwise,
    and for release and start: the county's government, for a 市直 project its
    department, else :data:`FALLBACK_UNIT`.

    Examples
    --------
    >>> responsible_unit({"county": "霞山区", "lead_unit": "市交通运输局"}, SOURCE_RELEASE)
    '霞山区人民政府'
    >>> responsible_unit({"county": "霞山区", "lead_unit": "市交通运输局"}, SOURCE_KEY)
    '市交通运输局'
    >>> responsible_unit({"county": "市直", "department": "市水务局"}, SOURCE_START)
    '市水务局'
    """

    def text(name: str) -> str:
        v = row.get(name)
        return v.strip() if isinstance(v, str) and v.strip() else ""

    if source == SOURCE_KEY and text("lead_unit"):
        return text("lead_unit")
    return county_government(row.get("county")) or text("department") or FALLBACK_UNIT


# --- actions ----------------------------------------------------------------------------


def action_text(source: str, n_projects: int) -> str:
    """Return what a unit must do for ``n_projects`` of ``source``.

    Examples
    --------
    >>> action_text(SOURCE_RELEASE, 3)
    '申报下达3个已成熟项目，纳入年度计划并尽早开工'
    """
    return {
        SOURCE_RELEASE: f"申报下达{n_projects}个已成熟项目，纳入年度计划并尽早开工",
        SOURCE_START: f"督促{n_projects}个已列入年度计划的成熟项目开工并报送进度",
        SOURCE_KEY: f"加快{n_projects}个进度滞后的重点项目，追回滞后投资",
        SOURCE_SOE: f"加快执行年度投资计划（台账项目{n_projects}个），按月报送完成情况",
    }[source]


def build_actions(
    source_projects: pd.DataFrame, soe_rows: pd.DataFrame
) -> pd.DataFrame:
    """Group the sources into one action per responsible unit and source.

    Parameters
    ----------
    source_projects : pd.DataFrame
        ``gap_source``, ``unit``, ``amount_wan`` (one row per project, sources 1–3).
    soe_rows : pd.DataFrame
        :func:`soe_catch_up` output with ``n_projects`` (source 4).

    Returns
    -------
    pd.DataFrame
        ``unit``, ``gap_source``, ``action``, ``n_projects``, ``amount_wan``,
        ``clause``; largest amount first. The amounts of a source add up to
        the source's amount.

    Examples
    --------
    >>> sp = pd.DataFrame({"gap_source": [SOURCE_RELEASE] * 2, "unit": ["甲人民政府"] * 2,
    ...                    "amount_wan": [10.0, 5.0]})
    >>> empty = pd.DataFrame(columns=["soe_name", "amount_wan", "n_projects"])
    >>> build_actions(sp, empty)[["unit", "n_projects", "amount_wan", "clause"]].values.tolist()
    [['甲人民政府', 2, 15.0, '一']]
    """
    cols = ["unit", "gap_source", "action", "n_projects", "amount_wan", "clause"]
    parts = []
    source_projects = source_projects.loc[source_projects["amount_wan"] > 0]
    if len(source_projects):
        g = (
            source_projects.assign(_n=1)
            .groupby(["unit", "gap_source"], sort=False)
            .agg(n_projects=("_n", "sum"), amount_wan=("amount_wan", "sum"))
            .reset_index()
        )
        parts.append(g)
    if len(soe_rows):
        parts.append(
            pd.DataFrame(
                {
                    "unit": soe_rows["soe_name"].astype(str).to_numpy(),
                    "gap_source": SOURCE_SOE,
                    "n_projects": soe_rows["n_projects"].astype("int64").to_numpy(),
                    "amount_wan": soe_rows["amount_wan"].astype(float).to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.concat(parts, ignore_index=True)
    out = out.loc[out["amount_wan"] > 0]
    out["n_projects"] = out["n_projects"].astype("int64")
    out["action"] = [
        action_text(s, int(n))
        for s, n in zip(out["gap_source"], out["n_projects"], strict=True)
    ]
    out["clause"] = out["gap_source"].map(CLAUSES)
    out["_order"] = out["gap_source"].map({s: i for i, s in enumerate(SOURCES)})
    out = out.sort_values(
        ["amount_wan", "_order", "unit"], ascending=[False, True, True], kind="stable"
    )
    return out[cols].reset_index(drop=True)


# --- the whole analysis ---------------------------------------------------------------


@dataclass(frozen=True)
class GapResult:
    """The gap-closing analysis of one plan year at one as-of month.

    Attributes
    ----------
    year, month : int
        The plan year and the month of it the data reach.
    as_of : str
    target_growth_pct : float
        The city's target (the counties' come from the targets table).
    city : RegionPosition or None
        None when refused, when the year is over or when the city's levels
        are unknown (then refused).
    by_county : pd.DataFrame
        One row per county (the 11 of the minutes, then others forecast):
        ``county``, ``target_growth_pct``, ``point_growth_pct``,
        ``p_reach_target``, ``flag``, ``target_level_wan``, ``ytd_level_wan``,
        ``required_remaining_wan``, ``forecast_remaining_wan``,
        ``forecast_remaining_lo80_wan``, ``forecast_remaining_hi80_wan``,
        ``investment_gap_wan``, one column per county source
        (``release_wan``, ``start_wan``, ``catch_up_wan``), ``sources_wan``,
        ``uncovered_wan``, ``status`` and ``assessment`` (NaN money and 数据不足
        when the county cannot be forecast).
    sources : pd.DataFrame
        One row per source in precedence order: ``gap_source``,
        ``amount_wan`` (NaN when its data are missing), ``n_projects``,
        ``clause``, ``rule``.
    source_projects : pd.DataFrame
        One row per project of sources 1–3 (project identity, ``unit``,
        ``start_month``, ``months_left``, ``rule``, ``plan_investment``,
        ``total_investment``, ``completed_wan``, ``expected_wan``,
        ``amount_wan``).
    soe_sources : pd.DataFrame
        :func:`soe_catch_up` rows with ``n_projects``.
    actions : pd.DataFrame
        :func:`build_actions`.
    soe_note : str
        Why the SOE source is unknown ("" when it is known).
    targets_base_wan : float
        The targets table's 上年完成投资 of the city (for comparison).
    is_outcome : bool
        1—12月: the year is over; ``outcome_growth_pct`` is its growth.
    refusal, refusal_kind : str
        As in every analysis (:func:`zjanalysis.coverage.gate`).
    """

    year: int
    month: int
    as_of: str
    target_growth_pct: float
    city: RegionPosition | None
    by_county: pd.DataFrame
    sources: pd.DataFrame
    source_projects: pd.DataFrame
    soe_sources: pd.DataFrame
    actions: pd.DataFrame
    soe_note: str = ""
    targets_base_wan: float = math.nan
    is_outcome: bool = False
    outcome_growth_pct: float = math.nan
    skipped: dict[str, str] = field(default_factory=dict)
    refusal: str = ""
    refusal_kind: str = ""

    @property
    def months_left(self) -> int:
        """Months of the year after the as-of month."""
        return 12 - int(self.month)

    @property
    def sources_total_wan(self) -> float:
        """The sources added up (the known ones)."""
        return float(self.sources["amount_wan"].sum(skipna=True))

    @property
    def uncovered_wan(self) -> float:
        """What the sources leave of the city's gap (0 when the gap is ≤ 0)."""
        if self.city is None:
            return math.nan
        return max(self.city.gap_wan - self.sources_total_wan, 0.0)

    @property
    def status(self) -> str:
        """The city's status (绿 within reach, 黄 coverable, 红 not, 数据不足)."""
        if self.city is None:
            return STATUS_NO_DATA
        return classify(self.city.gap_wan, self.uncovered_wan)


def classify(gap_wan: float, uncovered_wan: float) -> str:
    """Return 绿 (gap ≤ 0), 黄 (sources cover it), 红 (they do not) or 数据不足.

    Examples
    --------
    >>> classify(-5.0, 0.0), classify(10.0, 0.0), classify(10.0, 3.0), classify(float("nan"), 0.0)
    ('绿', '黄', '红', '数据不足')
    """
    if not np.isfinite(gap_wan):
        return STATUS_NO_DATA
    if gap_wan <= 0:
        return STATUS_REACH
    return STATUS_COVERED if uncovered_wan <= 1e-6 else STATUS_SHORT


_PROJECT_COLS = (
    "project_id",
    "name",
    "county",
    "department",
    "is_key",
    "soe_name",
    "lead_unit",
    "stage",
    "plan_investment",
    "total_investment",
    "planned_start",
    "planned_finish",
)
_SOURCE_PROJECT_COLS = [
    "gap_source",
    "unit",
    "project_id",
    "name",
    "county",
    "department",
    "is_key",
    "soe_name",
    "stage",
    "planned_start",
    "start_month",
    "months_left",
    "rule",
    "plan_investment",
    "total_investment",
    "completed_wan",
    "expected_wan",
    "amount_wan",
]
_COUNTY_SOURCE_COLS: dict[str, str] = {
    SOURCE_RELEASE: "release_wan",
    SOURCE_START: "start_wan",
    SOURCE_KEY: "catch_up_wan",
}


def _ledger_rows(ledger: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Return the year's ledger rows of ``ids`` (project columns only), in order."""
    pos = index_in(ids.astype(str), ledger["project_id"].astype(str))
    rows = ledger.iloc[pos[pos >= 0]].reset_index(drop=True)
    cols = [c for c in _PROJECT_COLS if c in rows.columns]
    return rows[cols]


def _deliverable_rows(
    ledger: pd.DataFrame, ids: pd.Series, source: str, *, year: int, month: int
) -> pd.DataFrame:
    rows = _ledger_rows(ledger, ids)
    d = in_year_deliverable(rows, year=year, as_of_month=month)
    out = pd.concat([rows, d], axis=1)
    out["gap_source"] = source
    out["completed_wan"] = 0.0
    out["expected_wan"] = np.nan
    out["amount_wan"] = out["deliverable_wan"]
    return out


def combine_gap(
    positions: ForecastPositions,
    *,
    year: int,
    month: int,
    as_of: str,
    target_growth_pct: float,
    ledger: pd.DataFrame,
    release_ids: pd.Series,
    start_ids: pd.Series,
    completion: pd.DataFrame,
    expected_pct: Mapping[str, float],
    soe_enterprises: pd.DataFrame | None,
    soe_projects: pd.DataFrame | None,
    soe_note: str = "",
) -> GapResult:
    """Join the forecast positions and the sources into a :class:`GapResult`.

    Pure and on frames, so tests build the cases by hand;
    :func:`gap_for_dataset` feeds it from the four analyses.

    Parameters
    ----------
    positions : ForecastPositions
    year, month : int
    as_of : str
    target_growth_pct : float
    ledger : pd.DataFrame
        The year's ``projects`` rows.
    release_ids, start_ids : pd.Series
        Project ids of sources 1 and 2 (the readiness batch, and the ready
        plan projects not started).
    completion : pd.DataFrame
        The circular's project completion (every plan project).
    expected_pct : mapping
        County -> the circular's expected completion rate (percent).
    soe_enterprises : pd.DataFrame or None
        The SOE check's enterprises; None when its data are missing
        (``soe_note`` says why): the source is then unknown, not 0.
    soe_projects : pd.DataFrame or None
        The SOE check's projects (``soe_name``, ``project_id``).
    soe_note : str
    """
    ledger = table_or_empty({"projects": ledger}, "projects")
    months_left = 12 - int(month)
    release = _deliverable_rows(
        ledger,
        pd.Series(release_ids, dtype=object),
        SOURCE_RELEASE,
        year=year,
        month=month,
    )
    taken = set(release["project_id"].astype(str))
    start_ids = pd.Series(start_ids, dtype=object)
    start_ids = start_ids[~start_ids.astype(str).isin(taken)]
    start = _deliverable_rows(ledger, start_ids, SOURCE_START, year=year, month=month)
    taken |= set(start["project_id"].astype(str))
    comp = completion.loc[~completion["project_id"].astype(str).isin(taken)]
    key = key_project_catch_up(comp, expected_pct)
    if months_left <= 0:
        key = key.iloc[0:0]
    key = _ledger_rows(ledger, key["project_id"]).merge(
        key[["project_id", "completed_wan", "expected_wan", "amount_wan"]],
        on="project_id",
        how="left",
    )
    key = key.assign(
        gap_source=SOURCE_KEY,
        start_month=pd.array([pd.NA] * len(key), dtype="Int64"),
        months_left=months_left,
        rule="按进度应完成−已完成",
    )
    parts = [p for p in (release, start, key) if len(p)]
    if parts:
        sp = pd.concat(parts, ignore_index=True)
    else:
        sp = pd.DataFrame(columns=_SOURCE_PROJECT_COLS)
    for c in _SOURCE_PROJECT_COLS:
        if c not in sp:
            sp[c] = np.nan
    sp["unit"] = [
        responsible_unit(r, s)
        for r, s in zip(sp.to_dict(orient="records"), sp["gap_source"], strict=True)
    ]
    sp["amount_wan"] = pd.to_numeric(sp["amount_wan"], errors="coerce").fillna(0.0)
    sp = sp[_SOURCE_PROJECT_COLS].reset_index(drop=True)

    # state-owned enterprises: what their projects already give is not counted twice
    if soe_enterprises is None:
        soe_rows = pd.DataFrame(columns=["soe_name", "amount_wan", "n_projects"])
        soe_amount = math.nan
    else:
        owner = (
            soe_projects.drop_duplicates("project_id").set_index("project_id")[
                "soe_name"
            ]
            if soe_projects is not None and len(soe_projects)
            else pd.Series(dtype=object)
        )
        sp_owner = sp["project_id"].map(owner)
        counted = sp.assign(_soe=sp_owner).groupby("_soe")["amount_wan"].sum()
        soe_rows = (
            soe_catch_up(soe_enterprises, counted.to_dict())
            if months_left
            else (soe_catch_up(soe_enterprises, {}).iloc[0:0])
        )
        counted_ids = set(sp["project_id"].astype(str))
        n_left = (
            soe_projects.loc[~soe_projects["project_id"].astype(str).isin(counted_ids)]
            .groupby("soe_name")["project_id"]
            .nunique()
            if soe_projects is not None and len(soe_projects)
            else pd.Series(dtype="int64")
        )
        soe_rows = soe_rows.assign(
            n_projects=soe_rows["soe_name"].map(n_left).fillna(0).astype("int64")
        )
        soe_amount = float(soe_rows["amount_wan"].sum())

    sources = pd.DataFrame(
        {
            "gap_source": list(SOURCES),
            "amount_wan": [
                float(sp.loc[sp["gap_source"] == s, "amount_wan"].sum())
                for s in SOURCES[:3]
            ]
            + [soe_amount],
            "n_projects": [
                int(((sp["gap_source"] == s) & (sp["amount_wan"] > 0)).sum())
                for s in SOURCES[:3]
            ]
            + [int(soe_rows["n_projects"].sum()) if len(soe_rows) else 0],
            "clause": [CLAUSES[s] for s in SOURCES],
            "rule": [RULES[s] for s in SOURCES],
        }
    )
    city = positions.positions.get(schema.CITY)
    by_county = _county_table(positions, sp)
    return GapResult(
        year=int(year),
        month=int(month),
        as_of=str(as_of),
        target_growth_pct=float(target_growth_pct),
        city=city if city is not None and city.known else None,
        by_county=by_county,
        sources=sources,
        source_projects=sp,
        soe_sources=soe_rows.reset_index(drop=True),
        actions=build_actions(sp, soe_rows),
        soe_note=soe_note,
        targets_base_wan=positions.targets_base_wan,
        skipped=dict(positions.skipped),
    )


def _county_table(positions: ForecastPositions, sp: pd.DataFrame) -> pd.DataFrame:
    """One row per county: its position, its sources, what they leave, its status."""
    counties = list(schema.COUNTIES)
    counties += [
        r for r in positions.positions if r not in counties and r != schema.CITY
    ]
    rows = []
    for county in counties:
        p = positions.positions.get(county)
        mine = sp.loc[sp["county"] == county]
        src = {
            col: float(mine.loc[mine["gap_source"] == s, "amount_wan"].sum())
            for s, col in _COUNTY_SOURCE_COLS.items()
        }
        total = sum(src.values())
        if p is None or not p.known:
            nan = math.nan
            row = {
                "county": county,
                "target_growth_pct": p.target_growth_pct if p else nan,
                "point_growth_pct": p.point_growth_pct if p else nan,
                "p_reach_target": p.p_reach_target if p else nan,
                "flag": p.flag if p else STATUS_NO_DATA,
                "target_level_wan": nan,
                "ytd_level_wan": nan,
                "required_remaining_wan": nan,
                "forecast_remaining_wan": nan,
                "forecast_remaining_lo80_wan": nan,
                "forecast_remaining_hi80_wan": nan,
                "investment_gap_wan": nan,
                **src,
                "sources_wan": total,
                "uncovered_wan": nan,
            }
        else:
            lo, hi = p.forecast_remaining_80_wan
            row = {
                "county": county,
                "target_growth_pct": p.target_growth_pct,
                "point_growth_pct": p.point_growth_pct,
                "p_reach_target": p.p_reach_target,
                "flag": p.flag,
                "target_level_wan": p.target_level_wan,
                "ytd_level_wan": p.ytd_wan,
                "required_remaining_wan": p.required_remaining_wan,
                "forecast_remaining_wan": p.forecast_remaining_wan,
                "forecast_remaining_lo80_wan": lo,
                "forecast_remaining_hi80_wan": hi,
                "investment_gap_wan": p.gap_wan,
                **src,
                "sources_wan": total,
                "uncovered_wan": max(p.gap_wan - total, 0.0),
            }
        row["status"] = classify(row["investment_gap_wan"], row["uncovered_wan"])
        row["assessment"] = ASSESSMENTS[row["status"]]
        rows.append(row)
    return pd.DataFrame(rows)


def _empty_result(
    *, year: int, month: int, as_of: str, target_growth_pct: float, **kw: Any
) -> GapResult:
    empty = combine_gap(
        ForecastPositions({}, {}),
        year=year,
        month=month,
        as_of=as_of,
        target_growth_pct=target_growth_pct,
        ledger=schema.empty_table("projects"),
        release_ids=pd.Series([], dtype=object),
        start_ids=pd.Series([], dtype=object),
        completion=pd.DataFrame(
            columns=["project_id", "is_key", "county", "plan_wan", "completed_wan"]
        ),
        expected_pct={},
        soe_enterprises=None,
        soe_projects=None,
    )
    return GapResult(
        year=empty.year,
        month=empty.month,
        as_of=empty.as_of,
        target_growth_pct=empty.target_growth_pct,
        city=None,
        by_county=empty.by_county.iloc[0:0],
        sources=empty.sources.iloc[0:0],
        source_projects=empty.source_projects,
        soe_sources=empty.soe_sources,
        actions=empty.actions,
        **kw,
    )


def gap_for_dataset(
    ds: coverage.DatasetLike,
    *,
    year: int,
    as_of: str | AsOf,
    target_growth_pct: float | None = None,
    readiness_config: Any = None,
    method: str = "auto",
    n_paths: int = 5000,
    seed: int = defaults.SEED,
) -> GapResult:
    """Run the gap-closing analysis on a loaded data set, or say why not.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
    year : int
        Plan year.
    as_of : str or AsOf
        The last month of data; a later year's as-of means 1—12月 (the year
        is over: the result states the outcome, no sources).
    target_growth_pct : float, optional
        The city's target (clause 一); by default the targets table's for the
        year, else the minutes' 20% (:func:`zjanalysis.forecast.headline_target`).
        Counties use the targets table's. The SOE catch-up is measured against
        this value when given, else the SOE default (clause 九(二)), as report
        30 does.
    readiness_config : zjanalysis.readiness.ReadinessConfig, optional
        The readiness rules (``readiness.load_config()`` at the edge); None
        loads the packaged rules.
    method, n_paths, seed
        Passed to the forecast.

    Returns
    -------
    GapResult
        Refused (``refusal``, ``refusal_kind``) when a table it reads has
        errors, the statistics or the progress reports stop before the as-of
        month, the ledger has no project of the year, or the city cannot be
        forecast in 万元 (no base-year levels).
    """
    as_of = AsOf.parse(as_of)
    soe_target_pct = (
        defaults.TARGET_GROWTH_PCT if target_growth_pct is None else target_growth_pct
    )
    target_growth_pct = forecast.headline_target(
        table_or_empty(ds, "targets"),
        schema.CITY,
        year=year,
        target_growth_pct=target_growth_pct,
    )
    base = {
        "year": int(year),
        "as_of": str(as_of),
        "target_growth_pct": float(target_growth_pct),
    }
    verdict, month = coverage.gate_as_of(
        ds,
        reads=READS,
        needs=NEEDS,
        year=year,
        as_of=as_of,
        what="作{period}缺口与补缺分析",
    )
    if not verdict.ok:
        return _empty_result(
            month=month or 1,
            refusal=verdict.reason,
            refusal_kind=verdict.kind,
            **base,
        )
    what = f"作{labels.period_label(year, month)}缺口与补缺分析"
    data = coverage.known_at(ds, year=year, month=month)
    positions = forecast_positions(
        data,
        year=year,
        as_of=as_of,
        target_growth_pct=target_growth_pct,
        method=method,
        n_paths=n_paths,
        seed=seed,
    )
    if positions.refusal:
        return _empty_result(
            month=month,
            refusal=positions.refusal,
            refusal_kind=positions.refusal_kind,
            **base,
        )
    if positions.is_outcome:
        return _empty_result(
            month=month,
            is_outcome=True,
            outcome_growth_pct=positions.outcome_growth_pct,
            targets_base_wan=positions.targets_base_wan,
            **base,
        )
    city = positions.positions.get(schema.CITY)
    if city is None or not city.known:
        reason = (
            f"《{schema.get_table('fai_monthly').zh}》缺少{schema.CITY}{int(year) - 1}年的累计投资额，"
            f"无法把增速折算为投资额，无法{what}。"
        )
        return _empty_result(
            month=month, refusal=reason, refusal_kind=coverage.NO_DATA, **base
        )
    config = (
        readiness_config if readiness_config is not None else readiness.load_config()
    )
    # the batch does not depend on the weight-stability draws: one draw is enough
    assessment = readiness.assess_readiness_for_dataset(
        data, year=year, config=config, as_of=as_of, n_draws=1
    )
    if assessment.refusal:  # not expected (the gate covers its tables): never count 0
        return _empty_result(
            month=month,
            refusal=assessment.refusal,
            refusal_kind=assessment.refusal_kind or coverage.NO_DATA,
            **base,
        )
    batch = assessment.batch
    unstarted = getattr(assessment, "unstarted", None)
    if unstarted is not None and "project_id" not in unstarted:
        unstarted = batch.iloc[0:0]
    if unstarted is None:  # before the readiness module split its batch
        in_plan = (
            batch["in_plan"].astype(bool).to_numpy()
            if "in_plan" in batch
            else np.zeros(len(batch), dtype=bool)
        )
        unstarted, batch = batch.loc[in_plan], batch.loc[~in_plan]
    circ = circular.compute_circular_for_dataset(data, year=year, as_of=as_of)
    if circ.refusal:  # not expected either: the gate asks for the same coverage
        return _empty_result(
            month=month, refusal=circ.refusal, refusal_kind=circ.refusal_kind, **base
        )
    expected = dict(
        zip(circ.by_county["county"], circ.by_county["expected_pct"], strict=True)
    )
    check = soe.check_soe_dataset(
        data, year=year, as_of=as_of, target_growth_pct=soe_target_pct
    )
    ledger = data["projects"]
    ledger = ledger.loc[
        (ledger["plan_year"] == int(year)).fillna(False).to_numpy(dtype=bool)
    ]
    result = combine_gap(
        positions,
        year=year,
        month=month,
        as_of=str(as_of),
        target_growth_pct=target_growth_pct,
        ledger=ledger,
        release_ids=batch["project_id"],
        start_ids=unstarted["project_id"],
        completion=circ.projects,
        expected_pct=expected,
        soe_enterprises=None if check.refusal else check.to_frame(),
        soe_projects=None if check.refusal else check.projects,
        soe_note=check.refusal,
    )
    return result


# --- month over month ---------------------------------------------------------------


@dataclass(frozen=True)
class GapChange:
    """What changed between the analysis at the previous as-of month and now.

    Attributes
    ----------
    previous, current : GapResult
    point_growth_pct, p_reach_target, gap_wan, uncovered_wan : tuple of float
        (previous, current) of the city.
    counties : pd.DataFrame
        Counties whose status (colour) changed: ``county``, ``status_before``,
        ``status_now``, ``gap_before_wan``, ``gap_now_wan``.
    refusal : str
        Why there is no comparison ("" when there is).
    """

    previous: GapResult | None
    current: GapResult
    point_growth_pct: tuple[float, float] = (math.nan, math.nan)
    p_reach_target: tuple[float, float] = (math.nan, math.nan)
    gap_wan: tuple[float, float] = (math.nan, math.nan)
    uncovered_wan: tuple[float, float] = (math.nan, math.nan)
    counties: pd.DataFrame = field(default_factory=pd.DataFrame)
    refusal: str = ""

    def delta(self, name: str) -> float:
        """Return current − previous of ``name`` (e.g. ``"gap_wan"``)."""
        before, now = getattr(self, name)
        return now - before


def previous_as_of(as_of: str | AsOf, *, year: int) -> AsOf | None:
    """Return the as-of month before ``as_of`` in plan ``year`` (None at 1—2月).

    January is published with February, so 1—2月 has no previous month.

    Examples
    --------
    >>> previous_as_of("2021-06", year=2021), previous_as_of("2021-02", year=2021)
    (AsOf(year=2021, month=5), None)
    >>> previous_as_of("2022-03", year=2021)
    AsOf(year=2021, month=11)
    """
    month = AsOf.parse(as_of).month_in(year)
    if month is None or month <= 2:
        return None
    return AsOf(int(year), month - 1)


def compare_gaps(previous: GapResult, current: GapResult) -> GapChange:
    """Return what changed from ``previous`` to ``current`` (two :class:`GapResult`).

    Examples
    --------
    See ``tests/test_gap.py`` (two as-of months built by hand).
    """
    if (
        previous.refusal
        or current.refusal
        or previous.city is None
        or current.city is None
    ):
        why = (
            current.refusal
            or previous.refusal
            or "两个月份中有一个无法测算缺口，无法比较。"
        )
        return GapChange(previous, current, refusal=why)
    a, b = previous.city, current.city
    before = previous.by_county.set_index("county")
    now = current.by_county.set_index("county")
    names = [c for c in now.index if c in before.index]
    changed = [c for c in names if before.at[c, "status"] != now.at[c, "status"]]
    counties = pd.DataFrame(
        {
            "county": changed,
            "status_before": [before.at[c, "status"] for c in changed],
            "status_now": [now.at[c, "status"] for c in changed],
            "gap_before_wan": [
                float(before.at[c, "investment_gap_wan"]) for c in changed
            ],
            "gap_now_wan": [float(now.at[c, "investment_gap_wan"]) for c in changed],
        }
    )
    return GapChange(
        previous,
        current,
        point_growth_pct=(a.point_growth_pct, b.point_growth_pct),
        p_reach_target=(a.p_reach_target, b.p_reach_target),
        gap_wan=(a.gap_wan, b.gap_wan),
        uncovered_wan=(previous.uncovered_wan, current.uncovered_wan),
        counties=counties,
    )


def gap_change_for_dataset(
    ds: coverage.DatasetLike,
    *,
    year: int,
    as_of: str | AsOf,
    current: GapResult | None = None,
    **kwargs: Any,
) -> GapChange:
    """Run the analysis at the previous as-of month too and say what changed.

    The previous month's analysis reads the same data cut at that month
    (:func:`zjanalysis.coverage.known_at`): it is what the data said then, re-forecast, not an old
    output file.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
    year, as_of
        As in :func:`gap_for_dataset`.
    current : GapResult, optional
        This month's result when already computed.
    **kwargs
        Passed to :func:`gap_for_dataset` (target, readiness config, method …).
    """
    current = current or gap_for_dataset(ds, year=year, as_of=as_of, **kwargs)
    prev = previous_as_of(as_of, year=year)
    if prev is None:
        return GapChange(
            None,
            current,
            refusal=f"{labels.period_label(int(year), 2)}是本年第一个公布的月份，没有上月可比。",
        )
    previous = gap_for_dataset(ds, year=year, as_of=prev, **kwargs)
    return compare_gaps(previous, current)
