"""Tests for zjanalysis.readiness: scores, gates, grades, config, batch, evidence.

The reference scores are in tests/results/readiness_hand_scored.csv, worked
out by hand (see readiness_hand_scored.md). What the report shows of them
(headline, tables, to-do texts, workbook) is tested in test_reports_readiness.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from zjanalysis import readiness
from zjanalysis.problems import ERROR, Problem, ValidationReport
from zjanalysis.readiness import (
    CRITERIA,
    GRADES,
    ReadinessConfigError,
    compute_auc,
    fit_start_model,
    label_start_outcomes,
    list_todos_by_unit,
    load_config,
    parse_config,
    score_readiness,
    select_next_batch,
    summarise_batch,
    unstarted_in_plan,
)
from zjanalysis.reports.readiness import evidence_frame, todo_lists_zh

RESULTS = Path(__file__).parent / "results"
STATUS_COLS = [CRITERIA[k][0] for k in CRITERIA if CRITERIA[k][1] == "status"]
#: The packaged default config, read once here: the scoring functions take it.
CONFIG = load_config()


def hand_projects() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (canonical-like projects, expected) from the hand-scored CSV."""
    raw = pd.read_csv(
        RESULTS / "readiness_hand_scored.csv", dtype=str, keep_default_na=False
    )
    raw = raw.replace({"": np.nan})
    n = len(raw)
    projects = pd.DataFrame(
        {
            "project_id": raw["project_id"].astype("str"),
            "name": [f"测试项目{i}" for i in range(1, n + 1)],
            "plan_year": pd.array([2021] * n, dtype="Int64"),
            "county": (["霞山区", "赤坎区", "市直"] * n)[:n],
            "department": (["市交通运输局", "市水务局"] * n)[:n],
            "is_key": raw["is_key"].map({"是": True, "否": False}).astype("boolean"),
            "stage": raw["stage"].astype("str"),
            "total_investment": np.arange(1, n + 1) * 10_000.0,
            "plan_investment": np.arange(1, n + 1) * 1_000.0,
            **{
                c: raw[c].astype("str")
                for c in ("city_leader", "lead_unit", "industry_dept", "builder")
            },
            **{c: raw[c].astype("str") for c in STATUS_COLS},
            "funding_secured_pct": raw["funding_secured_pct"].astype(float),
            "land_acquired_pct": raw["land_acquired_pct"].astype(float),
        }
    )
    return projects, raw


def before_the_plan(projects: pd.DataFrame) -> pd.DataFrame:
    """The same projects before they entered the plan: 新开工 rows as 储备.

    A 储备 project is not in the year's plan whatever its plan money, so these
    rows are release candidates; their scores do not depend on the stage.
    """
    return projects.assign(stage=projects["stage"].replace({"新开工": "储备"}))


def one_project(**kw) -> pd.DataFrame:
    """A single non-key 新开工 project with everything done, overridden by kw."""
    base = {
        "project_id": "X1",
        "name": "样例",
        "plan_year": 2021,
        "county": "霞山区",
        "department": "市交通运输局",
        "is_key": False,
        "stage": "新开工",
        "total_investment": 1000.0,
        "plan_investment": 100.0,
        **{c: "已完成" for c in STATUS_COLS},
        "funding_secured_pct": 100.0,
        "land_acquired_pct": 100.0,
    }
    base.update(kw)
    return pd.DataFrame({k: [v] for k, v in base.items()})


# --- hand-scored reference ---------------------------------------------------------


def test_hand_scored_projects_criterion_by_criterion():
    projects, exp = hand_projects()
    got = score_readiness(projects, CONFIG)
    for key in CRITERIA:
        np.testing.assert_allclose(
            got[f"pts_{key}"].to_numpy(),
            exp[f"exp_pts_{key}"].astype(float),
            err_msg=key,
        )
    np.testing.assert_allclose(got["score"].to_numpy(), exp["exp_score"].astype(float))
    assert got["grade"].tolist() == exp["exp_grade"].tolist()
    assert got["passes_gates"].tolist() == (exp["exp_passes_gates"] == "是").tolist()
    expected_missing = [[] if pd.isna(m) else m.split("|") for m in exp["exp_missing"]]
    # the missing items are (criterion, state) pairs; the report words them
    assert todo_lists_zh(got["missing"]) == expected_missing
    assert got["n_missing"].tolist() == [len(m) for m in expected_missing]
    assert got["grade_zh"].tolist() == [GRADES[g] for g in exp["exp_grade"]]


def test_pts_columns_add_up_to_score():
    projects, _ = hand_projects()
    got = score_readiness(projects, CONFIG)
    pts = got[[f"pts_{k}" for k in CRITERIA]].sum(axis=1)
    np.testing.assert_allclose(pts.to_numpy(), got["score"].to_numpy())


def test_output_keeps_order_and_index_and_columns():
    projects, _ = hand_projects()
    shuffled = projects.iloc[::-1].set_axis(range(100, 100 + len(projects)))
    got = score_readiness(shuffled, CONFIG)
    assert got.index.tolist() == shuffled.index.tolist()
    assert got["project_id"].tolist() == shuffled["project_id"].tolist()
    assert list(got.columns[:8]) == [
        "project_id",
        "plan_year",
        "score",
        "grade",
        "grade_zh",
        "passes_gates",
        "missing",
        "n_missing",
    ]
    assert [c for c in got.columns if c.startswith("pts_")] == [
        f"pts_{k}" for k in CRITERIA
    ]
    assert got["passes_gates"].dtype == bool


