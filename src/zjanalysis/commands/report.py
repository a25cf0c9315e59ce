"""``zjanalysis report``: build the HTML and Excel reports into ``outputs/<as_of>/``.

Imports nothing heavy at module level: a run with nothing to rebuild must stay
under two seconds. ``make report`` runs this module directly
(``python -m zjanalysis.commands.report``), which skips loading every other
subcommand the way ``zjanalysis`` does; both take the same options.
"""

from __future__ import annotations

import argparse
import sys

from zjanalysis.runner.constants import CELL_TIMEOUT_S

HELP = "生成报告（HTML、Excel、索引页）/ build the reports into outputs/<as_of>/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``zjanalysis report``."""
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="数据目录 / data folder (default: each report's parameter file)",
    )
    parser.add_argument(
        "--as-of", metavar="YYYY-MM", help="数据截止月份 / last month of data"
    )
    parser.add_argument("--year", type=int, metavar="Y", help="分析年度 / plan year")
    parser.add_argument(
        "--target",
        type=float,
        metavar="PCT",
        help="增长目标（%%）/ target growth in percent",
    )
    parser.add_argument(
        "--out", metavar="DIR", help="输出目录 / output root (default: outputs/)"
    )
    parser.add_argument(
        "--only",
        metavar="NAME",
        action="append",
        help="只生成指定报告，可重复 / build only this report (repeatable), e.g. 00 or data-quality",
    )
    parser.add_argument(
        "--force", action="store_true", help="全部重跑 / re-run every report"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="并行进程数 / worker processes (default: CPUs)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=float,
        metavar="SEC",
        default=CELL_TIMEOUT_S,
        help=(
            "每个单元最长运行秒数，超过则该报告失败并指出是哪个单元；0 为不限 / "
            f"seconds one notebook cell may run (default {CELL_TIMEOUT_S}; 0: no limit)"
        ),
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=(
            "只列出每份报告是否会重新生成及原因，不运行、不写任何文件 / "
            "list what would be rebuilt and why; build and write nothing"
        ),
    )


def _data_override(data: str | None) -> str | None:
    """Return --data as a project-relative path when inside the project, else absolute."""
    if not data:
        return None
    from pathlib import Path

    from zjanalysis import paths

    path = Path(data).expanduser().resolve()
    try:
        return path.relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    """Build the reports; return 0, 1 when a report failed or refused data with
    errors, 2 on bad options."""
    from pathlib import Path

    from zjanalysis import runner

    if args.as_of:
        from zjanalysis.asof import AsOf

        try:
            args.as_of = str(AsOf.parse(args.as_of))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
    if args.data and not Path(args.data).is_dir():
        print(
            f"找不到数据目录「{args.data}」/ data folder not found: {args.data}",
            file=sys.stderr,
        )
        return 2
    if args.cell_timeout < 0:
        print(
            f"--cell-timeout 应为秒数（0 为不限）/ --cell-timeout must be >= 0, "
            f"got {args.cell_timeout:g}",
            file=sys.stderr,
        )
        return 2
    overrides = {
        "data_dir": _data_override(args.data),
        "as_of": args.as_of,
        "year": args.year,
        "target_growth_pct": args.target,
    }
    try:
        if args.dry_run:
            plan = runner.plan_reports(
                overrides, out_root=args.out, only=args.only, force=args.force
            )
            print("\n".join(runner.describe_plan(plan)))
            return 0
        summary = runner.build_reports(
            overrides,
            out_root=args.out,
            only=args.only,
            force=args.force,
            jobs=args.jobs,
            progress=lambda line: print(line, flush=True),
            cell_timeout=args.cell_timeout or None,
        )
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    index = summary.out_dir / "index.html"
    if summary.failed:
        print(
            f"\n{len(summary.failed)} 份报告失败 / {len(summary.failed)} report(s) failed:",
            file=sys.stderr,
        )
        for r in summary.failed:
            where = f"，出错单元 {r.cell}" if r.cell else ""
            print(f"  ✘ notebooks/{r.name}.ipynb{where}：{r.error}", file=sys.stderr)
        print(f"其余报告和索引页已生成 / the rest is in {index}", file=sys.stderr)
    elif summary.executed or not summary.skipped:
        print(
            f"完成：{len(summary.executed)} 份重新生成，{len(summary.skipped)} 份未变，"
            f"用时 {summary.seconds:.1f} 秒 / done in {summary.seconds:.1f} s\n"
            f"打开 / open: {index}"
        )
    if summary.blocked:
        print(blocked_message(summary), file=sys.stderr)
    if summary.no_data:
        print(no_data_message(summary), file=sys.stderr)
    return 0 if summary.ok else 1


def no_data_message(summary) -> str:
    """Say plainly which reports drew no conclusion because the data stop short."""
    lines = [
        f"{len(summary.no_data)} 份报告数据不足，未出结论 / "
        f"{len(summary.no_data)} report(s) have no data for what was asked:"
    ]
    lines += [f"  {r.title or r.name}：{r.finding}" for r in summary.no_data]
    return "\n".join(lines)


def blocked_message(summary) -> str:
    """Say plainly which reports drew no conclusion because the data have errors."""
    from zjanalysis import runner

    n = len(summary.blocked)
    names = "、".join(r.title or r.name for r in summary.blocked)
    n_errors = max(r.blocked_by_errors for r in summary.blocked)
    quality = summary.out_dir / f"{runner.DATA_QUALITY_REPORT}.html"
    return (
        f"{n} 份报告因数据错误未出结论（{names}）：数据有 {n_errors} 个错误，"
        f"请先看《数据质量报告》{quality}，修正后重新运行。\n"
        f"{n} report(s) drew no conclusion: the data have {n_errors} error(s); "
        f"see {quality}"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` as ``zjanalysis report`` would and build the reports."""
    from zjanalysis.commands._common import HelpFormatter

    parser = argparse.ArgumentParser(
        prog="zjanalysis report",
        description=HELP,
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except KeyboardInterrupt:
        print("已中断，未写入任何报告 / interrupted, nothing written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
