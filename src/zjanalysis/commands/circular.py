"""``zjanalysis circular``: the monthly circular of investment completed."""

from __future__ import annotations

import argparse
import sys

from zjanalysis import circular, defaults, labels
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    load_or_report,
    print_json,
)

HELP = "月度通报：各县（市、区）和部门完成投资、排名、滞后项目、征地拆迁 / monthly circular"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the circular subcommand's arguments."""
    add_data_dir(parser)
    parser.add_argument(
        "--year",
        type=int,
        default=defaults.PLAN_YEAR,
        help=f"计划年度 / plan year (default {defaults.PLAN_YEAR})",
    )
    parser.add_argument(
        "--month",
        type=int,
        default=6,
        help="截止月份 1-12 / as-of month (default 6)",
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
    """Load the data folder, compute the circular, print text or JSON."""
    if not 1 <= args.month <= 12:
        print(
            f"月份应为 1—12 / --month must be 1..12, got {args.month}", file=sys.stderr
        )
        return 2
    if args.red < args.amber:
        print(
            "--red 不能小于 --amber / --red must be at least --amber", file=sys.stderr
        )
        return 2
    ds = load_or_report(args.data_dir)
    if ds is None:
        return 1
    result = circular.compute_circular(
        ds,
        year=args.year,
        month=args.month,
        amber_gap_pp=args.amber,
        red_gap_pp=args.red,
    )
    if args.json:
        print_json(to_dict(result))
    else:
        print(format_result(result))
    return 0


def to_dict(result: circular.CircularResult) -> dict[str, object]:
    """Return the circular as plain data for ``--json`` (English keys)."""
    return {
        "year": result.year,
        "month": result.month,
        "summary": result.summary(),
        "thresholds": result.thresholds,
        "city": result.city,
        "by_county": result.by_county,
        "by_department": result.by_department,
        "lagging_milestones": result.lagging_milestones,
        "unstarted_new": result.unstarted_new,
        "missing_reports": result.missing_reports,
        "land": result.land,
    }


def format_result(result: circular.CircularResult, max_rows: int = 20) -> str:
    """Return the circular as plain Chinese lines for the terminal."""
    lines = [result.summary(), ""]
    lines.append(f"一、各县（市、区）完成情况（{result.period_zh}）")
    lines += _ranking_lines(result.by_county, "county")
    lines.append("")
    lines.append("二、各行业主管部门完成情况")
    lines += _ranking_lines(result.by_department, "department")
    bases = "、".join(dict.fromkeys(result.by_county["basis"].tolist()))
    lines.append(
        f"（应完成进度依据：县区为{bases}，部门为{result.city['basis']}；"
        f"落后超过{result.thresholds['amber_gap_pp']:g}个百分点为黄，"
        f"超过{result.thresholds['red_gap_pp']:g}个百分点为红）"
    )
    lines.append("")
    lag = result.lagging_milestones
    lines.append(
        f"三、节点滞后项目 {len(lag)} 个节点（重点项目 {int(lag['is_key'].sum())} 个）"
    )
    for r in lag.head(max_rows).itertuples(index=False):
        key = "【重点】" if r.is_key else ""
        lines.append(
            f"  {key}{r.project_id} {r.name}（{r.county}）{r.milestone}："
            f"应于{r.due_date.date().isoformat()}完成，逾期{r.days_overdue}天"
        )
    _more(lines, len(lag), max_rows)
    new = result.unstarted_new
    lines.append(f"四、新开工项目未按计划开工 {len(new)} 个")
    for r in new.head(max_rows).itertuples(index=False):
        lines.append(
            f"  {r.project_id} {r.name}（{r.county}）：计划"
            f"{r.planned_start.date().isoformat()}开工，已超期{r.days_late}天"
        )
    _more(lines, len(new), max_rows)
    miss = result.missing_reports
    lines.append(f"五、本月未报进度项目 {len(miss)} 个（按最近一次填报数计入）")
    for r in miss.head(max_rows).itertuples(index=False):
        last = (
            f"最近填报{r.last_report_month}月" if r.last_report_month else "本年未填报"
        )
        lines.append(f"  {r.project_id} {r.name}（{r.county}）：{last}")
    _more(lines, len(miss), max_rows)
    lines.append("六、征地拆迁进度（按面积 / 按个数）")
    for r in result.land.itertuples(index=False):
        lines.append(
            f"  {r.county}：{r.n_land_projects}个项目，{r.land_area_mu:,.0f}亩，"
            f"按面积{labels.format_pct(r.area_weighted_pct)}，"
            f"已完成{r.n_land_done}个（{labels.format_pct(r.count_done_pct)}）"
        )
    return "\n".join(lines)


def _ranking_lines(table, by: str) -> list[str]:
    out = []
    for r in table.itertuples(index=False):
        rank = "—" if r.rank is None or str(r.rank) == "<NA>" else str(r.rank)
        out.append(
            f"  {rank:>2} {getattr(r, by)}：计划{labels.format_yi(r.plan_wan)}，"
            f"完成{labels.format_yi(r.completed_wan)}，"
            f"完成率{labels.format_pct(r.completion_pct)}"
            f"（应完成{labels.format_pct(r.expected_pct)}）{r.status}"
        )
    return out


def _more(lines: list[str], n: int, max_rows: int) -> None:
    if n > max_rows:
        lines.append(f"  …… 另有 {n - max_rows} 项（完整清单用 --json 或报告附表）")
    lines.append("")
