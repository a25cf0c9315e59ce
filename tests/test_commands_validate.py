"""Tests of ``zjanalysis validate``: what the office sees, and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zjanalysis import cli, io, paths

HEADER = (
    "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,"
    "行业领域,总投资（万元）,年度计划投资,分管市领导,牵头责任单位,分管行业部门,建设单位\n"
)
GOOD = "P001,东海岛项目,2021,霞山区,市工信局,是,续建,产业,50000,8000,张三,市发改局,市工信局,宝钢\n"
BAD = "P002,南三岛项目,2021,霞山区,市工信局,是,续建,产业,五万,8000,张三,市发改局,市工信局,\n"


def make_folder(root: Path, *rows: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "projects.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    return root


def test_clean_folder_exits_0_and_says_what_loaded(tmp_path, capsys):
    folder = make_folder(tmp_path / "ok", GOOD)
    assert cli.main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "projects.csv: projects（项目台账）1 行" in out
    assert "万元（默认 / default）" in out
    assert "未发现问题" in out


def test_errors_exit_1_and_are_listed_by_file_row_and_column(tmp_path, capsys):
    folder = make_folder(tmp_path / "bad", GOOD, BAD)
    assert cli.main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "== projects.csv" in out
    assert "projects.csv 第3行 「总投资（万元）」 值「五万」" in out
    assert "is not a number" in out
    assert "projects.csv 第3行 「建设单位」" in out
    assert "Traceback" not in out


def test_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "nope")]) == 2
    assert "找不到数据目录" in capsys.readouterr().err


def test_json_output(tmp_path, capsys):
    folder = make_folder(tmp_path / "bad", GOOD, BAD)
    assert cli.main(["validate", str(folder), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["tables"]["projects"] == 2
    assert data["files"][0]["name"] == "projects.csv"
    located = {(p["file"], p["row"], p["column"]) for p in data["problems"]}
    assert ("projects.csv", 3, "总投资（万元）") in located


def test_skipped_rows_are_shown(tmp_path, capsys):
    folder = tmp_path / "printed"
    folder.mkdir()
    (folder / "projects.csv").write_text(
        "湛江市2021年重点项目计划\n单位：亿元\n"
        + HEADER
        + GOOD
        + "合计,,,,,,,,5,0.8\n注：测试\n",
        encoding="gb18030",
    )
    assert cli.main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "编码 gb18030" in out
    assert "亿元（表内声明 / declared）" in out
    assert "标题行 1 行、单位行 1 行、合计行 1 行、表注 1 行" in out


def test_manifest_is_checked_under_data_raw(tmp_path, capsys, monkeypatch):
    raw = tmp_path / "raw"
    folder = make_folder(raw / "2021-06", GOOD)
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    (raw / "MANIFEST.csv").write_text(
        f"file,sha256\n2021-06/projects.csv,{'0' * 64}\n", encoding="utf-8"
    )
    assert cli.main(["validate", str(folder)]) == 1
    assert "MANIFEST.csv" in capsys.readouterr().out
    (raw / "MANIFEST.csv").write_text(
        f"file,sha256\n2021-06/projects.csv,{io.file_sha256(folder / 'projects.csv')}\n",
        encoding="utf-8",
    )
    assert cli.main(["validate", str(folder)]) == 0


def test_installed_command_runs_without_traceback(tmp_path):
    folder = make_folder(tmp_path / "bad", BAD)
    proc = subprocess.run(
        [sys.executable, "-m", "zjanalysis", "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["demo", "demo-dirty"])
def test_demo_folders(name, capsys):
    folder = paths.DATA_DIR / name
    if (
        not folder.is_dir()
        or not any(folder.glob("*.csv"))
        and not any(folder.glob("*.xlsx"))
    ):
        pytest.skip(f"data/{name} not generated yet")
    rc = cli.main(["validate", str(folder)])
    out = capsys.readouterr().out
    assert "DEMO" in out
    assert rc == (0 if name == "demo" else 1), out[-3000:]


def test_every_planted_mistake_of_demo_dirty_is_reported():
    planted_file = paths.DEMO_DIRTY_DIR / "PLANTED.csv"
    if not planted_file.is_file():
        pytest.skip("data/demo-dirty not generated yet")
    import pandas as pd

    planted = pd.read_csv(planted_file, dtype=str, keep_default_na=False)
    ds = io.load_dataset(paths.DEMO_DIRTY_DIR)
    found = {
        (p.file.split("#")[0], "" if p.row is None else str(p.row), p.column)
        for p in ds.report.problems
    }
    missed = [
        (r.file, r.row, r.column, r.description)
        for r in planted.itertuples()
        if (r.file, r.row, r.column) not in found
    ]
    assert not missed


def test_a_file_instead_of_a_folder_is_a_usage_error(tmp_path, capsys):
    folder = make_folder(tmp_path / "ok", GOOD)
    assert cli.main(["validate", str(folder / "projects.csv")]) == 2
    assert "是一个文件" in capsys.readouterr().err
