"""Layout: where a printed table's header is, and what stands above and under it.

This module owns the rules of a sheet's header block: which row is the header
(the one among the first 40 that names most columns), when the row above or
under it is a second header row (merged group headings), which rows under it are
a units row (``（万元）``), a column-number row (``甲 乙 1 2``) or a repeated
header (English under Chinese), and what the rows above it are: the title, the
unit line (``单位：亿元``) that sets the table's money unit, an attachment label
(``附件1``) or a blank row. The result is a :class:`SheetLayout`; the rows of the
body are judged by :mod:`zjanalysis.io.rows`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zjanalysis import schema
from zjanalysis.io.headers import (
    UNIT_RE,
    lookup_header,
    match_header,
    norm_header,
    score_row,
    top_rows,
)

#: Rows searched for the header (the title, unit line and notes stand above it).
HEADER_SEARCH_ROWS = 40

_MONEY = schema.MONEY_UNIT_PATTERN
_UNIT_LINE_RE = re.compile(rf"(?:金额|计量|货币)?单位\s*[:：]?\s*({_MONEY})")
#: An attachment label above a title (附件1, 附表 2): not the title itself.
_ATTACHMENT_RE = re.compile(r"^\s*附[件表]\s*[\d一二三四五六七八九十]*\s*[:：]?\s*$")
_UNITS_ROW_RE = re.compile(rf"^[(（\[]?({_MONEY}|%|％|亩|公顷|个|项|年|月|人)[)）\]]?$")
_COLUMN_NUMBER_RE = re.compile(r"^(\d{1,2}|[甲乙丙丁戊己庚辛壬癸])$")
_SKIP_REASONS_ZH = {
    "title": "标题行",
    "unit line": "单位行",
    "header": "表头",
    "blank": "空行",
    "section": "分组行",
    "subtotal": "小计行",
    "total": "合计行",
    "note": "表注",
}


@dataclass(frozen=True)
class SkippedRow:
    """One row of an input file that was not read as data, and why."""

    row: int
    reason: (
        str  # title / unit line / header / blank / section / subtotal / total / note
    )
    text: str
    sheet: str = ""

    @property
    def reason_zh(self) -> str:
        return _SKIP_REASONS_ZH.get(self.reason, self.reason)


@dataclass(frozen=True)
class SheetLayout:
    """The header block of one printed sheet: what :func:`find_layout` found.

    Positions (``header_index``, ``body_start``, the keys of ``units_row``) count
    grid rows and columns from 0; row numbers (``header_row``, the rows of
    ``skipped``) are as the user sees them in Excel.

    Attributes
    ----------
    header : list of str
        The cells of the header row (the first one of a two-row header).
    sub_header : list of str or None
        The cells of the second header row under merged group headings.
    header_index : int
        Grid position of ``header``.
    body_start : int
        Grid position of the first row under the header block.
    header_row : int
        Row number of the last row of the header block (units rows included).
    title : str or None
        The title above the header (an attachment label such as ``附件1`` is not
        one; a unit line's leftover text is).
    money_unit : str
        Unit of money columns whose header states none: the unit line's, else
        ``schema.DEFAULT_MONEY_UNIT``.
    money_unit_declared : bool
        True when a unit line above or in the header declared ``money_unit``.
    units_row : dict of int to str
        Money units of a units row under the header, by column position.
    skipped : list of SkippedRow
        The rows above the body, in order: blank, title and unit line rows above
        the header, then the header block's rows after its first.
    repeated : dict of str to str
        The text of each title, unit line and header row (cells joined) to its
        reason: what a printed table repeats at the top of every page.
    """

    header: list[str]
    sub_header: list[str] | None
    header_index: int
    body_start: int
    header_row: int
    title: str | None
    money_unit: str
    money_unit_declared: bool
    units_row: dict[int, str]
    skipped: list[SkippedRow]
    repeated: dict[str, str]


def find_layout(
    grid: pd.DataFrame, rownums: np.ndarray, *, table: str, sheet: str = ""
) -> SheetLayout | None:
    """Return the header block of a sheet read as ``table``, or None without header.

    Parameters
    ----------
    grid : pandas.DataFrame
        The sheet's cell texts (:class:`zjanalysis.io.readers.RawSheet`).
    rownums : numpy.ndarray
        The row number of each grid row.
    table : str
        The contract table the sheet is read as: its column names find the header.
    sheet : str, default ""
        Sheet name recorded in the skipped rows.

    Returns
    -------
    SheetLayout or None
        None when no row among the first 40 names a column of ``table``.

    Examples
    --------
    >>> grid = pd.DataFrame([["2021年项目计划表", "", ""], ["单位：亿元", "", ""],
    ...                      ["项目名称", "所属县区", "总投资"], ["A", "赤坎区", "1"]])
    >>> layout = find_layout(grid, np.arange(1, 5), table="projects")
    >>> layout.header_row, layout.title, layout.money_unit, layout.body_start
    (3, '2021年项目计划表', '亿元', 3)
    """
    lookup = lookup_header(table)
    top = top_rows(grid, HEADER_SEARCH_ROWS)
    scores = [score_row(r, lookup) for r in top]
    if not scores or max(scores) == 0:
        return None
    h, below = _header_rows(top, scores, lookup)
    body_start = h + (2 if below is not None else 1)
    units_row: dict[int, str] = {}
    extra_reasons: dict[int, str] = {}
    while body_start < len(top):
        kind = _extra_header_kind(top[body_start], scores[h], lookup)
        if not kind:
            break
        if kind == "units":
            units_row.update(_units_of_units_row(top[body_start]))
        extra_reasons[body_start] = "unit line" if kind == "units" else "header"
        body_start += 1
    above, title, unit_line = _rows_above_header(top[:h], rownums, sheet=sheet)
    unit_line = _unit_in_header(top[h] + (below or []), lookup) or unit_line
    block = [
        SkippedRow(
            int(rownums[i]), extra_reasons.get(i, "header"), _joined(top[i]), sheet
        )
        for i in range(h + 1, body_start)
    ]
    reasons = [(i, s.reason) for i, s in enumerate(above)] + [
        (i, extra_reasons.get(i, "header")) for i in range(h + 1, body_start)
    ]
    reasons += [(i, extra_reasons.get(i, "header")) for i in range(h, body_start)]
    return SheetLayout(
        header=top[h],
        sub_header=below,
        header_index=h,
        body_start=body_start,
        header_row=int(rownums[body_start - 1]),
        title=title,
        money_unit=unit_line or schema.DEFAULT_MONEY_UNIT,
        money_unit_declared=bool(unit_line),
        units_row=units_row,
        skipped=above + block,
        repeated=_repeated_texts(top, reasons),
    )


def _joined(row: list[str]) -> str:
    """Return a row's distinct non-empty cells joined by spaces (merged cells once)."""
    return " ".join(dict.fromkeys(v for v in row if v))


def _header_rows(
    top: list[list[str]], scores: list[int], lookup: dict[str, str]
) -> tuple[int, list[str] | None]:
    """Return the header row's position and the second header row's cells, if any.

    The header is the row that names most columns. When the row above it is a
    header row over group headings that adds columns or a unit, the header
    starts one row higher: the second row of a two-row header names most
    columns (headings merged down repeat in it).
    """
    h = int(np.argmax(scores))
    if (
        h > 0
        and scores[h - 1] >= 2
        and _is_subheader(top[h - 1], top[h])
        and _upper_row_adds(top[h - 1], top[h], lookup)
    ):
        # the first row adds to the second: columns it alone names (a CSV) or a
        # group heading's unit (投资额（亿元） over 总投资)
        return h - 1, top[h]
    if h + 1 < len(top) and _is_subheader(top[h], top[h + 1]):
        return h, top[h + 1]
    return h, None


def _rows_above_header(
    above: list[list[str]], rownums: np.ndarray, *, sheet: str
) -> tuple[list[SkippedRow], str | None, str | None]:
    """Return the rows above the header as skipped rows, the title and the unit.

    Each row is blank, a unit line (whose leftover text may be the title) or a
    title row; the first title row that is not an attachment label is the title,
    and the last unit line sets the unit.
    """
    skipped: list[SkippedRow] = []
    title: str | None = None
    unit: str | None = None
    for i, row in enumerate(above):
        row_no = int(rownums[i])
        joined = _joined(row)
        if not joined:
            skipped.append(SkippedRow(row_no, "blank", "", sheet))
            continue
        line = _unit_line(joined)
        if line is not None:
            unit, rest = line
            skipped.append(SkippedRow(row_no, "unit line", joined, sheet))
            if rest and title is None:
                title = rest
            continue
        if title is None and not _ATTACHMENT_RE.match(joined):
            title = joined
        skipped.append(SkippedRow(row_no, "title", joined, sheet))
    return skipped, title, unit


def _unit_line(text: str) -> tuple[str, str] | None:
    """Return the unit a unit line declares and the title text left on it, or None.

    Examples
    --------
    >>> _unit_line("2021年重点项目计划表 （单位：万元）")
    ('万元', '2021年重点项目计划表')
    >>> _unit_line("金额单位：亿元")
    ('亿元', '')
    >>> _unit_line("2021年重点项目计划表") is None
    True
    """
    m = _UNIT_LINE_RE.search(norm_header(text))
    if not m:
        return None
    rest = _UNIT_LINE_RE.sub("", text)
    rest = re.sub(r"[(（]\s*[)）]", "", rest).strip(" :：")
    if rest.startswith(("单位", "金额")):
        rest = ""
    return m.group(1), rest


_NOTE_UNIT_RE = re.compile(
    rf"(?:金额|计量|货币|投资)?单位\s*(?:[:：]|为|是|均为|均以|以)?\s*({_MONEY})"
)


def unit_in_note(text: str) -> str | None:
    """Return the money unit a note under a table declares (``注：金额单位为亿元``).

    Examples
    --------
    >>> unit_in_note("注：本表金额单位为亿元。"), unit_in_note("注：数据为快报数")
    ('亿元', None)
    """
    m = _NOTE_UNIT_RE.search(norm_header(text))
    return m.group(1) if m else None


def _unit_in_header(cells: list[str], lookup: dict[str, str]) -> str | None:
    """Return the unit a header cell that names no column declares (``单位：万元``)."""
    unit = None
    for cell in cells:
        m = _UNIT_LINE_RE.search(norm_header(cell))
        if m and match_header(cell, lookup)[0] is None:
            unit = m.group(1)
    return unit


def _units_of_units_row(row: list[str]) -> dict[int, str]:
    """Return the money unit of each cell of a units row, by column position."""
    out = {}
    for j, v in enumerate(row):
        unit = _UNITS_ROW_RE.match(v.replace(" ", "")) if v else None
        if unit and unit.group(1) in schema.MONEY_UNITS:
            out[j] = unit.group(1)
    return out


def _repeated_texts(
    top: list[list[str]], reasons: list[tuple[int, str]]
) -> dict[str, str]:
    """Return the text of each title, unit line and header row to its reason.

    Later rows win when two rows have the same text; blank rows are left out.
    """
    repeated = {
        _joined(top[i]): reason
        for i, reason in reasons
        if 0 <= i < len(top) and reason in ("title", "unit line", "header")
    }
    repeated.pop("", None)
    return repeated


def _is_subheader(top: list[str], below: list[str]) -> bool:
    changed = False
    width = len(top)
    for j, v in enumerate(below):
        if not v or v == top[j]:
            continue
        left = top[j - 1] if j > 0 else None
        right = top[j + 1] if j + 1 < width else None
        # a merged group heading repeats (xlsx); in a CSV it stands over the first
        # of its columns, the cells to its right empty
        opens_group = right == "" and j + 1 < len(below) and bool(below[j + 1])
        grouped = not top[j] or top[j] in (left, right) or opens_group
        if not grouped:
            return False
        changed = True
    return changed


def _upper_row_adds(upper: list[str], lower: list[str], lookup: dict[str, str]) -> bool:
    """Return True if a header row above ``lower`` names columns or units it lacks."""

    def names(row: list[str]) -> set:
        return {match_header(v, lookup)[0] for v in row if v} - {None}

    if names(upper) - names(lower):
        return True
    for u, v in zip(upper, lower, strict=False):
        m = UNIT_RE.match(norm_header(u)) if u and u != v else None
        if m and m.group(1) and m.group(2) in schema.MONEY_UNITS:
            return True
    return False


def _extra_header_kind(
    row: list[str], header_score: int, lookup: dict[str, str]
) -> str:
    """Classify the row under the header: ``units``, ``numbers``, ``header`` or ``""``."""
    cells = [v for v in row if v]
    if not cells:
        return ""
    if all(_UNITS_ROW_RE.match(v.replace(" ", "")) for v in cells):
        return "units"
    if len(cells) >= 3 and all(_COLUMN_NUMBER_RE.match(v) for v in cells):
        digits = [int(v) for v in cells if v.isdigit()]
        if not digits or digits == list(range(digits[0], digits[0] + len(digits))):
            return "numbers"
    score = score_row(row, lookup)
    if score >= max(2, (header_score + 1) // 2):
        return "header"
    return ""
