"""End-to-end tests of ``zjanalysis soe`` on tiny data folders written by the test."""

import json
from pathlib import Path

import pytest

from zjanalysis import cli, io, soe
from zjanalysis.reports.soe import SoeView

# Money in 亿元 in the SOE file (converted by the loader), in 万元 in the ledger.
SOE_PLANS_YI = """企业名称,年份,类型,在湛投资(亿元)
市交通投资集团,2020,完成,2.5
市交通投资集团,2021,计划,2.9999
市水务投资集团,2020,完成,1
市水务投资集团,2021,计划,1.2
市旅游投资集团,2021,计划,0.8
"""
PROJECTS = """项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,总投资,年度计划投资,所属国有企业
P1,交通一号,2021,霞山区,市交通运输局,否,续建,交通,50000,29999,市交通投资集团
P2,水务一号,2021,赤坎区,市水务局,否,续建,水利,30000,12000,市水务投资集团
P3,港口项目,2021,麻章区,市交通运输局,否,续建,交通,20000,4000,湛江港集团
P4,其他项目,2021,赤坎区,市住房城乡建设局,否,续建,市政,10000,4001,
"""
PROGRESS = """项目编码,年份,月份,累计完成投资
P1,2021,6,15000
P2,2021,6,2000
P3,2021,6,1000
"""


