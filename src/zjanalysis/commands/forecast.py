"""``zjanalysis forecast``: forecast year-end FAI growth against the target."""

from __future__ import annotations

import argparse
import sys

from zjanalysis import defaults, forecast, labels
from zjanalysis.asof import AsOf
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    load_or_report,
    print_json,
)
from zjanalysis.schema import CITY

#: Target growth (%) when neither --target nor the targets table gives one (minutes 一).

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
        help="预测方法，auto = 回测误差最小 / method (default auto: best backtested)",
    )
    parser.add_argument(
        "--n-paths",
        type=int,
        default=5000,
        help="模拟路径数 / simulated paths (default 5000)",
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
    ds = load_or_report(args.data_dir)
    if ds is None:
        return 1
    fai = ds["fai_monthly"]
    table_targets = forecast.extract_targets(ds["targets"], year)
    fallback = defaults.TARGET_GROWTH_PCT if args.target is None else args.target
    if args.all_regions:
        out = forecast.forecast_regions(
            fai,
            year,
            month,
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
                {
                    "year": year,
                    "as_of_month": month,
                    "target_growth_pct": fallback,
                    "regions": [
                        out.results[r].to_dict() | {"flag": f}
                        for r, f in zip(
                            out.to_frame()["region"],
                            out.to_frame()["flag"],
                            strict=True,
                        )
                    ],
                    "skipped": out.skipped,
                }
            )
        else:
            print(format_regions(out))
        return 0
    try:
        target = (
            args.target
            if args.target is not None
            else table_targets.get(args.region, defaults.TARGET_GROWTH_PCT)
        )
        result = forecast.forecast_fai(
            fai,
            args.region,
            year,
            month,
            target_growth_pct=target,
            method=args.method,
            n_paths=args.n_paths,
            seed=args.seed,
        )
    except ValueError as exc:
        print(f"无法预测 / cannot forecast: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print_json(result.to_dict())
    else:
        print(format_result(result))
    return 0


def format_result(result: forecast.ForecastResult) -> str:
    """Return the forecast as plain Chinese lines for the terminal."""
    if result.is_outcome:
        return (
            result.summary()
            + "\n\n1—12月已是全年结果，不再预测（没有预测区间和达标概率）。"
        )
    lo95, hi95 = result.interval_95_pct
    lines = [
        result.summary(),
        "",
        f"方法：{forecast.METHOD_LABELS[result.method]}（{result.method_reason}）",
        f"1—{result.as_of_month}月累计增长 {labels.format_pct(result.ytd_growth_pct)}；"
        f"95%区间 {labels.format_pct(lo95)}—{labels.format_pct(hi95)}；"
        f"误差尺度 {result.sigma_pp:.2f} 个百分点（{result.n_calibration_years} 年回测校准"
        + ("，上年走势异常已放宽区间" if result.base_abnormal else "")
        + "）",
        "",
        "各方法全年预测（回测平均绝对误差）：",
    ]
    for r in result.methods.itertuples(index=False):
        mae = (
            "—"
            if r.backtest_mae_pp != r.backtest_mae_pp
            else f"{r.backtest_mae_pp:.2f}"
        )
        lines.append(
            f"  {r.方法}: {labels.format_pct(r.point_growth_pct)}（误差 {mae}）"
        )
    return "\n".join(lines)


def format_regions(out: forecast.RegionForecasts) -> str:
    """Return the region table as plain lines, riskiest first."""
    lines = [out.summary(), ""]
    for r in out.to_frame().itertuples(index=False):
        if r.flag in ("达标", "未达标"):
            lines.append(
                f"[{r.flag}] {r.region}：全年增长 {labels.format_pct(r.point_growth_pct)}，"
                f"目标 {r.target_growth_pct:g}%，"
                f"差 {round(r.point_growth_pct - r.target_growth_pct, 1) + 0.0:+.1f} 个百分点"
            )
            continue
        req = r.required_remaining_growth_pct
        lines.append(
            f"[{r.flag}] {r.region}：预测 {labels.format_pct(r.point_growth_pct)}"
            f"（80%区间 {labels.format_pct(r.lo80_pct)}—{labels.format_pct(r.hi80_pct)}），"
            f"达标概率 {r.p_reach_target * 100:.0f}%，后几个月需增长 {labels.format_pct(req)}"
        )
    for region, why in out.skipped.items():
        lines.append(f"[未预测] {region}：{why}")
    return "\n".join(lines)
