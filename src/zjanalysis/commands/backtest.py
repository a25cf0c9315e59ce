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
    table = result.to_frame()
    if args.json:
        print_json(
            {
                "region": result.region,
                "years": list(result.years),
                "best_method": result.best_method(),
                "methods": result.method_table().drop(columns=["方法"]),
                "records": table,
            }
        )
    else:
        print(format_result(result))
    return 0


def format_result(result: forecast.BacktestResult) -> str:
    """Return the backtest as plain lines: the by-method table, then MAE by month."""
    lines = [
        result.summary(),
        "",
        "方法            平均绝对误差  80%覆盖  95%覆盖  Brier",
    ]
    for r in result.method_table().itertuples(index=False):
        lines.append(
            f"{r.method:<14}  {r.mae_pp:>10.2f}  {r.coverage_80 * 100:>6.0f}%  "
            f"{r.coverage_95 * 100:>6.0f}%  {r.brier:.3f}"
        )
    wide = result.to_frame().pivot(
        index="as_of_month", columns="method", values="mae_pp"
    )
    wide = wide[[m for m in forecast.METHODS if m in wide.columns]]
    lines += ["", "按截止月份的平均绝对误差（百分点）：", wide.round(2).to_string()]
    return "\n".join(lines)