def test_score_does_not_mutate_input():
    projects, _ = hand_projects()
    before = projects.copy()
    score_readiness(projects, CONFIG)
    pd.testing.assert_frame_equal(projects, before)


def test_grades_constant_best_first():
    assert list(GRADES) == ["ready", "close", "prework", "reserve"]
    assert list(GRADES.values()) == ["可下达", "接近成熟", "需完善前期", "仅作储备"]


def test_absent_readiness_columns_count_as_not_filled():
    p = pd.DataFrame({"project_id": ["A"], "plan_year": [2021], "stage": ["预备"]})
    got = score_readiness(p, CONFIG)
    # only the parties criterion (non-key: full 5 points) earns anything
    assert got.loc[0, "score"] == pytest.approx(5.0)
    assert got.loc[0, "grade"] == "reserve"
    # not filled in: the state of the missing item is None
    assert ("approval", None) in got.loc[0, "missing"]
    assert ("funding", None) in got.loc[0, "missing"]


def test_empty_frame():
    projects, _ = hand_projects()
    got = score_readiness(projects.iloc[:0], CONFIG)
    assert len(got) == 0
    assert "score" in got.columns


# --- gates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "passes"),
    [
        ("approval_status", "办理中", False),
        ("approval_status", "未启动", False),
        ("approval_status", np.nan, False),
        ("approval_status", "不需要", True),
        ("land_status", "办理中", False),
        ("land_status", "不需要", True),
        ("funding_secured_pct", 29.9, False),
        ("funding_secured_pct", 30.0, True),
        ("funding_secured_pct", np.nan, False),
        ("eia_status", "未启动", False),  # 环评 must at least be filed
        ("eia_status", "办理中", True),
        ("eia_status", np.nan, False),
        ("permit_status", "未启动", True),
    ],
)
def test_each_default_gate(field, value, passes):
    got = score_readiness(one_project(**{field: value}), CONFIG)
    assert bool(got.loc[0, "passes_gates"]) is passes
    if not passes:
        assert got.loc[0, "grade"] != "ready"


def test_gate_failure_blocks_ready_despite_high_score():
    got = score_readiness(one_project(land_status="办理中"), CONFIG)
    assert got.loc[0, "score"] == pytest.approx(92.5)
    assert got.loc[0, "grade"] == "close"


def test_configured_gates_can_be_added_and_removed():
    base = yaml.safe_load(readiness.default_config_path().read_text(encoding="utf-8"))
    no_gates = parse_config({**base, "gates": {}})
    got = score_readiness(one_project(approval_status="未启动"), no_gates)
    assert bool(got.loc[0, "passes_gates"])
    eia_gate = parse_config({**base, "gates": {"eia": {"statuses": ["已完成"]}}})
    got = score_readiness(one_project(eia_status="不需要"), eia_gate)
    assert not bool(got.loc[0, "passes_gates"])
    parties_gate = parse_config({**base, "gates": {"parties": {"required": True}}})
    key = one_project(
        is_key=True, city_leader="王五", lead_unit="甲", industry_dept="乙"
    )
    assert not bool(score_readiness(key, parties_gate).loc[0, "passes_gates"])


# --- config --------------------------------------------------------------------


def test_default_config_points_and_gates():
    cfg = load_config()
    assert cfg.points.sum() == pytest.approx(100)
    assert cfg.keys == list(CRITERIA)
    assert [g.criterion for g in cfg.gates] == ["approval", "land", "eia", "funding"]
    assert cfg.grades.ready_min_score == 90
    assert cfg.criterion("funding").complete_pct == 80
    assert cfg.batch_stages == ("储备", "预备")
    assert cfg.grades.reserve_stages == ()
    assert cfg.gates[0].statuses == ("已完成", "不需要")
    assert cfg.gates[2].statuses == ("已完成", "不需要", "办理中")
    assert cfg.gates[3].min_pct == 30


def write_yaml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "readiness.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_yaml_override_changes_score_as_expected(tmp_path):
    text = readiness.default_config_path().read_text(encoding="utf-8")
    # raise funding from 20 to 30 points: the total becomes 110, scores rescale
    old = "points: 20       # to the share secured"
    assert old in text
    text = text.replace(old, "points: 30       # to the share secured")
    cfg = load_config(write_yaml(tmp_path, text))
    assert cfg.criterion("funding").points == 30
    got = score_readiness(one_project(funding_secured_pct=30.0), cfg)
    # by hand: funding 30% of the 80% for full credit = 0.375 of 30 points;
    # (20+15+10+5+10+5 + 0.375*30 + 10+5) / 110 * 100 = 91.25/110*100
    assert got.loc[0, "score"] == pytest.approx(91.25 / 110 * 100)
    assert got.loc[0, "pts_funding"] == pytest.approx(11.25 / 110 * 100)
    default = score_readiness(one_project(funding_secured_pct=30.0), CONFIG)
    assert default.loc[0, "score"] == pytest.approx(87.5)  # 80 + 0.375*20


