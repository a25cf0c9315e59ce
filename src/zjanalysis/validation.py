"""Check canonical tables against the data contract and report every problem.

:func:`validate_tables` is pure: it takes the canonical frames that
:func:`zjanalysis.io.load_dataset` builds (or frames built by hand with the same
columns) and returns a list of :class:`~zjanalysis.problems.Problem`, each with
the file (``_source``), the Excel row (``_row``), the column header as written in
the file (kept by the loader in ``frame.attrs["headers"]``, else the Chinese
header of the contract), a Chinese and an English message, a Chinese hint and the
unit that must fix it.

Checks (code, severity):

============================  ========  ==============================================
check                         severity  what
============================  ========  ==============================================
missing_column                error     a required column is absent (or entirely empty)
missing_value                 error     a required cell is empty
bad_type                      error     a value of the wrong type (hand-built frames)
bad_value                     error     a status/stage/type not among the allowed values
duplicate_key                 error     two rows with the same key (schema ``key``)
negative_money                error     a negative amount of money
pct_out_of_range              error     a percentage outside 0..100
month_out_of_range            error     a month outside 2..12 (fai_monthly) or 1..12
finish_before_start           error     planned finish earlier than planned start
key_project_party_missing     error     a key project without one of its four parties
unknown_county                error     county not one of the 11 units or 市直
unknown_region                error     a targets region that is neither the city, a
                                        county nor a region of the monthly statistics
control_character             error     a text cell holding an invisible control
                                        character (a NUL byte …) that makes it differ
                                        from the name it shows
unknown_project               error     a project_id that the projects table lacks
                                        (a warning for stats_registry, which also
                                        holds projects outside the plan)
fai_no_value                  error     an fai_monthly row with neither value
unit_mixup                    warning   an amount about 10,000 times (or 1/10,000 of)
                                        the median of its peers: 元/万元/亿元 mixed up
cumulative_decrease           warning   a year-to-date amount smaller than the month
                                        before (fai_monthly, project_progress)
============================  ========  ==============================================

The unit that must fix a problem is the project's county (its department for
市直 projects) for ``projects`` and ``project_progress``, the enterprise for
``soe_plans``, and otherwise the table's provider in :mod:`zjanalysis.schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from zjanalysis import schema
from zjanalysis.problems import ERROR, WARNING, Problem

#: Problems of one check reported per file and column before a summary line.
MAX_PER_GROUP = 50
#: An amount this many times its peers' median (or this fraction of it) is flagged.
UNIT_MIXUP_RATIO = 3_000.0
#: Smallest peer group (same stage and sector) whose median is trusted.
MIN_PEERS = 5

_MONTH_RANGE = {"fai_monthly": (2, 12)}
_NUMERIC_KINDS = ("int", "month", "money", "float", "pct", "area")
_KIND_ZH = {
    "int": "整数",
    "month": "月份",
    "money": "金额",
    "float": "数字",
    "pct": "百分比",
    "area": "面积",
    "date": "日期",
    "bool": "是/否",
}


def validate_tables(
    tables: dict[str, pd.DataFrame], unreadable: dict | None = None
) -> list[Problem]:
    """Run every contract check on canonical tables and return the problems found.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Canonical frames by table name. Absent tables are treated as empty.
        ``_source`` and ``_row`` give locations when present.
    unreadable : dict, optional
        ``{table: {source: {column: rows}}}``: cells the loader already reported
        as unreadable (their value is missing in the frame); they are not
        reported again as empty.

    Returns
    -------
    list of Problem
        In table order, then check order. Capped at ``MAX_PER_GROUP`` problems per
        check, file and column, followed by one summary problem.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"soe_name": ["市交通投资集团"], "year": [2021],
    ...                       "kind": ["计划"], "investment": [-5.0]})
    >>> [p.check for p in validate_tables({"soe_plans": frame})]
    ['negative_money']
    """
    problems: list[Problem] = []
    projects = tables.get("projects")
    for name, spec in schema.TABLES.items():
        frame = tables.get(name)
        if frame is None or len(frame) == 0:
            continue
        ctx = _Context(name, frame, tables, (unreadable or {}).get(name))
        problems += _check_required(ctx)
        problems += _check_types(ctx)
        problems += _check_allowed_values(ctx)
        problems += _check_duplicate_keys(ctx)
        problems += _check_negative_money(ctx)
        problems += _check_percentages(ctx)
        problems += _check_months(ctx)
        if name == "projects":
            problems += _check_finish_before_start(ctx)
            problems += _check_key_parties(ctx)
            problems += _check_county(ctx)
            problems += _check_unit_mixup_projects(ctx)
        problems += _check_control_characters(ctx)
        if name == "targets":
            problems += _check_target_regions(ctx, tables.get("fai_monthly"))
            problems += _check_target_outliers(ctx)
        if name == "fai_monthly":
            problems += _check_fai_values(ctx)
            problems += _check_cumulative(ctx, ("region", "year"), "cum_investment")
        if name == "project_progress":
            problems += _check_cumulative(ctx, ("project_id", "year"), "cum_completed")
        if name != "projects" and "project_id" in spec.column_names:
            problems += _check_unknown_projects(ctx, projects)
        if name in ("project_progress", "funding_plan") and projects is not None:
            problems += _check_unit_mixup_vs_plan(ctx, projects)
        if name == "soe_plans":
            problems += _check_unit_mixup_simple(ctx, "investment", ("kind",))
    return problems


def assign_units(
    problems: Iterable[Problem], tables: dict[str, pd.DataFrame]
) -> list[Problem]:
    """Return the problems with ``unit`` set to who must fix them, row by row.

    Parameters
    ----------
    problems : iterable of Problem
        Problems with ``table``, ``file`` and ``row`` set (e.g. from the loader).
    tables : dict of str to pandas.DataFrame
        The canonical frames the problems refer to.

    Returns
    -------
    list of Problem
        New problems; those in ``projects``, ``project_progress`` and
        ``soe_plans`` rows get the county, department or enterprise of the row.
    """
    problems = list(problems)
    wanted = {
        p.table for p in problems if p.row is not None and p.table in _ROW_UNIT_TABLES
    }
    lookup: dict[tuple[str, int], str] = {}
    for name in wanted:
        frame = tables.get(name)
        if frame is None or not len(frame) or "_row" not in frame:
            continue
        units = row_units(name, frame, tables)
        keys = zip(frame["_source"].astype(str), frame["_row"].astype(int), strict=True)
        lookup.update(dict(zip(keys, units, strict=True)))
    out = []
    for p in problems:
        unit = lookup.get((p.file, p.row)) if p.row is not None else None
        out.append(replace(p, unit=unit) if unit else p)
    return out


_ROW_UNIT_TABLES = ("projects", "project_progress", "soe_plans")


def row_units(
    table: str, frame: pd.DataFrame, tables: dict[str, pd.DataFrame]
) -> pd.Series:
    """Return, for each row of ``frame``, the unit that must fix its problems.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"county": ["霞山区", "市直"], "department": ["a", "市交通运输局"]})
    >>> row_units("projects", f, {}).tolist()
    ['霞山区', '市交通运输局']
    """
    provider = schema.TABLES[table].provider
    n = len(frame)
    if table == "projects":
        county = _col(frame, "county")
        dept = _col(frame, "department")
        unit = county.where(county.notna() & (county != schema.CITY_LEVEL), dept)
        return unit.fillna(provider).astype(str).reset_index(drop=True)
    if table == "project_progress" and "project_id" in frame:
        projects = tables.get("projects")
        if projects is not None and len(projects) and "project_id" in projects:
            units = row_units("projects", projects, tables)
            by_id = dict(zip(projects["project_id"].astype(str), units, strict=True))
            ids = frame["project_id"].astype(str)
            return ids.map(by_id).fillna(provider).astype(str).reset_index(drop=True)
    if table == "soe_plans":
        return (
            _col(frame, "soe_name").fillna(provider).astype(str).reset_index(drop=True)
        )
    return pd.Series([provider] * n, dtype=str)


# --- context and emitting ----------------------------------------------------------


class _Context:
    """Hold one table with the lookups every check needs."""

    def __init__(
        self,
        name: str,
        frame: pd.DataFrame,
        tables: dict[str, pd.DataFrame],
        unreadable: dict | None = None,
    ):
        self.name = name
        self.spec = schema.TABLES[name]
        self.frame = frame.reset_index(drop=True)
        n = len(self.frame)
        self.sources = (
            self.frame["_source"].astype(str).to_numpy()
            if "_source" in self.frame
            else np.array([""] * n, dtype=object)
        )
        rows = self.frame["_row"] if "_row" in self.frame else pd.Series([pd.NA] * n)
        self.rows = rows.to_numpy(dtype=object)
        self.units = row_units(name, self.frame, tables).to_numpy()
        self.headers = frame.attrs.get("headers", {})
        self.header_rows = frame.attrs.get("header_rows", {})
        self.bad_cells = unreadable or {}

    def failed(self, column: str) -> np.ndarray:
        """Return rows whose cell in ``column`` the loader already reported unreadable."""
        mask = np.zeros(len(self.frame), dtype=bool)
        for source, columns in self.bad_cells.items():
            rows = columns.get(column)
            if rows is None or not len(rows):
                continue
            mine = self.sources == source
            mask |= mine & np.isin(self.rows.astype("int64", copy=False), rows)
        return mask

    def header(self, source: str, column: str) -> str:
        written = self.headers.get(source, {}).get(column)
        if written:
            return written
        try:
            return self.spec.column(column).zh
        except KeyError:
            return column

    def emit(
        self,
        mask: np.ndarray | pd.Series,
        check: str,
        column: str | None,
        zh: Callable[[int], str],
        en: Callable[[int], str],
        hint: str | Callable[[int], str],
        severity: str = ERROR,
        value: Callable[[int], object] | None = None,
    ) -> list[Problem]:
        """Build problems for the rows in ``mask``, capped per file."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return []
        out: list[Problem] = []
        sources = self.sources[positions]
        for source in dict.fromkeys(sources.tolist()):
            mine = positions[sources == source]
            for pos in mine[:MAX_PER_GROUP]:
                raw = value(pos) if value is not None else self._value(pos, column)
                row = self.rows[pos]
                out.append(
                    Problem(
                        severity,
                        check,
                        str(source),
                        None if row is None or pd.isna(row) else int(row),
                        self.header(source, column) if column else None,
                        None if raw is None else str(raw),
                        zh(pos),
                        en(pos),
                        hint(pos) if callable(hint) else hint,
                        self.name,
                        str(self.units[pos]),
                    )
                )
            rest = mine[MAX_PER_GROUP:]
            if len(rest):
                rows = "、".join(str(self.rows[p]) for p in rest[:10])
                header = self.header(source, column) if column else ""
                out.append(
                    Problem(
                        severity,
                        check,
                        str(source),
                        None,
                        header or None,
                        None,
                        f"另有 {len(rest)} 行有同类问题（第{rows}……行）",
                        f"{len(rest)} more rows with the same problem ({check})",
                        hint(rest[0]) if callable(hint) else hint,
                        self.name,
                        self.spec.provider,
                    )
                )
        return out

    def _value(self, pos: int, column: str | None) -> object:
        if column is None or column not in self.frame:
            return None
        v = self.frame[column].iloc[pos]
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return v


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].reset_index(drop=True)
    return pd.Series([pd.NA] * len(frame), dtype="object")


