"""The as-of month of a report: one type for every analysis, command and notebook.

A report is "as of" the last month its statistics cover: ``AsOf(2021, 6)``,
written ``2021-06`` on the command line and in parameter files and ``1—6月`` on
the page. The plan year is a separate parameter; :meth:`AsOf.month_in` is the one
rule for an as-of month outside the plan year (a later as-of covers the whole
year, an earlier one none of it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from zjanalysis import labels

_PATTERN = re.compile(r"^\s*(\d{4})\s*(?:-|年|/|\.)\s*(\d{1,2})\s*(?:月)?\s*$")


@dataclass(frozen=True, order=True)
class AsOf:
    """A year and a month, the last month a report's data cover.

    Parameters
    ----------
    year : int
        Four digits.
    month : int
        1 to 12.

    Examples
    --------
    >>> a = AsOf.parse("2021-06")
    >>> a, str(a), a.label_zh, a.period_zh
    (AsOf(year=2021, month=6), '2021-06', '1—6月', '2021年1—6月')
    >>> AsOf.parse("2021年6月") == AsOf(2021, 6) < AsOf(2021, 7)
    True
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        year, month = int(self.year), int(self.month)
        if not 1000 <= year <= 9999 or not 1 <= month <= 12:
            raise ValueError(
                f"截止月份「{self.year}-{self.month}」不对，月份应为 1—12、年份四位 / "
                f"as-of must be a four-digit year and a month 1..12"
            )
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)

    @classmethod
    def parse(cls, value: str | AsOf | tuple[int, int]) -> AsOf:
        """Return the as-of month of ``"2021-06"``, ``"2021年6月"``, ``(2021, 6)`` or an AsOf.

        Raises
        ------
        ValueError
            With a plain message naming the text when it is not a year and a month.

        Examples
        --------
        >>> AsOf.parse((2021, 6)) == AsOf.parse("2021-6") == AsOf.parse("2021.06")
        True
        >>> AsOf.parse("六月")
        Traceback (most recent call last):
        ...
        ValueError: 截止月份「六月」格式不对，应写成 2021-06 / as_of must look like 2021-06
        """
        if isinstance(value, AsOf):
            return value
        if isinstance(value, tuple) and len(value) == 2:
            return cls(*value)
        m = _PATTERN.match(str(value))
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(
                f"截止月份「{value}」格式不对，应写成 2021-06 / as_of must look like 2021-06"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label_zh(self) -> str:
        """The months covered, ``1—6月`` (``1月`` for January)."""
        return labels.month_label(self.month)

    @property
    def period_zh(self) -> str:
        """The year and months covered, ``2021年1—6月``."""
        return labels.period_label(self.year, self.month)

    @property
    def month_end(self) -> pd.Timestamp:
        """The last day of the month, the date milestones are judged at.

        Examples
        --------
        >>> AsOf(2021, 2).month_end
        Timestamp('2021-02-28 00:00:00')
        """
        return pd.Timestamp(self.year, self.month, 1) + pd.offsets.MonthEnd(0)

    def month_in(self, year: int) -> int | None:
        """Return the last month of plan ``year`` this as-of month covers.

        The month itself in the same year, 12 for a later year (that year is
        over), None for an earlier year (it has not begun).

        Examples
        --------
        >>> a = AsOf(2021, 6)
        >>> a.month_in(2021), a.month_in(2020), a.month_in(2022) is None
        (6, 12, True)
        """
        if self.year == int(year):
            return self.month
        return 12 if self.year > int(year) else None
