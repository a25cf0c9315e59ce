"""Cells: one column of cell texts becomes a typed column, each bad cell a problem.

This module owns how a cell's text is read as a number (thousands separators,
full-width digits, a trailing ``%``), a year, a month (``1—6月``), a date
(``2021年6月底``, an Excel serial), 是/否, an allowed status value, a build period
(``2021-2023``) or a text (``全市`` for the city, ``湛江市霞山区`` for 霞山区), which
texts mean "no value", and the problem that tells the user about a cell that
cannot be read. Columns are parsed at once (each distinct text once), never row
by row.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from zjanalysis import schema
from zjanalysis.io.rows import CITY_TOTAL_RE
from zjanalysis.problems import ERROR, WARNING, Problem

#: Years accepted in year columns (every integer column of the contract is a year).
YEAR_RANGE = (1949, 2100)
#: Problems of one kind reported per column and file before a summary line.
MAX_PROBLEMS_PER_COLUMN = 20

#: Percent columns besides the shares (kind ``pct``) that a clerk may fill as
#: fractions: a growth target of 0.2 means 20%, not 0.2% (the rule of
#: :func:`_fraction_to_percent`).
FRACTION_RULE_COLUMNS = ("target_growth_pct",)
#: Cell texts that mean "no value" in a number, date or status column.
MISSING_TOKENS = frozenset({"", "-", "—", "——", "－", "--", "–", "―", "－－"})
#: Cell texts that mean "no value" in a text column.
TEXT_MISSING_TOKENS = MISSING_TOKENS | {"/", "无", "／"}

#: Region labels that mean the whole city in statistical tables.
_CITY_NAMES = dict.fromkeys(schema.CITY_ALIASES, schema.CITY)
_CITY_PREFIX_RE = re.compile(
    "^湛江市?(?=(?:" + "|".join(map(re.escape, schema.COUNTIES)) + ")$)"
)

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2212: ord("-")})
_NUM_DELETE = str.maketrans("", "", ",，  \t\u3000'")


def parse_column(
    raw: pd.Series,
    rows: np.ndarray,
    column: schema.Column,
    source: str,
    header: str,
    table: str,
    provider: str,
    money_unit: str,
    formula: np.ndarray | None = None,
    formats_lost: bool = False,
) -> tuple[pd.Series, list[Problem]]:
    """Parse one column of cell texts into its canonical dtype; report bad cells.

    ``formula`` marks the cells that are formulas saved without their result
    (the reader knows them; their text is the formula): each is reported as
    such and read as no value. A text cell that starts with ``=`` is text.
    ``formats_lost`` is True for a file whose number formats the reader does
    not see (``.xls``): see :func:`_fraction_to_percent`.
    """
    text = raw  # stripped by the caller
    first_problems: list[Problem] = []
    # what Excel shows for a formula that failed (#N/A, #DIV/0!): in any column,
    # a code column too, where it would otherwise pass as a project's code
    maybe = np.array(text.str.startswith("#").fillna(False), dtype=bool)
    if maybe.any():
        maybe[maybe] = text[maybe].str.fullmatch(_EXCEL_ERROR_RE.pattern).to_numpy()
    for mask, check in ((formula, "uncached_formula"), (maybe, "excel_error")):
        if mask is not None and mask.any():
            first_problems += _bad_cell_problems(
                text, mask, rows, source, header, table, provider, column, check
            )
            text = text.where(~mask, "")
    values, problems = _parse_kind(
        text, rows, column, source, header, table, provider, money_unit, formats_lost
    )
    return values, first_problems + problems


#: The error values Excel and WPS show (and a CSV saved from them keeps).
_EXCEL_ERROR_RE = re.compile(
    r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!)",
    re.IGNORECASE,
)


def _parse_kind(
    text: pd.Series,
    rows: np.ndarray,
    column: schema.Column,
    source: str,
    header: str,
    table: str,
    provider: str,
    money_unit: str,
    formats_lost: bool = False,
) -> tuple[pd.Series, list[Problem]]:
    kind = column.kind
    if kind == "text":
        values = text.where(~text.isin(list(TEXT_MISSING_TOKENS)))
        if column.name in ("region", "county"):
            # the first part of a total: 全市 then 其中：赤坎区
            part = np.array(values.str.startswith("其中").fillna(False), dtype=bool)
            if part.any():
                values = values.copy()
                values[part] = values[part].str.replace(
                    r"^其中\s*[:：]?\s*", "", regex=True
                )
            # printed tables space out short names for alignment: 赤 坎 区, 全  市
            spaced = np.array(
                values.str.contains(" ", regex=False).fillna(False)
                | values.str.contains("\u3000", regex=False).fillna(False),
                dtype=bool,
            )
            if spaced.any():
                values = values.copy()
                values[spaced] = values[spaced].str.replace(r"\s+", "", regex=True)
        if column.name == "region":
            # statistical tables label the whole city 全市; a 全市合计 row is
            # still here only when it is the city's row (io.rows.total_row)
            values = values.replace(_CITY_NAMES)
            total = np.array(
                values.str.fullmatch(CITY_TOTAL_RE).fillna(False), dtype=bool
            )
            if total.any():
                values = values.copy()
                values[total] = schema.CITY
        if column.name in ("region", "county"):
            # 湛江市霞山区: the city's name before a county's
            city = np.array(values.str.startswith("湛江").fillna(False), dtype=bool)
            if city.any():
                values = values.copy()
                values[city] = values[city].str.replace(_CITY_PREFIX_RE, "", regex=True)
        if column.name == "project_id":
            # codes must match across tables: fold full-width ＺＪ－００１ to ZJ-001
            wide = np.array(
                values.str.contains("[\uff01-\uff5e]").fillna(False), dtype=bool
            )
            if wide.any():
                values = values.copy()
                values[wide] = values[wide].str.translate(_FULLWIDTH)
        unreadable: list[tuple[np.ndarray, str]] = []
        if column.name == "project_id":
            # Excel shows a long numeric code as 4.40802E+17 and a CSV saved from
            # it keeps only that: the code is lost and must not join as a value
            sci = values.str.fullmatch(r"\d(?:\.\d+)?[eE]\+?\d+")
            unreadable.append((np.array(sci.fillna(False), dtype=bool), "mangled_code"))
        problems: list[Problem] = []
        for mask, check in unreadable:
            if mask.any():
                problems += _bad_cell_problems(
                    text, mask, rows, source, header, table, provider, column, check
                )
                values = values.where(~mask)
        return values.astype("str"), problems
    if kind in ("money", "float", "pct", "area"):
        values, bad = _parse_numbers(text, allow_percent=kind in ("pct", "float"))
        if kind == "money":
            values = values * schema.MONEY_UNITS.get(money_unit, 1.0)
        problem = _bad_cell_problems(
            text, bad, rows, source, header, table, provider, column, "bad_number"
        )
        if kind == "pct" or column.name in FRACTION_RULE_COLUMNS:
            values, fraction = _fraction_to_percent(
                values,
                text,
                rows,
                source,
                header,
                table,
                provider,
                formats_lost=formats_lost,
            )
            problem += fraction
        return values, problem
    parser: Callable[[str], object]
    if kind == "int":
        parser, dtype, check = _parse_year_text, "Int64", "bad_integer"
    elif kind == "month":
        parser, dtype, check = _parse_month_text, "Int64", "bad_month"
    elif kind == "date":
        parser, dtype, check = _parse_date_text, "datetime64[ns]", "bad_date"
    elif kind == "bool":
        parser, dtype, check = _parse_bool_text, "boolean", "bad_bool"
    elif kind == "enum":
        aliases = schema.ENUM_ALIASES[column.enum or ""]
        parser, dtype, check = (
            (lambda t: _parse_enum_text(t, aliases)),
            "str",
            "bad_enum",
        )
    else:  # pragma: no cover - schema kinds are closed
        raise ValueError(kind)
    values, bad = _parse_by_uniques(text, parser, dtype)
    problems = _bad_cell_problems(
        text, bad, rows, source, header, table, provider, column, check
    )
    if kind in ("date", "month"):
        problems += _year_dot_one_warning(text, rows, source, header, table, provider)
    return values, problems


_YEAR_DOT_ONE_RE = re.compile(r"\d{4}\s*[.．]\s*1")


def _year_dot_one_warning(
    text: pd.Series,
    rows: np.ndarray,
    source: str,
    header: str,
    table: str,
    provider: str,
) -> list[Problem]:
    """Warn once per column about ``2021.1``: January, or October typed as a number.

    Excel stores ``2021.10`` typed into a number cell as ``2021.1``; a clerk who
    sees ``2021.1`` reads January, so it is read as January, with this warning.
    """
    uniques = pd.unique(text)
    if not any(_YEAR_DOT_ONE_RE.fullmatch(str(u)) for u in uniques):
        return []
    hit = np.array(text.str.fullmatch(_YEAR_DOT_ONE_RE.pattern), dtype=bool)
    where = "、".join(str(int(r)) for r in rows[hit][:10])
    more = "……" if hit.sum() > 10 else ""
    value = str(text[hit].iloc[0])
    return [
        Problem(
            WARNING,
            "ambiguous_month",
            source,
            int(rows[hit][0]),
            header,
            value,
            f"「{header}」的「{value}」读作 1 月（第{where}{more}行）；如指 10 月，"
            "是 Excel 把数字 2021.10 存成了 2021.1",
            f"'{header}' value {value!r} read as January; Excel stores 2021.10 "
            "typed as a number as 2021.1",
            "如指 10 月，请写成“2021年10月”或“2021-10”",
            table,
            provider,
        )
    ]


def _fraction_to_percent(
    values: pd.Series,
    text: pd.Series,
    rows: np.ndarray,
    source: str,
    header: str,
    table: str,
    provider: str,
    *,
    formats_lost: bool = False,
) -> tuple[pd.Series, list[Problem]]:
    """Read a share column written as fractions (0.6 for 60%) as percent, warning.

    A 0..100 share column whose every value lies in 0..1, with at least one
    strictly between, and no cell written with ``%`` was filled as fractions: a
    clerk who writes 0.6 under 资金落实比例(%) means 60%. With ``formats_lost``
    (an ``.xls`` file: a ``0%`` cell holding 1 shows 100%) a column of only 0
    and 1 is read so too: 100% would otherwise be read as 1%.
    """
    present = values.notna().to_numpy()
    if not present.any():
        return values, []
    v = values.to_numpy()[present]
    between = ((v > 0) & (v < 1)).any() or (formats_lost and (v == 1).any())
    if not ((v >= 0) & (v <= 1)).all() or not between:
        return values, []
    if text.str.contains("%", regex=False).any():
        return values, []
    first = int(rows[np.flatnonzero(present)[0]])
    note = f"「{header}」的值都在 0—1 之间，按小数填写的比例读取（0.6 读作 60%）"
    if formats_lost:
        note += "；.xls 文件读不出百分比格式，1 读作 100%"
    return values * 100, [
        Problem(
            WARNING,
            "pct_as_fraction",
            source,
            first,
            header,
            None,
            note,
            f"every value of '{header}' is between 0 and 1: read as fractions "
            "(0.6 = 60%)",
            "比例请按百分数填写（60 表示 60%）；如确为不足 1% 的比例，请写成“0.6%”",
            table,
            provider,
        )
    ]


_BAD = object()


def _parse_by_uniques(
    text: pd.Series, parser: Callable[[str], object], dtype: str
) -> tuple[pd.Series, np.ndarray]:
    """Parse each distinct cell text once (columns of dates, months, statuses repeat)."""
    codes, uniques = pd.factorize(text)
    parsed = [parser(u) for u in uniques]
    bad_u = np.array([p is _BAD for p in parsed] + [False], dtype=bool)
    good = [None if p is _BAD else p for p in parsed] + [None]
    idx = np.where(codes < 0, len(uniques), codes)
    bad = bad_u[idx]
    if dtype == "datetime64[ns]":
        arr = np.array(
            [
                np.datetime64("NaT", "ns") if v is None else np.datetime64(v, "ns")
                for v in good
            ],
            dtype="datetime64[ns]",
        )
        return pd.Series(arr[idx], index=text.index, dtype=dtype), bad
    obj = np.array(good, dtype=object)[idx]
    series = pd.Series(obj, index=text.index, dtype="object")
    if dtype == "str":
        return series.astype("str"), bad
    return series.astype(dtype), bad


def _normalise_number_text(text: pd.Series) -> pd.Series:
    return text.str.translate(_FULLWIDTH).str.translate(_NUM_DELETE)


def _parse_numbers(
    text: pd.Series, allow_percent: bool
) -> tuple[pd.Series, np.ndarray]:
    """Parse number texts column-wise; return values and the mask of bad cells.

    Three passes, each on the cells the previous one could not read: plain
    numbers; then without thousands separators and spaces; then with full-width
    characters folded, missing-value dashes and a trailing ``%`` (percentages).
    """
    values = _to_float(text)
    need = np.isnan(values) & (text != "").to_numpy()
    first_need = need.copy()
    bad = np.zeros(len(text), dtype=bool)
    if need.any():
        values[need] = _to_float(text[need].str.replace(",", "", regex=False))
        need = np.isnan(values) & need
    if need.any():
        sub = _normalise_number_text(text[need])
        missing = sub.isin(list(MISSING_TOKENS)) | text[need].isin(list(MISSING_TOKENS))
        if allow_percent:
            sub = sub.str.replace(r"%$", "", regex=True)
        retry = _to_float(sub.where(~missing, ""))
        values[need] = retry
        bad[need] = np.isnan(retry) & ~missing.to_numpy()
    read = first_need & ~np.isnan(values)
    if read.any():
        # separators must group thousands: 1,234.5 and 12 000 are numbers, but
        # 1,5 (a decimal comma) or 1,80.2 (a typo) would silently become 15 or 180.2
        sub = text[read].str.translate(_FULLWIDTH).str.strip()
        split = np.array(sub.str.contains(r"\d[,' \t]+\d").fillna(False), dtype=bool)
        if split.any():
            grouped = sub[split].str.fullmatch(_GROUPED_NUMBER_RE.pattern).to_numpy()
            wrong = np.zeros(len(sub), dtype=bool)
            wrong[split] = ~grouped.astype(bool)
            idx = np.flatnonzero(read)[wrong]
            values[idx] = np.nan
            bad[idx] = True
    infinite = np.isinf(values)
    if infinite.any():
        values[infinite] = np.nan
        bad = bad | infinite
    return pd.Series(values, index=text.index, dtype="float64"), bad


_GROUPED_NUMBER_RE = re.compile(r"[+-]?\d{1,3}(?:(?:,|\s+|')\d{3})+(?:\.\d*)?\s*%?")


def _to_float(text: pd.Series) -> np.ndarray:
    values = pd.to_numeric(text, errors="coerce")
    return np.array(values.astype("float64"), dtype="float64", copy=True)


def _parse_year_text(text: str) -> object:
    t = text.translate(_FULLWIDTH).strip().replace(" ", "")
    if t in MISSING_TOKENS:
        return None
    m = re.fullmatch(r"(\d{4})(?:\.0+)?(?:年度?)?", t)
    # every integer column is a year: 21 or 20211 is a typo, not a year
    if m and YEAR_RANGE[0] <= int(m.group(1)) <= YEAR_RANGE[1]:
        return int(m.group(1))
    return _BAD


def _parse_month_text(text: str) -> object:
    t = text.translate(_FULLWIDTH).strip().replace(" ", "")
    if t in MISSING_TOKENS:
        return None
    m = re.fullmatch(
        r"(?:\d{4}年)?(?:1月?[-—–~～至到]+)?(\d{1,2})(?:\.0+)?(?:月份?|月末)?(?:累计)?",
        t,
    )
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"\d{4}[-/.](\d{1,2})(?:[-/.]\d{1,2})?", t)
    if m:
        return int(m.group(1))
    return _BAD


def _parse_date_text(text: str) -> object:
    t = text.translate(_FULLWIDTH).strip()
    if t in MISSING_TOKENS:
        return None
    t = t.replace(" ", "") if "年" in t else t
    end = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*[底末]", t)
    if end:
        # 2021年6月底: the last day of that month
        year, month = int(end.group(1)), int(end.group(2))
        if not 1 <= month <= 12:
            return _BAD
        following = _dt.datetime(year + month // 12, month % 12 + 1, 1)
        return following - _dt.timedelta(days=1)
    m = re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*[日号]?)?)?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
        t,
    )
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    else:
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", t)
        if m:
            year, month, day = (int(g) for g in m.groups())
        elif re.fullmatch(r"\d{5}(?:\.\d+)?", t) and 1 <= float(t) < 2958466:
            base = _dt.date(1899, 12, 30) + _dt.timedelta(days=int(float(t)))
            return _dt.datetime(base.year, base.month, base.day)
        elif re.fullmatch(r"(\d{4})\s*年?", t):
            year, month, day = int(t[:4]), 1, 1
        else:
            return _BAD
    try:
        return _dt.datetime(year, month, day)
    except ValueError:
        return _BAD


def _parse_bool_text(text: str) -> object:
    t = text.translate(_FULLWIDTH).strip().lower()
    if t in MISSING_TOKENS:
        return None
    if t in schema.BOOL_ALIASES:
        return schema.BOOL_ALIASES[t]
    return _BAD


def _parse_enum_text(text: str, aliases: dict[str, str]) -> object:
    t = unicodedata.normalize("NFKC", text).strip()
    if t in MISSING_TOKENS:
        return None
    key = re.sub(r"\s+", " ", t).lower()
    for cand in (key, key.replace(" ", "")):
        if cand in aliases:
            return aliases[cand]
    return _BAD


def parse_period(
    raw: pd.Series,
    rows: np.ndarray,
    source: str,
    header: str,
    table: str,
    provider: str,
) -> tuple[pd.Series, pd.Series, list[Problem]]:
    text = raw.str.strip()

    def parse(t: str) -> object:
        s = t.translate(_FULLWIDTH).replace(" ", "")
        if s in MISSING_TOKENS:
            return None
        m = _PERIOD_RE.fullmatch(s)
        if not m:
            return _BAD
        g = m.groupdict()
        y1 = int(g["y1"])
        m1 = int(g["m1"] or g["m1b"] or 0) or None
        y2 = int(g["y2"]) if g["y2"] else y1
        m2 = int(g["m2"] or g["m2b"] or 0) or None
        if not g["y2"]:
            m2 = m1  # 2021 alone is that year, 2021.03 alone that month
        if any(v is not None and not 1 <= v <= 12 for v in (m1, m2)):
            return _BAD
        start = _dt.date(y1, m1 or 1, 1)
        if m2 is None or m2 == 12:
            finish = _dt.date(y2, 12, 31)
        else:
            finish = _dt.date(y2, m2 + 1, 1) - _dt.timedelta(days=1)
        return (start, finish)

    codes, uniques = pd.factorize(text)
    parsed = [parse(u) for u in uniques] + [None]
    idx = np.where(codes < 0, len(uniques), codes)
    starts, finishes, bad = [], [], []
    for p in parsed:
        ok = isinstance(p, tuple)
        starts.append(np.datetime64(p[0], "ns") if ok else np.datetime64("NaT", "ns"))
        finishes.append(np.datetime64(p[1], "ns") if ok else np.datetime64("NaT", "ns"))
        bad.append(p is _BAD)
    start_s = pd.Series(np.array(starts, dtype="datetime64[ns]")[idx], index=text.index)
    finish_s = pd.Series(
        np.array(finishes, dtype="datetime64[ns]")[idx], index=text.index
    )
    bad_mask = np.array(bad, dtype=bool)[idx]
    column = schema.TABLES["projects"].column("planned_start")
    problems = _bad_cell_problems(
        text, bad_mask, rows, source, header, table, provider, column, "bad_period"
    )
    return start_s, finish_s, problems


#: Hint for a formula saved without its result (a program wrote the workbook).
FORMULA_HINT = (
    "该文件由软件生成，公式没有计算结果：请在 Excel/WPS 中打开、保存为新文件名后放入"
    "数据目录（原文件移出）"
)


#: 建设起止年限: 2021-2023, 2021—2023年, 2021.03-2023.12, 2021年3月至2023年6月.
_PERIOD_RE = re.compile(
    r"(?P<y1>\d{4})(?:年度?)?(?:[.．/](?P<m1>\d{1,2})|(?P<m1b>\d{1,2})月份?)?"
    r"(?:[-—–~～至到]+"
    r"(?P<y2>\d{4})(?:年度?)?(?:[.．/](?P<m2>\d{1,2})|(?P<m2b>\d{1,2})月份?)?)?"
)
_CHECK_TEXT = {
    "bad_number": (
        "不是数字",
        "is not a number",
        "请填写数字（可带千分位逗号），缺失填“—”或留空，不要写单位或文字",
    ),
    "bad_integer": (
        "不是四位年份",
        "is not a four-digit year",
        "请填写四位年份，如 2021",
    ),
    "bad_month": (
        "无法识别的月份",
        "is not a month",
        "请填写月份数字 1—12，或“1—6月”“6月”这样的写法",
    ),
    "bad_date": (
        "无法识别的日期",
        "is not a date",
        "请填写日期，如 2021-03-15、2021年3月15日、2021年3月 或 2021.03",
    ),
    "bad_bool": ("应为“是”或“否”", "must be 是 (yes) or 否 (no)", "请填写“是”或“否”"),
    "bad_enum": ("不是允许的取值", "is not an allowed value", ""),
    "mangled_code": (
        "是被 Excel 显示成科学计数法的编码，原编码已丢失",
        "is a code Excel turned into scientific notation; the code is lost",
        "请在原表中把编码列设为“文本”格式后重新填写编码，再另存",
    ),
    "excel_error": (
        "是 Excel 的错误值（公式出错），不是数据",
        "is an Excel error value (a formula that failed), not data",
        "请在 Excel/WPS 中找到出错的公式并改正（或填写实际值），另存后放回",
    ),
    "uncached_formula": (
        "是没有计算结果的公式",
        "is a formula with no computed value",
        FORMULA_HINT,
    ),
    "bad_period": (
        "无法识别的建设起止年限",
        "is not a build period",
        "请写成“2021-2023”“2021—2023年”或“2021.03-2023.12”",
    ),
}


def _allowed_values(column: schema.Column) -> list[str]:
    if column.enum:
        return list(dict.fromkeys(schema.ENUM_ALIASES[column.enum].values()))
    return []


def _bad_cell_problems(
    text: pd.Series,
    bad: np.ndarray,
    rows: np.ndarray,
    source: str,
    header: str,
    table: str,
    provider: str,
    column: schema.Column,
    check: str,
) -> list[Problem]:
    positions = np.flatnonzero(bad)
    if not len(positions):
        return []
    zh, en, hint = _CHECK_TEXT[check]
    if check == "bad_enum":
        allowed = "、".join(_allowed_values(column))
        hint = f"允许的取值：{allowed}"
        en = f"{en} (allowed: {', '.join(_allowed_values(column))})"
    problems = []
    for pos in positions[:MAX_PROBLEMS_PER_COLUMN]:
        value = str(text.iloc[pos])
        if check == "uncached_formula":
            zh_text = f"「{header}」是公式「{value}」，文件中没有它的计算结果"
            en_text = f"'{header}' is the formula {value!r} with no computed value"
            cell_hint = FORMULA_HINT
        else:
            zh_text = f"「{header}」的值「{value}」{zh}"
            en_text = f"'{header}' value {value!r} {en}"
            cell_hint = hint
        problems.append(
            Problem(
                ERROR,
                check,
                source,
                int(rows[pos]),
                header,
                value,
                zh_text,
                en_text,
                cell_hint,
                table,
                provider,
            )
        )
    extra = len(positions) - MAX_PROBLEMS_PER_COLUMN
    if extra > 0:
        more_rows = "、".join(
            str(int(r)) for r in rows[positions[MAX_PROBLEMS_PER_COLUMN:]][:10]
        )
        problems.append(
            Problem(
                ERROR,
                check,
                source,
                None,
                header,
                None,
                f"「{header}」列另有 {extra} 个同类错误（第{more_rows}……行）",
                f"'{header}': {extra} more cells with the same problem",
                hint,
                table,
                provider,
            )
        )
    return problems
