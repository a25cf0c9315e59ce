"""``zjanalysis backtest``: score every forecast method on past years."""

from __future__ import annotations

import argparse
import re
import sys

from zjanalysis import forecast
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    load_or_report,
    print_json,
)
from zjanalysis.reports.forecast import backtest_json, backtest_text
from zjanalysis.schema import CITY

HELP = "预测方法回测：各截止月份的平均绝对误差、区间覆盖率、Brier 分数 / backtest the forecast"

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-—~至]\s*(\d{4}))?\s*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the backtest subcommand's arguments."""
    add_data_dir(parser)
    parser.add_argument(
        "--region", default=CITY, help=f"地区 / region (default {CITY})"
    )
    parser.add_argument(
        "--years",
        default=None,
        help="回测年份，如 2014-2018 / years to test, e.g. 2014-2018 (default: all with a complete previous year)",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="另计该增长门槛的 Brier 分数(%%) / also score P(growth >= this), e.g. 20",
    )
    add_json(parser)


def parse_years(text: str) -> tuple[int, int]:
    """Parse ``2014-2018`` or ``2018`` into an inclusive (first, last) range."""
    m = _YEARS.match(text)
    if not m:
        raise ValueError(
            f"年份「{text}」格式不对，应写成 2014-2018 / --years must look like 2014-2018"
        )
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if last < first:
        raise ValueError(f"年份范围「{text}」首尾颠倒 / --years range is reversed")
    return first, last


def run(args: argparse.Namespace) -> int:
    """Load the data folder, run the backtest, print text or JSON; return the exit code."""
    try:
        years = parse_years(args.years) if args.years else None
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    ds = load_or_report(args.data_dir)
    if ds is None:
        return 1
    thresholds = () if args.target is None else (float(args.target),)
    try:
        result = forecast.backtest(
            ds["fai_monthly"], args.region, years=years, thresholds_pct=thresholds
        )
    except ValueError as exc:
        print(f"无法回测 / cannot backtest: {exc}", file=sys.stderr)
        return 1
    if not result.years:
        print(
            f"{args.region}没有可回测的年份（需要当年和上年的全年数据）/ no year to backtest",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print_json(backtest_json(result))
    else:
        print(backtest_text(result))
    return 0
