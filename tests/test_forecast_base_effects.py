"""Issue 13: the base-effect rule, the regime scale, the exact interval and
``auto``'s own backtest, each against a hand computation.

Frames are built as in ``tests/test_forecast.py`` (levels chained from
``1200 * m / 12``, so base shares are m / 12 when growth is flat by month).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from test_forecast import make_frame

from zjanalysis import forecast as fc
from zjanalysis.reports.forecast import forecast_sentence

#: A normal year: growth 10.1% at 1—2月 easing by 0.1 pp a month to 9.1% at 1—12月.
NORMAL = [10.1 - 0.1 * k for k in range(11)]
#: A collapse and its recovery, then the rebound on it (year end 3% and 8%).
SHOCK = [-25.0, -16.0, -10.0, -6.0, -3.0, -1.5, 0.0, 1.0, 2.0, 2.6, 3.0]
REBOUND = [40.0, 28.0, 20.0, 15.0, 12.5, 10.5, 9.5, 9.0, 8.5, 8.2, 8.0]


def shock_and_rebound(g2022_feb: float = 15.0):
    years = {y: NORMAL for y in range(2014, 2020)}
    years |= {2020: SHOCK, 2021: REBOUND, 2022: [g2022_feb] + [np.nan] * 10}
    return make_frame(years, levels=False, last=(2022, 2))


def test_shock_then_rebound_stacks_three_years_back():
    df = shock_and_rebound()
    h = fc.build_region_history(df, "甲")
    # both the collapse and the rebound stray from their year end; the
    # normal years' deviation is the same small number every year
    assert fc.find_abnormal_years(h, before=2022) == {2020, 2021}
    assert fc.last_normal_base(h, year=2022, abnormal={2020, 2021}) == 2019
    res = fc.forecast_fai(df, "甲", year=2022, as_of_month=2)
    assert res.method == "adjusted" and res.regime == "base"
    assert (res.base_year, res.stack_depth) == (2019, 3)
    # hand: stacked = 1.15 * 1.40 * 0.75 / (1.08 * 1.03) - 1 = 8.5490%;
    # the drift of a normal year from 1—2月 to 1—12月 is ln(1.101 / 1.091)
    stacked = 1.15 * 1.40 * 0.75 / (1.08 * 1.03) - 1
    assert stacked == pytest.approx(0.0854904, abs=1e-6)
    point = math.expm1(math.log1p(stacked) - math.log(1.101 / 1.091))
    assert res.point_growth_pct == pytest.approx(point * 100, abs=1e-9)
    # stacking onto the abnormal 2020 alone (the two-year method) reads the
    # rebound into this year: 1.15 * 1.40 / 1.08 - 1 = 49.07%
    two = fc.forecast_path(df, "甲", year=2022, as_of_month=2, method="two_year")
    assert two.loc[12] == pytest.approx((1.15 * 1.40 / 1.08 - 1) * 100)


def test_one_abnormal_year_stacks_two_years_back():
    """Two-year stacking after one abnormal year (the rebound year of 2021)."""
    years = {y: NORMAL for y in range(2014, 2020)}
    years |= {2020: SHOCK, 2021: [41.0] + [np.nan] * 10}
    df = make_frame(years, levels=False, last=(2021, 2))
    res = fc.forecast_fai(df, "甲", year=2021, as_of_month=2)
    assert (res.base_year, res.stack_depth) == (2019, 2) and res.regime == "base"
    # hand: 1.41 * 0.75 / 1.03 - 1 = 2.67%, within 3 x 0.5 pp of 2020's 3%: no shock
    stacked = 1.41 * 0.75 / 1.03 - 1
    point = math.expm1(math.log1p(stacked) - math.log(1.101 / 1.091))
    assert res.point_growth_pct == pytest.approx(point * 100, abs=1e-9)


def test_a_normal_year_after_the_rebound_is_its_own_base():
    years = {y: NORMAL for y in range(2014, 2020)}
    years |= {2020: SHOCK, 2021: REBOUND, 2022: NORMAL, 2023: [9.0] + [np.nan] * 10}
    df = make_frame(years, levels=False, last=(2023, 2))
    res = fc.forecast_fai(df, "甲", year=2023, as_of_month=2)
    assert (res.base_year, res.stack_depth) == (2022, 1)
    assert res.point_growth_pct == pytest.approx(
        math.expm1(math.log(1.09) - math.log(1.101 / 1.091)) * 100
    )


def test_current_shock_reverts_and_the_scale_has_no_cap():
    # Growth only (shares m / 12), six flat years at 10%, then 1—2月 -25%.
    years = {y: 10.0 for y in range(2014, 2020)}
    years[2020] = [-25.0] + [np.nan] * 10
    df = make_frame(years, levels=False, last=(2020, 2))
    res = fc.forecast_fai(df, "甲", year=2020, as_of_month=2)
    assert res.regime == "shock" and res.method == "adjusted"
    # hand: the year-end change of calm years is 0, so the yardstick is the
    # 0.5 pp minimum; ratio = |-25 - 10| / 0.5 = 70 >= 3: a shock. The other
    # ten months grow like 2019 (10%): 2/12 * 0.75 + 10/12 * 1.10 - 1
    point = 2 / 12 * 0.75 + 10 / 12 * 1.10 - 1
    assert res.point_growth_pct == pytest.approx(point * 100)
    # calm errors are 0, so the calm scale is the 0.1 pp floor; widened by
    # sqrt(70 / 3) it would be 0.48 pp, and the floor of the disagreement,
    # |point - stacked| = 4.1667 + 25 = 29.1667 pp, is the scale (no x3 cap)
    assert res.sigma_pp == pytest.approx(point * 100 + 25.0)
    q = stats.t.ppf(0.9, fc.TAIL_DF)
    assert res.interval_80_pct[0] == pytest.approx(point * 100 - q * res.sigma_pp)
    assert res.interval_80_pct[0] < -25.0 + 1e-9 < point * 100 < res.interval_80_pct[1]


def test_regime_scale_hand_cases():
    base = dict(point=0.08, stacked=0.08, ytd=0.30, base_year=2019, drift=0.0)
    calm = fc.Adjusted(**base, depth=1, shock_ratio=1.0, shock=False, n_calm=5)
    assert fc.regime_scale(2.0, calm) == (2.0, 1.0)
    # after one abnormal year: sqrt(2) wider, but at least half of |8 - 30| = 11
    two = fc.Adjusted(**base, depth=2, shock_ratio=1.0, shock=False, n_calm=5)
    assert fc.regime_scale(2.0, two)[0] == pytest.approx(11.0)
    assert fc.regime_scale(10.0, two)[0] == pytest.approx(10.0 * math.sqrt(2))
    # a shock 27 times the normal change widens by sqrt(27 / 3) = 3 (no cap beyond)
    big = fc.Adjusted(
        point=0.05, stacked=0.05, ytd=0.05, base_year=2019, drift=0.0,
        depth=1, shock_ratio=300.0, shock=True, n_calm=5,
    )  # fmt: skip
    assert fc.regime_scale(1.0, big)[0] == pytest.approx(10.0)


def test_printed_interval_and_probability_are_the_exact_t_ones():
    years = {y: NORMAL for y in range(2012, 2021)}
    years[2020] = [9.0 - 0.3 * k for k in range(11)]
    years[2021] = [7.5, 7.4, 7.2, 7.0, 6.9] + [np.nan] * 6
    df = make_frame(years, last=(2021, 6))
    res = fc.forecast_fai(df, "甲", year=2021, as_of_month=6, target_growth_pct=7.0)
    p, s, n = res.point_growth_pct, res.sigma_pp, fc.TAIL_DF
    assert res.interval_80_pct == pytest.approx(
        (p - stats.t.ppf(0.9, n) * s, p + stats.t.ppf(0.9, n) * s)
    )
    assert res.interval_95_pct == pytest.approx(
        (p - stats.t.ppf(0.975, n) * s, p + stats.t.ppf(0.975, n) * s)
    )
    assert res.p_reach_target == pytest.approx(stats.t.sf((7.0 - p) / s, n))
    # the chart's fan ends exactly on the printed intervals
    end = res.path.iloc[-1]
    assert (end["lo80_pct"], end["hi95_pct"]) == pytest.approx(
        (res.interval_80_pct[0], res.interval_95_pct[1])
    )


def test_auto_backtest_is_what_the_forecast_printed_then():
    years = {
        y: [10.0 - 0.2 * k + 0.3 * (y % 3) for k in range(11)]
        for y in range(2010, 2020)
    }
    years[2020] = SHOCK
    years[2021] = REBOUND
    df = make_frame(years)
    bt = fc.backtest(df, "甲")
    assert bt.method_table()["method"].iloc[0] == "auto"
    auto = bt.records.loc[bt.records["method"] == "auto"].set_index(
        ["year", "as_of_month"]
    )
    for year, month in [(2014, 3), (2018, 7), (2020, 2), (2021, 5)]:
        keep = (df["year"] < year) | ((df["year"] == year) & (df["month"] <= month))
        res = fc.forecast_fai(df.loc[keep], "甲", year=year, as_of_month=month)
        row = auto.loc[(year, month)]
        assert row["point_pct"] == pytest.approx(res.point_growth_pct)
        assert (row["lo80"], row["hi80"]) == pytest.approx(res.interval_80_pct)
        assert (row["lo95"], row["hi95"]) == pytest.approx(res.interval_95_pct)
        assert row["sigma_pp"] == pytest.approx(res.sigma_pp)


def test_auto_keeps_ytd_with_fewer_than_three_calm_years():
    years = {2018: 10.0, 2019: 9.0, 2020: 8.0, 2021: [7.0] * 5 + [np.nan] * 6}
    df = make_frame(years, last=(2021, 6))
    res = fc.forecast_fai(df, "甲", year=2021, as_of_month=6)
    assert res.method == "ytd" and res.point_growth_pct == pytest.approx(7.0)
    years[2017] = 11.0
    res = fc.forecast_fai(
        make_frame(years, last=(2021, 6)), "甲", year=2021, as_of_month=6
    )
    assert res.method == "adjusted"


def test_growth_only_says_the_required_growth_needs_levels():
    df = make_frame({y: 10.0 for y in range(2016, 2022)}, levels=False, last=(2021, 6))
    res = fc.forecast_fai(df, "甲", year=2021, as_of_month=6)
    assert not res.has_levels and math.isnan(res.required_remaining_growth_pct)
    assert "缺少上年各月累计投资额" in forecast_sentence(res)
    with_levels = fc.forecast_fai(
        make_frame({y: 10.0 for y in range(2016, 2022)}, last=(2021, 6)),
        "甲",
        year=2021,
        as_of_month=6,
    )
    assert with_levels.has_levels
    assert "缺少" not in forecast_sentence(with_levels)


def test_an_ordinary_two_point_year_is_not_abnormal():
    # four years stray 0.5 pp from their year end, one strays 2 pp: four times
    # the median, yet below ABNORMAL_MIN_PP (3 pp), as ordinary real years do
    small = [10.5, 9.5] * 5 + [10.0]
    wide = [12.0, 8.0] * 5 + [10.0]
    years = {2015: small, 2016: small, 2017: wide, 2018: small, 2019: small}
    h = fc.build_region_history(make_frame(years, levels=False), "甲")
    assert fc.find_abnormal_years(h, before=2020) == set()
    years[2017] = [14.0, 6.0] * 5 + [10.0]  # 4 pp: abnormal
    h = fc.build_region_history(make_frame(years, levels=False), "甲")
    assert fc.find_abnormal_years(h, before=2020) == {2017}


def test_key_table_says_how_the_base_and_a_shock_were_read():
    from zjanalysis.reports.forecast import ForecastView

    rep = fc.prepare_forecast_report(
        shock_and_rebound(), "甲", year=2022, as_of="2022-02"
    )
    key = ForecastView(rep).table("key").df.set_index("key_item")["value"]
    assert (
        key["基数与走势"]
        == "2020—2021年走势异常（基数效应），增速叠加到2019年；区间已放宽"
    )


def test_a_collapse_under_the_limit_is_found_through_its_rebound():
    # A noisy series: six years whose path swings 4 pp about the year end, so
    # the limit is 3 x 4 = 12 pp. The collapse (-8% through November, +3% at
    # the year end: 11 pp) stays under it; its rebound (17.55% = 1.03 x 1.05 /
    # 0.92 - 1 through November, +5% at the year end: 12.55 pp) does not.
    # Stacked onto 2019 the rebound's path is flat at 1.1755 x 0.92 / 1.03 - 1
    # = 5%, its own year end: the rebound is 2020's base effect, so 2020 is
    # abnormal too and 2022 stacks back to 2019, not onto the collapse.
    noisy = [12.0, 4.0] * 5 + [8.0]
    years = {y: noisy for y in range(2014, 2020)}
    years[2020] = [-8.0] * 10 + [3.0]
    two_year = 1.03 * 1.05 / 0.92 - 1
    years[2021] = [round(two_year * 100, 6)] * 10 + [5.0]
    years[2022] = [7.0] + [np.nan] * 10
    df = make_frame(years, levels=False, last=(2022, 2))
    h = fc.build_region_history(df, "甲")
    assert fc._path_deviation_pp(h, 2020) == pytest.approx(11.0)
    assert fc._path_deviation_pp(h, 2021) == pytest.approx(two_year * 100 - 5.0)
    assert fc.find_abnormal_years(h, before=2022) == {2020, 2021}
    res = fc.forecast_fai(df, "甲", year=2022, as_of_month=2)
    assert (res.base_year, res.stack_depth) == (2019, 3)


def test_an_ordinary_base_is_not_made_abnormal_by_its_successor():
    # 2014 and 2015 stray 1.8 and 1.4 pp, 2016 5.8 pp: the limit is 3 x 1.8 =
    # 5.4, so 2016 is abnormal. Stacked onto 2014 its path (1.022 x 1.094 /
    # 1.08 - 1 = 3.53% against 8%) strays 4.47 pp, under the limit, but 2015
    # strayed only 1.4 pp, under half the limit: an ordinary year, not a
    # collapse, so it stays normal.
    years = {
        2014: [9.8] * 10 + [8.0],
        2015: [9.4] * 10 + [8.0],
        2016: [2.2] * 10 + [8.0],
    }
    h = fc.build_region_history(make_frame(years, levels=False), "甲")
    assert fc._stacked_deviation_pp(h, 2016) == pytest.approx(
        (8.0 - (1.022 * 1.094 / 1.08 - 1) * 100), abs=1e-9
    )
    assert fc.find_abnormal_years(h, before=2017) == {2016}


def test_after_an_abnormal_year_stacking_and_year_to_date_are_weighted_by_their_errors():
    # Calm years at 10% whose 1—11月 wobbles ±0.5 pp; 2019 collapses (-20%
    # through 1—10月) and has nearly recovered by 1—11月 (9%, year end 10%).
    # 2020 at 1—11月: 1.10 x 1.10 / 1.09 - 1, so stacked onto 2018 it reads
    # exactly 10% (no shock: last year also ended at 10%).
    years = {y: [10.0] * 9 + [10.5 if y % 2 else 9.5, 10.0] for y in range(2014, 2019)}
    years[2019] = [-20.0] * 9 + [9.0, 10.0]
    ytd = 1.10 * 1.10 / 1.09 - 1
    years[2020] = [ytd * 100] * 10 + [np.nan]
    df = make_frame(years, levels=False, last=(2020, 11))
    res = fc.forecast_fai(df, "甲", year=2020, as_of_month=11)
    assert (res.base_year, res.stack_depth, res.regime) == (2018, 2, "base")
    # by hand: the calm pairs 2015-2018 drift log(1.095/1.10), log(1.105/1.10),
    # twice each; the stacked reading errs by 2 var, the year-to-date one by
    # var + (0.09 - 0.10)^2 (last year's 1—11月 was 1 pp short of its year end)
    d = [math.log(1.095 / 1.10), math.log(1.105 / 1.10)] * 2
    drift, var = float(np.median(d)), float(np.var(d))
    w = (var + 0.01**2) / ((var + 0.01**2) + 2 * var)
    assert 0.6 < w < 0.8
    stacked = math.expm1(math.log(1.10) - drift)
    year_to_date = math.expm1(math.log1p(ytd) - drift)
    assert res.point_growth_pct == pytest.approx(
        (w * stacked + (1 - w) * year_to_date) * 100, abs=1e-9
    )


def test_a_close_call_on_last_year_widens_the_interval_to_the_other_reading():
    # Five ordinary years stray 1 pp (9% through November, 8% at the year end),
    # so the limit is max(3 x 1, 3) = 3 pp; 2020 strays 2.7 pp: 90% of the
    # limit, judged normal but a close call. The 2021 forecast keeps the normal
    # reading and its interval also covers the reading with 2020 abnormal.
    years = {y: [9.0] * 10 + [8.0] for y in range(2015, 2020)}
    years[2020] = [10.7] * 10 + [8.0]
    years[2021] = [6.6] * 5 + [np.nan] * 6
    df = make_frame(years, levels=False, last=(2021, 6))
    h = fc.build_region_history(df, "甲")
    assert fc.find_abnormal_years(h, before=2021) == set()
    assert fc.borderline_flip(h, year=2021, abnormal=frozenset()) == {2020}
    res = fc.forecast_fai(df, "甲", year=2021, as_of_month=6)
    assert res.regime == "calm" and "2020年走势是否异常处于临界" in res.method_reason
    # the normal reading: 6.6% carried by the calm drift log(1.09 / 1.08)
    drift = math.log(1.09 / 1.08)
    assert res.point_growth_pct == pytest.approx(
        math.expm1(math.log(1.066) - drift) * 100
    )
    # the other verdict stacks onto 2019: 1.066 x 1.107 / 1.08 - 1 = 9.27%, by
    # the same drift 8.26% (no shock: 1.27 pp from 2020's 8% is 2.5 x 0.5 pp)
    other = math.expm1(math.log(1.066 * 1.107 / 1.08) - drift) * 100
    alt = fc._adjusted(fc._Context(h), 2021, 6, abnormal=frozenset({2020}))
    assert alt.point * 100 == pytest.approx(other) and not alt.shock
    # half the gap (1.32 pp) is the scale: more than the drift correction
    # (0.98 pp) and the calm years' own errors
    assert res.sigma_pp == pytest.approx(0.5 * (other - res.point_growth_pct))
    # a clear verdict (2020 straying 2 pp, two thirds of the limit) changes nothing
    years[2020] = [10.0] * 10 + [8.0]
    clear = fc.build_region_history(
        make_frame(years, levels=False, last=(2021, 6)), "甲"
    )
    assert fc.borderline_flip(clear, year=2021, abnormal=frozenset()) is None
