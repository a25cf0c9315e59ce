"""Pieces every subcommand shares: loading a data folder, printing JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """Add the positional DATA_DIR argument."""
    parser.add_argument(
        "data_dir", metavar="DATA_DIR", help="数据目录 / data folder, e.g. data/demo"
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` (machine-readable output on stdout)."""
    parser.add_argument("--json", action="store_true", help="输出 JSON / print JSON")


def load_or_report(data_dir: str, allow_errors: bool = False):
    """Load ``data_dir``; on data errors print them plainly and return None.

    Returns the :class:`zjanalysis.io.Dataset`, or None when the folder is
    missing or (unless ``allow_errors``) the data have errors; the caller then
    exits 1. Never raises on a user's data mistake.
    """
    from zjanalysis import io

    path = Path(data_dir)
    if not path.is_dir():
        print(
            f"找不到数据目录「{data_dir}」/ data folder not found: {data_dir}",
            file=sys.stderr,
        )
        return None
    ds = io.load_dataset(path)
    if ds.report.errors and not allow_errors:
        n = len(ds.report.errors)
        print(
            f"数据有 {n} 个错误，请先修正后再分析（详见 zjanalysis validate {data_dir}）\n"
            f"The data have {n} errors; fix them first (see: zjanalysis validate {data_dir})",
            file=sys.stderr,
        )
        for p in ds.report.errors[:10]:
            print(p.format(), file=sys.stderr)
        if n > 10:
            print(f"…… 另有 {n - 10} 个错误 / {n - 10} more", file=sys.stderr)
        return None
    return ds


def to_jsonable(obj: Any) -> Any:
    """Turn frames, numpy scalars and NaN into plain JSON values (NaN -> null)."""
    import numpy as np
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (pd.Timestamp,)):
        return obj.date().isoformat() if not pd.isna(obj) else None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return None if math.isnan(obj) else float(obj)
    return obj


def print_json(obj: Any) -> None:
    """Print ``obj`` as UTF-8 JSON (Chinese kept readable)."""
    print(json.dumps(to_jsonable(obj), ensure_ascii=False, indent=2))
