"""Wide monthly statistics: months as columns, read as one row per region and month.

The statistics bureau's tables and the office's own summaries often put the
months side by side (``地区 | 1—2月 | 1—3月 | … | 1—6月``) with one measure in
every cell, named in the title or the header (``2021年各县（市、区）固定资产投资
累计增速（%）``). The contract table ``fai_monthly`` has one row per region and
month, so :func:`melt_month_columns` rewrites such a grid before the sheet is
read: the title rows stay, the header becomes ``地区 | 年份 | 月份 | <measure>``
and every (region, month) cell becomes a row that keeps its Excel row number.

The measure is growth when the title, unit line or header says 增长, 增速, 同比
or %, and the cumulative level when it says 完成投资, 投资额 or a money unit
(万元, 亿元); a grid that says neither, or both, is not rewritten and gets one
plain error instead (:data:`AMBIGUOUS_ZH`). The year comes from the month
headers (``2021年1—6月``) or else the one year the title names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zjanalysis import schema
from zjanalysis.io.headers import lookup_header, match_header

#: A month header: 1—6月, 6月, 1-6月累计, 2021年1—6月 (the year is group 1).
MONTH_HEADER_RE = re.compile(
    r"^(?:((?:19|20)\d{2})年)?(?:1月?[-—–~～至到])?(\d{1,2})月(?:累计|份)?$"
)
#: Words that make the cells growth rates, and words that make them levels.
GROWTH_WORDS = ("增长", "增速", "同比", "%", "％")
LEVEL_WORDS = ("完成投资", "投资额", "完成额", "万元", "亿元", "千元", "百万元")
#: Region names whose row may be all blank (not yet reported).
_REGIONS = frozenset({schema.CITY, *schema.CITY_ALIASES, *schema.COUNTIES})
#: How many rows from the top may hold the header of a wide table.
HEADER_SEARCH_ROWS = 15
#: The error for months as columns whose measure the sheet does not say.
AMBIGUOUS_ZH = (
    "表中月份排成列（{months}），但标题和表头没有说明是累计增长还是累计完成投资"
)
AMBIGUOUS_HINT_ZH = (
    "请在标题或表头注明「累计增长（%）」或「累计完成投资（万元）」，"
    "或改为每行一个地区、一个月份：地区、年份、月份、累计完成投资、累计同比增长"
)


@dataclass(frozen=True)
class WideGrid:
    """A wide grid rewritten as one row per region and month.

    Attributes
    ----------
    grid : pandas.DataFrame
        The rows above the header as they were, then the new header and body.
    rownums : numpy.ndarray
        The Excel row number of each new row (a body row repeats its own).
    note : str
        What was done, for the load report.
    """

    grid: pd.DataFrame
    rownums: np.ndarray
    note: str


@dataclass(frozen=True)
class WideProblem:
    """Months as columns whose measure the sheet does not say."""

    row: int
    months: str
    message_zh: str
    hint_zh: str


def _fold(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _month_headers(row: list[str]) -> dict[int, tuple[int | None, int]]:
    found = {}
    for j, cell in enumerate(row):
        m = MONTH_HEADER_RE.match(_fold(cell))
        if m and 1 <= int(m.group(2)) <= 12:
            found[j] = (int(m.group(1)) if m.group(1) else None, int(m.group(2)))
    return found


def _measure(text: str) -> str | None:
    growth = any(w in text for w in GROWTH_WORDS)
    level = any(w in text for w in LEVEL_WORDS)
    if growth == level:
        return None
    return "growth" if growth else "level"


def melt_month_columns(
    grid: pd.DataFrame, rownums: np.ndarray, *, table: str
) -> WideGrid | WideProblem | None:
    """Rewrite a ``fai_monthly`` grid whose months are columns; None if it is not one.

    Parameters
    ----------
    grid : pandas.DataFrame
        Cell texts, columns by position.
    rownums : numpy.ndarray
        The Excel row number of each grid row.
    table : str
        Only ``fai_monthly`` is ever rewritten.

    Returns
    -------
    WideGrid, WideProblem or None
        None when no row among the first :data:`HEADER_SEARCH_ROWS` has a
        region header and two or more month headers (or the sheet already has
        a month column); a :class:`WideProblem` when the measure is not said.

    Examples
    --------
    >>> g = pd.DataFrame([["2021年固定资产投资累计增速（%）", "", ""],
    ...                   ["地区", "1—2月", "1—3月"],
    ...                   ["湛江市", "64.3", "41.3"]])
    >>> w = melt_month_columns(g, np.array([1, 2, 3]), table="fai_monthly")
    >>> w.grid.values.tolist()[1:]
    [['地区', '年份', '月份', '累计同比增长（%）'], ['湛江市', '2021', '2', '64.3'], ['湛江市', '2021', '3', '41.3']]
    >>> w.rownums.tolist()
    [1, 2, 3, 3]
    """
    if table != "fai_monthly" or grid.empty:
        return None
    lookup = lookup_header(table)
    cells = grid.fillna("").astype(str).values.tolist()
    for i, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        months = _month_headers(row)
        if len(months) < 2:
            continue
        named = {j: match_header(c, lookup)[0] for j, c in enumerate(row) if c.strip()}
        if "month" in named.values() or "region" not in named.values():
            return None
        region_col = next(j for j, c in named.items() if c == "region")
        above = " ".join(" ".join(r) for r in cells[:i])
        others = " ".join(c for j, c in enumerate(row) if j not in months)
        measure = _measure(_fold(above + others))
        labels = "、".join(row[j].strip() for j in list(months)[:3]) + (
            "…" if len(months) > 3 else ""
        )
        if measure is None:
            return WideProblem(
                int(rownums[i]),
                labels,
                AMBIGUOUS_ZH.format(months=labels),
                AMBIGUOUS_HINT_ZH,
            )
        title_years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", above))
        title_year = int(title_years.pop()) if len(title_years) == 1 else None
        unit = next((u for u in ("亿元", "百万元", "千元", "万元") if u in above), "")
        value_header = (
            "累计同比增长（%）"
            if measure == "growth"
            else f"累计完成投资（{unit}）"
            if unit
            else "累计完成投资"
        )
        out = [r for r in cells[:i]]
        out_rows = list(rownums[:i])
        out.append(["地区", "年份", "月份", value_header])
        out_rows.append(int(rownums[i]))
        blank = 0
        for k in range(i + 1, len(cells)):
            body = cells[k]
            region = body[region_col]
            values = [(j, body[j]) for j in months if j < len(body)]
            filled = [(j, v) for j, v in values if v.strip()]
            if not filled:
                if _fold(region) in _REGIONS:
                    blank += len(values)  # a region without any figure yet
                elif region.strip():
                    # a heading or a note under the table: left to the row rules
                    out.append([region, "", "", ""])
                    out_rows.append(int(rownums[k]))
                continue
            blank += len(values) - len(filled)
            for j, value in filled:
                year, month = months[j]
                year = year or title_year
                out.append(
                    [region, "" if year is None else str(year), str(month), value]
                )
                out_rows.append(int(rownums[k]))
        width = max(len(r) for r in out)
        frame = pd.DataFrame([r + [""] * (width - len(r)) for r in out])
        what = "累计同比增长" if measure == "growth" else "累计完成投资"
        empty = f"；空白单元格{blank}个视为未公布，未读入" if blank else ""
        note = (
            f"月份排成列（{labels}，共{len(months)}列），按每个地区每个月一行读入，"
            f"数值读作{what}{empty} / months as columns read as one row per region "
            "and month"
        )
        return WideGrid(frame, np.asarray(out_rows), note)
    return None
