"""End-to-end tests of ``zjanalysis circular`` and ``zjanalysis checks``.

Two kinds: the commands on tiny data folders written by the test (exit codes,
text, JSON), and the demo data set: every violation planted by the seeded
generator (:func:`zjanalysis.demo.generate_demo` returns the case ids) must
show up in the circular and the checks, and the clean parts must pass.
"""

import json
from pathlib import Path

import make_demo_data as demo
import pytest

from zjanalysis import checks, circular, cli, io, paths

DEMO_DIR = paths.PROJECT_ROOT / "data" / "demo"

# A clean plan: one key project, complete, funded, land with red line,
# registered, consistent statistics, a leader-approved cut with a number.
PROJECTS = """项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,总投资,年度计划投资,分管市领导,牵头责任单位,分管行业部门,建设单位,用地预审与选址
K1,港口一号,2021,赤坎区,市交通运输局,是,续建,交通,50000,3000,副市长 张某,市交通运输局,市交通运输局,市交通投资集团,已完成
"""
PROGRESS = """项目编码,年份,月份,累计完成投资
K1,2021,5,1000
K1,2021,6,1500
"""
MILESTONES = """项目编码,节点,计划完成时间,实际完成时间
K1,主体完工,2021-05-31,2021-05-20
"""
FUNDING = """项目编码,年份,资金来源,金额
K1,2021,专项债,3000
"""
LAND = """项目编码,用地面积(亩),红线已下达,征地拆迁完成比例,批而未建
K1,120,是,80,否
"""
STATS = """项目编码,是否入库,年份,月份,统计累计完成投资
K1,是,2021,6,1480
"""
CHANGES = """调整日期,项目编码,调整类型,调整前计划投资,调整后计划投资,审批单位或领导,批准文号
2021-04-01,K1,调减,3500,3000,副市长 张某,湛府函〔2021〕1号
"""


