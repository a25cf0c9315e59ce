"""Canonical frames: their dtypes, the empty frame of a table, concatenation, saving.

A canonical frame has the contract columns in contract order with the dtypes of
:mod:`zjanalysis.schema`'s docstring, then extra columns (as text), then
``section``, ``_source`` and ``_row``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zjanalysis import paths, schema
from zjanalysis.schema import dtype_of, empty_table

__all__ = ["dtype_of", "empty_table", "save_frame"]


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


def with_dtypes(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``frame`` with the contract dtypes, and extra columns as text."""
    spec = schema.TABLES[table]
    wanted = {c.name: dtype_of(c.kind) for c in spec.columns}
    for name in frame.columns:
        if name not in wanted and name not in schema.PROVENANCE_COLUMNS:
            wanted[name] = "str"
    # one astype for every column that differs (thousands of extra columns)
    change = {c: d for c, d in wanted.items() if str(frame[c].dtype) != d}
    return frame.astype(change) if change else frame.copy()


def concat_frames(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Return the rows of every file's frame of ``table`` as one canonical frame."""
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
    return with_dtypes(out, table)
