"""Tests for tools/make_demo_data.py: the generator is deterministic, reproduces the
committed files, has the designed scenario, and loads (clean) or is caught
(dirty) by the loader."""

from __future__ import annotations

import csv
from pathlib import Path

import make_demo_data as demo
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from zjanalysis.paths import DEMO_DIR, DEMO_DIRTY_DIR
from zjanalysis.schema import CITY, CITY_LEVEL, COUNTIES, SOES

AS_OF = pd.Timestamp("2021-06-30")


@pytest.fixture(scope="module")
def generated() -> tuple[dict[str, pd.DataFrame], dict]:
    return demo.generate_demo()


@pytest.fixture(scope="module")
def tables(generated) -> dict[str, pd.DataFrame]:
    return generated[0]


@pytest.fixture(scope="module")
def scenario(generated) -> dict:
    return generated[1]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data")
    demo.write_demo(out)
    return out


def _workbook_cells(path: Path) -> tuple[list[tuple], list[str]]:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    values = [tuple(c.value for c in row) for row in ws.iter_rows()]
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    return values, merged


# --- (a) deterministic, reproduces the committed files ----------------------------


def test_generator_is_deterministic(tables):
    again, _ = demo.generate_demo()
    assert sorted(again) == sorted(tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name], check_like=False)


def test_other_seed_gives_other_data(tables):
    other, _ = demo.generate_demo(seed=7)
    assert not other["fai_monthly"]["cum_investment"].equals(
        tables["fai_monthly"]["cum_investment"]
    )


@pytest.mark.parametrize("folder", ["demo", "demo-dirty"])
def test_committed_files_are_reproduced(regenerated, folder):
    committed = DEMO_DIR if folder == "demo" else DEMO_DIRTY_DIR
    new = regenerated / folder
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in new.iterdir())
    for name in names:
        if name.endswith(".xlsx"):
            assert _workbook_cells(committed / name) == _workbook_cells(new / name), (
                name
            )
        else:
            assert (committed / name).read_bytes() == (new / name).read_bytes(), name


def test_xlsx_bytes_are_reproducible(regenerated):
    # fixed zip and document timestamps: regenerating leaves git clean
    for name in ("projects.xlsx", "soe_plans.xlsx"):
        assert (DEMO_DIR / name).read_bytes() == (
            regenerated / "demo" / name
        ).read_bytes()


# --- labelled DEMO, small ----------------------------------------------------------


@pytest.mark.parametrize("folder", [DEMO_DIR, DEMO_DIRTY_DIR])
def test_every_data_file_has_a_demo_title_row(folder):
    data_files = [p for p in folder.iterdir() if p.suffix in (".csv", ".xlsx")]
    data_files = [p for p in data_files if p.name != "PLANTED.csv"]
    assert len(data_files) == 10
    for path in data_files:
        if path.suffix == ".xlsx":
            first = load_workbook(path).worksheets[0].cell(1, 1).value
        else:
            enc = "gb18030" if path.name == "fai_monthly.csv" else "utf-8-sig"
            first = path.read_text(encoding=enc).splitlines()[0]
        assert "DEMO 演示数据" in first, path.name


def test_readme_says_synthetic():
    text = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in text and "DEMO 演示数据" in text
    for term, coef in demo.START_MODEL.items():
        assert f"| {term} | {coef:+.1f} |" in text


def test_demo_is_small():
    size = sum(p.stat().st_size for p in DEMO_DIR.iterdir())
    assert size < 2_000_000


# --- (b) the scenario ----------------------------------------------------------------


def test_fai_covers_regions_and_months(tables):
    fai = tables["fai_monthly"]
    assert set(fai["region"]) == {CITY, *COUNTIES}
    for region, g in fai.groupby("region"):
        per_year = g.groupby("year")["month"].apply(sorted)
        for year in range(2015, 2021):
            assert per_year[year] == list(range(2, 13)), (region, year)
        assert per_year[2021] == list(range(2, 7))
    assert not fai.duplicated(["region", "year", "month"]).any()
    assert fai[["cum_investment", "cum_growth_pct"]].notna().all().all()


def test_counties_sum_to_city_and_scale(tables):
    fai = tables["fai_monthly"]
    lv = fai.pivot_table(
        index=["year", "month"], columns="region", values="cum_investment"
    )
    assert np.allclose(lv[list(COUNTIES)].sum(axis=1), lv[CITY])
    assert 11_000_000 < lv.loc[(2020, 12), CITY] < 12_000_000  # ≈ 1,150亿元
    # cumulative levels never fall within a year
    for (_region, _year), g in fai.groupby(["region", "year"]):
        assert g.sort_values("month")["cum_investment"].is_monotonic_increasing