def write_folder(root: Path, soe_plans: str = SOE_PLANS_YI) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "soe_plans.csv").write_text(soe_plans, encoding="utf-8")
    (root / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    (root / "project_progress.csv").write_text(PROGRESS, encoding="utf-8")
    return root


def test_money_in_yi_header_is_converted_end_to_end(tmp_path):
    ds = io.load_dataset(write_folder(tmp_path / "d"))
    assert ds.report.ok, ds.report.format()
    g = soe.compute_soe_growth(ds["soe_plans"], year=2021).set_index("soe_name")
    # 2.5亿元 = 25,000万元; 2.9999亿元 = 29,999万元 -> +19.996%: fails by 1万元
    assert g.loc["市交通投资集团", "base_investment"] == pytest.approx(25_000.0)
    assert g.loc["市交通投资集团", "plan_investment"] == pytest.approx(29_999.0)
    assert g.loc["市交通投资集团", "growth_status"] == "未达标"
    assert g.loc["市交通投资集团", "shortfall"] == pytest.approx(1.0)
    # 1亿元 -> 1.2亿元 is exactly +20%
    assert g.loc["市水务投资集团", "growth_pct"] == 20.0
    assert g.loc["市水务投资集团", "growth_status"] == "达标"


def test_cli_json_carries_the_issue_keys(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    code = cli.main(
        ["soe", str(folder), "--year", "2021", "--as-of", "2021-06", "--json"]
    )
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    rows = {r["soe_name"]: r for r in data["enterprises"]}
    for key in (
        "soe_name",
        "base_investment",
        "plan_investment",
        "growth_pct",
        "meets_target",
        "shortfall",
        "backed_by_projects",
        "ytd_completed",
        "ytd_expected",
    ):
        assert key in rows["市交通投资集团"]
    t = rows["市交通投资集团"]
    assert t["meets_target"] is False and t["shortfall"] == pytest.approx(1.0)
    # 15,000 done of 29,999 by June; expected half the plan (time share, no statistics)
    assert t["ytd_completed"] == 15_000.0
    assert t["ytd_expected"] == pytest.approx(14_999.5)
    assert t["backed_by_projects"] is True
    w = rows["市水务投资集团"]
    # 2,000 of 12,000 = 16.7% against 50%: behind
    assert w["behind"] is True and w["meets_target"] is True
    tour = rows["市旅游投资集团"]
    assert tour["growth_pct"] is None and tour["growth_status"] == "无基数"
    assert tour["backing_status"] == "无项目"
    assert rows["湛江港集团"]["growth_status"] == "未报计划"
    assert [r["soe_name"] for r in data["ledger_without_plan"]] == ["湛江港集团"]
    assert [r["soe_name"] for r in data["plans_without_projects"]] == ["市旅游投资集团"]
    # 2.9999亿 on 2.5亿 is +19.996%: one decimal would print the target itself
    assert data["headline"] == (
        "3家市属国有企业中1家达到增长20%要求；"
        "未达标1家：市交通投资集团（计划增长19.996%，缺口1万元）；"
        "1家无上年基数、无法判断增长：市旅游投资集团；1家未申报计划：湛江港集团。"
    )
    # SOE projects 29,999 + 12,000 + 4,000 = 45,999 of 50,000 in the ledger
    assert data["totals"]["soe_share_of_city_plan_pct"] == pytest.approx(91.998)
    assert data["risk_assessed"] is True


def test_cli_text_output_and_target_parameter(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    assert cli.main(["soe", str(folder), "--target", "19.99"]) == 0
    out = capsys.readouterr().out
    # 19.996% >= 19.99%: both comparable enterprises now pass
    assert out.splitlines()[0].startswith("3家市属国有企业中2家达到增长19.99%要求")
    assert "市旅游投资集团：上年完成 — → 计划 8,000 万元，增长 —，无基数" in out


def test_several_plan_rows_for_one_year_are_a_validation_error(tmp_path, capsys):
    dup = SOE_PLANS_YI + "市交通投资集团,2021,计划,3.1\n"
    folder = write_folder(tmp_path / "d", dup)
    ds = io.load_dataset(folder)
    errors = [p for p in ds.report.errors if p.table == "soe_plans"]
    assert errors, ds.report.format()
    assert cli.main(["soe", str(folder)]) == 1
    assert "错误" in capsys.readouterr().err
    # called directly, the analysis names the rows as the user sees them
    with pytest.raises(
        soe.SoePlanError, match="市交通投资集团 2021年 计划（2行：第3、7行）"
    ):
        soe.compute_soe_growth(ds["soe_plans"], year=2021)
    # the report path refuses politely instead of raising
    refused = soe.check_soe_dataset(ds, year=2021, as_of="2021-06")
    assert refused.refusal.startswith("国有企业在湛投资计划有 1 个错误")
    assert refused.refusal_kind == "errors"
    assert "数据质量报告" in SoeView(refused).headline()
    assert refused.to_frame().empty


def test_cli_refuses_missing_folder_and_bad_as_of(tmp_path, capsys):
    assert cli.main(["soe", str(tmp_path / "nowhere")]) == 1
    folder = write_folder(tmp_path / "d")
    assert cli.main(["soe", str(folder), "--as-of", "June"]) == 1
    assert "2021-06" in capsys.readouterr().err


# --- the demo data: every case of the issue comes out right ----------------------------

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="module")
def demo_check():
    from zjanalysis import readiness

    ds = io.load_dataset(DEMO)
    check = soe.check_soe_dataset(
        ds, year=2021, as_of="2021-06", readiness_config=readiness.load_config()
    )
    return ds, check


def test_demo_cases(demo_check):
    ds, check = demo_check
    assert check.refusal == ""
    e = check.to_frame().set_index("soe_name")
    status = e[["growth_status", "backing_status", "execution_status"]]
    expected = {
        # passes +20%, backed, on pace
        "市基础设施建设投资集团": ("达标", "已支撑", "正常"),
        # fails; backed; its projects are behind
        "市交通投资集团": ("未达标", "已支撑", "滞后"),
        # exactly +20% (must pass)
        "市水务投资集团": ("达标", "已支撑", "正常"),
        # no 2020 actual
        "市旅游投资集团": ("无基数", "已支撑", "正常"),
        # passes, but the plan is about 2.6x its projects
        "市产业发展投资集团": ("达标", "支撑不足", "计划未落实到项目"),
        # projects in the ledger, no plan declared
        "市城市建设发展集团": ("未报计划", "未报计划", "未报计划"),
        # plan declared, no project in the ledger
        "市海洋经济发展集团": ("达标", "无项目", "无项目可跟踪"),
    }
    assert {k: tuple(v) for k, v in status.iterrows()} == expected
    assert e.loc["市水务投资集团", "growth_pct"] == 20.0
    # 市水务投资集团's +20% rests on one 新开工 project that is not ready (环评
    # 办理中, half the money): by hand, its 2021 plan over the planned increase
    plans = ds["soe_plans"].set_index(["soe_name", "year", "kind"])["investment"]
    pj = ds["projects"].query("plan_year == 2021 and soe_name == '市水务投资集团'")
    risky = pj[pj["stage"] == "新开工"]
    assert len(risky) == 1 and risky["eia_status"].item() == "办理中"
    increase = (
        plans[("市水务投资集团", 2021, "计划")]
        - plans[("市水务投资集团", 2020, "完成")]
    )
    assert e.loc["市水务投资集团", "n_unready_projects"] == 1
    assert (
        e.loc["市水务投资集团", "unready_investment"] == risky["plan_investment"].item()
    )
    assert e.loc["市水务投资集团", "growth_at_risk_pct"] == pytest.approx(
        100 * risky["plan_investment"].item() / increase
    )
    assert e.loc["市水务投资集团", "secure_growth_pct"] < 20.0
    others = e.drop(index="市水务投资集团")["n_unready_projects"]
    assert (others.fillna(0) == 0).all()
    # the shortfall by hand from the declared figures: base x 1.2 - plan
    base = plans[("市交通投资集团", 2020, "完成")]
    plan = plans[("市交通投资集团", 2021, "计划")]
    assert e.loc["市交通投资集团", "shortfall"] == pytest.approx(base * 1.2 - plan)
    assert check.ledger_without_plan()["soe_name"].tolist() == ["市城市建设发展集团"]
    assert check.plans_without_projects()["soe_name"].tolist() == ["市海洋经济发展集团"]
    headline = SoeView(check).headline()
    # the failing enterprise is named with its growth and shortfall (issue 11)
    assert headline.startswith(
        "6家市属国有企业中4家达到增长20%要求；未达标1家：市交通投资集团（计划增长"
        f"{100 * (plan / base - 1):.1f}%，缺口{base * 1.2 / 1e4 - plan / 1e4:.2f}亿元）"
    )
    assert "无上年基数、无法判断增长：市旅游投资集团" in headline
    assert "未申报计划：市城市建设发展集团" in headline
    assert check.shares.method == "seasonal"


def test_cli_refuses_a_missing_readiness_config(tmp_path, capsys):
    folder = write_folder(tmp_path / "d")
    code = cli.main(
        ["soe", str(folder), "--readiness-config", str(tmp_path / "no.yaml")]
    )
    assert code == 1
    assert "no.yaml" in capsys.readouterr().err


def test_cli_exits_1_with_the_refusal_when_the_data_stop_short(capsys):
    # the demo's progress reports reach 1—6月: a 1—12月 check is refused in words
    assert cli.main(["soe", str(DEMO), "--as-of", "2021-12", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "项目月度进度只到2021年1—6月" in captured.err
