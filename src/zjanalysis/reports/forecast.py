"""What the forecast (report 10) shows: headline, tables, workbook, JSON, terminal text.

The numbers come from :func:`zjanalysis.forecast.prepare_forecast_report` (a
:class:`~zjanalysis.forecast.ForecastReport`); this module only words and lays
them out::

    view = ForecastView(result)
    report.headline(view.headline())
    report.table(view.table("county"))
    report.export_excel(view.excel(), "10-fai-forecast", output_dir)

The command line (``zjanalysis forecast``, ``zjanalysis backtest``) shows single
results with the functions below: :func:`forecast_sentence` and
:func:`forecast_text` for one region, :func:`regions_sentence`,
:func:`regions_text` and :func:`regions_json` for every region,
:func:`backtest_sentence`, :func:`backtest_text` and :func:`backtest_json` for
a backtest. The report's headline uses the same sentences.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from zjanalysis.forecast import (
    ASOF_MONTHS,
    BACKTEST_METHODS,
    METHOD_LABELS,
    BacktestResult,
    BlackBoxResult,
    ForecastReport,
    ForecastResult,
    RegionForecasts,
    flag_risk,
)
from zjanalysis.labels import format_pct, format_yi, month_label
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.tables import ExcelSpec, TableSpec
from zjanalysis.reports.view import AT_RISK, MET, MISSED, ReportView, brief_item

#: Columns of the report's tables shown as percentages.
PCT_COLUMNS: tuple[str, ...] = (
    "target_growth_pct",
    "ytd_growth_pct",
    "point_growth_pct",
    "lo80_pct",
    "hi80_pct",
    "required_remaining_growth_pct",
    "prev_year_growth_pct",
    "actual_growth_pct",
    "lo95_pct",
    "hi95_pct",
    "on_track_growth_pct",
    "p_reach_target",
    "outcome_growth_pct",
    "coverage_80",
    "coverage_95",
)
#: Columns of the report's tables holding money (万元).
MONEY_COLUMNS: tuple[str, ...] = ("on_track_level_wan",)
#: Columns whose values colour the cell: risk 红/黄/绿, result 达标/未达标.
STATUS_COLUMNS: tuple[str, ...] = ("flag", "result")
#: The backtest error by month has one column per as-of month (``mae_m2`` is
#: 1—2月) and one row per method, so it fits the page however long the names.
BY_MONTH_COLUMNS: dict[str, str] = {f"mae_m{m}": month_label(m) for m in ASOF_MONTHS}
#: Decimals that differ from the defaults: the Brier score, and the backtest
#: error by month.
DECIMALS: dict[str, int] = {"brier": 3, **{c: 2 for c in BY_MONTH_COLUMNS}}
#: Headers: the glossary, and the as-of months of the backtest error by month.
HEADERS: dict[str, str] = {**COLUMNS_ZH, **BY_MONTH_COLUMNS}
#: Workbook sheets, in order: sheet name -> table.
SHEETS: dict[str, str] = {
    "预测要点": "key",
    "逐月路径": "path",
    "各地区预测": "county",
    "方法回测": "backtest",
    "回测误差按月": "backtest_by_month",
    "今年各月的预测": "track",
}


class ForecastView(ReportView):
    """The year-end growth forecast as the office reads it.

    Parameters
    ----------
    result : zjanalysis.forecast.ForecastReport

    Notes
    -----
    Tables: ``key`` (the headline numbers), ``path`` (month by month),
    ``county`` (every region, riskiest first), ``backtest`` (each method's
    errors) and ``backtest_by_month``. When the report is refused, each table
    is one line that says why.
    """

    TABLES = tuple(SHEETS.values())
    result: ForecastReport

    def headline(self) -> str:
        """Return the one-sentence finding, or the reason there is none.

        At 1—12月 the other regions' results follow the headline region's.

        Examples
        --------
        See ``tests/test_reports_forecast.py``.
        """
        r = self.result
        if self.refusal:
            return self.refusal
        if r.is_outcome and r.regions is not None:
            return forecast_sentence(r.city) + self._others_outcome()
        return forecast_sentence(r.city)

    def finding(self) -> str:
        """Return the finding code: the headline region's risk flag.

        绿 (probability of the target at least 70%) met, 黄 at_risk, 红 missed;
        at 1—12月 met or missed by the year's result.
        """
        if self.refusal:
            return super().finding()
        p = self.result.city.p_reach_target
        if self.result.is_outcome:
            return MET if p >= 1.0 else MISSED
        return {"绿": MET, "黄": AT_RISK, "红": MISSED}[flag_risk(p)]

    BRIEF_LABEL = "全年增速预测"

    def _brief(self) -> list[dict[str, str]]:
        """The forecast and its probability; the counties unlikely to reach their target."""
        r = self.result
        city = r.city
        items = [
            brief_item(
                f"{city.region}全年增长" + ("" if city.is_outcome else "预测"),
                forecast_sentence(city),
                status=self.finding(),
                value=format_pct(city.point_growth_pct),
            )
        ]
        if r.regions is None or city.is_outcome:
            return items
        frame = r.regions.to_frame()
        red = frame.loc[(frame["flag"] == "红") & (frame["region"] != city.region)]
        if len(red):
            items.append(
                brief_item(
                    "达标概率低于30%的县（市、区）",
                    "、".join(
                        f"{row.region}（预测{format_pct(row.point_growth_pct)}，"
                        f"概率{row.p_reach_target * 100:.0f}%）"
                        for row in red.sort_values("p_reach_target").itertuples()
                    ),
                    status=MISSED,
                )
            )
        return items

    def _others_outcome(self) -> str:
        """One clause on the other regions' 1—12月 results ("" without any)."""
        city = self.result.city
        others = sorted(
            (
                r
                for name, r in self.result.regions.results.items()
                if name != city.region
            ),
            key=lambda r: r.gap_pp,
        )
        if not others:
            return ""
        missed = [r.region for r in others if r.p_reach_target < 1.0]
        n, k = len(others), len(others) - len(missed)
        if not missed:
            return f"其余{n}个地区均完成各自目标。"
        if k == 0:
            return f"其余{n}个地区均未完成各自目标。"
        return f"其余{n}个地区中{k}个完成目标，未完成的是{'、'.join(missed)}。"

    def chart_note(self) -> str:
        """Return the sentence that tells how to read the chart (Chinese)."""
        if self.result.is_outcome:
            return (
                "蓝线是今年各月公布的累计增速，1—12月即全年结果；灰线是上年同期；红线是目标。"
                "全年结果已公布，不再预测，图中没有预测区间。"
            )
        return (
            "蓝线是今年已公布的累计增速，灰线是上年同期；橙色虚线是预测，深浅两层阴影是80%和95%的"
            "可能范围；红线是目标，红色点线是要达到目标余下每个月累计增速至少应到的位置。"
            "本页用统计部门的全市固定资产投资；《重点项目月度通报》的累计完成投资是计划项目"
            "填报数之和，不含未列入年度计划的项目，两者口径不同。"
        )

    def county_note(self) -> str:
        """Return the sentence that tells how to read the county table (Chinese)."""
        if self.result.is_outcome:
            return (
                "1—12月已是全年结果：各地区按《年度目标》表中各自的目标（没有填报的按全市目标）"
                "判定是否完成，按与目标的差距从大到小排列。"
            )
        return (
            "各县（市、区）按《年度目标》表中各自的目标计算（没有填报的按全市目标）；"
            "达标概率低于30%标红、30%—70%标黄、70%以上标绿；"
            "“后几个月需增长”是余下月份需比上年同期增长多少才能达到目标。"
        )

    def method_note(self) -> str:
        """Return one sentence on the method chosen and the backtest behind it."""
        r = self.result
        if r.city is None:
            return ""
        bt = "" if r.backtest is None else backtest_sentence(r.backtest)
        if r.is_outcome:
            return (
                f"{r.city.year}年1—12月已是全年结果，本报告不再预测。"
                f"下表是各方法在往年按月预测的回测，说明年内各月的预测有多可信。{bt}"
            )
        return f"本次采用{METHOD_LABELS[r.city.method]}：{r.city.method_reason}。{bt}"

    def to_frame(self) -> pd.DataFrame:
        """Return every region's forecast, riskiest first (numbers as computed)."""
        regions = self.result.regions or RegionForecasts({}, {})
        return regions.to_frame()

    def table(self, name: str) -> TableSpec:
        """Return table ``name`` for the page (money in 亿元).

        Parameters
        ----------
        name : str
            One of :attr:`TABLES`: ``key``, ``path``, ``county``, ``backtest``,
            ``backtest_by_month``, ``track`` (the year's forecasts month by month).
        """
        self._check_table(name)
        df = self._frame(name)
        if self.refusal:
            # one readable line instead of an empty grid
            df = pd.DataFrame({"note": [self.refusal]})
        return TableSpec(
            df,
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            status=STATUS_COLUMNS,
            unit="亿元",
            decimals={c: d for c, d in DECIMALS.items() if c in df.columns},
            columns=HEADERS,
            refused=bool(self.refusal),
        )

    def excel(self) -> ExcelSpec:
        """Return the report's workbook: the five tables, money in 万元."""
        return ExcelSpec(
            {sheet: self._frame(name) for sheet, name in SHEETS.items()},
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            columns=HEADERS,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the report as plain data (English keys)."""
        r = self.result
        return {
            "headline": self.headline(),
            "refusal": self.refusal,
            "city": None if r.city is None else r.city.to_dict(),
            "regions": [] if r.regions is None else region_rows(r.regions),
            "skipped": {} if r.regions is None else r.regions.skipped,
            "backtest": None if r.backtest is None else backtest_json(r.backtest),
        }

    def _frame(self, name: str) -> pd.DataFrame:
        return {
            "key": self._key_frame,
            "path": self._path_frame,
            "county": self._county_frame,
            "backtest": self._backtest_frame,
            "backtest_by_month": self._backtest_by_month_frame,
            "track": self._track_frame,
        }[name]()

    def _track_frame(self) -> pd.DataFrame:
        """The year's forecasts month by month, each made with the data known then."""
        track = self.result.track
        if track is None or track.empty:
            return pd.DataFrame()
        return _tidy(
            track.assign(
                as_of_month=[month_label(m) for m in track["as_of_month"]],
                method=track["method"].map(METHOD_LABELS),
                p_reach_target=track["p_reach_target"] * 100.0,
            )
        )

    def _key_frame(self) -> pd.DataFrame:
        """The headline numbers as two columns: key_item, value (both text)."""
        r = self.result.city
        cols = ["key_item", "value"]
        if r is None:
            return pd.DataFrame(columns=cols)
        if r.is_outcome:
            prev = r.path["prev_year_growth_pct"].iloc[-1]
            rows = [
                ("全年（1—12月）增长", format_pct(r.point_growth_pct)),
                ("目标", f"{r.target_growth_pct:g}%"),
                ("结果", "完成目标" if r.p_reach_target >= 1.0 else "未完成目标"),
                ("与目标差", f"{round(r.gap_pp, 1) + 0.0:+.1f}个百分点"),
                (f"{r.year - 1}年全年增长", format_pct(prev)),
                ("说明", "1—12月已是全年结果，不再预测：没有预测区间和达标概率"),
            ]
            return pd.DataFrame(rows, columns=cols)
        req = r.required_remaining_growth_pct
        lo80, hi80 = r.interval_80_pct
        lo95, hi95 = r.interval_95_pct
        rows = [
            ("预测方法", f"{METHOD_LABELS[r.method]}（{r.method_reason}）"),
            (f"{month_label(r.as_of_month)}累计增长", format_pct(r.ytd_growth_pct)),
            ("全年增长预测", format_pct(r.point_growth_pct)),
            ("80%区间", f"{format_pct(lo80)}—{format_pct(hi80)}"),
            ("95%区间", f"{format_pct(lo95)}—{format_pct(hi95)}"),
            (
                f"达到{r.target_growth_pct:g}%目标的概率",
                f"{r.p_reach_target * 100:.0f}%",
            ),
            (
                f"后{12 - r.as_of_month}个月需比上年同期增长",
                format_pct(req) if np.isfinite(req) else "—（缺少上年累计投资额）",
            ),
            (
                f"按预测后{12 - r.as_of_month}个月比上年同期增长",
                format_pct(r.forecast_remaining_growth_pct)
                if np.isfinite(r.forecast_remaining_growth_pct)
                else "—（缺少上年累计投资额）",
            ),
            ("基数与走势", _regime_text(r)),
            ("用于校准区间的历史年数", str(r.n_calibration_years)),
            *self._target_level_rows(),
        ]
        return pd.DataFrame(rows, columns=cols)

    def _target_level_rows(self) -> list[tuple[str, str]]:
        """Say which base the target level uses, beside the targets table's base.

        The path's 达标所需累计投资 scales this year's published level by the
        comparable growth (the statistics restate last year's base); the targets
        table states last year's completed investment as reported then.
        """
        r = self.result.city
        target = r.target_growth_pct
        level = r.path["on_track_level_wan"].iloc[-1] if len(r.path) else math.nan
        rows = []
        if np.isfinite(level):
            rows.append(
                (
                    f"达到{target:g}%目标全年需完成（统计可比口径）",
                    f"{format_yi(level)}（隐含上年可比基数{format_yi(level / (1 + target / 100))}）",
                )
            )
        base = self.result.targets_base_wan
        if np.isfinite(base):
            rows.append(
                (
                    "《年度目标》表上年完成投资",
                    f"{format_yi(base)}（按此口径全年需完成{format_yi(base * (1 + target / 100))}；"
                    "统计部门重算上年基数后两者不同，以统计可比口径为准）",
                )
            )
        return rows

    def _path_frame(self) -> pd.DataFrame:
        """The monthly path; at 1—12月 only the two years' published growth."""
        if self.result.city is None:
            return pd.DataFrame()
        frame = self.result.city.to_frame().drop(columns=["month"])
        if self.result.is_outcome:
            frame = frame[["period", "prev_year_growth_pct", "actual_growth_pct"]]
        return _tidy(frame)

    def _county_frame(self) -> pd.DataFrame:
        """The regions sorted by risk (at 1—12月: by the gap to the target)."""
        if self.result.regions is None:
            return pd.DataFrame()
        tab = self.result.regions.to_frame()
        if self.result.is_outcome:
            out = pd.DataFrame(
                {
                    "region": tab["region"],
                    "target_growth_pct": tab["target_growth_pct"],
                    "outcome_growth_pct": tab["point_growth_pct"],
                    "target_gap_pp": tab["point_growth_pct"] - tab["target_growth_pct"],
                    "result": tab["flag"],
                }
            ).sort_values(["target_gap_pp", "region"], kind="stable")
            out = out.assign(target_gap_pp=out["target_gap_pp"].round(1) + 0.0)
            return _tidy(out).reset_index(drop=True)
        tab = tab.assign(
            method=tab["method"].map(METHOD_LABELS),
            p_reach_target=tab["p_reach_target"] * 100.0,
        )
        return _tidy(tab)

    def _backtest_frame(self) -> pd.DataFrame:
        """Each method's backtest over all as-of months, coverage in percent."""
        if self.result.backtest is None:
            return pd.DataFrame()
        tab = self.result.backtest.method_table()
        return tab.assign(
            method=tab["method"].map(METHOD_LABELS),
            coverage_80=tab["coverage_80"] * 100.0,
            coverage_95=tab["coverage_95"] * 100.0,
        )

    def _backtest_by_month_frame(self) -> pd.DataFrame:
        """MAE (pp) by method (rows, ``auto`` first) and as-of month (columns)."""
        bt = self.result.backtest
        if bt is None or bt.records.empty:
            return pd.DataFrame()
        wide = bt.to_frame().pivot(
            index="method", columns="as_of_month", values="mae_pp"
        )
        wide = wide.loc[[m for m in BACKTEST_METHODS if m in wide.index]]
        wide.columns = [f"mae_m{int(m)}" for m in wide.columns]
        wide.index = wide.index.map(METHOD_LABELS)
        wide.index.name = "method"
        return wide.reset_index()


def _regime_text(r: ForecastResult) -> str:
    """How the forecast read the base year and this year (the key table)."""
    parts = []
    if r.stack_depth > 1:
        first, last = r.base_year + 1, r.year - 1
        years = f"{first}年" if first == last else f"{first}—{last}年"
        parts.append(f"{years}走势异常（基数效应），增速叠加到{r.base_year}年")
    elif r.base_abnormal:
        parts.append("上年走势异常（基数效应）")
    if r.regime == "shock":
        parts.append("今年增速较上年突变，按冲击处理")
    if not parts:
        return "正常"
    return "；".join(parts) + "；区间已放宽"


def _tidy(frame: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """Round percent columns to what the report shows, without a "-0.0"."""
    cols = [
        c for c in frame.columns if str(c).endswith("_pct") or c == "p_reach_target"
    ]
    return frame.assign(
        **{c: frame[c].astype(float).round(decimals) + 0.0 for c in cols}
    )


# --- one region ----------------------------------------------------------------------


def forecast_sentence(result: ForecastResult) -> str:
    """Return the one-sentence finding of one region's forecast (Chinese).

    Parameters
    ----------
    result : zjanalysis.forecast.ForecastResult

    Returns
    -------
    str
        Like 湛江市按1—6月数据预测，全年增长约18.2%（80%区间15.0%—21.4%），
        达到20%目标的概率约25%；后6个月需比上年同期增长24.5%。 At 1—12月
        the year's result: 湛江市2020年全年（1—12月）固定资产投资增长7.5%，
        未完成20%的目标，比目标低12.5个百分点。

    Examples
    --------
    See ``tests/test_reports_forecast.py``.
    """
    if result.is_outcome:
        return _outcome_sentence(result)
    lo, hi = result.interval_80_pct
    tail = ""
    if np.isfinite(result.required_remaining_growth_pct):
        tail = (
            f"；后{12 - result.as_of_month}个月需比上年同期增长"
            f"{format_pct(result.required_remaining_growth_pct)}"
        )
        own = result.forecast_remaining_growth_pct
        if np.isfinite(own):
            tail += (
                f"，按预测只增长{format_pct(own)}"
                if own < result.required_remaining_growth_pct
                else f"，按预测可增长{format_pct(own)}"
            )
    elif not result.has_levels:
        tail = (
            f"；缺少上年各月累计投资额，无法算出后{12 - result.as_of_month}个月"
            "需比上年同期增长多少"
        )
    target = f"{result.target_growth_pct:g}%"
    early = "1—2月是最早的数据，区间最宽，仅供参考。" if result.as_of_month == 2 else ""
    return (
        f"{result.region}按{month_label(result.as_of_month)}数据预测，全年增长约"
        f"{format_pct(result.point_growth_pct)}（80%区间{format_pct(lo)}—"
        f"{format_pct(hi)}），达到{target}目标的概率约"
        f"{result.p_reach_target * 100:.0f}%{tail}。{early}"
    )


def _outcome_sentence(result: ForecastResult) -> str:
    """Say the year's published outcome against the target (Chinese)."""
    target = f"{result.target_growth_pct:g}%"
    gap = round(result.gap_pp, 1) + 0.0
    if result.p_reach_target >= 1.0:
        verdict = (
            f"完成{target}的目标，超出{gap:.1f}个百分点"
            if gap > 0
            else f"恰好完成{target}的目标"
        )
    else:
        verdict = f"未完成{target}的目标，比目标低{-gap:.1f}个百分点"
    return (
        f"{result.region}{result.year}年全年（1—12月）固定资产投资增长"
        f"{format_pct(result.point_growth_pct)}，{verdict}。"
    )


def forecast_text(result: ForecastResult) -> str:
    """Return one region's forecast as plain Chinese lines for the terminal.

    The sentence, then the method, the 95% interval and the error scale, then
    every method's forecast with its backtest error.
    """
    if result.is_outcome:
        return (
            forecast_sentence(result)
            + "\n\n1—12月已是全年结果，不再预测（没有预测区间和达标概率）。"
        )
    lo95, hi95 = result.interval_95_pct
    lines = [
        forecast_sentence(result),
        "",
        f"方法：{METHOD_LABELS[result.method]}（{result.method_reason}）",
        f"1—{result.as_of_month}月累计增长 {format_pct(result.ytd_growth_pct)}；"
        f"95%区间 {format_pct(lo95)}—{format_pct(hi95)}；"
        f"误差尺度 {result.sigma_pp:.2f} 个百分点（{result.n_calibration_years} 年回测校准"
        + ("，上年走势异常已放宽区间" if result.base_abnormal else "")
        + "）",
        "",
        "各方法全年预测（回测平均绝对误差）：",
    ]
    for r in result.methods.itertuples(index=False):
        mae = "—" if math.isnan(r.backtest_mae_pp) else f"{r.backtest_mae_pp:.2f}"
        lines.append(
            f"  {METHOD_LABELS[r.method]}: {format_pct(r.point_growth_pct)}（误差 {mae}）"
        )
    return "\n".join(lines)


# --- every region ----------------------------------------------------------------------


def regions_sentence(regions: RegionForecasts) -> str:
    """Count the regions by flag in one Chinese sentence.

    Examples
    --------
    See ``tests/test_reports_forecast.py``.
    """
    tab = regions.to_frame()
    counts = tab["flag"].value_counts()
    if regions.is_outcome:
        missed = "、".join(tab.loc[tab["flag"] == "未达标", "region"])
        text = (
            f"{len(tab)}个地区中，{counts.get('达标', 0)}个完成目标，"
            f"{counts.get('未达标', 0)}个未完成"
        )
        return text + (f"（{missed}）。" if missed else "。")
    red = "、".join(tab.loc[tab["flag"] == "红", "region"])
    text = (
        f"{len(tab)}个地区中，{counts.get('绿', 0)}个有望完成目标，"
        f"{counts.get('黄', 0)}个有风险，{counts.get('红', 0)}个难以完成"
    )
    return text + (f"（{red}）。" if red else "。")


def regions_text(regions: RegionForecasts) -> str:
    """Return every region's forecast as plain lines, riskiest first."""
    lines = [regions_sentence(regions), ""]
    for r in regions.to_frame().itertuples(index=False):
        if r.flag in ("达标", "未达标"):
            lines.append(
                f"[{r.flag}] {r.region}：全年增长 {format_pct(r.point_growth_pct)}，"
                f"目标 {r.target_growth_pct:g}%，"
                f"差 {round(r.point_growth_pct - r.target_growth_pct, 1) + 0.0:+.1f} 个百分点"
            )
            continue
        req = r.required_remaining_growth_pct
        lines.append(
            f"[{r.flag}] {r.region}：预测 {format_pct(r.point_growth_pct)}"
            f"（80%区间 {format_pct(r.lo80_pct)}—{format_pct(r.hi80_pct)}），"
            f"达标概率 {r.p_reach_target * 100:.0f}%，后几个月需增长 {format_pct(req)}"
        )
    for region, why in regions.skipped.items():
        lines.append(f"[未预测] {region}：{why}")
    return "\n".join(lines)


def region_rows(regions: RegionForecasts) -> list[dict[str, object]]:
    """Return each region's headline numbers and flag, riskiest first."""
    tab = regions.to_frame()
    return [
        regions.results[r].to_dict() | {"flag": f}
        for r, f in zip(tab["region"], tab["flag"], strict=True)
    ]


def regions_json(
    regions: RegionForecasts,
    *,
    year: int,
    as_of_month: int,
    target_growth_pct: float,
) -> dict[str, object]:
    """Return every region's forecast as plain data (``--all-regions --json``)."""
    return {
        "year": year,
        "as_of_month": as_of_month,
        "target_growth_pct": target_growth_pct,
        "regions": region_rows(regions),
        "skipped": regions.skipped,
    }


# --- the backtest -------------------------------------------------------------------------


def backtest_sentence(result: BacktestResult) -> str:
    """Describe a backtest in one Chinese sentence: ``auto`` (what the report uses) first.

    Examples
    --------
    See ``tests/test_reports_forecast.py``.
    """
    best = result.best_method()
    if best is None:
        return f"{result.region}历史数据不足，无法回测。"
    tab = result.method_table().set_index("method")
    ytd = tab.loc["ytd", "mae_pp"] if "ytd" in tab.index else math.nan
    span = f"{result.region}{min(result.years)}—{max(result.years)}年回测"
    if "auto" in tab.index:
        auto = tab.loc["auto"]
        return (
            f"{span}（逐年只用当年以前的数据）：本报告所用的自动选择平均绝对误差"
            f"{auto['mae_pp']:.2f}个百分点（现行做法{ytd:.2f}个百分点），"
            f"80%区间实际覆盖{auto['coverage_80'] * 100:.0f}%；"
            f"单一方法中误差最小的是{METHOD_LABELS[best]}"
            f"（{tab.loc[best, 'mae_pp']:.2f}个百分点）。"
        )
    return (
        f"{span}：误差最小的是"
        f"{METHOD_LABELS[best]}，平均绝对误差{tab.loc[best, 'mae_pp']:.2f}个百分点"
        f"（现行做法{ytd:.2f}个百分点），80%区间实际覆盖"
        f"{tab.loc[best, 'coverage_80'] * 100:.0f}%。"
    )


def backtest_text(result: BacktestResult) -> str:
    """Return a backtest as plain lines: the by-method table, then MAE by month."""
    lines = [
        backtest_sentence(result),
        "",
        "方法            平均绝对误差  80%覆盖  95%覆盖  Brier",
    ]
    for r in result.method_table().itertuples(index=False):
        lines.append(
            f"{r.method:<14}  {r.mae_pp:>10.2f}  {r.coverage_80 * 100:>6.0f}%  "
            f"{r.coverage_95 * 100:>6.0f}%  {r.brier:.3f}"
        )
    wide = result.to_frame().pivot(
        index="as_of_month", columns="method", values="mae_pp"
    )
    wide = wide[[m for m in BACKTEST_METHODS if m in wide.columns]]
    lines += ["", "按截止月份的平均绝对误差（百分点）：", wide.round(2).to_string()]
    return "\n".join(lines)


def backtest_json(result: BacktestResult) -> dict[str, object]:
    """Return a backtest as plain data (``zjanalysis backtest --json``)."""
    return {
        "region": result.region,
        "years": list(result.years),
        "best_method": result.best_method(),
        "methods": result.method_table(),
        "records": result.to_frame(),
    }


# --- the black-box evaluation ------------------------------------------------------------


def black_box_text(result: BlackBoxResult) -> str:
    """Return the corpus evaluation as the table the README quotes (plain text)."""
    tab = result.summary()
    rec = result.records
    lines = [
        f"黑箱评估：{rec['region'].nunique()}个序列，{rec['year'].min()}—{rec['year'].max()}年，"
        f"截止1—2月至1—11月，共{len(rec)}次预测（每次只用该序列截止当月的数据，只用增速）",
        "",
        "| 年份 | 次数 | MAE auto (pp) | MAE 累计增速延续 (pp) | 比值 | 80%覆盖 | 95%覆盖 "
        f"| Brier P(≥{result.threshold_pct:g}%) | Brier 延续法阶跃 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in tab.itertuples(index=False):
        lines.append(
            f"| {r.group} | {r.n} | {r.mae_pp:.2f} | {r.naive_mae_pp:.2f} | "
            f"{r.mae_ratio:.2f}× | {r.coverage_80:.2f} | {r.coverage_95:.2f} | "
            f"{r.brier:.3f} | {r.naive_brier:.3f} |"
        )
    return "\n".join(lines)


def black_box_json(result: BlackBoxResult) -> dict[str, object]:
    """Return the corpus evaluation as plain data (``backtest --corpus --json``)."""
    return {
        "threshold_pct": result.threshold_pct,
        "shock_years": list(result.shock_years),
        "summary": result.summary(),
        "n_series": int(result.records["region"].nunique()),
        "n_forecasts": len(result.records),
    }
