"""Tests for zjanalysis.forecast: methods against hand-computed cases, the
required-growth formula, interval calibration and coverage, determinism.

Hand computations are written next to each assertion; the reference numbers
with a longer derivation are in tests/results/forecast_reference.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from zjanalysis import forecast as fc

COLS = ["region", "year", "month", "cum_investment", "cum_growth_pct"]
ROOT = Path(__file__).resolve().parents[1]
#: Base-year cumulative shares used by the hand-made frames: s(m) = m / 12.
LINEAR = np.arange(2, 13) / 12.0


def make_frame(
    growth: dict[int, list[float] | float],
    levels: bool = True,
    region: str = "甲",
    first_level: float = 1200.0,
    last: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Build a canonical fai_monthly frame from cumulative growth (percent) by year.

    Levels (when asked) start at ``first_level * m / 12`` in the first year and
    chain by the published growth, so the base shares of every year are m / 12
    when each year's growth is flat across months.
    """
    years = sorted(growth)
    rows = []
    lvl = None
    for y in years:
        g = growth[y]
        g = np.full(11, float(g)) if np.isscalar(g) else np.asarray(g, float)
        cur = first_level * LINEAR if lvl is None else lvl * (1 + g / 100)
        for m in range(2, 13):
            if last is not None and (y, m) > last:
                break
            rows.append((region, y, m, cur[m - 2] if levels else np.nan, g[m - 2]))
        lvl = cur
    df = pd.DataFrame(rows, columns=COLS)
    return df.astype({"year": "Int64", "month": "Int64"})


def load_national() -> pd.DataFrame:
    """Read the national reference series (亿元) as a canonical frame (万元)."""
    raw = pd.read_csv(
        ROOT / "data" / "reference" / "national_fai_monthly_2011_2018.csv"
    )
    return pd.DataFrame(
        {
            "region": raw["地区"],
            "year": raw["年份"].astype("Int64"),
            "month": raw["月份"].astype("Int64"),
            "cum_investment": raw["累计完成投资(亿元)"] * 10_000.0,
            "cum_growth_pct": raw["累计同比增长(%)"].astype(float),
        }
    )


# --- point forecasts on hand-computed cases ------------------------------------


@pytest.mark.parametrize("method", fc.METHODS)
@pytest.mark.parametrize("month", [2, 6, 11])
def test_constant_growth_every_method_forecasts_it(method, month):
    # 10% every month of every year: every method must say 10% at year end.
    df = make_frame({y: 10.0 for y in range(2015, 2022)}, last=(2021, month))
    path = fc.forecast_path(df, "甲", year=2021, as_of_month=month, method=method)
    assert path.index.tolist() == list(range(month, 13))
    assert path.to_numpy() == pytest.approx(np.full(13 - month, 10.0), abs=1e-9)


def test_two_year_removes_a_shocked_base():
    # 2020: -20% through June, +2% at year end; 2021: +30% through June.
    # Hand: 1.30 * 0.80 / 1.02 = 1.019608 -> +1.96%; ytd says +30%.
    g2020 = [-30, -28, -25, -22, -20, -15, -10, -6, -3, 0, 2]
    df = make_frame({2019: 8.0, 2020: g2020, 2021: 30.0}, last=(2021, 6))
    two = fc.forecast_path(df, "甲", year=2021, as_of_month=6, method="two_year")
    assert two.loc[12] == pytest.approx((1.30 * 0.80 / 1.02 - 1) * 100, abs=1e-9)
    assert two.loc[12] == pytest.approx(1.9608, abs=1e-4)
    # the path through the later months: 1.30 * 0.80 / (1 + g2020(k)) - 1
    assert two.loc[9] == pytest.approx((1.04 / 0.94 - 1) * 100, abs=1e-9)
    assert fc.forecast_path(df, "甲", year=2021, as_of_month=6, method="ytd").loc[
        12
    ] == pytest.approx(30.0)
    # trend reads the shocked base as strength: April-June grew 30% over the
    # same (collapsed) months of 2020, so it says 30% too -- the base effect
    # the backtest and the abnormal-year rule guard against
    assert fc.forecast_path(df, "甲", year=2021, as_of_month=6, method="trend").loc[
        12
    ] == pytest.approx(30.0)


def test_trend_extends_the_last_three_months():
    # Base shares m/12 (2020 flat). 2021: +10% through March, +20% through June.
    # Hand: through June 0.5*1.2 = 0.6; through March 0.25*1.1 = 0.275 of the
    # base year; April-June grew (0.6-0.275)/(0.5-0.25) - 1 = 30%; year end
    # 0.6 + 0.5*1.3 = 1.25 -> +25%.
    g2021 = [5.0, 10.0, 15.0, 18.0, 20.0] + [np.nan] * 6
    df = make_frame({2020: 8.0, 2021: g2021}, last=(2021, 6))
    path = fc.forecast_path(df, "甲", year=2021, as_of_month=6, method="trend")
    assert path.loc[12] == pytest.approx(25.0, abs=1e-9)
    # month 9: (0.6 + 0.25*1.3) / 0.75 - 1 = 23.333%
    assert path.loc[9] == pytest.approx((0.925 / 0.75 - 1) * 100, abs=1e-9)
    # up to 1—4月 the trend is the year so far
    assert fc.forecast_path(df, "甲", year=2021, as_of_month=4, method="trend").loc[
        12
    ] == pytest.approx(15.0)


