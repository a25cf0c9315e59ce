"""Sheet: one grid read as one contract table becomes a canonical frame.

This module puts the layers together for one sheet (or CSV file): the header
block (:mod:`zjanalysis.io.layout`), the columns the headers name
(:mod:`zjanalysis.io.headers`), the data rows and sections
(:mod:`zjanalysis.io.rows`), and the cells of every mapped column
(:mod:`zjanalysis.io.cells`). It also fills what a printed table leaves implicit:
blank grouping cells of a CSV (merged cells in print), and year, month,
``plan_year`` and ``is_key`` columns that only the title or the month column
states.

Notes
-----
How a printed sheet is read: the header is the row among the first 40 that names
most columns; a second header row under merged group headings (``2021年计划``
over ``投资额``) is joined to it (``2021年计划/投资额``, read as
``plan_investment``); a units row (``（万元）``), a column-number row (``甲 乙 1 2``)
or a repeated header (English under Chinese) under the header is skipped. Rows
above are the title and the unit line. A period named only in the title
(``2021年1—6月``) fills absent year and month columns; a key-project plan's title
(``2021年重点建设项目计划表``) fills absent ``plan_year`` and ``is_key`` columns;
the load report notes each such inference.

Blank cells in grouping columns of a CSV (county, department, region, ...) are
filled from the row above within a section, as a printed table's merged cells
would be, and the load report says how many were filled; workbooks use their
merged ranges instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from zjanalysis import schema
from zjanalysis.io.cells import (
    MISSING_TOKENS,
    TEXT_MISSING_TOKENS,
    parse_column,
    parse_period,
)
from zjanalysis.io.files import file_problem
from zjanalysis.io.frames import dtype_of, empty_table, with_dtypes
from zjanalysis.io.headers import combine_headers, lookup_header, match_header
from zjanalysis.io.layout import SheetLayout, SkippedRow, find_layout, unit_in_note
from zjanalysis.io.rows import (
    GROUP_COLUMNS,
    BodyRows,
    classify_rows,
    section_allowed,
)
from zjanalysis.io.wide import WideGrid, WideProblem, melt_month_columns
from zjanalysis.problems import ERROR, WARNING, Problem

#: The period a title names: 湛江市2021年1—6月重点项目进展情况.
_TITLE_PERIOD_RE = re.compile(
    r"(\d{4})\s*年\s*(?:1\s*月?\s*[-—–~～至到]+\s*)?(\d{1,2})\s*月"
)


@dataclass
class ColumnMap:
    """How the columns of a sheet map to the contract table it is read as.

    Attributes
    ----------
    combined : list of (str, list of str)
        Per grid column: the header as written (a two-row header joined with
        ``/``) and the texts tried in order to name a column.
    mapping : dict of int to str
        Grid position -> canonical column.
    written : dict of str to str
        Canonical column -> header as written.
    units : dict of str to str
        Money column -> unit its values are written in.
    column_units : dict of str to str
        Header as written -> unit, for money columns with their own unit.
    extras : dict of int to str
        Grid position -> name of a column the contract does not have (kept as
        text).
    seq_pos, period_pos : int or None
        Grid positions of the 序号 column and of the build-period column.
    """

    combined: list[tuple[str, list[str]]]
    mapping: dict[int, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    column_units: dict[str, str] = field(default_factory=dict)
    extras: dict[int, str] = field(default_factory=dict)
    seq_pos: int | None = None
    period_pos: int | None = None


@dataclass
class ParsedSheet:
    """One sheet read as one table: its frame and what reading it found.

    Attributes
    ----------
    frame : pandas.DataFrame
        The canonical frame of the sheet's data rows.
    header_map : dict of str to str
        Canonical column -> where the sheet wrote it (a header, or the title a
        value was taken from).
    problems : list of Problem
        Header, filling and cell problems, in the order they were found.
    layout : SheetLayout or None
        The header block; None when no header was found.
    skipped : list of SkippedRow
        Every row not read as data: the header block's, then the body's.
    notes : list of str
        What the user should know (filled merged cells, inferred columns, money
        converted from the table's unit).
    column_units : dict of str to str
        Money columns with their own unit suffix: header as written -> unit.
    bad_cells : dict of str to numpy.ndarray
        Canonical column -> row numbers of the cells reported as unreadable.
    """

    frame: pd.DataFrame
    header_map: dict[str, str]
    problems: list[Problem]
    layout: SheetLayout | None = None
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    column_units: dict[str, str] = field(default_factory=dict)
    bad_cells: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def header_row(self) -> int | None:
        """Return the row number of the last header row, None without header."""
        return self.layout.header_row if self.layout else None

    @property
    def title(self) -> str | None:
        """Return the title above the header, if any."""
        return self.layout.title if self.layout else None

    @property
    def money_unit(self) -> str:
        """Return the unit of money columns whose header states none."""
        return self.layout.money_unit if self.layout else schema.DEFAULT_MONEY_UNIT

    @property
    def money_unit_declared(self) -> bool:
        """Return True when a unit line declared :attr:`money_unit`."""
        return self.layout.money_unit_declared if self.layout else False


def parse_sheet(
    grid: pd.DataFrame,
    rownums: np.ndarray,
    *,
    table: str,
    source: str,
    merged: bool,
    sheet: str = "",
    formulas: frozenset = frozenset(),
    merges: tuple = (),
    hidden_rows: frozenset = frozenset(),
    number_formats: bool = True,
    hidden_columns: frozenset = frozenset(),
) -> ParsedSheet:
    """Read one sheet's grid as ``table``: header, columns, data rows, cells.

    Parameters
    ----------
    grid : pandas.DataFrame
        Cell texts, columns by position (:class:`zjanalysis.io.readers.RawSheet`).
    rownums : numpy.ndarray
        The row number of each grid row.
    table : str
        The contract table the sheet is read as.
    source : str
        The problem location of the sheet (``file`` or ``file#sheet``).
    merged : bool
        True when the reader spread merged ranges (then blank grouping cells are
        not filled from the row above).
    sheet : str, default ""
        The sheet name recorded in the skipped rows.
    formulas : frozenset of (int, int), optional
        Grid positions of formula cells saved without their result
        (:attr:`zjanalysis.io.readers.RawSheet.formulas`): reported as such,
        never read as the text of their formula.
    merges : tuple, optional
        The merged ranges the reader spread (grid positions): an amount merged
        over several data rows is an error, kept in its first row only.
    hidden_rows : frozenset of int, optional
        Grid positions of rows hidden in Excel: read, with a warning.
    number_formats : bool, default True
        False when the reader saw no number formats (``.xls``): a share column
        of 0 and 1 is then read as 0% and 100%.
    hidden_columns : frozenset of int, optional
        Grid positions of columns hidden in Excel: of two columns naming the
        same contract column the visible one is read; a hidden one read is
        named in a warning.

    Returns
    -------
    ParsedSheet
        An empty canonical frame and a ``header_not_found`` error when no row
        names a column of ``table``.
    """
    spec = schema.TABLES[table]
    wide = melt_month_columns(grid, rownums, table=table)
    if isinstance(wide, WideProblem):
        return ParsedSheet(empty_table(table), {}, [_months_as_columns(wide, source)])
    wide_notes = []
    if isinstance(wide, WideGrid):
        # positions of the old grid mean nothing in the new one
        grid, rownums, wide_notes = wide.grid, wide.rownums, [wide.note]
        formulas, merges, hidden_rows = frozenset(), (), frozenset()
        hidden_columns = frozenset()
    layout = find_layout(grid, rownums, table=table, sheet=sheet)
    if layout is None:
        return ParsedSheet(empty_table(table), {}, [_header_not_found(source, table)])
    columns, problems = _map_columns(
        grid, layout, table=table, source=source, hidden=hidden_columns
    )
    body = grid.iloc[layout.body_start :].reset_index(drop=True)
    body = body.apply(lambda col: col.str.strip()) if len(body) else body
    rows = rownums[layout.body_start :]
    body, merged_problems, split_rows = _split_merged_amounts(
        body,
        rows,
        merges,
        columns,
        body_start=layout.body_start,
        table=table,
        source=source,
    )
    problems += merged_problems
    body_rows = classify_rows(
        body,
        rows,
        mapping=columns.mapping,
        seq_pos=columns.seq_pos,
        spec=spec,
        sheet=sheet,
        header=layout.header,
        repeated=layout.repeated,
    )
    keep, section, body_skipped = body_rows.keep, body_rows.section, body_rows.skipped
    layout, unit_problems = _unit_from_notes(
        layout, columns, body_skipped, table=table, source=source
    )
    problems += unit_problems
    kept = body[keep].reset_index(drop=True)
    kept_rows = rows[keep]
    kept_formulas = _formula_masks(formulas, layout.body_start, keep)
    problems += _hidden_rows_warning(
        hidden_rows,
        rows,
        keep,
        body_start=layout.body_start,
        table=table,
        source=source,
    )
    kept_section = section[keep].reset_index(drop=True)
    notes: list[str] = list(wide_notes)
    if not merged and len(kept):
        # merged cells in CSV: fill grouping columns from the row above, in sections
        kept, fill_problems, fill_notes = _fill_group_blanks(
            kept,
            kept_rows,
            kept_section,
            mapping=columns.mapping,
            written=columns.written,
            table=table,
            source=source,
        )
        problems += fill_problems
        notes += fill_notes
    values, bad_cells, cell_problems = _parse_columns(
        kept,
        kept_rows,
        columns,
        table=table,
        source=source,
        money_unit=layout.money_unit,
        formulas=kept_formulas,
        formats_lost=not number_formats,
    )
    problems += cell_problems
    for col, split in split_rows.items():
        # the rows a merged amount no longer covers: reported with the merge
        done = bad_cells.get(col, np.zeros(0, dtype="int64"))
        bad_cells[col] = np.union1d(done, np.intersect1d(split, kept_rows))
    header_map = dict(columns.written)
    section_problems, section_notes = _supply_from_sections(
        body_rows,
        rows,
        out=values,
        header_map=header_map,
        bad_cells=bad_cells,
        table=table,
        source=source,
    )
    problems += section_problems
    notes += section_notes
    notes += _infer_missing_columns(
        kept,
        out=values,
        header_map=header_map,
        mapping=columns.mapping,
        table=table,
        title=layout.title,
    )
    extras = dict(columns.extras)
    problems += _read_period_column(
        kept,
        kept_rows,
        columns,
        out=values,
        header_map=header_map,
        extras=extras,
        table=table,
        source=source,
    )
    frame = _assemble_frame(
        kept,
        kept_rows,
        kept_section,
        values=values,
        extras=extras,
        table=table,
        source=source,
    )
    if layout.money_unit != schema.DEFAULT_MONEY_UNIT:
        unit = layout.money_unit
        notes.append(
            f"未注明单位的金额列按表内单位 {unit} 换算为万元 / money columns "
            f"without their own unit were read in {unit} and converted to 万元"
        )
    return ParsedSheet(
        frame,
        header_map,
        problems,
        layout=layout,
        skipped=layout.skipped + body_skipped,
        notes=notes,
        column_units=columns.column_units,
        bad_cells=bad_cells,
    )


def _supply_from_sections(
    body_rows: BodyRows,
    rows: np.ndarray,
    *,
    out: dict[str, pd.Series],
    header_map: dict[str, str],
    bad_cells: dict[str, np.ndarray],
    table: str,
    source: str,
) -> tuple[list[Problem], list[str]]:
    """Fill absent columns whose values the section headings name (rows module).

    Adds each supplied column to ``out`` (data rows only) and ``header_map``;
    a heading that names no value is an error at its row, and the rows under it
    are recorded in ``bad_cells`` (so they are not reported again as empty).
    Returns the problems and a note per supplied column.
    """
    spec = schema.TABLES[table]
    keep = body_rows.keep
    problems: list[Problem] = []
    notes: list[str] = []
    for col, values in body_rows.supplied.items():
        zh = spec.column(col).zh
        kept_values = values[keep].reset_index(drop=True)
        out[col] = kept_values.astype("str")
        header_map[col] = f"{zh}（取自分组行）"
        named = [str(v) for v in pd.unique(kept_values.dropna())]
        notes.append(
            f"「{zh}」取自分组行（{'、'.join(named[:8])}）/ {col} taken from "
            "the section headings"
        )
        under = body_rows.under_unknown.get(col)
        if under is not None and under[keep].any():
            bad_cells[col] = rows[keep][under[keep]]
    allowed_of = {c: section_allowed(c) for c in body_rows.supplied}
    for heading in body_rows.unknown:
        zh = spec.column(heading.column).zh
        allowed = "、".join(allowed_of[heading.column])
        problems.append(
            Problem(
                ERROR,
                "unknown_section",
                source,
                int(rows[heading.position]),
                f"{zh}（取自分组行）",
                heading.text,
                f"分组行「{heading.text}」说不出是哪个{zh}：表中没有「{zh}」列，"
                f"其他分组行给出了{zh}，这一组的项目因此没有{zh}",
                f"section heading {heading.text!r} names no {heading.column}; "
                f"the sheet has no {heading.column} column (allowed: {allowed})",
                f"允许的{zh}：{allowed}；请把分组行改为其中之一，或增加「{zh}」列",
                table,
                spec.provider,
            )
        )
    return problems, notes


#: Kinds of column whose value belongs to one row: merged over rows, it would count
#: several times.
_PER_ROW_KINDS = ("money", "float", "pct", "area")


def _split_merged_amounts(
    body: pd.DataFrame,
    rows: np.ndarray,
    merges: tuple,
    columns: ColumnMap,
    *,
    body_start: int,
    table: str,
    source: str,
) -> tuple[pd.DataFrame, list[Problem], dict[str, np.ndarray]]:
    """Keep an amount merged over several body rows in its first row only: an error.

    The reader spreads a merged cell over its range (right for a county merged
    over its projects); one amount merged over two projects would then count
    twice. Returns the body, an error per such range, and per column the rows
    the amount was taken from.
    """
    spec = schema.TABLES[table]
    problems: list[Problem] = []
    split: dict[str, np.ndarray] = {}
    out = body
    for r0, c0, r1, c1 in merges:
        first, last = r0 - body_start, r1 - body_start
        if last <= first or first < 0:
            continue
        for j in range(c0, c1 + 1):
            col = columns.mapping.get(j)
            if col is None or spec.column(col).kind not in _PER_ROW_KINDS:
                continue
            value = str(body.iat[first, j])
            if not value:
                continue
            if out is body:
                out = body.copy()
            out.iloc[first + 1 : last + 1, j] = ""
            taken = rows[first + 1 : last + 1]
            split[col] = np.union1d(split.get(col, taken[:0]), taken)
            header = columns.written[col]
            span = f"第{int(rows[first])}—{int(rows[last])}行"
            problems.append(
                Problem(
                    ERROR,
                    "merged_amount",
                    source,
                    int(rows[first]),
                    header,
                    value,
                    f"「{header}」的「{value}」是跨{span}的合并单元格：一个数不能同时记在"
                    f"几行上，只读入第{int(rows[first])}行，其余行为空",
                    f"'{header}' value {value!r} is one cell merged over rows "
                    f"{int(rows[first])}-{int(rows[last])}; read in the first row only",
                    "请取消合并，逐行填写各项目的数（几个项目合计的数另起一行写明）",
                    table,
                    spec.provider,
                )
            )
    return out, problems, split


def _hidden_rows_warning(
    hidden_rows: frozenset,
    rows: np.ndarray,
    keep: np.ndarray,
    *,
    body_start: int,
    table: str,
    source: str,
) -> list[Problem]:
    """Warn once about data rows hidden in Excel (by hand or a filter): they are read."""
    if not hidden_rows:
        return []
    positions = np.array(sorted(hidden_rows), dtype="int64") - body_start
    positions = positions[(positions >= 0) & (positions < len(keep))]
    hidden = rows[positions[keep[positions]]]
    if not len(hidden):
        return []
    where = "、".join(str(int(r)) for r in hidden[:10])
    more = "……" if len(hidden) > 10 else ""
    return [
        Problem(
            WARNING,
            "hidden_rows",
            source,
            int(hidden[0]),
            None,
            None,
            f"有 {len(hidden)} 行数据在 Excel 中是隐藏的（第{where}{more}行），"
            "仍按数据读取",
            f"{len(hidden)} data rows are hidden in Excel; they are read as data",
            "如这些行已作废，请删除后另存；如应计入，请取消隐藏以便核对",
            table,
            schema.TABLES[table].provider,
        )
    ]


def _unit_from_notes(
    layout: SheetLayout,
    columns: ColumnMap,
    skipped: list[SkippedRow],
    *,
    table: str,
    source: str,
) -> tuple[SheetLayout, list[Problem]]:
    """Apply a money unit declared only in a note under the table (注：单位为亿元).

    Without a unit line above the table, the note's unit applies to the money
    columns whose header states none (a warning says so); a note contradicting
    the unit line is an error. Returns the layout (changed when the note
    applies) and the problems; ``columns.units`` is updated in place.
    """
    notes = [(s, unit_in_note(s.text)) for s in skipped if s.reason == "note"]
    notes = [(s, u) for s, u in notes if u]
    if not notes:
        return layout, []
    note, unit = notes[0]
    spec = schema.TABLES[table]
    if layout.money_unit_declared:
        if unit == layout.money_unit:
            return layout, []
        return layout, [
            file_problem(
                source,
                "conflicting_units",
                f"表注「{note.text}」的金额单位 {unit} 与表头上方声明的 "
                f"{layout.money_unit} 不一致，按 {layout.money_unit} 读取",
                f"the note's unit {unit} contradicts the declared "
                f"{layout.money_unit}; read in {layout.money_unit}",
                "请核实金额单位，删去错误的一处后另存",
                ERROR,
                table,
                row=note.row,
            )
        ]
    bare = [c for c in columns.units if columns.written[c] not in columns.column_units]
    if not bare:
        return layout, []  # every money header states its own unit
    for col in bare:
        columns.units[col] = unit
    layout = replace(layout, money_unit=unit, money_unit_declared=True)
    if unit == schema.DEFAULT_MONEY_UNIT:
        return layout, []
    return layout, [
        Problem(
            WARNING,
            "unit_from_note",
            source,
            note.row,
            None,
            note.text,
            f"表头上方没有写金额单位，按表注「{note.text}」的 {unit} 读取并换算为万元",
            f"no unit line above the table: money read in {unit} as the note says",
            "请在标题下写明“单位：亿元”，以免误读",
            table,
            spec.provider,
        )
    ]


def _formula_masks(
    formulas: frozenset, body_start: int, keep: np.ndarray
) -> dict[int, np.ndarray]:
    """Return, per grid column, which kept rows are formulas saved without result."""
    out: dict[int, np.ndarray] = {}
    if not formulas:
        return out
    kept_index = np.full(len(keep), -1, dtype="int64")
    kept_index[keep] = np.arange(int(keep.sum()))
    for r, c in formulas:
        pos = r - body_start
        if 0 <= pos < len(keep) and kept_index[pos] >= 0:
            mask = out.setdefault(c, np.zeros(int(keep.sum()), dtype=bool))
            mask[kept_index[pos]] = True
    return out


def _header_not_found(source: str, table: str) -> Problem:
    spec = schema.TABLES[table]
    return file_problem(
        source,
        "header_not_found",
        f"找不到表头：没有一列能识别为「{spec.zh}」({table}) 的列",
        f"no header row found: no column of table {table} recognised",
        "表头应使用数据字典中的中文列名或英文列名，如 "
        + "、".join(c.zh for c in spec.columns[:4]),
        ERROR,
        table,
    )


def _map_columns(
    grid: pd.DataFrame,
    layout: SheetLayout,
    *,
    table: str,
    source: str,
    hidden: frozenset = frozenset(),
) -> tuple[ColumnMap, list[Problem]]:
    """Return which contract column each grid column is, and duplicate headers.

    The first of two columns that name the same contract column is read (a
    warning names both), unless the second is one heading merged across two
    printed columns with an empty body; visible columns come before columns
    hidden in Excel (an old 年度计划投资 hidden beside the new one), and a hidden
    column that is read is named in a warning. Unnamed columns with values are
    kept as extra columns; the 序号 and build-period columns are noted apart.
    """
    spec = schema.TABLES[table]
    lookup = lookup_header(table)
    # a heading wrapped inside its cell (总投资\n（亿元）) is one heading
    combined = [
        (re.sub(r"\s*[\r\n]+\s*", "", written), tries)
        for written, tries in combine_headers(layout.header, layout.sub_header)
    ]
    out = ColumnMap(combined=combined)
    problems: list[Problem] = []
    order = sorted(range(len(combined)), key=lambda j: (j in hidden, j))
    for j in order:
        as_written, tries = combined[j]
        col, unit = _first_match(tries, lookup)
        if unit not in schema.MONEY_UNITS and j in layout.units_row:
            unit = layout.units_row[j]  # from a units row under the header
        if col == "__seq__":
            out.seq_pos = j
            continue
        if col == "__period__":
            out.period_pos = j
            continue
        body_col = grid.iloc[layout.body_start :, j]
        if col and col in out.written and as_written == out.written[col]:
            if not (body_col.str.strip() != "").any():
                continue  # one heading merged across two printed columns
        if col and col in out.written:
            first = out.written[col]
            problems.append(
                file_problem(
                    source,
                    "duplicate_header",
                    f"「{as_written}」与「{first}」都对应列 {col}，只读取了前者「{first}」",
                    f"columns '{as_written}' and '{first}' both mean {col}; "
                    "only the first is read",
                    "请删除或改名重复的列",
                    WARNING,
                    table,
                    row=layout.header_row,
                    column=as_written,
                )
            )
            col = None
        if col:
            out.mapping[j] = col
            out.written[col] = as_written
            if spec.column(col).is_money:
                own = unit in schema.MONEY_UNITS
                out.units[col] = unit if own else layout.money_unit
                if own:
                    out.column_units[as_written] = unit
        else:
            if not as_written and not (body_col != "").any():
                continue
            name = as_written or f"第{j + 1}列"
            while name in out.extras.values() or name in spec.column_names:
                name += "_"
            out.extras[j] = name
    read_hidden = [
        out.written[c] for j, c in sorted(out.mapping.items()) if j in hidden
    ]
    if read_hidden:
        names = "、".join(f"「{h}」" for h in read_hidden)
        problems.append(
            file_problem(
                source,
                "hidden_columns",
                f"{names}列在 Excel 中是隐藏的，仍按数据读取",
                f"hidden columns read as data: {', '.join(read_hidden)}",
                "如这些列已作废，请删除后另存；如应计入，请取消隐藏以便核对",
                WARNING,
                table,
                row=layout.header_row,
                column=read_hidden[0],
            )
        )
    return out, problems


def _first_match(
    tries: list[str], lookup: dict[str, str]
) -> tuple[str | None, str | None]:
    """Return the column and unit of the first text that names a column.

    When none does, the unit is the last text's (None without texts).
    """
    col, unit = None, None
    for text in tries:
        col, unit = match_header(text, lookup)
        if col:
            break
    return col, unit


def _parse_columns(
    kept: pd.DataFrame,
    rows: np.ndarray,
    columns: ColumnMap,
    *,
    table: str,
    source: str,
    money_unit: str,
    formulas: dict[int, np.ndarray] | None = None,
    formats_lost: bool = False,
) -> tuple[dict[str, pd.Series], dict[str, np.ndarray], list[Problem]]:
    """Return every mapped column parsed, the rows of its unreadable cells, problems.

    Cells already reported as unreadable are recorded so that validation does
    not call them empty as well; ``formulas`` marks, per grid column, the rows
    that are formulas saved without their result.
    """
    spec = schema.TABLES[table]
    out: dict[str, pd.Series] = {}
    bad_cells: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for j, col in columns.mapping.items():
        column = spec.column(col)
        parsed, col_problems = parse_column(
            kept[j],
            rows,
            column,
            source,
            columns.written[col],
            table,
            spec.provider,
            columns.units.get(col, money_unit),
            formula=(formulas or {}).get(j),
            formats_lost=formats_lost,
        )
        out[col] = parsed
        problems.extend(col_problems)
        if col_problems:
            missing = TEXT_MISSING_TOKENS if column.kind == "text" else MISSING_TOKENS
            failed = parsed.isna().to_numpy() & ~kept[j].isin(list(missing)).to_numpy()
            bad_cells[col] = rows[failed]
    return out, bad_cells, problems


def _read_period_column(
    kept: pd.DataFrame,
    rows: np.ndarray,
    columns: ColumnMap,
    *,
    out: dict[str, pd.Series],
    header_map: dict[str, str],
    extras: dict[int, str],
    table: str,
    source: str,
) -> list[Problem]:
    """Read a build-period column (``2021-2023``) as absent planned start/finish.

    Adds the columns it fills to ``out`` and ``header_map``; a period column
    that fills neither (or of another table) is kept in ``extras``. Returns the
    problems of its cells when it was used.
    """
    pos = columns.period_pos
    if pos is None:
        return []
    written = columns.combined[pos][0]
    if table != "projects":
        extras[pos] = written
        return []
    provider = schema.TABLES[table].provider
    starts, finishes, problems = parse_period(
        kept[pos], rows, source, written, table, provider
    )
    if "planned_start" not in out:
        out["planned_start"] = starts
        header_map["planned_start"] = written
    if "planned_finish" not in out:
        out["planned_finish"] = finishes
        header_map["planned_finish"] = written
    if written in (header_map["planned_start"], header_map["planned_finish"]):
        return problems
    extras[pos] = written
    return []


def _assemble_frame(
    kept: pd.DataFrame,
    rows: np.ndarray,
    section: pd.Series,
    *,
    values: dict[str, pd.Series],
    extras: dict[int, str],
    table: str,
    source: str,
) -> pd.DataFrame:
    """Return the canonical frame: contract columns, extras, provenance columns."""
    spec = schema.TABLES[table]
    n = len(kept)
    # built at once: inserting thousands of extra columns one by one is quadratic
    data: dict[str, pd.Series] = {}
    for column in spec.columns:
        if column.name in values:
            data[column.name] = values[column.name].reset_index(drop=True)
        else:
            data[column.name] = pd.Series([None] * n, dtype=object).astype(
                dtype_of(column.kind)
            )
    if extras:
        text = kept[list(extras)].apply(lambda col: col.str.strip())
        text = text.where(text != "")
        text.columns = list(extras.values())
        data.update({name: text[name].reset_index(drop=True) for name in text})
    data["section"] = section.astype("str").reset_index(drop=True)
    data["_source"] = pd.Series([source] * n, dtype="str")
    data["_row"] = pd.Series(rows, dtype="int64")
    frame = pd.DataFrame(data, index=range(n))
    return with_dtypes(frame, table)


def _fill_group_blanks(
    kept: pd.DataFrame,
    rows: np.ndarray,
    section: pd.Series,
    *,
    mapping: dict[int, str],
    written: dict[str, str],
    table: str,
    source: str,
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Fill blank grouping cells of a CSV from the row above, within each section.

    Returns the filled rows, a warning per column filled, and a note for each.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    provider = schema.TABLES[table].provider
    inverse = {v: k for k, v in mapping.items()}
    block = section.fillna("").ne(section.fillna("").shift()).cumsum()
    out = kept
    for col in GROUP_COLUMNS.get(table, ()):
        if col not in inverse:
            continue
        j = inverse[col]
        values = kept[j].where(kept[j] != "")
        filled = values.groupby(block).ffill()
        was_filled = (values.isna() & filled.notna()).to_numpy()
        n_filled = int(was_filled.sum())
        if not n_filled:
            continue
        fill_rows = rows[was_filled]
        where = "、".join(str(r) for r in fill_rows[:10])
        more = "……" if n_filled > 10 else ""
        note = (
            f"「{written[col]}」有 {n_filled} 个空格按合并单元格处理，沿用上一行的值"
            f"（第{where}{more}行）"
        )
        notes.append(note)
        problems.append(
            Problem(
                WARNING,
                "filled_blank_cells",
                source,
                int(fill_rows[0]),
                written[col],
                None,
                note,
                f"{n_filled} blank cells of '{written[col]}' were read as merged "
                "cells and take the value of the row above",
                "如果这些空格不是合并单元格，请补填实际值",
                table,
                provider,
            )
        )
        if out is kept:
            out = kept.copy()
        out[j] = filled.fillna("")
    return out, problems, notes


def _months_as_columns(wide: WideProblem, source: str) -> Problem:
    """The error for months as columns whose measure the sheet does not say."""
    return Problem(
        ERROR,
        "months_as_columns",
        source,
        wide.row,
        None,
        wide.months,
        wide.message_zh,
        "months are columns but neither the title nor the header says whether the "
        "cells are cumulative growth or cumulative investment",
        wide.hint_zh,
        "fai_monthly",
    )


def _single_year(text: str) -> int | None:
    """Return the one year a title names, or None when it names none or several.

    Examples
    --------
    >>> _single_year("2021年重点建设项目计划表"), _single_year("2020—2021年")
    (2021, None)
    """
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))
    return int(years.pop()) if len(years) == 1 else None


def _infer_missing_columns(
    kept: pd.DataFrame,
    *,
    out: dict[str, pd.Series],
    header_map: dict[str, str],
    mapping: dict[int, str],
    table: str,
    title: str | None,
) -> list[str]:
    """Fill absent year, month, plan_year and is_key columns from the month or title.

    Adds each inferred column to ``out`` and where it came from to
    ``header_map``; returns a note for each inference.
    """
    spec = schema.TABLES[table]
    notes: list[str] = []
    n = len(kept)
    if not n:
        return notes
    inverse = {v: k for k, v in mapping.items()}
    month_header = header_map.get("month")
    if "year" in spec.column_names and "year" not in out and "month" in inverse:
        # 2021年1—6月 in the month column and no year column: take the year from it
        years = kept[inverse["month"]].str.extract(r"^\s*(\d{4})\s*[年\-/.]")[0]
        if years.notna().any():
            out["year"] = pd.to_numeric(years, errors="coerce").astype("Int64")
            header_map["year"] = month_header
            notes.append(f"年份取自「{month_header}」列 / year taken from the month")
    title = title or ""
    periods = _TITLE_PERIOD_RE.findall(title)
    if len(set(periods)) == 1:
        # a monthly report names its one period only in the title
        for name, value in zip(("year", "month"), map(int, periods[0]), strict=True):
            if name in spec.column_names and name not in out:
                out[name] = pd.Series([value] * n, dtype="Int64")
                header_map[name] = title
                notes.append(
                    f"{'年份' if name == 'year' else '月份'}取自标题「{title}」"
                    f" / {name} taken from the title: {value}"
                )
    if table == "projects":
        # a key-project plan states the plan year and "重点" only in its title
        year = _single_year(title)
        if "plan_year" not in out and year:
            out["plan_year"] = pd.Series([year] * n, dtype="Int64")
            header_map["plan_year"] = title
            notes.append(
                f"计划年度取自标题「{title}」 / plan_year taken from the title: {year}"
            )
        if "is_key" not in out and "重点" in title:
            out["is_key"] = pd.Series([True] * n, dtype="boolean")
            header_map["is_key"] = title
            notes.append(
                f"标题「{title}」表明均为重点项目 / every row read as a key project"
            )
    return notes
