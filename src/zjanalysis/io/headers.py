"""Header cells: which contract column a header text names, and in which unit.

This module owns the text rules of column headings: the lookup of every name a
column of the contract goes by (Chinese, English, aliases), the stripping of a
unit suffix (``总投资（亿元）``), a period prefix (``1—6月累计完成投资``) or a
trailing remark (``项目名称(全称)``), and the joining of a two-row header under
merged group headings (``2021年计划`` over ``投资额``). It knows nothing of rows.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from zjanalysis import schema

#: Header texts of the build-period column (``2021-2023``).
PERIOD_HEADERS = ("建设起止年限", "起止年限", "建设年限", "建设期限", "建设起止年份")
#: Header texts of the row-number column of printed tables (dropped).
SEQ_HEADERS = ("序号", "编号序", "no", "no.", "序")

UNIT_RE = re.compile(rf"^(.*?)[(\[]?({schema.MONEY_UNIT_PATTERN}|%|亩|公顷)[)\]]?$")
_YEAR_PREFIX_RE = re.compile(r"^\d{4}年度?")
#: A period written before a header: 1—6月累计完成投资, 截至6月底累计完成投资.
_PERIOD_PREFIX_RE = re.compile(
    r"^(?:其中[:：]?)?(?:\d{4}年)?"
    r"(?:1月?[-—–~～至到]+\d{1,2}月份?|截[至止]\d{1,2}月(?:底|末)?|\d{1,2}月份?)?"
)

#: A sub-heading naming a part of its group's column: 其中：中央资金.
_PART_RE = re.compile(r"^\s*其中")
#: A single month before a header (6月完成投资, 6月份): that month alone.
_ONE_MONTH_RE = re.compile(r"^(?:\d{4}年)?\d{1,2}月份?(?![-—–~～至到])")

_LOOKUPS: dict[str, dict[str, str]] = {}


def norm_header(text: str) -> str:
    """Return a header text folded for lookup (NFKC, no spaces or quotes, lower case).

    Examples
    --------
    >>> norm_header(" 项目 名称： ")
    '项目名称'
    """
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[\s\"'“”‘’*＊_]+", "", text)
    return text.lower().strip(":：")


def lookup_header(table: str) -> dict[str, str]:
    """Return folded header text -> canonical column (or ``__period__``/``__seq__``)."""
    if table not in _LOOKUPS:
        out: dict[str, str] = {}
        for col in schema.TABLES[table].columns:
            for text in (col.zh, col.name, *col.aliases):
                key = norm_header(text)
                out.setdefault(key, col.name)
                base = UNIT_RE.match(key)
                if base and base.group(1):
                    out.setdefault(base.group(1), col.name)
        for text in PERIOD_HEADERS:
            out.setdefault(norm_header(text), "__period__")
        for text in SEQ_HEADERS:
            out.setdefault(norm_header(text), "__seq__")
        _LOOKUPS[table] = out
    return _LOOKUPS[table]


def match_header(text: str, lookup: dict[str, str]) -> tuple[str | None, str | None]:
    """Return (canonical column or None, unit suffix or None) for a header cell.

    Examples
    --------
    >>> match_header("总投资（亿元）", lookup_header("projects"))
    ('total_investment', '亿元')

    A single month before a year-to-date column names that month alone:

    >>> fai = lookup_header("fai_monthly")
    >>> match_header("1—6月完成投资", fai)[0], match_header("6月完成投资", fai)[0]
    ('cum_investment', None)
    """
    key = norm_header(text)
    if not key:
        return None, None
    unit = None
    m = UNIT_RE.match(key)
    candidates = [key]
    if m and m.group(1):
        unit = m.group(2)
        candidates.append(m.group(1))
    one_month: set[str] = set()
    for cand in list(candidates):
        for prefix in (_YEAR_PREFIX_RE, _PERIOD_PREFIX_RE):
            stripped = prefix.sub("", cand)
            if stripped and stripped != cand and stripped not in candidates:
                candidates.append(stripped)
                if _ONE_MONTH_RE.match(cand) and "累计" not in stripped:
                    one_month.add(stripped)
    for cand in list(candidates):
        # a trailing remark in brackets: 项目名称(全称), 总投资(含征地)
        bare = re.sub(r"[(\[][^()\[\]]*[)\]]$", "", cand)
        if bare and bare != cand:
            candidates.append(bare)
    for cand in candidates:
        if cand in lookup:
            col = lookup[cand]
            if cand in one_month and col.startswith("cum_"):
                # 6月完成投资 is June's own amount, not the year to date
                continue
            return col, (unit if cand != key else _unit_in(key))
    return None, unit


def _unit_in(key: str) -> str | None:
    m = UNIT_RE.match(key)
    return m.group(2) if m and m.group(1) else None


def top_rows(grid: pd.DataFrame, n: int) -> list[list[str]]:
    """Return the first ``n`` rows of a grid as lists of stripped cell texts."""
    return [
        [str(v).strip() for v in row] for row in grid.head(n).itertuples(index=False)
    ]


def score_row(row: list[str], lookup: dict[str, str]) -> int:
    """Return how many distinct columns (of ``lookup``'s table) a row's cells name."""
    return len({match_header(v, lookup)[0] for v in row if v} - {None})


def combine_headers(
    top: list[str], below: list[str] | None
) -> list[tuple[str, list[str]]]:
    """Return, per column, the header as written and the texts to try in order.

    Examples
    --------
    >>> top, below = ["名称", "2021年计划", ""], ["", "投资额", "形象进度"]
    >>> [written for written, _ in combine_headers(top, below)]
    ['名称', '2021年计划/投资额', '2021年计划/形象进度']

    A ``其中`` sub-heading is a part of its group, never the group's column:

    >>> combine_headers(["年度计划投资", ""], ["合计", "其中：专项债"])[1][1]
    ['年度计划投资其中：专项债', '其中：专项债']
    """
    out = []
    group = ""
    for j, t in enumerate(top):
        if t:
            group = t
        b = below[j] if below is not None else ""
        if below is None or not b or b == t:
            out.append((t, [t] if t else []))
            if t:
                group = t
            continue
        head = t or group
        if not head:
            out.append((b, [b]))
            continue
        m = UNIT_RE.match(norm_header(head))
        if m and m.group(1):
            # 2021年计划（万元） over 投资额: the group's unit applies to the column
            base, unit = m.group(1), m.group(2)
            tries = [head + b, f"{base}{b}({unit})", f"{b}({unit})", head]
        else:
            tries = [head + b, b, head]
        if _PART_RE.match(b):
            # 年度计划投资 over 其中：中央资金 is a part of the column, never the column
            tries = tries[:-1]
        out.append((f"{head}/{b}", tries))
    return out
