"""Forecast a region's year-end fixed-asset investment growth against its target.

Pure functions on canonical ``fai_monthly`` frames (data contract): for any
region, year and as-of month they give a point forecast of the year-end
cumulative growth (1—12月), 80% and 95% intervals, the probability of reaching
the target, the growth the remaining months need, and the on-track path. The
backtest (:func:`backtest`) scores every method over past years. The results
are numbers; :mod:`zjanalysis.reports.forecast` words and lays them out.

Methods (each returns the same results shape, :class:`ForecastResult`):

``"ytd"``
    The office's practice: year-end growth = year-to-date growth.
``"two_year"``
    Two-year stacked growth (两年平均): the growth over two years reached by the
    as-of month carries to the year end, so
    ``1+g(Y,12) = (1+g(Y,m))(1+g(Y-1,m)) / (1+g(Y-1,12))``. It removes base
    effects: a month that was low last year is not read as this year's strength.
``"trend"``
    The remaining months grow over the same months of the base year like the
    last three published months did (1—4月 and earlier: like the year so far),
    weighted by the base year's seasonal shares.
``"ets"``
    A statsmodels ETS(A,N,N) model (simple exponential smoothing) of the
    year-on-year growth of single-month investment, reconstructed from the
    published cumulative growth and base-year shares; its forecast level drives
    the remaining months.
``"combo"``
    The mean of ``two_year``, ``trend`` and ``ets``.
``"adjusted"``
    Base-effect and seasonal-drift correction: the growth is stacked onto the
    last normal base year (:func:`find_abnormal_years`, :func:`last_normal_base`,
    :func:`stacked_growth`: two-year after one abnormal year, three-year after
    a shock and its rebound), then corrected by the calm years' typical log
    change from the as-of month to the year end, and after an abnormal year
    weighted against the year-to-date reading by their errors
    (:func:`stack_weight`); when this year departs from
    last year far more than calm years do (a shock), the remaining months are
    assumed to grow like the last normal year instead.

``"auto"`` is ``adjusted`` once at least :data:`MIN_CALIBRATION_YEARS` calm
pairs of years (a normal year after a normal year) calibrate it, else ``ytd``
(:func:`auto_choice`). Its interval is calibrated by regime: the calm-year
error scale from calm years only (each forecast from its own past), widened
without a cap after an abnormal base year or in a shock, and never narrower
than the disagreement between the methods (:func:`regime_scale`). The printed
interval and probability are exact Student t values
(:func:`outcome_interval`, :func:`probability_at_least`), the ones the
backtest scores; :func:`backtest` scores ``auto`` itself with a rolling
origin. On 8 real national series (1,040 black-box forecasts, :func:`black_box`)
its MAE is 0.69 times that of ``ytd``; see the README.

The other methods' intervals come from their own backtest errors at the same
as-of month (:func:`calibrate_sigma`; a Student t with :data:`TAIL_DF`
degrees of freedom whose scale is fitted to them, :func:`t_scale`), widened when the previous year's path was abnormal or this
year's growth departs from last year's far more than normal years do
(:func:`score_base_year`, :func:`score_current_year`,
:func:`compute_widen_factor`, no cap).

Notes
-----
January and February are published together (month 2 = 1—2月); months 2..12
are the 11 periods of a year. Published growth is the official figure and is
computed by the statistics bureau on a restated (comparable) base, so levels
of different years do not chain. Base-year seasonal shares
``s(m) = L(Y-1, m) / L(Y-1, 12)`` are ratios within one year and are not biased
by the restatement; they are used wherever months must be weighted. When the
base year has no levels, the median shares of the other years with levels are
used, and without any levels the time shares ``m / 12``.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from zjanalysis import coverage, defaults
from zjanalysis.asof import AsOf
from zjanalysis.labels import month_label

#: What the forecast does, for a refusal (``{period}`` is 2021年1—6月).
WHAT_ZH = "作{period}全年增速预测"
#: Published months: 2 is 1—2月, then 3..12.
PUB_MONTHS: tuple[int, ...] = tuple(range(2, 13))
#: As-of months a forecast is made from (month 12 is the outcome itself).
ASOF_MONTHS: tuple[int, ...] = tuple(range(2, 12))
#: Every forecasting method, in the order reports list them.
METHODS: tuple[str, ...] = ("ytd", "two_year", "trend", "ets", "combo", "adjusted")
#: Methods built to remove the previous year's base effect.
BASE_EFFECT_METHODS: tuple[str, ...] = ("adjusted", "two_year")
#: What the backtest scores: ``auto`` (the whole selection, rolling origin) first.
BACKTEST_METHODS: tuple[str, ...] = ("auto", *METHODS)
#: Chinese names of the methods (for reports and error messages).
METHOD_LABELS: dict[str, str] = {
    "ytd": "累计增速延续法（现行做法）",
    "two_year": "两年平均增速法",
    "trend": "近三个月增速外推法",
    "ets": "指数平滑模型（ETS）",
    "combo": "组合预测",
    "adjusted": "基数校正法（叠加到上一个正常年份）",
    "auto": "自动选择（本报告的做法）",
}
#: The "method" of a result at 1—12月: the year's own published outcome.
OUTCOME_METHOD = "actual"
METHOD_LABELS[OUTCOME_METHOD] = "全年实际结果（无需预测）"
#: A previous year whose path strayed this many times more than a normal year's
#: from its own year-end growth is "abnormal" (e.g. a collapse then recovery).
ABNORMAL_RATIO = 3.0
#: A year's path is abnormal only if it also strays at least this far (pp, RMS)
#: from its year end: ordinary years of real series stray 0.5–2 pp (national
#: FAI 2013–2019), a collapse or its rebound 10 pp and more; with few years the
#: median alone would call an ordinary 2 pp year abnormal.
ABNORMAL_MIN_PP = 3.0
#: The interval widening factor has no cap: a shock ten times the normal one
#: widens by sqrt(10 / 3) (the ×3 cap of old left 2020's 27 pp miss at 4.8 pp).
MAX_WIDEN = math.inf
#: After an abnormal base year or in a shock, the scale is at least this share
#: of the gap between the forecast and the year-to-date growth.
DISAGREEMENT_FLOOR = 0.5
#: Last year's verdict is close when its path deviation is this share of the
#: limit, below (a normal year) or above (an abnormal one): the interval then
#: also covers the reading of the other verdict (:func:`borderline_flip`).
BORDERLINE: tuple[float, float] = (0.8, 1.25)
#: Deepest stacking: the base year is at most this many years back.
MAX_STACK_YEARS = 4
#: Fewest backtest years needed to calibrate intervals from errors alone.
MIN_CALIBRATION_YEARS = 3
#: A past year with its 1—12月 figure counts (for calibration, the base, the
#: abnormal-year test) with at most this many of 1—2月…1—11月 missing: one
#: unpublished month must not take two years of history out of the forecast.
MAX_MISSING_MONTHS = 2
#: Smallest error scale (pp): growth is published to one decimal.
SIGMA_FLOOR_PP = 0.1
#: Degrees of freedom of the outcome distribution. Year-end errors of real
#: series are heavy-tailed: most years miss by little, a break year (2025 for
#: every national series) by many times more. A Student t with 4 degrees of
#: freedom, the robust default of Lange, Little and Taylor (1989), whose scale is
#: fitted by maximum likelihood (:func:`t_scale`), describes both: on the 8-series
#: corpus it gives a smaller interval score at 80% and at 95% than a normal-theory
#: scale (the RMS with t(years) df), whose 80% intervals covered 0.87 in calm years.
TAIL_DF = 4
#: Thresholds around the realised growth (pp) at which the backtest scores
#: P(reach threshold) with the Brier score.
BRIER_OFFSETS_PP: tuple[float, ...] = (-3.0, -1.0, 1.0, 3.0)
#: Risk flags of the county table: 红 below 30%, 黄 below 70%, else 绿.
FLAG_LIMITS: tuple[float, float] = (0.3, 0.7)


# --- history --------------------------------------------------------------------


@dataclass(frozen=True)
class RegionHistory:
    """One region's monthly statistics as year x month arrays (months 2..12).

    Attributes
    ----------
    region : str
    years : np.ndarray of int
    growth : np.ndarray
        Cumulative growth as a fraction (0.2 = 20%), shape (n_years, 11);
        published growth, or growth from levels where none was published.
    level_wan : np.ndarray
        Cumulative level in 万元, NaN where missing.
    """

    region: str
    years: np.ndarray
    growth: np.ndarray
    level_wan: np.ndarray

    @functools.cached_property
    def _rows(self) -> dict[int, int]:
        return {int(y): i for i, y in enumerate(self.years)}

    @functools.cached_property
    def _usable(self) -> frozenset[int]:
        known = np.isfinite(self.growth)
        ok = known[:, -1] & ((~known[:, :-1]).sum(axis=1) <= MAX_MISSING_MONTHS)
        return frozenset(int(y) for y, f in zip(self.years, ok, strict=True) if f)

    def row(self, year: int) -> int | None:
        """Return the row of ``year`` or None."""
        return self._rows.get(int(year))

    def g(self, year: int, month: int) -> float:
        """Return growth (fraction) of ``year`` through ``month``; NaN if absent."""
        i = self.row(year)
        return math.nan if i is None else float(self.growth[i, int(month) - 2])

    def has_year(self, year: int) -> bool:
        """Tell whether ``year`` counts as a past year: its 1—12月 growth and
        all but at most :data:`MAX_MISSING_MONTHS` of the months before it."""
        return int(year) in self._usable


def build_region_history(fai_monthly: pd.DataFrame, region: str) -> RegionHistory:
    """Extract one region's growth and levels from a canonical ``fai_monthly`` frame.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame: region, year, month, cum_investment
        (万元, optional), cum_growth_pct (optional).
    region : str
        The region to extract.

    Returns
    -------
    RegionHistory

    Raises
    ------
    ValueError
        When the region has no rows.

    Notes
    -----
    Published growth is kept as the official figure. Where a month has no
    published growth but both its level and the previous year's level exist,
    growth is computed from the levels. Month 1 rows, if any, are ignored:
    January is only published together with February.

    Examples
    --------
    >>> df = pd.DataFrame({"region": "甲", "year": [2020, 2021], "month": 2,
    ...                    "cum_investment": [100.0, 110.0],
    ...                    "cum_growth_pct": [float("nan"), 12.0]})
    >>> h = build_region_history(df, "甲")
    >>> round(h.g(2021, 2), 3)
    0.12
    """
    sub = fai_monthly.loc[fai_monthly["region"] == region]
    if sub.empty:
        raise ValueError(
            f"没有地区「{region}」的月度统计数据 / no fai_monthly rows for region {region!r}"
        )
    sub = sub.loc[sub["month"].isin(PUB_MONTHS) & sub["year"].notna()]
    years = np.array(sorted(int(y) for y in sub["year"].unique()), dtype=int)
    cols = ["cum_growth_pct", "cum_investment"]
    frame = sub.assign(
        year=sub["year"].astype(int),
        month=sub["month"].astype(int),
        **{c: pd.to_numeric(sub[c], errors="coerce").astype(float) for c in cols},
    )
    wide = frame.groupby(["year", "month"])[cols].first()
    grid = pd.MultiIndex.from_product([years, PUB_MONTHS], names=["year", "month"])
    wide = wide.reindex(grid)
    growth = wide["cum_growth_pct"].to_numpy(float).reshape(len(years), 11) / 100.0
    level = wide["cum_investment"].to_numpy(float).reshape(len(years), 11)
    for i in range(1, len(years)):
        if years[i - 1] == years[i] - 1:
            from_levels = level[i] / level[i - 1] - 1.0
            growth[i] = np.where(np.isfinite(growth[i]), growth[i], from_levels)
    return RegionHistory(region, years, growth, level)


def estimate_base_shares(
    history: RegionHistory, *, year: int
) -> tuple[np.ndarray, str]:
    """Return the base-year (``year - 1``) cumulative shares for months 2..12.

    Parameters
    ----------
    history : RegionHistory
    year : int
        The year being forecast; its base is ``year - 1``.

    Returns
    -------
    shares : np.ndarray
        11 values, non-decreasing, 1.0 at month 12.
    source : str
        ``"base_levels"`` (the base year's own levels), ``"median_levels"``
        (median shares of the other years before ``year`` with levels) or
        ``"time"`` (m / 12).

    Examples
    --------
    >>> rows = [("甲", 2020, m, 10.0 * m, 5.0) for m in range(2, 13)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> s, src = estimate_base_shares(build_region_history(df, "甲"), year=2021)
    >>> src, round(float(s[4]), 3)
    ('base_levels', 0.5)
    """
    i = history.row(year - 1)
    if i is not None:
        own = _shares_from_levels(history.level_wan[i])
        if own is not None:
            return own, "base_levels"
    rows = [
        s
        for j, y in enumerate(history.years)
        if y < year and (s := _shares_from_levels(history.level_wan[j])) is not None
    ]
    if rows:
        med = np.median(np.vstack(rows), axis=0)
        return np.maximum.accumulate(med), "median_levels"
    return np.arange(2, 13) / 12.0, "time"


def _shares_from_levels(levels: np.ndarray) -> np.ndarray | None:
    """Return shares L(m)/L(12) with inner gaps interpolated, or None."""
    if not (np.isfinite(levels[-1]) and levels[-1] > 0 and np.isfinite(levels[0])):
        return None
    ok = np.isfinite(levels)
    x = np.arange(11)
    filled = np.interp(x, x[ok], levels[ok])
    return np.maximum.accumulate(np.clip(filled / levels[-1], 0.0, 1.0))


def score_base_year(history: RegionHistory, *, year: int) -> tuple[float, float]:
    """Measure how abnormal the path of ``year - 1`` was.

    Parameters
    ----------
    history : RegionHistory
    year : int
        The year being forecast.

    Returns
    -------
    deviation_pp : float
        Root mean square over months 2..11 of ``g(Y-1, m) - g(Y-1, 12)`` in
        percentage points; NaN when the base year is incomplete.
    ratio : float
        ``deviation_pp`` over the median deviation of the past years
        before ``year - 1``, that median at least :data:`SIGMA_FLOOR_PP`
        (NaN with fewer than two such years).

    Notes
    -----
    In a normal year the cumulative growth settles close to its year-end value
    month by month. A collapse and recovery (2020) makes it stray far, and the
    next year's monthly growth then sits on a distorted base. The ratio is
    compared with :data:`ABNORMAL_RATIO`; no calendar year is hard-coded.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 10.0) for y in (2017, 2018, 2019)
    ...         for m in range(2, 13)]
    >>> rows += [("甲", 2020, m, None, 2.0 if m == 12 else -20.0 + m)
    ...          for m in range(2, 13)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> dev, ratio = score_base_year(build_region_history(df, "甲"), year=2021)
    >>> round(dev, 1), round(ratio)
    (15.8, 158)
    """
    dev = _path_deviation_pp(history, year - 1)
    others = [
        _path_deviation_pp(history, int(y))
        for y in history.years
        if y < year - 1 and history.has_year(int(y))
    ]
    if not np.isfinite(dev) or len(others) < 2:
        return dev, math.nan
    # growth is published to one decimal: a median below that is no yardstick
    med = max(float(np.median(others)), SIGMA_FLOOR_PP)
    return dev, dev / med


#: Smallest "normal" change of growth from last year's same month (pp) used as
#: the yardstick of :func:`score_current_year`.
MIN_NORMAL_CHANGE_PP = 0.5


def score_current_year(history: RegionHistory, *, year: int, month: int) -> float:
    """Measure how far this year's growth so far departs from last year's.

    Parameters
    ----------
    history : RegionHistory
    year, month : int
        The forecast origin.

    Returns
    -------
    float
        ``|g(Y, m) - g(Y-1, m)|`` over the median of the same change at month
        ``m`` in the earlier years (at least :data:`MIN_NORMAL_CHANGE_PP`);
        NaN with fewer than two earlier changes.

    Notes
    -----
    A shock in the year being forecast (a collapse like early 2020) shows as a
    change from last year far beyond any seen before; the past forecast errors
    then understate the uncertainty, so the interval is widened with the same
    rule as after an abnormal base year (:func:`compute_widen_factor`).

    Examples
    --------
    >>> rows = [("甲", y, 2, None, g) for y, g in
    ...         ((2016, 8.0), (2017, 9.0), (2018, 8.0), (2019, 9.0), (2020, -25.0))]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> h = build_region_history(df, "甲")
    >>> round(score_current_year(h, year=2020, month=2), 6)
    34.0
    """
    now = history.g(year, month) - history.g(year - 1, month)
    past = [
        history.g(int(y), month) - history.g(int(y) - 1, month)
        for y in history.years
        if y < year
    ]
    past = [abs(c) * 100.0 for c in past if np.isfinite(c)]
    if not np.isfinite(now) or len(past) < 2:
        return math.nan
    return abs(now) * 100.0 / max(float(np.median(past)), MIN_NORMAL_CHANGE_PP)


def _max_ratio(a: float, b: float) -> float:
    """The larger of two abnormality ratios, ignoring NaN (NaN when both are)."""
    vals = [v for v in (a, b) if not (isinstance(v, float) and math.isnan(v))]
    return max(vals) if vals else math.nan


def _path_deviation_pp(history: RegionHistory, year: int) -> float:
    i = history.row(year)
    if i is None or not history.has_year(year):
        return math.nan
    g = history.growth[i]
    return float(np.sqrt(np.nanmean((g[:-1] - g[-1]) ** 2)) * 100.0)


def compute_widen_factor(ratio: float) -> float:
    """Return the interval widening factor for an abnormality ratio.

    ``sqrt(ratio / ABNORMAL_RATIO)`` clipped to ``[1, MAX_WIDEN]``; 1 when the
    ratio is unknown (no cap: :data:`MAX_WIDEN`). A ratio is a deviation over the median deviation, so
    half of all normal years exceed 1: widening from 1 on would widen half the
    intervals for no reason (the backtest errors already hold normal years'
    spread). Only a year beyond :data:`ABNORMAL_RATIO` times the normal one
    widens, the more the further beyond.

    Examples
    --------
    >>> compute_widen_factor(12.0), compute_widen_factor(2.0), round(compute_widen_factor(300), 6)
    (2.0, 1.0, 10.0)
    """
    if isinstance(ratio, float) and math.isnan(ratio):
        return 1.0
    return float(np.clip(math.sqrt(ratio / ABNORMAL_RATIO), 1.0, MAX_WIDEN))


# --- required growth and on-track path ------------------------------------------


def compute_required_growth(
    base_share: float, ytd_growth_pct: float, *, target_growth_pct: float
) -> float:
    """Compute the growth the remaining months need to reach the target (percent).

    With ``s`` the base year's share of its annual total done by the as-of month
    and ``g`` the growth so far, the target ``T`` is reached when the remaining
    months grow by ``r`` over the same months of the base year:
    ``s(1+g) + (1-s)(1+r) = 1+T``.

    Parameters
    ----------
    base_share : float
        s, in (0, 1).
    ytd_growth_pct, target_growth_pct : float
        g and T in percent.

    Returns
    -------
    float
        r in percent; NaN when ``base_share`` is missing or not below 1.

    Examples
    --------
    >>> round(compute_required_growth(0.4, 30.0, target_growth_pct=20.0), 4)
    13.3333
    """
    if not np.isfinite(base_share) or base_share >= 1.0 or base_share <= 0.0:
        return math.nan
    s, g, t = base_share, ytd_growth_pct / 100.0, target_growth_pct / 100.0
    return (((1.0 + t) - s * (1.0 + g)) / (1.0 - s) - 1.0) * 100.0


def _cum_path(
    shares: np.ndarray, month: int, ytd: float, remaining: float
) -> np.ndarray:
    """Cumulative growth (fraction) for months m..12 if later months grow by ``remaining``."""
    s = shares[month - 2 :]
    done = s[0] * (1.0 + ytd)
    return (done + (s - s[0]) * (1.0 + remaining)) / s - 1.0


# --- point forecasts --------------------------------------------------------------


@dataclass
class _Context:
    """Per-region cache shared by the methods during one call."""

    history: RegionHistory
    shares: dict[int, tuple[np.ndarray, str]] = field(default_factory=dict)
    ets_fits: dict[int, tuple[float, float] | None] = field(default_factory=dict)
    ets_series: dict[int, np.ndarray] = field(default_factory=dict)
    paths: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict)
    adjusted: dict[tuple[int, int], Adjusted] = field(default_factory=dict)
    flags: dict[int, frozenset[int]] = field(default_factory=dict)
    #: Year whose ETS fit earlier years reuse (a forecast), or None (backtest).
    ets_alpha_year: int | None = None

    def path(self, method: str, year: int, month: int) -> np.ndarray:
        key = (method, year, month)
        if key not in self.paths:
            self.paths[key] = _PATHS[method](self, year, month)
        return self.paths[key]

    def base_shares(self, year: int) -> np.ndarray:
        if year not in self.shares:
            self.shares[year] = estimate_base_shares(self.history, year=year)
        return self.shares[year][0]

    def abnormal(self, before: int) -> frozenset[int]:
        """Abnormal years before ``before`` as judged from those years alone."""
        if before not in self.flags:
            self.flags[before] = frozenset(
                find_abnormal_years(self.history, before=before)
            )
        return self.flags[before]

    def adjusted_state(self, year: int, month: int) -> Adjusted:
        key = (year, month)
        if key not in self.adjusted:
            self.adjusted[key] = _adjusted(self, year, month)
        return self.adjusted[key]


def _path_ytd(ctx: _Context, year: int, month: int) -> np.ndarray:
    return np.full(13 - month, ctx.history.g(year, month))


def _path_two_year(ctx: _Context, year: int, month: int) -> np.ndarray:
    h = ctx.history
    prev = np.array([h.g(year - 1, k) for k in range(month, 13)])
    stacked = (1.0 + h.g(year, month)) * (1.0 + prev[0])
    return stacked / (1.0 + prev) - 1.0


def _path_trend(ctx: _Context, year: int, month: int) -> np.ndarray:
    h = ctx.history
    s = ctx.base_shares(year)
    g_m = h.g(year, month)
    start = month - 3
    if start < 2:
        recent = g_m
    else:
        done_now = s[month - 2] * (1.0 + g_m)
        done_before = s[start - 2] * (1.0 + h.g(year, start))
        base = s[month - 2] - s[start - 2]
        recent = (done_now - done_before) / base - 1.0 if base > 1e-9 else g_m
    return _cum_path(s, month, g_m, recent)


def _monthly_yoy(ctx: _Context, year: int, upto: int) -> np.ndarray:
    """Year-on-year growth ratio of single months 2..upto (NaN where undefined)."""
    s = ctx.base_shares(year)
    i = ctx.history.row(year)
    if i is None:
        return np.full(upto - 1, np.nan)
    done = s * (1.0 + ctx.history.growth[i])
    done_prev = np.concatenate([[0.0], done[:-1]])
    s_prev = np.concatenate([[0.0], s[:-1]])
    base = s - s_prev
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 1e-6, (done - done_prev) / base, np.nan)
    return ratio[: upto - 1]


def _fit_ets(ctx: _Context, year: int) -> tuple[float, float] | None:
    """Fit ETS(A,N,N) on single-month yoy ratios of years before ``year``.

    Returns (smoothing_level, level at the end of ``year - 1``) or None. When
    the context has ``ets_alpha_year`` (a forecast: one fit on the years before
    the forecast year), earlier years reuse that fit's smoothing level and only
    filter their own data; the backtest fits every year on its own past.
    """
    if year in ctx.ets_fits:
        return ctx.ets_fits[year]
    h = ctx.history
    parts = [
        _monthly_yoy(ctx, int(y), 12)
        for y in h.years
        if y < year and h.has_year(int(y))
    ]
    series = np.concatenate(parts) if parts else np.empty(0)
    series = series[np.isfinite(series)]
    fit = None
    if series.size >= 8:
        shared = ctx.ets_alpha_year
        if shared is not None and year < shared:
            outer = _fit_ets(ctx, shared)
            fit = None if outer is None else (outer[0], _ses_level(series, outer[0]))
        else:
            fit = _fit_ets_series(series)
    ctx.ets_fits[year] = fit
    ctx.ets_series[year] = series
    return fit


def _simulate_ets_year_end(
    ctx: _Context, year: int, month: int, n_paths: int, rng: np.random.Generator
) -> np.ndarray | None:
    """Simulate year-end growth (pp) from the ETS model with statsmodels.

    The model fitted on the years before ``year`` is run through this year's
    months (same smoothing level), then ``simulate`` draws the single-month
    growth of the remaining months; they are added up with base-year shares.
    Returns None when the model cannot be fitted.
    """
    fit = _fit_ets(ctx, year)
    if fit is None:
        return None
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    alpha, _ = fit
    series = ctx.ets_series[year]
    now = _monthly_yoy(ctx, year, month)
    full = np.concatenate([series, now[np.isfinite(now)]])
    model = ETSModel(
        full,
        error="add",
        initialization_method="known",
        initial_level=float(np.mean(series[:11])),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.smooth(np.array([alpha]))
        sims = np.asarray(
            res.simulate(12 - month, anchor="end", repetitions=n_paths, rng=rng)
        ).reshape(12 - month, n_paths)
    s = ctx.base_shares(year)
    done = s[month - 2] * (1.0 + ctx.history.g(year, month))
    base_inc = np.diff(s)[month - 2 :]
    return (done + base_inc @ sims - 1.0) * 100.0


def _fit_ets_series(series: np.ndarray) -> tuple[float, float]:
    """Fit ETS(A,N,N) by maximum likelihood with statsmodels' own ``fit``.

    The initial level is the mean of the first 11 values (one year), known;
    the smoothing level is estimated (``ETSModel(...).fit(disp=False)``).
    Returns (smoothing level, level at the end of the series).
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(
        series,
        error="add",
        initialization_method="known",
        initial_level=float(np.mean(series[:11])),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(disp=False)
    alpha = float(np.clip(np.asarray(res.params)[0], 0.0, 1.0))
    return alpha, float(np.asarray(res.level)[-1])


def _ses_level(series: np.ndarray, alpha: float) -> float:
    """Level at the end of ``series`` of simple exponential smoothing with ``alpha``.

    The same recursion as ETS(A,N,N) (``l = l + alpha (y - l)``) from the same
    known initial level, the mean of the first 11 values.
    """
    level = float(np.mean(series[:11]))
    for y in series:
        level += alpha * (float(y) - level)
    return level


def _path_ets(ctx: _Context, year: int, month: int) -> np.ndarray:
    fit = _fit_ets(ctx, year)
    if fit is None:
        return np.full(13 - month, np.nan)
    alpha, level = fit
    # filter this year's months with the parameters fitted on earlier years
    for y in _monthly_yoy(ctx, year, month):
        if np.isfinite(y):
            level = level + alpha * (y - level)
    return _cum_path(
        ctx.base_shares(year), month, ctx.history.g(year, month), level - 1.0
    )


def _path_combo(ctx: _Context, year: int, month: int) -> np.ndarray:
    paths = [ctx.path(m, year, month) for m in ("two_year", "trend", "ets")]
    ok = [p for p in paths if np.isfinite(p).all()]
    if not ok:
        return np.full(13 - month, np.nan)
    return np.mean(ok, axis=0)


# --- base effects: the last normal base year, the typical drift, shocks -----------


def find_abnormal_years(history: RegionHistory, *, before: int) -> set[int]:
    """Return the past years before ``before`` whose path was abnormal.

    Parameters
    ----------
    history : RegionHistory
    before : int
        Only years before it are judged, and only with their own data.

    Returns
    -------
    set of int
        Years whose root mean square distance of the cumulative growth from
        its own year-end value (months 2..11, :func:`score_base_year`'s
        deviation) is at least :data:`ABNORMAL_RATIO` times the median of all
        past years before ``before`` (:meth:`RegionHistory.has_year`) and at
        least :data:`ABNORMAL_MIN_PP`; and the base of such a year when the
        base strayed at least half as far as the limit and the year's path
        stacked onto the year before that base is normal (the rebound
        explains the base). Empty with fewer than
        :data:`MIN_CALIBRATION_YEARS` such years.

    Notes
    -----
    A collapse (cumulative growth far below the year end early in the year)
    and the rebound on it (far above) both stray; a year that merely ends
    lower than it began does not. In a noisy series the collapse itself may
    stay under the limit while its rebound does not (national real-estate
    investment: 2020 strayed 9.8 pp against a limit of 12.2, 2021 15.3 pp).
    A rebound is a base effect: stacked two years back, onto the year before
    the collapse, its path is ordinary, and that is what marks its base year
    abnormal too. The judgement is made from the data, never from a year
    number.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 8.0) for y in range(2015, 2020)
    ...         for m in range(2, 13)]
    >>> rows += [("甲", 2020, m, None, 3.0 if m == 12 else -25.0 + 2 * m)
    ...          for m in range(2, 13)]
    >>> rows += [("甲", 2021, m, None, 5.0 if m == 12 else 35.0 - 2 * m)
    ...          for m in range(2, 13)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> sorted(find_abnormal_years(build_region_history(df, "甲"), before=2022))
    [2020, 2021]
    """
    yardstick = abnormal_limit(history, before=before)
    if yardstick is None:
        return set()
    limit, devs = yardstick
    found = {y for y, d in devs.items() if d >= limit}
    for y in sorted(found):
        base = y - 1
        if (
            base in devs
            and base not in found
            and devs[base] >= max(limit / 2.0, ABNORMAL_MIN_PP)
            and history.has_year(base - 1)
            and _stacked_deviation_pp(history, y) < limit
        ):
            found.add(base)
    return found


def abnormal_limit(
    history: RegionHistory, *, before: int
) -> tuple[float, dict[int, float]] | None:
    """The path deviation (pp) from which a past year is abnormal, and each year's.

    :data:`ABNORMAL_RATIO` times the median deviation of the past years before
    ``before``, and at least :data:`ABNORMAL_MIN_PP`; None with fewer than
    :data:`MIN_CALIBRATION_YEARS` past years.
    """
    years = [int(y) for y in history.years if y < before and history.has_year(int(y))]
    devs = {y: _path_deviation_pp(history, y) for y in years}
    if len(devs) < MIN_CALIBRATION_YEARS:
        return None
    med = max(float(np.median(list(devs.values()))), SIGMA_FLOOR_PP)
    return max(ABNORMAL_RATIO * med, ABNORMAL_MIN_PP), devs


def borderline_flip(
    history: RegionHistory, *, year: int, abnormal: frozenset[int]
) -> frozenset[int] | None:
    """The abnormal years with last year's verdict reversed, when that verdict is close.

    Last year (``year - 1``) decides the base of this year's forecast. When
    its path deviation lies within :data:`BORDERLINE` of the limit (a normal
    year at 80–100% of it, or an abnormal one at 100–125%), the other verdict
    was nearly as likely; the forecast then keeps its reading but its
    interval also covers the other one (:func:`regime_scale`).

    Returns
    -------
    frozenset of int or None
        ``abnormal`` with ``year - 1`` added or removed; None when the verdict
        is not close (or cannot be judged).
    """
    yardstick = abnormal_limit(history, before=year)
    if yardstick is None:
        return None
    limit, devs = yardstick
    last = int(year) - 1
    dev = devs.get(last, math.nan)
    if not np.isfinite(dev) or limit <= 0:
        return None
    ratio = dev / limit
    low, high = BORDERLINE
    if last not in abnormal and low <= ratio < 1.0:
        return frozenset(abnormal | {last})
    if last in abnormal and 1.0 <= ratio < high:
        return frozenset(abnormal - {last})
    return None


def _stacked_deviation_pp(history: RegionHistory, year: int) -> float:
    """RMS distance (pp) of ``year``'s path stacked two years back from its year end."""
    stacked = np.array(
        [
            stacked_growth(history, year=year, month=m, base_year=year - 2)
            for m in ASOF_MONTHS
        ]
    )
    return float(np.sqrt(np.nanmean((stacked - history.g(year, 12)) ** 2)) * 100.0)


def last_normal_base(
    history: RegionHistory, *, year: int, abnormal: set[int] | frozenset[int]
) -> int:
    """Return the base year of ``year``'s forecast: the last normal year before it.

    Two-year stacking after one abnormal year, three-year after a shock and
    its rebound, and so on, at most :data:`MAX_STACK_YEARS` back; every year in
    between must be complete. Without such a year, ``year - 1``.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 8.0) for y in range(2017, 2022) for m in range(2, 13)]
    >>> h = build_region_history(pd.DataFrame(rows, columns=["region", "year",
    ...     "month", "cum_investment", "cum_growth_pct"]), "甲")
    >>> last_normal_base(h, year=2022, abnormal={2020, 2021})
    2019
    >>> last_normal_base(h, year=2022, abnormal=set())
    2021
    """
    for k in range(1, MAX_STACK_YEARS + 1):
        base = int(year) - k
        if not history.has_year(base):
            break
        if base not in abnormal:
            return base
    return int(year) - 1


def stacked_growth(
    history: RegionHistory, *, year: int, month: int, base_year: int
) -> float:
    """Return the year-end growth (fraction) that stacking onto ``base_year`` implies.

    The growth of ``year`` over ``base_year`` reached by ``month``,
    ``prod_j (1 + g(j, m))`` for j = base+1..year, carries to the year end;
    divided by the known year-end growth of the years in between it gives
    ``year``'s own:
    ``1 + g(Y, 12) = prod_{j=b+1..Y} (1 + g(j, m)) / prod_{j=b+1..Y-1} (1 + g(j, 12))``.
    With ``base_year = year - 1`` it is the year-to-date growth, with
    ``year - 2`` the two-year method (两年平均).

    Examples
    --------
    >>> rows = [("甲", 2019, m, None, 6.0) for m in range(2, 13)]
    >>> rows += [("甲", 2020, m, None, 3.0 if m == 12 else -24.0) for m in range(2, 13)]
    >>> rows += [("甲", 2021, m, None, 5.0 if m == 12 else 35.0) for m in range(2, 13)]
    >>> rows += [("甲", 2022, 2, None, 12.0)]
    >>> h = build_region_history(pd.DataFrame(rows, columns=["region", "year",
    ...     "month", "cum_investment", "cum_growth_pct"]), "甲")
    >>> round(stacked_growth(h, year=2022, month=2, base_year=2019) * 100, 2)
    6.25

    (1.12 × 1.35 × 0.76 / (1.05 × 1.03) − 1 = 6.25%.)
    """
    num = 1.0
    for j in range(int(base_year) + 1, int(year) + 1):
        num *= 1.0 + history.g(j, month)
    den = 1.0
    for j in range(int(base_year) + 1, int(year)):
        den *= 1.0 + history.g(j, 12)
    return num / den - 1.0


@dataclass(frozen=True)
class Adjusted:
    """The base-effect-adjusted forecast of one year at one as-of month.

    Attributes
    ----------
    point : float
        Year-end growth (fraction).
    stacked : float
        Stacked onto the base year, before the drift and the shock rule.
    ytd : float
        Year-to-date growth (fraction).
    base_year : int
        The last normal year (:func:`last_normal_base`).
    depth : int
        Years the stacking spans, ``year - base_year`` (1 = year to date).
    drift : float
        Typical log change from month m to the year end in calm years (the
        median over calm pairs; 0 with fewer than :data:`MIN_CALIBRATION_YEARS`).
    shock_ratio : float
        ``|stacked - g(Y-1, 12)|`` over the median change of the year-end
        growth between calm years (NaN with too few calm pairs).
    shock : bool
        ``shock_ratio >= ABNORMAL_RATIO``: this year's growth departs from last
        year's far more than calm years do; the remaining months are then
        assumed to grow like the last normal year.
    n_calm : int
        Calm pairs of years (a normal year after a normal year) behind the
        drift and the calibration.
    stack_weight : float
        After an abnormal year (``depth > 1``, no shock), the weight of the
        stacked reading against the year-to-date one (:func:`stack_weight`);
        1 otherwise.
    alt_point : float
        The reading had last year's abnormal verdict gone the other way, when
        that verdict was close (:func:`borderline_flip`); NaN otherwise.
    """

    point: float
    stacked: float
    ytd: float
    base_year: int
    depth: int
    drift: float
    shock_ratio: float
    shock: bool
    n_calm: int
    stack_weight: float = 1.0
    alt_point: float = math.nan


def calm_pairs(
    history: RegionHistory, *, before: int, abnormal: set[int] | frozenset[int]
) -> list[int]:
    """Past years before ``before`` that are normal and follow a normal past year.

    A past year counts by :meth:`RegionHistory.has_year` (its 1—12月 and all
    but at most :data:`MAX_MISSING_MONTHS` months).
    """
    return [
        int(y)
        for y in history.years
        if y < before
        and history.has_year(int(y))
        and history.has_year(int(y) - 1)
        and int(y) not in abnormal
        and int(y) - 1 not in abnormal
    ]


def _adjusted(
    ctx: _Context, year: int, month: int, abnormal: frozenset[int] | None = None
) -> Adjusted:
    """The ``adjusted`` method at (year, month), from the data before it only.

    ``abnormal`` replaces the years judged abnormal (the other verdict of a
    close call, :func:`borderline_flip`); by default the judged ones, and the
    reading of the other verdict is kept as ``alt_point`` when the call is close.
    """
    h = ctx.history
    judged = abnormal is None
    if abnormal is None:
        abnormal = ctx.abnormal(year)
    base = last_normal_base(h, year=year, abnormal=abnormal)
    ytd = h.g(year, month)
    stacked = stacked_growth(h, year=year, month=month, base_year=base)
    if not np.isfinite(stacked):
        base, stacked = year - 1, ytd
    pairs = calm_pairs(h, before=year, abnormal=abnormal)
    drifts = [
        math.log1p(h.g(y, month)) - math.log1p(h.g(y, 12))
        for y in pairs
        if np.isfinite(h.g(y, month))
    ]
    drift = float(np.median(drifts)) if len(drifts) >= MIN_CALIBRATION_YEARS else 0.0
    point = (
        math.expm1(math.log1p(stacked) - drift) if np.isfinite(stacked) else math.nan
    )
    weight = 1.0
    if year - base > 1 and len(drifts) >= MIN_CALIBRATION_YEARS:
        weight = stack_weight(
            drifts, depth=year - base, base_gap=h.g(year - 1, month) - h.g(year - 1, 12)
        )
        if weight < 1.0 and np.isfinite(point):
            point = weight * point + (1.0 - weight) * math.expm1(
                math.log1p(ytd) - drift
            )
    changes = [abs(h.g(y, 12) - h.g(y - 1, 12)) * 100.0 for y in pairs]
    ratio, shock = math.nan, False
    last = h.g(year - 1, 12)
    if (
        len(changes) >= MIN_CALIBRATION_YEARS
        and np.isfinite(last)
        and np.isfinite(stacked)
    ):
        normal = max(float(np.median(changes)), MIN_NORMAL_CHANGE_PP)
        ratio = abs(stacked - last) * 100.0 / normal
        shock = ratio >= ABNORMAL_RATIO
    if shock:
        # the remaining months grow over the same months of last year like
        # the last normal year grew: the shock is not carried to the year end
        s = float(ctx.base_shares(year)[month - 2])
        rate = h.g(base, 12)
        point = s * (1.0 + ytd) + (1.0 - s) * (1.0 + rate) - 1.0
        weight = 1.0
    alt_point = math.nan
    if judged:
        flipped = borderline_flip(h, year=year, abnormal=abnormal)
        if flipped is not None:
            alt_point = _adjusted(ctx, year, month, abnormal=flipped).point
    return Adjusted(
        point=point,
        stacked=stacked,
        ytd=ytd,
        base_year=int(base),
        depth=int(year - base),
        drift=drift,
        shock_ratio=ratio,
        shock=shock,
        n_calm=len(pairs),
        stack_weight=float(weight),
        alt_point=float(alt_point),
    )


def stack_weight(drifts: list[float], *, depth: int, base_gap: float) -> float:
    """Weight of the stacked reading against the year-to-date one after an abnormal year.

    Both read this year's growth through a seasonal shape: stacking assumes
    the shape of the base year ``depth`` years back, the year-to-date growth
    last year's. In calm years the shape moves like a random walk, its
    yearly step the spread of the calm years' drifts (``var(drifts)``, log
    changes from this month to the year end), so the stacked reading errs by
    ``depth × var``; the year-to-date one by ``var`` plus the square of how far
    last (abnormal) year's path still was from its own year end at this month
    (``base_gap``). Each is weighted by the other's error: early in the year
    after a collapse the gap is large and stacking has all the weight; late
    in the year, as last year's path closed on its year end, the year-to-date
    growth takes over.

    Parameters
    ----------
    drifts : list of float
        The calm years' log changes from this month to the year end.
    depth : int
        Years the stacking spans (2 and more).
    base_gap : float
        ``g(Y-1, m) - g(Y-1, 12)`` (fraction).

    Returns
    -------
    float
        ``(var + gap²) / ((var + gap²) + depth × var)``; 1 when ``base_gap`` is
        unknown.

    Examples
    --------
    >>> round(stack_weight([0.0, 0.01, -0.01], depth=2, base_gap=-0.20), 4)
    0.9967
    >>> round(stack_weight([0.0, 0.01, -0.01], depth=2, base_gap=-0.005), 3)
    0.407

    (var = 0.0002 / 3; (var + 0.000025) / (3 var + 0.000025) = 0.407.)
    """
    var = float(np.var(np.asarray(drifts, float)))
    if not np.isfinite(base_gap) or not np.isfinite(var):
        return 1.0
    naive = var + float(base_gap) ** 2
    total = naive + int(depth) * var
    return naive / total if total > 0 else 1.0


def _path_adjusted(ctx: _Context, year: int, month: int) -> np.ndarray:
    """Point path m..12 whose year end is the adjusted forecast.

    The remaining months grow by one rate over the base year's same months,
    the rate that reaches the adjusted year end with the base-year shares.
    """
    adj = ctx.adjusted_state(year, month)
    if not np.isfinite(adj.point):
        return np.full(13 - month, np.nan)
    s = ctx.base_shares(year)
    share = float(s[month - 2])
    if share >= 1.0:
        return np.full(13 - month, adj.point)
    rest = (1.0 + adj.point - share * (1.0 + adj.ytd)) / (1.0 - share) - 1.0
    return _cum_path(s, month, adj.ytd, rest)


_PATHS = {
    "ytd": _path_ytd,
    "two_year": _path_two_year,
    "trend": _path_trend,
    "ets": _path_ets,
    "combo": _path_combo,
    "adjusted": _path_adjusted,
}


def forecast_path(
    fai_monthly: pd.DataFrame, region: str, *, year: int, as_of_month: int, method: str
) -> pd.Series:
    """Return one method's point path of cumulative growth (percent), months m..12.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame.
    region : str
    year : int
    as_of_month : int
        2..12; month 2 is 1—2月.
    method : str
        One of :data:`METHODS`.

    Returns
    -------
    pd.Series
        Indexed by month; NaN when the method lacks the data it needs.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 10.0) for y in (2020, 2021) for m in range(2, 13)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> p = forecast_path(df, "甲", year=2021, as_of_month=6, method="two_year")
    >>> p.round(6).tolist()[-1]
    10.0
    """
    _check_method(method, allow_auto=False)
    ctx = _Context(build_region_history(fai_monthly, region))
    path = ctx.path(method, int(year), int(as_of_month))
    return pd.Series(
        path * 100.0, index=pd.RangeIndex(int(as_of_month), 13, name="month")
    )


def _check_method(method: str, allow_auto: bool = True) -> None:
    allowed = (*METHODS, "auto") if allow_auto else METHODS
    if method not in allowed:
        raise ValueError(
            f"未知的预测方法「{method}」，可选：{', '.join(allowed)} / unknown method {method!r}"
        )


# --- backtest ---------------------------------------------------------------------


def _eligible_years(history: RegionHistory, before: int | None = None) -> list[int]:
    """Years that count (:meth:`RegionHistory.has_year`) after a year that counts."""
    return [
        int(y)
        for y in history.years
        if (before is None or y < before)
        and history.has_year(int(y))
        and history.has_year(int(y) - 1)
    ]


def _point_errors(
    ctx: _Context, years: list[int], methods: tuple[str, ...]
) -> pd.DataFrame:
    """Year-end point forecasts and errors (pp) for every year, month and method."""
    rows = []
    for y in years:
        actual = ctx.history.g(y, 12) * 100.0
        for m in ASOF_MONTHS:
            if not np.isfinite(ctx.history.g(y, m)):
                continue  # a month not published that year: nothing to forecast from
            for meth in methods:
                point = float(ctx.path(meth, y, m)[-1]) * 100.0
                rows.append((y, m, meth, point, actual))
    df = pd.DataFrame(
        rows, columns=["year", "as_of_month", "method", "point_pct", "actual_pct"]
    )
    return df.assign(error_pp=df["actual_pct"] - df["point_pct"])


def _prior_sigma_pp(month: int) -> float:
    """A deliberately wide default sigma (pp) used where history is too short."""
    return 1.0 + 0.8 * (12 - month)


def calibrate_sigma(
    errors: pd.DataFrame, *, method: str, month: int, exclude_year: int | None = None
) -> tuple[float, int]:
    """Calibrate the forecast error scale (pp) of a method at an as-of month.

    Parameters
    ----------
    errors : pd.DataFrame
        Backtest errors with columns year, as_of_month, method, error_pp.
    method : str
    month : int
        As-of month 2..11.
    exclude_year : int, optional
        Leave this year out (the year being tested).

    Returns
    -------
    sigma_pp : float
        The Student t scale (:func:`t_scale`, :data:`TAIL_DF` degrees of
        freedom) of the method's year-end errors at this as-of month over the
        calibration years, smoothed across months by isotonic
        (non-increasing) regression so that the interval never narrows going
        back in the year without the upward bias of a running maximum. With
        fewer than :data:`MIN_CALIBRATION_YEARS` years the default
        ``1 + 0.8 (12 - m)`` is blended in as if it were one more year.
    n_years : int
        How many years the errors came from; outcomes are then Student t with
        :data:`TAIL_DF` degrees of freedom around the point.

    Examples
    --------
    >>> e = pd.DataFrame({"year": [1, 2, 3, 4] * 10,
    ...                   "as_of_month": np.repeat(range(2, 12), 4),
    ...                   "method": "ytd", "error_pp": [1.0, -1.0] * 20})
    >>> calibrate_sigma(e, method="ytd", month=6)
    (1.0, 4)
    """
    sub = errors.loc[(errors["method"] == method) & errors["error_pp"].notna()]
    curve, n_years = _sigma_curve(
        sub["year"].to_numpy(int),
        sub["as_of_month"].to_numpy(int),
        sub["error_pp"].to_numpy(float),
        exclude_year,
    )
    return float(curve[int(month) - 2]), n_years


def _isotonic_decreasing(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted least-squares non-increasing fit (pool adjacent violators).

    Examples
    --------
    >>> _isotonic_decreasing(np.array([4.0, 1.0, 3.0, 0.5]), np.ones(4)).tolist()
    [4.0, 2.0, 2.0, 0.5]
    """
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values, weights, strict=True):
        blocks.append([float(v), float(w), 1])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            wt = w1 + w2
            blocks.append([(m1 * w1 + m2 * w2) / wt, wt, c1 + c2])
    return np.concatenate([np.full(c, m) for m, _, c in blocks])


def t_scale(errors_pp: np.ndarray, *, df: float = TAIL_DF) -> float:
    """Maximum-likelihood scale of a Student t centred on zero.

    The fixed point of the EM iteration ``s² = mean(w e²)``, with weights
    ``w = (df + 1) / (df + e² / s²)`` (Lange, Little and Taylor 1989): an error
    far beyond the others gets a small weight, so one bad year does not widen
    every later year's interval the way it widens a root mean square. One
    error gives its own size; no errors, NaN.

    Examples
    --------
    >>> t_scale(np.array([1.0, -1.0, 1.0, -1.0]))
    1.0
    >>> round(t_scale(np.array([1.0, -1.0, 1.0, -1.0, 10.0])), 3)
    2.321

    (``scipy.stats.t.fit(e, fix_df=4, floc=0)`` agrees; the root mean square of
    the same five errors is 4.561.)
    """
    e2 = np.asarray(errors_pp, float) ** 2
    if e2.size == 0:
        return math.nan
    s2 = float(e2.mean())
    for _ in range(500):
        if s2 <= 0.0:
            return 0.0
        new = float(np.mean((df + 1.0) * e2 / (df + e2 / s2)))
        if abs(new - s2) <= 1e-12 * s2:
            s2 = new
            break
        s2 = new
    return math.sqrt(s2)


def _sigma_curve(
    years: np.ndarray,
    months: np.ndarray,
    errors_pp: np.ndarray,
    exclude_year: int | None = None,
) -> tuple[np.ndarray, int]:
    """Error scale (pp) for as-of months 2..11 of one method, and the years used.

    The t scale (:func:`t_scale`) of each as-of month's errors, its square
    made non-increasing in the month by isotonic regression, blended with the
    wide default when fewer than :data:`MIN_CALIBRATION_YEARS` years are
    available, floored at :data:`SIGMA_FLOOR_PP`.
    """
    if exclude_year is not None:
        keep = years != exclude_year
        years, months, errors_pp = years[keep], months[keep], errors_pp[keep]
    n_years = int(np.unique(years).size)
    idx = months - 2
    ok = (idx >= 0) & (idx < len(ASOF_MONTHS))
    count = np.bincount(idx[ok], minlength=len(ASOF_MONTHS)).astype(float)
    prior = np.array([_prior_sigma_pp(m) ** 2 for m in ASOF_MONTHS])
    mse = np.full(len(ASOF_MONTHS), np.nan)
    has = count > 0
    if has.any():
        idx, errs = idx[ok], errors_pp[ok]
        sq = np.array([t_scale(errs[idx == k]) ** 2 for k in np.flatnonzero(has)])
        mse[has] = _isotonic_decreasing(sq, count[has])
        # a month without errors takes the nearest later month's, else the prior
        for k in range(len(mse) - 2, -1, -1):
            if not np.isfinite(mse[k]) and np.isfinite(mse[k + 1]):
                mse[k] = mse[k + 1]
    if n_years < MIN_CALIBRATION_YEARS:
        mse = np.where(np.isfinite(mse), (n_years * mse + prior) / (n_years + 1), prior)
    else:
        mse = np.where(np.isfinite(mse), mse, prior)
    return np.maximum(np.sqrt(mse), SIGMA_FLOOR_PP), n_years


def _abnormal_years(history: RegionHistory, years: list[int]) -> set[int]:
    """Years whose own path strayed ABNORMAL_RATIO times the median year's."""
    devs = {y: _path_deviation_pp(history, y) for y in years}
    finite = [d for d in devs.values() if np.isfinite(d)]
    if len(finite) < MIN_CALIBRATION_YEARS:
        return set()
    med = float(np.median(finite))
    return {y for y, d in devs.items() if med > 0 and d >= ABNORMAL_RATIO * med}


def _widened_sigma(
    errors: pd.DataFrame,
    method: str,
    month: int,
    widen: float,
    abnormal: set[int],
    exclude_year: int | None = None,
) -> tuple[float, int]:
    """Calibrated sigma, widened after an abnormal base year without double counting.

    The widening multiplies the error scale of the normal years; when the
    calibration years already hold a shock year, its errors may make the plain
    scale wider still, and the larger of the two is used.
    """
    sub = errors.loc[(errors["method"] == method) & errors["error_pp"].notna()]
    arrays = (
        sub["year"].to_numpy(int),
        sub["as_of_month"].to_numpy(int),
        sub["error_pp"].to_numpy(float),
    )
    curve, n_years = _widened_curve(arrays, widen, abnormal, exclude_year)
    return float(curve[int(month) - 2]), n_years


def _widened_curve(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    widen: float | np.ndarray,
    abnormal: set[int],
    exclude_year: int | None = None,
) -> tuple[np.ndarray, int]:
    """:func:`_sigma_curve` widened by ``widen`` (a number or one per as-of month)."""
    sigma, n_years = _sigma_curve(*arrays, exclude_year)
    widen = np.broadcast_to(np.asarray(widen, float), sigma.shape)
    if (widen > 1.0).any():
        years, months, errs = arrays
        normal = ~np.isin(years, list(abnormal))
        sigma_normal, _ = _sigma_curve(
            years[normal], months[normal], errs[normal], exclude_year
        )
        sigma = np.where(widen > 1.0, np.maximum(sigma, widen * sigma_normal), sigma)
    return sigma, n_years


# --- calibration by regime and the exact outcome distribution -------------------


def auto_choice(ctx: _Context, year: int) -> str:
    """What ``auto`` uses for ``year``: ``adjusted`` with enough calm years, else ``ytd``.

    ``auto`` leaves the office's practice only when at least
    :data:`MIN_CALIBRATION_YEARS` calm pairs of years (a normal year after a
    normal year, before ``year``) calibrate the adjusted method's drift and
    its interval.
    """
    abnormal = ctx.abnormal(year)
    n = len(calm_pairs(ctx.history, before=year, abnormal=abnormal))
    return "adjusted" if n >= MIN_CALIBRATION_YEARS else "ytd"


def _resolve(ctx: _Context, method: str, year: int) -> str:
    return auto_choice(ctx, year) if method == "auto" else method


def calm_errors(
    ctx: _Context, method: str, *, before: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year-end errors (pp) of ``method`` in the calm years before ``before``.

    Each past year is forecast from its own past (rolling origin; ``auto``
    as it would have chosen then). Calm years are normal years after a
    normal year (:func:`calm_pairs`), and for the adjusted method only as-of
    months at which no shock was detected: shock years are scored by the
    regime rule, not mixed into the calm scale.

    Returns
    -------
    years, months, errors_pp : np.ndarray
    """
    h = ctx.history
    rows = []
    for y in calm_pairs(h, before=before, abnormal=ctx.abnormal(before)):
        used = _resolve(ctx, method, y)
        actual = h.g(y, 12)
        for m in ASOF_MONTHS:
            if used == "adjusted" and ctx.adjusted_state(y, m).shock:
                continue
            point = float(ctx.path(used, y, m)[-1])
            if np.isfinite(point):
                rows.append((y, m, (actual - point) * 100.0))
    if not rows:
        return np.empty(0, int), np.empty(0, int), np.empty(0)
    arr = np.array(rows, dtype=float)
    return arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2]


def regime_scale(sigma_calm_pp: float, state: Adjusted) -> tuple[float, float]:
    """Widen the calm-year scale for this year's regime; return (sigma_pp, widen).

    Parameters
    ----------
    sigma_calm_pp : float
        The calm-year error scale at the as-of month.
    state : Adjusted
        The adjusted forecast's base year, stacking depth and shock.

    Returns
    -------
    sigma_pp : float
        ``sigma_calm * sqrt(depth) * sqrt(shock_ratio / ABNORMAL_RATIO)`` (the
        last factor only for a detected shock, without a cap), floored by the
        disagreement between the methods: the drift and shock corrections
        ``|point - stacked|`` always, :data:`DISAGREEMENT_FLOOR` (half) of
        ``|point - ytd|`` after an abnormal base year or in a shock (where the
        office's own method reads the year very differently), and half of
        ``|point - alt_point|`` when last year's verdict was a close call
        (:func:`borderline_flip`).
    widen : float
        ``sigma_pp / sigma_calm_pp``.

    Examples
    --------
    >>> calm = Adjusted(point=0.05, stacked=0.05, ytd=0.05, base_year=2020,
    ...                 depth=1, drift=0.0, shock_ratio=1.0, shock=False, n_calm=5)
    >>> regime_scale(2.0, calm)
    (2.0, 1.0)
    >>> shock = Adjusted(point=0.02, stacked=-0.25, ytd=-0.25, base_year=2019,
    ...                  depth=1, drift=0.0, shock_ratio=12.0, shock=True, n_calm=5)
    >>> regime_scale(2.0, shock)
    (27.0, 13.5)
    """
    widen = math.sqrt(max(int(state.depth), 1))
    if state.shock and np.isfinite(state.shock_ratio):
        widen *= math.sqrt(max(state.shock_ratio / ABNORMAL_RATIO, 1.0))
    floor = abs(state.point - state.stacked) * 100.0
    if state.depth > 1 or state.shock:
        floor = max(floor, DISAGREEMENT_FLOOR * abs(state.point - state.ytd) * 100.0)
    if np.isfinite(state.alt_point):
        # last year's verdict was a close call: cover the other reading too
        floor = max(
            floor, DISAGREEMENT_FLOOR * abs(state.point - state.alt_point) * 100.0
        )
    sigma = max(sigma_calm_pp * widen, floor, SIGMA_FLOOR_PP)
    return float(sigma), float(sigma / sigma_calm_pp) if sigma_calm_pp > 0 else 1.0


def outcome_interval(
    point_pct: float, sigma_pp: float, df: int, *, level: float
) -> tuple[float, float]:
    """The exact central interval of the outcome: point ± t quantile × sigma.

    Outcomes are Student t with ``df`` degrees of freedom around the point,
    scale ``sigma_pp``; this is the interval printed and the one the backtest
    scores (no simulation).

    Examples
    --------
    >>> lo, hi = outcome_interval(10.0, 2.0, 4, level=0.8)
    >>> round(lo, 4), round(hi, 4)
    (6.9336, 13.0664)

    (t(4) 90% quantile 1.5332, times 2.)
    """
    q = float(stats.t.ppf(0.5 + level / 2.0, df))
    return point_pct - q * sigma_pp, point_pct + q * sigma_pp


def probability_at_least(
    point_pct: float, sigma_pp: float, df: int, *, threshold_pct: float
) -> float:
    """P(year-end growth >= threshold) under the same t distribution, exactly.

    Examples
    --------
    >>> round(probability_at_least(10.0, 2.0, 4, threshold_pct=10.0), 6)
    0.5
    >>> round(probability_at_least(10.0, 2.0, 4, threshold_pct=12.0), 4)
    0.187
    """
    return float(stats.t.sf((threshold_pct - point_pct) / sigma_pp, df))


def _auto_sigma(
    ctx: _Context, method: str, year: int, month: int
) -> tuple[float, int, float, Adjusted | None]:
    """Scale (pp), calibration years, widening and state of a rolling-origin forecast.

    ``method`` is ``adjusted`` or ``ytd`` as ``auto`` resolved it (or asked for
    explicitly): the calm-year scale from the calm years before ``year``,
    widened for the regime (:func:`regime_scale`; ``ytd`` by the base-year and
    current-year ratios, uncapped).
    """
    years, months, errs = calm_errors(ctx, method, before=year)
    curve, n_years = _sigma_curve(years, months, errs)
    calm = float(curve[month - 2])
    if method == "adjusted":
        state = ctx.adjusted_state(year, month)
        sigma, widen = regime_scale(calm, state)
        return sigma, n_years, widen, state
    _, ratio = score_base_year(ctx.history, year=year)
    current = score_current_year(ctx.history, year=year, month=month)
    widen = compute_widen_factor(_max_ratio(ratio, current))
    return calm * widen, n_years, widen, None


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest of every method for one region.

    Attributes
    ----------
    region : str
    years : tuple of int
        The years tested.
    records : pd.DataFrame
        One row per year, as-of month and method: point_pct, actual_pct,
        error_pp, sigma_pp, lo80/hi80/lo95/hi95, covered_80, covered_95, brier.
    """

    region: str
    years: tuple[int, ...]
    records: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Summarise by method and as-of month: mae_pp, coverage_80, coverage_95, brier."""
        if self.records.empty:
            return pd.DataFrame(
                columns=[
                    "method",
                    "as_of_month",
                    "mae_pp",
                    "coverage_80",
                    "coverage_95",
                    "brier",
                    "n_years",
                ]
            )
        grouped = self.records.groupby(["method", "as_of_month"], sort=False)
        out = grouped.agg(
            mae_pp=("error_pp", lambda e: float(np.mean(np.abs(e)))),
            coverage_80=("covered_80", "mean"),
            coverage_95=("covered_95", "mean"),
            brier=("brier", "mean"),
            n_years=("year", "nunique"),
        ).reset_index()
        order = {m: i for i, m in enumerate(BACKTEST_METHODS)}
        return out.sort_values(
            ["method", "as_of_month"],
            key=lambda c: c.map(order) if c.name == "method" else c,
        ).reset_index(drop=True)

    def method_table(self) -> pd.DataFrame:
        """Summarise by method over all as-of months (the report's trust table).

        ``auto`` (what the report actually uses) comes first, then
        :data:`METHODS` in order.
        """
        cols = [
            "method",
            "mae_pp",
            "coverage_80",
            "coverage_95",
            "brier",
            "n_years",
        ]
        if self.records.empty:
            return pd.DataFrame(columns=cols)
        rec = self.records
        out = (
            rec.groupby("method", sort=False)
            .agg(
                mae_pp=("error_pp", lambda e: float(np.mean(np.abs(e)))),
                coverage_80=("covered_80", "mean"),
                coverage_95=("covered_95", "mean"),
                brier=("brier", "mean"),
                n_years=("year", "nunique"),
            )
            .reset_index()
        )
        order = {m: i for i, m in enumerate(BACKTEST_METHODS)}
        out = out.sort_values("method", key=lambda c: c.map(order), kind="stable")
        return out[cols].reset_index(drop=True)

    def best_method(self, methods: tuple[str, ...] = METHODS) -> str | None:
        """Return the method with the lowest MAE over as-of months 2..11, or None."""
        tab = self.method_table()
        tab = tab.loc[tab["method"].isin(methods) & tab["mae_pp"].notna()]
        if tab.empty:
            return None
        return str(tab.sort_values("mae_pp", kind="stable").iloc[0]["method"])


def backtest(
    fai_monthly: pd.DataFrame,
    region: str,
    *,
    years: tuple[int, int] | list[int] | None = None,
    methods: tuple[str, ...] = BACKTEST_METHODS,
    thresholds_pct: tuple[float, ...] = (),
) -> BacktestResult:
    """Backtest the methods over past years with a rolling origin.

    Every year that counts and whose previous year counts
    (:meth:`RegionHistory.has_year`; and, if given, lies within ``years``) is
    forecast from each as-of month 2..11
    using only data up to that month (the ETS parameters are fitted on the
    years before it). Intervals are calibrated leave-one-year-out: the errors
    of the other tested years give the error scale, so the year being tested
    never calibrates its own interval.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame.
    region : str
    years : (first, last) or list of int, optional
        Years to test (inclusive range or explicit list); all eligible years
        when omitted.
    methods : tuple of str, default BACKTEST_METHODS
        ``"auto"`` is the whole selection procedure scored with a rolling
        origin (:func:`_auto_records`): each year sees only the years before
        it, as the forecast itself would have. The other methods' intervals
        are calibrated leave-one-year-out.
    thresholds_pct : tuple of float, default ()
        Fixed growth thresholds (e.g. the target) scored with the Brier score
        in addition to the realised growth plus :data:`BRIER_OFFSETS_PP`.

    Returns
    -------
    BacktestResult

    Notes
    -----
    The Brier score is the mean over thresholds of
    ``(P(year-end growth >= threshold) - outcome)^2``; 0 is perfect, 0.25 is
    what a forecaster saying "50%" every time gets.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 10.0) for y in range(2015, 2019)
    ...         for m in range(2, 13)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> bt = backtest(df, "甲", methods=("ytd",))
    >>> bt.years, float(bt.to_frame()["mae_pp"].max())
    ((2016, 2017, 2018), 0.0)
    """
    for meth in methods:
        _check_method(meth)
    history = build_region_history(fai_monthly, region)
    ctx = _Context(history)
    eligible = _eligible_years(history)
    if years is not None:
        wanted = (
            set(range(int(years[0]), int(years[1]) + 1))
            if isinstance(years, tuple)
            else {int(y) for y in years}
        )
        eligible = [y for y in eligible if y in wanted]
    plain = tuple(m for m in methods if m != "auto")
    errors = _point_errors(ctx, eligible, plain)
    scored = _score_intervals(ctx, errors, thresholds_pct)
    if "auto" in methods:
        auto = _auto_records(ctx, eligible, thresholds_pct)
        scored = pd.concat([auto, scored], ignore_index=True) if len(scored) else auto
    return BacktestResult(region, tuple(eligible), scored)


def _auto_records(
    ctx: _Context, years: list[int], thresholds_pct: tuple[float, ...]
) -> pd.DataFrame:
    """Score ``auto`` itself: every year forecast as it would have been then.

    Rolling origin: for each year and as-of month the method ``auto`` picks,
    its point, its calm-year scale and its regime widening all come from the
    years before it only, and the interval and probabilities are the exact t
    ones the forecast prints.
    """
    rows = []
    for y in years:
        used = auto_choice(ctx, y)
        actual = ctx.history.g(y, 12) * 100.0
        for m in ASOF_MONTHS:
            if not np.isfinite(ctx.history.g(y, m)):
                continue  # not published that year
            point = float(ctx.path(used, y, m)[-1]) * 100.0
            sigma, n_years, _, _ = _auto_sigma(ctx, used, y, m)
            df = TAIL_DF
            lo80, hi80 = outcome_interval(point, sigma, df, level=0.8)
            lo95, hi95 = outcome_interval(point, sigma, df, level=0.95)
            thresholds = [actual + o for o in BRIER_OFFSETS_PP] + [
                float(v) for v in thresholds_pct
            ]
            brier = float(
                np.mean(
                    [
                        (
                            probability_at_least(point, sigma, df, threshold_pct=th)
                            - float(actual >= th)
                        )
                        ** 2
                        for th in thresholds
                    ]
                )
            )
            rows.append(
                {
                    "year": y,
                    "as_of_month": m,
                    "method": "auto",
                    "point_pct": point,
                    "actual_pct": actual,
                    "error_pp": actual - point,
                    "sigma_pp": sigma,
                    "lo80": lo80,
                    "hi80": hi80,
                    "lo95": lo95,
                    "hi95": hi95,
                    "covered_80": lo80 <= actual <= hi80,
                    "covered_95": lo95 <= actual <= hi95,
                    "brier": brier,
                }
            )
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)


#: Columns of :attr:`BacktestResult.records`.
BACKTEST_COLUMNS: list[str] = [
    "year",
    "as_of_month",
    "method",
    "point_pct",
    "actual_pct",
    "error_pp",
    "sigma_pp",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "covered_80",
    "covered_95",
    "brier",
]


def _score_intervals(
    ctx: _Context, errors: pd.DataFrame, thresholds_pct: tuple[float, ...]
) -> pd.DataFrame:
    """Add leave-one-year-out intervals, coverage and Brier scores to errors."""
    if errors.empty:
        return errors.assign(
            sigma_pp=[],
            lo80=[],
            hi80=[],
            lo95=[],
            hi95=[],
            covered_80=[],
            covered_95=[],
            brier=[],
        )
    years_tested = [int(y) for y in errors["year"].unique()]
    base_ratio = {y: score_base_year(ctx.history, year=y)[1] for y in years_tested}
    widen = {
        (y, m): compute_widen_factor(
            _max_ratio(base_ratio[y], score_current_year(ctx.history, year=y, month=m))
        )
        for y in years_tested
        for m in ASOF_MONTHS
    }
    abnormal = _abnormal_years(ctx.history, years_tested)
    valid = errors.loc[errors["error_pp"].notna()]
    arrays = {
        meth: (
            grp["year"].to_numpy(int),
            grp["as_of_month"].to_numpy(int),
            grp["error_pp"].to_numpy(float),
        )
        for meth, grp in valid.groupby("method")
    }
    empty = (np.empty(0, int), np.empty(0, int), np.empty(0))
    curves: dict[tuple[str, int], tuple[np.ndarray, int]] = {}
    for meth in errors["method"].unique():
        for y in years_tested:
            wid = np.array([widen[(y, m)] for m in ASOF_MONTHS])
            curves[(meth, y)] = _widened_curve(
                arrays.get(meth, empty), wid, abnormal, y
            )
    sigma = np.empty(len(errors))
    dfs = np.empty(len(errors))
    for k, (meth, y, m) in enumerate(
        zip(errors["method"], errors["year"], errors["as_of_month"], strict=True)
    ):
        curve, n_years = curves[(meth, int(y))]
        sigma[k], dfs[k] = curve[int(m) - 2], TAIL_DF
    point = errors["point_pct"].to_numpy(float)
    actual = errors["actual_pct"].to_numpy(float)
    q80 = stats.t.ppf(0.9, dfs)
    q95 = stats.t.ppf(0.975, dfs)
    offsets = np.array(BRIER_OFFSETS_PP)
    thresholds = np.concatenate(
        [
            actual[:, None] + offsets[None, :],
            np.broadcast_to(
                np.array(thresholds_pct, float), (len(errors), len(thresholds_pct))
            ),
        ],
        axis=1,
    )
    probs = stats.t.sf((thresholds - point[:, None]) / sigma[:, None], dfs[:, None])
    outcomes = actual[:, None] >= thresholds
    extra = pd.DataFrame(
        {
            "sigma_pp": sigma,
            "lo80": point - q80 * sigma,
            "hi80": point + q80 * sigma,
            "lo95": point - q95 * sigma,
            "hi95": point + q95 * sigma,
            "brier": np.mean((probs - outcomes) ** 2, axis=1),
        }
    )
    res = pd.concat([errors.reset_index(drop=True), extra], axis=1)
    return res.assign(
        covered_80=(res["actual_pct"] >= res["lo80"])
        & (res["actual_pct"] <= res["hi80"]),
        covered_95=(res["actual_pct"] >= res["lo95"])
        & (res["actual_pct"] <= res["hi95"]),
    )[BACKTEST_COLUMNS]


# --- the forecast ----------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastResult:
    """A year-end growth forecast for one region at one as-of month.

    Attributes
    ----------
    region : str
    year : int
    as_of_month : int
    method : str
        The method used (``"auto"`` resolved to a method name).
    method_reason : str
        Why this method (Chinese, for the report).
    ytd_growth_pct : float
        Published cumulative growth through the as-of month.
    point_growth_pct : float
        Point forecast of the year-end cumulative growth.
    interval_80_pct, interval_95_pct : tuple of float
        (lo, hi) of the calibrated distribution.
    p_reach_target : float
        P(year-end growth >= target) under the calibrated t distribution,
        exactly (:func:`probability_at_least`); the interval too is exact
        (:func:`outcome_interval`): what is printed is what the backtest scores.
    target_growth_pct : float
    required_remaining_growth_pct : float
        Growth the remaining months need over the same months of the base year;
        NaN without base-year levels or at month 12.
    forecast_remaining_growth_pct : float
        Growth of the remaining months the point forecast implies, on the same
        basis (so it can be read beside the required growth).
    sigma_pp : float
        Calibrated error scale (after widening).
    widen_factor : float
        Widening for an abnormal base year or a shock this year (1 = none).
    sigma_model_pp : float
        Spread (standard deviation, pp) of the ETS model's own simulated year
        ends (statsmodels ``simulate``) when the method is ``ets``, for
        comparison with the calibrated ``sigma_pp``; NaN otherwise.
    base_abnormal : bool
    n_calibration_years : int
    path : pd.DataFrame
        One row per month 2..12: actual growth, point path, 80%/95% fan, on-track
        growth and level.
    methods : pd.DataFrame
        Every method's point forecast and backtest MAE for comparison.
    """

    region: str
    year: int
    as_of_month: int
    method: str
    method_reason: str
    ytd_growth_pct: float
    point_growth_pct: float
    interval_80_pct: tuple[float, float]
    interval_95_pct: tuple[float, float]
    p_reach_target: float
    target_growth_pct: float
    required_remaining_growth_pct: float
    sigma_pp: float
    widen_factor: float
    sigma_model_pp: float
    base_abnormal: bool
    n_calibration_years: int
    path: pd.DataFrame
    methods: pd.DataFrame
    #: What the forecast itself implies for the remaining months over the same
    #: months of last year (percent; NaN without last year's levels or at 1—12月).
    forecast_remaining_growth_pct: float = math.nan
    #: The regime the interval was calibrated for: ``calm``, ``base`` (stacked
    #: past an abnormal base year) or ``shock`` (this year departs abnormally).
    regime: str = "calm"
    #: The base year the forecast stacks onto and how many years that spans.
    base_year: int = 0
    stack_depth: int = 1
    #: Whether last year's levels are known: without them the growth the
    #: remaining months need cannot be computed (growth-only data).
    has_levels: bool = True

    @property
    def is_outcome(self) -> bool:
        """True at 1—12月: the year's growth is published, nothing is forecast."""
        return self.as_of_month == 12

    @property
    def gap_pp(self) -> float:
        """Point (or outcome) growth minus the target, in percentage points."""
        return self.point_growth_pct - self.target_growth_pct

    def to_frame(self) -> pd.DataFrame:
        """Return the monthly path (actual, forecast fan, on-track) as a frame."""
        return self.path.copy()

    def to_dict(self) -> dict[str, object]:
        """Return the headline numbers as plain values (the CLI's JSON)."""
        req = self.required_remaining_growth_pct
        return {
            "region": self.region,
            "year": self.year,
            "as_of_month": self.as_of_month,
            "method": self.method,
            "point_growth_pct": round(self.point_growth_pct, 2),
            "interval_80_pct": [round(v, 2) for v in self.interval_80_pct],
            "interval_95_pct": [round(v, 2) for v in self.interval_95_pct],
            "p_reach_target": round(self.p_reach_target, 3),
            "target_growth_pct": self.target_growth_pct,
            "required_remaining_growth_pct": None
            if not np.isfinite(req)
            else round(req, 2),
            "forecast_remaining_growth_pct": None
            if not np.isfinite(self.forecast_remaining_growth_pct)
            else round(self.forecast_remaining_growth_pct, 2),
            "ytd_growth_pct": round(self.ytd_growth_pct, 2),
            "outcome_known": self.is_outcome,
            "sigma_pp": round(self.sigma_pp, 3),
            "sigma_model_pp": None
            if not np.isfinite(self.sigma_model_pp)
            else round(self.sigma_model_pp, 3),
            "base_abnormal": self.base_abnormal,
            "n_calibration_years": self.n_calibration_years,
            "regime": self.regime,
            "base_year": self.base_year,
            "stack_depth": self.stack_depth,
            "has_levels": self.has_levels,
        }


def forecast_fai(
    fai_monthly: pd.DataFrame,
    region: str,
    *,
    year: int,
    as_of_month: int,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
    method: str = "auto",
    n_paths: int = 5000,
    seed: int = defaults.SEED,
) -> ForecastResult:
    """Forecast a region's year-end cumulative growth from its statistics to date.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame; only rows up to ``(year, as_of_month)``
        of the region are used.
    region : str
    year : int
    as_of_month : int
        Last published month, 2..12 (2 = 1—2月). At 12 the year's outcome
        is known and is returned as it is (:attr:`ForecastResult.is_outcome`):
        no fan, probability 1 or 0, intervals collapsed to the point.
    target_growth_pct : float, default defaults.TARGET_GROWTH_PCT
    method : str, default "auto"
        One of :data:`METHODS` or ``"auto"``.
    n_paths : int, default 5000
        Draws of the ETS model's own simulation (``sigma_model_pp``, shown for
        comparison when the method is ``ets``); the interval and probability
        are exact and use no draws.
    seed : int, default defaults.SEED
        Seed of that simulation: the result is the same for the same seed.

    Returns
    -------
    ForecastResult

    Raises
    ------
    ValueError
        When the as-of month is 1 (published only with February) or outside
        1..12, the region has no figure for it, or the chosen method lacks the
        data it needs (e.g. ``two_year`` without last year).

    Notes
    -----
    With ``auto`` (and ``adjusted``) the error scale comes from the region's
    own calm years at this as-of month, each forecast from its own past (the t
    scale of year-end errors, non-increasing in the month), widened for the
    regime by :func:`regime_scale`; with another method from its backtest errors over the
    past years, widened by :func:`compute_widen_factor` (no cap). Outcomes
    follow a Student t with :data:`TAIL_DF` degrees of freedom around the
    point; the interval and P(target) are its exact values
    (:func:`outcome_interval`, :func:`probability_at_least`), the numbers the
    backtest scores. The chart's fan spreads the same year-end deviation over
    the remaining months in proportion to their base-year share.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 10.0) for y in range(2016, 2022)
    ...         for m in range(2, 13) if (y, m) <= (2021, 6)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> res = forecast_fai(df, "甲", year=2021, as_of_month=6, method="ytd")
    >>> round(res.point_growth_pct, 6), round(res.p_reach_target, 6)
    (10.0, 0.0)
    """
    _check_method(method)
    year, month = int(year), int(as_of_month)
    check_as_of_month(year, month)
    keep = (fai_monthly["year"] < year) | (
        (fai_monthly["year"] == year) & (fai_monthly["month"] <= month)
    )
    # rows without a year or month (only possible in data that failed
    # validation) are left out rather than breaking the mask
    cut = fai_monthly.loc[keep.fillna(False).astype(bool)]
    history = build_region_history(cut, region)
    ytd = history.g(year, month)
    if not np.isfinite(ytd):
        raise ValueError(
            f"{region}缺少{year}年{month_label(month)}的累计增速 / "
            f"{region} has no growth for {year}-{month:02d}"
        )
    if month == 12:
        return _outcome_result(history, region, year, float(target_growth_pct))
    ctx = _Context(history, ets_alpha_year=year)
    calib_years = _eligible_years(history, before=year)
    errors = _point_errors(ctx, calib_years, METHODS)
    paths = {m: ctx.path(m, year, month) for m in METHODS}
    usable = tuple(m for m in METHODS if np.isfinite(paths[m]).all())
    mae = (
        errors.assign(abs_pp=errors["error_pp"].abs())
        .groupby("method")["abs_pp"]
        .mean()
        .reindex(list(METHODS))
    )
    chosen, reason = _choose_method(ctx, method, usable, year, month)
    point_path = paths[chosen]
    state = None
    if method == "auto" or chosen == "adjusted":
        sigma, n_years, widen, state = _auto_sigma(ctx, chosen, year, month)
        if state is None:
            _, ratio = score_base_year(history, year=year)
            abnormal = bool(ratio >= ABNORMAL_RATIO)
        else:
            abnormal = state.depth > 1
    else:
        _, ratio = score_base_year(history, year=year)
        abnormal = bool(ratio >= ABNORMAL_RATIO)  # False when unknown (NaN)
        current = score_current_year(history, year=year, month=month)
        widen = compute_widen_factor(_max_ratio(ratio, current))
        sigma, n_years = _widened_sigma(
            errors, chosen, month, widen, _abnormal_years(history, calib_years)
        )
    df = TAIL_DF
    sigma_model = math.nan
    if chosen == "ets":
        rng = np.random.default_rng(seed)
        model_draws = _simulate_ets_year_end(ctx, year, month, n_paths, rng)
        sigma_model = (
            float(np.std(model_draws)) if model_draws is not None else math.nan
        )
        # reported beside the calibrated scale, not used for the interval: the
        # backtest the report shows must describe the interval the report uses
    shares = ctx.base_shares(year)
    point_pct = float(point_path[-1]) * 100.0
    t = float(target_growth_pct)
    lo80, hi80 = outcome_interval(point_pct, sigma, df, level=0.8)
    lo95, hi95 = outcome_interval(point_pct, sigma, df, level=0.95)
    path = _build_path_frame(
        history,
        year,
        month,
        point_path,
        (sigma, df),
        t,
        shares,
        ctx.shares[year][1] == "base_levels",
    )
    i = history.row(year - 1)
    base_share = (
        float(shares[month - 2])
        if ctx.shares[year][1] == "base_levels" and i is not None
        else math.nan
    )
    methods_tab = pd.DataFrame(
        {
            "method": list(METHODS),
            "point_growth_pct": [float(paths[m][-1]) * 100.0 for m in METHODS],
            "backtest_mae_pp": mae.to_numpy(),
        }
    )
    if state is None:
        regime = "base" if abnormal else "calm"
        base_year, depth = year - 1, 1
    else:
        regime = "shock" if state.shock else ("base" if state.depth > 1 else "calm")
        base_year, depth = state.base_year, state.depth
    return ForecastResult(
        region=region,
        year=year,
        as_of_month=month,
        method=chosen,
        method_reason=reason,
        ytd_growth_pct=ytd * 100.0,
        point_growth_pct=point_pct,
        interval_80_pct=(float(lo80), float(hi80)),
        interval_95_pct=(float(lo95), float(hi95)),
        p_reach_target=probability_at_least(point_pct, sigma, df, threshold_pct=t),
        target_growth_pct=t,
        required_remaining_growth_pct=compute_required_growth(
            base_share, ytd * 100.0, target_growth_pct=t
        ),
        forecast_remaining_growth_pct=compute_required_growth(
            base_share, ytd * 100.0, target_growth_pct=point_pct
        ),
        sigma_pp=float(sigma),
        widen_factor=float(widen),
        sigma_model_pp=sigma_model,
        base_abnormal=abnormal,
        n_calibration_years=n_years,
        path=path,
        methods=methods_tab,
        regime=regime,
        base_year=int(base_year),
        stack_depth=int(depth),
        has_levels=ctx.shares[year][1] == "base_levels" and i is not None,
    )


def check_as_of_month(year: int, month: int) -> None:
    """Refuse an as-of month no forecast can start from, with a plain message.

    Month 1 is never published alone (January comes out with February as
    1—2月), so the earliest as-of month is 2; month 12 is the year's outcome.

    Raises
    ------
    ValueError
        For a month outside 2..12.

    Examples
    --------
    >>> check_as_of_month(2021, 2)
    >>> check_as_of_month(2021, 1)
    Traceback (most recent call last):
    ...
    ValueError: 1月的数据不单独公布（与2月合并为1—2月），最早可从2021-02（1—2月）开始预测 / January is published with February: the earliest as-of month is 2021-02
    """
    if month == 1:
        raise ValueError(
            f"1月的数据不单独公布（与2月合并为1—2月），最早可从{year}-02（1—2月）开始预测"
            f" / January is published with February: the earliest as-of month is {year}-02"
        )
    if not 2 <= month <= 12:
        raise ValueError(
            f"截止月份须为2—12月（2即1—2月）/ as_of_month must be 2..12, got {month}"
        )


def _outcome_result(
    history: RegionHistory, region: str, year: int, target_pct: float
) -> ForecastResult:
    """The result at 1—12月: the year's growth is known, nothing is forecast.

    The point is the published 1—12月 growth, both intervals collapse to it,
    the probability of the target is 1 or 0 and no remaining growth is needed.
    """
    g = history.g(year, 12) * 100.0
    i = history.row(year)
    j = history.row(year - 1)
    months = np.arange(2, 13)
    end = np.where(months == 12, g, np.nan)
    prev = history.growth[j] * 100.0 if j is not None else np.full(11, np.nan)
    path = pd.DataFrame(
        {
            "month": months,
            "period": [month_label(m) for m in months],
            "prev_year_growth_pct": prev,
            "actual_growth_pct": history.growth[i] * 100.0,
            "point_growth_pct": end,
            "lo80_pct": end,
            "hi80_pct": end,
            "lo95_pct": end,
            "hi95_pct": end,
            "on_track_growth_pct": np.full(11, np.nan),
            "on_track_level_wan": np.full(11, np.nan),
        }
    )
    methods_tab = pd.DataFrame(
        {
            "method": [OUTCOME_METHOD],
            "point_growth_pct": [g],
            "backtest_mae_pp": [0.0],
        }
    )
    return ForecastResult(
        region=region,
        year=year,
        as_of_month=12,
        method=OUTCOME_METHOD,
        method_reason="1—12月已是全年结果",
        ytd_growth_pct=g,
        point_growth_pct=g,
        interval_80_pct=(g, g),
        interval_95_pct=(g, g),
        p_reach_target=1.0 if round(g, 1) >= round(target_pct, 1) else 0.0,
        target_growth_pct=target_pct,
        required_remaining_growth_pct=math.nan,
        sigma_pp=0.0,
        widen_factor=1.0,
        sigma_model_pp=math.nan,
        base_abnormal=False,
        n_calibration_years=0,
        path=path,
        methods=methods_tab,
    )


def _choose_method(
    ctx: _Context, method: str, usable: tuple[str, ...], year: int, month: int
) -> tuple[str, str]:
    if method != "auto":
        if method not in usable:
            raise ValueError(
                f"数据不足，无法用{METHOD_LABELS[method]}预测（例如缺少上年同期数据）/ "
                f"not enough data for method {method!r}"
            )
        return method, "按参数指定"
    pick = auto_choice(ctx, year)
    if pick not in usable:
        pick = "ytd"
    if pick == "ytd":
        return pick, (
            f"正常年份不足{MIN_CALIBRATION_YEARS}对，无法校准其他方法，沿用累计增速"
        )
    return pick, _adjusted_reason(ctx.adjusted_state(year, month), year)


def _adjusted_reason(state: Adjusted, year: int) -> str:
    """Why the adjusted method reads the year as it does (Chinese)."""
    text = _adjusted_reading(state, year)
    if np.isfinite(state.alt_point):
        text += (
            f"；{year - 1}年走势是否异常处于临界，按另一种判断全年约增长"
            f"{state.alt_point * 100:.1f}%，区间兼顾两种判断"
        )
    return text


def _adjusted_reading(state: Adjusted, year: int) -> str:
    """How the adjusted method read the base year and this year (Chinese)."""
    if state.shock:
        return (
            "今年增速较上年突变（远超正常年份的变动），按冲击处理：余下月份按"
            f"{state.base_year}年的增速恢复，区间相应放宽"
        )
    if state.depth > 1:
        skipped = "、".join(str(y) for y in range(state.base_year + 1, year))
        blend = ""
        if state.stack_weight < 0.995:
            blend = (
                f"，并与累计增速按各自的误差加权（叠加读数占{state.stack_weight:.0%}："
                "上年同期已接近其全年水平）"
            )
        return (
            f"{skipped}年走势异常（基数效应），增速叠加到上一个正常年份{state.base_year}年"
            f"再折回今年{blend}，区间相应放宽"
        )
    return "上年走势正常：累计增速按正常年份从该月到年末的典型变化校正"


def _build_path_frame(
    history: RegionHistory,
    year: int,
    month: int,
    point_path: np.ndarray,
    scale: tuple[float, int],
    target_pct: float,
    shares: np.ndarray,
    has_base_levels: bool,
) -> pd.DataFrame:
    """The monthly path with the exact 80%/95% fan.

    The year-end deviation (t with ``df`` degrees of freedom, scale
    ``sigma``) is spread over the remaining months in proportion to their
    base-year share, which is how a uniform surprise in the remaining months
    shows in each later month's cumulative growth: month k's band is its point
    ± the same t quantile × sigma × weight(k), weight(12) = 1.
    """
    sigma, df = scale
    i = history.row(year)
    actual = history.growth[i] * 100.0
    actual = np.where(np.arange(2, 13) <= month, actual, np.nan)
    months = np.arange(2, 13)
    fc = np.full((5, 11), np.nan)
    later = slice(month - 2, 11)
    s_later = shares[month - 2 :]
    weight = (s_later - s_later[0]) / s_later / (1.0 - s_later[0])
    mid = point_path * 100.0
    q80 = float(stats.t.ppf(0.9, df))
    q95 = float(stats.t.ppf(0.975, df))
    fc[0, later] = mid
    fc[1, later] = mid - q80 * sigma * weight
    fc[2, later] = mid + q80 * sigma * weight
    fc[3, later] = mid - q95 * sigma * weight
    fc[4, later] = mid + q95 * sigma * weight
    on_track = np.full(11, np.nan)
    level = np.full(11, np.nan)
    if has_base_levels:
        g = history.g(year, month)
        req = compute_required_growth(
            float(shares[month - 2]), g * 100.0, target_growth_pct=target_pct
        )
        on_track[later] = _cum_path(shares, month, g, req / 100.0) * 100.0
        lvl_now = history.level_wan[i, month - 2]
        if np.isfinite(lvl_now):
            # scale the on-track cumulative comparable index to this year's reported level
            idx = shares[later] * (1.0 + on_track[later] / 100.0)
            level[later] = lvl_now * idx / idx[0]
    j = history.row(year - 1)
    prev = history.growth[j] * 100.0 if j is not None else np.full(11, np.nan)
    return pd.DataFrame(
        {
            "month": months,
            "period": [month_label(m) for m in months],
            "prev_year_growth_pct": prev,
            "actual_growth_pct": actual,
            "point_growth_pct": fc[0],
            "lo80_pct": fc[1],
            "hi80_pct": fc[2],
            "lo95_pct": fc[3],
            "hi95_pct": fc[4],
            "on_track_growth_pct": on_track,
            "on_track_level_wan": level,
        }
    )


# --- every region at once ----------------------------------------------------------------


@dataclass(frozen=True)
class RegionForecasts:
    """Forecasts of several regions (the city and its counties) at one as-of month.

    Attributes
    ----------
    results : dict of str to ForecastResult
    skipped : dict of str to str
        Regions that could not be forecast and why.
    """

    results: dict[str, ForecastResult]
    skipped: dict[str, str]

    def to_frame(self) -> pd.DataFrame:
        """Return one row per region sorted by risk (lowest P(target) first)."""
        rows = []
        for r in self.results.values():
            rows.append(
                {
                    "region": r.region,
                    "target_growth_pct": r.target_growth_pct,
                    "ytd_growth_pct": r.ytd_growth_pct,
                    "point_growth_pct": r.point_growth_pct,
                    "lo80_pct": r.interval_80_pct[0],
                    "hi80_pct": r.interval_80_pct[1],
                    "p_reach_target": r.p_reach_target,
                    "required_remaining_growth_pct": r.required_remaining_growth_pct,
                    "method": r.method,
                    "flag": _flag(r),
                }
            )
        cols = [
            "region",
            "target_growth_pct",
            "ytd_growth_pct",
            "point_growth_pct",
            "lo80_pct",
            "hi80_pct",
            "p_reach_target",
            "required_remaining_growth_pct",
            "method",
            "flag",
        ]
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values(
            ["p_reach_target", "point_growth_pct"], kind="stable"
        ).reset_index(drop=True)

    @property
    def is_outcome(self) -> bool:
        """True when every result is a published 1—12月 outcome."""
        return bool(self.results) and all(r.is_outcome for r in self.results.values())


def _flag(result: ForecastResult) -> str:
    """The county table's flag: 红/黄/绿 risk, or 达标/未达标 at 1—12月."""
    if result.is_outcome:
        return "达标" if result.p_reach_target >= 1.0 else "未达标"
    return flag_risk(result.p_reach_target)


def flag_risk(p_reach_target: float) -> str:
    """Flag a probability of reaching the target: 红 < 30% <= 黄 < 70% <= 绿.

    Examples
    --------
    >>> flag_risk(0.1), flag_risk(0.5), flag_risk(0.9)
    ('红', '黄', '绿')
    """
    lo, hi = FLAG_LIMITS
    if p_reach_target < lo:
        return "红"
    return "黄" if p_reach_target < hi else "绿"


def forecast_regions(
    fai_monthly: pd.DataFrame,
    *,
    year: int,
    as_of_month: int,
    regions: list[str] | tuple[str, ...] | None = None,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
    method: str = "auto",
    n_paths: int = 5000,
    seed: int = defaults.SEED,
    targets: dict[str, float] | None = None,
) -> RegionForecasts:
    """Forecast several regions at once (by default every region in the data).

    Each region gets its own backtest, method choice and calibration, and is
    simulated with the same ``seed``, so a region's row equals its own
    :func:`forecast_fai` result and adding a region never changes another's.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
    year, as_of_month : int
    regions : sequence of str, optional
        Default: every region with rows, in order of first appearance.
    target_growth_pct : float, default defaults.TARGET_GROWTH_PCT
        The target of every region not in ``targets``.
    method : str, default "auto"
    n_paths : int, default 5000
    seed : int, default defaults.SEED
    targets : dict of str to float, optional
        Region-specific targets in percent (see :func:`extract_targets`).

    Returns
    -------
    RegionForecasts
        Regions without the data a forecast needs are listed in ``skipped``.

    Examples
    --------
    >>> rows = [(r, y, m, None, g) for r, g in (("甲", 10.0), ("乙", 30.0))
    ...         for y in range(2016, 2022) for m in range(2, 13) if (y, m) <= (2021, 6)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> r = forecast_regions(df, year=2021, as_of_month=6, method="ytd")
    >>> r.to_frame()["flag"].tolist()
    ['红', '绿']
    """
    if regions is None:
        regions = list(dict.fromkeys(fai_monthly["region"].dropna()))
    targets = dict(targets or {})
    results, skipped = {}, {}
    for region in regions:
        try:
            results[region] = forecast_fai(
                fai_monthly,
                region,
                year=year,
                as_of_month=as_of_month,
                target_growth_pct=targets.get(region, target_growth_pct),
                method=method,
                n_paths=n_paths,
                seed=seed,
            )
        except ValueError as exc:
            skipped[region] = str(exc)
    return RegionForecasts(results, skipped)


def extract_targets(targets: pd.DataFrame | None, *, year: int) -> dict[str, float]:
    """Return each region's target growth (percent) for ``year`` from a ``targets`` frame.

    Parameters
    ----------
    targets : pd.DataFrame or None
        Canonical ``targets`` frame (region, year, target_growth_pct, …).
    year : int

    Returns
    -------
    dict of str to float
        Regions without a target for ``year`` are absent.

    Examples
    --------
    >>> t = pd.DataFrame({"region": ["甲", "乙", "乙"], "year": [2021, 2021, 2020],
    ...                   "target_growth_pct": [20.0, 25.0, 10.0]})
    >>> extract_targets(t, year=2021)
    {'甲': 20.0, '乙': 25.0}
    """
    if targets is None or targets.empty:
        return {}
    rows = targets.loc[
        (targets["year"] == year).fillna(False).astype(bool)
        & targets["target_growth_pct"].notna()
        & targets["region"].notna()
    ]
    return {
        str(r): float(t)
        for r, t in zip(rows["region"], rows["target_growth_pct"], strict=True)
    }


def headline_target(
    targets: pd.DataFrame | None,
    region: str,
    *,
    year: int,
    target_growth_pct: float | None = None,
) -> float:
    """The growth target (percent) ``region`` is judged against in ``year``.

    The one given (a command-line ``--target`` or a notebook parameter), else
    the region's row of the targets table for the year, else
    :data:`zjanalysis.defaults.TARGET_GROWTH_PCT` (the minutes' 20%): the
    table of the year in hand wins over the 2021 minutes.

    Examples
    --------
    >>> t = pd.DataFrame({"region": ["甲"], "year": [2023], "target_growth_pct": [10.0]})
    >>> headline_target(t, "甲", year=2023), headline_target(t, "甲", year=2024)
    (10.0, 20.0)
    >>> headline_target(t, "甲", year=2023, target_growth_pct=12.0)
    12.0
    """
    if target_growth_pct is not None:
        return float(target_growth_pct)
    return extract_targets(targets, year=year).get(region, defaults.TARGET_GROWTH_PCT)


# --- the report bundle ---------------------------------------------------------------


@dataclass(frozen=True)
class ForecastReport:
    """Everything notebook 10-fai-forecast shows, or the reason it shows nothing.

    :class:`zjanalysis.reports.forecast.ForecastView` words and lays it out.

    Attributes
    ----------
    city : ForecastResult or None
        The forecast of the report's region.
    regions : RegionForecasts or None
        Every region in the data.
    backtest : BacktestResult or None
        The report region's backtest over the years before the forecast year.
    refusal : str
        Empty when the forecast ran; else a plain Chinese explanation.
    refusal_kind : str
        ``errors`` or ``no_data`` when :func:`forecast_for_dataset` refused
        (see :func:`zjanalysis.coverage.gate`), else ``""``.
    """

    city: ForecastResult | None
    regions: RegionForecasts | None
    backtest: BacktestResult | None
    refusal: str = ""
    refusal_kind: str = ""
    #: The targets table's 上年完成投资 of the report region (万元; NaN when not given).
    targets_base_wan: float = math.nan
    #: The year's forecasts month by month (:func:`forecast_track`); None when refused.
    track: pd.DataFrame | None = None

    @property
    def is_outcome(self) -> bool:
        """True at 1—12月: the report states the year's result, no forecast."""
        return self.city is not None and self.city.is_outcome


def prepare_forecast_report(
    fai_monthly: pd.DataFrame,
    region: str,
    *,
    year: int,
    as_of: str | AsOf,
    target_growth_pct: float | None = None,
    method: str = "auto",
    n_paths: int = 5000,
    seed: int = defaults.SEED,
    targets: pd.DataFrame | None = None,
) -> ForecastReport:
    """Compute everything the forecast report shows, refusing politely on bad data.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame.
    region : str
        The headline region (usually 湛江市).
    year : int
    as_of : str or AsOf
        The last published month, ``"2021-06"``; an as-of in a later year
        states ``year``'s result (1—12月), one before ``year`` is refused.
    target_growth_pct : float, optional
        The headline region's target; by default its row of ``targets`` for
        ``year``, else the minutes' 20% (:func:`headline_target`).
    method : str, default "auto"
    n_paths : int, default 5000
    seed : int, default defaults.SEED
    targets : pd.DataFrame, optional
        Canonical ``targets`` frame: the other regions are measured against
        their own target for ``year`` where it has one (a county may have a
        higher one), else against the headline region's. The headline region's
        county-table row uses the headline's target, so it equals the
        headline.

    Returns
    -------
    ForecastReport
        ``refusal`` is set (and the results None) when the region cannot be
        forecast; :func:`forecast_for_dataset` also refuses data with errors
        and data that stop before the as-of month.

    Examples
    --------
    >>> rows = [("甲", y, m, None, 10.0) for y in range(2016, 2022)
    ...         for m in range(2, 13) if (y, m) <= (2021, 6)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month",
    ...                                  "cum_investment", "cum_growth_pct"])
    >>> prepare_forecast_report(df, "甲", year=2021, as_of="2021-06").refusal
    ''
    >>> prepare_forecast_report(df, "乙", year=2021, as_of="2021-06").refusal[:5]
    '无法预测：'
    """
    try:
        as_of = AsOf.parse(as_of)
    except ValueError as exc:
        return ForecastReport(None, None, None, str(exc).split(" / ")[0] + "。")
    as_of_month = as_of.month_in(year)
    if as_of_month is None:
        early = coverage.before_year(
            as_of, year=year, what=f"作{int(year)}年全年增速预测"
        )
        return ForecastReport(None, None, None, early.reason, refusal_kind=early.kind)
    target_growth_pct = headline_target(
        targets, region, year=year, target_growth_pct=target_growth_pct
    )
    try:
        city = forecast_fai(
            fai_monthly,
            region,
            year=year,
            as_of_month=as_of_month,
            target_growth_pct=target_growth_pct,
            method=method,
            n_paths=n_paths,
            seed=seed,
        )
    except ValueError as exc:
        return ForecastReport(
            None, None, None, f"无法预测：{str(exc).split(' / ')[0]}。"
        )
    region_targets = extract_targets(targets, year=year) | {
        region: float(target_growth_pct)
    }
    regions = forecast_regions(
        fai_monthly,
        year=year,
        as_of_month=as_of_month,
        target_growth_pct=target_growth_pct,
        method=method,
        n_paths=n_paths,
        seed=seed,
        targets=region_targets,
    )
    hist_rows = fai_monthly.loc[fai_monthly["year"] < year]
    bt = backtest(hist_rows, region, thresholds_pct=(float(target_growth_pct),))
    track = forecast_track(
        fai_monthly,
        region,
        year=year,
        as_of_month=as_of_month,
        target_growth_pct=target_growth_pct,
        method=method,
        n_paths=n_paths,
        seed=seed,
    )
    return ForecastReport(
        city,
        regions,
        bt,
        targets_base_wan=target_base(targets, region, year=year),
        track=track,
    )


def forecast_track(
    fai_monthly: pd.DataFrame,
    region: str,
    *,
    year: int,
    as_of_month: int,
    target_growth_pct: float = defaults.TARGET_GROWTH_PCT,
    method: str = "auto",
    n_paths: int = 5000,
    seed: int = defaults.SEED,
) -> pd.DataFrame:
    """Return the year's forecasts month by month, each from the data known then.

    For every published month of ``year`` up to ``as_of_month`` the forecast
    is made again on the statistics cut at that month
    (:func:`zjanalysis.coverage.known_at`'s rule): what the office would have
    read that month, not a revision with later data. A month without
    published growth (January is published with February) is left out.

    Returns
    -------
    pd.DataFrame
        ``as_of_month``, ``ytd_growth_pct``, ``point_growth_pct``, ``lo80_pct``,
        ``hi80_pct``, ``p_reach_target``, ``method``; at 1—12月 the point is the
        year's result.

    Examples
    --------
    See ``tests/test_forecast.py``.
    """
    years = pd.to_numeric(fai_monthly["year"], errors="coerce")
    months = pd.to_numeric(fai_monthly["month"], errors="coerce")
    rows = []
    for m in range(1, int(as_of_month) + 1):
        known = ((years < year) | ((years == year) & (months <= m))).fillna(False)
        try:
            r = forecast_fai(
                fai_monthly.loc[known.to_numpy(bool)],
                region,
                year=year,
                as_of_month=m,
                target_growth_pct=target_growth_pct,
                method=method,
                n_paths=n_paths,
                seed=seed,
            )
        except ValueError:  # nothing published for that month
            continue
        rows.append(
            {
                "as_of_month": m,
                "ytd_growth_pct": r.ytd_growth_pct,
                "point_growth_pct": r.point_growth_pct,
                "lo80_pct": r.interval_80_pct[0],
                "hi80_pct": r.interval_80_pct[1],
                "p_reach_target": r.p_reach_target,
                "method": r.method,
            }
        )
    columns = [
        "as_of_month",
        "ytd_growth_pct",
        "point_growth_pct",
        "lo80_pct",
        "hi80_pct",
        "p_reach_target",
        "method",
    ]
    return pd.DataFrame(rows, columns=columns)


def target_base(targets: pd.DataFrame | None, region: str, *, year: int) -> float:
    """Return the targets table's 上年完成投资 of ``region`` for ``year`` (万元, or NaN).

    Examples
    --------
    >>> t = pd.DataFrame({"region": ["甲"], "year": [2021], "target_growth_pct": [20.0],
    ...                   "base_investment": [11_468_300.0]})
    >>> target_base(t, "甲", year=2021), target_base(t, "乙", year=2021)
    (11468300.0, nan)
    """
    if targets is None or targets.empty or "base_investment" not in targets:
        return math.nan
    rows = targets.loc[
        (targets["region"] == region).fillna(False).astype(bool)
        & (targets["year"] == year).fillna(False).astype(bool)
    ]
    values = pd.to_numeric(rows["base_investment"], errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else math.nan


#: The tables the forecast reads (errors in them block it) and what it needs:
#: the monthly statistics reaching the as-of month of the year.
READS: tuple[str, ...] = ("fai_monthly", "targets")
NEEDS: tuple[coverage.Need, ...] = (coverage.Need("fai_monthly", monthly=True),)


def forecast_for_dataset(
    ds: coverage.DatasetLike,
    *,
    region: str,
    year: int,
    as_of: str | AsOf,
    **kwargs: Any,
) -> ForecastReport:
    """Prepare the forecast report from a loaded data set, or say why not.

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        A loaded data set (``ds.report`` and the canonical tables).
    region, year, as_of
        As in :func:`prepare_forecast_report`.
    **kwargs
        ``target_growth_pct``, ``method``, ``n_paths``, ``seed``.

    Returns
    -------
    ForecastReport
        Refused (``refusal_kind`` ``errors`` or ``no_data``) when the monthly
        statistics or the targets have errors, or the statistics stop before
        the as-of month (:func:`zjanalysis.coverage.gate`); errors in other
        tables do not stop the forecast.
    """
    try:
        as_of = AsOf.parse(as_of)
    except ValueError as exc:
        return ForecastReport(None, None, None, str(exc).split(" / ")[0] + "。")
    verdict, _ = coverage.gate_as_of(
        ds,
        reads=READS,
        needs=NEEDS,
        year=year,
        as_of=as_of,
        what=WHAT_ZH,
    )
    if not verdict.ok:
        return ForecastReport(
            None, None, None, verdict.reason, refusal_kind=verdict.kind
        )
    tables = getattr(ds, "tables", ds)
    return prepare_forecast_report(
        tables["fai_monthly"],
        region,
        year=year,
        as_of=as_of,
        targets=tables.get("targets"),
        **kwargs,
    )


# --- the black-box evaluation on many series -------------------------------------------

#: Years the corpus evaluation calls shocks (for scoring only; the forecast
#: itself detects shocks from the data and never sees these numbers).
SHOCK_YEARS: tuple[int, ...] = (2020, 2021, 2022)
#: The threshold whose probability the corpus evaluation scores (percent).
CORPUS_THRESHOLD_PCT = 5.0


@dataclass(frozen=True)
class BlackBoxResult:
    """Forecasts of many series made black-box, each from its own past only.

    Attributes
    ----------
    records : pd.DataFrame
        One row per series (``region``), year and as-of month: ``point_pct``,
        ``naive_pct`` (year-to-date growth persists), ``actual_pct``,
        ``lo80``/``hi80``/``lo95``/``hi95``, ``p_threshold`` (the forecast's
        P(year-end growth >= threshold)), ``method``, ``regime``.
    threshold_pct : float
    shock_years : tuple of int
    """

    records: pd.DataFrame
    threshold_pct: float
    shock_years: tuple[int, ...]

    def summary(self) -> pd.DataFrame:
        """MAE vs naive, 80/95% coverage and Brier by group (all, calm, shock years).

        Columns: group, n, mae_pp, naive_mae_pp, mae_ratio, coverage_80,
        coverage_95, brier, naive_brier. The naive Brier scores the step
        P = 1 when the year-to-date growth is at or above the threshold, else 0.
        """
        rec = self.records
        shock = rec["year"].isin(self.shock_years)
        first, last = self.shock_years[0], self.shock_years[-1]
        rows = []
        for name, mask in (
            ("全部", pd.Series(True, index=rec.index)),
            ("平稳年份", ~shock),
            (f"{first}—{last}年", shock),
        ):
            sub = rec.loc[mask]
            hit = (sub["actual_pct"] >= self.threshold_pct).astype(float)
            naive_p = (sub["naive_pct"] >= self.threshold_pct).astype(float)
            mae = float((sub["actual_pct"] - sub["point_pct"]).abs().mean())
            naive = float((sub["actual_pct"] - sub["naive_pct"]).abs().mean())
            rows.append(
                {
                    "group": name,
                    "n": len(sub),
                    "mae_pp": mae,
                    "naive_mae_pp": naive,
                    "mae_ratio": mae / naive if naive > 0 else math.nan,
                    "coverage_80": float(
                        sub["actual_pct"].between(sub["lo80"], sub["hi80"]).mean()
                    ),
                    "coverage_95": float(
                        sub["actual_pct"].between(sub["lo95"], sub["hi95"]).mean()
                    ),
                    "brier": float(((sub["p_threshold"] - hit) ** 2).mean()),
                    "naive_brier": float(((naive_p - hit) ** 2).mean()),
                }
            )
        return pd.DataFrame(rows)


def black_box(
    fai_monthly: pd.DataFrame,
    *,
    years: tuple[int, int],
    as_of_months: tuple[int, ...] = ASOF_MONTHS,
    growth_only: bool = True,
    method: str = "auto",
    threshold_pct: float = CORPUS_THRESHOLD_PCT,
    shock_years: tuple[int, ...] = SHOCK_YEARS,
    regions: list[str] | tuple[str, ...] | None = None,
) -> BlackBoxResult:
    """Forecast every series, year and as-of month black-box and score it.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` rows; each series is a region.
    years : (first, last)
        Years to forecast (inclusive); a year without its 1—12月 figure is
        skipped.
    as_of_months : tuple of int, default 2..11
    growth_only : bool, default True
        Drop the levels first (the forecast sees published growth only).
    method : str, default "auto"
    threshold_pct : float, default CORPUS_THRESHOLD_PCT
        The growth whose probability is scored with the Brier score.
    shock_years : tuple of int
        Used only to group the scores.
    regions : sequence of str, optional
        Default: every region.

    Returns
    -------
    BlackBoxResult

    Notes
    -----
    Each forecast is :func:`forecast_fai` on the rows of its series up to its
    as-of month and nothing else, exactly as the office would have made it
    then; the outcome is the published 1—12月 growth.
    """
    frame = fai_monthly
    if growth_only:
        frame = frame.assign(cum_investment=math.nan)
    if regions is None:
        regions = list(dict.fromkeys(frame["region"].dropna()))
    rows = []
    for region in regions:
        own = frame.loc[frame["region"] == region]
        full = build_region_history(own, region)
        for year in range(int(years[0]), int(years[1]) + 1):
            actual = full.g(year, 12) * 100.0
            if not np.isfinite(actual):
                continue
            for month in as_of_months:
                if not np.isfinite(full.g(year, month)):
                    continue
                keep = (own["year"] < year) | (
                    (own["year"] == year) & (own["month"] <= month)
                )
                try:
                    res = forecast_fai(
                        own.loc[keep],
                        region,
                        year=year,
                        as_of_month=month,
                        target_growth_pct=threshold_pct,
                        method=method,
                    )
                except ValueError:
                    continue
                rows.append(
                    {
                        "region": region,
                        "year": year,
                        "as_of_month": month,
                        "method": res.method,
                        "regime": res.regime,
                        "point_pct": res.point_growth_pct,
                        "naive_pct": res.ytd_growth_pct,
                        "actual_pct": actual,
                        "lo80": res.interval_80_pct[0],
                        "hi80": res.interval_80_pct[1],
                        "lo95": res.interval_95_pct[0],
                        "hi95": res.interval_95_pct[1],
                        "p_threshold": res.p_reach_target,
                    }
                )
    return BlackBoxResult(pd.DataFrame(rows), float(threshold_pct), tuple(shock_years))
