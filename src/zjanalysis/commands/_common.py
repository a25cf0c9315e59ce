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


def add_year(parser: argparse.ArgumentParser) -> None:
    """Add ``--year``, the plan year (default :data:`zjanalysis.defaults.PLAN_YEAR`)."""
    from zjanalysis import defaults

    parser.add_argument(
        "--year",
        type=int,
        default=defaults.PLAN_YEAR,
        help=f"计划年度 / plan year (default {defaults.PLAN_YEAR})",
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` (machine-readable output on stdout)."""
    parser.add_argument("--json", action="store_true", help="输出 JSON / print JSON")


def resolve_as_of(as_of: str | None, *, year: int, month: int | None) -> str | None:
    """Return the as-of month of ``--as-of`` or ``--month`` (of ``year``), or None.

    Raises
    ------
    ValueError
        With a plain message when the month is not 1..12 or the text is not a
        month such as 2021-06.

    Examples
    --------
    >>> resolve_as_of(None, year=2021, month=6), resolve_as_of("2021年3月", year=2020, month=None)
    ('2021-06', '2021-03')
    >>> resolve_as_of(None, year=2021, month=None) is None
    True
    """
    from zjanalysis.asof import AsOf

    if as_of:
        return str(AsOf.parse(as_of))
    if month is None:
        return None
    if not 1 <= int(month) <= 12:
        raise ValueError(f"月份应为 1—12 / --month must be 1..12, got {month}")
    return str(AsOf(year, month))


def print_refusal(result: Any, data_dir: str) -> None:
    """Print why an analysis drew no conclusion (its ``refusal``) to stderr.

    For data errors, also say how to list them on the command line.
    """
    print(result.refusal, file=sys.stderr)
    if getattr(result, "refusal_kind", "") == "errors":
        print(
            f"错误清单：zjanalysis validate {data_dir} / list them: "
            f"zjanalysis validate {data_dir}",
            file=sys.stderr,
        )


def print_view(view: Any, args: Any) -> int:
    """Print a report view for the command line and return the exit code.

    A refused result prints its refusal to stderr and exits 1 (nothing on
    stdout, so ``--json`` output is never a half answer); otherwise
    ``view.to_json()`` with ``--json``, else ``view.text()``, and exit 0.
    """
    if view.refusal:
        print_refusal(view.result, args.data_dir)
        return 1
    if getattr(args, "json", False):
        print_json(view.to_json())
    else:
        print(view.text())
    return 0


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