def test_ets_smoothing_level_follows_the_process():
    rng = np.random.default_rng(7)
    noise = 1.1 + 0.02 * rng.standard_normal(66)
    walk = 1.1 + np.cumsum(0.02 * rng.standard_normal(66))
    a_noise, level_noise = fc._fit_ets_series(noise)
    a_walk, level_walk = fc._fit_ets_series(walk)
    assert a_noise < 0.3 < a_walk
    assert abs(level_noise - noise.mean()) < 0.02
    assert abs(level_walk - walk[-1]) < 0.03


def test_combo_is_the_mean_of_its_parts():
    g2020 = [-30, -28, -25, -22, -20, -15, -10, -6, -3, 0, 2]
    df = make_frame(
        {2016: 9.0, 2017: 11.0, 2018: 10.0, 2019: 8.0, 2020: g2020, 2021: 30.0},
        last=(2021, 6),
    )
    parts = [
        fc.forecast_path(df, "甲", year=2021, as_of_month=6, method=m).loc[12]
        for m in ("two_year", "trend", "ets")
    ]
    combo = fc.forecast_path(df, "甲", year=2021, as_of_month=6, method="combo").loc[12]
    assert combo == pytest.approx(np.mean(parts), abs=1e-9)


# --- history, shares, abnormality ----------------------------------------------


def test_published_growth_is_official_and_levels_fill_gaps():
    df = make_frame({2020: 10.0, 2021: 10.0}, last=(2021, 6))
    # the bureau restated the base: published 12% although levels say 10%
    df.loc[(df["year"] == 2021) & (df["month"] == 6), "cum_growth_pct"] = 12.0
    df.loc[(df["year"] == 2021) & (df["month"] == 5), "cum_growth_pct"] = np.nan
    hist = fc.build_region_history(df, "甲")
    assert hist.g(2021, 6) == pytest.approx(0.12)
    assert hist.g(2021, 5) == pytest.approx(0.10)  # from levels: 1.1 * L / L - 1


def test_base_shares_from_levels_median_or_time():
    df = make_frame({2019: 10.0, 2020: 10.0, 2021: 10.0}, last=(2021, 6))
    hist = fc.build_region_history(df, "甲")
    shares, source = fc.estimate_base_shares(hist, year=2021)
    assert source == "base_levels"
    assert shares == pytest.approx(LINEAR)
    no_levels = fc.build_region_history(df.assign(cum_investment=np.nan), "甲")
    shares, source = fc.estimate_base_shares(no_levels, year=2021)
    assert source == "time"
    df2 = df.copy()
    df2.loc[df2["year"] == 2020, "cum_investment"] = np.nan
    shares, source = fc.estimate_base_shares(
        fc.build_region_history(df2, "甲"), year=2021
    )
    assert source == "median_levels"


def test_abnormal_base_year_is_detected_from_the_data():
    normal = {
        y: [10.0 + (m % 3) * 0.5 for m in range(2, 13)] for y in range(2015, 2020)
    }
    g2020 = [-30, -28, -25, -22, -20, -15, -10, -6, -3, 0, 2]
    shocked = make_frame({**normal, 2020: g2020, 2021: 30.0}, last=(2021, 6))
    calm = make_frame({**normal, 2020: 9.0, 2021: 9.0}, last=(2021, 6))
    _, ratio = fc.score_base_year(fc.build_region_history(shocked, "甲"), year=2021)
    assert ratio > fc.ABNORMAL_RATIO
    res = fc.forecast_fai(shocked, "甲", year=2021, as_of_month=6)
    assert res.base_abnormal and res.widen_factor > 1
    # auto stacks past the abnormal 2020 onto 2019 (two-year after one abnormal year)
    assert res.method == "adjusted" and (res.base_year, res.stack_depth) == (2019, 2)
    calm_res = fc.forecast_fai(calm, "甲", year=2021, as_of_month=6)
    assert not calm_res.base_abnormal and calm_res.widen_factor == 1.0


def test_widen_factor():
    assert fc.compute_widen_factor(math.nan) == 1.0
    # sqrt(ratio / 3): a ratio within normal variation (half of all normal
    # years exceed 1) does not widen; 12 times the normal deviation doubles
    assert fc.compute_widen_factor(2.0) == 1.0
    assert fc.compute_widen_factor(fc.ABNORMAL_RATIO) == 1.0
    assert fc.compute_widen_factor(12.0) == 2.0
    assert fc.compute_widen_factor(27.0) == 3.0
    assert fc.compute_widen_factor(math.inf) == fc.MAX_WIDEN


# --- required growth and on-track path -----------------------------------------


def test_required_growth_worked_example():
    # s = 0.4, g = 30%, T = 20%: 0.4*1.3 + 0.6*(1+r) = 1.2 -> r = 0.68/0.6 - 1
    assert fc.compute_required_growth(
        0.4, 30.0, target_growth_pct=20.0
    ) == pytest.approx(13.3333333, abs=1e-6)
    # already at the target pace: the rest needs the target too
    assert fc.compute_required_growth(
        0.5, 20.0, target_growth_pct=20.0
    ) == pytest.approx(20.0)
    assert math.isnan(fc.compute_required_growth(1.0, 20.0, target_growth_pct=20.0))
    assert math.isnan(
        fc.compute_required_growth(math.nan, 20.0, target_growth_pct=20.0)
    )


