"""``zjanalysis gap``: how much investment is still to find, from which sources, who acts."""

from __future__ import annotations

import argparse
import sys

from zjanalysis import defaults, gap
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    add_year,
    load_or_report,
    print_view,
)
from zjanalysis.reports.gap import GapView

HELP = "缺口与补缺：余下月份需完成、按预测可完成、缺口、补缺来源和责任单位 / gap to the target and its sources"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the gap subcommand's arguments."""
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
        metavar="PCT",
        default=None,
        help="全市增长目标(%%)，默认取《年度目标》表，没有时为"
        f"{defaults.TARGET_GROWTH_PCT:g}；各县取《年度目标》表 / the city's target "
        f"growth in percent (default: the targets table, else "
        f"{defaults.TARGET_GROWTH_PCT:g}; counties: the targets table)",
    )
    parser.add_argument(
        "--readiness-config",
        metavar="YAML",
        default=None,
        help="项目成熟度评分规则文件（默认内置规则）/ readiness rules (default: built-in)",
    )
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    """Load the data folder, run the gap analysis, print text or JSON.

    Exit 0 with a result; 1 when the data have errors in the tables it reads,
    do not cover the as-of month, or a rule file is wrong; 2 on a bad option.
    """
    from zjanalysis import readiness
    from zjanalysis.asof import AsOf

    try:
        as_of = AsOf.parse(args.as_of)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    try:
        config = readiness.load_config(args.readiness_config)
    except ValueError as exc:  # ReadinessConfigError names the key
        print(
            f"无法读取成熟度规则 / cannot read the readiness rules: {exc}",
            file=sys.stderr,
        )
        return 1
    result = gap.gap_for_dataset(
        ds,
        year=args.year,
        as_of=as_of,
        target_growth_pct=args.target,
        readiness_config=config,
    )
    return print_view(GapView(result), args)
