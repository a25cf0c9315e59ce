"""Readers: the bytes of a CSV, XLSX or XLS file become grids of cell texts.

This module owns decoding (UTF-8 with or without BOM, GB18030, UTF-16), the
delimiter of a CSV, the text of an Excel cell (dates, booleans, percent formats),
merged ranges, formulas saved without their results, hidden sheets, the widest
sheet read (:data:`MAX_COLUMNS`) and the run of blank rows after which a sheet
is not read further. A grid is a frame of strings with integer column labels;
nothing here knows about tables or headers.

Notes
-----
``.xlsx`` workbooks are read with openpyxl (it keeps number formats: a ``0%``
cell holding 1 shows 100%); ``.xls`` workbooks (Excel 97—2003, WPS) with
python-calamine, which returns values and merged ranges but no number formats.
What a file is comes from its first bytes, not its name: an ``.xls`` that is
really an ``.xlsx`` (or the reverse) is read as what it is.
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
    formulas : frozenset of (int, int)
        Grid positions (row, column) of formula cells saved without their
        result; their text is the formula (``=E8``). A text cell that merely
        starts with ``=`` is not one.
    hidden : bool
        True for a sheet hidden in Excel (not read as data).
    refused : str
        Why the sheet was not read (too wide), ``""`` when it was; the grid is
        then empty.
    merges : tuple of (int, int, int, int)
        The merged ranges spread, as grid positions ``(first row, first column,
        last row, last column)``, inclusive.
    hidden_rows : frozenset of int
        Grid positions of the rows hidden in Excel (hidden by hand or by a
        filter).
    number_formats : bool
        False when the file keeps no number formats the reader sees (``.xls``):
        a ``0%`` cell holding 1 (100%) then reads as 1.
    hidden_columns : frozenset of int
        Grid positions of the columns hidden in Excel.
    """

    grid: pd.DataFrame
    rownums: np.ndarray
    merged: bool
    formulas: frozenset = frozenset()
    hidden: bool = False
    refused: str = ""
    merges: tuple = ()
    hidden_rows: frozenset = frozenset()
    number_formats: bool = True
    hidden_columns: frozenset = frozenset()


#: No table of the contract comes near this many columns: a CSV row this wide is
#: a file with a lost line end or a wrong separator, a sheet this wide is not a
#: table, and reading either would take long. Wider files and sheets are refused.
MAX_COLUMNS = 500


def _too_wide(width: int) -> str:
    return (
        f"有一行超过 {MAX_COLUMNS} 列（已读到 {width:,} 列），可能缺少换行或分隔符有误"
    )


def _sheet_too_wide(width: int) -> str:
    return (
        f"工作表有数据的列多达 {width:,} 列，超过 {MAX_COLUMNS} 列的上限，未读取"
        "（数据表不会有这么多列：可能是转置的表或整行填满的格式）"
    )


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
    if width > MAX_COLUMNS:
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
        if width > MAX_COLUMNS:
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


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_PASSWORD_MESSAGE = "文件设置了打开密码（已加密），请在 Excel/WPS 中取消密码后另存"


