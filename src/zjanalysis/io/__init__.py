"""Load a data folder into canonical frames: the only package that reads data files.

:func:`load_dataset` reads every CSV, XLSX and XLS file of a data folder, matches each
file (or workbook sheet) to a table of the data contract (:mod:`zjanalysis.schema`),
finds the header of printed tables, converts money to 万元, parses numbers, months,
dates, 是/否 and status values column-wise, and then runs every check of
:mod:`zjanalysis.validation`. It never raises on a user's data mistake: each one
becomes a :class:`~zjanalysis.problems.Problem` in ``Dataset.report``, with the
file, the row as the user sees it in Excel and the column header as written.

Notes
-----
The package is split by layer, each module using only those above it:

- :mod:`~zjanalysis.io.headers`: a header cell's text -> contract column and unit;
- :mod:`~zjanalysis.io.files`: which files are data, which table a file or sheet
  is (the matching rules), checksums, problems about a whole file;
- :mod:`~zjanalysis.io.readers`: CSV/XLSX/XLS bytes -> grids of cell texts;
- :mod:`~zjanalysis.io.cells`: a column of cell texts -> a typed column, and the
  problems of unreadable cells;
- :mod:`~zjanalysis.io.layout`: a sheet's header block (header rows, title, unit
  line, units row) -> :class:`SheetLayout`;
- :mod:`~zjanalysis.io.rows`: the row rules of a table's body (blank, repeated
  page header, note, total, section heading, ...);
- :mod:`~zjanalysis.io.frames`: canonical dtypes, empty frames, concatenation;
- :mod:`~zjanalysis.io.sheet`: one grid read as one table -> canonical frame;
- :mod:`~zjanalysis.io.manifest`: ``data/raw/MANIFEST.csv`` checks;
- :mod:`~zjanalysis.io.dataset`: :func:`load_dataset`, :class:`Dataset`,
  :class:`SourceFile`.

Everything other modules use is importable from here (``from zjanalysis import
io; io.load_dataset(...)``).
"""

from zjanalysis.io.cells import (
    FORMULA_HINT,
    MAX_PROBLEMS_PER_COLUMN,
    MISSING_TOKENS,
    TEXT_MISSING_TOKENS,
    YEAR_RANGE,
)
from zjanalysis.io.dataset import Dataset, SourceFile, load_dataset
from zjanalysis.io.files import (
    CSV_SUFFIXES,
    IGNORED_NAMES,
    WORKBOOK_SUFFIXES,
    XLS_SUFFIXES,
    XLSX_SUFFIXES,
    file_sha256,
    match_table,
    source_is_workbook,
)
from zjanalysis.io.frames import dtype_of, empty_table, save_frame
from zjanalysis.io.headers import PERIOD_HEADERS, SEQ_HEADERS
from zjanalysis.io.layout import SheetLayout, SkippedRow
from zjanalysis.io.manifest import verify_manifest
from zjanalysis.io.readers import MAX_BLANK_XLSX_ROWS, MAX_COLUMNS
from zjanalysis.io.rows import GROUP_COLUMNS

__all__ = [
    "CSV_SUFFIXES",
    "FORMULA_HINT",
    "GROUP_COLUMNS",
    "IGNORED_NAMES",
    "MAX_BLANK_XLSX_ROWS",
    "MAX_COLUMNS",
    "MAX_PROBLEMS_PER_COLUMN",
    "MISSING_TOKENS",
    "PERIOD_HEADERS",
    "SEQ_HEADERS",
    "TEXT_MISSING_TOKENS",
    "WORKBOOK_SUFFIXES",
    "XLSX_SUFFIXES",
    "XLS_SUFFIXES",
    "YEAR_RANGE",
    "Dataset",
    "SheetLayout",
    "SkippedRow",
    "SourceFile",
    "dtype_of",
    "empty_table",
    "file_sha256",
    "load_dataset",
    "match_table",
    "save_frame",
    "source_is_workbook",
    "verify_manifest",
]