def test_required_growth_and_on_track_path_in_the_forecast():
    # base 2020 with shares m/12; 2021 +30% through 1—6月 (s = 0.5).
    # r = (1.2 - 0.5*1.3)/0.5 - 1 = 10%; month 9: (0.65 + 0.25*1.1)/0.75 - 1
    df = make_frame({2018: 8.0, 2019: 8.0, 2020: 8.0, 2021: 30.0}, last=(2021, 6))
    res = fc.forecast_fai(
        df, "甲", year=2021, as_of_month=6, target_growth_pct=20.0, method="ytd"
    )
    assert res.required_remaining_growth_pct == pytest.approx(10.0, abs=1e-9)
    path = res.to_frame().set_index("month")
    assert path.loc[6, "on_track_growth_pct"] == pytest.approx(30.0)
    assert path.loc[9, "on_track_growth_pct"] == pytest.approx((0.925 / 0.75 - 1) * 100)
    assert path.loc[12, "on_track_growth_pct"] == pytest.approx(20.0)
    # levels: this year's reported June level, then the on-track index ratio
    june = df.loc[(df["year"] == 2021) & (df["month"] == 6), "cum_investment"].item()
    assert path.loc[6, "on_track_level_wan"] == pytest.approx(june)
    assert path.loc[12, "on_track_level_wan"] == pytest.approx(june * 1.2 / 0.65)
    assert path.loc[:5, "on_track_growth_pct"].isna().all()


def test_growth_only_data_forecast_without_required_growth():
    df = make_frame({y: 10.0 for y in range(2016, 2022)}, levels=False, last=(2021, 6))
    res = fc.forecast_fai(df, "甲", year=2021, as_of_month=6)
    assert res.point_growth_pct == pytest.approx(10.0, abs=1e-6)
    assert res.to_dict()["required_remaining_growth_pct"] is None
    assert res.to_frame()["on_track_growth_pct"].isna().all()


def test_levels_only_data_work():
    df = make_frame({y: 10.0 for y in range(2016, 2022)}, last=(2021, 6))
    res = fc.forecast_fai(
        df.assign(cum_growth_pct=np.nan), "甲", year=2021, as_of_month=6, method="ytd"
    )
    assert res.ytd_growth_pct == pytest.approx(10.0)
    assert res.required_remaining_growth_pct == pytest.approx(30.0)


# --- intervals, probability, backtest ------------------------------------------


def alternating_frame() -> pd.DataFrame:
    """Years 2014-2018: 10% through November, year end 11% (odd) or 9% (even)."""
    growth = {y: [10.0] * 10 + [11.0 if y % 2 else 9.0] for y in range(2014, 2019)}
    return make_frame(growth, levels=False)


def test_backtest_hand_computed_intervals_and_brier():
    bt = fc.backtest(alternating_frame(), "甲", methods=("ytd",))
    assert bt.years == (2015, 2016, 2017, 2018)
    rec = bt.records
    # ytd errors are +1/-1 every month; leave-one-year-out from 3 years, the
    # t scale of errors all of size 1 is 1 (fixed point of s^2 = mean(w e^2),
    # w = 5 / (4 + e^2 / s^2)); outcomes are Student t with 4 df:
    # F(t) = 1/2 + (3/8) v (1 - v^2 / 12), v = t / sqrt(1 + t^2 / 4).
    assert rec["sigma_pp"].to_numpy() == pytest.approx(np.ones(len(rec)))
    q80 = 1.5332  # t4(0.90), statistical tables
    assert (rec["hi80"] - rec["point_pct"]).to_numpy() == pytest.approx(
        np.full(len(rec), q80), abs=1e-4
    )
    assert rec["covered_80"].all() and rec["covered_95"].all()

    def sf(t):
        v = t / math.sqrt(1 + t * t / 4)
        return 0.5 - 3 / 8 * v * (1 - v * v / 12)

    assert sf(q80) == pytest.approx(0.10, abs=1e-5)
    # actual = point + 1: thresholds actual-3..actual+3 sit at point -2, 0, 2, 4
    brier = ((1 - sf(-2)) ** 2 + (1 - sf(0)) ** 2 + sf(2) ** 2 + sf(4) ** 2) / 4
    assert brier == pytest.approx(0.06420, abs=1e-5)
    assert rec["brier"].to_numpy() == pytest.approx(np.full(len(rec), brier), abs=1e-12)
    tab = bt.to_frame()
    assert list(tab.columns[:6]) == [
        "method",
        "as_of_month",
        "mae_pp",
        "coverage_80",
        "coverage_95",
        "brier",
    ]
    assert tab["mae_pp"].to_numpy() == pytest.approx(np.ones(10))


def test_probability_and_interval_from_the_calibrated_distribution():
    # forecasting 2019 at 1—6月 by ytd: sigma 1 from 4 years -> t with 4 df
    growth = {y: [10.0] * 10 + [11.0 if y % 2 else 9.0] for y in range(2014, 2019)}
    growth[2019] = [10.0] * 11
    df = make_frame(growth, levels=False, last=(2019, 6))
    res = fc.forecast_fai(
        df,
        "甲",
        year=2019,
        as_of_month=6,
        target_growth_pct=11.0,
        method="ytd",
        n_paths=200_000,
        seed=1,
    )
    assert res.sigma_pp == pytest.approx(1.0)
    # t4: F(t) = 1/2 + (3/8) v (1 - v^2 / 12), v = t / sqrt(1 + t^2 / 4):
    # P(T >= 1) = 1/2 - (3/8)(2/sqrt5)(1 - 4/60) = 0.18695;
    # 80% half-width t4(0.9) = 1.5332 (tables)
    v = 1 / math.sqrt(1.25)
    assert 0.5 - 3 / 8 * v * (1 - v * v / 12) == pytest.approx(0.18695, abs=1e-5)
    assert res.p_reach_target == pytest.approx(0.18695, abs=0.003)
    lo, hi = res.interval_80_pct
    assert (hi - lo) / 2 == pytest.approx(1.5332, abs=0.02)
    assert res.interval_95_pct[0] < lo and res.interval_95_pct[1] > hi


