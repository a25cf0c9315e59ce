"""Tests for zjanalysis.reports.readiness: what the readiness report shows.

The projects are the hand-scored ones of tests/results/readiness_hand_scored.csv
(see test_readiness.py); here the headline, the tables, the to-do texts, the
rules and the evidence in words, and the workbook.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_readiness import (
    CONFIG,
    _Dataset,
    before_the_plan,
    hand_projects,
    one_project,
    synthetic_history,
)

from zjanalysis import readiness
from zjanalysis.readiness import fit_start_model, list_todos_by_unit, parse_config
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.readiness import (
    REPORT_TABLES,
    ReadinessView,
    evidence_message,
    evidence_zh,
    rules_frame,
    rules_zh,
    todo_zh,
)


def _view(projects: pd.DataFrame | None = None, **kw) -> ReadinessView:
    """The hand-scored projects before they entered the plan (release candidates)."""
    if projects is None:
        projects = before_the_plan(hand_projects()[0])
    kw.setdefault("n_draws", 100)
    return ReadinessView(
        readiness.assess_readiness(projects, None, year=2021, config=CONFIG, **kw)
    )


def test_headline_counts_the_batch_and_the_close_projects():
    view = _view(hand_projects()[0], n_draws=200)
    text = view.headline()
    # ready: H01, H15, H16 (新开工: in the plan, not started) and H05 (储备: to
    # release; plan money 5 * 1000, total 5 * 10000 万元); H09 fails the 环评 gate
    assert text.startswith(
        "2021年的 15 个储备、预备、新开工项目中，1 个未列入2021年计划的项目已成熟且"
        "尚未开工，建议作为下一批下达（总投资 5.00亿元，新增年度计划投资 0.50亿元）；"
        "已列入2021年计划的成熟项目中有 3 个尚未开工（年度计划投资 3.20亿元），"
        "应督促尽快开工；未收到2021年项目月度进度，以上“尚未开工”未经核实；"
    )  # H01 + H15 + H16 = 32,000 万元
    batch = view.next_batch()
    assert batch["n_projects"] == 1 and batch["plan_investment_wan"] == 5_000.0
    assert batch["already_in_plan_wan"] == 0.0 and batch["new_to_plan_wan"] == 5_000.0
    assert batch["total_investment_wan"] == 50_000.0
    assert batch["n_without_plan_money"] == 0
    start = view.unstarted()
    assert start["n_projects"] == 3 and start["plan_investment_wan"] == 32_000.0
    assert start["already_in_plan_wan"] == 32_000.0
    assert start["projects"]["project_id"].tolist() == ["H16", "H01", "H15"]
    assert "另有 8 个接近成熟（6.40亿元）" in text  # 55,000 + H09's 9,000 万元
    # no hand-scored project sits on the release line: the clause is left out
    assert int(view.result.stability["weight_sensitive"].sum()) == 0
    assert "取决于权重设置" not in text
    assert view.stage_zh() == "储备、预备、新开工"


def test_a_batch_without_plan_money_says_it_is_set_on_release():
    p = pd.concat(
        [
            one_project(project_id="R1", stage="储备", plan_investment=0.0),
            one_project(project_id="R2", stage="储备", plan_investment=0.0),
        ],
        ignore_index=True,
    )
    view = _view(p)
    assert (
        "2 个未列入2021年计划的项目已成熟且尚未开工，建议作为下一批下达（总投资 0.20亿元；台账未填年度计划投资，下达时需核定）"
        in view.headline()
    )
    assert view.next_batch()["n_without_plan_money"] == 2
    p.loc[0, "plan_investment"] = 300.0
    text = _view(p).headline()
    assert (
        "新增年度计划投资 0.03亿元；另有 1 个台账未填年度计划投资，下达时需核定）"
        in text
    )


def test_report_tables_and_excel_sheets():
    view = _view()
    for name in REPORT_TABLES:
        t = view.table(name)
        assert t.caption is None
        assert t.unit == ("亿元" if "by_" in name or name == "grades" else "万元")
        for col in t.df.columns:
            # every column the report shows has a Chinese header
            assert col in t.columns, (name, col)
    batch = view.table("batch").df
    # H16, H05, H01 (100), H15 (99.94)
    assert batch["missing"].tolist() == [
        "",
        "",
        "",
        "征地拆迁 79.5%，缺 20.5%",
    ]
    assert view.table("unstarted").df.empty  # none of them is in the plan yet
    close = view.table("close").df
    # close projects of a batch stage, best first: H02 96.5, H10 95, H12 92.5, then
    # at 90 H09 (9,000万元, fails the 环评 gate) before H03 (3,000万元), H08 87.5,
    # H07 86.25, H13 86.125
    assert close["project_id"].tolist() == [
        "H02",
        "H10",
        "H12",
        "H09",
        "H03",
        "H08",
        "H07",
        "H13",
    ]
    stab = view.table("stability").df
    # H01, H05 and H16 (100) and H15 (99.94) stay in under any weights: nothing to list
    assert stab.empty
    with pytest.raises(KeyError, match="known: rules"):
        view.table("nope")
    evidence = view.table("evidence")
    assert evidence.decimals == {"coef": 2, "p_value": 3}
    spec = view.excel()
    sheets = spec.sheets
    assert list(sheets)[0] == "全部项目评分"
    assert spec.money == (
        "plan_investment",
        "new_plan_investment",
        "total_investment",
        "cum_plan_investment",
    )
    assert spec.columns["pts_funding"] == "资金落实得分"
    full = sheets["全部项目评分"]
    assert len(full) == len(view.result.projects)
    assert full.loc[full["project_id"] == "H04", "missing"].item().count("；") == 5
    assert "按时开工检验" not in sheets  # no progress given
    rules = sheets["评分规则"]
    assert [COLUMNS_ZH[c] for c in rules.columns] == [
        "评分项",
        "分值",
        "权重(%)",
        "满分条件",
        "门槛",
        "责任单位",
    ]


def test_to_frame_words_the_missing_items():
    view = _view(n_draws=10)
    full = view.to_frame().set_index("project_id")
    assert full.loc["H03", "missing"] == ["立项：办理中"]
    assert full.loc["H04", "missing"][-1] == "责任主体未明确：分管市领导、建设单位"


def test_todos_are_worded_by_criterion_and_item():
    view = _view(n_draws=10)
    t = view.table("todos").df
    h04 = t[t["project_id"] == "H04"].set_index("criterion")["item"]
    assert h04["资金落实"] == "资金落实 40%，缺 60%"
    assert h04["征地拆迁"] == "征地拆迁 50%，缺 50%"
    assert len(t) == len(
        list_todos_by_unit(view.result.scored, view.result.projects, CONFIG)
    )
    assert view.excel().sheets["各单位待办"].equals(view.todos())


def test_todo_texts():
    assert todo_zh(("land_acquisition", 70.0)) == "征地拆迁 70%，缺 30%"
    assert todo_zh(("funding", 79.46)) == "资金落实 79.5%，缺 20.5%"
    assert todo_zh(("eia", None)) == "环评：未填报"
    assert todo_zh(("parties", ("lead_unit",))) == "责任主体未明确：牵头责任单位"


def test_stability_and_evidence_notes():
    view = _view(n_draws=100, spread=0.25)
    text = view.stability_note()
    assert text.startswith("把每个评分项的分值在 ±25% 内随机变化 100 次")
    assert int(view.result.stability["weight_sensitive"].sum()) == 0
    assert "按现行权重入选的 4 个项目中，4 个在九成以上的情形下仍入选" in text
    assert "没有项目的入选与否取决于权重" in text
    projects = before_the_plan(hand_projects()[0])
    solid = ReadinessView(
        readiness.assess_readiness(
            projects.iloc[:1], None, year=2021, n_draws=10, config=CONFIG
        )
    )
    assert "下一批名单对权重设置是稳健的" in solid.stability_note()
    history, progress = synthetic_history(12, seed=4)
    ev = fit_start_model(history, progress, plan_year=2020, config=CONFIG)
    assert "合成数据" in evidence_zh(ev, is_demo=True)
    assert "合成数据" not in evidence_zh(ev, is_demo=False)
    assert view.evidence_note() == evidence_zh(None)


def test_evidence_messages():
    projects, progress = synthetic_history(400, seed=3)
    ok = fit_start_model(projects, progress, plan_year=2020, config=CONFIG)
    text = evidence_message(ok)
    assert text.startswith("2020年计划内计划当年开工的项目 400 个，按时开工")
    assert f"评分的 AUC 为 {ok.auc:.2f}" in text
    # the two criteria that drive the synthetic outcomes come first
    assert set(text.split("影响最大的是")[1].split("；")[0].split("、")) == {
        "资金落实",
        "用地预审与选址",
    }
    few = fit_start_model(*synthetic_history(12, seed=4), plan_year=2020, config=CONFIG)
    assert "至少 10 个才能检验，本次样本不足" in evidence_message(few)
    sep = fit_start_model(
        *synthetic_history(200, seed=5, rule="separated"),
        plan_year=2020,
        config=CONFIG,
    )
    assert "AUC" in evidence_message(sep) and "只报告 AUC" in evidence_message(sep)
    frame = ReadinessView(
        readiness.assess_readiness(
            pd.concat([projects.assign(plan_year=2021), projects]),
            progress,
            year=2021,
            n_draws=10,
            config=CONFIG,
        )
    ).table("evidence")
    assert frame.df.columns.tolist() == [
        "label",
        "coef",
        "p_value",
        "fitted_share_pct",
        "configured_share_pct",
    ]


def test_empty_projects_still_give_every_table():
    projects, _ = hand_projects()
    view = ReadinessView(
        readiness.assess_readiness(
            projects.iloc[:0], projects.iloc[:0], year=2021, n_draws=10, config=CONFIG
        )
    )
    assert "没有未列入计划、已成熟且尚未开工的项目可作为下一批下达" in view.headline()
    for name in REPORT_TABLES:
        view.table(name)
    assert "按时开工检验" in view.excel().sheets


def test_refused_assessment_shows_the_refusal_everywhere():
    projects, _ = hand_projects()
    tables = {"projects": projects, "project_progress": projects.iloc[:0]}
    res = readiness.assess_readiness_for_dataset(
        _Dataset(tables, 2), year=2021, n_draws=10, config=CONFIG
    )
    view = ReadinessView(res)
    assert view.headline() == res.refusal == view.refusal
    for name in REPORT_TABLES:
        t = view.table(name)
        if name == "rules":  # the rules do not depend on the data
            assert not t.df.empty and t.caption is None
        else:
            assert t.df.empty and t.caption == res.refusal, name
    assert view.stability_note() == "" and view.evidence_note(True) == ""
    view.excel()
    ok = ReadinessView(
        readiness.assess_readiness_for_dataset(
            _Dataset(tables, 0), year=2021, n_draws=10, config=CONFIG
        )
    )
    assert "合成数据" not in ok.evidence_note(False)


def test_rules_follow_the_config():
    table = rules_frame(CONFIG)
    assert table["points"].sum() == pytest.approx(100)
    assert "立项须为已完成/不需要" in table["gate"].tolist()
    assert "资金落实比例不低于30%" in table["gate"].tolist()
    assert table.loc[table["label"] == "征地拆迁", "unit"].item() == "所在县(市、区)"
    cfg = parse_config(
        {
            "criteria": {"approval": {"points": 1}},
            "grades": {"ready_min_score": 80, "ready_max_missing": 0},
            "batch_stages": ["预备"],
        }
    )
    text = rules_zh(cfg)
    assert "按下表 1 个评分项打分" in text
    assert "待办不超过 0 项且得分不低于 80 分" in text
    assert "从“可下达”、尚未列入本年度计划、尚未开工的预备项目中选出" in text
    assert "**仅作储备** = 得分低于 40 分" in text


def test_json_and_text():
    history, progress = synthetic_history(120, seed=8)
    projects, _ = hand_projects()
    view = ReadinessView(
        readiness.assess_readiness(
            pd.concat([projects, history], ignore_index=True),
            progress,
            year=2021,
            n_draws=50,
            config=CONFIG,
        )
    )
    data = view.to_json()
    assert list(data) == [
        "year",
        "config",
        "headline",
        "grades",
        "next_batch",
        "unstarted_in_plan",
        "batch_by_county",
        "batch_by_department",
        "evidence",
        "projects",
    ]
    ev = data["evidence"]
    assert ev["message"] == evidence_message(view.result.evidence)
    assert ev["coefficients"].columns[:2].tolist() == ["criterion", "label"]
    rows = data["projects"].set_index("project_id")
    assert rows.loc["H03", "missing"] == ["立项：办理中"]
    text = view.text()
    assert text.startswith(view.headline())
    assert ev["message"] in text
    assert "下一批建议下达（1 个）" in text  # H05
    assert "已列入计划、尚未开工，督促开工（3 个）" in text
    csv = view.csv_frame().set_index("project_id")
    assert csv.loc["H04", "missing"].count("；") == 5


def test_a_ready_project_that_has_started_is_not_in_the_next_batch():
    projects = before_the_plan(hand_projects()[0])
    first = _view(n_draws=50).result
    started_id = first.batch["project_id"].iloc[0]
    # it reported a start in March and investment: it is building, not to release
    progress = pd.DataFrame(
        {
            "project_id": [started_id],
            "year": [2021],
            "month": [3],
            "cum_completed": [500.0],
            "actual_start": pd.to_datetime(["2021-03-19"]),
        }
    )
    view = ReadinessView(
        readiness.assess_readiness(
            projects, progress, year=2021, config=CONFIG, n_draws=50
        )
    )
    assert started_id not in set(view.result.batch["project_id"])
    assert view.result.ready_started == [started_id]
    assert len(view.result.batch) == len(first.batch) - 1
    assert "另有 1 个未列入计划的成熟项目已开工，应补列计划或核实" in view.headline()
    # "not started" is known as far as the progress reports reach: March
    assert view.result.progress_month == 3
    assert "个未列入2021年计划的项目已成熟且截至1—3月尚未开工" in view.headline()
    frame = view.result.to_frame().set_index("project_id")
    assert frame.loc[started_id, "already_started"]
    assert not frame.loc[started_id, "in_next_batch"]
    # the weight-stability draws leave it out as well
    stab = view.result.stability.set_index("project_id")
    assert stab.loc[started_id, "batch_stability"] == 0.0


def test_a_ledger_that_contradicts_its_node_targets_holds_the_project_back():
    projects = before_the_plan(hand_projects()[0])
    first = _view(n_draws=50).result
    pid = first.batch["project_id"].iloc[0]
    # the ledger says 施工图审查 已完成; the node target has no completion date
    milestones = pd.DataFrame(
        {
            "project_id": [pid, pid],
            "milestone": ["完成施工图审查", "主体结构封顶"],
            "due_date": pd.to_datetime(["2021-01-31", "2021-09-30"]),
            "done_date": pd.to_datetime([None, None]),
        }
    )
    view = ReadinessView(
        readiness.assess_readiness(
            projects,
            None,
            year=2021,
            config=CONFIG,
            milestones=milestones,
            n_draws=50,
        )
    )
    r = view.result
    assert pid not in set(r.batch["project_id"]) and r.ready_contradicted == [pid]
    # only the pre-work step is a contradiction, not the construction node
    assert r.contradictions[["project_id", "criterion"]].values.tolist() == [
        [pid, "design"]
    ]
    assert "1 个成熟项目的台账与节点目标矛盾，暂不列入，请核实" in view.headline()
    table = view.table("contradictions").df
    assert table["criterion"].tolist() == ["初步设计/施工图审查"]
    assert "台账与节点矛盾" in view.excel().sheets
    assert view.next_batch()["n_ready_contradicted"] == 1


def test_node_targets_of_a_later_year_are_no_contradiction():
    projects, _ = hand_projects()
    pid = projects["project_id"].iloc[0]
    milestones = pd.DataFrame(
        {
            "project_id": [pid],
            "milestone": ["完成施工图审查"],
            "due_date": pd.to_datetime(["2022-01-31"]),
            "done_date": pd.to_datetime([None]),
        }
    )
    assert readiness.find_contradictions(projects, milestones, year=2021).empty
    assert len(readiness.find_contradictions(projects, milestones)) == 1


def test_the_brief_gives_the_batch_and_the_projects_to_start():
    brief = _view(hand_projects()[0]).brief()
    # H05 (储备): total 5 * 10,000 万元, plan 5 * 1,000; H01 + H15 + H16 in the plan
    assert [(i["label"], i["text"], i["value"]) for i in brief] == [
        (
            "下一批可下达（纪要一）",
            "1个成熟项目，总投资5.00亿元，新增年度计划投资0.50亿元",
            "1个",
        ),
        (
            "已列入计划、尚未开工",
            "3个成熟项目未开工，年度计划投资3.20亿元，应督促开工",
            "",
        ),
    ]
