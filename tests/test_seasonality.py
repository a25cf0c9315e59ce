import pandas as pd
import pytest

from zjanalysis.seasonality import estimate_seasonal_shares, time_shares


def _frame(
    levels_by_year: dict[int, dict[int, float]], region: str = "湛江市"
) -> pd.DataFrame:
    rows = [
        (region, y, m, v)
        for y, months in levels_by_year.items()
        for m, v in months.items()
    ]
    return pd.DataFrame(rows, columns=["region", "year", "month", "cum_investment"])


def test_median_share_ignores_one_shock_year():
    normal = {m: 10.0 * m for m in range(2, 13)}  # half the year done by June
    shock = {m: (1.0 if m < 6 else 10.0 * m) for m in range(2, 13)}
    df = _frame({2017: normal, 2018: normal, 2020: shock})
    s = estimate_seasonal_shares(df, "湛江市", before_year=2021)
    # hand-computed: June share is 60/120 = 0.5 in the two normal years and the shock year
    assert s.method == "seasonal"
    assert s.at(6) == pytest.approx(0.5)
    # 1—3月: 30/120 in normal years, 1/120 in the shock year -> median 0.25
    assert s.at(3) == pytest.approx(0.25)
    assert s.at(1) == pytest.approx(s.at(2) / 2)
    assert s.at(12) == 1.0
    assert s.years == (2017, 2018, 2020)


def test_shares_are_non_decreasing_and_back_loaded():
    back_loaded = {2: 8.0, 3: 15.0, 6: 42.0, 9: 70.0, 12: 100.0}
    df = _frame({2018: back_loaded, 2019: back_loaded})
    s = estimate_seasonal_shares(df, "湛江市", before_year=2021)
    assert s.shares.is_monotonic_increasing
    assert s.at(6) == pytest.approx(0.42)
    # months not published are interpolated between their neighbours
    assert 0.15 < s.at(4) < 0.42


def test_falls_back_to_time_share_without_enough_years():
    df = _frame({2019: {m: float(m) for m in range(2, 13)}, 2021: {2: 1.0}})
    s = estimate_seasonal_shares(df, "湛江市", before_year=2021)
    assert s.method == "time" and s.at(6) == 0.5
    assert "时间进度" in s.label
    assert estimate_seasonal_shares(df, "无此地区", before_year=2021).method == "time"
    assert time_shares().at(12) == 1.0