def test_intervals_wider_early_in_the_year_and_after_a_shock():
    # normal years: the cumulative growth drifts 0.2 pp a month to its year end
    normal = {
        y: [10.0 + 0.2 * (12 - m) * (1 if y % 2 else -1) for m in range(2, 13)]
        for y in range(2014, 2020)
    }
    base = make_frame({**normal, 2020: 9.0, 2021: 12.0})
    early = fc.forecast_fai(
        base[~((base.year == 2021) & (base.month > 3))],
        "甲",
        year=2021,
        as_of_month=3,
        method="ytd",
    )
    late = fc.forecast_fai(
        base[~((base.year == 2021) & (base.month > 10))],
        "甲",
        year=2021,
        as_of_month=10,
        method="ytd",
    )
    width = lambda r: r.interval_80_pct[1] - r.interval_80_pct[0]  # noqa: E731
    assert width(early) > width(late)
    g2020 = [-30, -28, -25, -22, -20, -15, -10, -6, -3, 0, 2]
    shocked = make_frame({**normal, 2020: g2020, 2021: 12.0}, last=(2021, 6))
    calm = make_frame({**normal, 2020: 9.0, 2021: 12.0}, last=(2021, 6))
    assert width(
        fc.forecast_fai(shocked, "甲", year=2021, as_of_month=6, method="ytd")
    ) > width(fc.forecast_fai(calm, "甲", year=2021, as_of_month=6, method="ytd"))


def simulate_region(
    rng: np.random.Generator, n_years: int, region: str
) -> pd.DataFrame:
    """A known process: annual growth ~ N(10, 3); each month's own growth
    = annual growth + N(0, 4) around it; back-loaded seasonal shares."""
    shares = np.array([0.08, 0.15, 0.23, 0.32, 0.43, 0.52, 0.61, 0.70, 0.80, 0.89, 1.0])
    inc = np.diff(np.concatenate([[0.0], shares])) * 1000.0
    rows = []
    for y in range(2000, 2000 + n_years):
        g_year = 0.10 + 0.03 * rng.standard_normal()
        new = inc * (1 + g_year + 0.04 * rng.standard_normal(11))
        cum_new, cum_old = np.cumsum(new), np.cumsum(inc)
        for m in range(2, 13):
            rows.append(
                (
                    region,
                    y,
                    m,
                    cum_new[m - 2],
                    (cum_new[m - 2] / cum_old[m - 2] - 1) * 100,
                )
            )
        inc = new
    return pd.DataFrame(rows, columns=COLS).astype({"year": "Int64", "month": "Int64"})


def test_interval_coverage_on_simulated_data():
    # 200 years from the known process (normal errors). The intervals assume
    # t(4) errors with a maximum-likelihood scale; for normal errors that
    # scale tends to 0.831 sigma (E[5 e^2 / (4 s^2 + e^2)] = 1), so the 80%
    # interval covers 79.7% and the 95% one 97.9% (heavier tails than the
    # normal's). The coverage of 2,000 forecasts per method (months of one
    # year are correlated, so about 600 independent ones) has a standard error
    # of about 1.6 points at 80% and 0.6 at 98%.
    df = simulate_region(np.random.default_rng(2021), 201, "sim")
    bt = fc.backtest(df, "sim", methods=("ytd", "two_year", "trend"))
    assert len(bt.years) == 200
    recs = bt.records
    cov80, cov95 = recs["covered_80"].mean(), recs["covered_95"].mean()
    assert abs(cov80 - 0.797) <= 0.03, cov80
    assert abs(cov95 - 0.979) <= 0.015, cov95
    for month, grp in recs.groupby("as_of_month"):
        assert abs(grp["covered_80"].mean() - 0.80) <= 0.07, month


def test_t_scale_is_the_maximum_likelihood_t4_scale():
    # independent reference: scipy's own fit of a t(4) centred on zero
    rng = np.random.default_rng(7)
    for errors in (
        rng.standard_t(4, 9) * 1.7,
        np.array([0.4, -0.2, 0.3, -0.5, 0.1, 6.0]),  # five calm years, one break
        rng.normal(0.0, 2.0, 12),
    ):
        _, _, ref = stats.t.fit(errors, fix_df=4, floc=0)
        assert fc.t_scale(errors) == pytest.approx(ref, rel=1e-3)
    # the break year widens the scale far less than it widens the RMS
    # (7.3 times against 2.3 times)
    calm = np.array([0.4, -0.2, 0.3, -0.5, 0.1])
    broken = np.append(calm, 6.0)
    rms = lambda e: float(np.sqrt(np.mean(e**2)))  # noqa: E731
    assert rms(broken) / rms(calm) > 7.0
    assert fc.t_scale(broken) / fc.t_scale(calm) < 2.5
    assert fc.t_scale(np.array([3.0])) == 3.0
    assert math.isnan(fc.t_scale(np.array([])))


def test_interval_coverage_with_few_years():
    # 6 regions x 12 years: the t(4) keeps coverage near nominal when only a
    # decade of history calibrates the scale
    rng = np.random.default_rng(2021)
    recs = pd.concat(
        [
            fc.backtest(
                simulate_region(rng, 12, f"r{k}"), f"r{k}", methods=("ytd", "trend")
            ).records
            for k in range(6)
        ]
    )
    cov80, cov95 = recs["covered_80"].mean(), recs["covered_95"].mean()
    assert 0.72 <= cov80 <= 0.88, cov80
    assert 0.90 <= cov95 <= 0.99, cov95