def test_fai_seasonality_and_shock(tables):
    fai = tables["fai_monthly"]
    city = fai[fai.region == CITY].set_index(["year", "month"])
    for year in range(2015, 2020):
        share2 = (
            city.loc[(year, 2), "cum_investment"]
            / city.loc[(year, 12), "cum_investment"]
        )
        share6 = (
            city.loc[(year, 6), "cum_investment"]
            / city.loc[(year, 12), "cum_investment"]
        )
        assert 0.07 < share2 < 0.11 and 0.39 < share6 < 0.46
        assert 7 <= city.loc[(year, 12), "cum_growth_pct"] <= 15
    g = city["cum_growth_pct"]
    assert -35 <= g[(2020, 2)] <= -25
    assert -18 <= g[(2020, 3)] <= -12
    assert 5 <= g[(2020, 12)] <= 8
    assert 50 <= g[(2021, 2)] <= 70
    assert 15 <= g[(2021, 6)] <= 25


def test_published_growth_differs_from_levels_by_0_to_3(tables):
    fai = tables["fai_monthly"].set_index(["region", "year", "month"])
    lv = fai["cum_investment"]
    diffs = []
    for (region, year, month), value in lv.items():
        if year == 2015:
            continue
        computed = 100 * (value / lv[(region, year - 1, month)] - 1)
        diffs.append(fai.loc[(region, year, month), "cum_growth_pct"] - computed)
    diffs = np.array(diffs)
    assert diffs.min() >= -0.06 and diffs.max() <= 3.06
    assert (diffs > 1).mean() > 0.2


def test_some_counties_on_track_and_some_not(tables):
    outlook = demo.county_outlook(tables).set_index("region")
    counties = outlook.loc[list(COUNTIES)]
    assert 2 <= counties["on_track"].sum() <= 8
    assert (counties["implied_growth_pct"] < 10).sum() >= 2  # clearly not


def test_targets(tables):
    tg = tables["targets"].set_index("region")
    fai = tables["fai_monthly"].set_index(["region", "year", "month"])
    assert set(tg.index) == {CITY, *COUNTIES}
    assert (tg["year"] == 2021).all()
    assert tg.loc[CITY, "target_growth_pct"] == 20.0
    assert (tg["target_growth_pct"] == 20.0).sum() >= 10
    for region, row in tg.iterrows():
        assert row["base_investment"] == fai.loc[(region, 2020, 12), "cum_investment"]


def test_projects_scale_and_key_share(tables):
    pj = tables["projects"]
    assert set(pj["plan_year"]) == {2020, 2021}
    p21 = pj[pj.plan_year == 2021]
    assert 370 <= len(p21) <= 430
    assert 130 <= p21["is_key"].sum() <= 170
    total = p21["plan_investment"].sum()
    assert 13_000_000 <= total <= 14_500_000  # ≈ 1,380亿元
    key_share = p21.loc[p21.is_key, "plan_investment"].sum() / total
    assert 0.45 <= key_share <= 0.55 < 2 / 3
    assert set(p21["county"]) == {*COUNTIES, CITY_LEVEL}
    assert set(p21["stage"]) == {"储备", "预备", "新开工", "续建", "竣工"}
    assert not pj.duplicated(["project_id", "plan_year"]).any()
    assert (pj["plan_investment"] <= pj["total_investment"]).all()
    assert {"市发展改革局", "市交通运输局", "市水务局", "市城市更新局"} <= set(
        pj["department"]
    )


def test_key_projects_name_four_parties(tables):
    pj = tables["projects"]
    key = pj[pj["is_key"]]
    for col in ("city_leader", "lead_unit", "industry_dept", "builder"):
        assert key[col].notna().all(), col
    assert key["city_leader"].str.startswith("副市长 ").all()


def test_readiness_is_spread(tables):
    p21 = tables["projects"].query("plan_year == 2021")
    met = p21[list(demo.STATUS_FIELDS)].isin(["已完成", "不需要"])
    all_met = met.all(axis=1)
    n_missing = (~met).sum(axis=1)
    assert all_met[p21.stage == "新开工"].sum() >= 15  # ready
    assert (n_missing[p21.stage.isin(["新开工", "预备"])].between(1, 2)).sum() >= 20
    assert (n_missing >= 3).sum() >= 30  # needs pre-work
    reserve = p21[p21.stage == "储备"]
    assert (reserve["approval_status"] == "未启动").mean() > 0.5
    assert p21["funding_secured_pct"].between(0, 100).all()