def write_folder(root: Path, changes: str = CHANGES) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "projects.csv": PROJECTS,
        "project_progress.csv": PROGRESS,
        "milestones.csv": MILESTONES,
        "funding_plan.csv": FUNDING,
        "land_plan.csv": LAND,
        "stats_registry.csv": STATS,
        "plan_changes.csv": changes,
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_checks_exit_0_when_every_check_passes(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    assert io.load_dataset(folder).report.ok
    rc = cli.main(["checks", str(folder), "--year", "2021"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "2021年计划9项完整性检查全部通过。" in out
    assert out.count("[通过]") == 9


def test_checks_exit_1_on_a_cut_approved_only_by_the_bureau(tmp_path, capsys):
    bad = CHANGES.replace("副市长 张某,湛府函〔2021〕1号", "市发展改革局,")
    folder = write_folder(tmp_path / "d", changes=bad)
    rc = cli.main(["checks", str(folder), "--year", "2021"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "[不通过] 计划调整审批（许增不许减）" in out
    assert "缺市领导批准、缺批准文号" in out
    # the plan total before (3,500万元) and after (3,000万元) the change
    assert "计划总额由0.35亿元变为0.30亿元" in out


def test_checks_json(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    rc = cli.main(["checks", str(folder), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert data["passed"] is True
    assert [c["verdict"] for c in data["checks"]] == ["pass"] * 9
    assert data["checks"][0]["details"]["key_share_pct"] == 100.0


def test_circular_text_and_json(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    rc = cli.main(["circular", str(folder), "--year", "2021", "--month", "6"])
    out = capsys.readouterr().out
    assert rc == 0
    # 1,500 of 3,000万元 = 50.0%; time share 6/12 = 50% (no statistics) -> 绿
    assert out.startswith(
        "2021年1—6月，全市计划项目累计完成投资0.15亿元，完成年度计划50.0%"
    )
    assert "1 赤坎区：计划0.30亿元，完成0.15亿元，完成率50.0%（应完成50.0%）绿" in out
    assert "坡头区" in out and "无计划" in out
    rc = cli.main(["circular", str(folder), "--month", "6", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    county = {r["county"]: r for r in data["by_county"]}
    assert county["赤坎区"]["completion_pct"] == 50.0
    assert county["坡头区"]["completion_pct"] is None
    assert county["坡头区"]["status"] == "无计划"
    assert data["land"][0]["area_weighted_pct"] == 80.0


def test_circular_refuses_bad_arguments_and_missing_folder(tmp_path, capsys):
    assert cli.main(["circular", str(tmp_path), "--month", "13"]) == 2
    assert cli.main(["circular", str(tmp_path), "--amber", "20", "--red", "10"]) == 2
    assert cli.main(["circular", str(tmp_path / "nope")]) == 1
    assert cli.main(["checks", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert "找不到数据目录" in err


def test_commands_refuse_data_with_errors(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    (folder / "project_progress.csv").write_text(
        PROGRESS + "K1,2021,7,abc\n", encoding="utf-8"
    )
    assert cli.main(["circular", str(folder)]) == 1
    assert cli.main(["checks", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "项目月度进度有 1 个错误，暂不出2021年1—6月通报" in err
    assert "项目月度进度有 1 个错误，暂不作2021年计划完整性检查" in err
    assert f"zjanalysis validate {folder}" in err


def test_errors_in_a_table_the_circular_does_not_read_do_not_stop_it(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    (folder / "soe_plans.csv").write_text(
        "企业名称,年份,类型,投资额\n市水务投资集团,2021,计划,abc\n", encoding="utf-8"
    )
    assert not io.load_dataset(folder).report.ok
    assert cli.main(["circular", str(folder), "--as-of", "2021-06"]) == 0
    assert capsys.readouterr().out.startswith("2021年1—6月，全市计划项目累计完成投资")


def test_commands_refuse_a_month_past_the_data(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    assert cli.main(["circular", str(folder), "--as-of", "2021-12"]) == 1
    err = capsys.readouterr().err
    assert "项目月度进度只到2021年1—6月，无法出2021年1—12月通报。" in err


# --- the demo data set --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_data():
    if not (DEMO_DIR / "projects.xlsx").exists():
        pytest.skip("data/demo not generated")
    ds = io.load_dataset(DEMO_DIR)
    assert ds.report.ok, ds.report.format()
    _, scenario = demo.generate_demo()
    return ds, scenario


def test_demo_checks_show_every_planted_violation(demo_data):
    ds, sc = demo_data
    res = checks.run_all_checks(ds, year=2021)
    ids = {r.check: set(r.rows.get("project_id", [])) for r in res.results}
    # 三(一): key projects at about half of the plan
    share = res["key_share"].details["key_share_pct"]
    assert 45.0 < share < 55.0 and not res["key_share"].passed
    # 四(一): short and missing funding listed, exact funding passes
    f = sc["funding"]
    assert ids["funding_alignment"] == set(f["short"]) | set(f["missing"])
    assert not ids["funding_alignment"] & set(f["exact"])
    # 四(二): projects needing land without an entry, idle land
    assert set(sc["land"]["missing"]) <= ids["land_alignment"]
    no_entry = res["land_alignment"].rows.query("problem == '无用地用海计划'")
    assert set(no_entry["project_id"]) == set(sc["land"]["missing"])
    assert ids["idle_land"] == set(sc["land"]["idle"])
    # 五: at least one project both 三旧 and real estate
    assert len(ids["renewal_real_estate"]) >= 1
    # 七: exactly the three planted violations; the fine changes pass
    pc = sc["plan_changes"]
    violations = {k: v for k, v in pc.items() if k.startswith("violation")}
    assert ids["plan_changes"] == {p for v in violations.values() for p in v}
    rows = res["plan_changes"].rows.set_index("project_id")
    (cut,) = pc["violation_cut_bureau_only"]
    assert "缺市领导批准" in rows.loc[cut, "missing"]
    (cancel,) = pc["violation_cancel_no_ref"]
    assert rows.loc[cancel, "missing"] == "缺批准文号"
    # 八: started but unregistered, and figures off by 20-30%
    assert ids["stats_registration"] == set(sc["stats"]["unregistered"])
    assert ids["stats_figures"] == set(sc["stats"]["differ"])
    # 三(一): every key project names its four parties (a missing one is a
    # loading error, planted in demo-dirty only); one has no node targets
    key = res["key_records"]
    assert not key.passed
    assert key.rows["project_id"].tolist() == [sc["no_milestones"]]
    assert key.rows["missing"].tolist() == ["无节点目标"]
    assert key.details["n_incomplete"] == 1


def test_demo_circular_shows_planted_cases(demo_data):
    ds, sc = demo_data
    res = circular.compute_circular(ds, year=2021, month=6)
    assert set(res.missing_reports["project_id"]) == set(sc["no_report_june"])
    county = res.by_county.set_index("county")
    # the demo slows 吴川市, 坡头区 and 徐闻县 to 60-72% of the seasonal pace
    for slow in ("吴川市", "坡头区", "徐闻县"):
        assert county.loc[slow, "status"] == "红"
    assert (county["basis"] == circular.BASIS_OWN).sum() == 11
    assert len(res.lagging_milestones) > 0 and res.lagging_milestones["is_key"].all()
    assert len(res.unstarted_new) > 0
    assert res.land.iloc[-1]["county"] == "全市合计"