def test_national_reference_chosen_method_beats_ytd():
    from zjanalysis import io

    ds = io.load_dataset(ROOT / "data" / "reference")
    bt = fc.backtest(ds["fai_monthly"], "全国")
    tab = bt.method_table().set_index("method")
    best = bt.best_method()
    assert bt.years == tuple(range(2012, 2019))
    assert tab.loc[best, "mae_pp"] < tab.loc["ytd", "mae_pp"]
    # the loader's frame and the raw CSV read by hand give the same numbers
    by_hand = fc.backtest(load_national(), "全国").method_table()
    assert by_hand["mae_pp"].to_numpy() == pytest.approx(tab["mae_pp"].to_numpy())


def test_backtest_years_range_and_fixed_thresholds():
    df = load_national()
    bt = fc.backtest(
        df,
        "全国",
        years=(2014, 2018),
        methods=("ytd", "two_year"),
        thresholds_pct=(20.0,),
    )
    assert bt.years == (2014, 2015, 2016, 2017, 2018)
    assert set(bt.to_frame()["method"]) == {"ytd", "two_year"}
    assert bt.method_table().columns.tolist() == [
        "method",
        "mae_pp",
        "coverage_80",
        "coverage_95",
        "brier",
        "n_years",
    ]


# --- results objects, determinism, errors ---------------------------------------


def demo_like() -> pd.DataFrame:
    g2020 = [-29, -14, -5.5, -2, 1.3, 2.8, 4.2, 5.5, 5.9, 6.8, 6.9]
    return make_frame(
        {
            2015: 11.0,
            2016: 12.0,
            2017: 12.0,
            2018: 12.0,
            2019: 11.7,
            2020: g2020,
            2021: [64.4, 41.5, 31.3, 27.2, 24.1] + [np.nan] * 6,
        },
        last=(2021, 6),
    )


def test_results_object_shape():
    res = fc.forecast_fai(demo_like(), "甲", year=2021, as_of_month=6)
    d = res.to_dict()
    for key in (
        "region",
        "year",
        "as_of_month",
        "method",
        "point_growth_pct",
        "interval_80_pct",
        "interval_95_pct",
        "p_reach_target",
        "required_remaining_growth_pct",
        "ytd_growth_pct",
    ):
        assert key in d
    assert d["ytd_growth_pct"] == 24.1 and d["as_of_month"] == 6
    lo80, hi80 = d["interval_80_pct"]
    lo95, hi95 = d["interval_95_pct"]
    assert lo95 < lo80 < d["point_growth_pct"] < hi80 < hi95
    frame = res.to_frame()
    assert (
        frame["period"].tolist()[0] == "1—2月"
        and frame["period"].tolist()[-1] == "1—12月"
    )
    assert res.methods["method"].tolist() == list(fc.METHODS)


def test_deterministic_for_a_seed_and_no_mutation():
    df = demo_like()
    before = df.copy()
    a = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, seed=5)
    b = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, seed=5)
    c = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, seed=6)
    assert a.to_dict() == b.to_dict()
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    # intervals and probability are exact (closed form): no seed can move them
    assert a.to_dict() == c.to_dict()
    # the seed drives only the ETS model's own simulated spread (sigma_model_pp)
    e5 = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, method="ets", seed=5)
    e5b = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, method="ets", seed=5)
    e6 = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, method="ets", seed=6)
    assert e5.sigma_model_pp == e5b.sigma_model_pp != e6.sigma_model_pp
    assert e5.interval_80_pct == e6.interval_80_pct
    pd.testing.assert_frame_equal(df, before)
    bt1, bt2 = fc.backtest(df, "甲"), fc.backtest(df, "甲")
    pd.testing.assert_frame_equal(bt1.records, bt2.records)


def test_forecast_regions_sorted_by_risk_and_independent_seeds():
    frames = [
        make_frame({y: g for y in range(2016, 2022)}, region=r, last=(2021, 6))
        for r, g in (("甲", 10.0), ("乙", 30.0), ("丙", 19.5))
    ]
    df = pd.concat(frames, ignore_index=True)
    out = fc.forecast_regions(df, year=2021, as_of_month=6)
    tab = out.to_frame()
    assert tab["region"].tolist() == ["甲", "丙", "乙"]
    assert tab["flag"].tolist()[0] == "红" and tab["flag"].tolist()[-1] == "绿"
    assert tab["p_reach_target"].is_monotonic_increasing
    assert (
        out.results["丙"].to_dict()
        == fc.forecast_fai(df, "丙", year=2021, as_of_month=6).to_dict()
    )
    only_two = fc.forecast_regions(df, year=2021, as_of_month=6, regions=["甲", "乙"])
    assert only_two.results["乙"].to_dict() == out.results["乙"].to_dict()
    missing = fc.forecast_regions(df, year=2021, as_of_month=6, regions=["甲", "丁"])
    assert "丁" in missing.skipped and "甲" in missing.results


