"""``zjanalysis checks``: audit the annual plan against the rules of the minutes.

Exit code 0 when every check passes, 1 when any fails (or the data have errors).
"""

from __future__ import annotations

import argparse

from zjanalysis import checks, defaults, labels
from zjanalysis.commands._common import (
    add_data_dir,
    add_json,
    load_or_report,
    print_json,
)
from zjanalysis.reports.tables import readable

HELP = "计划完整性检查：三分之二、责任主体、三个计划衔接、三旧、调整审批、统计 / plan-integrity checks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the checks subcommand's arguments."""
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
        default=None,
        help="统计核对月份 / month for the statistics checks (default: latest)",
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
    """Load the data folder, run every check, print verdicts; 0 all pass, 1 any fails."""
    ds = load_or_report(args.data_dir)
    if ds is None:
        return 1
    result = checks.run_all_checks(
        ds,
        year=args.year,
        month=args.month,
        funding_tolerance_wan=args.funding_tolerance,
        stats_tolerance_pct=args.stats_tolerance,
    )
    if args.json:
        print_json(to_dict(result))
    else:
        print(format_result(result, args.rows))
    return 0 if result.passed else 1


def to_dict(result: checks.ChecksResult) -> dict[str, object]:
    """Return the checks as plain data for ``--json`` (English keys)."""
    return {
        "year": result.year,
        "passed": result.passed,
        "summary": result.summary(),
        "checks": [
            {
                "check": r.check,
                "title": r.title_zh,
                "clause": r.clause,
                "verdict": r.verdict,
                "message": r.message_zh,
                "n_rows": len(r.rows),
                "details": {
                    k: v
                    for k, v in r.details.items()
                    if k not in ("summary", "changes")
                },
                "rows": r.rows,
            }
            for r in result.results
        ],
    }


def format_result(result: checks.ChecksResult, max_rows: int = 5) -> str:
    """Return the verdicts and the first offending rows as plain lines."""
    lines = [result.summary(), ""]
    for r in result.results:
        lines.append(r.line())
        if r.rows.empty or max_rows <= 0:
            continue
        shown = readable(r.rows.head(max_rows))
        for row in shown.to_dict(orient="records"):
            cells = [
                f"{checks.COLUMNS_ZH.get(c, c)}={_cell(c, v)}"
                for c, v in row.items()
                if str(v) not in ("nan", "NaT", "None", "<NA>", "", "—")
            ]
            lines.append("    " + "；".join(cells))
        if len(r.rows) > max_rows:
            lines.append(f"    …… 共 {len(r.rows)} 条（完整清单用 --json 或报告附表）")
    return "\n".join(lines)


def _cell(column: str, value: object) -> str:
    if column in checks.MONEY_COLUMNS:
        return f"{labels.format_wan(float(value))}万元"
    if column in checks.PCT_COLUMNS:
        return labels.format_pct(float(value))
    return str(value)