def test_renewal_and_real_estate(tables, scenario):
    p21 = tables["projects"].query("plan_year == 2021")
    both = p21[p21.is_renewal & p21.is_real_estate]
    assert len(both) >= 1
    assert p21["is_renewal"].sum() > len(both) and p21["is_real_estate"].sum() > len(
        both
    )


def test_2020_outcomes_follow_the_model(tables, scenario):
    pj = tables["projects"].query("plan_year == 2020 and stage == '新开工'")
    pr = tables["project_progress"]
    starts = pr[pr.actual_start.notna()].groupby("project_id")["actual_start"].min()
    assert len(pj) >= 100
    assert pj["project_id"].isin(starts.index).mean() > 0.7
    out = scenario["outcomes_2020"].set_index("project_id")
    assert 0.35 <= out["on_time"].mean() <= 0.8
    # the strong criteria separate on-time starts; the energy review does not
    df = pj.set_index("project_id").join(out)
    met = df[list(demo.STATUS_FIELDS)].isin(["已完成", "不需要"])
    land_gap = (
        df.loc[met.land_status, "on_time"].mean()
        - df.loc[~met.land_status, "on_time"].mean()
    )
    assert land_gap > 0.15
    assert demo.START_MODEL["energy_status"] == 0.0


def test_progress_shape(tables, scenario):
    pr = tables["project_progress"]
    assert set(pr.loc[pr.year == 2020, "month"]) == set(range(1, 13))
    assert set(pr.loc[pr.year == 2021, "month"]) == set(range(1, 7))
    june = set(pr.loc[(pr.year == 2021) & (pr.month == 6), "project_id"])
    may = set(pr.loc[(pr.year == 2021) & (pr.month == 5), "project_id"])
    assert may - june == set(scenario["no_report_june"])
    assert len(scenario["no_report_june"]) >= 5
    # cumulative, year to date
    for (_pid, _year), g in pr.groupby(["project_id", "year"]):
        assert g.sort_values("month")["cum_completed"].is_monotonic_increasing


def test_some_counties_behind(tables):
    pj = tables["projects"].query("plan_year == 2021")
    pr = tables["project_progress"].query("year == 2021 and month == 5")
    done = pr.groupby("project_id")["cum_completed"].sum()
    frame = pj.assign(done=pj["project_id"].map(done).fillna(0))
    rate = (
        frame.groupby("county")["done"].sum()
        / frame.groupby("county")["plan_investment"].sum()
    )
    assert rate["吴川市"] < 0.7 * rate["湛江经开区"]
    assert (rate < 0.22).sum() >= 2 and (rate > 0.28).sum() >= 3


def test_milestones(tables, scenario):
    ms = tables["milestones"]
    key = tables["projects"].query("plan_year == 2021 and is_key and stage != '储备'")
    counts = ms.groupby("project_id").size()
    # every key project has node targets but the one planted without (三(一))
    no_ms = scenario["no_milestones"]
    assert no_ms in set(key["project_id"])
    assert set(counts.index) == set(key["project_id"]) - {no_ms}
    assert counts.between(2, 4).all()
    overdue = ms[(pd.to_datetime(ms.due_date) <= AS_OF) & ms.done_date.isna()]
    assert len(overdue) >= 10
    done = ms[ms.done_date.notna()]
    assert (pd.to_datetime(done.done_date) <= AS_OF).all()


