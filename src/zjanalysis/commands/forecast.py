"""``zjanalysis forecast``: forecast year-end FAI growth against the target."""

from __future__ import annotations

import argparse
import sys

from zjanalysis import coverage, defaults, forecast
from zjanalysis.asof import AsOf
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    load_or_report,
    print_json,
    print_refusal,
)
from zjanalysis.reports.forecast import (
    forecast_sentence,
    forecast_text,
    regions_json,
    regions_text,
)
from zjanalysis.schema import CITY

HELP = "固定资产投资全年增速预测：区间、达标概率、后几个月所需增速 / FAI forecast vs target"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the forecast subcommand's arguments."""
    add_data_dir(parser)
    parser.add_argument(
        "--region", default=CITY, help=f"地区 / region (default {CITY})"
    )
    parser.add_argument(
        "--all-regions",
        action="store_true",
        help="预测数据中的所有地区并按风险排序 / forecast every region, sorted by risk",
    )
    parser.add_argument(
        "--year",
        type=int,
        default=None,
        help="预测年度 / year (default: the --as-of year)",
    )
    parser.add_argument(
        "--as-of",
        default=defaults.AS_OF,
        help="数据截止月份，最早为2月（1—2月），12月即全年结果 / last published month, "
        "e.g. 2021-06 (2 = Jan-Feb, the earliest; 12 = the year's outcome)",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="增长目标(%%)，默认取《年度目标》表，没有时为20 / target growth in percent "
        "(default: the targets table, else 20)",
    )
    parser.add_argument(
        "--method",
        default="auto",
        choices=(*forecast.METHODS, "auto"),
        metavar="METHOD",
        help="预测方法，auto = 基数校正法（正常年份不足3对时用累计增速）/ method: "
        f"{', '.join((*forecast.METHODS, 'auto'))} (default auto: adjusted, or ytd "
        "with fewer than 3 calm pairs of years)",
    )
    parser.add_argument(
        "--n-paths",
        type=int,
        default=5000,
        help="指数平滑模型自身的模拟次数（仅对照，区间为精确值）/ draws of the ETS model's own simulation, shown for comparison (default 5000)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=defaults.SEED,
        help=f"随机种子 / random seed (default {defaults.SEED})",
    )
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    """Load the data folder, forecast, print text or JSON; return the exit code."""
    try:
        period = AsOf.parse(args.as_of)
        year = args.year if args.year is not None else period.year
        month = period.month_in(year)
        if month is None:
            raise ValueError(
                f"--as-of {period} 早于 --year {year} / the as-of month is before the year"
            )
        forecast.check_as_of_month(year, month)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    # errors block the forecast only in the tables it reads; data that stop
    # before the as-of month refuse it in words (the report's own gate)
    verdict, _ = coverage.gate_as_of(
        ds,
        reads=forecast.READS,
        needs=forecast.NEEDS,
        year=year,
        as_of=AsOf(year, month),
        what=forecast.WHAT_ZH,
    )
    if not verdict.ok:
        print_refusal(verdict, args.data_dir)
        return 1
    fai = ds["fai_monthly"]
    table_targets = forecast.extract_targets(ds["targets"], year=year)
    # a county without its own target is judged against the city's, as on page 10
    fallback = forecast.headline_target(
        ds["targets"], CITY, year=year, target_growth_pct=args.target
    )
    if args.all_regions:
        out = forecast.forecast_regions(
            fai,
            year=year,
            as_of_month=month,
            target_growth_pct=fallback,
            targets=table_targets,
            method=args.method,
            n_paths=args.n_paths,
            seed=args.seed,
        )
        if not out.results:
            print(f"无法预测 / cannot forecast: {out.skipped}", file=sys.stderr)
            return 1
        if args.json:
            print_json(
                regions_json(
                    out, year=year, as_of_month=month, target_growth_pct=fallback
                )
            )
        else:
            print(regions_text(out))
        return 0
    try:
        target = forecast.headline_target(
            ds["targets"], args.region, year=year, target_growth_pct=args.target
        )
        result = forecast.forecast_fai(
            fai,
            args.region,
            year=year,
            as_of_month=month,
            target_growth_pct=target,
            method=args.method,
            n_paths=args.n_paths,
            seed=args.seed,
        )
    except ValueError as exc:
        print(f"无法预测 / cannot forecast: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print_json({"headline": forecast_sentence(result), **result.to_dict()})
    else:
        print(forecast_text(result))
    return 0