def test_errors_are_plain():
    df = demo_like()
    with pytest.raises(ValueError, match="未知的预测方法"):
        fc.forecast_fai(df, "甲", year=2021, as_of_month=6, method="magic")
    with pytest.raises(ValueError, match="没有地区"):
        fc.forecast_fai(df, "乙", year=2021, as_of_month=6)
    with pytest.raises(ValueError, match="2—12月"):
        fc.forecast_fai(df, "甲", year=2021, as_of_month=13)
    with pytest.raises(ValueError, match="1月的数据不单独公布.*2021-02"):
        fc.forecast_fai(df, "甲", year=2021, as_of_month=1)
    with pytest.raises(ValueError, match="缺少2021年1—12月"):
        fc.forecast_fai(df, "甲", year=2021, as_of_month=12)
    with pytest.raises(ValueError, match="缺少2021年1—9月"):
        fc.forecast_fai(df, "甲", year=2021, as_of_month=9)
    only_2021 = df.loc[df["year"] == 2021]
    with pytest.raises(ValueError, match="数据不足"):
        fc.forecast_fai(only_2021, "甲", year=2021, as_of_month=6, method="two_year")
    res = fc.forecast_fai(only_2021, "甲", year=2021, as_of_month=6)  # auto falls back
    assert res.method == "ytd" and res.n_calibration_years == 0


# --- the report's numbers and chart ----------------------------------------------------------


class _Dataset:
    """A stand-in for io.Dataset: the monthly statistics and a validation report."""

    def __init__(self, fai, n_errors=0, table="fai_monthly"):
        from zjanalysis.problems import ERROR, Problem, ValidationReport

        self.tables = {"fai_monthly": fai, "targets": None}
        self.report = ValidationReport(
            [Problem(ERROR, "x", "a.csv", 2, None, None, "错", "bad", table=table)]
            * n_errors
        )


def test_prepare_forecast_report_and_refusals():
    df = demo_like()
    rep = fc.prepare_forecast_report(df, "甲", year=2021, as_of="2021-06")
    assert rep.refusal == "" and not rep.is_outcome
    assert (
        rep.city.to_dict()
        == fc.forecast_fai(df, "甲", year=2021, as_of_month=6).to_dict()
    )
    assert list(rep.regions.results) == ["甲"]
    # the backtest shown is the region's history before the forecast year
    assert rep.backtest.years == (2016, 2017, 2018, 2019, 2020)
    bad = fc.forecast_for_dataset(
        _Dataset(df, n_errors=2), region="甲", year=2021, as_of="2021-06"
    )
    assert bad.refusal.startswith("固定资产投资月度累计有 2 个错误")
    assert bad.refusal_kind == "errors"
    assert bad.city is None and bad.regions is None and bad.backtest is None
    # errors in a table the forecast does not read do not stop it
    other = fc.forecast_for_dataset(
        _Dataset(df, n_errors=2, table="soe_plans"),
        region="甲",
        year=2021,
        as_of="2021-06",
    )
    assert other.refusal == "" and other.city.to_dict() == rep.city.to_dict()
    # data ending in June cannot give a September forecast
    late = fc.forecast_for_dataset(
        _Dataset(df), region="甲", year=2021, as_of="2021-09"
    )
    assert (
        late.refusal
        == "固定资产投资月度累计只到2021年1—6月，无法作2021年1—9月全年增速预测。"
    )
    assert late.refusal_kind == "no_data"
    early = fc.prepare_forecast_report(df, "甲", year=2021, as_of="2020-06")
    assert (
        early.refusal == "截止月份2020-06早于计划年度2021年，无法作2021年全年增速预测。"
    )
    # on the index this is 数据不足, not 数据有误
    assert early.refusal_kind == "no_data"
    assert (
        "格式不对"
        in fc.prepare_forecast_report(df, "甲", year=2021, as_of="June").refusal
    )
    assert (
        "无法预测"
        in fc.prepare_forecast_report(df, "乙", year=2021, as_of="2021-06").refusal
    )


def test_fan_chart_draws_the_forecast_and_the_refusal():
    from zjanalysis.plots.forecast import plot_forecast_fan

    res = fc.forecast_fai(demo_like(), "甲", year=2021, as_of_month=6)
    fig = plot_forecast_fan(res)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "1—2月" and labels[-1] == "1—12月"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"目标 20%", "达标所需路径", "预测", "80%区间"} <= set(legend)
    assert "截至1—6月" in ax.get_title(loc="left")
    empty = plot_forecast_fan(None, "数据有错误")
    assert any(t.get_text() == "数据有错误" for t in empty.axes[0].texts)


def test_current_year_shock_widens_the_interval():
    # Years 2014-2019 change little from one year to the next; 2020 collapses.
    # Hand: 1—2月 change -25 - 10 = -35 pp against a median change of 1 pp.
    growth = {y: 10.0 + (y % 2) for y in range(2014, 2020)}
    growth[2020] = [-25.0] + [np.nan] * 10
    df = make_frame(growth, levels=False, last=(2020, 2))
    hist = fc.build_region_history(df, "甲")
    assert fc.score_current_year(hist, year=2020, month=2) == pytest.approx(36.0 / 1.0)
    res = fc.forecast_fai(df, "甲", year=2020, as_of_month=2, method="ytd")
    # no cap any more: sqrt(36 / 3) = 3.4641 (the old cap would have said 3)
    assert res.widen_factor == pytest.approx(math.sqrt(12.0)) and not res.base_abnormal
    calm = make_frame({**growth, 2020: 10.0}, levels=False, last=(2020, 2))
    assert (
        fc.forecast_fai(calm, "甲", year=2020, as_of_month=2, method="ytd").widen_factor
        == 1.0
    )