def test_soe_cases(tables):
    soe = tables["soe_plans"]
    pj = tables["projects"].query("plan_year == 2021")
    ledger = pj.groupby("soe_name")["plan_investment"].sum()
    plan = soe[(soe.year == 2021) & (soe.kind == "计划")].set_index("soe_name")[
        "investment"
    ]
    base = soe[(soe.year == 2020) & (soe.kind == "完成")].set_index("soe_name")[
        "investment"
    ]
    assert set(SOES) <= set(ledger.index)
    assert len(set(ledger.index) - set(SOES)) == 2
    growth = (plan / base - 1) * 100
    assert growth["市基础设施建设投资集团"] > 20
    assert growth["市交通投资集团"] < 20
    assert round(growth["市水务投资集团"], 6) == 20.0
    assert "市旅游投资集团" in plan.index and "市旅游投资集团" not in base.index
    assert plan["市产业发展投资集团"] > 2 * ledger["市产业发展投资集团"]
    assert (
        "市城市建设发展集团" in ledger.index and "市城市建设发展集团" not in plan.index
    )
    assert demo.PLAN_ONLY_SOE in plan.index and demo.PLAN_ONLY_SOE not in ledger.index
    for name in ("市基础设施建设投资集团", "市交通投资集团", "市水务投资集团"):
        assert abs(plan[name] / ledger[name] - 1) < 0.05, name
    # year-to-date execution: 市交通投资集团 clearly behind the others
    pr = tables["project_progress"].query("year == 2021 and month == 5")
    ytd = pr.groupby(pr["project_id"].map(pj.set_index("project_id")["soe_name"]))[
        "cum_completed"
    ].sum()
    pace = ytd / plan.reindex(ytd.index)
    assert pace["市交通投资集团"] < 0.6 * pace["市基础设施建设投资集团"]
    assert pace["市交通投资集团"] < 0.6 * pace["市水务投资集团"]


def test_soe_growth_rests_on_an_unready_project(tables, scenario):
    from zjanalysis import readiness, soe

    pj = tables["projects"].query("plan_year == 2021")
    risky = scenario["soe_unready"]
    row = pj.set_index("project_id").loc[risky]
    assert row["soe_name"] == "市水务投资集团" and row["stage"] == "新开工"
    assert (row["eia_status"], row["funding_secured_pct"]) == ("办理中", 50.0)
    assert pd.Timestamp(row["planned_start"]) > AS_OF  # not started by June
    done = tables["project_progress"].query("project_id == @risky and year == 2021")
    assert (done["cum_completed"] == 0).all()
    scored = readiness.score_readiness(pj, readiness.load_config())
    scores = scored.set_index("project_id")
    assert scores.loc[risky, "grade"] != "ready"
    # every other SOE project is ready: the risk is this project's alone
    others = pj[pj.soe_name.notna() & (pj.project_id != risky)]["project_id"]
    assert (scores.loc[others, "grade"] == "ready").all()
    # by hand from the declared figures: the project carries most of the increase
    plans = tables["soe_plans"].set_index(["soe_name", "kind"])["investment"]
    base = plans[("市水务投资集团", "完成")]
    plan = plans[("市水务投资集团", "计划")]
    assert round(100 * (plan / base - 1), 6) == 20.0  # still exactly +20%
    share = 100 * min(row["plan_investment"], plan - base) / (plan - base)
    secure = 100 * (plan - row["plan_investment"] - base) / base
    assert 50 < share <= 100 and secure < 20
    growth = soe.compute_soe_growth(tables["soe_plans"], year=2021)
    graded = soe.grade_soe_projects(soe.select_soe_projects(pj, year=2021), scored)
    risk = soe.assess_soe_growth_risk(growth, graded).set_index("soe_name")
    assert risk.loc["市水务投资集团", "n_unready_projects"] == 1
    assert risk.loc["市水务投资集团", "growth_at_risk_pct"] == pytest.approx(share)
    assert risk.loc["市水务投资集团", "secure_growth_pct"] == pytest.approx(secure)
    assert (risk.drop(index="市水务投资集团")["n_unready_projects"] == 0).all()


def test_release_line_projects_are_weight_sensitive(tables, scenario):
    from zjanalysis import readiness

    pj = tables["projects"].query("plan_year == 2021")
    ids = scenario["weight_sensitive"]
    assert len(ids) == 3
    rows = pj.set_index("project_id").loc[ids]
    assert (rows["stage"] == "储备").all()
    config = readiness.load_config()
    scores = readiness.score_readiness(pj, config).set_index("project_id").loc[ids]
    assert (scores["n_missing"] == 1).all() and scores["passes_gates"].all()
    # one gap each, by hand with the default points (total 100): 初步设计/施工图审查
    # 未启动 loses its 10 points (环评 would fail a gate); 40% of the money earns
    # 40/80 of 20, 35% earns 35/80 of 20
    expected = {
        pid: 90.0
        if r["design_status"] == "未启动"
        else 80.0 + 20.0 * r["funding_secured_pct"] / 80.0
        for pid, r in rows.iterrows()
    }
    assert sorted(expected.values()) == [88.75, 90.0, 90.0]
    assert scores["score"].to_dict() == pytest.approx(expected)
    st = readiness.test_batch_stability(pj, config).set_index("project_id")
    flagged = set(st.index[st["weight_sensitive"]])
    assert flagged == set(ids)
    share = st.loc[ids, "batch_stability"]
    assert share.between(0.10, 0.90, inclusive="neither").all()
    # at exactly 90 points half the draws fall either side of the ready line
    at_line = [pid for pid, v in expected.items() if v == 90.0]
    assert share[at_line].between(0.4, 0.6).all()
    assert st.loc[at_line, "in_next_batch"].all()


