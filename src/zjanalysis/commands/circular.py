"""``zjanalysis circular``: the monthly circular of investment completed."""

from __future__ import annotations

import argparse
import sys

from zjanalysis import circular
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    add_year,
    load_or_report,
    print_view,
    resolve_as_of,
)
from zjanalysis.reports.circular import CircularView

HELP = "月度通报：各县（市、区）和部门完成投资、排名、滞后项目、征地拆迁 / monthly circular"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the circular subcommand's arguments."""
    add_data_dir(parser)
    add_year(parser)
    parser.add_argument(
        "--as-of",
        default=None,
        help="通报截止月份 / last month of data, e.g. 2021-06 (default: --month of --year)",
    )
    parser.add_argument(
        "--month",
        type=int,
        default=6,
        help="截止月份 1-12，同 --as-of YEAR-MONTH / as-of month (default 6)",
    )
    parser.add_argument(
        "--amber",
        type=float,
        default=5.0,
        help="黄灯：落后应完成进度超过几个百分点 / amber when this many points behind (default 5)",
    )
    parser.add_argument(
        "--red",
        type=float,
        default=10.0,
        help="红灯：落后应完成进度超过几个百分点 / red when this many points behind (default 10)",
    )
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    """Load the data folder, compute the circular, print text or JSON.

    Exit 0 with a circular; 1 when the data have errors in the tables it reads
    or do not cover the month; 2 on a bad option.
    """
    try:
        as_of = resolve_as_of(args.as_of, year=args.year, month=args.month)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.red < args.amber:
        print(
            "--red 不能小于 --amber / --red must be at least --amber", file=sys.stderr
        )
        return 2
    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    result = circular.compute_circular_for_dataset(
        ds, year=args.year, as_of=as_of, amber_gap_pp=args.amber, red_gap_pp=args.red
    )
    return print_view(CircularView(result), args)
