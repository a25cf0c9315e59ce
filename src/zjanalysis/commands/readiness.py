"""``zjanalysis readiness``: score every plan project and propose the next batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from zjanalysis import defaults, labels, readiness
from zjanalysis.commands._common import add_data_dir, load_or_report, print_json

HELP = "项目成熟度评分与下一批下达建议 / project readiness scores and the next batch"

#: Columns of the CSV and of the JSON ``projects`` records, in order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "project_id",
    "name",
    "county",
    "department",
    "stage",
    "plan_investment",
    "score",
    "grade",
    "grade_zh",
    "passes_gates",
    "in_next_batch",
    "batch_stability",
    "weight_sensitive",
    "n_missing",
    "missing",
)
#: Separator of the to-do items inside one CSV cell.
CSV_LIST_SEP = "；"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the readiness subcommand's arguments."""
    add_data_dir(parser)
    parser.add_argument(
        "--year",
        type=int,
        default=defaults.PLAN_YEAR,
        help=f"计划年度 / plan year (default {defaults.PLAN_YEAR})",
    )
    parser.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="评分规则 YAML（默认为内置规则）/ scoring rules YAML (default: packaged)",
    )
    parser.add_argument(
        "--seed", type=int, default=2021, help="随机种子 / seed of the weight draws"
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
    ds = load_or_report(args.data_dir)
    if ds is None:
        return 1
    projects = ds["projects"]
    if not projects["plan_year"].eq(args.year).fillna(False).any():
        print(
            f"数据中没有 {args.year} 年度的项目 / no projects of plan year {args.year}",
            file=sys.stderr,
        )
        return 1
    result = readiness.assess_readiness(
        projects,
        ds["project_progress"],
        args.year,
        config=config,
        seed=args.seed,
        n_draws=args.draws,
        spread=args.spread,
        max_projects=args.max_projects,
    )
    table = result.to_frame()
    if args.json:
        print_json(to_dict(result))
    elif args.csv:
        path = Path(args.csv)
        try:
            write_csv(table, path)
        except OSError as exc:
            print(f"无法写出「{path}」/ cannot write {path}: {exc}", file=sys.stderr)
            return 1
        print(result.headline())
        print(f"已写出 {len(table)} 个项目的评分 / wrote {len(table)} rows to {path}")
    else:
        print(format_result(result))
    return 0


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write the scored table with the to-do list joined by "；" (UTF-8 with BOM)."""
    cols = list(OUTPUT_COLUMNS) + [c for c in table.columns if c.startswith("pts_")]
    out = table[cols].assign(
        missing=table["missing"].map(CSV_LIST_SEP.join),
        score=table["score"].round(2),
        batch_stability=table["batch_stability"].round(3),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8-sig")


def to_dict(result: readiness.ReadinessAssessment) -> dict:
    """Return the assessment as plain data for ``--json``."""
    table = result.to_frame()
    cols = list(OUTPUT_COLUMNS) + [c for c in table.columns if c.startswith("pts_")]
    ev = result.evidence
    return {
        "year": result.year,
        "config": result.config.source,
        "headline": result.headline(),
        "grades": result.count_grades(),
        "batch_by_county": result.batch_by_county,
        "batch_by_department": result.batch_by_department,
        "evidence": None
        if ev is None
        else {
            "plan_year": ev.plan_year,
            "n_projects": ev.n_projects,
            "n_on_time": ev.n_on_time,
            "auc": ev.auc,
            "status": ev.status,
            "message": ev.message,
            "coefficients": ev.coefficients,
        },
        "projects": table[cols],
    }


def format_result(result: readiness.ReadinessAssessment) -> str:
    """Return the assessment as plain Chinese lines for the terminal."""
    lines = [result.headline(), ""]
    lines.append(f"各等级（{result.stage_text()}项目）：")
    for r in result.count_grades().itertuples(index=False):
        lines.append(
            f"  {r.grade_zh}：{r.n_projects} 个，年度计划投资 "
            f"{labels.format_yi(r.plan_investment)}"
        )
    lines.append("")
    lines.append(f"下一批建议下达（{len(result.batch)} 个）：")
    for r in result.batch.itertuples(index=False):
        todo = f"；待办：{'、'.join(r.missing)}" if r.missing else ""
        lines.append(
            f"  {r.rank:>3}. {r.project_id} {r.name}（{r.county}，{r.department}）"
            f" {r.score:.1f} 分，计划投资 {labels.format_wan(r.plan_investment)} 万元{todo}"
        )
    lines.append("")
    lines.append("按县（市、区）合计（万元）：")
    for r in result.batch_by_county.itertuples(index=False):
        if r.n_projects:
            lines.append(
                f"  {r.county}：{r.n_projects} 个，{labels.format_wan(r.plan_investment)}"
            )
    lines.append("")
    lines.append("各单位待办事项：")
    for r in readiness.count_todos_by_unit(result.todos).itertuples(index=False):
        lines.append(f"  {r.unit}：{r.n_items} 项（{r.n_projects} 个项目）")
    sensitive = result.stability[result.stability["weight_sensitive"]]
    lines.append("")
    lines.append(f"权重敏感项目（入选比例在 10%–90% 之间）：{len(sensitive)} 个")
    if result.evidence is not None:
        lines.append("")
        lines.append(result.evidence.summary())
    return "\n".join(lines)
