"""Load a data folder into canonical frames: the only module that reads data files.

:func:`load_dataset` reads every CSV/XLSX file of a data folder, matches each
file (or workbook sheet) to a table of the data contract (:mod:`zjanalysis.schema`),
finds the header of printed tables, converts money to 万元, parses numbers, months,
dates, 是/否 and status values column-wise, and then runs every check of
:mod:`zjanalysis.validation`. It never raises on a user's data mistake: each one
becomes a :class:`~zjanalysis.problems.Problem` in ``Dataset.report``, with the
file, the row as the user sees it in Excel and the column header as written.

Notes
-----
How files are matched to tables (first rule that applies):

1. the file stem equals a table name (``projects.csv``) or its Chinese name
   (``项目台账.xlsx``);
2. the table name is a token of the stem after ``-`` and spaces become ``_``
   (``national_fai_monthly_2011_2018.csv``, ``2025-07-15-fai-monthly.xlsx``);
   the longest matching table name wins, so ``project_progress`` is not read as
   ``projects``;
3. workbooks: every sheet named after a table (English or Chinese, or a name
   that contains it, ``项目台账（2021年）``, when its header names two or more of
   the table's columns) is that table, and the workbook's other sheets are read
   by rule 4; when no sheet is, the sheet whose header names most columns of the table the
   file name names is read (so a ``填表说明`` sheet in front is passed over);
4. otherwise the file's (or sheet's) header row is compared with every table and
   it is read as the table whose columns it names best (at least three, all the
   required ones, in a row made mostly of column names), with a warning;
5. anything else is listed as an unmatched file or sheet (a warning), never
   ignored. ``README*``, ``MANIFEST*``, hidden files and Excel lock files
   (``~$…``) are skipped.

How a printed sheet is read: the header is the row among the first 40 that names
most columns; a second header row under merged group headings (``2021年计划``
over ``投资额``) is joined to it (``2021年计划/投资额``, read as
``plan_investment``); a units row (``（万元）``), a column-number row (``甲 乙 1 2``)
or a repeated header (English under Chinese) under the header is skipped. Rows
above are the title and the unit line. A period named only in the title
(``2021年1—6月``) fills absent year and month columns; a key-project plan's title
(``2021年重点建设项目计划表``) fills absent ``plan_year`` and ``is_key`` columns;
the load report notes each such inference.

When two files supply the same table their rows are concatenated in file-name
order and a warning names both files; duplicate keys then show up as errors of
the duplicate-key check, with both locations, so the office can delete the stale
file. Blank cells in grouping columns of a CSV (county, department, region, ...)
are filled from the row above within a section, as a printed table's merged cells
would be, and the load report says how many were filled; workbooks use their
merged ranges instead.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import hashlib
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zjanalysis import paths, schema
from zjanalysis.problems import ERROR, WARNING, Problem, ValidationReport

#: File types the loader reads.
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Files in a data folder that are documentation, not data.
IGNORED_NAMES = ("readme", "manifest", "license", "demo")
#: Years accepted in year columns (every integer column of the contract is a year).
YEAR_RANGE = (1949, 2100)
#: Consecutive empty worksheet rows after which the rest of a sheet is not read.
MAX_BLANK_XLSX_ROWS = 5_000
#: Problems of one kind reported per column and file before a summary line.
MAX_PROBLEMS_PER_COLUMN = 20

#: Cell texts that mean "no value" in a number, date or status column.
MISSING_TOKENS = frozenset({"", "-", "—", "——", "－", "--", "–", "―", "－－"})
#: Cell texts that mean "no value" in a text column.
TEXT_MISSING_TOKENS = MISSING_TOKENS | {"/", "无", "／"}

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
#: Region labels that mean the whole city in statistical tables.
_CITY_NAMES = {"全市": schema.CITY, "湛江全市": schema.CITY, "湛江": schema.CITY}
_CITY_PREFIX_RE = re.compile(
    "^湛江市?(?=(?:" + "|".join(map(re.escape, schema.COUNTIES)) + ")$)"
)
#: Header texts of the build-period column (``2021-2023``).
PERIOD_HEADERS = ("建设起止年限", "起止年限", "建设年限", "建设期限", "建设起止年份")
#: Header texts of the row-number column of printed tables (dropped).
SEQ_HEADERS = ("序号", "编号序", "no", "no.", "序")

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2212: ord("-")})
_NUM_DELETE = str.maketrans("", "", ",，  \t\u3000'")
_UNIT_RE = re.compile(r"^(.*?)[(\[]?(万元|亿元|元|%|亩|公顷)[)\]]?$")
_UNIT_LINE_RE = re.compile(r"(?:金额|计量|货币)?单位\s*[:：]?\s*(万元|亿元|元)")
_YEAR_PREFIX_RE = re.compile(r"^\d{4}年度?")
#: A period written before a header: 1—6月累计完成投资, 截至6月底累计完成投资.
_PERIOD_PREFIX_RE = re.compile(
    r"^(?:其中[:：]?)?(?:\d{4}年)?"
    r"(?:1月?[-—–~～至到]+\d{1,2}月份?|截[至止]\d{1,2}月(?:底|末)?|\d{1,2}月份?)?"
)
#: The period a title names: 湛江市2021年1—6月重点项目进展情况.
_TITLE_PERIOD_RE = re.compile(
    r"(\d{4})\s*年\s*(?:1\s*月?\s*[-—–~～至到]+\s*)?(\d{1,2})\s*月"
)
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
#: An attachment label above a title (附件1, 附表 2): not the title itself.
_ATTACHMENT_RE = re.compile(r"^\s*附[件表]\s*[\d一二三四五六七八九十]*\s*[:：]?\s*$")
_TOTAL_RE = re.compile(
    r"^[(（]?\S{0,12}?(合计|总计|小计|共计)[)）]?"
    r"(?:[(（]共?\d+个?项目?[)）])?$"  # 合计（共25项）
)
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


# --- public data classes -----------------------------------------------------------


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
        ``utf-8``, ``utf-8-sig`` (with BOM), ``gb18030`` or ``xlsx``.
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
        Folder holding one CSV/XLSX file per table (see the module notes for how
        files are matched to tables).

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
    elif not _data_files(folder):
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
        for path in _data_files(folder):
            rel = path.relative_to(folder).as_posix()
            info, found, problems = _load_file(path, rel)
            files.append(info)
            report.extend(problems)
            for table, source, frame, header_map, meta in found:
                parts[table].append(frame)
                headers[table][source] = header_map
                header_rows[table][source] = meta["header_row"]
                bad_cells[table][source] = meta["bad_cells"]
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
        tables[name] = _concat_frames(name, frames)
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


def empty_table(table: str) -> pd.DataFrame:
    """Return an empty canonical frame of ``table`` with the contract dtypes.

    Examples
    --------
    >>> list(empty_table("targets").columns)[:3]
    ['region', 'year', 'target_growth_pct']
    """
    spec = schema.get_table(table)
    data = {c.name: pd.Series([], dtype=dtype_of(c.kind)) for c in spec.columns}
    data["section"] = pd.Series([], dtype="str")
    data["_source"] = pd.Series([], dtype="str")
    data["_row"] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def dtype_of(kind: str) -> str:
    """Return the pandas dtype of a contract column kind (see :mod:`schema`).

    Examples
    --------
    >>> dtype_of("money")
    'float64'
    """
    return {
        "text": "str",
        "enum": "str",
        "int": "Int64",
        "month": "Int64",
        "money": "float64",
        "float": "float64",
        "pct": "float64",
        "area": "float64",
        "date": "datetime64[ns]",
        "bool": "boolean",
    }[kind]


def file_sha256(path: str | Path) -> str:
    """Return the sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_frame(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a frame to parquet or CSV (UTF-8 with BOM), refusing ``data/raw``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame to write.
    path : str or pathlib.Path
        Target file; ``.parquet`` or ``.csv``. Must not be under ``paths.RAW_DIR``:
        the office's files as received are never overwritten.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path).resolve()
    raw = paths.RAW_DIR.resolve()
    if target == raw or raw in target.parents:
        raise PermissionError(
            f"refusing to write under data/raw (files there are kept as received): {target}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix == ".parquet":
        frame.to_parquet(target, index=False)
    else:
        frame.to_csv(target, index=False, encoding="utf-8-sig")
    return target


def verify_manifest(
    folder: str | Path, raw_dir: str | Path | None = None
) -> list[Problem]:
    """Check the files of a folder under ``data/raw`` against ``MANIFEST.csv``.

    Parameters
    ----------
    folder : str or pathlib.Path
        A data folder inside ``raw_dir`` (e.g. ``data/raw/2021-06``).
    raw_dir : str or pathlib.Path, optional
        The raw-data root; ``paths.RAW_DIR`` by default. Its ``MANIFEST.csv`` has
        the columns ``file`` (path relative to ``raw_dir``) and ``sha256``, plus
        any others (``source``, ``received``).

    Returns
    -------
    list of Problem
        An error for each file whose checksum differs from the manifest (it was
        edited after it was received), a warning for each file the manifest does
        not list and for a missing manifest.
    """
    root = Path(raw_dir) if raw_dir is not None else paths.RAW_DIR
    manifest = root / "MANIFEST.csv"
    hint_add = (
        "在 data/raw/MANIFEST.csv 中为每个收到的文件登记一行：file,sha256,source,received"
        "（sha256 可用 `sha256sum 文件` 或 PowerShell `Get-FileHash` 得到）"
    )
    if not manifest.is_file():
        return [
            Problem(
                WARNING,
                "manifest_missing",
                "",
                None,
                None,
                None,
                "data/raw 下没有 MANIFEST.csv，无法核对原始文件是否被改动",
                "no data/raw/MANIFEST.csv: raw files cannot be checked against their "
                "checksums",
                hint_add,
            )
        ]
    try:
        listed = pd.read_csv(
            manifest, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        return [
            _file_problem(
                "MANIFEST.csv",
                "manifest_unreadable",
                f"MANIFEST.csv 无法读取：{exc}",
                f"MANIFEST.csv cannot be read: {exc}",
                hint_add,
                ERROR,
            )
        ]
    name_col = "file" if "file" in listed else ("path" if "path" in listed else None)
    if name_col is None or "sha256" not in listed:
        return [
            _file_problem(
                "MANIFEST.csv",
                "manifest_unreadable",
                "MANIFEST.csv 需要 file 和 sha256 两列",
                "MANIFEST.csv needs the columns file and sha256",
                hint_add,
                ERROR,
            )
        ]
    expected = dict(
        zip(
            listed[name_col].str.strip().str.replace("\\", "/", regex=False),
            listed["sha256"].str.strip().str.lower(),
            strict=True,
        )
    )
    problems = []
    folder = Path(folder)
    for path in _data_files(folder):
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
        name = path.relative_to(folder).as_posix()
        digest = file_sha256(path)
        if rel not in expected:
            problems.append(
                _file_problem(
                    name,
                    "manifest_unlisted",
                    f"文件未在 MANIFEST.csv 登记（{rel}）",
                    f"file is not listed in MANIFEST.csv ({rel})",
                    hint_add,
                    WARNING,
                )
            )
        elif expected[rel] != digest:
            problems.append(
                _file_problem(
                    name,
                    "manifest_mismatch",
                    "文件内容与 MANIFEST.csv 登记的校验值不一致：原始文件收到后被改动过",
                    "file differs from its MANIFEST.csv checksum: the raw file was "
                    "edited after it was received",
                    "原始文件不得修改；请恢复收到时的版本，更正的文件以新的日期文件名另存并登记",
                    ERROR,
                )
            )
    return problems


def match_table(stem: str) -> str | None:
    """Return the contract table a file stem names, or None.

    Examples
    --------
    >>> match_table("2025-07-15-fai-monthly")
    'fai_monthly'
    >>> match_table("project_progress_2021")
    'project_progress'
    >>> match_table("项目台账")
    'projects'
    """
    raw = unicodedata.normalize("NFKC", stem).strip()
    norm = re.sub(r"[-\s.]+", "_", raw.lower())
    for name, spec in schema.TABLES.items():
        if norm == name or raw == spec.zh:
            return name
    padded = f"_{norm}_"
    hits = [n for n in schema.TABLES if f"_{n}_" in padded]
    if hits:
        return max(hits, key=len)
    zh_hits = [n for n, t in schema.TABLES.items() if t.zh in raw]
    if zh_hits:
        return max(zh_hits, key=lambda n: len(schema.TABLES[n].zh))
    return None


# --- files -------------------------------------------------------------------------


def _data_files(folder: Path) -> list[Path]:
    """Return the files of a folder that may hold data (not hidden, lock or doc files)."""
    out = []
    for path in sorted(folder.iterdir()):
        low = path.name.lower()
        if path.is_dir() or low.startswith((".", "~$")):
            continue
        if path.stem.lower() in IGNORED_NAMES or low.startswith(("readme", "manifest")):
            continue
        out.append(path)
    return out


def _load_file(
    path: Path, rel: str
) -> tuple[
    SourceFile,
    list[tuple[str, str, pd.DataFrame, dict[str, str], dict]],
    list[Problem],
]:
    info = SourceFile(name=rel, sha256=file_sha256(path))
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    found: list[tuple[str, str, pd.DataFrame, dict[str, str], dict]] = []
    if suffix in XLSX_SUFFIXES:
        sheets, encoding, err = _read_xlsx(path)
    elif suffix in CSV_SUFFIXES:
        sheets, encoding, err = _read_csv(path)
    else:
        if suffix == ".xls":
            problems.append(
                _file_problem(
                    rel,
                    "unreadable_file",
                    "旧版 Excel (.xls) 文件无法读取",
                    "old-style Excel .xls files are not read",
                    "请在 Excel/WPS 中另存为 .xlsx 或 CSV(UTF-8) 后放回",
                    ERROR,
                )
            )
        else:
            problems.append(_unmatched_problem(rel))
        return info, found, problems
    info.encoding = encoding
    if err is not None:
        problems.append(
            _file_problem(
                rel,
                "unreadable_file",
                f"文件无法读取：{err}",
                f"file could not be read: {err}",
                "请确认文件未损坏，可在 Excel/WPS 中打开后另存为 .xlsx 或 CSV(UTF-8)",
                ERROR,
            )
        )
        return info, found, problems
    assignments = _assign_sheets(path.stem, sheets, suffix in XLSX_SUFFIXES)
    for sheet_name, table, how in assignments:
        grid, rownums, merged = sheets[sheet_name]
        source = f"{rel}#{sheet_name}" if suffix in XLSX_SUFFIXES else rel
        if table is None:
            if len(grid) and (grid != "").to_numpy().any():
                problems.append(_unmatched_problem(source))
                info.notes.append(f"未识别的工作表 / sheet not matched: {sheet_name}")
            continue
        if how == "headers":
            problems.append(
                _file_problem(
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
        parsed = _parse_grid(grid, rownums, table, source, merged, sheet_name)
        frame, header_map, sheet_problems, meta = parsed
        problems.extend(sheet_problems)
        if table not in info.tables:
            info.tables.append(table)
        info.rows[table] = info.rows.get(table, 0) + len(frame)
        info.skipped.extend(meta["skipped"])
        info.notes.extend(meta["notes"])
        info.column_units.update(meta["column_units"])
        if info.header_row is None:
            info.header_row = meta["header_row"]
            info.money_unit = meta["money_unit"]
            info.money_unit_declared = meta["money_unit_declared"]
        if info.title is None and meta["title"]:
            info.title = meta["title"]
        found.append((table, source, frame, header_map, meta))
    return info, found, problems


def _assign_sheets(
    stem: str, sheets: dict[str, tuple], is_workbook: bool
) -> list[tuple[str, str | None, str]]:
    names = list(sheets)
    by_name = match_table(stem)
    if is_workbook:
        named = {
            s: _sheet_table(s) or _fuzzy_sheet_table(s, sheets[s][0]) for s in names
        }
        if any(named.values()):
            # other sheets with data (项目月度进度 beside 项目台账) are read by header
            return [
                (s, named[s], "sheet")
                if named[s]
                else (s, _guess_table(sheets[s][0]), "headers")
                for s in names
            ]
        non_empty = [s for s in names if (sheets[s][0] != "").to_numpy().any()]
        if by_name and non_empty:
            # the sheet whose header names most columns (skips a 填表说明 sheet)
            lookup = _lookup(by_name)

            def score(sheet: str) -> int:
                rows = _top_rows(sheets[sheet][0], 30)
                return max((_score_row(r, lookup) for r in rows), default=0)

            chosen = max(non_empty, key=score)
            return [
                (s, by_name, "name") if s == chosen else (s, None, "")
                for s in non_empty
            ]
        return [(s, _guess_table(sheets[s][0]), "headers") for s in non_empty]
    sheet = names[0]
    if by_name:
        return [(sheet, by_name, "name")]
    return [(sheet, _guess_table(sheets[sheet][0]), "headers")]


def _sheet_table(sheet: str) -> str | None:
    raw = unicodedata.normalize("NFKC", sheet).strip()
    norm = re.sub(r"[-\s]+", "_", raw.lower())
    for name, spec in schema.TABLES.items():
        if norm == name or raw == spec.zh:
            return name
    return None


def _fuzzy_sheet_table(sheet: str, grid: pd.DataFrame) -> str | None:
    """Return the table a sheet name contains (项目台账（2021年）) if its header agrees."""
    table = match_table(sheet)
    if table is None:
        return None
    lookup = _lookup(table)
    scores = [_score_row(r, lookup) for r in _top_rows(grid, 30)]
    return table if max(scores, default=0) >= 2 else None


def _guess_table(grid: pd.DataFrame) -> str | None:
    top = _top_rows(grid, 30)
    best, best_score = None, 0
    for name in schema.TABLES:
        lookup = _lookup(name)
        required = {c.name for c in schema.TABLES[name].columns if c.required}
        for row in top:
            cells = [v for v in row if v]
            matched = [_match_header(v, lookup)[0] for v in cells]
            hits = {m for m in matched if m and not m.startswith("__")}
            # a header row: mostly column names, and at least three of this table
            header_like = sum(m is not None for m in matched) * 2 >= len(cells)
            # at least three columns and half the required ones: a title may
            # supply plan year and key status, a header row the rest
            enough = len(hits) >= 3 and 2 * len(required & hits) >= len(required)
            if header_like and enough and len(hits) > best_score:
                best, best_score = name, len(hits)
    return best


def _read_csv(path: Path) -> tuple[dict[str, tuple], str, str | None]:
    try:
        encoding = _detect_encoding(path)
    except (OSError, UnicodeDecodeError) as exc:
        return {}, "", str(exc)
    with open(path, encoding=encoding, newline="") as fh:
        head = fh.read(1 << 16)
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    sample = list(csv.reader(head.splitlines()[:200], delimiter=delimiter))
    width = max((len(r) for r in sample), default=1) or 1
    opts = {
        "header": None,
        "dtype": str,
        "keep_default_na": False,
        "na_filter": False,
        "skip_blank_lines": False,
        "encoding": encoding,
        "sep": delimiter,
    }
    try:
        grid = pd.read_csv(path, names=list(range(width)), **opts)
    except pd.errors.ParserError:
        # a row wider than the first 200: read with the csv module, pad the rest
        with open(path, encoding=encoding, newline="") as fh:
            rows = list(csv.reader(fh, delimiter=delimiter))
        width = max((len(r) for r in rows), default=1)
        rows = [r + [""] * (width - len(r)) for r in rows]
        grid = pd.DataFrame(rows, columns=list(range(width)), dtype="str")
    except (OSError, ValueError) as exc:
        return {}, encoding, str(exc)
    grid = grid.fillna("")
    rownums = np.arange(1, len(grid) + 1, dtype="int64")
    return {"": (grid, rownums, False)}, encoding, None


def _detect_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        start = fh.read(3)
    if start == codecs.BOM_UTF8:
        return "utf-8-sig"
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"  # Excel's "Unicode text" export
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 22), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnicodeDecodeError("gb18030", b"", 0, 1, "neither UTF-8 nor GB18030")


def _read_xlsx(path: Path) -> tuple[dict[str, tuple], str, str | None]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        return {}, "xlsx", f"{type(exc).__name__}: {exc}"
    formulas = _uncached_formulas(path)
    sheets: dict[str, tuple] = {}
    for ws in wb.worksheets:
        n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
        rows: list[list[str]] = []
        blank_run = 0
        uncached = formulas.get(ws.title, {})
        for row in ws.iter_rows(min_row=1, max_row=n_rows, min_col=1, max_col=n_cols):
            texts = [_cell_text(c) for c in row]
            if uncached:
                # keep the formula text: the cell is then reported, never read as empty
                for c in row:
                    if c.value is None and (c.row, c.column) in uncached:
                        texts[c.column - 1] = uncached[(c.row, c.column)]
            rows.append(texts)
            blank_run = 0 if any(texts) else blank_run + 1
            if blank_run >= MAX_BLANK_XLSX_ROWS:
                break  # formatting, not data, runs on down the sheet
        while rows and not any(rows[-1]):
            rows.pop()
        merged = False
        for rng in ws.merged_cells.ranges:
            if rng.min_row > len(rows) or rng.min_col > n_cols:
                continue
            top = rows[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
                for c in range(rng.min_col - 1, min(rng.max_col, n_cols)):
                    rows[r][c] = top
            merged = True
        grid = pd.DataFrame(rows, columns=list(range(n_cols)), dtype="str")
        grid = grid.fillna("")
        sheets[ws.title] = (grid, np.arange(1, len(grid) + 1, dtype="int64"), merged)
    wb.close()
    return sheets, "xlsx", None


_UNCACHED_FORMULA_RE = re.compile(
    rb"<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


def _uncached_formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Return, per sheet, the formula cells that hold no computed value.

    A workbook written by a program (not saved by Excel or WPS) may hold formulas
    without their results; ``data_only`` reading then gives empty cells. The
    quick scan of the sheet XML finds such files; only they are read again with
    formulas, to put each formula's text in place of the missing value.
    """
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            found = any(
                _UNCACHED_FORMULA_RE.search(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
        if not found:
            return {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=False)
    except Exception:  # the data_only read reports a damaged file
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in wb.worksheets:
        cells = {
            (c.row, c.column): c.value
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=")
        }
        if cells:
            out[ws.title] = cells
    wb.close()
    return out


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if "%" in str(cell.number_format or ""):
            value = value * 100
            value = round(value, 10)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


# --- header ------------------------------------------------------------------------

_LOOKUPS: dict[str, dict[str, str]] = {}


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[\s\"'“”‘’*＊_]+", "", text)
    return text.lower().strip(":：")


def _lookup(table: str) -> dict[str, str]:
    if table not in _LOOKUPS:
        out: dict[str, str] = {}
        for col in schema.TABLES[table].columns:
            for text in (col.zh, col.name, *col.aliases):
                key = _norm_header(text)
                out.setdefault(key, col.name)
                base = _UNIT_RE.match(key)
                if base and base.group(1):
                    out.setdefault(base.group(1), col.name)
        for text in PERIOD_HEADERS:
            out.setdefault(_norm_header(text), "__period__")
        for text in SEQ_HEADERS:
            out.setdefault(_norm_header(text), "__seq__")
        _LOOKUPS[table] = out
    return _LOOKUPS[table]


def _match_header(text: str, lookup: dict[str, str]) -> tuple[str | None, str | None]:
    """Return (canonical column or None, unit suffix or None) for a header cell."""
    key = _norm_header(text)
    if not key:
        return None, None
    unit = None
    m = _UNIT_RE.match(key)
    candidates = [key]
    if m and m.group(1):
        unit = m.group(2)
        candidates.append(m.group(1))
    for cand in list(candidates):
        for prefix in (_YEAR_PREFIX_RE, _PERIOD_PREFIX_RE):
            stripped = prefix.sub("", cand)
            if stripped and stripped != cand and stripped not in candidates:
                candidates.append(stripped)
    for cand in list(candidates):
        # a trailing remark in brackets: 项目名称(全称), 总投资(含征地)
        bare = re.sub(r"[(\[][^()\[\]]*[)\]]$", "", cand)
        if bare and bare != cand:
            candidates.append(bare)
    for cand in candidates:
        if cand in lookup:
            col = lookup[cand]
            return col, (unit if cand != key else _unit_in(key))
    return None, unit


def _unit_in(key: str) -> str | None:
    m = _UNIT_RE.match(key)
    return m.group(2) if m and m.group(1) else None


def _top_rows(grid: pd.DataFrame, n: int) -> list[list[str]]:
    return [
        [str(v).strip() for v in row] for row in grid.head(n).itertuples(index=False)
    ]


def _score_row(row: list[str], lookup: dict[str, str]) -> int:
    return len({_match_header(v, lookup)[0] for v in row if v} - {None})


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
        return {_match_header(v, lookup)[0] for v in row if v} - {None}

    if names(upper) - names(lower):
        return True
    for u, v in zip(upper, lower, strict=False):
        m = _UNIT_RE.match(_norm_header(u)) if u and u != v else None
        if m and m.group(1) and m.group(2) in schema.MONEY_UNITS:
            return True
    return False


def _combine_headers(
    top: list[str], below: list[str] | None
) -> list[tuple[str, list[str]]]:
    """Return, per column, the header as written and the texts to try in order."""
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
        m = _UNIT_RE.match(_norm_header(head))
        if m and m.group(1):
            # 2021年计划（万元） over 投资额: the group's unit applies to the column
            base, unit = m.group(1), m.group(2)
            tries = [head + b, f"{base}{b}({unit})", f"{b}({unit})", head]
        else:
            tries = [head + b, b, head]
        out.append((f"{head}/{b}", tries))
    return out


_UNITS_ROW_RE = re.compile(
    r"^[(（\[]?(万元|亿元|元|%|％|亩|公顷|个|项|年|月|人)[)）\]]?$"
)
_COLUMN_NUMBER_RE = re.compile(r"^(\d{1,2}|[甲乙丙丁戊己庚辛壬癸])$")


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
    score = _score_row(row, lookup)
    if score >= max(2, (header_score + 1) // 2):
        return "header"
    return ""


# --- grid → canonical frame --------------------------------------------------------


def _parse_grid(
    grid: pd.DataFrame,
    rownums: np.ndarray,
    table: str,
    source: str,
    merged: bool,
    sheet: str,
) -> tuple[pd.DataFrame, dict[str, str], list[Problem], dict]:
    spec = schema.TABLES[table]
    lookup = _lookup(table)
    problems: list[Problem] = []
    meta: dict = {
        "skipped": [],
        "notes": [],
        "column_units": {},
        "header_row": None,
        "money_unit": schema.DEFAULT_MONEY_UNIT,
        "money_unit_declared": False,
        "title": None,
        "bad_cells": {},
    }
    top = _top_rows(grid, 40)
    scores = [_score_row(r, lookup) for r in top]
    if not scores or max(scores) == 0:
        problems.append(
            _file_problem(
                source,
                "header_not_found",
                f"找不到表头：没有一列能识别为「{spec.zh}」({table}) 的列",
                f"no header row found: no column of table {table} recognised",
                "表头应使用数据字典中的中文列名或英文列名，如 "
                + "、".join(c.zh for c in spec.columns[:4]),
                ERROR,
                table,
            )
        )
        return empty_table(table), {}, problems, meta
    h = int(np.argmax(scores))
    below = None
    if (
        h > 0
        and scores[h - 1] >= 2
        and _is_subheader(top[h - 1], top[h])
        and _upper_row_adds(top[h - 1], top[h], lookup)
    ):
        # the second row of a two-row header names most columns (headings merged
        # down repeat in it), but the first adds to it: columns it alone names
        # (a CSV) or a group heading's unit (投资额（亿元） over 总投资)
        h -= 1
        below = top[h + 1]
    elif h + 1 < len(top) and _is_subheader(top[h], top[h + 1]):
        below = top[h + 1]
    body_start = h + (2 if below is not None else 1)
    column_units: dict[int, str] = {}
    extra_rows: list[tuple[int, str]] = []
    while body_start < len(top):
        kind = _extra_header_kind(top[body_start], scores[h], lookup)
        if not kind:
            break
        if kind == "units":
            for j, v in enumerate(top[body_start]):
                unit = _UNITS_ROW_RE.match(v.replace(" ", "")) if v else None
                if unit and unit.group(1) in schema.MONEY_UNITS:
                    column_units[j] = unit.group(1)
        extra_rows.append((body_start, "unit line" if kind == "units" else "header"))
        body_start += 1
    meta["header_row"] = int(rownums[body_start - 1])
    # rows above the header: title and unit line
    unit_line = None
    for i in range(h):
        texts = [v for v in top[i] if v]
        row_no = int(rownums[i])
        if not texts:
            meta["skipped"].append(SkippedRow(row_no, "blank", "", sheet))
            continue
        joined = " ".join(dict.fromkeys(texts))
        m = _UNIT_LINE_RE.search(_norm_header(joined))
        if m:
            unit_line = m.group(1)
            meta["skipped"].append(SkippedRow(row_no, "unit line", joined, sheet))
            rest = _UNIT_LINE_RE.sub("", joined)
            rest = re.sub(r"[(（]\s*[)）]", "", rest).strip(" :：")
            if rest and meta["title"] is None and not rest.startswith(("单位", "金额")):
                meta["title"] = rest
            continue
        if meta["title"] is None and not _ATTACHMENT_RE.match(joined):
            meta["title"] = joined
        meta["skipped"].append(SkippedRow(row_no, "title", joined, sheet))
    for cell in top[h] + (below or []):
        m = _UNIT_LINE_RE.search(_norm_header(cell))
        if m and _match_header(cell, lookup)[0] is None:
            unit_line = m.group(1)
    if unit_line:
        meta["money_unit"] = unit_line
        meta["money_unit_declared"] = True
    table_unit = meta["money_unit"]

    # map columns
    # a heading wrapped inside its cell (总投资\n（亿元）) is one heading
    combined = [
        (re.sub(r"\s*[\r\n]+\s*", "", written), tries)
        for written, tries in _combine_headers(top[h], below)
    ]
    mapping: dict[int, str] = {}  # grid position -> canonical column
    written: dict[str, str] = {}  # canonical -> header as written
    units: dict[str, str] = {}
    extras: dict[int, str] = {}
    period_pos = None
    seq_pos = None
    for j, (as_written, tries) in enumerate(combined):
        col, unit = None, None
        for text in tries:
            col, unit = _match_header(text, lookup)
            if col:
                break
        if unit not in schema.MONEY_UNITS and j in column_units:
            unit = column_units[j]  # from a units row under the header
        if col == "__seq__":
            seq_pos = j
            continue
        if col == "__period__":
            period_pos = j
            continue
        body_col = grid.iloc[body_start:, j]
        if col and col in written and as_written == written[col]:
            if not (body_col.str.strip() != "").any():
                continue  # one heading merged across two printed columns
        if col and col in written:
            problems.append(
                _file_problem(
                    source,
                    "duplicate_header",
                    f"「{as_written}」与「{written[col]}」都对应列 {col}，只读取了前者「{written[col]}」",
                    f"columns '{as_written}' and '{written[col]}' both mean {col}; "
                    "only the first is read",
                    "请删除或改名重复的列",
                    WARNING,
                    table,
                    row=meta["header_row"],
                    column=as_written,
                )
            )
            col = None
        if col:
            mapping[j] = col
            written[col] = as_written
            if spec.column(col).is_money:
                units[col] = unit if unit in schema.MONEY_UNITS else table_unit
                if unit in schema.MONEY_UNITS:
                    meta["column_units"][as_written] = unit
        else:
            if not as_written and not (body_col != "").any():
                continue
            name = as_written or f"第{j + 1}列"
            while name in extras.values() or name in spec.column_names:
                name += "_"
            extras[j] = name

    body = grid.iloc[body_start:].reset_index(drop=True)
    body = body.apply(lambda col: col.str.strip()) if len(body) else body
    rows = rownums[body_start:]
    extra_reasons = dict(extra_rows)
    for i in range(h + 1, body_start):
        reason = extra_reasons.get(i, "header")
        text = " ".join(dict.fromkeys(v for v in top[i] if v))
        meta["skipped"].append(SkippedRow(int(rownums[i]), reason, text, sheet))
    # what a printed table repeats on each page: its title, unit line and header rows
    repeated = {
        " ".join(dict.fromkeys(v for v in top[i] if v)): reason
        for i, reason in (
            [(s.row - int(rownums[0]), s.reason) for s in meta["skipped"]]
            + [(i, extra_reasons.get(i, "header")) for i in range(h, body_start)]
        )
        if 0 <= i < len(top) and reason in ("title", "unit line", "header")
    }
    repeated.pop("", None)
    keep, section, skipped = _classify_rows(
        body, rows, mapping, seq_pos, spec, sheet, top[h], repeated
    )
    meta["skipped"].extend(skipped)

    # merged cells in CSV: fill grouping columns from the row above, within sections
    kept = body[keep].reset_index(drop=True)
    kept_rows = rows[keep]
    kept_section = section[keep].reset_index(drop=True)
    if not merged and len(kept):
        kept, fill_problems = _fill_group_blanks(
            kept, kept_rows, kept_section, mapping, written, table, source, meta
        )
        problems.extend(fill_problems)

    # parse every mapped column
    out: dict[str, pd.Series] = {}
    header_map = dict(written)
    for j, col in mapping.items():
        column = spec.column(col)
        parsed, col_problems = _parse_column(
            kept[j],
            kept_rows,
            column,
            source,
            written[col],
            table,
            spec.provider,
            units.get(col, table_unit),
        )
        out[col] = parsed
        problems.extend(col_problems)
        if col_problems:
            # cells already reported as unreadable: validation does not call them empty
            if column.kind == "text":
                failed = (
                    parsed.isna().to_numpy()
                    & ~kept[j].isin(list(TEXT_MISSING_TOKENS)).to_numpy()
                )
            else:
                failed = (
                    parsed.isna().to_numpy()
                    & ~kept[j].isin(list(MISSING_TOKENS)).to_numpy()
                )
            meta["bad_cells"][col] = kept_rows[failed]
    _infer_missing_columns(out, header_map, meta, kept, mapping, table)
    if period_pos is not None and table == "projects":
        period_written = combined[period_pos][0]
        starts, finishes, col_problems = _parse_period(
            kept[period_pos], kept_rows, source, period_written, table, spec.provider
        )
        if "planned_start" not in out:
            out["planned_start"] = starts
            header_map["planned_start"] = period_written
        if "planned_finish" not in out:
            out["planned_finish"] = finishes
            header_map["planned_finish"] = period_written
        used = period_written in (
            header_map["planned_start"],
            header_map["planned_finish"],
        )
        if used:
            problems.extend(col_problems)
        else:
            extras[period_pos] = period_written
    elif period_pos is not None:
        extras[period_pos] = combined[period_pos][0]

    n = len(kept)
    frame = pd.DataFrame(index=range(n))
    for column in spec.columns:
        if column.name in out:
            frame[column.name] = out[column.name].reset_index(drop=True)
        else:
            frame[column.name] = pd.Series([None] * n, dtype=object).astype(
                dtype_of(column.kind)
            )
    for j, name in extras.items():
        values = kept[j].str.strip()
        frame[name] = values.where(values != "")
    frame["section"] = kept_section.astype("str")
    frame["_source"] = pd.Series([source] * n, dtype="str")
    frame["_row"] = pd.Series(kept_rows, dtype="int64")
    frame = _with_dtypes(frame, table)
    if table_unit != schema.DEFAULT_MONEY_UNIT:
        meta["notes"].append(
            f"未注明单位的金额列按表内单位 {table_unit} 换算为万元 / money columns "
            f"without their own unit were read in {table_unit} and converted to 万元"
        )
    return frame, header_map, problems, meta


def _fill_group_blanks(
    kept: pd.DataFrame,
    rows: np.ndarray,
    section: pd.Series,
    mapping: dict[int, str],
    written: dict[str, str],
    table: str,
    source: str,
    meta: dict,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill blank grouping cells of a CSV from the row above, within each section."""
    problems: list[Problem] = []
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
        meta["notes"].append(note)
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
    return out, problems


def _single_year(text: str) -> int | None:
    """Return the one year a title names, or None when it names none or several."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))
    return int(years.pop()) if len(years) == 1 else None


def _infer_missing_columns(
    out: dict[str, pd.Series],
    header_map: dict[str, str],
    meta: dict,
    kept: pd.DataFrame,
    mapping: dict[int, str],
    table: str,
) -> None:
    """Fill absent year, month, plan_year and is_key columns from the month or title.

    Mutates ``out``, ``header_map`` and ``meta`` (all built by the caller for this
    sheet) and notes each inference in ``meta["notes"]``.
    """
    spec = schema.TABLES[table]
    n = len(kept)
    if not n:
        return
    inverse = {v: k for k, v in mapping.items()}
    month_header = header_map.get("month")
    if "year" in spec.column_names and "year" not in out and "month" in inverse:
        # 2021年1—6月 in the month column and no year column: take the year from it
        years = kept[inverse["month"]].str.extract(r"^\s*(\d{4})\s*[年\-/.]")[0]
        if years.notna().any():
            out["year"] = pd.to_numeric(years, errors="coerce").astype("Int64")
            header_map["year"] = month_header
            meta["notes"].append(
                f"年份取自「{month_header}」列 / year taken from the month"
            )
    title = meta["title"] or ""
    periods = _TITLE_PERIOD_RE.findall(title)
    if len(set(periods)) == 1:
        # a monthly report names its one period only in the title
        for name, value in zip(("year", "month"), map(int, periods[0]), strict=True):
            if name in spec.column_names and name not in out:
                out[name] = pd.Series([value] * n, dtype="Int64")
                header_map[name] = title
                meta["notes"].append(
                    f"{'年份' if name == 'year' else '月份'}取自标题「{title}」"
                    f" / {name} taken from the title: {value}"
                )
    if table == "projects":
        # a key-project plan states the plan year and "重点" only in its title
        year = _single_year(title)
        if "plan_year" not in out and year:
            out["plan_year"] = pd.Series([year] * n, dtype="Int64")
            header_map["plan_year"] = title
            meta["notes"].append(
                f"计划年度取自标题「{title}」 / plan_year taken from the title: {year}"
            )
        if "is_key" not in out and "重点" in title:
            out["is_key"] = pd.Series([True] * n, dtype="boolean")
            header_map["is_key"] = title
            meta["notes"].append(
                f"标题「{title}」表明均为重点项目 / every row read as a key project"
            )


def _classify_rows(
    body: pd.DataFrame,
    rows: np.ndarray,
    mapping: dict[int, str],
    seq_pos: int | None,
    spec: schema.Table,
    sheet: str,
    header: list[str] | None = None,
    repeated: dict[str, str] | None = None,
) -> tuple[np.ndarray, pd.Series, list[SkippedRow]]:
    """Return the data-row mask, the section of each row and the skipped rows.

    ``header`` is the header row's cells and ``repeated`` maps the text of each
    row above the body (title, unit line, header) to its reason: a printed table
    repeats them at the top of every page, and such rows are skipped again.
    """
    n = len(body)
    skipped: list[SkippedRow] = []
    section = pd.Series([np.nan] * n, dtype="object")
    if n == 0:
        return np.zeros(0, dtype=bool), section.astype("str"), skipped
    stripped = body  # already stripped by the caller
    nonempty = stripped != ""
    n_nonempty = nonempty.sum(axis=1).to_numpy()
    inverse = {v: k for k, v in mapping.items()}
    key_name = next(
        (c for c in spec.key if c in inverse and spec.column(c).kind == "text"),
        next(
            (c.name for c in spec.columns if c.kind == "text" and c.name in inverse),
            None,
        ),
    )
    key_empty = (
        (stripped[inverse[key_name]] == "").to_numpy()
        if key_name is not None
        else np.ones(n, dtype=bool)
    )
    text_positions = sorted(
        {j for j, c in mapping.items() if spec.column(c).kind in ("text", "enum")}
        | set(range(min(3, body.shape[1])))
        | ({seq_pos} if seq_pos is not None else set())
    )
    total_hit = np.zeros(n, dtype=bool)
    for j in text_positions:
        total_hit |= (
            stripped[j].str.contains("合计|总计|小计|共计", regex=True).to_numpy()
        )
    for j in range(min(3, body.shape[1])):
        total_hit |= _starts_like_section(stripped[j])
        total_hit |= _starts_like_note(stripped[j])
        total_hit |= _ends_like_count(stripped[j])
    seq_numeral = np.zeros(n, dtype=bool)
    if seq_pos is not None:
        maybe = np.array(
            stripped[seq_pos].str[:1].isin(_SECTION_FIRST_CHARS), dtype=bool
        )
        if maybe.any():
            sub_seq = stripped[seq_pos][maybe]
            seq_numeral[maybe] = (
                sub_seq.str.match(_NUMERAL_RE.pattern) & (sub_seq != "")
            ).to_numpy()
    # group rows named after a county (霞山区, 市直项目) in tables keyed by project
    county_rule = key_name not in (None, "region", "county")
    if county_rule:
        for j in range(min(3, body.shape[1])):
            total_hit |= stripped[j].isin(_COUNTY_SECTIONS).to_numpy()
    # an unused row of a form: only its pre-printed 序号 and the county (or
    # department) a merged cell spreads over it
    filler = [
        j
        for j, c in mapping.items()
        if c in GROUP_COLUMNS.get(spec.name, ()) and c not in spec.key
    ] + ([seq_pos] if seq_pos is not None else [])
    unused = np.zeros(n, dtype=bool)
    if filler:
        n_filler = nonempty[filler].sum(axis=1).to_numpy()
        unused = (n_nonempty > 0) & (n_nonempty == n_filler)
    # 1. 交通 / 1、交通: a third-level heading, alone on its row (data rows are full)
    arabic_section = np.zeros(n, dtype=bool)
    for j in [seq_pos] if seq_pos is not None else range(min(1, body.shape[1])):
        maybe = (n_nonempty <= 2) & np.array(
            stripped[j].str[:1].str.isdigit().fillna(False), dtype=bool
        )
        if maybe.any():
            arabic_section[maybe] = (
                stripped[j][maybe].str.match(_ARABIC_SECTION_RE.pattern).to_numpy()
            )
    # the header repeated on a later page: most cells equal their column's heading
    repeat_hit = np.zeros(n, dtype=bool)
    if header is not None:
        named = [j for j, v in enumerate(header[: body.shape[1]]) if v]
        same = np.zeros(n, dtype="int64")
        for j in named:
            same += (stripped[j] == header[j]).to_numpy()
        repeat_hit |= same * 2 > max(len(named), 2)
    if repeated:
        texts = list(repeated)
        for j in range(min(3, body.shape[1])):
            hit = stripped[j].isin(texts).to_numpy() & ~repeat_hit
            if hit.any():
                # the whole row is that one text (a merged title repeats it)
                sub = stripped[hit]
                one = (sub.eq(sub[j], axis=0) | (sub == "")).all(axis=1).to_numpy()
                hit[hit] = one
                repeat_hit |= hit
    candidates = np.flatnonzero(
        key_empty
        | total_hit
        | seq_numeral
        | arabic_section
        | repeat_hit
        | unused
        | (n_nonempty == 0)
    )
    name_pos = inverse.get("name")
    reason = np.array([""] * n, dtype=object)
    sec_text = {}
    in_notes = False
    sub = stripped.iloc[candidates]
    for pos, values in zip(candidates, sub.itertuples(index=False), strict=True):
        # candidates are section, total, note and blank rows: few in a real table
        texts = [v for v in values if v]
        uniq = list(dict.fromkeys(texts))
        if not texts:
            reason[pos] = "blank"
            continue
        first = texts[0]
        compact = [re.sub(r"\s+", "", v) for v in uniq[:4]]
        joined = " ".join(uniq)
        if repeat_hit[pos] and joined in (repeated or {}):
            reason[pos] = (repeated or {})[joined]
            continue
        if repeat_hit[pos] and header is not None:
            named = [j for j, v in enumerate(header[: len(values)]) if v]
            if sum(values[j] == header[j] for j in named) * 2 > max(len(named), 2):
                reason[pos] = "header"
                continue
        if in_notes or _NOTE_STRICT_RE.match(first):
            reason[pos] = "note"
            in_notes = True
            continue
        if any(_TOTAL_RE.match(v) for v in compact):
            reason[pos] = "subtotal" if any("小计" in v for v in compact) else "total"
            continue
        key_value = values[inverse[key_name]] if key_name is not None else ""
        if _SECTION_RE.match(first) or seq_numeral[pos] or arabic_section[pos]:
            if not key_value or key_value == first or key_value in uniq[:2]:
                text = first
                numeral = _NUMERAL_RE.match(first) or _ARABIC_SECTION_RE.fullmatch(
                    first
                )
                if numeral and len(uniq) > 1:
                    text = f"{first.rstrip('、.．')}、{uniq[1]}"
                reason[pos] = "section"
                sec_text[pos] = text
                continue
        name_value = values[name_pos] if name_pos is not None else ""
        heading_only = (not key_value or key_value == first) and (
            not name_value or name_value == first
        )
        if heading_only and (
            _COUNT_RE.search(first) or (county_rule and first in _COUNTY_SECTIONS)
        ):
            reason[pos] = "section"
            sec_text[pos] = first
            continue
        if _NOTE_RE.match(first) and len(uniq) == 1 and key_empty[pos]:
            reason[pos] = "note"
            in_notes = True
        elif unused[pos]:
            reason[pos] = "blank"
    # nested sections: （一） keeps its 一、 parent, 1. keeps both
    open_levels: list[tuple[int, str]] = []
    sec_values = []
    for pos in sorted(sec_text):
        text = sec_text[pos]
        if re.match(r"^\s*\d", text):
            level = 3
        elif re.match(r"^\s*[(（]", text):
            level = 2
        else:
            level = 1
        parents = [(lv, t) for lv, t in open_levels if lv < level]
        if level > 1 and not parents:
            parents = []  # a sub-heading with no heading above it stands alone
        open_levels = parents + [(level, text)]
        sec_values.append((pos, " / ".join(t for _, t in open_levels)))
    if sec_values:
        marks = pd.Series([np.nan] * n, dtype="object")
        for pos, text in sec_values:
            marks.iloc[pos] = text
        section = marks.ffill()
    keep = reason == ""
    for pos in np.flatnonzero(~keep):
        text = " ".join(dict.fromkeys(v for v in stripped.iloc[pos] if v))
        skipped.append(SkippedRow(int(rows[pos]), str(reason[pos]), text[:80], sheet))
    return keep, section.astype("str"), skipped


_SECTION_FIRST_CHARS = list("一二三四五六七八九十（(第")
#: A third-level heading numbered 1. / 1、 / 2． (a data row's 序号 has no mark).
_ARABIC_SECTION_RE = re.compile(r"^\s*\d{1,2}\s*[、.．](?!\d)\s*")
_COUNTY_SECTIONS = [
    *schema.COUNTIES,
    schema.CITY_LEVEL,
    *(f"{c}项目" for c in (*schema.COUNTIES, schema.CITY_LEVEL)),
]
_COUNT_RE = re.compile(r"[(（]\s*(?:共\s*)?\d+\s*个?项目?\s*[)）]$")


def _starts_like_section(column: pd.Series) -> np.ndarray:
    """Return rows that may open a section; the cheap first-character test first."""
    maybe = np.array(column.str[:1].isin(_SECTION_FIRST_CHARS), dtype=bool)
    if maybe.any():
        maybe[maybe] = column[maybe].str.match(_SECTION_RE.pattern).to_numpy()
    return maybe


_NOTE_FIRST_CHARS = list("注说备附资数填制审联NnSs")


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


def _with_dtypes(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    spec = schema.TABLES[table]
    out = frame.copy()
    for column in spec.columns:
        dtype = dtype_of(column.kind)
        if str(out[column.name].dtype) != dtype:
            out[column.name] = out[column.name].astype(dtype)
    for name in out.columns:
        if name not in spec.column_names and name not in schema.PROVENANCE_COLUMNS:
            out[name] = out[name].astype("str")
    return out


def _concat_frames(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    base = empty_table(table)
    if not frames:
        return base
    frames = [f for f in frames if len(f)] or frames[:1]
    spec = schema.TABLES[table]
    extras: list[str] = []
    for f in frames:
        extras += [
            c
            for c in f.columns
            if c not in spec.column_names
            and c not in schema.PROVENANCE_COLUMNS
            and c not in extras
        ]
    order = spec.column_names + extras + list(schema.PROVENANCE_COLUMNS)
    if len(frames) == 1:
        out = frames[0].reindex(columns=order)
    else:
        out = pd.concat([f.reindex(columns=order) for f in frames], ignore_index=True)
    return _with_dtypes(out, table)


# --- cells -------------------------------------------------------------------------


def _parse_column(
    raw: pd.Series,
    rows: np.ndarray,
    column: schema.Column,
    source: str,
    header: str,
    table: str,
    provider: str,
    money_unit: str,
) -> tuple[pd.Series, list[Problem]]:
    """Parse one column of cell texts into its canonical dtype; report bad cells."""
    text = raw  # stripped by the caller
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
            # statistical tables label the whole city 全市
            values = values.replace(_CITY_NAMES)
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
        if source_is_workbook(source):
            # a formula saved without its result (=E8 copying the county above)
            formula = values.str.startswith("=")
            unreadable.append(
                (np.array(formula.fillna(False), dtype=bool), "uncached_formula")
            )
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
        if kind == "pct":
            values, fraction = _fraction_to_percent(
                values, text, rows, source, header, table, provider
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
) -> tuple[pd.Series, list[Problem]]:
    """Read a share column written as fractions (0.6 for 60%) as percent, warning.

    A 0..100 share column whose every value lies in 0..1, with at least one
    strictly between, and no cell written with ``%`` was filled as fractions: a
    clerk who writes 0.6 under 资金落实比例(%) means 60%.
    """
    present = values.notna().to_numpy()
    if not present.any():
        return values, []
    v = values.to_numpy()[present]
    if not ((v >= 0) & (v <= 1)).all() or not ((v > 0) & (v < 1)).any():
        return values, []
    if text.str.contains("%", regex=False).any():
        return values, []
    first = int(rows[np.flatnonzero(present)[0]])
    note = f"「{header}」的值都在 0—1 之间，按小数填写的比例读取（0.6 读作 60%）"
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


def _parse_period(
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


def source_is_workbook(source: str) -> bool:
    """Return True for a problem source that names a workbook sheet (``a.xlsx#Sheet``)."""
    return "#" in source and source.split("#", 1)[0].lower().endswith(XLSX_SUFFIXES)


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
        formula = value.startswith("=") and source_is_workbook(source)
        if formula:
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
                "uncached_formula" if formula else check,
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


# --- small helpers -----------------------------------------------------------------


def _file_problem(
    file: str,
    check: str,
    zh: str,
    en: str,
    hint: str,
    severity: str,
    table: str = "",
    row: int | None = None,
    column: str | None = None,
) -> Problem:
    unit = schema.TABLES[table].provider if table else ""
    return Problem(severity, check, file, row, column, None, zh, en, hint, table, unit)


def _unmatched_problem(file: str) -> Problem:
    names = "、".join(f"{t}（{s.zh}）" for t, s in schema.TABLES.items())
    return _file_problem(
        file,
        "unmatched_file",
        "未能识别这个文件是哪张表，未读取",
        "file not matched to any table; not read",
        f"请按表名命名文件或工作表：{names}",
        WARNING,
    )


def _is_demo(folder: Path, files: Iterable[SourceFile]) -> bool:
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