def test_the_demo_next_batch_is_mature_reserve_never_started_nor_cancelled(
    tables, scenario
):
    from zjanalysis import plan, readiness

    config = readiness.load_config()
    a = readiness.assess_readiness(
        tables["projects"],
        tables["project_progress"],
        year=2021,
        config=config,
        milestones=tables["milestones"],
        plan_changes=tables["plan_changes"],
        n_draws=50,
    )
    batch = set(a.batch["project_id"])
    # the mature reserve projects, and the release-line ones at exactly 90
    assert set(scenario["reserve_ready"]) <= batch
    assert batch <= set(scenario["reserve_ready"]) | set(scenario["weight_sensitive"])
    # none has started: no actual start, no 2021 investment reported
    pr = tables["project_progress"]
    reported = pr[(pr["year"] == 2021) & (pr["project_id"].isin(batch))]
    assert reported.empty or (
        reported["actual_start"].isna().all()
        and reported["cum_completed"].fillna(0).eq(0).all()
    )
    # none is in the 2021 plan, none was taken out of it this year
    plan21 = plan.select_plan_projects(tables["projects"], year=2021)
    assert not batch & set(plan21["project_id"])
    cancelled = plan.cancelled_in_year(tables["plan_changes"], year=2021)
    assert cancelled and not batch & cancelled
    assert set(a.ready_cancelled) <= cancelled
    # the ready projects of the plan that have not started are listed to start
    assert len(a.unstarted) and a.unstarted["in_plan"].all()
    assert not set(a.unstarted["project_id"]) & batch
    # ... and only those due to start this year: a 预备 project with plan money
    # for its pre-work, planned to start in 2022, is on schedule, not late
    starts = (
        tables["projects"]
        .query("plan_year == 2021")
        .set_index("project_id")
        .loc[a.unstarted["project_id"], "planned_start"]
    )
    assert (pd.to_datetime(starts).dt.year.fillna(2021) <= 2021).all()
    prework = tables["projects"].query(
        "plan_year == 2021 and stage == '预备' and plan_investment > 0"
    )
    later = prework[pd.to_datetime(prework["planned_start"]).dt.year > 2021]
    assert len(later) and not set(later["project_id"]) & set(a.unstarted["project_id"])


def test_soe_file_is_in_yi(regenerated):
    ws = load_workbook(regenerated / "demo" / "soe_plans.xlsx").worksheets[0]
    headers = [c.value for c in ws[2]]
    assert "在湛投资(亿元)" in headers


def test_plan_changes(tables, scenario):
    pc = tables["plan_changes"]
    cases = scenario["plan_changes"]
    pj = tables["projects"].query("plan_year == 2021").set_index("project_id")
    assert pc["project_id"].isin(pj.index).all()
    assert (
        pc["new_amount"].to_numpy()
        == pj.loc[pc["project_id"], "plan_investment"].to_numpy()
    ).all()
    by_id = pc.set_index("project_id")
    leader = by_id["approver"].fillna("").str.contains("市长")
    has_ref = by_id["approval_ref"].notna()
    for pid in cases["ok_addition"]:
        assert by_id.loc[pid, "change_type"] == "新增"
        assert by_id.loc[pid, "approver"] == "市发展改革局"
    for key in ("ok_cut", "ok_change", "ok_cancel"):
        for pid in cases[key]:
            assert leader[pid] and has_ref[pid], pid
    (cut,) = cases["violation_cut_bureau_only"]
    assert (
        by_id.loc[cut, "change_type"] == "调减"
        and by_id.loc[cut, "approver"] == "市发展改革局"
    )
    assert by_id.loc[cut, "old_amount"] > by_id.loc[cut, "new_amount"]
    (cancel,) = cases["violation_cancel_no_ref"]
    assert (
        by_id.loc[cancel, "change_type"] == "取消"
        and leader[cancel]
        and not has_ref[cancel]
    )
    (change,) = cases["violation_change_no_approver"]
    assert by_id.loc[change, "change_type"] == "调整" and pd.isna(
        by_id.loc[change, "approver"]
    )
    cancelled = pc.loc[pc.change_type == "取消", "project_id"]
    assert (pj.loc[cancelled, "plan_investment"] == 0).all()


