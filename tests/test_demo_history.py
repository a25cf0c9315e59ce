"""Tests for ``data/demo-history`` (tools/make_demo_data.py): statistics to 2023-06
whose first rows are exactly ``data/demo``'s, and a 2022 that is normal growth on
the abnormal 2021 base, so the backtest of the 2023 forecast meets the shock
(2020), the rebound (2021) and the stacked year (2022)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import make_demo_data as demo
import numpy as np
import pandas as pd
import pytest

from zjanalysis import cli, forecast, io
from zjanalysis.paths import DEMO_DIR
from zjanalysis.schema import CITY, COUNTIES

HISTORY_DIR = DEMO_DIR.parent / "demo-history"
FAI_COLUMNS = ["region", "year", "month", "cum_investment", "cum_growth_pct"]


def _read_fai_csv(path: Path) -> list[list[str]]:
    """The data rows of a fai_monthly.csv as written (title and header dropped)."""
    with path.open(encoding="gb18030", newline="") as fh:
        rows = list(csv.reader(fh))
    assert "DEMO 演示数据" in rows[0][0]
    return rows[2:]


def _month(label: str) -> int:
    """``1—6月`` → 6 (``1—2月`` → 2), read independently of the package."""
    return int(label.split("—")[1].rstrip("月"))


def _published(path: Path) -> dict[tuple[str, int, int], float]:
    """(region, year, month) → published cumulative growth, straight from the file."""
    return {(r[0], int(r[1]), _month(r[2])): float(r[4]) for r in _read_fai_csv(path)}


@pytest.fixture(scope="module")
def history() -> tuple[pd.DataFrame, pd.DataFrame]:
    return demo.generate_fai_history()


@pytest.fixture(scope="module")
def loaded() -> io.Dataset:
    return io.load_dataset(HISTORY_DIR)


# --- the files: reproducible, labelled, the prefix of data/demo ----------------------


def test_committed_history_is_reproduced_byte_for_byte(tmp_path):
    first = demo.write_history(tmp_path / "a")
    second = demo.write_history(tmp_path / "b")
    names = sorted(p.name for p in HISTORY_DIR.iterdir())
    assert names == ["README.md", "fai_monthly.csv", "targets.csv"]
    assert names == sorted(p.name for p in first.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (HISTORY_DIR / name).read_bytes() == (first / name).read_bytes(), name


def test_rows_to_2021_06_are_data_demo_rows_as_written():
    demo_rows = _read_fai_csv(DEMO_DIR / "fai_monthly.csv")
    hist_rows = _read_fai_csv(HISTORY_DIR / "fai_monthly.csv")
    early = [r for r in hist_rows if (int(r[1]), _month(r[2])) <= (2021, 6)]
    assert early == demo_rows  # every column, in the same order
    later = [r for r in hist_rows if (int(r[1]), _month(r[2])) > (2021, 6)]
    # 12 regions × (6 months of 2021 + 11 of 2022 + 5 of 2023)
    assert len(later) == 12 * (6 + 11 + 5)


def test_rows_to_2021_06_equal_data_demo_after_loading(loaded):
    base = io.load_dataset(DEMO_DIR)["fai_monthly"][FAI_COLUMNS]
    hist = loaded["fai_monthly"][FAI_COLUMNS]
    early = hist[
        (hist["year"] < 2021) | ((hist["year"] == 2021) & (hist["month"] <= 6))
    ]
    pd.testing.assert_frame_equal(
        early.reset_index(drop=True), base.reset_index(drop=True)
    )


def test_history_leaves_the_demo_draws_alone(history):
    # the continuation draws from a child stream: the demo's fai_monthly (the
    # first table generate_demo draws) is the prefix of the history, and the
    # demo itself is unchanged (test_demo.test_committed_files_are_reproduced)
    tables, _ = demo.generate_demo()
    fai, _ = history
    early = fai[(fai["year"] < 2021) | ((fai["year"] == 2021) & (fai["month"] <= 6))]
    pd.testing.assert_frame_equal(
        early.reset_index(drop=True), tables["fai_monthly"].reset_index(drop=True)
    )


def test_every_file_is_labelled_demo_and_the_readme_says_what_to_run():
    targets_title = (
        (HISTORY_DIR / "targets.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    )
    assert "DEMO 演示数据" in targets_title and "2022—2023" in targets_title
    text = (HISTORY_DIR / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in text and "DEMO 演示数据" in text
    assert "zjanalysis forecast data/demo-history --year 2023 --as-of 2023-06" in text
    assert "make report DATA=data/demo-history YEAR=2023 AS_OF=2023-06" in text


def test_loader_marks_it_demo_without_problems(loaded):
    assert loaded.is_demo
    assert not loaded.report.errors
    fai = loaded["fai_monthly"]
    assert fai.groupby("region").size().to_dict() == dict.fromkeys(
        (CITY, *COUNTIES), 8 * 11 + 5
    )
    assert fai[["year", "month"]].max().tolist() == [2023, 12]
    last = fai.loc[fai["year"] == 2023, "month"].max()
    assert last == 6


# --- the scenario ----------------------------------------------------------------------


def test_counties_sum_to_the_city(history):
    fai, _ = history
    lv = fai.pivot_table(
        index=["year", "month"], columns="region", values="cum_investment"
    )
    assert (lv[list(COUNTIES)].sum(axis=1) == lv[CITY]).all()
    assert (lv.groupby(level="year").diff().dropna() > 0).all().all()  # cumulative


def test_2021_completes_the_designed_two_year_path(history):
    fai, _ = history
    lv = fai.set_index(["region", "year", "month"])["cum_investment"]
    for county in COUNTIES:
        designed = lv[(county, 2019, 12)] * (1 + demo.TWO_YEAR_RATE_2021[county]) ** 2
        assert lv[(county, 2021, 12)] == round(designed)
    # the city's year end: (1 + r)^2 summed over the counties, as data/demo says
    outlook = demo.county_outlook(demo.generate_demo()[0]).set_index("region")
    g = 100 * (lv[(CITY, 2021, 12)] / lv[(CITY, 2020, 12)] - 1)
    assert g == pytest.approx(outlook.loc[CITY, "implied_growth_pct"], abs=0.05)


def test_2022_is_normal_growth_on_the_rebound_base(history):
    fai, targets = history
    lv = fai.set_index(["region", "year", "month"])["cum_investment"]
    growth = {
        r: 100 * (lv[(r, 2022, 12)] / lv[(r, 2021, 12)] - 1) for r in (CITY, *COUNTIES)
    }
    assert all(4.0 <= g <= 14.0 for g in growth.values()), growth
    assert 6.0 <= growth[CITY] <= 12.0
    # both sides of the +10% target
    tg = targets.set_index(["region", "year"])["target_growth_pct"]
    met = [growth[c] >= tg[(c, 2022)] for c in COUNTIES]
    assert any(met) and not all(met)
    # the base: 上年完成投资 = the previous year's level
    for r in (CITY, *COUNTIES):
        assert tg.index.isin([(r, 2022), (r, 2023)]).sum() == 2
        base = targets.set_index(["region", "year"])["base_investment"]
        assert base[(r, 2022)] == lv[(r, 2021, 12)]
        assert base[(r, 2023)] == lv[(r, 2022, 12)]


def test_seasonal_shares_keep_drifting(history):
    fai, _ = history
    lv = fai.set_index(["region", "year", "month"])["cum_investment"]
    for month in (2, 6):
        moves = [
            lv[(c, 2022, month)] / lv[(c, 2022, 12)]
            - lv[(c, 2019, month)] / lv[(c, 2019, 12)]
            for c in COUNTIES
        ]
        # not a fixed shape: counties' shares move, by different amounts
        assert np.std(moves) > 0.002 and max(np.abs(moves)) > 0.005


def test_published_growth_carries_the_restatement(history):
    fai, _ = history
    lv = fai.set_index(["region", "year", "month"])["cum_investment"]
    later = fai[(fai["year"] >= 2021) & ~((fai["year"] == 2021) & (fai["month"] <= 6))]
    for r in later.itertuples():
        computed = 100 * (
            lv[(r.region, r.year, r.month)] / lv[(r.region, r.year - 1, r.month)] - 1
        )
        assert -0.06 <= r.cum_growth_pct - computed <= 3.06
    # one restatement per region and year: 2021's second half keeps its first
    # half's (noise ±0.15 only)
    for region in (CITY, *COUNTIES):
        rows = fai[(fai["region"] == region) & (fai["year"] == 2021)]
        diffs = [
            r.cum_growth_pct
            - 100 * (r.cum_investment / lv[(region, 2020, r.month)] - 1)
            for r in rows.itertuples()
        ]
        assert max(diffs) - min(diffs) < 1.4, region


# --- the forecast on it ------------------------------------------------------------------


def test_2022_stacks_back_to_2019_for_the_city(loaded):
    fai = loaded["fai_monthly"]
    cut = fai[(fai["year"] < 2022) | ((fai["year"] == 2022) & (fai["month"] <= 6))]
    history = forecast.build_region_history(cut, CITY)
    abnormal = forecast.find_abnormal_years(history, before=2022)
    assert {2020, 2021} <= abnormal
    assert forecast.last_normal_base(history, year=2022, abnormal=abnormal) == 2019
    res = forecast.forecast_fai(fai, CITY, year=2022, as_of_month=6)
    assert res.method == "adjusted"
    assert (res.base_year, res.stack_depth, res.regime) == (2019, 3, "base")


def test_2022_inside_the_2023_backtest_beats_year_to_date(loaded):
    fai = loaded["fai_monthly"]
    bt = forecast.backtest(fai[fai["year"] < 2023], CITY, methods=("auto",))
    assert {2020, 2021, 2022} <= set(bt.years)
    auto = bt.records.set_index(["year", "as_of_month"])["point_pct"]
    g = _published(HISTORY_DIR / "fai_monthly.csv")
    actual = g[(CITY, 2022, 12)]
    months = range(2, 12)
    err = {m: abs(auto[(2022, m)] - actual) for m in months}
    # naive: the year-to-date growth persists to the year end
    naive = {m: abs(g[(CITY, 2022, m)] - actual) for m in months}
    # stacking two years, onto 2021 (the rebound year), by hand
    onto_2021 = {
        m: abs(
            100
            * (
                (1 + g[(CITY, 2021, m)] / 100)
                * (1 + g[(CITY, 2022, m)] / 100)
                / (1 + g[(CITY, 2021, 12)] / 100)
                - 1
            )
            - actual
        )
        for m in months
    }
    assert np.mean(list(err.values())) < 0.75 * np.mean(list(naive.values()))
    assert np.mean(list(err.values())) < 0.25 * np.mean(list(onto_2021.values()))
    # early in the year 2021's damped first months inflate the year to date
    for m in (2, 3):
        assert err[m] < 0.5 * naive[m], m
    # by 1—6月 2021's shape is 2019's (its designed two-year path), so stacking
    # onto 2019 and the year to date read the same months: no worse
    assert err[6] <= naive[6] + 0.5
    # the scored 2022 forecasts are those of the forecast itself, stacked to 2019
    for m in (2, 6, 11):
        res = forecast.forecast_fai(fai, CITY, year=2022, as_of_month=m)
        assert res.base_year == 2019 and res.stack_depth == 3
        assert res.point_growth_pct == pytest.approx(auto[(2022, m)], abs=1e-9)


def test_2022_forecast_uses_only_rows_to_its_as_of_month(loaded, tmp_path):
    cut = tmp_path / "demo-history-to-2022-06"
    shutil.copytree(HISTORY_DIR, cut)
    path = cut / "fai_monthly.csv"
    with path.open(encoding="gb18030", newline="") as fh:
        rows = list(csv.reader(fh))
    kept = rows[:2] + [r for r in rows[2:] if (int(r[1]), _month(r[2])) <= (2022, 6)]
    assert len(kept) < len(rows)
    with path.open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(kept)
    short = io.load_dataset(cut)
    assert not short.report.errors
    full = forecast.forecast_for_dataset(
        loaded, region=CITY, year=2022, as_of="2022-06"
    )
    part = forecast.forecast_for_dataset(short, region=CITY, year=2022, as_of="2022-06")
    assert not full.refusal and not part.refusal
    assert full.city.to_dict() == part.city.to_dict()
    pd.testing.assert_frame_equal(full.city.path, part.city.path)
    pd.testing.assert_frame_equal(full.regions.to_frame(), part.regions.to_frame())
    pd.testing.assert_frame_equal(full.backtest.records, part.backtest.records)
    pd.testing.assert_frame_equal(full.track, part.track)


# --- the command line ----------------------------------------------------------------------


def test_cli_forecasts_2023_from_2023_06(capsys):
    code = cli.main(
        ["forecast", str(HISTORY_DIR), "--year", "2023", "--as-of", "2023-06"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("湛江市按1—6月数据预测") and "10%目标" in out


def test_cli_refuses_2023_07_in_plain_words(capsys):
    code = cli.main(
        ["forecast", str(HISTORY_DIR), "--year", "2023", "--as-of", "2023-07"]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert "只到2023年1—6月" in err and "1—7月" in err
    assert "Traceback" not in out + err