def test_with_points_matches_edited_yaml():
    cfg = load_config().with_points({"eia": 0})
    got = score_readiness(one_project(eia_status="未启动"), cfg)
    # eia no longer scored: 90 of 90 points, score 100, but still listed as missing
    assert got.loc[0, "score"] == pytest.approx(100.0)
    assert got.loc[0, "missing"] == [("eia", "未启动")]
    with pytest.raises(ReadinessConfigError, match="unknown criterion"):
        load_config().with_points({"budget": 5})


def test_criterion_can_be_left_out():
    cfg = parse_config(
        {"criteria": {"approval": {"points": 50}, "funding": {"points": 50}}}
    )
    got = score_readiness(
        one_project(funding_secured_pct=50.0, eia_status="未启动"), cfg
    )
    assert got.loc[0, "score"] == pytest.approx(75.0)
    assert got.loc[0, "missing"] == [("funding", 50.0)]
    assert [c for c in got.columns if c.startswith("pts_")] == [
        "pts_approval",
        "pts_funding",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("criteria:\n  budget:\n    points: 5\n", "criteria.budget"),
        ("criteria:\n  approval:\n    points: -5\n", "criteria.approval.points"),
        ("criteria:\n  approval:\n    points: ten\n", "criteria.approval.points"),
        ("criteria:\n  approval:\n    points: '20%'\n", "criteria.approval.points"),
        ("criteria:\n  approval:\n    points:\n", "criteria.approval.points"),
        ("criteria:\n  approval:\n    points: .nan\n", "criteria.approval.points"),
        ("criteria:\n  approval:\n    unit: x\n", "criteria.approval"),
        (
            "criteria:\n  approval:\n    points: 5\n    weight: 3\n",
            "criteria.approval.weight",
        ),
        ("criteria:\n  approval:\n    points: 0\n", "criteria"),
        ("criteria: {}\n", "criteria"),
        (
            "criteria:\n  approval:\n    points: 5\ngates:\n  budget:\n    min_pct: 30\n",
            "gates.budget",
        ),
        (
            "criteria:\n  approval:\n    points: 5\ngates:\n  funding:\n    min_pct: 30\n",
            "gates.funding",
        ),
        (
            "criteria:\n  funding:\n    points: 5\ngates:\n  funding:\n    min_pct: lots\n",
            "gates.funding.min_pct",
        ),
        (
            "criteria:\n  approval:\n    points: 5\ngates:\n  approval:\n    statuses: [批了]\n",
            "gates.approval.statuses",
        ),
        (
            "criteria:\n  approval:\n    points: 5\nstatus_credit:\n  办理中: 2\n",
            "status_credit.办理中",
        ),
        (
            "criteria:\n  approval:\n    points: 5\nstatus_credit:\n  半完成: 0.5\n",
            "status_credit.半完成",
        ),
        (
            "criteria:\n  approval:\n    points: 5\ngrades:\n  ready_min_score: 120\n",
            "grades.ready_min_score",
        ),
        (
            "criteria:\n  approval:\n    points: 5\ngrades:\n  close_max_missing: 1.5\n",
            "grades.close_max_missing",
        ),
        (
            "criteria:\n  approval:\n    points: 5\ngrades:\n  reserve_stages: [规划]\n",
            "grades.reserve_stages",
        ),
        (
            "criteria:\n  approval:\n    points: 5\nbatch_stages: 新开工\n",
            "batch_stages",
        ),
        (
            "criteria:\n  approval:\n    points: 5\nbatch_stages: [储备, 新开工]\n",
            "batch_stages",
        ),
        ("criteria:\n  approval:\n    points: 5\nweights: {}\n", "weights"),
    ],
)
def test_invalid_yaml_is_rejected_naming_the_key(tmp_path, text, key):
    with pytest.raises(ReadinessConfigError) as info:
        load_config(write_yaml(tmp_path, text))
    msg = str(info.value)
    assert f"评分配置 {key}：" in msg
    assert f"readiness config {key}:" in msg


def test_broken_yaml_and_missing_file(tmp_path):
    with pytest.raises(ReadinessConfigError, match="不是有效的 YAML"):
        load_config(write_yaml(tmp_path, "criteria:\n  approval: [points: 5\n"))
    with pytest.raises(ReadinessConfigError, match="读不到评分配置文件"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ReadinessConfigError, match="must be a mapping"):
        load_config(write_yaml(tmp_path, "- 1\n- 2\n"))


def test_empty_path_means_default():
    assert load_config("").keys == load_config().keys


# --- batch -----------------------------------------------------------------------


def test_next_batch_holds_only_ready_projects_not_in_the_plan():
    projects, _ = hand_projects()
    scored = score_readiness(projects, CONFIG)
    batch = select_next_batch(scored, projects, CONFIG)
    # ready: H01 (100), H05 (100), H15 (99.94), H16 (100), H11 (100); H09 (90)
    # fails the 环评 gate (未启动). H01, H15 and H16 are 新开工 and H11 续建:
    # already in the year's plan, so only H05 (储备) is to release
    assert batch["project_id"].tolist() == ["H05"]
    assert not batch["in_plan"].any()
    # the ready 新开工 projects have not started (no progress): to start, best
    # first; ties on score go to the larger plan_investment (k * 1000 万元 for Hk)
    started = np.zeros(len(projects), bool)
    start = unstarted_in_plan(scored, projects, started=started)
    assert start["project_id"].tolist() == ["H16", "H11", "H01", "H15"]
    assert start["in_plan"].all()
    started[projects["stage"].isin(["续建"]).to_numpy()] = True  # H11 has started
    start = unstarted_in_plan(scored, projects, started=started)
    assert start["project_id"].tolist() == ["H16", "H01", "H15"]
    assert start["cum_plan_investment"].tolist() == [16000.0, 17000.0, 32000.0]


