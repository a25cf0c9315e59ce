"""Check a data folder: what loaded, and every problem grouped by file.

``zjanalysis validate DATA_DIR`` exits 0 when there is no error (warnings
allowed), 1 when there are errors and 2 on a usage error such as a missing
folder. When the folder is under ``data/raw`` it also checks the files against
``data/raw/MANIFEST.csv`` (sha256 of each file as received).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from zjanalysis import paths, schema
from zjanalysis.commands._common import add_data_dir, add_json, print_json
from zjanalysis.problems import ValidationReport

HELP = "检查数据目录并列出全部问题 / check a data folder and list every problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add DATA_DIR and ``--json``."""
    add_data_dir(parser)
    add_json(parser)
    parser.add_argument(
        "--no-manifest",
        action="store_true",
        help="不核对 data/raw/MANIFEST.csv / skip the manifest check",
    )


def run(args: argparse.Namespace) -> int:
    """Load and check ``args.data_dir``; print the findings; return the exit code."""
    from zjanalysis import io

    folder = Path(args.data_dir)
    if folder.is_file():
        print(
            f"「{args.data_dir}」是一个文件，请给出它所在的数据目录（如 {folder.parent}）\n"
            f"{args.data_dir} is a file: give the data folder that holds it",
            file=sys.stderr,
        )
        return 2
    if not folder.is_dir():
        print(
            f"找不到数据目录「{args.data_dir}」/ data folder not found: {args.data_dir}\n"
            "用法 / usage: zjanalysis validate DATA_DIR（如 data/demo 或 data/raw/2021-06）",
            file=sys.stderr,
        )
        return 2
    try:
        ds = io.load_dataset(folder)
        report = ds.report
        if not args.no_manifest and _under_raw(folder):
            report = ValidationReport(
                list(report.problems) + io.verify_manifest(folder)
            )
    except Exception as exc:  # a bug must not show the office a traceback
        print(
            f"读取数据时程序出错（{type(exc).__name__}: {exc}），请把此信息发给维护人员\n"
            f"internal error while loading {args.data_dir}: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print_json(_as_json(ds, report))
    else:
        print(format_load_summary(ds))
        print()
        print(report.format())
        print(_verdict(report))
    return 0 if report.ok else 1


def format_load_summary(ds) -> str:
    """Return what was loaded, file by file, as terminal text (Chinese / English).

    Parameters
    ----------
    ds : zjanalysis.io.Dataset
        A loaded data set.

    Returns
    -------
    str
        Files with their tables, rows, encoding, money unit and skipped rows,
        then the contract tables that no file supplied.
    """
    lines = [
        f"数据目录 / data folder: {ds.path}"
        + ("（DEMO 演示数据）" if ds.is_demo else "")
    ]
    for f in ds.files:
        tables = "、".join(
            f"{t}（{schema.TABLES[t].zh}）{f.rows.get(t, 0)} 行" for t in f.tables
        )
        lines.append(f"- {f.name}: {tables or '未读取 / not read'}")
        details = []
        if f.encoding:
            details.append(f"编码 {f.encoding}")
        if f.tables:
            details.append(f"金额单位 {f.money_unit_note}")
        if f.column_units:
            cols = "、".join(f"{k}→{v}" for k, v in f.column_units.items())
            details.append(f"按列单位换算 {cols}")
        if details:
            lines.append("    " + "；".join(details))
        if f.title:
            lines.append(f"    标题 / title: {f.title}")
        if f.skipped:
            counts: dict[str, int] = {}
            for s in f.skipped:
                counts[s.reason_zh] = counts.get(s.reason_zh, 0) + 1
            text = "、".join(f"{k} {v} 行" for k, v in counts.items())
            rows = ", ".join(str(s.row) for s in f.skipped[:12])
            more = " …" if len(f.skipped) > 12 else ""
            lines.append(f"    跳过 / skipped: {text}（第 {rows}{more} 行）")
        for note in f.notes:
            lines.append(f"    注 / note: {note}")
    absent = [t for t, frame in ds.tables.items() if not len(frame)]
    if absent:
        names = "、".join(f"{t}（{schema.TABLES[t].zh}）" for t in absent)
        lines.append(f"无数据的表 / tables with no rows: {names}")
    return "\n".join(lines)


def _verdict(report: ValidationReport) -> str:
    if report.ok:
        return "结论：数据可以使用 / result: the data can be used"
    return (
        "结论：有错误，请按上面的提示修改后重新运行 / result: errors found; "
        "fix them and run again"
    )


def _under_raw(folder: Path) -> bool:
    raw = paths.RAW_DIR.resolve()
    target = folder.resolve()
    return target == raw or raw in target.parents


def _as_json(ds, report: ValidationReport) -> dict:
    files = []
    for f in ds.files:
        record = asdict(f)
        record["skipped"] = [asdict(s) for s in f.skipped]
        files.append(record)
    return {
        "dataset": ds.name,
        "path": str(ds.path),
        "is_demo": ds.is_demo,
        "ok": report.ok,
        "n_errors": len(report.errors),
        "n_warnings": len(report.warnings),
        "tables": {t: len(frame) for t, frame in ds.tables.items()},
        "files": files,
        "problems": [asdict(p) for p in report.problems],
    }
