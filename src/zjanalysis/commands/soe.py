"""``zjanalysis soe``: check every state-owned enterprise's plan against +20%."""

from __future__ import annotations

import argparse
import sys

from zjanalysis import defaults, soe
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    add_year,
    load_or_report,
    print_view,
)
from zjanalysis.reports.soe import SoeView

HELP = "国有企业在湛投资计划检查：增长、缺口、项目支撑、执行进度 / SOE plan check"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the soe subcommand's arguments."""
    add_data_dir(parser)
    add_year(parser)
    parser.add_argument(
        "--as-of",
        default=defaults.AS_OF,
        help=f"数据截止月份 / last month of data (default {defaults.AS_OF})",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=defaults.TARGET_GROWTH_PCT,
        help=f"增长目标(%%) / required growth in percent (default {defaults.TARGET_GROWTH_PCT:g})",
    )
    parser.add_argument(
        "--backing-tolerance",
        type=float,
        default=5.0,
        help="项目支撑容差(%%)：台账项目计划投资不低于申报计划的 100-容差 / backing tolerance (default 5)",
    )
    parser.add_argument(
        "--behind-tolerance",
        type=float,
        default=5.0,
        help="滞后容差(百分点) / behind when completion is this many points below the expected share (default 5)",
    )
    parser.add_argument(
        "--readiness-config",
        metavar="YAML",
        default=None,
        help="项目成熟度评分规则文件（默认内置规则）/ readiness rules (default: built-in)",
    )
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    """Load the data folder, run the SOE check, print text or JSON; return the exit code."""
    from zjanalysis import readiness

    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    try:
        result = soe.check_soe_dataset(
            ds,
            year=args.year,
            as_of=args.as_of,
            target_growth_pct=args.target,
            backing_tolerance_pct=args.backing_tolerance,
            behind_tolerance_pct=args.behind_tolerance,
            readiness_config=readiness.load_config(args.readiness_config),
        )
    except ValueError as exc:  # SoePlanError, a bad --as-of, a bad readiness config
        print(
            f"无法检查国有企业计划 / cannot check the SOE plans: {exc}", file=sys.stderr
        )
        return 1
    return print_view(SoeView(result), args)