def test_next_batch_is_ready_candidates_ranked():
    projects = before_the_plan(hand_projects()[0])
    scored = score_readiness(projects, CONFIG)
    batch = select_next_batch(scored, projects, CONFIG)
    # ready and not in the plan: H01 (100), H05 (100), H16 (100), H15 (99.94);
    # ties on score go to the larger plan_investment, k * 1000 万元 for Hk
    assert batch["project_id"].tolist() == ["H16", "H05", "H01", "H15"]
    assert batch["rank"].tolist() == [1, 2, 3, 4]
    assert batch["plan_investment"].tolist() == [16000.0, 5000.0, 1000.0, 15000.0]
    assert batch["cum_plan_investment"].tolist() == [16000.0, 21000.0, 22000.0, 37000.0]
    capped = select_next_batch(scored, projects, CONFIG, max_projects=2)
    assert capped["project_id"].tolist() == ["H16", "H05"]
    by_money = select_next_batch(scored, projects, CONFIG, max_investment_wan=21_000.0)
    assert by_money["project_id"].tolist() == ["H16", "H05"]
    held = projects["project_id"].eq("H05").to_numpy()
    assert select_next_batch(scored, projects, CONFIG, held=held)[
        "project_id"
    ].tolist() == ["H16", "H01", "H15"]


def test_a_prep_project_with_plan_money_is_in_the_plan_not_in_the_batch():
    p = pd.concat(
        [
            one_project(project_id="P0", stage="预备", plan_investment=0.0),
            one_project(project_id="P1", stage="预备", plan_investment=300.0),
            one_project(project_id="R", stage="储备", plan_investment=0.0),
        ],
        ignore_index=True,
    )
    scored = score_readiness(p, CONFIG)
    assert select_next_batch(scored, p, CONFIG)["project_id"].tolist() == ["P0", "R"]
    start = unstarted_in_plan(scored, p, started=np.zeros(3, bool))
    assert start["project_id"].tolist() == ["P1"]


def test_reserve_by_stage_stays_a_config_option():
    cfg = parse_config(
        {
            "criteria": {"approval": {"points": 10}},
            "grades": {"reserve_stages": ["储备"]},
        }
    )
    p = one_project(stage="储备")
    scored = score_readiness(p, cfg)
    assert scored["grade"].tolist() == ["reserve"]
    assert select_next_batch(scored, p, cfg).empty
    assert score_readiness(p, CONFIG)["grade"].tolist() == ["ready"]


def test_next_batch_ties_broken_by_investment_then_id():
    p = pd.concat(
        [
            one_project(project_id="B", stage="储备", plan_investment=100.0),
            one_project(project_id="A", stage="储备", plan_investment=100.0),
            one_project(project_id="C", stage="储备", plan_investment=500.0),
        ],
        ignore_index=True,
    )
    batch = select_next_batch(score_readiness(p, CONFIG), p, CONFIG)
    assert batch["project_id"].tolist() == ["C", "A", "B"]


def test_next_batch_requires_aligned_frames():
    projects, _ = hand_projects()
    scored = score_readiness(projects, CONFIG)
    with pytest.raises(ValueError, match="same rows"):
        select_next_batch(scored, projects.iloc[::-1], CONFIG)


def test_summarise_batch_by_county_and_department():
    projects = before_the_plan(hand_projects()[0])
    scored = score_readiness(projects, CONFIG)
    batch = select_next_batch(scored, projects, CONFIG)
    s = summarise_batch(batch)
    county = s["county"].set_index("county")
    # county of row i is (霞山区, 赤坎区, 市直)[i % 3]: H01 (row 0) and H16 (row 15)
    # -> 霞山区; H05 (row 4) -> 赤坎区; H15 (row 14) -> 市直
    assert county.loc["霞山区", "plan_investment"] == 17000.0
    assert county.loc["市直", "plan_investment"] == 15000.0
    assert county.loc["赤坎区", "plan_investment"] == 5000.0
    assert county.loc["雷州市", "n_projects"] == 0
    assert county.loc["合计", "plan_investment"] == 37000.0
    assert county.loc["合计", "new_plan_investment"] == 37000.0  # none in the plan
    assert county.loc["合计", "n_projects"] == 4
    assert list(county.index[:11]) == list(readiness.COUNTIES)
    dept = s["department"].set_index("department")
    # department of row i is (市交通运输局, 市水务局)[i % 2]: H01, H05, H15 ->
    # 交通 (1000 + 5000 + 15000); H16 -> 水务 (16000)
    assert dept["plan_investment"].tolist() == [21000.0, 16000.0, 37000.0]
    assert dept["n_projects"].tolist() == [3, 1, 4]
    assert dept.index.tolist() == ["市交通运输局", "市水务局", "合计"]


# --- to-do lists by unit ---------------------------------------------------------


