"""Pieces every subcommand shares: help layout, loading a data folder, printing JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from pathlib import Path
from typing import Any

#: Characters a line must not start with (Chinese closing punctuation, and
#: ASCII marks that close a phrase): they stay at the end of the line before.
_NO_LINE_START = set("，。、：；！？）》」』】〕…—％,.;:!?)]}%")
#: Characters a line must not end with: they go to the start of the next.
_NO_LINE_END = set("（《「『【〔([{")


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes.

    Wide and full-width characters (Chinese, ``（``) take two; so do the
    ambiguous ones (``—``, ``…``, ``×``), as a Chinese Windows console shows
    them. Combining marks take none.

    Examples
    --------
    >>> display_width("abc"), display_width("数据目录"), display_width("1—6月")
    (3, 8, 6)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1
    return width


def _tokens(text: str) -> list[str]:
    """Split text into the pieces a line may break between.

    A run of spaces, a word of narrow characters, or one wide character, with
    punctuation that may not start (or end) a line kept with its neighbour.
    """
    pieces: list[str] = []
    for ch in text:
        wide = display_width(ch) == 2 and ch not in _NO_LINE_START
        prev = pieces[-1] if pieces else ""
        if not prev:
            pieces.append(ch)
        elif ch.isspace():
            if prev.isspace():
                pieces[-1] += ch
            else:
                pieces.append(ch)
        elif ch in _NO_LINE_START and not prev.isspace():
            pieces[-1] += ch
        elif prev[-1] in _NO_LINE_END:
            pieces[-1] += ch
        elif wide or prev.isspace() or display_width(prev[-1]) == 2:
            pieces.append(ch)
        else:
            pieces[-1] += ch
    return pieces


def wrap_display(text: str, width: int) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` terminal columns.

    Breaks at spaces, and between Chinese characters (which have no spaces),
    never before a closing mark such as ``，`` or ``）``. A piece wider than a
    line (a long path) is cut.

    Examples
    --------
    >>> wrap_display("数据目录 / data folder, e.g. data/demo", 14)
    ['数据目录 /', 'data folder,', 'e.g. data/demo']
    >>> wrap_display("只生成指定报告，可重复", 8)
    ['只生成指', '定报告，', '可重复']
    """
    width = max(width, 2)
    lines: list[str] = []
    line, used = "", 0
    for piece in _tokens(" ".join(text.split())):
        size = display_width(piece)
        if piece.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
        while size > width:  # a single piece wider than the line
            cut, taken = "", 0
            for ch in piece:
                if taken + display_width(ch) > width:
                    break
                cut, taken = cut + ch, taken + display_width(ch)
            lines.append(cut)
            piece = piece[len(cut) :]
            size = display_width(piece)
        line, used = line + piece, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """Lay out ``--help`` by screen columns, not characters.

    argparse counts characters, so a Chinese help line takes up to twice the
    columns it planned and wraps on an 80-column terminal; this formatter wraps
    the help texts and descriptions with :func:`wrap_display`.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_display(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = wrap_display(text, width - len(indent))
        return "\n".join(indent + line for line in lines)


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
