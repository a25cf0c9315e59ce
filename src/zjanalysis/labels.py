"""Format money and periods the way Chinese statistical reports write them.

Money inside the package is always in 万元 (10^4 yuan); reports show 万元 for
projects and 亿元 (10^8 yuan) for totals. Cumulative periods are written
``1—6月``; January and February are published together as ``1—2月``.
"""

from __future__ import annotations

import math

WAN_PER_YI = 10_000.0


def wan_to_yi(amount_wan: float) -> float:
    """Convert an amount in 万元 to 亿元.

    Examples
    --------
    >>> wan_to_yi(1_376_080)
    137.608
    """
    return amount_wan / WAN_PER_YI


def _is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def format_wan(amount_wan: float | None, decimals: int = 0) -> str:
    """Format an amount in 万元 with thousands separators, "—" when missing.

    Examples
    --------
    >>> format_wan(1234567.4)
    '1,234,567'
    >>> format_wan(None)
    '—'
    """
    if _is_missing(amount_wan):
        return "—"
    return f"{amount_wan:,.{decimals}f}"


def format_yi(amount_wan: float | None, decimals: int = 2, unit: bool = True) -> str:
    """Format an amount given in 万元 as 亿元, e.g. ``137.61亿元``.

    Examples
    --------
    >>> format_yi(1_376_080)
    '137.61亿元'
    >>> format_yi(12_345_678, decimals=1, unit=False)
    '1,234.6'
    """
    if _is_missing(amount_wan):
        return "—"
    text = f"{wan_to_yi(amount_wan):,.{decimals}f}"
    return f"{text}亿元" if unit else text


def format_pct(value_pct: float | None, decimals: int = 1, sign: bool = False) -> str:
    """Format a percentage, e.g. ``20.0%``; with ``sign`` ``+20.0%``.

    Examples
    --------
    >>> format_pct(19.96)
    '20.0%'
    >>> format_pct(-3.25, sign=True)
    '-3.2%'
    """
    if _is_missing(value_pct):
        return "—"
    return f"{value_pct:+.{decimals}f}%" if sign else f"{value_pct:.{decimals}f}%"


def month_label(month: int) -> str:
    """Return the cumulative period label for a month: ``1—2月`` … ``1—12月``.

    January alone is ``1月`` (the bureau publishes it only with February).

    Examples
    --------
    >>> month_label(6)
    '1—6月'
    >>> month_label(2)
    '1—2月'
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    return "1月" if int(month) == 1 else f"1—{int(month)}月"


def period_label(year: int, month: int) -> str:
    """Return ``2021年1—6月``.

    Examples
    --------
    >>> period_label(2021, 6)
    '2021年1—6月'
    """
    return f"{int(year)}年{month_label(month)}"