def test_ets_model_simulation_is_centred_on_its_point_and_reported():
    df = load_national()
    res = fc.forecast_fai(
        df, "全国", year=2018, as_of_month=6, target_growth_pct=6.0, method="ets"
    )
    assert np.isfinite(res.sigma_model_pp) and res.to_dict()["sigma_model_pp"] > 0
    ctx = fc._Context(fc.build_region_history(df.loc[df["year"] <= 2018], "全国"))
    draws = fc._simulate_ets_year_end(ctx, 2018, 6, 20_000, np.random.default_rng(3))
    point = fc.forecast_path(df, "全国", year=2018, as_of_month=6, method="ets").loc[12]
    assert abs(draws.mean() - point) < 4 * draws.std() / math.sqrt(draws.size)
    assert (
        fc.forecast_fai(
            df, "全国", year=2018, as_of_month=6, method="ytd"
        ).sigma_model_pp
        != fc.forecast_fai(
            df, "全国", year=2018, as_of_month=6, method="ytd"
        ).sigma_model_pp
    )  # NaN when the method is not the model


def test_rows_without_year_or_month_are_ignored():
    df = demo_like()
    holed = pd.concat(
        [df, pd.DataFrame({"region": ["甲"], "year": [pd.NA], "month": [6]})],
        ignore_index=True,
    ).astype({"year": "Int64", "month": "Int64"})
    assert (
        fc.forecast_fai(holed, "甲", year=2021, as_of_month=6).to_dict()
        == fc.forecast_fai(df, "甲", year=2021, as_of_month=6).to_dict()
    )


@settings(max_examples=60, deadline=None)
@given(
    share=st.floats(0.05, 0.95),
    ytd=st.floats(-40.0, 80.0),
    target=st.floats(-10.0, 40.0),
)
def test_required_growth_reaches_the_target(share, ytd, target):
    r = fc.compute_required_growth(share, ytd, target_growth_pct=target)
    year_end = share * (1 + ytd / 100) + (1 - share) * (1 + r / 100) - 1
    assert year_end * 100 == pytest.approx(target, abs=1e-9)


def test_region_targets_from_the_targets_table():
    frames = [
        make_frame({y: 22.0 for y in range(2016, 2022)}, region=r, last=(2021, 6))
        for r in ("甲", "乙")
    ]
    df = pd.concat(frames, ignore_index=True)
    targets = pd.DataFrame(
        {
            "region": ["甲", "乙", "乙"],
            "year": pd.array([2021, 2021, 2020], dtype="Int64"),
            "target_growth_pct": [20.0, 25.0, 5.0],
        }
    )
    assert fc.extract_targets(targets, year=2021) == {"甲": 20.0, "乙": 25.0}
    assert fc.extract_targets(None, year=2021) == {}
    rep = fc.prepare_forecast_report(
        df, "甲", year=2021, as_of="2021-06", target_growth_pct=18.0, targets=targets
    )
    tab = rep.regions.to_frame().set_index("region")
    # the headline region keeps the parameter; the others their own target
    assert tab.loc["甲", "target_growth_pct"] == 18.0
    assert tab.loc["乙", "target_growth_pct"] == 25.0
    # 22% growing steadily: above 18%, below 25%
    assert tab.loc["甲", "flag"] == "绿" and tab.loc["乙", "flag"] == "红"


# --- the as-of month at the ends of the year ------------------------------------


def full_2020() -> pd.DataFrame:
    """demo_like() through 1—12月 2020 only: 2020 ends at +6.9%."""
    df = demo_like()
    return df.loc[df["year"] <= 2020].reset_index(drop=True)


def test_december_states_the_outcome_without_a_forecast():
    df = full_2020()
    res = fc.forecast_fai(df, "甲", year=2020, as_of_month=12, target_growth_pct=20.0)
    assert res.is_outcome and res.method == fc.OUTCOME_METHOD
    assert res.point_growth_pct == pytest.approx(6.9)
    assert res.interval_80_pct == res.interval_95_pct == (6.9, 6.9)
    assert res.p_reach_target == 0.0 and res.sigma_pp == 0.0
    d = res.to_dict()
    assert d["required_remaining_growth_pct"] is None and d["outcome_known"]
    assert d["interval_80_pct"] == [6.9, 6.9] and d["ytd_growth_pct"] == 6.9
    assert res.gap_pp == pytest.approx(6.9 - 20.0)
    met = fc.forecast_fai(df, "甲", year=2020, as_of_month=12, target_growth_pct=5.0)
    assert met.p_reach_target == 1.0
    exact = fc.forecast_fai(df, "甲", year=2020, as_of_month=12, target_growth_pct=6.9)
    assert exact.p_reach_target == 1.0
    # no fan: the path has the actual year and only the year end as the point
    path = res.to_frame().set_index("month")
    assert path["actual_growth_pct"].notna().all()
    assert (
        path.loc[:11, ["point_growth_pct", "lo80_pct", "hi95_pct"]].isna().all().all()
    )
    assert path["on_track_growth_pct"].isna().all()
    # deterministic and independent of the seed
    assert (
        fc.forecast_fai(df, "甲", year=2020, as_of_month=12, seed=1).to_dict()
        == res.to_dict()
    )


def december_frame() -> pd.DataFrame:
    """Three regions through 1—12月 2020: 甲 +12%, 乙 +25%, 丙 +8%."""
    g = {y: 10.0 for y in range(2015, 2021)}
    frames = [
        make_frame({**g, 2020: end}, region=r)
        for r, end in (("甲", 12.0), ("乙", 25.0), ("丙", 8.0))
    ]
    return pd.concat(frames, ignore_index=True)