def read_workbook(path: Path) -> tuple[dict[str, RawSheet], str, str | None]:
    """Return every worksheet of an ``.xlsx`` or ``.xls`` file (see :func:`read_xlsx`).

    The first bytes decide how it is read: a zip archive is an ``.xlsx``, an
    OLE file an ``.xls`` (or a password-protected ``.xlsx``), whatever its name.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return {}, "", str(exc)
    if head.startswith(_OLE_MAGIC) and not _is_encrypted(path):
        return read_xls(path)
    if not head.startswith(_ZIP_MAGIC) and path.suffix.lower() == ".xls":
        return read_xls(path)  # calamine names what the file is
    return read_xlsx(path)


def read_xlsx(path: Path) -> tuple[dict[str, RawSheet], str, str | None]:
    """Return every worksheet as a sheet, with merged ranges spread over their cells.

    The error text is not None (and no sheet is returned) when the file cannot
    be opened as a workbook.
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # a file object: openpyxl refuses a workbook by its name (.xls)
            with open(path, "rb") as fh:
                wb = openpyxl.load_workbook(fh, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        if _is_encrypted(path):
            return {}, "xlsx", _PASSWORD_MESSAGE
        return {}, "xlsx", f"{type(exc).__name__}: {exc}"
    formulas = _uncached_formulas(path)
    sheets: dict[str, RawSheet] = {}
    for ws in wb.worksheets:
        n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
        rows: list[list[str]] = []
        blank_run = 0
        uncached = formulas.get(ws.title, {})
        positions: set[tuple[int, int]] = set()
        for row in ws.iter_rows(min_row=1, max_row=n_rows, min_col=1, max_col=n_cols):
            texts = [_cell_text(c) for c in row]
            if uncached:
                # keep the formula text: the cell is then reported, never read as empty
                for c in row:
                    if c.value is None and (c.row, c.column) in uncached:
                        texts[c.column - 1] = uncached[(c.row, c.column)]
                        positions.add((c.row - 1, c.column - 1))
            rows.append(texts)
            blank_run = 0 if any(texts) else blank_run + 1
            if blank_run >= MAX_BLANK_XLSX_ROWS:
                break  # formatting, not data, runs on down the sheet
        merged = [
            (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
            for r in ws.merged_cells.ranges
        ]
        hidden = ws.sheet_state != "visible"
        hidden_rows = frozenset(
            i - 1 for i, dim in ws.row_dimensions.items() if dim.hidden
        )
        hidden_columns = frozenset(
            j
            for dim in ws.column_dimensions.values()
            if dim.hidden and dim.min
            for j in range(dim.min - 1, min(dim.max or dim.min, n_cols))
        )
        sheets[ws.title] = _raw_sheet(
            rows,
            merged,
            frozenset(positions),
            hidden,
            hidden_rows,
            hidden_columns=hidden_columns,
        )
    wb.close()
    return sheets, "xlsx", None


def read_xls(path: Path) -> tuple[dict[str, RawSheet], str, str | None]:
    """Return every worksheet of an Excel 97—2003 ``.xls`` file (python-calamine).

    Merged ranges are spread over their cells as for ``.xlsx``. Number formats
    are not available: a ``0%`` cell holding 1 is read as 1 (see
    :mod:`zjanalysis.io.cells` for how share columns written as fractions are
    read).
    """
    import python_calamine

    try:
        # from the bytes: calamine picks the format by the name otherwise
        with open(path, "rb") as fh:
            wb = python_calamine.CalamineWorkbook.from_filelike(fh)
        metas = list(wb.sheets_metadata)
    except Exception as exc:  # calamine raises its own error on a damaged file
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            return {}, "xls", _PASSWORD_MESSAGE
        return {}, "xls", f"{type(exc).__name__}: {exc}"
    sheets: dict[str, RawSheet] = {}
    for meta in metas:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue  # a chart sheet holds no cells
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
        except Exception as exc:  # one damaged sheet: the file cannot be trusted
            return {}, "xls", f"{type(exc).__name__}: {exc}"
        rows = []
        blank_run = 0
        for row in values:
            texts = [_value_text(v) for v in row]
            rows.append(texts)
            blank_run = 0 if any(texts) else blank_run + 1
            if blank_run >= MAX_BLANK_XLSX_ROWS:
                break
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
        sheets[meta.name] = _raw_sheet(
            rows, merged, frozenset(), hidden, number_formats=False
        )
    wb.close()
    return sheets, "xls", None


def _raw_sheet(
    rows: list[list[str]],
    merged: list[tuple[int, int, int, int]],
    formulas: frozenset,
    hidden: bool,
    hidden_rows: frozenset = frozenset(),
    *,
    number_formats: bool = True,
    hidden_columns: frozenset = frozenset(),
) -> RawSheet:
    """Return a sheet's grid: merged ranges spread, empty rows and columns trimmed.

    ``merged`` holds ``(first row, first column, last row, last column)`` from
    0, inclusive. A sheet wider than :data:`MAX_COLUMNS` (after its empty
    columns on the right are dropped) is refused: its grid is empty.
    """
    while rows and not any(rows[-1]):
        rows.pop()
    # the columns with text: a merged range or formatting running on to the
    # right adds none (a merged cell's text stands in its first column)
    n_cols = max(
        (max((j + 1 for j, v in enumerate(r) if v), default=0) for r in rows),
        default=0,
    )
    if n_cols > MAX_COLUMNS:
        empty = np.zeros(0, dtype="int64")
        refused = _sheet_too_wide(n_cols)
        return RawSheet(
            pd.DataFrame(),
            empty,
            False,
            hidden=hidden,
            refused=refused,
            number_formats=number_formats,
        )
    rows = [r[:n_cols] + [""] * (n_cols - len(r)) for r in rows]
    spread = False
    merges = []
    for r0, c0, r1, c1 in merged:
        if r0 >= len(rows) or c0 >= n_cols:
            continue
        top = rows[r0][c0]
        r1, c1 = min(r1, len(rows) - 1), min(c1, n_cols - 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                rows[r][c] = top
        spread = True
        merges.append((r0, c0, r1, c1))
    grid = pd.DataFrame(rows, columns=list(range(n_cols)), dtype="str").fillna("")
    rownums = np.arange(1, len(grid) + 1, dtype="int64")
    kept = frozenset((r, c) for r, c in formulas if r < len(rows) and c < n_cols)
    hidden_rows = frozenset(r for r in hidden_rows if r < len(rows))
    return RawSheet(
        grid,
        rownums,
        spread,
        kept,
        hidden,
        merges=tuple(merges),
        hidden_rows=hidden_rows,
        number_formats=number_formats,
        hidden_columns=frozenset(j for j in hidden_columns if j < n_cols),
    )


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
            with open(path, "rb") as fh:
                wb = openpyxl.load_workbook(fh, data_only=False)
    except Exception:  # the data_only read reports a damaged file
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in wb.worksheets:
        cells = {
            (c.row, c.column): c.value
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f" and isinstance(c.value, str)
        }
        if cells:
            out[ws.title] = cells
    wb.close()
    return out


def _cell_text(cell) -> str:
    """Return an openpyxl cell's value as the text a clerk sees in the cell."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "%" in str(cell.number_format or ""):
            # a percentage cell stores 1 for 100% and 0.6 for 60%: read what it shows
            value = round(float(value) * 100, 10)
    return _value_text(value)


def _value_text(value) -> str:
    """Return a cell value (openpyxl or calamine) as text: dates ISO, 是/否, numbers."""
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
    if isinstance(value, _dt.timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)