def _missing(series: pd.Series) -> pd.Series:
    miss = series.isna()
    if series.dtype == object or str(series.dtype) in ("str", "string"):
        miss = miss | series.astype(str).str.strip().isin(["", "nan", "<NA>", "None"])
    return miss


def _truthy(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.fillna(False).astype(bool)
    text = series.astype(str).str.strip().str.lower()
    return text.map(lambda t: schema.BOOL_ALIASES.get(t) is True).astype(bool)


def _as_number(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(np.nan, index=series.index)
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _as_date(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    return pd.to_datetime(series, errors="coerce", format="mixed")


# --- the checks --------------------------------------------------------------------


def _check_required(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    for column in ctx.spec.columns:
        if not column.required:
            continue
        miss = _missing(_col(ctx.frame, column.name)).to_numpy() & ~ctx.failed(
            column.name
        )
        if not miss.any():
            continue
        # a column empty in a whole file is one problem for that file, not one per row
        whole = pd.Series(miss).groupby(ctx.sources).transform("all").to_numpy()
        for source in dict.fromkeys(ctx.sources[whole]):
            out.append(
                Problem(
                    ERROR,
                    "missing_column",
                    str(source),
                    None,
                    column.zh,
                    None,
                    f"缺少必填列「{column.zh}」({column.name})，或该列全为空",
                    f"required column {column.name} ({column.zh}) is missing or empty",
                    f"请在表头加上「{column.zh}」列并逐行填写",
                    ctx.name,
                    ctx.spec.provider,
                )
            )
        out += ctx.emit(
            miss & ~whole,
            "missing_value",
            column.name,
            lambda _p, c=column: f"必填项「{c.zh}」为空",
            lambda _p, c=column: f"required value {c.name} is empty",
            f"请填写「{column.zh}」",
            value=lambda _p: None,
        )
    return out


def _check_types(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    for column in ctx.spec.columns:
        if column.name not in ctx.frame:
            continue
        series = ctx.frame[column.name]
        kind = column.kind
        present = ~_missing(series)
        if kind in _NUMERIC_KINDS:
            if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(
                series
            ):
                values = series.astype("float64")
                bad = pd.Series(False, index=series.index)
            else:
                values = _as_number(series)
                bad = present & values.isna()
            if kind in ("int", "month"):
                frac = values.notna() & (values.round() != values)
                bad = bad | frac
        elif kind == "date":
            bad = present & _as_date(series).isna()
        elif kind == "bool":
            if pd.api.types.is_bool_dtype(series):
                continue
            ok = series.map(lambda v: isinstance(v, (bool, np.bool_)))
            bad = present & ~ok.astype(bool)
        else:
            continue
        if bad.any():
            out += ctx.emit(
                bad.to_numpy(),
                "bad_type",
                column.name,
                lambda _p, c=column: f"「{c.zh}」应为{_KIND_ZH.get(c.kind, c.kind)}",
                lambda _p, c=column: f"{c.name} must be of type {c.kind}",
                f"请按数据字典填写「{column.zh}」",
            )
    return out


def _check_allowed_values(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    for column in ctx.spec.columns:
        if column.kind != "enum" or column.name not in ctx.frame:
            continue
        allowed = list(dict.fromkeys(schema.ENUM_ALIASES[column.enum or ""].values()))
        series = ctx.frame[column.name]
        present = ~_missing(series)
        bad = present & ~series.astype(str).isin(allowed)
        if bad.any():
            out += ctx.emit(
                bad.to_numpy(),
                "bad_value",
                column.name,
                lambda p, c=column, s=series: (
                    f"「{c.zh}」的值「{s.iloc[p]}」不是允许的取值"
                ),
                lambda p, c=column, s=series, a=allowed: (
                    f"{c.name} value {s.iloc[p]!r} is not one of {', '.join(a)}"
                ),
                f"允许的取值：{'、'.join(allowed)}",
            )
    return out


def _check_duplicate_keys(ctx: _Context) -> list[Problem]:
    key = list(ctx.spec.key)
    if not key or any(k not in ctx.frame for k in key):
        return []
    keys = ctx.frame[key]
    complete = ~keys.isna().any(axis=1)
    if not complete.any():
        return []
    sub = keys[complete].astype(str)
    dup = sub.duplicated(keep="first")
    if not dup.any():
        return []
    first_pos = (
        pd.Series(sub.index, index=sub.index)
        .groupby([sub[k] for k in key], sort=False)
        .transform("first")
    )
    mask = np.zeros(len(ctx.frame), dtype=bool)
    mask[dup[dup].index.to_numpy()] = True
    first = first_pos.to_dict()
    key_zh = "、".join(ctx.spec.column(k).zh for k in key)

    def where(p: int) -> str:
        f = first[p]
        src = ctx.sources[f]
        same = src == ctx.sources[p]
        return f"第{ctx.rows[f]}行" if same else f"{src} 第{ctx.rows[f]}行"

    def key_text(p: int) -> str:
        return " / ".join(str(ctx.frame[k].iloc[p]) for k in key)

    return ctx.emit(
        mask,
        "duplicate_key",
        key[0],
        lambda p: f"与{where(p)}重复（{key_zh}相同：{key_text(p)}）",
        lambda p: (
            f"duplicate key ({', '.join(key)} = {key_text(p)}) of row {ctx.rows[first[p]]}"
        ),
        "同一项目（或同一地区同一月份）只能有一行；请删除重复行或改正编码",
        value=key_text,
    )


def _check_negative_money(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    for column in ctx.spec.columns:
        if not column.is_money or column.name not in ctx.frame:
            continue
        values = _as_number(ctx.frame[column.name])
        bad = (values < 0).to_numpy()
        out += ctx.emit(
            bad,
            "negative_money",
            column.name,
            lambda _p, c=column: f"「{c.zh}」为负数",
            lambda _p, c=column: f"{c.name} is negative",
            "金额不能为负；调减请在计划调整记录中填写调整前后的金额",
        )
    return out


def _check_percentages(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    for column in ctx.spec.columns:
        if column.kind != "pct" or column.name not in ctx.frame:
            continue
        values = _as_number(ctx.frame[column.name])
        bad = ((values < 0) | (values > 100)).to_numpy()
        out += ctx.emit(
            bad,
            "pct_out_of_range",
            column.name,
            lambda _p, c=column: f"「{c.zh}」超出 0—100",
            lambda _p, c=column: f"{c.name} is outside 0..100",
            "比例按百分数填写，在 0 到 100 之间（如 60 表示 60%）",
        )
    return out


def _check_months(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    low, high = _MONTH_RANGE.get(ctx.name, (1, 12))
    for column in ctx.spec.columns:
        if column.kind != "month" or column.name not in ctx.frame:
            continue
        values = _as_number(ctx.frame[column.name])
        bad = ((values < low) | (values > high)).to_numpy()
        hint = (
            "统计月报从“1—2月”开始，1—2月填 2；月份为 2—12"
            if low == 2
            else "月份应为 1—12"
        )
        out += ctx.emit(
            bad,
            "month_out_of_range",
            column.name,
            lambda _p: f"月份超出 {low}—{high}",
            lambda _p: f"month outside {low}..{high}",
            hint,
        )
    return out


def _check_finish_before_start(ctx: _Context) -> list[Problem]:
    if "planned_start" not in ctx.frame or "planned_finish" not in ctx.frame:
        return []
    start = _as_date(_col(ctx.frame, "planned_start"))
    finish = _as_date(_col(ctx.frame, "planned_finish"))
    bad = (finish < start).fillna(False).to_numpy(dtype=bool)
    return ctx.emit(
        bad,
        "finish_before_start",
        "planned_finish",
        lambda p: f"计划竣工时间早于计划开工时间（{start.iloc[p].date()}）",
        lambda p: f"planned finish is before planned start ({start.iloc[p].date()})",
        "请核对计划开工、竣工时间",
    )


def _check_key_parties(ctx: _Context) -> list[Problem]:
    if "is_key" not in ctx.frame:
        return []
    is_key = _truthy(ctx.frame["is_key"])
    if not is_key.any():
        return []
    out: list[Problem] = []
    for party in schema.KEY_PROJECT_PARTIES:
        column = ctx.spec.column(party)
        series = _col(ctx.frame, party)
        miss = _missing(series) | series.astype(str).str.strip().isin(
            ["无", "-", "—", "/"]
        )
        bad = (is_key & miss).to_numpy()
        out += ctx.emit(
            bad,
            "key_project_party_missing",
            party,
            lambda p, c=column: f"重点项目「{_name(ctx, p)}」未填{c.zh}",
            lambda p, c=column: f"key project {_name(ctx, p)!r} has no {c.name}",
            f"市政府纪要三(一)要求每个重点项目明确{column.zh}，请补填",
            value=lambda _p: None,
        )
    return out


def _name(ctx: _Context, pos: int) -> str:
    for col in ("name", "project_id"):
        if col in ctx.frame:
            v = ctx.frame[col].iloc[pos]
            if isinstance(v, str) and v:
                return v
    return f"第{ctx.rows[pos]}行"


def _check_county(ctx: _Context) -> list[Problem]:
    if "county" not in ctx.frame:
        return []
    series = ctx.frame["county"]
    allowed = (*schema.COUNTIES, schema.CITY_LEVEL)
    present = ~_missing(series)
    bad = (present & ~series.astype(str).str.strip().isin(allowed)).to_numpy()

    def hint(p: int) -> str:
        value = str(series.iloc[p]).strip()
        close = [c for c in allowed if value and (value in c or c in value)]
        if len(close) == 1:
            return f"是否应为「{close[0]}」？所属县(市、区)须为：{'、'.join(allowed)}"
        return f"所属县(市、区)须为：{'、'.join(allowed)}"

    return ctx.emit(
        bad,
        "unknown_county",
        "county",
        lambda p: f"「{series.iloc[p]}」不是湛江市的县(市、区)，也不是“市直”",
        lambda p: f"{series.iloc[p]!r} is not one of the 11 county-level units or 市直",
        hint,
    )


#: Characters a cell can carry invisibly (tab and line breaks are layout): C0 and
#: C1 controls, and the zero-width and direction marks text copied from web pages
#: and chat programs brings along (霞山区 + U+200B is another name than 霞山区).
_CONTROL = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u2064\ufeff]"
)


def _check_control_characters(ctx: _Context) -> list[Problem]:
    """Flag text cells with an invisible control character: the name differs from what it shows."""
    problems: list[Problem] = []
    spec = schema.get_table(ctx.name)
    for column in spec.columns:
        if column.kind not in ("text", "enum") or column.name not in ctx.frame:
            continue
        series = ctx.frame[column.name]
        bad = (
            series.astype("str").str.contains(_CONTROL, regex=True).fillna(False)
            & ~_missing(series)
        ).to_numpy(dtype=bool)
        problems += ctx.emit(
            bad,
            "control_character",
            column.name,
            lambda p, s=series: (
                f"「{_visible(s.iloc[p])}」含有看不见的控制字符，与显示的名称不一致"
            ),
            lambda p, s=series: f"{s.iloc[p]!r} holds an invisible control character",
            "删除单元格内容后重新输入（不要从其他系统复制粘贴）",
            value=lambda p, s=series: _visible(s.iloc[p]),
        )
    return problems


def _visible(value: object) -> str:
    """Show a text with its invisible characters as \\xNN or \\uNNNN."""
    import re

    def show(m: re.Match) -> str:
        code = ord(m.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return re.sub(_CONTROL, show, str(value))


def _check_target_regions(ctx: _Context, fai: pd.DataFrame | None) -> list[Problem]:
    """Flag a targets region that names no region the forecast knows.

    The forecast measures each region against its own target; a misspelt region
    (湛江奋勇高新区X) leaves the real one on the city's target without a word.
    """
    series = ctx.frame["region"]
    known = {schema.CITY, *schema.COUNTIES}
    if fai is not None and "region" in fai:
        known |= {str(r) for r in fai["region"].dropna().unique()}
    present = ~_missing(series)
    bad = (present & ~series.astype("str").str.strip().isin(known)).to_numpy(bool)

    def hint(p: int) -> str:
        value = str(series.iloc[p]).strip()
        close = [c for c in sorted(known) if value and (c in value or value in c)]
        if len(close) == 1:
            return f"是否应为「{close[0]}」？地区须与月度统计中的地区名称一致"
        return "地区须为湛江市或各县（市、区），与月度统计中的地区名称一致"

    return ctx.emit(
        bad,
        "unknown_region",
        "region",
        lambda p: f"「{series.iloc[p]}」不是湛江市、各县（市、区）或月度统计中的地区",
        lambda p: (
            f"{series.iloc[p]!r} is neither the city, a county nor a region of fai_monthly"
        ),
        hint,
    )


#: A growth target under this (percent) among targets of the same year whose
#: median is at least :data:`TARGET_PEER_MEDIAN_PCT` is flagged: 0.2 among 20s
#: is 20% written as a fraction, or a slip, far more often than a real 0.2%.
TARGET_OUTLIER_PCT = 1.0
TARGET_PEER_MEDIAN_PCT = 5.0


def _check_target_outliers(ctx: _Context) -> list[Problem]:
    """Warn of a growth target far below the other regions' targets of its year.

    A whole column written as fractions (0.2 for 20%) is already read as
    percent by the loader; one such cell among targets of 20 stays 0.2%, and
    a region judged against 0.2% would read 达标 without a word.
    """
    if "target_growth_pct" not in ctx.frame or "year" not in ctx.frame:
        return []
    target = _as_number(ctx.frame["target_growth_pct"])
    year = _as_number(ctx.frame["year"])
    median = target.groupby(year).transform("median")
    peers = target.groupby(year).transform("count")
    bad = (
        (target.abs() < TARGET_OUTLIER_PCT)
        & (median >= TARGET_PEER_MEDIAN_PCT)
        & (peers >= 3)
    )
    bad = bad.fillna(False).to_numpy(bool)
    return ctx.emit(
        bad,
        "target_outlier",
        "target_growth_pct",
        lambda p: (
            f"增长目标{target.iloc[p]:g}%远低于同年各地区目标的中位数"
            f"{median.iloc[p]:g}%，可能是把百分数写成了小数"
        ),
        lambda p: (
            f"target {target.iloc[p]:g}% is far below the median target of its year "
            f"({median.iloc[p]:g}%): a percentage written as a fraction?"
        ),
        lambda p: (
            f"如目标是{target.iloc[p] * 100:g}%，请填{target.iloc[p] * 100:g}；"
            "确为该值时可忽略此提示"
        ),
        severity=WARNING,
    )


def _check_fai_values(ctx: _Context) -> list[Problem]:
    level = _col(ctx.frame, "cum_investment")
    growth = _col(ctx.frame, "cum_growth_pct")
    unreadable = ctx.failed("cum_investment") | ctx.failed("cum_growth_pct")
    bad = (level.isna() & growth.isna()).to_numpy() & ~unreadable
    return ctx.emit(
        bad,
        "fai_no_value",
        "cum_investment",
        lambda _p: "累计完成投资和累计同比增长都为空",
        lambda _p: "neither cum_investment nor cum_growth_pct is given",
        "每行至少填写累计完成投资或累计同比增长之一",
        value=lambda _p: None,
    )


def _check_cumulative(
    ctx: _Context, group: tuple[str, ...], name: str
) -> list[Problem]:
    if name not in ctx.frame or any(g not in ctx.frame for g in group):
        return []
    values = _as_number(ctx.frame[name])
    month = _as_number(ctx.frame["month"]) if "month" in ctx.frame else None
    if month is None or values.notna().sum() < 2:
        return []
    # a row whose region/project or year is missing (already reported) has no
    # series to belong to; leave it out rather than compare text with NaN
    known = ~ctx.frame[list(group)].isna().any(axis=1).to_numpy()
    values = values.where(known)
    keys = [ctx.frame[g].astype(str).fillna("") for g in group]
    order = np.lexsort((month.to_numpy(), *[k.to_numpy() for k in reversed(keys)]))
    ordered = pd.DataFrame(
        {"v": values.to_numpy()[order], "m": month.to_numpy()[order]}, index=order
    )
    for i, k in enumerate(keys):
        ordered[f"k{i}"] = k.to_numpy()[order]
    grouped = ordered.dropna(subset=["v", "m"]).groupby(
        [f"k{i}" for i in range(len(keys))]
    )
    previous = grouped["v"].shift()
    previous_month = grouped["m"].shift()
    falling = previous.notna() & (ordered.loc[previous.index, "v"] < previous * 0.999)
    mask = np.zeros(len(ctx.frame), dtype=bool)
    mask[falling[falling].index.to_numpy()] = True
    before = dict(zip(previous.index, previous, strict=True))
    month_before = dict(zip(previous_month.index, previous_month, strict=True))
    column = ctx.spec.column(name)
    return ctx.emit(
        mask,
        "cumulative_decrease",
        name,
        lambda p: (
            f"「{column.zh}」是年初至今的累计数，却比{int(month_before[p])}月的"
            f"{before[p]:,.0f}万元还小"
        ),
        lambda p: (
            f"{name} is year-to-date but smaller than in month {int(month_before[p])} "
            f"({before[p]:,.0f})"
        ),
        "请核对是否填成了当月数，或月份、单位有误",
        severity=WARNING,
    )


def _check_unknown_projects(
    ctx: _Context, projects: pd.DataFrame | None
) -> list[Problem]:
    ids = _col(ctx.frame, "project_id")
    present = ~_missing(ids)
    if not present.any():
        return []
    severity = WARNING if ctx.name == "stats_registry" else ERROR
    if projects is None or not len(projects) or "project_id" not in projects:
        return [
            Problem(
                WARNING,
                "unknown_project",
                str(ctx.sources[0]),
                None,
                ctx.header(str(ctx.sources[0]), "project_id"),
                None,
                f"没有项目台账，无法核对「{ctx.spec.zh}」中的项目编码",
                f"no projects table: project_ids of {ctx.name} cannot be checked",
                "请把项目台账 projects 放入同一数据目录",
                ctx.name,
                ctx.spec.provider,
            )
        ]
    known = set(projects["project_id"].dropna().astype(str).str.strip())
    bad = (present & ~ids.astype(str).str.strip().isin(known)).to_numpy()
    return ctx.emit(
        bad,
        "unknown_project",
        "project_id",
        lambda p: f"项目编码「{ids.iloc[p]}」不在项目台账中",
        lambda p: f"project_id {ids.iloc[p]!r} is not in the projects table",
        "请核对项目编码，或先把该项目补入项目台账",
        severity=severity,
    )


def _mixup_messages(
    ctx: _Context, column: schema.Column, ratio: pd.Series, peers: str, peers_en: str
) -> tuple[Callable, Callable, Callable]:
    def zh(p: int) -> str:
        r = ratio.iloc[p]
        times = f"约 {r:,.0f} 倍" if r >= 1 else f"约 1/{1 / r:,.0f}"
        return f"「{column.zh}」是{peers}的{times}，可能把元、万元、亿元弄混了"

    def en(p: int) -> str:
        r = ratio.iloc[p]
        return f"{column.name} is {r:,.4g} times {peers_en}: likely a unit mix-up"

    def hint(p: int) -> str:
        r = ratio.iloc[p]
        if r >= 1:
            return "请核对单位：表内金额应为万元，是否按元填写？"
        return "请核对单位：表内金额应为万元，是否按亿元填写？"

    return zh, en, hint


def _flag_ratio(values: pd.Series, median: pd.Series) -> tuple[np.ndarray, pd.Series]:
    ratio = values / median.where(median > 0)
    bad = (ratio >= UNIT_MIXUP_RATIO) | (ratio <= 1 / UNIT_MIXUP_RATIO)
    return (bad & (values > 0)).fillna(False).to_numpy(dtype=bool), ratio


def _check_unit_mixup_projects(ctx: _Context) -> list[Problem]:
    out: list[Problem] = []
    frame = ctx.frame
    groups = [c for c in ("stage", "sector") if c in frame]
    for name in ("total_investment", "plan_investment"):
        if name not in frame:
            continue
        column = ctx.spec.column(name)
        values = _as_number(frame[name])
        positive = values.where(values > 0)
        overall = positive.median()
        median = pd.Series(overall, index=frame.index)
        if groups:
            keys = [frame[g].astype(str) for g in groups]
            size = positive.groupby(keys).transform("count")
            group_median = positive.groupby(keys).transform("median")
            median = group_median.where(size >= MIN_PEERS, overall)
        bad, ratio = _flag_ratio(values, median)
        zh, en, hint = _mixup_messages(
            ctx,
            column,
            ratio,
            "同阶段同领域项目中位数",
            "the median of projects of the same stage and sector",
        )
        out += ctx.emit(bad, "unit_mixup", name, zh, en, hint, severity=WARNING)
    return out


def _check_unit_mixup_simple(
    ctx: _Context, name: str, groups: tuple[str, ...]
) -> list[Problem]:
    if name not in ctx.frame:
        return []
    values = _as_number(ctx.frame[name])
    positive = values.where(values > 0)
    present = [g for g in groups if g in ctx.frame]
    if present:
        median = positive.groupby(
            [ctx.frame[g].astype(str) for g in present]
        ).transform("median")
    else:
        median = pd.Series(positive.median(), index=values.index)
    bad, ratio = _flag_ratio(values, median)
    zh, en, hint = _mixup_messages(
        ctx,
        ctx.spec.column(name),
        ratio,
        "同类记录中位数",
        "the median of rows of its kind",
    )
    return ctx.emit(bad, "unit_mixup", name, zh, en, hint, severity=WARNING)


def _check_unit_mixup_vs_plan(ctx: _Context, projects: pd.DataFrame) -> list[Problem]:
    name = "cum_completed" if ctx.name == "project_progress" else "amount"
    if name not in ctx.frame or "project_id" not in ctx.frame or not len(projects):
        return []
    if "plan_investment" not in projects or "project_id" not in projects:
        return []
    plan = _as_number(projects["plan_investment"])
    total = (
        _as_number(projects["total_investment"])
        if "total_investment" in projects
        else plan
    )
    ref = total.where(total > 0, plan)
    by_id = pd.Series(ref.to_numpy(), index=projects["project_id"].astype(str))
    by_id = by_id[~by_id.index.duplicated()]
    median = ctx.frame["project_id"].astype(str).map(by_id).astype("float64")
    values = _as_number(ctx.frame[name])
    bad, ratio = _flag_ratio(values, median.reset_index(drop=True))
    # a small amount early in the year is normal: only the too-large side is flagged
    bad = bad & (ratio >= UNIT_MIXUP_RATIO).fillna(False).to_numpy(dtype=bool)
    zh, en, hint = _mixup_messages(
        ctx,
        ctx.spec.column(name),
        ratio,
        "该项目总投资",
        "the project's total investment",
    )
    return ctx.emit(bad, "unit_mixup", name, zh, en, hint, severity=WARNING)
