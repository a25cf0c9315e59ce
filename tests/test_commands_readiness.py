"""End-to-end tests of ``zjanalysis readiness`` on a tiny data folder written by the test."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from zjanalysis import cli

# R1 储备, everything done (100, ready); R2 预备 without plan money, 环评 办理中
# (95, ready): neither is in the 2021 plan, so both are the batch; R3 立项 办理中
# (90, fails the gate: close); R4 储备 with nothing done (reserve); R5 续建
# (ready, building); R6 2020 project (other plan year, not scored for 2021);
# R7 新开工, everything done, no progress reported: in the plan, to start.
PROJECTS = """project_id,name,plan_year,county,department,is_key,stage,sector,total_investment,plan_investment,approval_status,land_status,eia_status,energy_status,design_status,permit_status,funding_secured_pct,land_acquired_pct
R1,一号项目,2021,霞山区,市交通运输局,否,储备,基础设施,10000,0,已完成,已完成,已完成,已完成,已完成,已完成,100,100
R2,二号项目,2021,赤坎区,市水务局,否,预备,基础设施,8000,0,已完成,已完成,办理中,不需要,已完成,已完成,90,100
R3,三号项目,2021,霞山区,市水务局,否,预备,基础设施,6000,1000,办理中,已完成,已完成,已完成,已完成,已完成,100,100
R4,四号项目,2021,麻章区,市发展改革局,否,储备,产业,50000,0,未启动,未启动,未启动,未启动,未启动,未启动,0,0
R5,五号项目,2021,市直,市交通运输局,否,续建,基础设施,90000,20000,已完成,已完成,已完成,已完成,已完成,已完成,100,100
R6,六号项目,2020,霞山区,市交通运输局,否,新开工,基础设施,5000,1000,已完成,已完成,已完成,已完成,已完成,已完成,100,100
R7,七号项目,2021,雷州市,市交通运输局,否,新开工,基础设施,12000,4000,已完成,已完成,已完成,已完成,已完成,已完成,100,100
"""


def write_folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    return root


def test_json_carries_the_issue_keys(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    code = cli.main(
        ["readiness", str(folder), "--year", "2021", "--json", "--draws", "50"]
    )
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    rows = {r["project_id"]: r for r in data["projects"]}
    assert set(rows) == {"R1", "R2", "R3", "R4", "R5", "R7"}
    for r in rows.values():
        for key in (
            "project_id",
            "score",
            "grade",
            "in_next_batch",
            "missing",
            "batch_stability",
        ):
            assert key in r
        assert isinstance(r["missing"], list)
    assert rows["R1"]["score"] == pytest.approx(100.0)
    assert rows["R2"]["score"] == pytest.approx(95.0)
    assert rows["R2"]["missing"] == ["环评：办理中"]
    assert rows["R3"]["grade"] == "close"
    assert rows["R3"]["missing"] == ["立项：办理中"]
    assert [k for k, r in rows.items() if r["in_next_batch"]] == ["R1", "R2"]
    assert rows["R1"]["batch_stability"] == 1.0
    assert rows["R5"]["batch_stability"] == 0.0
    # batch: R1 霞山区 10000 + R2 赤坎区 8000 万元 of total investment, no plan money yet
    county = {r["county"]: r for r in data["batch_by_county"]}
    assert county["霞山区"]["total_investment"] == 10000.0
    assert county["赤坎区"]["total_investment"] == 8000.0
    assert county["合计"]["total_investment"] == 18000.0
    assert county["合计"]["plan_investment"] == 0.0
    assert (
        "2 个未列入2021年计划的项目已成熟且尚未开工，建议作为下一批下达"
        "（总投资 1.80亿元；台账未填年度计划投资，下达时需核定）" in data["headline"]
    )
    nb = data["next_batch"]
    assert nb["n_projects"] == 2 and nb["plan_investment_wan"] == 0.0
    assert nb["already_in_plan_wan"] == 0.0 and nb["new_to_plan_wan"] == 0.0
    assert nb["total_investment_wan"] == 18000.0 and nb["n_without_plan_money"] == 2
    assert {r["project_id"] for r in nb["projects"]} == {"R1", "R2"}
    assert not any(r["already_started"] for r in nb["projects"])
    assert not any(r["in_plan"] for r in nb["projects"])
    # R7 is ready and in the plan but has not started: to start, not to release
    start = data["unstarted_in_plan"]
    assert [r["project_id"] for r in start["projects"]] == ["R7"]
    assert start["plan_investment_wan"] == 4000.0
    assert (
        "已列入2021年计划的成熟项目中有 1 个尚未开工（年度计划投资 0.40亿元）"
        in data["headline"]
    )
    assert data["evidence"]["status"] == "too_few"


def test_csv_output(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    out_path = tmp_path / "out" / "readiness.csv"
    code = cli.main(["readiness", str(folder), "--csv", str(out_path), "--draws", "20"])
    assert code == 0
    assert "wrote 6 rows" in capsys.readouterr().out
    raw = out_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese
    table = pd.read_csv(out_path, encoding="utf-8-sig", keep_default_na=False)
    assert {
        "project_id",
        "score",
        "grade",
        "in_next_batch",
        "missing",
        "batch_stability",
    } <= set(table.columns)
    r4 = table.set_index("project_id").loc["R4"]
    assert r4["grade"] == "reserve"
    assert r4["missing"].split("；")[0] == "立项：未启动"
    assert "pts_funding" in table.columns


def test_text_output(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    assert cli.main(["readiness", str(folder), "--draws", "20"]) == 0
    out = capsys.readouterr().out
    assert "下一批建议下达（2 个）" in out
    assert "市发展改革局：1 项" in out  # R3's 立项


def test_config_override_and_bad_config(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    cfg = tmp_path / "rules.yaml"
    cfg.write_text(
        "criteria:\n  approval:\n    points: 50\n  eia:\n    points: 50\n",
        encoding="utf-8",
    )
    assert (
        cli.main(
            ["readiness", str(folder), "--config", str(cfg), "--json", "--draws", "10"]
        )
        == 0
    )
    rows = {r["project_id"]: r for r in json.loads(capsys.readouterr().out)["projects"]}
    assert rows["R2"]["score"] == pytest.approx(75.0)  # 50 + 0.5 * 50
    assert rows["R3"]["score"] == pytest.approx(75.0)
    cfg.write_text("criteria:\n  approval:\n    points: -1\n", encoding="utf-8")
    assert cli.main(["readiness", str(folder), "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "criteria.approval.points" in err and "不能为负" in err


def test_refusals(tmp_path, capsys):
    assert cli.main(["readiness", str(tmp_path / "nope")]) == 1
    assert "找不到数据目录" in capsys.readouterr().err
    folder = write_folder(tmp_path / "d")
    assert cli.main(["readiness", str(folder), "--year", "2019"]) == 1
    assert "项目台账没有2019年的数据" in capsys.readouterr().err
    assert cli.main(["readiness", str(folder), "--spread", "2"]) == 2


# R1 (储备, not in the plan) reports a start in May; nothing else has started.
PROGRESS = """project_id,year,month,cum_completed,actual_start
R5,2021,4,3000,2019-05-01
R5,2021,5,4000,2019-05-01
R1,2021,5,200,2021-05-10
"""


def test_as_of_reads_the_progress_known_then_and_refuses_past_it(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    (folder / "project_progress.csv").write_text(PROGRESS, encoding="utf-8")

    def batch(as_of):
        code = cli.main(
            ["readiness", str(folder), "--as-of", as_of, "--json", "--draws", "10"]
        )
        out = capsys.readouterr().out
        assert code == 0
        data = json.loads(out)
        return data, {r["project_id"] for r in data["next_batch"]["projects"]}

    # at 1—4月 R1 had not started: it is in the batch, "截至1—4月"
    data, ids = batch("2021-04")
    assert ids == {"R1", "R2"}
    assert "截至1—4月尚未开工" in data["headline"]
    # at 1—5月 it has: out of the batch, counted as a started ready project
    data, ids = batch("2021-05")
    assert ids == {"R2"} and data["next_batch"]["n_ready_started"] == 1
    # the reports stop at 1—5月: a 1—12月 batch is refused in words, exit 1
    assert cli.main(["readiness", str(folder), "--as-of", "2021-12"]) == 1
    assert "项目月度进度只到2021年1—5月" in capsys.readouterr().err


def test_without_progress_reports_the_start_is_not_claimed(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    assert cli.main(["readiness", str(folder), "--json", "--draws", "10"]) == 0
    headline = json.loads(capsys.readouterr().out)["headline"]
    assert "；未收到2021年项目月度进度，以上“尚未开工”未经核实；" in headline