def test_todos_by_unit_routes_each_item():
    projects, _ = hand_projects()
    scored = score_readiness(projects, CONFIG)
    todos = list_todos_by_unit(scored, projects, CONFIG)
    h04 = todos[todos["project_id"] == "H04"].set_index("criterion")["unit"]
    # H04 is row 3 -> county 霞山区
    assert h04.to_dict() == {
        "eia": "市生态环境局",
        "design": "市住房城乡建设局",
        "permit": "市住房城乡建设局",
        "funding": "市财政局/建设单位",
        "land_acquisition": "霞山区",
        "parties": "市发展改革局",
    }
    # H14 is row 13 -> county 赤坎区; H03 (立项) -> 市发展改革局; H12 (用地) -> 市自然资源局
    assert (
        todos.set_index(["project_id", "criterion"]).loc[
            ("H14", "land_acquisition"), "unit"
        ]
        == "赤坎区"
    )
    assert (
        todos.set_index(["project_id", "criterion"]).loc[("H03", "approval"), "unit"]
        == "市发展改革局"
    )
    assert (
        todos.set_index(["project_id", "criterion"]).loc[("H12", "land"), "unit"]
        == "市自然资源局"
    )
    # reserve projects (H05, H06) get no to-do list
    assert not todos["project_id"].isin(["H05", "H06"]).any()
    # every missing item of a non-reserve project appears exactly once
    keep = scored[scored["grade"] != "reserve"]
    assert len(todos) == int(keep["n_missing"].sum())
    counts = readiness.count_todos_by_unit(todos)
    assert counts["n_items"].sum() == len(todos)


def test_todos_city_level_land_goes_to_fallback():
    p = one_project(county="市直", land_acquired_pct=70.0)
    todos = list_todos_by_unit(score_readiness(p, CONFIG), p, CONFIG)
    assert todos["unit"].tolist() == ["市自然资源局"]
    assert todos["item"].tolist() == [("land_acquisition", 70.0)]


def test_todos_empty_when_nothing_missing():
    p = one_project()
    todos = list_todos_by_unit(score_readiness(p, CONFIG), p, CONFIG)
    assert todos.empty
    assert "unit" in todos.columns


# --- robustness --------------------------------------------------------------------


