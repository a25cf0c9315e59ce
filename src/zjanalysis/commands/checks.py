"""``zjanalysis checks``: audit the annual plan against the rules of the minutes.

Exit code 0 when every check passes, 1 when any fails (or the data have errors).
"""

from __future__ import annotations

import argparse
import sys

from zjanalysis import checks
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    add_year,
    load_or_report,
    print_json,
    print_refusal,
    resolve_as_of,
)
from zjanalysis.reports.checks import ChecksView

HELP = "计划完整性检查：三分之二、责任主体、三个计划衔接、三旧、调整审批、统计 / plan-integrity checks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the checks subcommand's arguments."""
    add_data_dir(parser)
    add_year(parser)
    parser.add_argument(
        "--as-of",
        default=None,
        help="数据截止月份，统计核对用此月 / last month of data, e.g. 2021-06 "
        "(default: the latest month in the statistics)",
    )
    parser.add_argument(
        "--month",
        type=int,
        default=None,
        help="同 --as-of 计划年度的该月 / shorthand for --as-of YEAR-MONTH",
    )
    parser.add_argument(
        "--stats-tolerance",
        type=float,
        default=10.0,
        help="填报与统计差异容差(%%) / allowed difference in percent (default 10)",
    )
    parser.add_argument(
        "--funding-tolerance",
        type=float,
        default=0.5,
        help="资金缺口容差(万元) / funding gap allowed, in 万元 (default 0.5)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=5,
        help="每项检查列出的问题行数 / offending rows shown per check (default 5)",
    )
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    """Load the data folder, run every check, print verdicts.

    Exit 0 when every check passes; 1 when any fails, has no data, or the data
    have errors in the tables the checks read; 2 on a bad option.
    """
    try:
        as_of = resolve_as_of(args.as_of, year=args.year, month=args.month)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    result = checks.run_checks_for_dataset(
        ds,
        year=args.year,
        as_of=as_of,
        funding_tolerance_wan=args.funding_tolerance,
        stats_tolerance_pct=args.stats_tolerance,
    )
    if result.refusal:
        print_refusal(result, args.data_dir)
        return 1
    view = ChecksView(result)
    if args.json:
        print_json(view.to_json())
    else:
        print(view.text(max_rows=args.rows))
    return 0 if result.passed else 1
