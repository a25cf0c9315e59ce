"""The gap-closing analysis (report 60) against hand-computed cases.

A small data folder written here makes every number computable by hand:
last year's cumulative level is 100 × month 万元 (1,200 for the year, so the
share done by June is 1/2), this year grows +8% to 1—5月 and +10% to 1—6月,
and the forecast method is the year-to-date one, so the forecast equals the
growth so far.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from zjanalysis import coverage, gap, io, schema
from zjanalysis.gap import (
    SOURCE_KEY,
    SOURCE_RELEASE,
    SOURCE_SOE,
    SOURCE_START,
    ForecastPositions,
    combine_gap,
    compute_position,
    in_year_deliverable,
)
from zjanalysis.problems import ERROR, Problem
from zjanalysis.reports.gap import GapView, change_brief, change_zh

READY = "已完成,已完成,已完成,已完成,已完成,已完成,100,100,副市长 张某,{lead},市交通运输局,某公司"
PROJECTS_HEAD = (
    "项目编码,项目名称,计划年度,所属县(市、区),行业主管部门,是否重点项目,项目阶段,行业领域,"
    "总投资,年度计划投资,计划开工时间,计划竣工时间,所属国有企业,"
    "立项(审批/核准/备案),用地预审与选址,环评批复,节能审查,初步设计/施工图审查,施工许可,"
    "资金落实比例,征地拆迁完成比例,分管市领导,牵头责任单位,分管行业部门,建设单位"
)
PROJECTS = [
    # R1: pre-work, no plan money, ready: released, total spread 2021-09..2022-08
    "R1,新港路,2021,赤坎区,市交通运输局,否,预备,交通,2400,0,2021-09-01,2022-08-31,,"
    + READY.format(lead="赤坎区人民政府"),
    # S1: new start in the plan (1,200 from March), ready, not started
    "S1,海滨馆,2021,赤坎区,市文化广电旅游体育局,是,新开工,文旅,8000,1200,2021-03-01,2023-12-31,,"
    + READY.format(lead="市文化广电旅游体育局"),
    # K1: key project 300 of 1,000 done by June (expected 50%): 200 behind
    "K1,港口一号,2021,赤坎区,市交通运输局,是,续建,交通,50000,1000,2020-03-01,2023-12-31,市交通投资集团,"
    + READY.format(lead="市交通运输局"),
    # K2: key project on time
    "K2,港口二号,2021,霞山区,市交通运输局,是,续建,交通,50000,1000,2020-03-01,2023-12-31,,"
    + READY.format(lead="市交通运输局"),
]
PROGRESS = """项目编码,年份,月份,累计完成投资（万元）,实际开工时间
K1,2021,5,250,
K1,2021,6,300,
K2,2021,5,500,
K2,2021,6,600,
"""
TARGETS = """地区,年份,目标增长（%）,上年完成投资（万元）
湛江市,2021,20,1150
赤坎区,2021,20,
"""
SOE = """企业名称,年份,类型,在湛投资（万元）
市交通投资集团,2020,完成,1000
市交通投资集团,2021,计划,1500
"""


def _fai(last_month: int = 6) -> str:
    rows = ["地区,年份,月份,累计完成投资（万元）,累计同比增长（%）"]
    for region in (schema.CITY, "赤坎区"):
        for year in range(2016, 2022):
            for month in range(2, 13):
                if year == 2021 and month > last_month:
                    break
                growth = 10.0 if year < 2021 else (8.0 if month <= 5 else 10.0)
                level = 100.0 * month * (1.0 + growth / 100.0) ** (year - 2020)
                if year == 2021:
                    level = 100.0 * month * (1.0 + growth / 100.0)
                rows.append(f"{region},{year},{month},{level:.4f},{growth}")
    return "\n".join(rows) + "\n"


def _write(folder, *, fai_month=6, progress=PROGRESS):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fai_monthly.csv").write_text(_fai(fai_month), encoding="utf-8")
    (folder / "targets.csv").write_text(TARGETS, encoding="utf-8")
    (folder / "projects.csv").write_text(
        PROJECTS_HEAD + "\n" + "\n".join(PROJECTS) + "\n", encoding="utf-8"
    )
    (folder / "project_progress.csv").write_text(progress, encoding="utf-8")
    (folder / "soe_plans.csv").write_text(SOE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = _write(tmp_path_factory.mktemp("gap") / "data")
    ds = io.load_dataset(folder)
    assert not ds.report.errors, [p.format() for p in ds.report.errors]
    return ds


@pytest.fixture(scope="module")
def june(small):
    return gap.gap_for_dataset(small, year=2021, as_of="2021-06", method="ytd")


# --- required, forecast, gap -----------------------------------------------------------


def test_required_remaining_from_a_known_base_and_ytd_level():
    p = compute_position(
        "甲",
        base_wan=11_376_000.0,
        ytd_wan=5_646_800.0,
        target_growth_pct=20.0,
        point_growth_pct=17.6,
        interval_80_pct=(10.0, 25.0),
    )
    # target level 11,376,000 × 1.2 = 13,651,200; minus 5,646,800 done
    assert p.target_level_wan == pytest.approx(13_651_200.0)
    assert p.required_remaining_wan == pytest.approx(8_004_400.0)
    # 11,376,000 × 1.176 − 5,646,800
    assert p.forecast_remaining_wan == pytest.approx(7_731_376.0)
    assert p.forecast_remaining_80_wan == pytest.approx((6_866_800.0, 8_573_200.0))
    assert p.gap_wan == pytest.approx(273_024.0)


def test_the_forecasts_own_base_and_levels_are_used(june):
    city = june.city
    # base = 1,200 (last year's 1—12月); June done 600 × 1.1 = 660
    assert city.base_wan == pytest.approx(1200.0)
    assert city.ytd_wan == pytest.approx(660.0)
    assert city.required_remaining_wan == pytest.approx(1440.0 - 660.0)
    assert city.point_growth_pct == pytest.approx(10.0)
    assert city.forecast_remaining_wan == pytest.approx(1320.0 - 660.0)
    assert city.gap_wan == pytest.approx(120.0)
    lo, hi = city.forecast_remaining_80_wan
    assert lo <= city.forecast_remaining_wan <= hi
    # the targets table's 上年完成投资 is shown beside, not used
    assert june.targets_base_wan == 1150.0
    assert "统计可比口径为准" in GapView(june).base_note()


# --- in-year deliverable ------------------------------------------------------------


def test_in_year_deliverable_from_start_and_plan():
    p = pd.DataFrame(
        {
            "plan_investment": [1200.0, 1200.0, 1200.0, None, None, None],
            "total_investment": [9000.0, 9000.0, 9000.0, 2400.0, 2400.0, 0.0],
            "planned_start": pd.to_datetime(
                [
                    "2021-03-01",  # started late: July..Dec of March..Dec = 6/10
                    "2021-10-01",  # still ahead: the whole plan
                    "2022-02-01",  # next year: nothing
                    "2021-09-15",  # 2,400 over Sep 2021..Aug 2022: 4 of 12 months
                    "2021-01-01",  # no finish date: cannot be estimated
                    None,
                ]
            ),
            "planned_finish": pd.to_datetime(
                [None, None, None, "2022-08-31", None, None]
            ),
        }
    )
    d = in_year_deliverable(p, year=2021, as_of_month=6)
    assert d["deliverable_wan"].tolist() == pytest.approx(
        [720.0, 1200.0, 0.0, 800.0, 0.0, 0.0]
    )
    assert d["months_left"].tolist() == [6, 3, 0, 4, 6, 6]
    assert d["rule"].iloc[2].startswith("计划下一年度")
    assert "无法估算" in d["rule"].iloc[4]
    # at 1—12月 nothing is left of the year
    end = in_year_deliverable(p, year=2021, as_of_month=12)
    assert end["deliverable_wan"].sum() == 0.0


# --- sources, decomposition, actions ----------------------------------------------


def test_sources_are_hand_computed_and_each_project_counted_once(june):
    src = june.sources.set_index("gap_source")
    assert src.loc[SOURCE_RELEASE, "amount_wan"] == pytest.approx(800.0)  # R1
    assert src.loc[SOURCE_START, "amount_wan"] == pytest.approx(720.0)  # S1
    # K1: 1,000 × 50% − 300; S1 (a key project) is already in 督促开工
    assert src.loc[SOURCE_KEY, "amount_wan"] == pytest.approx(200.0)
    # 市交通投资集团: 1,500 × 50% − 300 = 450 behind, less K1's 200
    assert src.loc[SOURCE_SOE, "amount_wan"] == pytest.approx(250.0)
    ids = june.source_projects["project_id"].tolist()
    assert sorted(ids) == ["K1", "R1", "S1"] and len(set(ids)) == len(ids)
    assert june.sources_total_wan == pytest.approx(1970.0)
    assert june.uncovered_wan == 0.0
    assert june.status == gap.STATUS_COVERED
    assert GapView(june).finding() == "at_risk"


def test_gap_decomposition_sums_to_the_stated_totals(june):
    view = GapView(june)
    city = june.city
    assert city.required_remaining_wan - city.forecast_remaining_wan == pytest.approx(
        city.gap_wan
    )
    assert june.sources["amount_wan"].sum() == pytest.approx(june.sources_total_wan)
    chikan = june.by_county.set_index("county").loc["赤坎区"]
    parts = chikan[["release_wan", "start_wan", "catch_up_wan"]].sum()
    assert parts == pytest.approx(chikan["sources_wan"]) and parts == 1720.0
    assert chikan["uncovered_wan"] == 0.0 and chikan["status"] == gap.STATUS_COVERED
    js = view.to_json()
    assert js["city"]["gap_wan"] == pytest.approx(
        js["city"]["required_remaining_wan"] - js["city"]["forecast_remaining_wan"]
    )
    assert sum(s["amount_wan"] for s in js["sources"]) == pytest.approx(1970.0)


def test_action_amounts_equal_their_sources(june):
    acts = june.actions
    by_source = acts.groupby("gap_source")["amount_wan"].sum()
    for s in june.sources.itertuples(index=False):
        assert by_source.get(s.gap_source, 0.0) == pytest.approx(s.amount_wan)
    rows = {
        (a.unit, a.gap_source, a.clause): a.amount_wan
        for a in acts.itertuples(index=False)
    }
    assert rows == pytest.approx(
        {
            ("赤坎区人民政府", SOURCE_RELEASE, "一"): 800.0,  # R1
            ("赤坎区人民政府", SOURCE_START, "一"): 720.0,  # S1
            ("市交通运输局", SOURCE_KEY, "三(一)"): 200.0,  # K1's lead unit
            ("市交通投资集团", SOURCE_SOE, "九(二)"): 250.0,
        }
    )


def test_a_county_without_a_forecast_is_no_data_not_zero(june):
    xiashan = june.by_county.set_index("county").loc["霞山区"]
    assert math.isnan(xiashan["investment_gap_wan"])
    assert math.isnan(xiashan["uncovered_wan"])
    assert xiashan["status"] == gap.STATUS_NO_DATA
    assert "数据不足无法测算" in GapView(june).headline()


def _positions(point: float, county_point: float | None = None) -> ForecastPositions:
    def pos(region, p):
        return compute_position(
            region,
            base_wan=1000.0,
            ytd_wan=500.0,
            target_growth_pct=20.0,
            point_growth_pct=p,
            interval_80_pct=(p - 2, p + 2),
            p_reach_target=0.5,
        )

    out = {schema.CITY: pos(schema.CITY, point)}
    if county_point is not None:
        out["赤坎区"] = pos("赤坎区", county_point)
    return ForecastPositions(out, {})


def _combine(positions: ForecastPositions, release_plan: float = 0.0):
    ledger = pd.DataFrame(
        {
            "project_id": ["A"],
            "name": ["甲"],
            "plan_year": [2021],
            "county": ["赤坎区"],
            "stage": ["预备"],
            "plan_investment": [release_plan],
            "planned_start": pd.to_datetime(["2021-07-01"]),
        }
    )
    return combine_gap(
        positions,
        year=2021,
        month=6,
        as_of="2021-06",
        target_growth_pct=20.0,
        ledger=ledger,
        release_ids=pd.Series(["A"] if release_plan else [], dtype=object),
        start_ids=pd.Series([], dtype=object),
        completion=pd.DataFrame(
            columns=["project_id", "is_key", "county", "plan_wan", "completed_wan"]
        ),
        expected_pct={},
        soe_enterprises=None,
        soe_projects=None,
        soe_note="国有企业投资计划没有2021年的数据",
    )


def test_a_target_the_pace_reaches_is_within_reach():
    r = _combine(_positions(22.0), release_plan=30.0)
    assert r.city.gap_wan == pytest.approx(-20.0)
    assert r.uncovered_wan == 0.0 and r.status == gap.STATUS_REACH
    view = GapView(r)
    assert view.finding() == "met"
    assert "目标可望实现" in view.headline() and "作为余量" in view.headline()
    # the SOE source is unknown, not 0
    assert math.isnan(r.sources.set_index("gap_source").loc[SOURCE_SOE, "amount_wan"])
    assert "国有企业来源数据不足" in view.headline()


def test_what_the_sources_leave_is_uncovered():
    r = _combine(_positions(15.0), release_plan=30.0)  # gap 50, release 30
    assert r.city.gap_wan == pytest.approx(50.0)
    assert r.uncovered_wan == pytest.approx(20.0)
    assert GapView(r).finding() == "missed"
    assert "仍有" in GapView(r).headline() and "没有来源" in GapView(r).headline()


# --- month over month ------------------------------------------------------------------


def test_month_over_month_against_two_as_of_months(small, june):
    change = gap.gap_change_for_dataset(
        small, year=2021, as_of="2021-06", current=june, method="ytd"
    )
    assert not change.refusal
    # 1—5月: done 500 × 1.08 = 540, forecast 1,200 × 1.08 = 1,296: gap 900 − 756 = 144
    assert change.previous.month == 5
    assert change.previous.city.ytd_wan == pytest.approx(540.0)
    assert change.gap_wan == pytest.approx((144.0, 120.0))
    assert change.point_growth_pct == pytest.approx((8.0, 10.0))
    assert change.delta("gap_wan") == pytest.approx(-24.0)
    # K1 at 1—5月: 1,000 × 5/12 − 250 behind
    prev_key = change.previous.sources.set_index("gap_source").loc[SOURCE_KEY]
    assert prev_key["amount_wan"] == pytest.approx(1000.0 * 5 / 12 - 250.0)
    assert change_zh(change).startswith("与1—5月相比：全年增长预测8.0%→10.0%")
    # the brief carries the same comparison as one line
    (line,) = change_brief(change)
    assert line["label"] == "与1—5月相比"
    assert change_zh(change) == f"{line['label']}：{line['text']}。"
    assert change_brief(gap.GapChange(None, june, refusal="没有上月")) == []


def test_counties_changing_colour():
    before = _combine(_positions(15.0, county_point=22.0))
    now = _combine(_positions(15.0, county_point=15.0))
    change = gap.compare_gaps(before, now)
    assert change.counties[
        ["county", "status_before", "status_now"]
    ].values.tolist() == [["赤坎区", "绿", "红"]]
    assert "赤坎区（绿→红）" in change_zh(change)


def test_the_first_month_has_no_previous_month(small):
    assert gap.previous_as_of("2021-02", year=2021) is None
    assert gap.previous_as_of("2021-03", year=2021).month == 2


# --- honesty ---------------------------------------------------------------------------


def test_an_as_of_beyond_the_statistics_is_refused(small):
    r = gap.gap_for_dataset(small, year=2021, as_of="2021-07", method="ytd")
    assert r.refusal_kind == "no_data"
    assert (
        "只到2021年1—6月" in r.refusal
        and "无法作2021年1—7月缺口与补缺分析" in r.refusal
    )
    view = GapView(r)
    assert view.headline() == r.refusal and view.finding() == "no_data"
    assert view.table("by_county").refused and r.city is None


def test_progress_reports_short_of_the_month_are_refused(tmp_path):
    progress = "项目编码,年份,月份,累计完成投资（万元）,实际开工时间\nK1,2021,5,250,\nK2,2021,5,500,\n"
    ds = io.load_dataset(_write(tmp_path / "d", progress=progress))
    r = gap.gap_for_dataset(ds, year=2021, as_of="2021-06", method="ytd")
    assert r.refusal_kind == "no_data" and "项目月度进度只到2021年1—5月" in r.refusal


def test_errors_in_a_table_it_reads_block_it(small):
    bad = coverage.KnownAt(
        dict(small.tables),
        type(small.report)(
            [
                Problem(
                    ERROR,
                    "x",
                    "soe_plans.csv",
                    3,
                    None,
                    None,
                    "错",
                    "bad",
                    table="soe_plans",
                )
            ]
        ),
    )
    r = gap.gap_for_dataset(bad, year=2021, as_of="2021-06", method="ytd")
    assert r.refusal_kind == "errors" and GapView(r).finding() == "blocked"
    assert r.refusal.startswith("国有企业在湛投资计划有 1 个错误")


def test_errors_in_a_table_only_a_part_reads_block_it(small):
    # plan changes are read by the readiness part alone: the gap may not count
    # its sources as 0 while concluding
    bad = coverage.KnownAt(
        dict(small.tables),
        type(small.report)(
            [
                Problem(
                    ERROR,
                    "x",
                    "plan_changes.csv",
                    2,
                    None,
                    None,
                    "错",
                    "bad",
                    table="plan_changes",
                )
            ]
        ),
    )
    r = gap.gap_for_dataset(bad, year=2021, as_of="2021-06", method="ytd")
    assert r.refusal_kind == "errors" and "计划调整" in r.refusal


def test_the_data_are_read_as_known_at_the_as_of_month(small):
    cut = coverage.known_at(small, year=2021, month=5)
    assert cut["project_progress"]["month"].max() == 5
    assert cut["fai_monthly"].query("year == 2021")["month"].max() == 5
    assert len(cut["projects"]) == len(small["projects"])


def test_year_over_states_the_outcome(tmp_path):
    progress = PROGRESS + "K1,2021,12,900,\nK2,2021,12,1000,\n"
    ds = io.load_dataset(_write(tmp_path / "d", fai_month=12, progress=progress))
    r = gap.gap_for_dataset(ds, year=2021, as_of="2022-01", method="ytd")
    assert not r.refusal and r.is_outcome and r.month == 12
    view = GapView(r)
    assert (
        view.headline()
        == "2021年已结束（1—12月）：全年增长10.0%，未达到20%目标；没有剩余月份可补缺。"
    )
    assert view.finding() == "missed" and r.sources.empty


def test_progress_that_stops_short_at_year_end_is_refused(tmp_path):
    ds = io.load_dataset(_write(tmp_path / "d", fai_month=12))
    r = gap.gap_for_dataset(ds, year=2021, as_of="2022-01", method="ytd")
    assert r.refusal_kind == "no_data" and "项目月度进度只到2021年1—6月" in r.refusal


def test_the_page_shows_fewer_columns_than_the_workbook(june):
    view = GapView(june)
    page = view.table("by_county").df.columns.tolist()
    assert "release_wan" not in page and "investment_gap_wan" in page
    sheet = view.excel().sheets["缺口与来源"]
    assert {"release_wan", "start_wan", "catch_up_wan"} <= set(sheet.columns)
    assert len(view.excel().sheets["来源项目清单"]) == len(june.source_projects)


def test_the_brief_names_the_gap_the_sources_and_who_acts(june):
    lines = GapView(june).brief()
    assert [b["label"] for b in lines] == [
        "达到20%目标的缺口",
        "最大的补缺来源",
        "须先行动的单位",
    ]
    assert lines[0]["status"] == "at_risk"
    assert lines[1]["text"].startswith(f"{SOURCE_RELEASE}")  # 800, then 督促开工 720
    assert lines[2]["text"].startswith("赤坎区人民政府")
    within = GapView(_combine(_positions(22.0), release_plan=30.0)).brief()
    assert within[0]["value"] == "无缺口" and within[1]["label"] == "补缺来源（余量）"
