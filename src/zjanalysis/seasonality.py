"""Estimate the share of a year's investment normally completed by each month.

Used wherever a year-to-date figure is judged "against time": the monthly
circular and the SOE execution check compare completion with the share of the
year that is normally done by the as-of month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MONTHS = pd.RangeIndex(1, 13, name="month")


@dataclass(frozen=True)
class SeasonalShares:
    """Cumulative share of the annual total done by the end of each month.

    Attributes
    ----------
    shares : pd.Series
        Indexed by month 1..12, values in 0..1, non-decreasing, 1.0 at month 12.
    method : str
        ``"seasonal"`` (from past statistics) or ``"time"`` (month / 12).
    years : tuple of int
        The complete years the shares were estimated from (empty for ``"time"``).
    """

    shares: pd.Series
    method: str
    years: tuple[int, ...]

    def at(self, month: int) -> float:
        """Return the expected cumulative share at ``month``."""
        return float(self.shares.loc[int(month)])

    @property
    def label(self) -> str:
        """Describe the basis in Chinese for report footnotes."""
        if self.method == "seasonal":
            yrs = f"{min(self.years)}—{max(self.years)}年" if self.years else ""
            return f"按{yrs}历年同期完成进度（中位数）"
        return "按时间进度（月数/12）"


def time_shares() -> SeasonalShares:
    """Return the plain time share month / 12.

    Examples
    --------
    >>> time_shares().at(6)
    0.5
    """
    return SeasonalShares(
        pd.Series(MONTHS / 12.0, index=MONTHS, name="share"), "time", ()
    )


def estimate_seasonal_shares(
    fai_monthly: pd.DataFrame,
    region: str,
    *,
    before_year: int,
    min_years: int = 2,
) -> SeasonalShares:
    """Estimate the seasonal cumulative shares of ``region`` from its past levels.

    For every complete year before ``before_year`` that has a cumulative level
    for month 12, the share of each published month is level(m) / level(12);
    the median over years is taken month by month (robust to one shock year
    such as 2020), made non-decreasing, and month 1 is set to half of the
    ``1—2月`` share because January is not published alone. With fewer than
    ``min_years`` usable years the time share is returned instead.

    Parameters
    ----------
    fai_monthly : pd.DataFrame
        Canonical ``fai_monthly`` frame (region, year, month, cum_investment).
    region : str
        Region to estimate for.
    before_year : int
        Only years strictly before this one are used.
    min_years : int, default 2
        Fewest complete years needed for a seasonal estimate.

    Returns
    -------
    SeasonalShares

    Examples
    --------
    >>> rows = [("甲", y, m, 100.0 * m) for y in (2018, 2019) for m in range(2, 13)]
    >>> df = pd.DataFrame(rows, columns=["region", "year", "month", "cum_investment"])
    >>> round(estimate_seasonal_shares(df, "甲", before_year=2021).at(6), 3)
    0.5
    """
    sub = fai_monthly.loc[
        (fai_monthly["region"] == region) & (fai_monthly["year"] < before_year),
        ["year", "month", "cum_investment"],
    ].dropna()
    if sub.empty:
        return time_shares()
    wide = sub.pivot_table(
        index="year", columns="month", values="cum_investment", aggfunc="first"
    )
    if 12 not in wide.columns:
        return time_shares()
    wide = wide[wide[12].notna() & (wide[12] > 0)]
    if len(wide) < min_years:
        return time_shares()
    ratio = wide.div(wide[12], axis=0)
    med = ratio.median(axis=0).reindex(MONTHS)
    if np.isnan(med.get(2, np.nan)):
        return time_shares()
    med.loc[1] = med.loc[2] / 2.0
    # months never published in the sample: interpolate on the time axis
    med = med.interpolate(limit_direction="both").clip(0.0, 1.0).cummax()
    med.loc[12] = 1.0
    return SeasonalShares(
        med.rename("share").astype(float), "seasonal", tuple(int(y) for y in wide.index)
    )
