"""The black-box protocol on real series (issue 13): the corpus reader, the
``backtest --corpus`` command, the scoring table, and the real corpus when it
is there (``../shared/data/real`` beside the repository; skipped when absent,
never copied into the project).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from zjanalysis import cli
from zjanalysis import forecast as fc
from zjanalysis.commands.backtest import read_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "real"
TOTAL = "全国固定资产投资(不含农户)"
HEADER = "year,month_end,period_label,cum_level_100m_yuan,cum_yoy_pct,source,note"


def _write(path: Path, rows: list[tuple[int, int, float]], series: str | None) -> None:
    head = HEADER + (",series" if series else "")
    lines = [head] + [
        f"{y},{m},1-{m}月,,{g},src,note" + (f",{series}" if series else "")
        for y, m, g in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _series(years: range, growth) -> list[tuple[int, int, float]]:
    return [(y, m, growth(y, m)) for y in years for m in range(2, 13)]


def test_read_corpus_joins_continuations_and_skips_other_files(tmp_path):
    _write(
        tmp_path / "a_monthly.csv", _series(range(2015, 2019), lambda y, m: 8.0), None
    )
    # the continuation repeats 2018-12 (kept from the first file) and adds 2019
    _write(
        tmp_path / "a_monthly_2018_2019.csv",
        [(2018, 12, 99.0)] + _series(range(2019, 2020), lambda y, m: 7.0),
        "甲序列",
    )
    _write(
        tmp_path / "b_monthly.csv",
        _series(range(2016, 2019), lambda y, m: 5.0),
        "乙序列",
    )
    (tmp_path / "consensus.csv").write_text("year,month_end,forecast\n2020,2,1.0\n")
    multi = pd.DataFrame(
        {"year": [2020, 2020], "month_end": [2, 3], "cum_yoy_pct": [1.0, 2.0],
         "series": ["x", "y"]}
    )  # fmt: skip
    multi.to_csv(tmp_path / "long.csv", index=False)
    frame, skipped = read_corpus(tmp_path)
    assert sorted(frame["region"].unique()) == ["乙序列", "甲序列"]
    a = frame.loc[frame["region"] == "甲序列"].set_index(["year", "month"])
    assert len(a) == 5 * 11 and a.loc[(2018, 12), "cum_growth_pct"] == 8.0
    assert a.loc[(2019, 5), "cum_growth_pct"] == 7.0
    assert len(skipped) == 2
    assert any("consensus.csv" in s and "cum_yoy_pct" in s for s in skipped)
    assert any("long.csv" in s and "2 个序列" in s for s in skipped)


def test_black_box_scores_against_the_naive_method_by_hand():
    # One series growing 10% flat for years: every forecast is exact, the
    # naive one too; P(>=5%) is near 1 and the outcome is 1.
    rows = [("甲", y, m, np.nan, 10.0) for y in range(2010, 2020) for m in range(2, 13)]
    df = pd.DataFrame(rows, columns=["region", "year", "month", "cum_investment",
                                     "cum_growth_pct"])  # fmt: skip
    bb = fc.black_box(df, years=(2016, 2019), shock_years=(2019,))
    assert len(bb.records) == 4 * 10
    tab = bb.summary().set_index("group")
    assert tab.loc["全部", "mae_pp"] == pytest.approx(0.0, abs=1e-9)
    assert tab.loc["全部", "naive_brier"] == 0.0
    assert tab.loc["平稳年份", "n"] == 30 and tab.loc["2019—2019年", "n"] == 10
    assert tab.loc["全部", "coverage_80"] == 1.0


def test_backtest_corpus_command(tmp_path, capsys):
    _write(
        tmp_path / "a_monthly.csv",
        _series(range(2010, 2020), lambda y, m: 10.0 - 0.1 * m + (y % 3)),
        "甲序列",
    )
    code = cli.main(["backtest", "--corpus", str(tmp_path), "--years", "2016-2019"])
    out, _ = capsys.readouterr()
    assert code == 0 and "1个序列" in out and "| 全部 | 40 |" in out
    code = cli.main(
        ["backtest", "--corpus", str(tmp_path), "--years", "2016-2019", "--json"]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["n_forecasts"] == 40
    assert data["summary"][0]["group"] == "全部"
    code = cli.main(["backtest", "--corpus", str(tmp_path / "nope")])
    _, err = capsys.readouterr()
    assert code == 1 and "找不到序列目录" in err
    code = cli.main(["backtest"])
    _, err = capsys.readouterr()
    assert code == 2 and "--corpus" in err


needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"no real corpus at {CORPUS}"
)


@needs_corpus
def test_national_total_2019_2023_with_levels_beats_naive():
    frame, _ = read_corpus(CORPUS)
    bb = fc.black_box(frame, years=(2019, 2023), regions=[TOTAL], growth_only=False)
    row = bb.summary().iloc[0]
    assert row["n"] == 50 and row["mae_ratio"] <= 0.75
    # the band for the 80% interval on this line: 0.70-0.95
    assert 0.70 <= row["coverage_80"] <= 0.95
    # 2022 stacks onto 2019 past the collapse (2020) and the rebound (2021)
    y22 = bb.records.loc[bb.records["year"] == 2022]
    assert (y22["actual_pct"] - y22["point_pct"]).abs().mean() < 1.5
    assert (y22["actual_pct"] - y22["naive_pct"]).abs().mean() > 1.5


@needs_corpus
def test_national_2022_detects_the_shock_and_rebound_from_the_data():
    frame, _ = read_corpus(CORPUS)
    own = frame.loc[frame["region"] == TOTAL]
    cut = own.loc[(own["year"] < 2022) | ((own["year"] == 2022) & (own["month"] <= 2))]
    res = fc.forecast_fai(cut, TOTAL, year=2022, as_of_month=2, target_growth_pct=5.0)
    assert (res.base_year, res.stack_depth) == (2019, 3)
    # hand: 1.122 * 1.350 * 0.755 / (1.049 * 1.029) - 1 = 5.95% before the drift
    h = fc.build_region_history(cut, TOTAL)
    assert fc.stacked_growth(h, year=2022, month=2, base_year=2019) == pytest.approx(
        1.122 * 1.350 * 0.755 / (1.049 * 1.029) - 1
    )
