"""Which files of a data folder hold data, and which contract table each one is.

This module owns the rules that match a file (or a workbook sheet) to a table of
the data contract (:mod:`zjanalysis.schema`), the checksum of a file, and the
problems that are about a whole file or sheet rather than one of its cells.

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
   by rule 4; when no sheet is, the sheet whose header names most columns of the
   table the file name names is read (so a ``填表说明`` sheet in front is passed
   over);
4. otherwise the file's (or sheet's) header row is compared with every table and
   it is read as the table whose columns it names best (at least three, all the
   required ones, in a row made mostly of column names), with a warning;
5. anything else is listed as an unmatched file or sheet (a warning), never
   ignored. ``README*``, ``MANIFEST*``, hidden files and Excel lock files
   (``~$…``) are skipped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pandas as pd

from zjanalysis import schema
from zjanalysis.io.headers import lookup_header, match_header, score_row, top_rows
from zjanalysis.problems import WARNING, Problem

#: File types the loader reads.
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Excel 97—2003 workbooks (also what WPS saves as 「Excel 97-2003 工作簿」).
XLS_SUFFIXES = (".xls",)
#: Every workbook type: each sheet is matched and read on its own.
WORKBOOK_SUFFIXES = XLSX_SUFFIXES + XLS_SUFFIXES
#: Files in a data folder that are documentation, not data.
IGNORED_NAMES = ("readme", "manifest", "license", "demo")


def file_sha256(path: str | Path) -> str:
    """Return the sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


def source_is_workbook(source: str) -> bool:
    """Return True for a problem source that names a workbook sheet (``a.xlsx#Sheet``).

    Examples
    --------
    >>> source_is_workbook("projects.xlsx#项目台账"), source_is_workbook("a.csv")
    (True, False)
    """
    head = source.split("#", 1)[0].lower()
    return "#" in source and head.endswith(WORKBOOK_SUFFIXES)


def data_files(folder: Path) -> list[Path]:
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


def assign_sheets(
    stem: str, sheets: dict[str, tuple], is_workbook: bool
) -> list[tuple[str, str | None, str]]:
    """Return ``(sheet, table or None, how)`` for the sheets of one file.

    ``how`` is ``name`` (the file name), ``sheet`` (the sheet name) or
    ``headers`` (guessed from the header row, rule 4 of the module notes).
    """
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
            lookup = lookup_header(by_name)

            def score(sheet: str) -> int:
                rows = top_rows(sheets[sheet][0], 30)
                return max((score_row(r, lookup) for r in rows), default=0)

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
    lookup = lookup_header(table)
    scores = [score_row(r, lookup) for r in top_rows(grid, 30)]
    return table if max(scores, default=0) >= 2 else None


def _guess_table(grid: pd.DataFrame) -> str | None:
    top = top_rows(grid, 30)
    best, best_score = None, 0
    for name in schema.TABLES:
        lookup = lookup_header(name)
        required = {c.name for c in schema.TABLES[name].columns if c.required}
        for row in top:
            cells = [v for v in row if v]
            matched = [match_header(v, lookup)[0] for v in cells]
            hits = {m for m in matched if m and not m.startswith("__")}
            # a header row: mostly column names, and at least three of this table
            header_like = sum(m is not None for m in matched) * 2 >= len(cells)
            # at least three columns and half the required ones: a title may
            # supply plan year and key status, a header row the rest
            enough = len(hits) >= 3 and 2 * len(required & hits) >= len(required)
            if header_like and enough and len(hits) > best_score:
                best, best_score = name, len(hits)
    return best


def file_problem(
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
    """Return a problem about a whole file or sheet (or one header cell of it)."""
    unit = schema.TABLES[table].provider if table else ""
    return Problem(severity, check, file, row, column, None, zh, en, hint, table, unit)


def unmatched_problem(file: str) -> Problem:
    names = "、".join(f"{t}（{s.zh}）" for t, s in schema.TABLES.items())
    return file_problem(
        file,
        "unmatched_file",
        "未能识别这个文件是哪张表，未读取",
        "file not matched to any table; not read",
        f"请按表名命名文件或工作表：{names}",
        WARNING,
    )
