"""Tests for zjanalysis.reports.forecast: what the forecast report shows a reader.

The numbers are tested in ``tests/test_forecast.py`` on the same hand-made frames.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_forecast import (
    _Dataset,
    december_frame,
    demo_like,
    full_2020,
    load_national,
    make_frame,
)

from zjanalysis import forecast as fc
from zjanalysis import report
from zjanalysis.labels import format_pct
from zjanalysis.reports.forecast import (
    HEADERS,
    SHEETS,
    ForecastView,
    backtest_json,
    backtest_sentence,
    forecast_sentence,
    regions_sentence,
)
from zjanalysis.reports.glossary import COLUMNS_ZH


def _june_view() -> ForecastView:
    return ForecastView(
        fc.prepare_forecast_report(demo_like(), "甲", year=2021, as_of="2021-06")
    )


# --- sentences ------------------------------------------------------------------


def test_forecast_sentence_mid_year():
    res = fc.forecast_fai(demo_like(), "甲", year=2021, as_of_month=6)
    text = forecast_sentence(res)
    assert (
        text.startswith("甲按1—6月数据预测，全年增长约")
        and "达到20%目标的概率约" in text
    )
    assert "后6个月需比上年同期增长" in text
    assert not text.endswith("仅供参考。")


def test_forecast_sentence_at_february_warns_it_is_early():
    df = demo_like()
    feb = fc.forecast_fai(
        df.loc[(df["year"] < 2021) | (df["month"] <= 2)], "甲", year=2021, as_of_month=2
    )
    text = forecast_sentence(feb)
    assert text.startswith("甲按1—2月数据预测，全年增长约")
    assert "后10个月需比上年同期增长" in text and text.endswith("区间最宽，仅供参考。")


def test_forecast_sentence_states_the_december_outcome():
    df = full_2020()
    res = fc.forecast_fai(df, "甲", year=2020, as_of_month=12, target_growth_pct=20.0)
    assert forecast_sentence(res) == (
        "甲2020年全年（1—12月）固定资产投资增长6.9%，未完成20%的目标，比目标低13.1个百分点。"
    )
    met = fc.forecast_fai(df, "甲", year=2020, as_of_month=12, target_growth_pct=5.0)
    assert "完成5%的目标，超出1.9个百分点" in forecast_sentence(met)
    exact = fc.forecast_fai(df, "甲", year=2020, as_of_month=12, target_growth_pct=6.9)
    assert "恰好完成" in forecast_sentence(exact)


def test_forecast_sentence_uses_the_regions_own_target():
    frames = [
        make_frame({y: 22.0 for y in range(2016, 2022)}, region=r, last=(2021, 6))
        for r in ("甲", "乙")
    ]
    targets = pd.DataFrame(
        {"region": ["乙"], "year": [2021], "target_growth_pct": [25.0]}
    )
    rep = fc.prepare_forecast_report(
        pd.concat(frames, ignore_index=True),
        "甲",
        year=2021,
        as_of="2021-06",
        targets=targets,
    )
    assert forecast_sentence(rep.regions.results["乙"]).count("达到25%目标") == 1


def test_regions_sentence_counts_by_flag():
    frames = [
        make_frame({y: g for y in range(2016, 2022)}, region=r, last=(2021, 6))
        for r, g in (("甲", 10.0), ("乙", 30.0), ("丙", 19.5))
    ]
    out = fc.forecast_regions(
        pd.concat(frames, ignore_index=True), year=2021, as_of_month=6
    )
    text = regions_sentence(out)
    assert text.startswith("3个地区中，1个有望完成目标，")
    assert "难以完成（甲" in text
    dec = fc.forecast_regions(
        december_frame(), year=2020, as_of_month=12, target_growth_pct=11.0
    )
    assert regions_sentence(dec) == "3个地区中，2个完成目标，1个未完成（丙）。"


def test_backtest_sentence_and_json():
    bt = fc.backtest(
        load_national(), "全国", years=(2014, 2018), methods=("ytd", "two_year")
    )
    text = backtest_sentence(bt)
    assert text.startswith("全国2014—2018年回测：误差最小的是")
    assert "（现行做法" in text and "80%区间实际覆盖" in text
    data = backtest_json(bt)
    assert list(data) == ["region", "years", "best_method", "methods", "records"]
    assert "方法" not in data["methods"].columns
    empty = fc.backtest(load_national(), "全国", years=(2030, 2031))
    assert backtest_sentence(empty) == "全国历史数据不足，无法回测。"


# --- the report view ---------------------------------------------------------------


def test_view_headline_tables_and_workbook():
    view = _june_view()
    rep = view.result
    assert view.refusal == "" and view.headline() == forecast_sentence(rep.city)
    key = view.table("key").df.set_index("key_item")["value"]
    assert key["1—6月累计增长"] == "24.1%"
    assert key["用于校准区间的历史年数"] == str(rep.city.n_calibration_years)
    county = view.table("county").kwargs()
    assert county["status"] == ["flag"] and "p_reach_target" in county["pct"]
    assert county["unit"] == "亿元"
    # shown rounded to one decimal, as the report prints it
    assert county["df"]["p_reach_target"].iloc[0] == round(
        rep.city.p_reach_target * 100, 1
    )
    assert county["df"]["method"].iloc[0] == fc.METHOD_LABELS[rep.city.method]
    path = view.table("path")
    assert path.kwargs()["money"] == ["on_track_level_wan"]
    html = report.table_html(**path.kwargs())
    assert "达标所需累计投资（亿元）" in html and "80%区间下限" in html
    bt = view.table("backtest")
    # the trust table scores what the report uses, auto, first
    assert bt.df["method"].tolist() == [
        fc.METHOD_LABELS[m] for m in ("auto", *fc.METHODS)
    ]
    assert bt.decimals == {"brier": 3}
    by_month = view.table("backtest_by_month")
    # methods as rows (auto first), as-of months as columns: fits the page
    months = [f"mae_m{m}" for m in fc.ASOF_MONTHS]
    assert by_month.df.columns.tolist() == ["method", *months]
    assert by_month.df["method"].tolist() == bt.df["method"].tolist()
    assert [HEADERS[c] for c in months[:2]] == ["1—2月", "1—3月"]
    assert by_month.decimals == {c: 2 for c in months}
    # the cell is the method's MAE at that month in the backtest records
    recs = rep.backtest.records
    auto_m2 = recs.loc[(recs["method"] == "auto") & (recs["as_of_month"] == 2)]
    assert by_month.df.loc[0, "mae_m2"] == pytest.approx(
        auto_m2["error_pp"].abs().mean()
    )
    assert "本次采用" in view.method_note() and "回测" in view.method_note()
    assert "80%和95%" in view.chart_note() and "标红" in view.county_note()
    with pytest.raises(KeyError, match="known: key"):
        view.table("nope")
    spec = view.excel()
    assert list(spec.sheets) == list(SHEETS)
    assert spec.unit == "万元" and spec.money == ("on_track_level_wan",)
    for frame in spec.sheets.values():
        assert all(c in HEADERS for c in frame.columns)
    assert view.to_frame().equals(rep.regions.to_frame())


def test_view_headers_are_the_glossarys():
    # the key table reads 项目 / 数值; the backtest by month has month columns
    assert [HEADERS[c] for c in ("key_item", "value", "method")] == [
        "项目",
        "数值",
        "方法",
    ]
    assert HEADERS["mae_m11"] == "1—11月"
    assert all(HEADERS[c] == label for c, label in COLUMNS_ZH.items())


def test_view_json():
    data = _june_view().to_json()
    assert list(data) == [
        "headline",
        "refusal",
        "city",
        "regions",
        "skipped",
        "backtest",
    ]
    assert data["city"]["region"] == "甲" and data["regions"][0]["flag"]
    assert data["backtest"]["years"] == [2016, 2017, 2018, 2019, 2020]


def test_refused_view_says_why_in_every_table():
    bad = ForecastView(
        fc.forecast_for_dataset(
            _Dataset(demo_like(), n_errors=2), region="甲", year=2021, as_of="2021-06"
        )
    )
    assert bad.headline() == bad.refusal == bad.result.refusal
    assert bad.headline().startswith("固定资产投资月度累计有 2 个错误")
    assert bad.finding() == "blocked"
    for name in bad.TABLES:
        assert bad.table(name).df["note"].tolist() == [bad.refusal]
    assert HEADERS["note"] == "说明"
    sheets = bad.excel().sheets
    assert sheets["预测要点"].columns.tolist() == ["key_item", "value"]
    assert sheets["预测要点"].empty and sheets["逐月路径"].empty
    assert bad.method_note() == "" and bad.to_frame().empty
    data = bad.to_json()
    assert data["city"] is None and data["regions"] == [] and data["backtest"] is None


def test_december_view_states_the_year_per_county():
    df = december_frame()
    view = ForecastView(
        fc.prepare_forecast_report(
            df, "甲", year=2020, as_of="2020-12", target_growth_pct=11.0
        )
    )
    assert view.headline() == (
        "甲2020年全年（1—12月）固定资产投资增长12.0%，完成11%的目标，超出1.0个百分点。"
        "其余2个地区中1个完成目标，未完成的是丙。"
    )
    county = view.table("county")
    tab = county.df
    assert tab.columns.tolist() == [
        "region",
        "target_growth_pct",
        "outcome_growth_pct",
        "target_gap_pp",
        "result",
    ]
    assert [HEADERS[c] for c in tab.columns] == [
        "地区",
        "目标增长",
        "全年增长",
        "与目标差（百分点）",
        "结果",
    ]
    assert tab["region"].tolist() == ["丙", "甲", "乙"]
    assert tab["result"].tolist() == ["未达标", "达标", "达标"]
    assert tab["target_gap_pp"].tolist() == [-3.0, 1.0, 14.0]
    kw = county.kwargs()
    assert kw["status"] == ["result"] and "outcome_growth_pct" in kw["pct"]
    key = view.table("key").df.set_index("key_item")["value"]
    assert key["结果"] == "完成目标" and key["与目标差"] == "+1.0个百分点"
    assert not any("区间" in k or "概率" in k for k in key.index)
    assert "全年结果" in view.chart_note() and "全年结果" in view.county_note()
    assert view.table("path").df.columns.tolist() == [
        "period",
        "prev_year_growth_pct",
        "actual_growth_pct",
    ]
    assert not view.table("backtest").df.empty and "不再预测" in view.method_note()
    all_missed = ForecastView(
        fc.prepare_forecast_report(
            df, "甲", year=2020, as_of="2020-12", target_growth_pct=30.0
        )
    )
    assert all_missed.headline().endswith("其余2个地区均未完成各自目标。")


def test_the_index_finding_follows_the_chance_of_the_target():
    def finding(target):
        rep = fc.prepare_forecast_report(
            demo_like(), "甲", year=2021, as_of="2021-06", target_growth_pct=target
        )
        return ForecastView(rep).finding()

    # a target far below the pace is met, one far above it is missed
    assert finding(-50.0) == "met"
    assert finding(200.0) == "missed"


def test_the_forecasts_own_growth_for_the_remaining_months_sits_beside_the_required():
    # s(1+g) + (1-s)(1+r) = 1+T for the required r, and = 1+point for the
    # forecast's own r: so (own - required) / (point - target) is 1/(1-s), the
    # same whatever the target
    ratios = []
    for target in (10.0, 30.0):
        rep = fc.prepare_forecast_report(
            demo_like(), "甲", year=2021, as_of="2021-06", target_growth_pct=target
        )
        c = rep.city
        own, req = c.forecast_remaining_growth_pct, c.required_remaining_growth_pct
        ratios.append((own - req) / (c.point_growth_pct - target))
        text = ForecastView(rep).headline()
        verb = "只增长" if own < req else "可增长"
        assert (
            f"后6个月需比上年同期增长{format_pct(req)}，按预测{verb}{format_pct(own)}"
            in text
        )
        assert c.to_dict()["forecast_remaining_growth_pct"] == round(own, 2)
    assert ratios[0] == pytest.approx(ratios[1]) and ratios[0] > 1.0


def test_the_key_table_says_which_base_the_target_level_uses():
    from zjanalysis import io, paths

    ds = io.load_dataset(paths.PROJECT_ROOT / "data" / "demo")
    rep = fc.forecast_for_dataset(ds, region="湛江市", year=2021, as_of="2021-06")
    base = float(
        ds["targets"]
        .query("region == '湛江市' and year == 2021")["base_investment"]
        .iloc[0]
    )
    assert rep.targets_base_wan == base
    key = dict(ForecastView(rep).table("key").df.values.tolist())
    # the targets table's base x 1.2, by hand: 1,146.83亿 -> 1,376.19亿
    assert key["《年度目标》表上年完成投资"].startswith(
        f"{base / 1e4:,.2f}亿元（按此口径全年需完成{base * 1.2 / 1e4:,.2f}亿元"
    )
    level = rep.city.path["on_track_level_wan"].iloc[-1]
    assert key["达到20%目标全年需完成（统计可比口径）"] == (
        f"{level / 1e4:,.2f}亿元（隐含上年可比基数{level / 1.2 / 1e4:,.2f}亿元）"
    )


def test_only_data_errors_read_as_data_errors_on_the_index():
    # an as-of before the year, or a region the statistics lack, is missing data
    early = fc.prepare_forecast_report(demo_like(), "甲", year=2021, as_of="2020-06")
    unknown = fc.prepare_forecast_report(demo_like(), "乙", year=2021, as_of="2021-06")
    assert ForecastView(early).finding() == ForecastView(unknown).finding() == "no_data"
    bad = fc.forecast_for_dataset(
        _Dataset(demo_like(), n_errors=1), region="甲", year=2021, as_of="2021-06"
    )
    assert ForecastView(bad).finding() == "blocked"


def test_the_brief_gives_the_forecast_and_the_regions_unlikely_to_reach_it():
    from pathlib import Path

    from zjanalysis import io

    ds = io.load_dataset(Path(__file__).resolve().parents[1] / "data" / "demo")
    view = ForecastView(
        fc.forecast_for_dataset(ds, region="湛江市", year=2021, as_of="2021-06")
    )
    rep = view.result
    first, second = view.brief()
    assert first["label"] == "湛江市全年增长预测"
    assert first["text"] == forecast_sentence(rep.city)
    assert first["value"] == format_pct(rep.city.point_growth_pct)
    assert first["status"] == view.finding()
    # the counties flagged red (probability under 30%), least likely first, each
    # with its point forecast and probability
    frame = rep.regions.to_frame()
    red = frame[(frame["flag"] == "红") & (frame["region"] != "湛江市")]
    red = red.sort_values("p_reach_target")
    assert len(red) >= 2
    assert second["label"] == "达标概率低于30%的县（市、区）"
    named = [part.split("（")[0] for part in second["text"].split("）、")]
    assert named == red["region"].tolist()
    row = red.iloc[0]
    assert second["text"].startswith(
        f"{row.region}（预测{format_pct(row.point_growth_pct)}，"
        f"概率{row.p_reach_target * 100:.0f}%）"
    )
    # at 1—12月 the year's growth is an outcome, not a forecast
    (outcome,) = ForecastView(
        fc.forecast_for_dataset(ds, region="湛江市", year=2020, as_of="2020-12")
    ).brief()
    assert outcome["label"] == "湛江市全年增长"


def test_the_track_table_shows_each_months_forecast_in_words():
    view = _june_view()
    track = view.result.track
    df = view.table("track").df
    assert df["as_of_month"].tolist() == ["1—2月", "1—3月", "1—4月", "1—5月", "1—6月"]
    # probabilities in percent, rounded as printed; methods in Chinese
    assert df["p_reach_target"].tolist() == [
        round(p * 100, 1) + 0.0 for p in track["p_reach_target"]
    ]
    assert set(df["method"]) <= set(fc.METHOD_LABELS.values())
    assert "今年各月的预测" in view.excel().sheets
    refused = ForecastView(
        fc.prepare_forecast_report(demo_like(), "甲", year=2021, as_of="2020-06")
    )
    assert refused.result.track is None and refused.table("track").refused
