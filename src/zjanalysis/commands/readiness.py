"""``zjanalysis readiness``: score every plan project and propose the next batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zjanalysis import defaults, readiness
from zjanalysis.commands._common import (
    add_data_dir,
    add_year,
    load_or_report,
    print_json,
    print_refusal,
)
from zjanalysis.reports.readiness import ReadinessView
from zjanalysis.reports.tables import csv_safe

HELP = "项目成熟度评分与下一批下达建议 / project readiness scores and the next batch"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the readiness subcommand's arguments."""
    add_data_dir(parser)
    add_year(parser)
    parser.add_argument(
        "--as-of",
        default=None,
        help="截止月份：按该月已报的进度判断是否开工 / judge 'started' as of this month, "
        "e.g. 2021-06 (default: every report received)",
    )
    parser.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="评分规则 YAML（默认为内置规则）/ scoring rules YAML (default: packaged)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=defaults.SEED,
        help=f"随机种子 / seed of the weight draws (default {defaults.SEED})",
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=1000,
        help="权重扰动次数 / number of weight draws (default 1000)",
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=0.25,
        help="权重扰动幅度 / relative weight perturbation (default 0.25 = ±25%%)",
    )
    parser.add_argument(
        "--max-projects",
        type=int,
        default=None,
        help="本批最多下达项目数 / cap on the number of projects in the batch",
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "--csv",
        metavar="OUT",
        default=None,
        help="写出逐项目评分表 CSV（UTF-8 BOM，Excel 可直接打开）/ write the scored table as CSV",
    )
    out.add_argument("--json", action="store_true", help="输出 JSON / print JSON")


def run(args: argparse.Namespace) -> int:
    """Load the folder, assess readiness, print text, JSON or write CSV; return the exit code."""
    if args.draws < 1 or not 0 <= args.spread < 1:
        print(
            "--draws 须为正整数，--spread 须在 0 与 1 之间 / "
            "--draws must be >= 1 and --spread in [0, 1)",
            file=sys.stderr,
        )
        return 2
    try:
        config = readiness.load_config(args.config)
    except readiness.ReadinessConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    try:
        result = readiness.assess_readiness_for_dataset(
            ds,
            year=args.year,
            config=config,
            as_of=args.as_of,
            seed=args.seed,
            n_draws=args.draws,
            spread=args.spread,
            max_projects=args.max_projects,
        )
    except ValueError as exc:  # a bad --as-of
        print(f"无法评分 / cannot assess readiness: {exc}", file=sys.stderr)
        return 2
    if result.refusal:
        print_refusal(result, args.data_dir)
        return 1
    view = ReadinessView(result)
    if args.json:
        print_json(view.to_json())
    elif args.csv:
        path = Path(args.csv)
        table = view.csv_frame()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            csv_safe(table).to_csv(path, index=False, encoding="utf-8-sig")
        except OSError as exc:
            print(f"无法写出「{path}」/ cannot write {path}: {exc}", file=sys.stderr)
            return 1
        print(view.headline())
        print(f"已写出 {len(table)} 个项目的评分 / wrote {len(table)} rows to {path}")
    else:
        print(view.text())
    return 0