def test_december_report_per_county_and_backtest_still_shown():
    rep = fc.prepare_forecast_report(
        december_frame(), "甲", year=2020, as_of="2020-12", target_growth_pct=11.0
    )
    assert rep.refusal == "" and rep.is_outcome and rep.regions.is_outcome
    tab = rep.regions.to_frame().set_index("region")
    assert tab["flag"].to_dict() == {"丙": "未达标", "甲": "达标", "乙": "达标"}
    assert tab.loc["乙", "point_growth_pct"] == pytest.approx(25.0)
    # the backtest of the years before is still shown
    assert rep.backtest is not None and rep.backtest.years == (2016, 2017, 2018, 2019)


def test_december_chart_has_no_fan():
    from zjanalysis.plots.forecast import plot_forecast_fan

    res = fc.forecast_fai(full_2020(), "甲", year=2020, as_of_month=12)
    ax = plot_forecast_fan(res).axes[0]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == {"2019年（上年）", "2020年实际", "目标 20%"}
    assert not ax.collections  # no fill_between
    assert "全年结果" in ax.get_title(loc="left") + ax.get_title()
    assert any(t.get_text() == "全年 6.9%" for t in ax.texts)


def test_january_is_a_plain_usage_message_and_february_reads_sensibly():
    df = demo_like()
    rep = fc.prepare_forecast_report(df, "甲", year=2021, as_of="2021-01")
    assert rep.city is None
    assert rep.refusal == (
        "无法预测：1月的数据不单独公布（与2月合并为1—2月），最早可从2021-02（1—2月）开始预测。"
    )
    feb = fc.forecast_fai(
        df.loc[(df["year"] < 2021) | (df["month"] <= 2)], "甲", year=2021, as_of_month=2
    )
    assert feb.as_of_month == 2 and feb.ytd_growth_pct == pytest.approx(64.4)
    june = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, method=feb.method)
    width = lambda r: r.interval_80_pct[1] - r.interval_80_pct[0]  # noqa: E731
    assert width(feb) > width(june)
    # the rest of the year (March-December) must deliver, over the same months
    # of 2020, what the base year's share at 1—2月 leaves: s(1+g) + (1-s)(1+r) = 1.2
    shares, source = fc.estimate_base_shares(
        fc.build_region_history(df, "甲"), year=2021
    )
    assert source == "base_levels"
    assert feb.required_remaining_growth_pct == pytest.approx(
        fc.compute_required_growth(float(shares[0]), 64.4, target_growth_pct=20.0)
    )
    assert feb.required_remaining_growth_pct < 20.0  # 1—2月 is already ahead


def test_the_track_re_forecasts_each_month_from_the_data_known_then():
    df = demo_like()
    track = fc.forecast_track(df, "甲", year=2021, as_of_month=6)
    # 1—2月 is the first published month of 2021
    assert track["as_of_month"].tolist() == [2, 3, 4, 5, 6]
    assert track["ytd_growth_pct"].tolist() == pytest.approx(
        [64.4, 41.5, 31.3, 27.2, 24.1]
    )
    # the last month is today's forecast
    now = fc.forecast_fai(df, "甲", year=2021, as_of_month=6)
    assert track["point_growth_pct"].iloc[-1] == now.point_growth_pct
    # 1—4月: the forecast made on the rows published by April, cut by hand
    april = df[(df["year"] < 2021) | ((df["year"] == 2021) & (df["month"] <= 4))]
    then = fc.forecast_fai(april, "甲", year=2021, as_of_month=4)
    row = track.set_index("as_of_month").loc[4]
    assert row["point_growth_pct"] == then.point_growth_pct
    assert (row["lo80_pct"], row["hi80_pct"]) == then.interval_80_pct
    assert row["p_reach_target"] == then.p_reach_target
    # later rows never leak into an earlier month: May's June-free forecast
    # differs from June's
    assert track["point_growth_pct"].iloc[-2] != now.point_growth_pct


def test_a_month_missing_in_a_past_year_keeps_that_year_and_the_next():
    # 2015-2018 flat at 10% except 2017 ending at 11%, then 2019 to 1—6月; the
    # office never got 1—5月 of 2016. The year still counts (its 1—12月 and all
    # but one month): three calm pairs (2016, 2017, 2018), so auto uses the
    # adjusted method; before, 2016 and 2017 dropped out and auto fell back to
    # year-to-date growth.
    growth = {y: [10.0] * 11 for y in range(2015, 2019)}
    growth[2017] = [10.0] * 10 + [11.0]
    growth[2019] = [10.0] * 5 + [np.nan] * 6
    df = make_frame(growth, levels=False, last=(2019, 6))
    df = df.loc[~((df["year"] == 2016) & (df["month"] == 5))]
    h = fc.build_region_history(df, "甲")
    assert h.has_year(2016) and not h.has_year(2019)
    res = fc.forecast_fai(df, "甲", year=2019, as_of_month=6)
    assert res.method == "adjusted" and res.n_calibration_years == 3
    # the drift is the median log change from 1—6月 to the year end in the calm
    # years 2016, 2017, 2018: 0, -log(1.11/1.10), 0 -> 0, so the point is 10%
    assert res.point_growth_pct == pytest.approx(10.0)
    # the backtest forecasts 2016 from the nine months it has, not from a gap
    bt = fc.backtest(df, "甲", methods=("ytd",))
    rec = bt.records.loc[bt.records["year"] == 2016]
    assert sorted(rec["as_of_month"]) == [2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert rec["point_pct"].notna().all()
    # three missing months are too many: that year no longer counts
    gappy = df.loc[~((df["year"] == 2016) & df["month"].isin([2, 3, 4]))]
    assert not fc.build_region_history(gappy, "甲").has_year(2016)
