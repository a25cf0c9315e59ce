"""What the gap-closing report (report 60) shows: headline, tables, workbook, JSON.

The numbers come from :func:`zjanalysis.gap.gap_for_dataset` (a
:class:`~zjanalysis.gap.GapResult`); this module only words and lays them out::

    view = GapView(result)
    report.headline(view.headline(), finding=view.finding())
    report.table(view.table("by_county"))
    report.export_excel(view.excel(), "60-gap-closing", output_dir)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from zjanalysis import labels
from zjanalysis.gap import (
    ASSESSMENTS,
    SOURCE_KEY,
    SOURCE_RELEASE,
    SOURCE_SOE,
    SOURCE_START,
    STATUS_SHORT,
    GapChange,
    GapResult,
)
from zjanalysis.reports.tables import ExcelSpec, TableSpec, readable
from zjanalysis.reports.view import (
    AT_RISK,
    ATTENTION,
    INFO,
    MET,
    MISSED,
    ReportView,
    brief_item,
)

#: Money columns (万元 in the frames) and percentage columns of the tables.
MONEY_COLUMNS: tuple[str, ...] = (
    "target_level_wan",
    "ytd_level_wan",
    "required_remaining_wan",
    "forecast_remaining_wan",
    "forecast_remaining_lo80_wan",
    "forecast_remaining_hi80_wan",
    "investment_gap_wan",
    "release_wan",
    "start_wan",
    "catch_up_wan",
    "sources_wan",
    "uncovered_wan",
    "amount_wan",
    "plan_investment",
    "total_investment",
    "completed_wan",
    "expected_wan",
    "ytd_completed",
    "ytd_expected",
    "behind_wan",
    "counted_wan",
    "gap_before_wan",
    "gap_now_wan",
)
PCT_COLUMNS: tuple[str, ...] = (
    "target_growth_pct",
    "point_growth_pct",
    "p_reach_target",
)
#: Tables shown in 亿元 (totals); the project and unit lists stay in 万元.
_YI_TABLES = ("by_county", "sources")
#: Workbook sheets, in order: sheet name -> table.
SHEETS: dict[str, str] = {
    "缺口与来源": "by_county",
    "补缺来源": "sources",
    "责任单位行动": "actions",
    "来源项目清单": "source_projects",
    "国有企业": "soe_sources",
}
#: Rows of the source-project list shown on the page (the workbook has all).
PAGE_PROJECTS = 20
#: The columns the page shows of the wide tables (the workbook has every column).
PAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "by_county": (
        "county",
        "point_growth_pct",
        "p_reach_target",
        "required_remaining_wan",
        "forecast_remaining_wan",
        "investment_gap_wan",
        "sources_wan",
        "uncovered_wan",
        "status",
    ),
    "source_projects": (
        "gap_source",
        "unit",
        "project_id",
        "name",
        "county",
        "planned_start",
        "months_left",
        "amount_wan",
    ),
}


def yi(amount_wan: float) -> str:
    """Return an amount in 亿元 with its unit, — when unknown.

    Examples
    --------
    >>> yi(273143.1), yi(float("nan"))
    ('27.31亿元', '—')
    """
    if amount_wan is None or not np.isfinite(amount_wan):
        return "—"
    return labels.format_yi(amount_wan)


class GapView(ReportView):
    """The gap-closing analysis as a city leader reads it.

    Parameters
    ----------
    result : zjanalysis.gap.GapResult
    """

    TABLES = ("city", *SHEETS.values())
    result: GapResult

    # --- the finding -----------------------------------------------------------------

    def headline(self) -> str:
        """Return the one-sentence finding in Chinese.

        Examples
        --------
        See ``tests/test_gap.py``.
        """
        r = self.result
        if self.refusal:
            return self.refusal
        target = f"{r.target_growth_pct:g}%"
        if r.is_outcome:
            reached = round(r.outcome_growth_pct, 1) >= round(r.target_growth_pct, 1)
            return (
                f"{r.year}年已结束（1—12月）：全年增长"
                f"{labels.format_pct(r.outcome_growth_pct)}，"
                f"{'达到' if reached else '未达到'}{target}目标；没有剩余月份可补缺。"
            )
        c = r.city
        head = (
            f"{self.period_zh}：余下{r.months_left}个月需完成投资"
            f"{yi(c.required_remaining_wan)}，按当前走势可完成"
            f"{yi(c.forecast_remaining_wan)}（全年增长约"
            f"{labels.format_pct(c.point_growth_pct)}）"
        )
        sources = yi(r.sources_total_wan)
        soe_note = "（国有企业来源数据不足，未计入）" if r.soe_note else ""
        if c.gap_wan <= 0:
            body = (
                f"，已达到{target}目标所需（多{yi(-c.gap_wan)}），目标可望实现；"
                f"已查明的补缺来源{sources}{soe_note}作为余量"
            )
        elif r.uncovered_wan > 1e-6:
            body = (
                f"，缺口{yi(c.gap_wan)}；已查明的补缺来源{sources}{soe_note}，"
                f"仍有{yi(r.uncovered_wan)}没有来源"
            )
        else:
            body = (
                f"，缺口{yi(c.gap_wan)}；已查明的补缺来源{sources}{soe_note}足以覆盖，"
                "须按责任单位落实"
            )
        return f"{head}{body}{self._county_clause()}。"

    def _county_clause(self) -> str:
        bc = self.result.by_county
        short = bc.loc[bc["status"] == STATUS_SHORT]
        parts = []
        if len(short):
            named = "、".join(
                f"{c}（缺{yi(u)}）"
                for c, u in zip(short["county"], short["uncovered_wan"], strict=True)
            )
            parts.append(f"补缺来源不足的县（市、区）：{named}")
        unknown = bc.loc[bc["investment_gap_wan"].isna(), "county"].tolist()
        if unknown:
            parts.append(f"数据不足无法测算：{'、'.join(unknown)}")
        return "；" + "；".join(parts) if parts else ""

    def finding(self) -> str:
        """Return the finding code: met (within reach), at_risk (sources cover the
        gap if the units act), missed (sources short)."""
        r = self.result
        if self.refusal:
            return super().finding()
        if r.is_outcome:
            reached = round(r.outcome_growth_pct, 1) >= round(r.target_growth_pct, 1)
            return MET if reached else MISSED
        if r.city.gap_wan <= 0:
            return MET
        return MISSED if r.uncovered_wan > 1e-6 else AT_RISK

    BRIEF_LABEL = "缺口与补缺"

    def _brief(self) -> list[dict[str, str]]:
        """The gap, its largest sources, the counties short of sources, who acts first.

        Examples
        --------
        See ``tests/test_gap.py``.
        """
        r = self.result
        if r.is_outcome:
            return [
                brief_item(self.BRIEF_LABEL, self.headline(), status=self.finding())
            ]
        c = r.city
        items = [
            brief_item(
                f"达到{r.target_growth_pct:g}%目标的缺口",
                f"余下{r.months_left}个月需完成{yi(c.required_remaining_wan)}，"
                f"按当前走势可完成{yi(c.forecast_remaining_wan)}",
                status=self.finding(),
                value=yi(c.gap_wan) if c.gap_wan > 0 else "无缺口",
            )
        ]
        known = r.sources.dropna(subset=["amount_wan"])
        top = known.loc[known["amount_wan"] > 0].sort_values(
            "amount_wan", ascending=False, kind="stable"
        )
        if len(top):
            items.append(
                brief_item(
                    "最大的补缺来源" if c.gap_wan > 0 else "补缺来源（余量）",
                    "、".join(
                        f"{s}{yi(a)}"
                        for s, a in zip(
                            top["gap_source"].head(2),
                            top["amount_wan"].head(2),
                            strict=True,
                        )
                    ),
                    status=INFO,
                    value=yi(r.sources_total_wan),
                )
            )
        short = r.by_county.loc[r.by_county["status"] == STATUS_SHORT]
        if len(short):
            items.append(
                brief_item(
                    "补缺来源不足的县（市、区）",
                    "、".join(
                        f"{n}（缺{yi(u)}）"
                        for n, u in zip(
                            short["county"], short["uncovered_wan"], strict=True
                        )
                    ),
                    status=MISSED,
                )
            )
        if c.gap_wan > 0 and len(r.actions):
            first = r.actions.head(3)
            items.append(
                brief_item(
                    "须先行动的单位",
                    "、".join(
                        f"{u}{yi(a)}（纪要{k}）"
                        for u, a, k in zip(
                            first["unit"],
                            first["amount_wan"],
                            first["clause"],
                            strict=True,
                        )
                    ),
                    status=ATTENTION,
                )
            )
        return items

    # --- notes -----------------------------------------------------------------------

    def base_note(self) -> str:
        """Say which base the target level uses (the forecast's), beside the targets table's."""
        r = self.result
        if self.refusal or r.is_outcome:
            return ""
        c = r.city
        text = (
            f"全年目标投资按《全年增速预测》的统计可比口径：上年可比基数{yi(c.base_wan)}"
            f" ×（1+{r.target_growth_pct:g}%）= {yi(c.target_level_wan)}；"
            f"{self.period_zh}已完成{yi(c.ytd_wan)}（统计部门累计数）。"
        )
        if np.isfinite(r.targets_base_wan):
            text += (
                f"《年度目标》表的上年完成投资为{yi(r.targets_base_wan)}，统计部门重算上年"
                "基数后两者不同，缺口以统计可比口径为准（与预测页一致）。"
            )
        return text

    def rule_note(self) -> str:
        """Describe in Chinese how each source is counted and their precedence."""
        if self.refusal or self.result.is_outcome:
            return ""
        m = self.result.month
        return (
            "每个项目只计入一类来源，顺序为：成熟项目下达 → 已列入计划未开工 → 重点项目追赶 → "
            "国有企业追赶（前一类已计入的项目不再计入后一类）。"
            f"未开工项目年内还能完成的投资：最早从计划开工月份与{m + 1}月中较晚者开工；"
            "有年度计划投资的，按计划开工月份到12月平均分摊、误掉的月份不再补回；"
            "没有年度计划投资的，总投资按开工到计划竣工的月数平均分摊，只计本年的月份；"
            "没有计划竣工时间的无法估算，不计入（清单中注明）。"
            "重点项目追赶额 = 年度计划 × 所在县（市、区）应完成进度 − 已完成，不超过计划未完成部分。"
            "国有企业追赶额 = 按进度应完成 − 已完成，不超过计划未完成部分，扣除其项目已计入前三类的金额；"
            "没有项目可跟踪的计划不计入。全年计划的其余部分已包含在当前走势中，不作为来源。"
        )

    def county_note(self) -> str:
        """Explain the county table: own forecast, own target, what 市直 is."""
        if self.refusal or self.result.is_outcome:
            return ""
        return (
            "各县（市、区）按各自的统计数据和《年度目标》表的目标单独预测，缺口与来源各自计算；"
            "市直项目和国有企业只计入全市。各县缺口之和与全市缺口不相等（各自预测）。"
            f"状态：绿 = {ASSESSMENTS['绿']}，黄 = {ASSESSMENTS['黄']}，"
            f"红 = {ASSESSMENTS['红']}；数据不足的县不以0计。"
        )

    # --- tables ----------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Return the county table (English columns, numbers as computed)."""
        return self.result.by_county

    def _city_frame(self) -> pd.DataFrame:
        r = self.result
        cols = ["metric", "value"]
        if self.refusal or r.is_outcome:
            return pd.DataFrame(columns=cols)
        c = r.city
        lo, hi = c.forecast_remaining_80_wan
        rows = [
            ("全年增长目标", labels.format_pct(r.target_growth_pct)),
            ("全年目标投资（统计可比口径）", yi(c.target_level_wan)),
            (f"{self.period_zh}已完成投资", yi(c.ytd_wan)),
            (f"余下{r.months_left}个月需完成", yi(c.required_remaining_wan)),
            (
                "按当前走势可完成",
                f"{yi(c.forecast_remaining_wan)}（80%区间{yi(lo)}—{yi(hi)}；"
                f"全年增长约{labels.format_pct(c.point_growth_pct)}，"
                f"达标概率{c.p_reach_target * 100:.0f}%）",
            ),
            (
                "缺口（需完成−可完成）",
                yi(c.gap_wan)
                if c.gap_wan > 0
                else f"无缺口（比所需多{yi(-c.gap_wan)}）",
            ),
            ("已查明的补缺来源合计", yi(r.sources_total_wan)),
            (
                "来源未覆盖的缺口",
                yi(r.uncovered_wan) if c.gap_wan > 0 else "—（无缺口，来源为余量）",
            ),
        ]
        return pd.DataFrame(rows, columns=cols)

    def _frame(self, name: str) -> pd.DataFrame:
        r = self.result
        if name == "city":
            return self._city_frame()
        if name == "by_county":
            df = r.by_county.drop(
                columns=[
                    "flag",
                    "target_level_wan",
                    "ytd_level_wan",
                    "forecast_remaining_lo80_wan",
                    "forecast_remaining_hi80_wan",
                ],
                errors="ignore",
            ).assign(p_reach_target=lambda d: d["p_reach_target"] * 100.0)
        elif name == "sources":
            df = r.sources.copy()
        elif name == "actions":
            df = r.actions.drop(columns=["gap_source"])
        elif name == "source_projects":
            df = r.source_projects.drop(columns=["soe_name"])
        else:
            df = r.soe_sources
        return readable(df)

    def table(self, name: str, *, page: bool = True) -> TableSpec:
        """Return table ``name`` for the page.

        Parameters
        ----------
        name : str
            ``city`` (key figures), ``by_county`` and ``sources`` (亿元),
            ``actions``, ``source_projects``, ``soe_sources`` (万元).
        page : bool, default True
            The page shows the :data:`PAGE_PROJECTS` largest source projects;
            False gives them all.
        """
        self._check_table(name)
        df = self._frame(name)
        caption = self.refusal or (None if len(df) else "（无）")
        if name == "source_projects" and page:
            counted = df.loc[df["amount_wan"] > 0]
            if len(counted) > PAGE_PROJECTS:
                caption = (
                    f"按可补投资列出最大的{PAGE_PROJECTS}个项目（共{len(counted)}个；"
                    "完整清单及未计入的项目和原因见Excel附表）"
                )
            df = (
                counted.sort_values("amount_wan", ascending=False, kind="stable")
                .head(PAGE_PROJECTS)
                .reset_index(drop=True)
            )
        if page and name in PAGE_COLUMNS:
            df = df[[c for c in PAGE_COLUMNS[name] if c in df.columns]]
        if name == "sources" and not self.refusal and self.result.soe_note:
            caption = f"国有企业来源未计入：{self.result.soe_note}"
        return TableSpec(
            df,
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            status=("status",),
            unit="亿元" if name in _YI_TABLES else "万元",
            caption=caption,
            refused=bool(self.refusal),
            plain=("start_month", "months_left"),
        )

    def excel(self) -> ExcelSpec:
        """Return the workbook: county gaps, sources, actions, projects, SOEs (万元)."""
        sheets = {sheet: self._frame(name) for sheet, name in SHEETS.items()}
        return ExcelSpec(
            sheets,
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            plain=("start_month", "months_left"),
        )

    # --- JSON ------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Return the analysis as plain data (English keys) for ``--json``.

        ``city`` and each ``by_county`` entry: ``required_remaining_wan``,
        ``forecast_remaining_wan``, ``forecast_remaining_80_wan`` [lo, hi],
        ``gap_wan`` (required − forecast); ``sources`` [{``source``,
        ``amount_wan``, ``n_projects``}]; ``actions`` [{``unit``, ``action``,
        ``amount_wan``, ``clause``}]. Money in 万元; null when unknown.
        """
        r = self.result
        city = None
        if r.city is not None:
            c = r.city
            city = {
                "region": c.region,
                "target_growth_pct": c.target_growth_pct,
                "point_growth_pct": c.point_growth_pct,
                "p_reach_target": c.p_reach_target,
                "target_level_wan": c.target_level_wan,
                "ytd_wan": c.ytd_wan,
                "required_remaining_wan": c.required_remaining_wan,
                "forecast_remaining_wan": c.forecast_remaining_wan,
                "forecast_remaining_80_wan": list(c.forecast_remaining_80_wan),
                "gap_wan": c.gap_wan,
                "sources_wan": r.sources_total_wan,
                "uncovered_wan": r.uncovered_wan,
                "status": r.status,
            }
        by_county = [
            {
                "county": row["county"],
                "target_growth_pct": row["target_growth_pct"],
                "point_growth_pct": row["point_growth_pct"],
                "required_remaining_wan": row["required_remaining_wan"],
                "forecast_remaining_wan": row["forecast_remaining_wan"],
                "forecast_remaining_80_wan": [
                    row["forecast_remaining_lo80_wan"],
                    row["forecast_remaining_hi80_wan"],
                ],
                "gap_wan": row["investment_gap_wan"],
                "sources_wan": row["sources_wan"],
                "uncovered_wan": row["uncovered_wan"],
                "status": row["status"],
            }
            for row in r.by_county.to_dict(orient="records")
        ]
        return {
            "year": r.year,
            "as_of": r.as_of,
            "month": r.month,
            "target_growth_pct": r.target_growth_pct,
            "headline": self.headline(),
            "refusal": self.refusal,
            "outcome_known": r.is_outcome,
            "city": city,
            "by_county": by_county,
            "sources": [
                {
                    "source": s["gap_source"],
                    "amount_wan": s["amount_wan"],
                    "n_projects": s["n_projects"],
                    "clause": s["clause"],
                }
                for s in r.sources.to_dict(orient="records")
            ],
            "actions": [
                {
                    "unit": a["unit"],
                    "action": a["action"],
                    "amount_wan": a["amount_wan"],
                    "clause": a["clause"],
                    "source": a["gap_source"],
                }
                for a in r.actions.to_dict(orient="records")
            ],
            "source_projects": r.source_projects,
        }

    def text(self, *, max_rows: int = 15) -> str:
        """Return the analysis as plain Chinese lines for the terminal."""
        r = self.result
        lines = [self.headline(), ""]
        if self.refusal or r.is_outcome:
            return "\n".join(lines)
        lines.append("一、全市")
        for metric, value in self._city_frame().itertuples(index=False):
            lines.append(f"  {metric}：{value}")
        lines += ["", "二、补缺来源"]
        for s in r.sources.itertuples(index=False):
            lines.append(
                f"  {s.gap_source}：{yi(s.amount_wan)}（{s.n_projects}个，纪要{s.clause}）"
            )
        lines += ["", "三、各县（市、区）"]
        for c in r.by_county.itertuples(index=False):
            lines.append(
                f"  {c.county}：缺口{yi(c.investment_gap_wan)}，来源{yi(c.sources_wan)}，"
                f"{c.assessment}"
            )
        lines += ["", "四、责任单位行动（万元）"]
        for a in r.actions.head(max_rows).itertuples(index=False):
            lines.append(
                f"  {a.unit}：{a.action}，{labels.format_wan(a.amount_wan)}万元（纪要{a.clause}）"
            )
        if len(r.actions) > max_rows:
            lines.append(
                f"  …… 另有 {len(r.actions) - max_rows} 项（完整清单用 --json）"
            )
        return "\n".join(lines)


#: The source names in a sentence, shortest form.
SOURCE_SHORT: dict[str, str] = {
    SOURCE_RELEASE: "成熟项目下达",
    SOURCE_START: "督促开工",
    SOURCE_KEY: "重点项目追赶",
    SOURCE_SOE: "国企追赶",
}


def change_zh(change: GapChange) -> str:
    """Say in one sentence what changed since the previous as-of month.

    Examples
    --------
    See ``tests/test_gap.py``.
    """
    if change.refusal:
        return change.refusal
    label, text = _change_parts(change)
    return f"{label}：{text}。"


def change_brief(change: GapChange) -> list[dict[str, str]]:
    """The brief's line on what changed since the previous month (as :func:`change_zh`).

    Empty when there is nothing to compare with (1—2月, or a refused
    comparison): the brief then says nothing about it.

    Examples
    --------
    See ``tests/test_gap.py``.
    """
    if change.refusal:
        return []
    label, text = _change_parts(change)
    return [brief_item(label, text, status=INFO)]


def _change_parts(change: GapChange) -> tuple[str, str]:
    """(与1—5月相比, what changed) of a comparison that was made."""
    prev = labels.month_label(change.previous.month)
    (p0, p1), (q0, q1), (g0, g1) = (
        change.point_growth_pct,
        change.p_reach_target,
        change.gap_wan,
    )
    text = (
        f"全年增长预测{labels.format_pct(p0)}→{labels.format_pct(p1)}，"
        f"达标概率{q0 * 100:.0f}%→{q1 * 100:.0f}%，"
        f"缺口{_gap_word(g0)}→{_gap_word(g1)}"
    )
    if len(change.counties):
        moved = "、".join(
            f"{c}（{a}→{b}）"
            for c, a, b in zip(
                change.counties["county"],
                change.counties["status_before"],
                change.counties["status_now"],
                strict=True,
            )
        )
        text += f"；状态变化的县（市、区）：{moved}"
    else:
        text += "；各县（市、区）状态没有变化"
    return f"与{prev}相比", text


def _gap_word(gap_wan: float) -> str:
    if not math.isfinite(gap_wan):
        return "—"
    return yi(gap_wan) if gap_wan > 0 else "无缺口"