def test_funding_cases(tables, scenario):
    fp = tables["funding_plan"]
    pj = tables["projects"].query("plan_year == 2021 and plan_investment > 0")
    plan = pj.set_index("project_id")["plan_investment"]
    funded = fp.groupby("project_id")["amount"].sum()
    cases = scenario["funding"]
    assert set(cases["missing"]).isdisjoint(funded.index)
    assert all(funded[p] == plan[p] for p in cases["exact"])
    assert all(funded[p] < plan[p] for p in cases["short"])
    ok = funded.index.difference(cases["exact"] + cases["short"])
    assert (funded[ok] > plan[ok]).all()
    assert len(ok) > 0.7 * len(plan)
    assert set(fp["source"]) == {"财政预算", "专项债", "银行贷款", "企业自筹", "其他"}


def test_land_cases(tables, scenario):
    lp = tables["land_plan"]
    pj = tables["projects"].query("plan_year == 2021")
    needs = set(pj.loc[pj.land_status != "不需要", "project_id"])
    assert needs - set(lp["project_id"]) == set(scenario["land"]["missing"])
    assert len(scenario["land"]["missing"]) >= 5
    assert set(lp.loc[lp.idle_approved_land, "project_id"]) == set(
        scenario["land"]["idle"]
    )
    assert (~lp["red_line_issued"]).sum() >= 5
    assert lp["sea_area_ha"].notna().sum() >= 3


def test_stats_registry_cases(tables, scenario):
    sr = tables["stats_registry"]
    pr = tables["project_progress"].query("year == 2021")
    assert set(sr["month"]) == set(range(1, 7))
    unreg = set(sr.loc[~sr.registered, "project_id"])
    assert set(scenario["stats"]["unregistered"]) <= unreg
    merged = sr.merge(pr, on=["project_id", "month"])
    merged = merged[merged.registered & (merged.cum_completed > 0)]
    ratio = merged["stats_cum_completed"] / merged["cum_completed"]
    off = set(merged.loc[(ratio - 1).abs() > 0.10, "project_id"])
    assert off == set(scenario["stats"]["differ"])


# --- (c) the loader ----------------------------------------------------------------


def _planted() -> pd.DataFrame:
    with open(DEMO_DIRTY_DIR / "PLANTED.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    frame = pd.DataFrame(rows)
    frame["row"] = pd.to_numeric(frame["row"]).astype("Int64")
    return frame


def test_planted_list_covers_every_check():
    planted = _planted()
    assert 15 <= len(planted) <= 25
    assert list(planted.columns) == list(demo.PLANTED_COLUMNS)
    expected = {
        "unit_mixup",
        "negative_money",
        "pct_out_of_range",
        "month_out_of_range",
        "finish_before_start",
        "key_project_party_missing",
        "unknown_project",
        "duplicate_key",
        "bad_enum",
        "bad_number",
        "bad_date",
        "unknown_county",
        "fai_no_value",
        "missing_column",
    }
    assert expected <= set(planted["check"])


@pytest.fixture(scope="module")
def io_module():
    return pytest.importorskip("zjanalysis.io")


def test_loader_reads_demo_without_problems(io_module, tables):
    ds = io_module.load_dataset(DEMO_DIR)
    assert ds.is_demo
    assert ds.report.errors == [], ds.report.format()
    for name, frame in tables.items():
        assert len(ds.tables[name]) == len(frame), name
    # the printed ledger's money and the 亿元 SOE file arrive in 万元
    pj = ds.tables["projects"]
    assert pj["plan_investment"].sum() == tables["projects"]["plan_investment"].sum()
    assert np.isclose(
        ds.tables["soe_plans"]["investment"].sum(),
        tables["soe_plans"]["investment"].sum(),
    )


def test_loader_reports_every_planted_mistake(io_module):
    ds = io_module.load_dataset(DEMO_DIRTY_DIR)
    assert ds.is_demo
    found = ds.report.to_frame()
    found["file"] = found["file"].str.split("#").str[0]
    missed = []
    for p in _planted().itertuples():
        hit = found[
            (found["file"] == p.file)
            & (found["column"] == p.column)
            & (found["check"] == p.check)
            & (
                found["row"].isna()
                if pd.isna(p.row)
                else (found["row"] == p.row).fillna(False)
            )
        ]
        if hit.empty:
            missed.append(f"{p.file} row {p.row} {p.column}: {p.check}")
    assert not missed, "\n".join(missed)