def test_batch_stability_is_reproducible_with_a_seed():
    projects = before_the_plan(hand_projects()[0])
    a = readiness.test_batch_stability(projects, CONFIG, n_draws=300, seed=7)
    b = readiness.test_batch_stability(projects, CONFIG, n_draws=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert a["batch_stability"].between(0, 1).all()
    st = a.set_index("project_id")
    assert st.loc["H01", "batch_stability"] == 1.0  # 100 points under any weights
    assert st.loc["H05", "batch_stability"] == 1.0
    assert st.loc["H11", "batch_stability"] == 0.0  # 续建: not a batch stage
    assert st.loc["H03", "batch_stability"] == 0.0  # fails a gate
    # H09 scores exactly 90 but its 环评 has not started: a gate, so it is out of
    # the batch under any weights (the demo's planted release-line projects test
    # weight sensitivity, tests/test_demo.py)
    assert st.loc["H09", "batch_stability"] == 0.0
    assert not st["weight_sensitive"].any()


def test_batch_stability_base_matches_select_next_batch():
    projects = before_the_plan(hand_projects()[0])
    scored = score_readiness(projects, CONFIG)
    batch = select_next_batch(scored, projects, CONFIG)
    st = readiness.test_batch_stability(projects, CONFIG, n_draws=10, spread=0.0)
    assert st.loc[st["in_next_batch"], "project_id"].tolist() == sorted(
        batch["project_id"], key=lambda x: projects["project_id"].tolist().index(x)
    )
    assert (st["batch_stability"] == st["in_next_batch"].astype(float)).all()
    capped = readiness.test_batch_stability(
        projects, CONFIG, n_draws=10, spread=0.0, max_projects=2
    )
    assert set(capped.loc[capped["in_next_batch"], "project_id"]) == {"H16", "H05"}
    # the projects of the plan are never in a batch, under any weights
    in_plan = readiness.test_batch_stability(hand_projects()[0], CONFIG, n_draws=10)
    assert (
        in_plan.set_index("project_id")
        .loc[["H01", "H15", "H16"], "batch_stability"]
        .eq(0)
        .all()
    )


def test_batch_stability_against_hand_probability():
    # Two criteria of 50 points; approval done, funding 0: score = 100 * wa / (wa + wf).
    # Ready needs score >= 50, i.e. factor_a >= factor_f: probability 1/2 for
    # independent uniform factors. Count the same draws by hand from the same seed.
    cfg = parse_config(
        {
            "criteria": {"approval": {"points": 50}, "funding": {"points": 50}},
            "grades": {"ready_min_score": 50, "reserve_below_score": 0},
        }
    )
    p = one_project(stage="储备", funding_secured_pct=0.0)
    st = readiness.test_batch_stability(p, cfg, n_draws=2000, spread=0.25, seed=11)
    f = np.random.default_rng(11).uniform(0.75, 1.25, size=(2000, 2))
    expected = float(np.mean(f[:, 0] >= f[:, 1]))
    assert st.loc[0, "batch_stability"] == pytest.approx(expected)
    assert abs(expected - 0.5) < 0.05


def test_batch_stability_differs_by_seed_and_rejects_bad_spread():
    projects = before_the_plan(hand_projects()[0])
    a = readiness.test_batch_stability(projects, CONFIG, n_draws=200, seed=1)
    b = readiness.test_batch_stability(projects, CONFIG, n_draws=200, seed=2)
    assert not a["batch_stability"].equals(b["batch_stability"])
    with pytest.raises(ValueError, match="spread"):
        readiness.test_batch_stability(projects, CONFIG, spread=1.5)


# --- evidence ----------------------------------------------------------------------


def test_auc_hand_examples():
    # positives 0.35, 0.8 vs negatives 0.1, 0.4: 3 of 4 pairs ordered -> 0.75
    assert compute_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    # a tie counts one half: (0.5 + 1) / 2
    assert compute_auc([1, 1, 2], [0, 1, 1]) == pytest.approx(0.75)
    assert compute_auc([1, 2, 3], [1, 1, 1]) != compute_auc([1, 2, 3], [1, 1, 1])  # NaN
    assert compute_auc([3, 2, 1], [1, 0, 0]) == 1.0


def test_label_start_outcomes_by_month():
    projects = pd.concat(
        [
            one_project(
                project_id="A", plan_year=2020, planned_start=pd.Timestamp("2020-03-01")
            ),
            one_project(
                project_id="B", plan_year=2020, planned_start=pd.Timestamp("2020-03-01")
            ),
            one_project(
                project_id="C", plan_year=2020, planned_start=pd.Timestamp("2020-06-01")
            ),
            one_project(
                project_id="D", plan_year=2020, planned_start=pd.Timestamp("2020-06-01")
            ),
            one_project(
                project_id="E", plan_year=2020, planned_start=pd.Timestamp("2019-06-01")
            ),
            one_project(
                project_id="F", plan_year=2021, planned_start=pd.Timestamp("2020-06-01")
            ),
        ],
        ignore_index=True,
    )
    progress = pd.DataFrame(
        {
            "project_id": ["A", "A", "B", "C", "E", "F"],
            "year": [2020] * 6,
            "month": [3, 4, 5, 6, 6, 6],
            "cum_completed": [1.0] * 6,
            "actual_start": pd.to_datetime(
                [
                    "2020-03-25",
                    "2020-03-25",
                    "2020-05-02",
                    None,
                    "2020-01-01",
                    "2020-06-01",
                ]
            ),
        }
    )
    got = label_start_outcomes(projects, progress, plan_year=2020).set_index(
        "project_id"
    )
    # A on time (24 days after); B 62 days late; C has progress but never
    # started; D has no progress (no outcome); E planned 2019; F another plan year
    assert got.index.tolist() == ["A", "B", "C"]
    assert got["on_time"].tolist() == [True, False, False]
    graced = label_start_outcomes(projects, progress, plan_year=2020, grace_days=62)
    assert graced["on_time"].tolist() == [True, True, False]


def synthetic_history(
    n: int, seed: int, rule: str = "logit"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    statuses = np.array(["未启动", "办理中", "已完成"])
    df = pd.DataFrame(
        {
            "project_id": [f"P{i:03d}" for i in range(n)],
            "name": "x",
            "plan_year": 2020,
            "county": "霞山区",
            "department": "市水务局",
            "is_key": False,
            "stage": "新开工",
            "plan_investment": 100.0,
            "total_investment": 1000.0,
            "planned_start": pd.Timestamp("2020-04-01"),
            **{c: statuses[rng.integers(0, 3, n)] for c in STATUS_COLS},
            "funding_secured_pct": rng.uniform(0, 100, n).round(),
            "land_acquired_pct": rng.uniform(0, 100, n).round(),
        }
    )
    if rule == "logit":
        z = (
            -3
            + 5 * df["funding_secured_pct"] / 100
            + 2.5 * (df["land_status"] == "已完成")
        )
        on_time = rng.uniform(size=n) < 1 / (1 + np.exp(-z))
    else:  # perfectly separated by 立项
        on_time = (df["approval_status"] == "已完成").to_numpy()
    progress = pd.DataFrame(
        {
            "project_id": df["project_id"],
            "year": 2020,
            "month": 12,
            "cum_completed": 1.0,
            "actual_start": np.where(on_time, pd.Timestamp("2020-04-15"), pd.NaT),
        }
    )
    progress["actual_start"] = pd.to_datetime(progress["actual_start"])
    return df, progress


def test_fit_start_model_finds_the_criteria_that_matter():
    projects, progress = synthetic_history(400, seed=3)
    res = fit_start_model(projects, progress, plan_year=2020, config=CONFIG)
    assert res.status == "ok"
    assert res.n_projects == 400
    assert res.auc > 0.65
    coef = res.coefficients.set_index("criterion")
    top2 = set(coef["fitted_share_pct"].nlargest(2).index)
    assert top2 == {"funding", "land"}
    assert coef["fitted_share_pct"].sum() == pytest.approx(100)
    assert -1 <= res.rank_correlation <= 1
    # the AUC it reports is the rank AUC of the score
    scored = score_readiness(projects, CONFIG)
    assert res.auc == pytest.approx(
        compute_auc(scored["score"], res.data["on_time"].to_numpy())
    )


def test_fit_start_model_too_few_outcomes():
    projects, progress = synthetic_history(12, seed=4)
    res = fit_start_model(projects, progress, plan_year=2020, config=CONFIG)
    assert res.status == "too_few" and res.min_outcomes == 10
    none = fit_start_model(projects, progress, plan_year=2019, config=CONFIG)
    assert none.status == "too_few"
    assert none.n_projects == 0


def test_fit_start_model_perfect_separation_gives_a_message():
    projects, progress = synthetic_history(200, seed=5, rule="separated")
    res = fit_start_model(projects, progress, plan_year=2020, config=CONFIG)
    assert res.status in {"separation", "singular"}
    assert np.isfinite(res.auc) and np.isnan(res.rank_correlation)


# --- the whole assessment ------------------------------------------------------------


def test_assess_readiness_counts():
    projects, _ = hand_projects()
    other_year = projects.iloc[:2].assign(
        plan_year=pd.array([2020, 2020], dtype="Int64")
    )
    a = readiness.assess_readiness(
        pd.concat([projects, other_year], ignore_index=True),
        None,
        year=2021,
        n_draws=200,
        config=CONFIG,
    )
    assert len(a.projects) == len(projects)
    assert a.evidence is None
    assert a.candidate_stages == ("储备", "预备", "新开工")
    counts = a.count_grades().set_index("grade")
    # by hand from the CSV, stages 新开工/预备/储备 (all but H11, 续建):
    # ready H01 H05 H15 H16; close H02 H03 H07 H08 H09 (环评 gate) H10 H12 H13;
    # prework H04 H14; reserve H06 (5 points)
    assert counts["n_projects"].to_dict() == {
        "ready": 4,
        "close": 8,
        "prework": 2,
        "reserve": 1,
    }
    # plan_investment of Hk is k * 1000 万元
    assert (
        counts.loc["close", "plan_investment"]
        == (2 + 3 + 7 + 8 + 9 + 10 + 12 + 13) * 1000.0
    )
    assert counts.loc["ready", "plan_investment"] == (1 + 5 + 15 + 16) * 1000.0
    full = a.to_frame()
    # only H05 is not in the plan; the ready 新开工 projects wait for a start
    assert full.loc[full["in_next_batch"], "project_id"].tolist() == ["H05"]
    assert a.unstarted["project_id"].tolist() == ["H16", "H01", "H15"]
    assert not full.loc[full["project_id"] == "H09", "in_next_batch"].item()
    assert list(a.batch_by_county["county"])[-1] == "合计"
    # the lists carry the missing items of their projects: H15 lacks one
    assert a.unstarted["missing"].map(len).tolist() == [0, 0, 1]


def test_a_project_taken_out_of_the_plan_is_not_proposed_again():
    projects = before_the_plan(hand_projects()[0])
    changes = pd.DataFrame(
        {
            "change_date": pd.to_datetime(["2021-03-01", "2021-04-01", "2020-05-01"]),
            "project_id": ["H16", "H01", "H15"],
            "change_type": ["取消", "调减", "取消"],
        }
    )
    a = readiness.assess_readiness(
        projects, None, year=2021, n_draws=20, config=CONFIG, plan_changes=changes
    )
    # H16 was cancelled in 2021; H15's cancellation was the 2020 plan's
    assert a.batch["project_id"].tolist() == ["H05", "H01", "H15"]
    assert a.ready_cancelled == ["H16"]
    assert a.stability.set_index("project_id").loc["H16", "batch_stability"] == 0.0


def test_assess_readiness_with_evidence():
    history, progress = synthetic_history(120, seed=8)
    projects, _ = hand_projects()
    a = readiness.assess_readiness(
        pd.concat([projects, history], ignore_index=True),
        progress,
        year=2021,
        n_draws=50,
        config=CONFIG,
    )
    assert a.evidence is not None
    assert a.evidence.plan_year == 2020
    assert a.evidence.n_projects == 120


def test_assess_readiness_on_empty_projects():
    projects, _ = hand_projects()
    a = readiness.assess_readiness(
        projects.iloc[:0], projects.iloc[:0], year=2021, n_draws=10, config=CONFIG
    )
    assert a.batch.empty and a.to_frame().empty
    assert a.count_grades()["n_projects"].sum() == 0
    assert a.evidence is not None and a.evidence.status == "too_few"


class _Dataset(dict):
    """A stand-in for io.Dataset: tables plus a validation report."""

    def __init__(self, tables, n_errors):
        super().__init__(tables)
        self.report = ValidationReport(
            [Problem(ERROR, "x", "a.csv", 2, None, None, "错", "bad")] * n_errors
        )


def test_dataset_with_errors_is_refused_like_the_other_reports():
    projects, _ = hand_projects()
    tables = {"projects": projects, "project_progress": projects.iloc[:0]}
    res = readiness.assess_readiness_for_dataset(
        _Dataset(tables, 2), year=2021, n_draws=10, config=CONFIG
    )
    assert res.refusal.startswith("数据有 2 个错误，暂不作2021年项目成熟度评分")
    assert res.refusal_kind == "errors"
    assert res.to_frame().empty and res.batch.empty and res.evidence is None
    assert res.batch_by_county.empty and res.todos.empty
    ok = readiness.assess_readiness_for_dataset(
        _Dataset(tables, 0), year=2021, n_draws=10, config=CONFIG
    )
    assert not ok.refusal and ok.batch["project_id"].tolist() == ["H05"]


def test_plots_return_figures():
    from matplotlib.figure import Figure

    from zjanalysis.plots import readiness as rplots

    projects, _ = hand_projects()
    a = readiness.assess_readiness(
        before_the_plan(projects), None, year=2021, n_draws=10, config=CONFIG
    )
    full = a.to_frame()
    assert isinstance(rplots.plot_score_distribution(full), Figure)
    assert isinstance(rplots.plot_score_distribution(full.iloc[:0]), Figure)
    fig = rplots.plot_batch_by_county(a.batch_by_county)
    # bars only for counties with projects in the batch (霞山区, 赤坎区, 市直)
    assert len(fig.axes[0].patches) == 3
    assert isinstance(rplots.plot_batch_by_county(a.batch_by_county.iloc[:0]), Figure)
    history, progress = synthetic_history(200, seed=3)
    ev = fit_start_model(history, progress, plan_year=2020, config=CONFIG)
    fig = rplots.plot_fitted_vs_configured(evidence_frame(ev))
    assert len(fig.axes[0].patches) == 2 * len(ev.coefficients)


def test_random_projects_obey_the_documented_rules():
    rng = np.random.default_rng(0)
    n = 3000
    statuses = np.array(["未启动", "办理中", "已完成", "不需要", None], dtype=object)
    p = pd.DataFrame(
        {
            "project_id": [f"R{i}" for i in range(n)],
            "plan_year": 2021,
            "stage": np.array(["储备", "预备", "新开工", "续建"], dtype=object)[
                rng.integers(0, 4, n)
            ],
            "is_key": pd.array(rng.random(n) < 0.4, dtype="boolean"),
            **{c: statuses[rng.integers(0, 5, n)] for c in STATUS_COLS},
            **{
                c: np.where(rng.random(n) < 0.8, "某单位", None)
                for c in ("city_leader", "lead_unit", "industry_dept", "builder")
            },
            "funding_secured_pct": np.where(
                rng.random(n) < 0.9, rng.uniform(0, 100, n).round(), np.nan
            ),
            "land_acquired_pct": rng.uniform(0, 100, n).round(1),
        }
    )
    got = score_readiness(p, CONFIG)
    assert got["score"].between(0, 100).all()
    assert (got["n_missing"] == got["missing"].map(len)).all()
    pts = got[[f"pts_{k}" for k in CRITERIA]].sum(axis=1)
    np.testing.assert_allclose(pts, got["score"])
    rule = load_config().grades
    reserve = p["stage"].isin(rule.reserve_stages) | (
        got["score"] < rule.reserve_below_score
    )
    ready = (
        ~reserve
        & got["passes_gates"]
        & (got["n_missing"] <= rule.ready_max_missing)
        & (got["score"] >= rule.ready_min_score)
    )
    close = ~reserve & ~ready & (got["n_missing"] <= rule.close_max_missing)
    expected = np.select(
        [reserve, ready, close], ["reserve", "ready", "close"], "prework"
    )
    assert got["grade"].tolist() == expected.tolist()
    assert (got.loc[~got["passes_gates"], "grade"] != "ready").all()


def test_is_key_given_as_text():
    text = one_project(is_key="是", city_leader="王五")
    flag = one_project(is_key=True, city_leader="王五")
    a, b = score_readiness(text, CONFIG), score_readiness(flag, CONFIG)
    # a key project naming one of four parties earns 1/4 of 5 points
    assert a.loc[0, "pts_parties"] == b.loc[0, "pts_parties"] == pytest.approx(1.25)
    assert (
        score_readiness(one_project(is_key="否"), CONFIG).loc[0, "pts_parties"] == 5.0
    )


def test_fitted_share_is_the_positive_standardised_effect():
    projects, progress = synthetic_history(400, seed=3)
    res = fit_start_model(projects, progress, plan_year=2020, config=CONFIG)
    coef = res.coefficients.dropna(subset=["coef"])
    # by the documented formula: share = max(coef * sd(credit), 0), normalised to 100
    positive = np.clip(coef["std_coef"].to_numpy(), 0, None)
    np.testing.assert_allclose(
        coef["fitted_share_pct"], 100 * positive / positive.sum()
    )
    np.testing.assert_allclose(
        coef["configured_share_pct"].sum(), 95.0
    )  # parties dropped
    # the same Logit fitted directly with statsmodels gives the same coefficients
    import statsmodels.api as sm

    credit = readiness._credits(projects, load_config())["credit"]
    use = credit.std(axis=0) > 1e-12
    direct = sm.Logit(
        res.data["on_time"].to_numpy(dtype=float), sm.add_constant(credit[:, use])
    ).fit(disp=0)
    np.testing.assert_allclose(coef["coef"], np.asarray(direct.params)[1:], rtol=1e-6)


def test_a_batch_stage_that_is_always_in_the_plan_is_refused_in_words(tmp_path):
    with pytest.raises(ReadinessConfigError, match="新开工项目总在年度计划中"):
        load_config(
            write_yaml(
                tmp_path,
                "criteria:\n  approval:\n    points: 5\nbatch_stages: [储备, 新开工]\n",
            )
        )
