"""Readers: the bytes of a CSV or XLSX file become grids of cell texts.

This module owns decoding (UTF-8 with or without BOM, GB18030, UTF-16), the
delimiter of a CSV, the text of an Excel cell (dates, booleans, percent formats),
merged ranges, formulas saved without their results and the run of blank rows
after which a sheet is not read further. A grid is a frame of strings with
integer column labels; nothing here knows about tables or headers.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

#: Consecutive empty worksheet rows after which the rest of a sheet is not read.
MAX_BLANK_XLSX_ROWS = 5_000


class RawSheet(NamedTuple):
    """One sheet (or a CSV file) as read: its grid of texts and where it came from.

    Attributes
    ----------
    grid : pandas.DataFrame
        Cell texts (``""`` for an empty cell), columns labelled ``0, 1, …``.
    rownums : numpy.ndarray
        The row number of each grid row as the user sees it in Excel (from 1).
    merged : bool
        True when merged ranges were spread over their cells (workbooks).
    """

    grid: pd.DataFrame
    rownums: np.ndarray
    merged: bool


#: No table of the contract comes near this many columns: a row this wide is a
#: file with a lost line end or a wrong separator, and reading it would take minutes.
MAX_CSV_COLUMNS = 500


def _too_wide(width: int) -> str:
    return f"有一行超过 {MAX_CSV_COLUMNS} 列（已读到 {width:,} 列），可能缺少换行或分隔符有误"


def read_csv_grid(path: Path) -> tuple[dict[str, RawSheet], str, str | None]:
    """Return ``({"": sheet}, encoding, None)``, or ``({}, encoding, error text)``."""
    try:
        encoding = _detect_encoding(path)
    except (OSError, UnicodeDecodeError) as exc:
        return {}, "", str(exc)
    with open(path, encoding=encoding, newline="") as fh:
        head = fh.read(1 << 16)
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    sample = list(csv.reader(head.splitlines()[:200], delimiter=delimiter))
    width = max((len(r) for r in sample), default=1) or 1
    if width > MAX_CSV_COLUMNS:
        return {}, encoding, _too_wide(width)
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
        if width > MAX_CSV_COLUMNS:
            return {}, encoding, _too_wide(width)
        rows = [r + [""] * (width - len(r)) for r in rows]
        grid = pd.DataFrame(rows, columns=list(range(width)), dtype="str")
    except (OSError, ValueError) as exc:
        return {}, encoding, str(exc)
    grid = grid.fillna("")
    rownums = np.arange(1, len(grid) + 1, dtype="int64")
    return {"": RawSheet(grid, rownums, False)}, encoding, None


def _detect_encoding(path: Path) -> str:
    """Return the encoding of a text file: a BOM's, else UTF-8, else GB18030."""
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


def read_xlsx(path: Path) -> tuple[dict[str, RawSheet], str, str | None]:
    """Return every worksheet as a sheet, with merged ranges spread over their cells.

    The error text is not None (and no sheet is returned) when the file cannot
    be opened as a workbook.
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        if _is_encrypted(path):
            return (
                {},
                "xlsx",
                "文件设置了打开密码（已加密），请在 Excel/WPS 中取消密码后另存",
            )
        return {}, "xlsx", f"{type(exc).__name__}: {exc}"
    formulas = _uncached_formulas(path)
    sheets: dict[str, RawSheet] = {}
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
        rownums = np.arange(1, len(grid) + 1, dtype="int64")
        sheets[ws.title] = RawSheet(grid, rownums, merged)
    wb.close()
    return sheets, "xlsx", None


_UNCACHED_FORMULA_RE = re.compile(
    rb"<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


def _is_encrypted(path: Path) -> bool:
    """True for a password-protected workbook: Excel wraps it in an OLE file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> _ = f.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"EncryptedPackage")
    >>> _is_encrypted(f)
    True
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    return head.startswith(bytes.fromhex("d0cf11e0a1b11ae1")) and (
        b"EncryptedPackage" in head or "EncryptedPackage".encode("utf-16-le") in head
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
    """Return an openpyxl cell's value as the text a clerk sees in the cell."""
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
    if isinstance(value, int | float) and "%" in str(cell.number_format or ""):
        # a percentage cell stores 1 for 100% and 0.6 for 60%: read what it shows
        value = round(float(value) * 100, 10)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)
