"""``zjanalysis gap``: JSON keys, exit codes, and the demo data."""

from __future__ import annotations

import json

import pytest
from test_gap import _write

from zjanalysis import cli, paths

DEMO_DIR = paths.PROJECT_ROOT / "data" / "demo"
CITY_KEYS = {
    "required_remaining_wan",
    "forecast_remaining_wan",
    "forecast_remaining_80_wan",
    "gap_wan",
}


def _run(capsys, *args):
    code = cli.main(["gap", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_has_the_keys_the_issue_names(tmp_path, capsys):
    folder = _write(tmp_path / "d")
    code, out, err = _run(
        capsys,
        folder,
        "--year",
        "2021",
        "--as-of",
        "2021-06",
        "--target",
        "20",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert {"city", "by_county", "sources", "actions", "headline"} <= set(data)
    assert CITY_KEYS <= set(data["city"])
    lo, hi = data["city"]["forecast_remaining_80_wan"]
    assert lo <= data["city"]["forecast_remaining_wan"] <= hi
    assert data["city"]["gap_wan"] == pytest.approx(
        data["city"]["required_remaining_wan"] - data["city"]["forecast_remaining_wan"]
    )
    assert all(CITY_KEYS | {"county"} <= set(c) for c in data["by_county"])
    assert data["sources"] and all(
        set(s) >= {"source", "amount_wan", "n_projects"} for s in data["sources"]
    )
    assert all(
        set(a) >= {"unit", "action", "amount_wan", "clause"} for a in data["actions"]
    )
    # a county the statistics do not cover is null, not 0
    xiashan = next(c for c in data["by_county"] if c["county"] == "霞山区")
    assert xiashan["gap_wan"] is None and xiashan["status"] == "数据不足"


def test_beyond_the_data_exits_1_with_the_reason(tmp_path, capsys):
    folder = _write(tmp_path / "d")
    code, out, err = _run(capsys, folder, "--as-of", "2021-09", "--json")
    assert code == 1 and out == ""
    assert "只到2021年1—6月" in err


def test_a_bad_as_of_is_a_usage_error(tmp_path, capsys):
    code, _, err = _run(capsys, tmp_path, "--as-of", "六月")
    assert code == 2 and "2021-06" in err


@pytest.mark.slow
def test_demo_actions_add_up_to_the_sources(capsys):
    code, out, err = _run(capsys, DEMO_DIR, "--json")
    assert code == 0, err
    data = json.loads(out)
    for s in data["sources"]:
        acted = sum(
            a["amount_wan"] for a in data["actions"] if a["source"] == s["source"]
        )
        assert acted == pytest.approx(s["amount_wan"])
    assert data["city"]["gap_wan"] > 0  # the demo city forecasts about +17.6%
    assert data["headline"].startswith("2021年1—6月：余下6个月需完成投资")
