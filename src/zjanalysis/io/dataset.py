"""Dataset assembly: a data folder becomes one :class:`Dataset` of canonical frames.

This module owns :func:`load_dataset`: it lists the data files of a folder
(:mod:`zjanalysis.io.files`), reads each into grids (:mod:`zjanalysis.io.readers`),
reads each matched sheet as its table (:mod:`zjanalysis.io.sheet`), records what
each file held (:class:`SourceFile`), concatenates the frames of each table
(:mod:`zjanalysis.io.frames`), runs every check of :mod:`zjanalysis.validation`,
and tells the demo data sets apart.

Notes
-----
When two files supply the same table their rows are concatenated in file-name
order and a warning names both files; duplicate keys then show up as errors of
the duplicate-key check, with both locations, so the office can delete the stale
file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zjanalysis import schema
from zjanalysis.io.files import (
    CSV_SUFFIXES,
    WORKBOOK_SUFFIXES,
    assign_sheets,
    data_files,
    file_problem,
    file_sha256,
    match_table,
    unmatched_problem,
)
from zjanalysis.io.frames import concat_frames
from zjanalysis.io.layout import SkippedRow
from zjanalysis.io.readers import read_csv_grid, read_workbook
from zjanalysis.io.sheet import ParsedSheet, parse_sheet
from zjanalysis.problems import ERROR, WARNING, Problem, ValidationReport


@dataclass
class SourceFile:
    """Describe one input file: what it held and how it was read.

    Attributes
    ----------
    name : str
        Path relative to the data folder, with ``/`` separators.
    sha256 : str
        Checksum of the file's bytes.
    tables : list of str
        Contract tables read from it.
    encoding : str
        ``utf-8``, ``utf-8-sig`` (with BOM), ``gb18030``, ``utf-16``, ``xlsx``
        or ``xls``.
    money_unit : str
        Unit applied to money columns whose header states none (``万元`` unless
        the table declares another with a unit line).
    money_unit_declared : bool
        True when a unit line (``单位：亿元``) declared ``money_unit``.
    title : str or None
        Text of the title row above the header, if any.
    skipped : list of SkippedRow
        Rows not read as data, with their reason.
    rows : dict of str to int
        Data rows read, per table.
    header_row : int or None
        Row number of the (last) header row of the first table read.
    column_units : dict of str to str
        Money columns with their own unit suffix: header as written -> unit.
    notes : list of str
        Other things the user should know (filled merged cells, sheets skipped).
    """

    name: str
    sha256: str
    tables: list[str] = field(default_factory=list)
    encoding: str = ""
    money_unit: str = schema.DEFAULT_MONEY_UNIT
    money_unit_declared: bool = False
    title: str | None = None
    skipped: list[SkippedRow] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    header_row: int | None = None
    column_units: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def money_unit_note(self) -> str:
        """Return e.g. ``万元（默认 / default）`` or ``亿元（表内声明 / declared）``."""
        how = "表内声明 / declared" if self.money_unit_declared else "默认 / default"
        return f"{self.money_unit}（{how}）"


@dataclass
class Dataset:
    """Hold the canonical tables of one data folder and what loading them found.

    Attributes
    ----------
    name : str
        A label for the data set (the folder name).
    path : pathlib.Path
        The folder.
    tables : dict of str to pandas.DataFrame
        One canonical frame per contract table; absent tables are empty frames.
    report : ValidationReport
        Every parse problem and every validation finding.
    files : list of SourceFile
        What each input file held and how it was read.
    is_demo : bool
        True when the data are the synthetic DEMO data set.
    """

    name: str
    path: Path
    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    files: list[SourceFile]
    is_demo: bool = False

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self.tables:
            schema.get_table(table)  # raises KeyError naming the known tables
        return self.tables[table]

    def summary(self) -> pd.DataFrame:
        """Return one row per file and table: rows read, unit applied, rows skipped."""
        records = []
        for f in self.files:
            skipped: dict[str, int] = {}
            for s in f.skipped:
                skipped[s.reason] = skipped.get(s.reason, 0) + 1
            skip_text = ", ".join(f"{k} {v}" for k, v in skipped.items())
            for t in f.tables or [""]:
                records.append(
                    {
                        "file": f.name,
                        "table": t,
                        "rows": f.rows.get(t, 0),
                        "encoding": f.encoding,
                        "money_unit": f.money_unit,
                        "unit_declared": f.money_unit_declared,
                        "skipped": skip_text,
                    }
                )
        cols = [
            "file",
            "table",
            "rows",
            "encoding",
            "money_unit",
            "unit_declared",
            "skipped",
        ]
        return pd.DataFrame.from_records(records, columns=cols)


# --- public functions --------------------------------------------------------------


def load_dataset(data_dir: str | Path) -> Dataset:
    """Load every table of a data folder into canonical frames and validate them.

    Parameters
    ----------
    data_dir : str or pathlib.Path
        Folder holding one CSV/XLSX/XLS file per table (see :mod:`zjanalysis.io.files`
        for how files are matched to tables).

    Returns
    -------
    Dataset
        ``tables`` has every contract table (empty frames for absent ones),
        ``report`` every problem found while reading and validating.

    Notes
    -----
    A folder that does not exist gives a dataset with one error, not an
    exception; the command line checks for it first to exit with code 2.

    Examples
    --------
    >>> from zjanalysis import paths
    >>> ds = load_dataset(paths.REFERENCE_DIR)
    >>> ds["fai_monthly"]["region"].iloc[0]
    '全国'
    """
    from zjanalysis.validation import assign_units, validate_tables

    folder = Path(data_dir)
    report = ValidationReport()
    files: list[SourceFile] = []
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in schema.TABLES}
    headers: dict[str, dict[str, dict[str, str]]] = {t: {} for t in schema.TABLES}
    header_rows: dict[str, dict[str, int | None]] = {t: {} for t in schema.TABLES}
    bad_cells: dict[str, dict[str, dict]] = {t: {} for t in schema.TABLES}
    if not folder.is_dir():
        report.add(
            Problem(
                ERROR,
                "missing_folder",
                "",
                None,
                None,
                str(folder),
                f"找不到数据目录「{folder}」",
                f"data folder not found: {folder}",
                "请检查路径，数据应放在 data/raw/<YYYY-MM>/ 下",
            )
        )
    elif not data_files(folder):
        subfolders = sorted(p.name for p in folder.iterdir() if p.is_dir())
        where = f"（子目录：{'、'.join(subfolders[:6])}）" if subfolders else ""
        report.add(
            Problem(
                ERROR,
                "no_data_files",
                "",
                None,
                None,
                str(folder),
                f"数据目录「{folder}」中没有 CSV 或 Excel 数据文件{where}",
                f"no CSV or Excel data files in {folder}",
                "请指定存放数据文件的那一层目录，如 data/raw/2021-06",
            )
        )
    else:
        for path in data_files(folder):
            rel = path.relative_to(folder).as_posix()
            info, found, problems = _load_file(path, rel)
            files.append(info)
            report.extend(problems)
            for table, source, parsed in found:
                parts[table].append(parsed.frame)
                headers[table][source] = parsed.header_map
                header_rows[table][source] = parsed.header_row
                bad_cells[table][source] = parsed.bad_cells
    if files and not any(f.tables for f in files) and report.ok:
        report.add(
            Problem(
                ERROR,
                "no_tables_read",
                "",
                None,
                None,
                None,
                "数据目录中没有一个文件能识别为数据表，什么也没有读取",
                "no file in the folder was recognised as a contract table; nothing loaded",
                "请按数据字典 data/README.md 命名文件（如 projects.xlsx、项目台账.xlsx）"
                "并使用其中的列名",
            )
        )
    tables: dict[str, pd.DataFrame] = {}
    for name, frames in parts.items():
        sources = sorted({f.name for f in files if name in f.tables})
        if len(sources) > 1:
            report.add(
                Problem(
                    WARNING,
                    "table_in_several_files",
                    "",
                    None,
                    None,
                    ", ".join(sources),
                    f"表「{schema.TABLES[name].zh}」({name}) 由 {len(sources)} 个文件提供："
                    f"{'、'.join(sources)}；各行已合并读取",
                    f"table {name} comes from {len(sources)} files "
                    f"({', '.join(sources)}); their rows were concatenated",
                    "如其中一个是旧版本，请从数据目录中移走；重复的项目会在下面列为重复键",
                    table=name,
                    unit=schema.TABLES[name].provider,
                )
            )
        tables[name] = concat_frames(name, frames)
        # where each file wrote each column, for problem locations (see validation)
        tables[name].attrs["headers"] = headers[name]
        tables[name].attrs["header_rows"] = header_rows[name]
    found_problems = list(report.problems)
    checks = validate_tables(tables, unreadable=bad_cells)
    seen = {(p.file, p.row, p.column) for p in found_problems if p.row is not None}
    checks = [p for p in checks if (p.file, p.row, p.column) not in seen]
    report = ValidationReport(assign_units(found_problems, tables) + checks)
    return Dataset(
        name=folder.name or str(folder),
        path=folder,
        tables=tables,
        report=report,
        files=files,
        is_demo=_is_demo(folder, files),
    )


def _load_file(
    path: Path, rel: str
) -> tuple[SourceFile, list[tuple[str, str, ParsedSheet]], list[Problem]]:
    """Read one data file: what it held, each sheet read (table, source), problems."""
    try:
        digest = file_sha256(path)
    except OSError as exc:  # a broken or looping link, a file locked by another program
        info = SourceFile(name=rel, sha256="")
        reason = exc.strerror or type(exc).__name__
        return (
            info,
            [],
            [
                file_problem(
                    rel,
                    "unreadable_file",
                    f"文件无法打开（{reason}），未读取",
                    f"file could not be opened ({reason}); not read",
                    "若是快捷方式或链接，请放入文件本身；若文件正被其他程序打开，请关闭后重试",
                    ERROR,
                    table=match_table(path.stem) or "",
                )
            ],
        )
    info = SourceFile(name=rel, sha256=digest)
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    found: list[tuple[str, str, ParsedSheet]] = []
    if suffix in WORKBOOK_SUFFIXES:
        sheets, encoding, err = read_workbook(path)
    elif suffix in CSV_SUFFIXES:
        sheets, encoding, err = read_csv_grid(path)
    else:
        problems.append(unmatched_problem(rel))
        return info, found, problems
    info.encoding = encoding
    if err is not None:
        problems.append(
            file_problem(
                rel,
                "unreadable_file",
                f"文件无法读取：{err}",
                f"file could not be read: {err}",
                "请确认文件未损坏，可在 Excel/WPS 中打开后另存为 .xlsx 或 CSV(UTF-8)",
                ERROR,
                # a file named for one table holds only that table: its error
                # blocks the analyses that read it, not every analysis
                table=match_table(path.stem) or "",
            )
        )
        return info, found, problems
    is_workbook = suffix in WORKBOOK_SUFFIXES
    sheets, sheet_problems = _readable_sheets(sheets, rel, info)
    problems += sheet_problems
    assignments = assign_sheets(path.stem, sheets, is_workbook)
    for sheet_name, table, how in assignments:
        raw = sheets[sheet_name]
        grid, rownums, merged = raw.grid, raw.rownums, raw.merged
        source = f"{rel}#{sheet_name}" if is_workbook else rel
        if table is None:
            if len(grid) and (grid != "").to_numpy().any():
                problems.append(unmatched_problem(source))
                info.notes.append(f"未识别的工作表 / sheet not matched: {sheet_name}")
            continue
        if how == "headers":
            problems.append(
                file_problem(
                    source,
                    "matched_by_headers",
                    f"文件名和工作表名都未说明是哪张表，按表头识别为「{schema.TABLES[table].zh}」"
                    f"({table})",
                    f"neither file nor sheet name names a table; read as {table} "
                    "from its headers",
                    f"建议把文件命名为 {table}{path.suffix} 或「{schema.TABLES[table].zh}」",
                    WARNING,
                    table,
                )
            )
        parsed = parse_sheet(
            grid,
            rownums,
            table=table,
            source=source,
            merged=merged,
            sheet=sheet_name,
            formulas=raw.formulas,
            merges=raw.merges,
            hidden_rows=raw.hidden_rows,
            number_formats=raw.number_formats,
            hidden_columns=raw.hidden_columns,
        )
        problems.extend(parsed.problems)
        if table not in info.tables:
            info.tables.append(table)
        info.rows[table] = info.rows.get(table, 0) + len(parsed.frame)
        info.skipped.extend(parsed.skipped)
        info.notes.extend(parsed.notes)
        info.column_units.update(parsed.column_units)
        if info.header_row is None:
            info.header_row = parsed.header_row
            info.money_unit = parsed.money_unit
            info.money_unit_declared = parsed.money_unit_declared
        if info.title is None and parsed.title:
            info.title = parsed.title
        found.append((table, source, parsed))
    return info, found, problems


def _readable_sheets(
    sheets: dict, rel: str, info: SourceFile
) -> tuple[dict, list[Problem]]:
    """Return the sheets to read, and a problem for each hidden or refused one.

    A hidden sheet is not what the clerk sees in Excel (an old copy, a list of
    choices): it is not read, and a warning names it; a sheet wider than
    :data:`zjanalysis.io.readers.MAX_COLUMNS` is an error.
    """
    out = {}
    problems: list[Problem] = []
    for name, raw in sheets.items():
        source = f"{rel}#{name}"
        if raw.refused:
            problems.append(
                file_problem(
                    source,
                    "sheet_too_wide",
                    raw.refused,
                    f"sheet {name!r} has more columns than the limit; not read",
                    "请删除多余的列（或把表转回每行一个项目），另存后放回",
                    ERROR,
                )
            )
            continue
        if raw.hidden:
            if len(raw.grid) and (raw.grid != "").to_numpy().any():
                problems.append(
                    file_problem(
                        source,
                        "hidden_sheet",
                        f"工作表「{name}」是隐藏的，未读取",
                        f"sheet {name!r} is hidden; not read",
                        "如这张表也是数据，请在 Excel/WPS 中取消隐藏后另存",
                        WARNING,
                    )
                )
                info.notes.append(f"隐藏的工作表未读取 / hidden sheet not read: {name}")
            continue
        out[name] = raw
    return out, problems


def _is_demo(folder: Path, files: Iterable[SourceFile]) -> bool:
    """Return True when a title, a marker file or the README says DEMO (演示数据)."""
    for f in files:
        if f.title and ("DEMO" in f.title.upper() or "演示数据" in f.title):
            return True
    if folder.is_dir():
        for path in folder.iterdir():
            low = path.name.lower()
            if low in ("demo", ".demo", "demo.txt", "demo.md"):
                return True
            if low.startswith("readme") and path.is_file():
                try:
                    text = path.read_text(encoding="utf-8", errors="ignore")[:2000]
                except OSError:
                    continue
                first = next((ln for ln in text.splitlines() if ln.strip()), "")
                if "DEMO" in first.upper() or "演示数据" in first:
                    return True
    return False
