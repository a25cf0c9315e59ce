"""End-to-end tests of ``zjanalysis forecast`` and ``zjanalysis backtest``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zjanalysis import cli, forecast
from zjanalysis.commands.backtest import parse_years
from zjanalysis.reports.forecast import forecast_sentence

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(ROOT / "data" / "demo")
REFERENCE = str(ROOT / "data" / "reference")
DIRTY = str(ROOT / "data" / "demo-dirty")


_LOADED: dict[str, object] = {}


@pytest.fixture(autouse=True)
def cached_loader(monkeypatch):
    """Load each data folder once per test session (loading is the slow part)."""
    from zjanalysis import io

    real = io.load_dataset

    def load(path, *args, **kwargs):
        key = str(path)
        if key not in _LOADED:
            _LOADED[key] = real(path, *args, **kwargs)
        return _LOADED[key]

    monkeypatch.setattr(io, "load_dataset", load)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forecast_json_has_the_issue_keys(capsys):
    code, out, _ = run(
        capsys,
        "forecast",
        DEMO,
        "--region",
        "湛江市",
        "--year",
        "2021",
        "--as-of",
        "2021-06",
        "--target",
        "20",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    for key in (
        "region",
        "year",
        "as_of_month",
        "method",
        "point_growth_pct",
        "interval_80_pct",
        "interval_95_pct",
        "p_reach_target",
        "required_remaining_growth_pct",
        "ytd_growth_pct",
    ):
        assert key in data
    assert (
        data["region"] == "湛江市" and data["year"] == 2021 and data["as_of_month"] == 6
    )
    assert data["method"] in forecast.METHODS
    assert len(data["interval_80_pct"]) == 2 and 0 <= data["p_reach_target"] <= 1
    # the CLI reports exactly what the package computes
    from zjanalysis import io

    fai = io.load_dataset(DEMO)["fai_monthly"]
    result = forecast.forecast_fai(
        fai, "湛江市", year=2021, as_of_month=6, target_growth_pct=20.0
    )
    # the finding is keyed "headline", as in every command's JSON
    expected = {"headline": forecast_sentence(result), **result.to_dict()}
    assert data == json.loads(json.dumps(expected, ensure_ascii=False))


def test_forecast_text_and_all_regions(capsys):
    code, out, _ = run(
        capsys, "forecast", DEMO, "--as-of", "2021-06", "--method", "ytd"
    )
    assert code == 0
    assert out.startswith("湛江市按1—6月数据预测") and "累计增速延续法" in out
    code, out, _ = run(
        capsys, "forecast", DEMO, "--as-of", "2021-06", "--all-regions", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert len(data["regions"]) == 12
    # targets come from the demo targets table: 湛江奋勇高新区 has its own 25%
    by_region = {r["region"]: r for r in data["regions"]}
    assert by_region["湛江奋勇高新区"]["target_growth_pct"] == 25.0
    assert by_region["湛江市"]["target_growth_pct"] == 20.0
    probs = [r["p_reach_target"] for r in data["regions"]]
    assert probs == sorted(probs)
    assert {r["flag"] for r in data["regions"]} <= {"红", "黄", "绿"}


def test_forecast_target_from_table_or_option(capsys):
    args = (
        "forecast",
        DEMO,
        "--region",
        "湛江奋勇高新区",
        "--as-of",
        "2021-06",
        "--json",
    )
    code, out, _ = run(capsys, *args)
    assert code == 0 and json.loads(out)["target_growth_pct"] == 25.0
    code, out, _ = run(capsys, *args, "--target", "15")
    assert code == 0 and json.loads(out)["target_growth_pct"] == 15.0


def test_forecast_refuses_plainly(capsys):
    code, _, err = run(capsys, "forecast", DEMO, "--as-of", "2021-13")
    assert code == 2 and "2021-06" in err
    # an as-of before the year is refused; one after it states the year's result
    code, _, err = run(capsys, "forecast", DEMO, "--year", "2022", "--as-of", "2021-06")
    assert code == 2 and "早于" in err
    code, out, _ = run(
        capsys, "forecast", DEMO, "--year", "2020", "--as-of", "2021-06", "--json"
    )
    assert code == 0 and json.loads(out)["as_of_month"] == 12
    code, _, err = run(
        capsys, "forecast", DEMO, "--region", "不存在区", "--as-of", "2021-06"
    )
    assert code == 1 and "没有地区" in err
    code, _, err = run(capsys, "forecast", DEMO, "--as-of", "2021-09")
    assert code == 1 and "固定资产投资月度累计只到2021年1—6月，无法作2021年1—9月" in err
    code, _, err = run(capsys, "forecast", str(ROOT / "no-such-folder"))
    assert code == 1 and "找不到数据目录" in err
    code, _, err = run(capsys, "forecast", DIRTY)
    assert code == 1 and "固定资产投资月度累计、年度目标有 2 个错误" in err


def test_errors_in_tables_the_forecast_does_not_read_do_not_block_it(tmp_path, capsys):
    import shutil

    folder = tmp_path / "d"
    shutil.copytree(DEMO, folder)
    # a date no one can read in the plan-change log: an error in plan_changes only
    log = folder / "plan_changes.csv"
    text = log.read_text(encoding="utf-8-sig")
    log.write_text(text.replace("2021-02-23", "二月某日", 1), encoding="utf-8-sig")
    from zjanalysis import io

    errors = io.load_dataset(folder).report.errors
    assert errors and {e.table for e in errors} == {"plan_changes"}
    code, out, _ = run(capsys, "forecast", str(folder), "--as-of", "2021-06", "--json")
    assert code == 0 and json.loads(out)["headline"].startswith("湛江市按1—6月数据预测")


def test_backtest_json_records(capsys):
    code, out, _ = run(
        capsys,
        "backtest",
        REFERENCE,
        "--region",
        "全国",
        "--years",
        "2014-2018",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["years"] == [2014, 2015, 2016, 2017, 2018]
    recs = data["records"]
    assert len(recs) == len(forecast.BACKTEST_METHODS) * 10
    assert recs[0]["method"] == "auto"
    for rec in recs:
        for key in (
            "method",
            "as_of_month",
            "mae_pp",
            "coverage_80",
            "coverage_95",
            "brier",
        ):
            assert key in rec
    by_method = {m["method"]: m["mae_pp"] for m in data["methods"]}
    assert by_method[data["best_method"]] <= by_method["ytd"]


def test_backtest_text_and_errors(capsys):
    code, out, _ = run(capsys, "backtest", REFERENCE, "--region", "全国")
    assert code == 0 and "2012—2018年回测" in out and "按截止月份" in out
    code, _, err = run(
        capsys, "backtest", REFERENCE, "--region", "全国", "--years", "x"
    )
    assert code == 2 and "2014-2018" in err
    code, _, err = run(
        capsys, "backtest", REFERENCE, "--region", "全国", "--years", "2030-2031"
    )
    assert code == 1 and "没有可回测的年份" in err


def test_backtest_refuses_only_for_errors_in_the_statistics(tmp_path, capsys):
    import shutil

    folder = tmp_path / "d"
    shutil.copytree(DEMO, folder)
    (folder / "projects.xlsx").write_bytes(b"not a workbook")  # the ledger only
    code, out, _ = run(capsys, "backtest", str(folder), "--json")
    assert code == 0 and json.loads(out)
    code, _, err = run(capsys, "backtest", DIRTY)
    assert code == 1 and "固定资产投资月度累计有" in err and "个错误" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-2018", (2014, 2018)),
        ("2016", (2016, 2016)),
        (" 2014—2015 ", (2014, 2015)),
    ],
)
def test_parse_years(text, expected):
    assert parse_years(text) == expected


def test_parse_years_rejects_reversed():
    with pytest.raises(ValueError):
        parse_years("2018-2014")


def test_forecast_december_states_the_year(capsys):
    code, out, _ = run(capsys, "forecast", DEMO, "--as-of", "2020-12", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of_month"] == 12 and data["outcome_known"] is True
    assert data["method"] == forecast.OUTCOME_METHOD
    g = data["point_growth_pct"]
    assert data["interval_80_pct"] == [g, g] == data["interval_95_pct"]
    assert data["p_reach_target"] in (0.0, 1.0)
    assert data["required_remaining_growth_pct"] is None
    code, out, _ = run(capsys, "forecast", DEMO, "--as-of", "2020-12")
    assert code == 0
    assert out.startswith("湛江市2020年全年（1—12月）固定资产投资增长")
    assert "不再预测" in out and "区间" not in out.splitlines()[0]
    code, out, _ = run(capsys, "forecast", DEMO, "--as-of", "2020-12", "--all-regions")
    assert code == 0 and "达标" in out and "达标概率" not in out


def test_forecast_january_is_a_usage_error_february_works(capsys):
    code, out, err = run(capsys, "forecast", DEMO, "--as-of", "2021-01")
    assert code == 2 and out == ""
    assert "1月的数据不单独公布" in err and "2021-02" in err
    code, out, _ = run(capsys, "forecast", DEMO, "--as-of", "2021-02")
    assert code == 0 and out.startswith("湛江市按1—2月数据预测")
    assert "后10个月需比上年同期增长" in out


def test_an_unreadable_ledger_blocks_what_reads_it_not_the_forecast(tmp_path, capsys):
    import shutil

    from zjanalysis import io

    folder = tmp_path / "d"
    shutil.copytree(DEMO, folder)
    (folder / "projects.xlsx").write_bytes(b"not a workbook")
    (problem,) = io.load_dataset(folder).report.errors
    # the file's name says which table it holds
    assert problem.check == "unreadable_file" and problem.table == "projects"
    code, out, _ = run(capsys, "forecast", str(folder), "--as-of", "2021-06", "--json")
    assert code == 0 and json.loads(out)["headline"].startswith("湛江市按1—6月数据预测")
    code, _, err = run(capsys, "circular", str(folder), "--as-of", "2021-06")
    assert code == 1 and "项目台账有 1 个错误" in err


def test_all_regions_judges_a_county_without_a_target_by_the_citys(tmp_path, capsys):
    # demo-history's 2023 targets with 赤坎区's row taken out: it is judged
    # against the city's 10%, as on page 10, not against the minutes' 20%
    import shutil

    src = ROOT / "data" / "demo-history"
    shutil.copy(src / "fai_monthly.csv", tmp_path / "fai_monthly.csv")
    lines = (src / "targets.csv").read_text(encoding="utf-8-sig").splitlines()
    kept = [line for line in lines if not line.startswith("赤坎区,2023")]
    assert len(kept) == len(lines) - 1
    (tmp_path / "targets.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "forecast", str(tmp_path), "--year", "2023", "--as-of", "2023-06",
        "--all-regions", "--json",
    )  # fmt: skip
    assert code == 0
    by_region = {r["region"]: r for r in json.loads(out)["regions"]}
    assert by_region["湛江市"]["target_growth_pct"] == 10.0
    assert by_region["赤坎区"]["target_growth_pct"] == 10.0
    assert by_region["湛江奋勇高新区"]["target_growth_pct"] == 15.0
