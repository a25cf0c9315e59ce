"""``zjanalysis backtest``: score every forecast method on past years.

``zjanalysis backtest --corpus DIR`` runs the black-box protocol instead on a
folder of real national series (one CSV per series, the columns of
``shared/data/real``: year, month_end, cum_yoy_pct, optional
cum_level_100m_yuan and series): every series is a region, each forecast
sees only its own rows up to its as-of month (growth only), and the scores
are printed against "year-to-date growth persists".
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import pandas as pd

from zjanalysis import coverage, forecast
from zjanalysis.commands._common import (
    add_json,
    load_or_report,
    print_json,
)
from zjanalysis.reports.forecast import (
    backtest_json,
    backtest_text,
    black_box_json,
    black_box_text,
)
from zjanalysis.schema import CITY

#: Columns a corpus file must have.
CORPUS_COLUMNS: tuple[str, ...] = ("year", "month_end", "cum_yoy_pct")
#: A continuation file of a series: the same name with a year range appended
#: (``fai_cn_total_monthly_2024_2026.csv`` continues ``fai_cn_total_monthly.csv``).
_CONTINUATION = re.compile(r"_\d{4}_\d{4}$")

HELP = "预测方法回测：各截止月份的平均绝对误差、区间覆盖率、Brier 分数 / backtest the forecast"

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-—~至]\s*(\d{4}))?\s*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the backtest subcommand's arguments."""
    parser.add_argument(
        "data_dir",
        metavar="DATA_DIR",
        nargs="?",
        default=None,
        help="数据目录 / data folder, e.g. data/demo (not with --corpus)",
    )
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="在真实序列目录上按黑箱规程评估 auto / run the black-box protocol on a corpus "
        "folder, e.g. ../shared/data/real",
    )
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
    if args.corpus is not None:
        return run_corpus(args.corpus, years=years, as_json=args.json)
    if args.data_dir is None:
        print(
            "请给出数据目录或 --corpus 目录 / give DATA_DIR or --corpus DIR",
            file=sys.stderr,
        )
        return 2
    ds = load_or_report(args.data_dir, allow_errors=True)
    if ds is None:
        return 1
    n_errors = coverage.errors_in(ds.report, ("fai_monthly",))
    if n_errors:  # errors elsewhere in the folder do not touch the statistics
        print(
            f"固定资产投资月度累计有 {n_errors} 个错误，暂不回测；请先修正"
            f"（zjanalysis validate {args.data_dir}）/ the monthly statistics have "
            f"{n_errors} errors: fix them first",
            file=sys.stderr,
        )
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


#: Years the corpus protocol forecasts when ``--years`` is not given.
CORPUS_YEARS: tuple[int, int] = (2013, 2025)


def read_corpus(directory: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a folder of real series into one ``fai_monthly`` frame (series = region).

    Parameters
    ----------
    directory : str or Path
        CSV files with columns year, month_end (2 = 1—2月), cum_yoy_pct and
        optionally cum_level_100m_yuan (亿元) and series. A file whose name
        ends in ``_YYYY_YYYY`` continues the file without it (rows already
        there are kept from the first file).

    Returns
    -------
    frame : pd.DataFrame
        region (the ``series`` value, else the file name), year, month,
        cum_investment (万元), cum_growth_pct.
    skipped : list of str
        One plain line per file not used and why (other columns, or several
        series in one file).
    """
    groups: dict[str, list[pd.DataFrame]] = {}
    skipped: list[str] = []
    for path in sorted(Path(directory).glob("*.csv")):
        try:
            df = pd.read_csv(path)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            skipped.append(f"{path.name}：无法读取（{exc}）")
            continue
        missing = [c for c in CORPUS_COLUMNS if c not in df.columns]
        if missing:
            skipped.append(
                f"{path.name}：缺少列 {', '.join(missing)}，不是逐月累计增速序列"
            )
            continue
        if "series" in df.columns and df["series"].nunique() > 1:
            skipped.append(
                f"{path.name}：一个文件含 {df['series'].nunique()} 个序列，未使用"
            )
            continue
        groups.setdefault(_CONTINUATION.sub("", path.stem), []).append(df)
    frames = []
    for key, parts in groups.items():
        names = [
            str(p["series"].dropna().iloc[0])
            for p in parts
            if "series" in p.columns and p["series"].notna().any()
        ]
        rows = pd.concat(parts, ignore_index=True)
        rows = rows.assign(
            year=pd.to_numeric(rows["year"], errors="coerce"),
            month_end=pd.to_numeric(rows["month_end"], errors="coerce"),
        ).dropna(subset=["year", "month_end"])
        rows = rows.drop_duplicates(["year", "month_end"], keep="first")
        level = (
            pd.to_numeric(rows["cum_level_100m_yuan"], errors="coerce") * 1e4
            if "cum_level_100m_yuan" in rows.columns
            else math.nan
        )
        frames.append(
            pd.DataFrame(
                {
                    "region": names[0] if names else key,
                    "year": rows["year"].astype(int),
                    "month": rows["month_end"].astype(int),
                    "cum_investment": level,
                    "cum_growth_pct": pd.to_numeric(
                        rows["cum_yoy_pct"], errors="coerce"
                    ),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=["region", "year", "month", "cum_investment", "cum_growth_pct"]
        ), skipped
    return pd.concat(frames, ignore_index=True), skipped


def run_corpus(directory: str, *, years: tuple[int, int] | None, as_json: bool) -> int:
    """Run the black-box protocol on a corpus folder and print the table."""
    if not Path(directory).is_dir():
        print(
            f"找不到序列目录「{directory}」/ corpus folder not found: {directory}",
            file=sys.stderr,
        )
        return 1
    frame, skipped = read_corpus(directory)
    if frame.empty:
        print(
            f"「{directory}」中没有可用的序列文件 / no series file in {directory}",
            file=sys.stderr,
        )
        return 1
    result = forecast.black_box(frame, years=years or CORPUS_YEARS)
    if result.records.empty:
        print(
            f"「{directory}」中没有可预测的年份 / nothing to forecast", file=sys.stderr
        )
        return 1
    if as_json:
        print_json(black_box_json(result) | {"skipped_files": skipped})
    else:
        print(black_box_text(result))
        for line in skipped:
            print(f"[未使用] {line}")
    return 0
