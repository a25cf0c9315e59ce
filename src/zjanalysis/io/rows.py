"""Row rules: which rows of a table's body are data, and which are not and why.

A printed table's body holds more than data rows: blank rows, section headings
(``一、产业项目``, ``（一）``, ``1. 交通``, ``霞山区``, ``产业项目（23项）``), total and
subtotal rows, notes under the table, unused rows of a form and, on every later
page, the title, unit line and header again. This module owns those rules.

Notes
-----
:func:`classify_rows` works in two passes. First, cheap column-wise tests mark
the candidate rows: an empty key cell, a total word (合计 总计 小计 共计), a cell
that starts like a heading or a note or ends like a count, a numeral in the 序号
column, a county's name (tables keyed by project), a repeated page header, an
unused form row or an empty row. Every other row is data. Then each candidate is
given to the rules of :data:`ROW_RULES` in this order, and the first that
applies decides its reason; a candidate no rule claims is data:

1. :func:`blank_row` -- no text at all: ``blank``;
2. :func:`repeated_page_text` -- the row is the text of a title, unit line or
   header row above the body, repeated on a later page: that row's reason;
3. :func:`repeated_header` -- most cells equal their column's heading: ``header``;
4. :func:`note_row` -- a note (``注：``, ``资料来源``, ``填表人``), or any candidate
   after a note: ``note``;
5. :func:`total_row` -- ``合计``, ``合  计``, ``全市合计``, ``（小计）``,
   ``总计（共25项）``: ``total``, or ``subtotal`` for 小计 and for the parts of a
   total in a table keyed by project (``其中：续建``); but in a table keyed by
   region with no row for the city, ``全市合计`` is the city's row (data);
6. :func:`section_heading` -- a numbered heading (``一、``, ``（二）``, ``第一部分``,
   a numeral in the 序号 column, ``1. 交通`` alone on its row) whose key cell is
   empty or the heading itself: ``section``;
7. :func:`group_heading` -- a heading alone on its row that ends with a count
   (``产业项目（23项）``) or is a county's name in a table keyed by project:
   ``section``;
8. :func:`loose_note` -- a single text that starts like a note (``说明``) in a row
   without key: ``note``;
9. :func:`unused_form_row` -- only the pre-printed 序号 and merged grouping
   cells of an unused form row: ``blank``.

Section headings nest (:func:`nest_sections`): ``（一）`` keeps its ``一、``
parent, ``1.`` keeps both, and each data row carries the headings over it.

A heading may also name a value of a column the sheet lacks or leaves blank
in every data row (:data:`SECTION_COLUMNS`): a plan printed by sector (``一、交通基础设施项目（6项）``,
``二、产业项目（12项）``) with no 行业领域 column gives each row under a heading
that heading's sector (:func:`section_value`: 基础设施, 产业), and likewise a
stage (``一、续建项目``) or a county (``霞山区``). The outermost level of headings
that names such values supplies them (:func:`section_values`); a heading of that
level that names none is returned as unknown, to be reported at its row, and the
rows under it get no value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from zjanalysis import schema
from zjanalysis.io.layout import SkippedRow

#: Columns whose blank cells in a CSV are filled from the row above (merged cells).
GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "fai_monthly": ("region", "year"),
    "targets": ("region",),
    "projects": ("county", "department"),
    "project_progress": ("project_id",),
    "milestones": ("project_id",),
    "soe_plans": ("soe_name", "year"),
    "funding_plan": ("project_id", "year"),
}
#: Columns searched for the candidate marks (headings, notes, counts, counties).
MARK_COLUMNS = 3
#: Columns a section heading supplies when the sheet has no such column, per table.
SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "projects": ("sector", "stage", "county"),
}

_SECTION_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．,，]|[(（]\s*[一二三四五六七八九十]+\s*[)）]"
    r"|第[一二三四五六七八九十]+(?:部分|类|批|章))"
)
_NUMERAL_RE = re.compile(r"^\s*[(（]?\s*[一二三四五六七八九十]+\s*[)）、.．]?\s*$")
_NOTE_RE = re.compile(
    r"^\s*(?:注|说明|备注|附注|资料来源|数据来源|填报单位|填报人|填表人|制表|"
    r"审核|联系人|联系电话|note|source)\s*\d*\s*[:：、.]?",
    re.IGNORECASE,
)
_NOTE_STRICT_RE = re.compile(
    r"^\s*(?:注\s*\d*\s*[:：、]|注释|说明\s*[:：]|备注\s*[:：]|附注|资料来源|数据来源|"
    r"填报单位\s*[:：]|填报人|填表人|制表|审核人|联系人|联系电话|note\s*[:：]|source\s*[:：])",
    re.IGNORECASE,
)
_TOTAL_RE = re.compile(
    r"^[(（]?\S{0,12}?(合计|总计|小计|共计)[)）]?"
    r"(?:[(（]共?\d+个?项目?[)）])?$"  # 合计（共25项）
)
#: A region cell that totals the whole city: 全市合计, 合计, 湛江市总计. In a table
#: keyed by region without a row that names the city (湛江市, 全市), this row is
#: the city's own figure, not a sum to skip (:func:`total_row`); the loader
#: reads its region as the city (:mod:`zjanalysis.io.cells`).
CITY_TOTAL_RE = re.compile(
    rf"^(?:{'|'.join(sorted((schema.CITY, *schema.CITY_ALIASES), key=len, reverse=True))})?"
    r"(?:合计|总计|共计)$"
)
_SECTION_FIRST_CHARS = list("一二三四五六七八九十（(第")
#: The part of a total listed under it: 其中：续建项目.
_PART_RE = re.compile(r"^其中\s*[:：]?")
_TOTAL_WORDS = r"合\s*计|总\s*计|小\s*计|共\s*计"
#: A third-level heading numbered 1. / 1、 / 2． (a data row's 序号 has no mark).
_ARABIC_SECTION_RE = re.compile(r"^\s*\d{1,2}\s*[、.．](?!\d)\s*")
_COUNTY_SECTIONS = [
    *schema.COUNTIES,
    schema.CITY_LEVEL,
    *(f"{c}项目" for c in (*schema.COUNTIES, schema.CITY_LEVEL)),
]
_COUNT_RE = re.compile(r"[(（]\s*(?:共\s*)?\d+\s*个?项目?\s*[)）]$")
_NOTE_FIRST_CHARS = list("注说备附资数填制审联NnSs")


class UnknownHeading(NamedTuple):
    """A section heading that names no value of a column its level supplies."""

    position: int
    column: str
    text: str


class BodyRows(NamedTuple):
    """What :func:`classify_rows` found in a table's body.

    Attributes
    ----------
    keep : numpy.ndarray of bool
        True for data rows.
    section : pandas.Series of str
        The nested section headings over each row.
    skipped : list of SkippedRow
        The rows not kept, with their reason (see the module notes).
    supplied : dict of str to pandas.Series
        Column -> the value the headings over each row name (NaN where none),
        for the columns of :data:`SECTION_COLUMNS` the sheet lacks.
    unknown : list of UnknownHeading
        Headings of a supplying level that name no value (body positions).
    under_unknown : dict of str to numpy.ndarray
        Column -> the rows under such a heading (their value is unknown, and
        the heading's problem says so).
    """

    keep: np.ndarray
    section: pd.Series
    skipped: list[SkippedRow]
    supplied: dict[str, pd.Series]
    unknown: list[UnknownHeading]
    under_unknown: dict[str, np.ndarray]


class RowVerdict(NamedTuple):
    """What a row rule decided: the reason to skip the row, and a section's text."""

    reason: str
    section: str | None = None


@dataclass(frozen=True)
class BodyRow:
    """One candidate row of a table's body, as the row rules see it.

    Attributes
    ----------
    values : tuple of str
        Every cell of the row, stripped, by column position.
    uniq : list of str
        The distinct non-empty cells, in order (a merged cell counts once).
    key_value, name_value : str
        The cells of the key text column and of the ``name`` column (``""``
        when the table has none).
    key_empty : bool
        True when the key cell is empty (or the table has no key text column).
    repeat_hit, seq_numeral, arabic_section, unused : bool
        The candidate marks of the row: a repeated page header, a numeral in the
        序号 column, a ``1.`` heading alone on its row, an unused form row.
    after_note : bool
        True when a candidate row above was a note.
    """

    values: tuple[str, ...]
    uniq: list[str]
    key_value: str = ""
    name_value: str = ""
    key_empty: bool = True
    repeat_hit: bool = False
    seq_numeral: bool = False
    arabic_section: bool = False
    unused: bool = False
    after_note: bool = False

    @property
    def first(self) -> str:
        """Return the row's first non-empty cell."""
        return self.uniq[0]

    @property
    def joined(self) -> str:
        """Return the row's distinct cells joined by spaces."""
        return " ".join(self.uniq)

    @property
    def compact(self) -> list[str]:
        """Return the first four distinct cells without their spaces."""
        return [re.sub(r"\s+", "", v) for v in self.uniq[:4]]


@dataclass(frozen=True)
class BodyContext:
    """What the row rules know of the sheet beyond one row.

    Attributes
    ----------
    header : list of str or None
        The header row's cells, to recognise it repeated on a later page.
    repeated : dict of str to str
        The text of each title, unit line and header row to its reason
        (:attr:`zjanalysis.io.layout.SheetLayout.repeated`).
    county_rule : bool
        True when a row named after a county is a group heading (tables keyed
        by something other than a region or county).
    total_is_city : bool
        True in a table keyed by region in which no row names the city: its
        total row (``全市合计``) is the city's figure and is kept.
    """

    header: list[str] | None = None
    repeated: dict[str, str] | None = None
    county_rule: bool = False
    total_is_city: bool = False


RowRule = Callable[[BodyRow, BodyContext], RowVerdict | None]


def blank_row(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 1: a row without any text is ``blank``."""
    return RowVerdict("blank") if not row.uniq else None


def repeated_page_text(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 2: a title, unit line or header repeated on a page takes its reason."""
    repeated = ctx.repeated or {}
    if row.repeat_hit and row.joined in repeated:
        return RowVerdict(repeated[row.joined])
    return None


def repeated_header(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 3: a row whose cells mostly equal their column's heading is ``header``."""
    if not row.repeat_hit or ctx.header is None:
        return None
    named = [j for j, v in enumerate(ctx.header[: len(row.values)]) if v]
    same = sum(row.values[j] == ctx.header[j] for j in named)
    return RowVerdict("header") if same * 2 > max(len(named), 2) else None


def note_row(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 4: a note (``注：``, ``资料来源``) and every candidate after one: ``note``."""
    if row.after_note or _NOTE_STRICT_RE.match(row.first):
        return RowVerdict("note")
    return None


def total_row(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 5: ``合计``, ``总计``, ``共计`` rows are ``total``, ``小计`` rows ``subtotal``.

    Spaces inside the word (``合  计``, spaced out for print) do not matter. In a
    table keyed by project, a ``其中：续建`` row without a key of its own (the
    part of a total above it) is a ``subtotal`` too. In a table keyed by region
    without a row for the city (``ctx.total_is_city``), a ``全市合计`` in the
    region cell is the city's row: data, not a total.
    """
    key = re.sub(r"\s+", "", row.key_value or "")
    if ctx.total_is_city and CITY_TOTAL_RE.match(key):
        return None
    if any(_TOTAL_RE.match(v) for v in row.compact):
        subtotal = any("小计" in v for v in row.compact)
        return RowVerdict("subtotal" if subtotal else "total")
    first = row.compact[0] if row.compact else ""
    own_key = row.key_value and re.sub(r"\s+", "", row.key_value) != first
    if ctx.county_rule and _PART_RE.match(first) and not own_key:
        return RowVerdict("subtotal")
    return None


def section_heading(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 6: a numbered heading whose key cell is empty or itself is a ``section``.

    A numeral alone (``一`` in the 序号 column, ``1.``) takes the next cell as
    its text: ``一、产业项目``.
    """
    first = row.first
    numbered = _SECTION_RE.match(first) or row.seq_numeral or row.arabic_section
    key = row.key_value
    if not numbered or (key and key != first and key not in row.uniq[:2]):
        return None
    text = first
    numeral = _NUMERAL_RE.match(first) or _ARABIC_SECTION_RE.fullmatch(first)
    if numeral and len(row.uniq) > 1:
        text = f"{first.rstrip('、.．')}、{row.uniq[1]}"
    return RowVerdict("section", text)


def group_heading(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 7: a heading alone with a count, or a county's name, is a ``section``."""
    first = row.first
    heading_only = (not row.key_value or row.key_value == first) and (
        not row.name_value or row.name_value == first
    )
    county = ctx.county_rule and first in _COUNTY_SECTIONS
    if heading_only and (_COUNT_RE.search(first) or county):
        return RowVerdict("section", first)
    return None


def loose_note(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 8: one text that starts like a note, in a row without key: ``note``."""
    if _NOTE_RE.match(row.first) and len(row.uniq) == 1 and row.key_empty:
        return RowVerdict("note")
    return None


def unused_form_row(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Rule 9: an unused form row (only 序号 and merged grouping cells) is ``blank``."""
    return RowVerdict("blank") if row.unused else None


#: The row rules in the order they are tried (see the module notes).
ROW_RULES: tuple[RowRule, ...] = (
    blank_row,
    repeated_page_text,
    repeated_header,
    note_row,
    total_row,
    section_heading,
    group_heading,
    loose_note,
    unused_form_row,
)


def judge_row(row: BodyRow, ctx: BodyContext) -> RowVerdict | None:
    """Return the verdict of the first rule of :data:`ROW_RULES` that applies.

    Examples
    --------
    >>> judge_row(BodyRow(values=("合计", "", "12"), uniq=["合计", "12"]), BodyContext())
    RowVerdict(reason='total', section=None)
    >>> judge_row(BodyRow(values=("A", "1"), uniq=["A", "1"]), BodyContext()) is None
    True
    """
    for rule in ROW_RULES:
        verdict = rule(row, ctx)
        if verdict is not None:
            return verdict
    return None


def classify_rows(
    body: pd.DataFrame,
    rows: np.ndarray,
    *,
    mapping: dict[int, str],
    seq_pos: int | None,
    spec: schema.Table,
    sheet: str = "",
    header: list[str] | None = None,
    repeated: dict[str, str] | None = None,
) -> BodyRows:
    """Return the data-row mask, the sections, the skipped rows, section values.

    Parameters
    ----------
    body : pandas.DataFrame
        The rows under the header block, cells stripped, columns by position.
    rows : numpy.ndarray
        The row number of each body row.
    mapping : dict of int to str
        Column position -> canonical column.
    seq_pos : int or None
        Position of the 序号 column.
    spec : zjanalysis.schema.Table
        The table the sheet is read as.
    sheet : str, default ""
        Sheet name recorded in the skipped rows.
    header : list of str, optional
        The header row's cells: a printed table repeats it on every page.
    repeated : dict of str to str, optional
        The text of each row above the body (title, unit line, header) to its
        reason; such rows repeated on a later page are skipped again.

    Returns
    -------
    BodyRows
        ``keep``, ``section``, ``skipped``, and the values headings supply
        (``supplied``, ``unknown``) for the columns the sheet lacks.
    """
    n = len(body)
    skipped: list[SkippedRow] = []
    section = pd.Series([np.nan] * n, dtype="object")
    if n == 0:
        return BodyRows(np.zeros(0, dtype=bool), section.astype("str"), [], {}, [], {})
    nonempty = body != ""
    n_nonempty = nonempty.sum(axis=1).to_numpy()
    inverse = {v: k for k, v in mapping.items()}
    key_name = _key_text_column(spec, inverse)
    key_pos = inverse[key_name] if key_name is not None else None
    name_pos = inverse.get("name")
    key_empty = (
        (body[key_pos] == "").to_numpy() if key_pos is not None else np.ones(n, bool)
    )
    county_rule = key_name not in (None, "region", "county")
    total_is_city = key_name == "region" and not _names_city(body[key_pos])
    marked = _marked_rows(
        body, mapping=mapping, seq_pos=seq_pos, spec=spec, county_rule=county_rule
    )
    seq_numeral = _numeral_in_seq(body, seq_pos=seq_pos)
    arabic_section = _arabic_headings(body, n_nonempty, seq_pos=seq_pos)
    repeat_hit = _repeated_rows(body, header=header, repeated=repeated)
    unused = _unused_form_rows(
        nonempty, n_nonempty, mapping=mapping, seq_pos=seq_pos, spec=spec
    )
    candidates = np.flatnonzero(
        key_empty
        | marked
        | seq_numeral
        | arabic_section
        | repeat_hit
        | unused
        | (n_nonempty == 0)
    )
    ctx = BodyContext(
        header=header,
        repeated=repeated,
        county_rule=county_rule,
        total_is_city=total_is_city,
    )
    reason = np.array([""] * n, dtype=object)
    headings: dict[int, str] = {}
    after_note = False
    sub = body.iloc[candidates]
    for pos, values in zip(candidates, sub.itertuples(index=False), strict=True):
        # candidates are section, total, note and blank rows: few in a real table
        row = BodyRow(
            values=tuple(values),
            uniq=list(dict.fromkeys(v for v in values if v)),
            key_value=values[key_pos] if key_pos is not None else "",
            name_value=values[name_pos] if name_pos is not None else "",
            key_empty=bool(key_empty[pos]),
            repeat_hit=bool(repeat_hit[pos]),
            seq_numeral=bool(seq_numeral[pos]),
            arabic_section=bool(arabic_section[pos]),
            unused=bool(unused[pos]),
            after_note=after_note,
        )
        verdict = judge_row(row, ctx)
        if verdict is None:
            continue
        reason[pos] = verdict.reason
        if verdict.section is not None:
            headings[pos] = verdict.section
        after_note = after_note or verdict.reason == "note"
    supplied: dict[str, pd.Series] = {}
    unknown: list[UnknownHeading] = []
    under: dict[str, np.ndarray] = {}
    keep = reason == ""
    if headings:
        section = nest_sections(headings, n)
        # absent, or a column of the form left blank because the headings say it
        absent = [
            c
            for c in SECTION_COLUMNS.get(spec.name, ())
            if c not in inverse or not (body[inverse[c]][keep] != "").any()
        ]
        supplied, unknown, under = section_values(
            headings, n, columns=absent, others=SECTION_COLUMNS.get(spec.name, ())
        )
    for pos in np.flatnonzero(~keep):
        text = " ".join(dict.fromkeys(v for v in body.iloc[pos] if v))
        skipped.append(SkippedRow(int(rows[pos]), str(reason[pos]), text[:80], sheet))
    return BodyRows(keep, section.astype("str"), skipped, supplied, unknown, under)


_HEADING_NUMBER_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．,，]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]"
    r"|第[一二三四五六七八九十]+(?:部分|类|批|章)\s*[、.．:：]?|\d{1,2}\s*[、.．](?!\d))\s*"
)
_BARE_COUNT_RE = re.compile(r"[\s,，、]*(?:共\s*)?\d+\s*个?项目?$")
_HEADING_ENDINGS = ("建设项目", "类项目", "项目", "工程", "领域", "类")


def section_value(text: str, column: str) -> str | None:
    """Return the value of ``column`` a section heading names, or None.

    The heading's number (``一、``, ``（二）``, ``1.``), its count (``（6项）``)
    and a ``项目``/``类`` ending are dropped; what is left is looked up among the
    column's values: :data:`zjanalysis.schema.SECTOR_ALIASES` for ``sector``,
    the stage spellings for ``stage``, the counties and 市直 for ``county``.

    Examples
    --------
    >>> section_value("一、交通基础设施项目（6项）", "sector")
    '基础设施'
    >>> section_value("（二）续建项目（120项）", "stage"), section_value("霞山区", "county")
    ('续建', '霞山区')
    >>> section_value("二、2021年新开工项目", "stage")
    '新开工'
    >>> section_value("一、交通基础设施项目 6项", "sector")
    '基础设施'
    >>> section_value("三、其他项目", "sector") is None
    True
    """
    core = unicodedata.normalize("NFKC", text).strip()
    core = _HEADING_NUMBER_RE.sub("", core)
    core = _COUNT_RE.sub("", unicodedata.normalize("NFKC", core)).strip()
    core = _BARE_COUNT_RE.sub("", core)  # 交通基础设施项目 6项
    core = re.sub(r"^\d{4}\s*年度?", "", core)  # 2021年新开工项目
    core = re.sub(r"[\s\"'“”‘’]+", "", core).strip(":：")
    tries = [core]
    if core.startswith("重点"):
        tries.append(core[2:])
    for t in list(tries):
        bare = re.sub(r"\([^()]*\)$", "", t)  # 城市更新（“三旧”改造）项目
        for cand in (t, bare):
            for ending in _HEADING_ENDINGS:
                if cand.endswith(ending) and len(cand) > len(ending):
                    tries.append(cand[: -len(ending)])
            tries.append(cand)
    lookup = _section_lookup(column)
    for t in tries:
        for cand in (t, re.sub(r"\([^()]*\)$", "", t)):
            key = cand.lower()
            if key in lookup:
                return lookup[key]
    return None


def _section_lookup(column: str) -> dict[str, str]:
    if column == "sector":
        return {k.lower(): v for k, v in schema.SECTOR_ALIASES.items()}
    if column == "stage":
        return dict(schema.ENUM_ALIASES["stage"])
    if column == "county":
        return {c: c for c in (*schema.COUNTIES, schema.CITY_LEVEL)}
    return {}


def section_allowed(column: str) -> list[str]:
    """Return the values a heading may name for ``column`` (for messages)."""
    return list(dict.fromkeys(_section_lookup(column).values()))


def section_values(
    headings: dict[int, str],
    n: int,
    *,
    columns: list[str],
    others: tuple[str, ...] | list[str] = (),
) -> tuple[dict[str, pd.Series], list[UnknownHeading], dict[str, np.ndarray]]:
    """Return the values the headings over each of ``n`` rows name, per column.

    For each column, the outermost heading level at which some heading names
    a value supplies it: each row takes the value of the heading of that level
    over it, and a heading of a higher level closes it. A heading of that level
    that names a value of another column (``霞山区`` beside ``一、续建项目``, both
    level 1; ``others`` lists the columns) is passed over; one naming nothing is
    returned as unknown, with the rows under it (they get no value).

    Examples
    --------
    >>> got, unknown, under = section_values(
    ...     {0: "一、产业项目", 2: "二、交通项目", 4: "三、其他"}, 6, columns=["sector"])
    >>> got["sector"].tolist()
    ['产业', '产业', '基础设施', '基础设施', nan, nan]
    >>> unknown, under["sector"].tolist()
    ([UnknownHeading(position=4, column='sector', text='三、其他')], [False, False, False, False, True, True])
    """
    out: dict[str, pd.Series] = {}
    unknown: list[UnknownHeading] = []
    under: dict[str, np.ndarray] = {}
    order = sorted(headings)
    levels = {pos: section_level(headings[pos]) for pos in order}
    names = {
        c: {pos: section_value(headings[pos], c) for pos in order}
        for c in dict.fromkeys([*columns, *others])
    }
    for column in columns:
        named = names[column]
        supplying = [levels[p] for p in order if named[p] is not None]
        if not supplying:
            continue
        level = min(supplying)
        marks = pd.Series([np.nan] * n, dtype="object")
        for pos in order:
            elsewhere = named[pos] is None and any(
                names[c][pos] is not None for c in names if c != column
            )
            if elsewhere:
                continue  # a heading of another column's values
            if levels[pos] < level:
                marks.iloc[pos] = ""  # a heading above closes the value
            elif levels[pos] == level:
                marks.iloc[pos] = named[pos] or _UNKNOWN
                if named[pos] is None:
                    unknown.append(UnknownHeading(pos, column, headings[pos]))
        values = marks.ffill()
        under[column] = (values == _UNKNOWN).to_numpy()
        out[column] = values.where(~values.isin(["", _UNKNOWN]))
    return out, unknown, under


_UNKNOWN = "\x00unknown"


def section_level(text: str) -> int:
    """Return a heading's level: 1 for ``一、``, 2 for ``（一）``, 3 for ``1.``.

    Examples
    --------
    >>> [section_level(t) for t in ("一、产业", "（二）交通", "3. 水利", "霞山区")]
    [1, 2, 3, 1]
    """
    if re.match(r"^\s*\d", text):
        return 3
    if re.match(r"^\s*[(（]", text):
        return 2
    return 1


def nest_sections(headings: dict[int, str], n: int) -> pd.Series:
    """Return, for each of ``n`` rows, the headings over it joined by `` / ``.

    A heading keeps the open headings of higher levels (a sub-heading with none
    above it stands alone); rows before the first heading have none (NaN).

    Examples
    --------
    >>> nest_sections({0: "一、产业", 2: "（一）工业", 4: "二、民生"}, 6).tolist()
    ['一、产业', '一、产业', '一、产业 / （一）工业', '一、产业 / （一）工业', '二、民生', '二、民生']
    """
    open_levels: list[tuple[int, str]] = []
    marks = pd.Series([np.nan] * n, dtype="object")
    for pos in sorted(headings):
        text = headings[pos]
        level = section_level(text)
        open_levels = [(lv, t) for lv, t in open_levels if lv < level]
        open_levels.append((level, text))
        marks.iloc[pos] = " / ".join(t for _, t in open_levels)
    return marks.ffill()


# --- the candidate marks (column-wise, cheap) ----------------------------------------


def _names_city(regions: pd.Series) -> bool:
    """True when a region column has a row for the city itself (湛江市, 全市, 湛江).

    Examples
    --------
    >>> _names_city(pd.Series(["全 市", "赤坎区"])), _names_city(pd.Series(["合计", "赤坎区"]))
    (True, False)
    """
    names = regions.astype(str).str.replace(r"\s+", "", regex=True)
    return bool(names.isin([schema.CITY, *schema.CITY_ALIASES]).any())


def _key_text_column(spec: schema.Table, inverse: dict[str, int]) -> str | None:
    """Return the text column whose empty cell marks a non-data row.

    The first key column of text kind present in the sheet, else its first text
    column, else None.
    """
    return next(
        (c for c in spec.key if c in inverse and spec.column(c).kind == "text"),
        next(
            (c.name for c in spec.columns if c.kind == "text" and c.name in inverse),
            None,
        ),
    )


def _marked_rows(
    body: pd.DataFrame,
    *,
    mapping: dict[int, str],
    seq_pos: int | None,
    spec: schema.Table,
    county_rule: bool,
) -> np.ndarray:
    """Return rows with a total word, or a first cell like a heading, note or count.

    Total words are looked for in every text column, the first three columns and
    the 序号 column; headings, notes, counts and (``county_rule``) county names
    in the first three columns.
    """
    n = len(body)
    width = min(MARK_COLUMNS, body.shape[1])
    text_positions = sorted(
        {j for j, c in mapping.items() if spec.column(c).kind in ("text", "enum")}
        | set(range(width))
        | ({seq_pos} if seq_pos is not None else set())
    )
    hit = np.zeros(n, dtype=bool)
    for j in text_positions:
        hit |= body[j].str.contains(_TOTAL_WORDS, regex=True).to_numpy()
    for j in range(width):
        hit |= _starts_like_section(body[j])
        hit |= _starts_like_note(body[j])
        hit |= _ends_like_count(body[j])
    if county_rule:
        # group rows named after a county (霞山区, 市直项目) in tables keyed by
        # project, and the parts of a total (其中：续建)
        for j in range(width):
            hit |= body[j].isin(_COUNTY_SECTIONS).to_numpy()
            hit |= body[j].str.startswith("其中").to_numpy()
    return hit


def _numeral_in_seq(body: pd.DataFrame, *, seq_pos: int | None) -> np.ndarray:
    """Return rows whose 序号 cell is a Chinese numeral (``一``, ``（二）``)."""
    out = np.zeros(len(body), dtype=bool)
    if seq_pos is None:
        return out
    maybe = np.array(body[seq_pos].str[:1].isin(_SECTION_FIRST_CHARS), dtype=bool)
    if maybe.any():
        sub_seq = body[seq_pos][maybe]
        out[maybe] = (
            sub_seq.str.match(_NUMERAL_RE.pattern) & (sub_seq != "")
        ).to_numpy()
    return out


def _arabic_headings(
    body: pd.DataFrame, n_nonempty: np.ndarray, *, seq_pos: int | None
) -> np.ndarray:
    """Return rows of at most two cells opened by ``1.`` / ``1、`` (third-level heading).

    The number stands in the 序号 column, or in the first column when there is
    none; a data row's 序号 has no mark, and data rows are full.
    """
    out = np.zeros(len(body), dtype=bool)
    for j in [seq_pos] if seq_pos is not None else range(min(1, body.shape[1])):
        maybe = (n_nonempty <= 2) & np.array(
            body[j].str[:1].str.isdigit().fillna(False), dtype=bool
        )
        if maybe.any():
            out[maybe] = body[j][maybe].str.match(_ARABIC_SECTION_RE.pattern).to_numpy()
    return out


def _repeated_rows(
    body: pd.DataFrame,
    *,
    header: list[str] | None,
    repeated: dict[str, str] | None,
) -> np.ndarray:
    """Return rows that repeat the header, or a title/unit line/header row's text.

    A header repeated on a later page has most cells equal to their column's
    heading; a repeated title fills its row with one text (a merged cell).
    """
    n = len(body)
    hit = np.zeros(n, dtype=bool)
    if header is not None:
        named = [j for j, v in enumerate(header[: body.shape[1]]) if v]
        same = np.zeros(n, dtype="int64")
        for j in named:
            same += (body[j] == header[j]).to_numpy()
        hit |= same * 2 > max(len(named), 2)
    if repeated:
        texts = list(repeated)
        for j in range(min(MARK_COLUMNS, body.shape[1])):
            one = body[j].isin(texts).to_numpy() & ~hit
            if one.any():
                # the whole row is that one text (a merged title repeats it)
                sub = body[one]
                whole = (sub.eq(sub[j], axis=0) | (sub == "")).all(axis=1).to_numpy()
                one[one] = whole
                hit |= one
    return hit


def _unused_form_rows(
    nonempty: pd.DataFrame,
    n_nonempty: np.ndarray,
    *,
    mapping: dict[int, str],
    seq_pos: int | None,
    spec: schema.Table,
) -> np.ndarray:
    """Return rows holding only the 序号 and grouping cells a merged range spreads."""
    filler = [
        j
        for j, c in mapping.items()
        if c in GROUP_COLUMNS.get(spec.name, ()) and c not in spec.key
    ] + ([seq_pos] if seq_pos is not None else [])
    if not filler:
        return np.zeros(len(nonempty), dtype=bool)
    n_filler = nonempty[filler].sum(axis=1).to_numpy()
    return (n_nonempty > 0) & (n_nonempty == n_filler)


def _starts_like_section(column: pd.Series) -> np.ndarray:
    """Return rows that may open a section; the cheap first-character test first."""
    maybe = np.array(column.str[:1].isin(_SECTION_FIRST_CHARS), dtype=bool)
    if maybe.any():
        maybe[maybe] = column[maybe].str.match(_SECTION_RE.pattern).to_numpy()
    return maybe


def _ends_like_count(column: pd.Series) -> np.ndarray:
    """Return rows that end like a group heading with a count: ``产业项目（23项）``."""
    maybe = np.array(column.str[-1:].isin(["）", ")"]), dtype=bool)
    if maybe.any():
        maybe[maybe] = column[maybe].str.contains(_COUNT_RE.pattern).to_numpy()
    return maybe


def _starts_like_note(column: pd.Series) -> np.ndarray:
    """Return rows that may be a note under the table (``注：……``)."""
    maybe = np.array(column.str[:1].isin(_NOTE_FIRST_CHARS), dtype=bool)
    if maybe.any():
        maybe[maybe] = (
            column[maybe].str.match(_NOTE_STRICT_RE.pattern, case=False).to_numpy()
        )
    return maybe
