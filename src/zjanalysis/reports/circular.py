"""What the monthly circular (report 40) shows: headline, tables, workbook, JSON, text.

The numbers come from :func:`zjanalysis.circular.compute_circular_for_dataset`
(a :class:`~zjanalysis.circular.CircularResult`); this module only words and
lays them out::

    view = CircularView(result)
    report.headline(view.headline())
    report.table(view.table("by_county"))
    report.export_excel(view.excel(), "40-monthly-circular", output_dir)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from zjanalysis import labels, schema
from zjanalysis.circular import STATUS_AMBER, STATUS_GREEN, STATUS_RED, CircularResult
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

#: Money columns (万元) and percentage columns of the circular's tables.
MONEY_COLUMNS: tuple[str, ...] = ("plan_wan", "completed_wan")
PCT_COLUMNS: tuple[str, ...] = (
    "completion_pct",
    "expected_pct",
    "count_done_pct",
    "area_weighted_pct",
)
#: Tables shown in 亿元 (the rankings); the project lists stay in 万元.
_YI_TABLES = ("by_county", "by_department")
#: Workbook sheets, in order: sheet name -> table.
SHEETS: dict[str, str] = {
    "县区完成情况": "by_county",
    "部门完成情况": "by_department",
    "节点滞后项目": "lagging_milestones",
    "新开工未开工": "unstarted_new",
    "本月未填报": "missing_reports",
    "征地拆迁": "land",
}


class CircularView(ReportView):
    """The monthly circular as the meeting reads it.

    Parameters
    ----------
    result : zjanalysis.circular.CircularResult
    """

    TABLES = tuple(SHEETS.values())
    result: CircularResult

    def headline(self) -> str:
        """Return the one-sentence finding in Chinese.

        Examples
        --------
        See ``tests/test_circular.py``.
        """
        r = self.result
        if self.refusal:
            return self.refusal
        c = r.city
        red = r.by_county.loc[r.by_county["status"] == STATUS_RED, "county"]
        head = (
            f"{self.period_zh}，全市计划项目累计完成投资"
            f"{labels.format_yi(c['completed_wan'])}，"
            f"完成年度计划{labels.format_pct(c['completion_pct'])}"
            f"（{c['basis']}应完成{labels.format_pct(c['expected_pct'])}，"
            f"{gap_zh(c['gap_pp'])}）"
        )
        lagging = (
            lagging_zh(r.lagging_milestones)
            if r.milestones_received
            else "未收到计划项目的节点目标，无法判断重点项目节点是否滞后"
        )
        return f"{head}{red_lights_zh(list(red))}；{lagging}。"

    BRIEF_LABEL = "月度通报"

    def _brief(self) -> list[dict[str, str]]:
        """The city's completion, the red counties and departments by name, late nodes.

        Examples
        --------
        See ``tests/test_circular.py``.
        """
        r = self.result
        c = r.city
        items = [
            brief_item(
                f"{self.period_zh}计划项目完成进度",
                f"完成年度计划{labels.format_pct(c['completion_pct'])}，{c['basis']}应完成"
                f"{labels.format_pct(c['expected_pct'])}，{gap_zh(c['gap_pp'])}",
                status=self.finding(),
                value=labels.format_pct(c["completion_pct"]),
            )
        ]
        for label, table, by in (
            ("亮红灯的县（市、区）", r.by_county, "county"),
            ("亮红灯的部门", r.by_department, "department"),
        ):
            red = table.loc[table["status"] == STATUS_RED].sort_values("gap_pp")
            named = [
                f"{row[by]}（{gap_zh(row['gap_pp'])}）"
                for _, row in red.iterrows()
                if row[by] != schema.CITY_LEVEL
            ]
            city_level = red.loc[red[by] == schema.CITY_LEVEL, "gap_pp"]
            if len(city_level):  # 市直 is not a county: named apart
                named.append(f"另市直项目亮红灯（{gap_zh(city_level.iloc[0])}）")
            if named:
                items.append(brief_item(label, "、".join(named), status=MISSED))
        if r.milestones_received and r.lagging_milestones["is_key"].astype(bool).any():
            items.append(
                brief_item(
                    "重点项目节点", lagging_zh(r.lagging_milestones), status=ATTENTION
                )
            )
        return items

    def finding(self) -> str:
        """Return the finding code: the city's status (绿 met, 黄 at_risk, 红 missed)."""
        if self.refusal:
            return super().finding()
        return {STATUS_GREEN: MET, STATUS_AMBER: AT_RISK, STATUS_RED: MISSED}.get(
            self.result.city["status"], INFO
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the county ranking (English columns, numbers as computed)."""
        return self.result.by_county

    def _frame(self, name: str) -> pd.DataFrame:
        frame = getattr(self.result, name)
        if name in _YI_TABLES:
            frame = frame.drop(columns=["basis"])
        return readable(frame)

    def table(self, name: str) -> TableSpec:
        """Return table ``name`` for the page.

        Parameters
        ----------
        name : str
            ``by_county``, ``by_department`` (money in 亿元), or
            ``lagging_milestones``, ``unstarted_new``, ``missing_reports``,
            ``land`` (money in 万元).
        """
        self._check_table(name)
        df = self._frame(name)
        return TableSpec(
            df,
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            status=("status",),
            unit="亿元" if name in _YI_TABLES else "万元",
            caption=self.refusal or (None if len(df) else "（无）"),
            refused=bool(self.refusal),
            decimals={
                c: 1
                for c in ("gap_pp", "land_area_mu", "acquired_area_mu")
                if c in df.columns
            },
        )

    def basis_note(self) -> str:
        """Describe in Chinese how the expected rate and the status were set."""
        r = self.result
        if self.refusal:
            return ""
        bases = "、".join(dict.fromkeys(r.by_county["basis"].tolist()))
        t = r.thresholds
        return (
            f"应完成进度：各县（市、区）为{bases}，全市和各部门为{r.city['basis']}"
            f"（{self.period_zh}全市应完成{labels.format_pct(r.city['expected_pct'])}）。"
            f"完成率不低于应完成进度{t['amber_gap_pp']:g}个百分点以内为绿，"
            f"落后{t['amber_gap_pp']:g}—{t['red_gap_pp']:g}个百分点为黄，"
            f"落后超过{t['red_gap_pp']:g}个百分点为红；年度计划为零的标“无计划”。"
        )

    def reconciliation_note(self) -> str:
        """Say why the plan projects' completion differs from the statistics' FAI.

        Examples
        --------
        See ``tests/test_circular.py``.
        """
        r = self.result
        if self.refusal:
            return ""
        done = labels.format_yi(r.city["completed_wan"])
        stats = r.city.get("statistics_wan", float("nan"))
        if pd.isna(stats):
            return (
                f"口径说明：本通报的累计完成投资{done}是计划项目填报数之和；"
                f"统计部门{self.period_zh}的全市固定资产投资未收到，无法对照。"
            )
        return (
            f"口径说明：本通报的累计完成投资{done}是计划项目填报数之和；"
            f"《全年增速预测》用的是统计部门的全市固定资产投资"
            f"（{self.period_zh}{labels.format_yi(stats)}），"
            "后者还包括未列入年度计划的项目，两者口径不同，不能直接比较。"
        )

    def excel(self) -> ExcelSpec:
        """Return the circular's workbook: the six tables, money in 万元.

        Flags are 是/否, dates are dates, rates are rounded to one decimal, so
        the tables paste cleanly into the circular.
        """
        sheets = {sheet: self._frame(name) for sheet, name in SHEETS.items()}
        if not self.refusal:
            for sheet, name in SHEETS.items():
                if name in _YI_TABLES:
                    sheets[sheet] = self._with_total(sheets[sheet], name)
        return ExcelSpec(sheets, money=MONEY_COLUMNS, pct=PCT_COLUMNS)

    def _with_total(self, frame: pd.DataFrame, name: str) -> pd.DataFrame:
        """Append the city's total as a 全市合计 row (the units add up to it)."""
        by = "county" if name == "by_county" else "department"
        city = self.result.city
        total = {c: city[c] for c in frame.columns if c in city.index}
        total[by] = "全市合计"
        row = readable(pd.DataFrame([total]).reindex(columns=frame.columns))
        return pd.concat([frame, row], ignore_index=True)

    def to_json(self) -> dict[str, Any]:
        """Return the circular as plain data (English keys) for ``--json``."""
        r = self.result
        return {
            "year": r.year,
            "month": r.month,
            "headline": self.headline(),
            "refusal": self.refusal,
            "thresholds": r.thresholds,
            "city": r.city,
            **{name: getattr(r, name) for name in self.TABLES},
        }

    def text(self, *, max_rows: int = 20) -> str:
        """Return the circular as plain Chinese lines for the terminal."""
        r = self.result
        lines = [self.headline(), ""]
        if self.refusal:
            return "\n".join(lines)
        lines.append(f"一、各县（市、区）完成情况（{self.period_zh}）")
        lines += _ranking_lines(r.by_county, "county")
        lines.append("")
        lines.append("二、各行业主管部门完成情况")
        lines += _ranking_lines(r.by_department, "department")
        bases = "、".join(dict.fromkeys(r.by_county["basis"].tolist()))
        lines.append(
            f"（应完成进度依据：县区为{bases}，部门为{r.city['basis']}；"
            f"落后超过{r.thresholds['amber_gap_pp']:g}个百分点为黄，"
            f"超过{r.thresholds['red_gap_pp']:g}个百分点为红）"
        )
        lines.append("")
        lag = r.lagging_milestones
        lines.append(
            f"三、节点滞后项目 {len(lag)} 个节点（重点项目 {int(lag['is_key'].sum())} 个）"
        )
        for p in lag.head(max_rows).itertuples(index=False):
            key = "【重点】" if p.is_key else ""
            lines.append(
                f"  {key}{p.project_id} {p.name}（{p.county}）{p.milestone}："
                f"应于{p.due_date.date().isoformat()}完成，逾期{p.days_overdue}天"
            )
        _more(lines, len(lag), max_rows)
        new = r.unstarted_new
        lines.append(f"四、新开工项目未按计划开工 {len(new)} 个")
        for p in new.head(max_rows).itertuples(index=False):
            lines.append(
                f"  {p.project_id} {p.name}（{p.county}）：计划"
                f"{p.planned_start.date().isoformat()}开工，已超期{p.days_late}天"
            )
        _more(lines, len(new), max_rows)
        miss = r.missing_reports
        lines.append(f"五、本月未报进度项目 {len(miss)} 个（按最近一次填报数计入）")
        for p in miss.head(max_rows).itertuples(index=False):
            last = (
                f"最近填报{p.last_report_month}月"
                if p.last_report_month
                else "本年未填报"
            )
            lines.append(f"  {p.project_id} {p.name}（{p.county}）：{last}")
        _more(lines, len(miss), max_rows)
        lines.append("六、征地拆迁进度（按面积 / 按个数）")
        for p in r.land.itertuples(index=False):
            lines.append(
                f"  {p.county}：{p.n_land_projects}个项目，{p.land_area_mu:,.0f}亩，"
                f"按面积{labels.format_pct(p.area_weighted_pct)}，"
                f"已完成{p.n_land_done}个（{labels.format_pct(p.count_done_pct)}）"
            )
        return "\n".join(lines)


def gap_zh(gap_pp: float) -> str:
    """Return 快/慢 N 个百分点 (无计划 for a unit without a plan).

    Examples
    --------
    >>> gap_zh(-8.26), gap_zh(1.0), gap_zh(float("nan"))
    ('慢8.3个百分点', '快1.0个百分点', '无计划')
    """
    if pd.isna(gap_pp):
        return "无计划"
    if gap_pp >= 0:
        return f"快{gap_pp:.1f}个百分点"
    return f"慢{-gap_pp:.1f}个百分点"


def lagging_zh(lagging: pd.DataFrame) -> str:
    """Say how many key projects are behind on how many nodes (and how many are due today).

    Examples
    --------
    >>> lag = pd.DataFrame({"project_id": ["a", "a", "b", "c"],
    ...                     "is_key": [True, True, True, False],
    ...                     "days_overdue": [30, 0, 5, 9]})
    >>> lagging_zh(lag)
    '2个重点项目的3个节点滞后（其中1个当日到期）'
    >>> lagging_zh(lag.iloc[3:])
    '重点项目节点均未滞后'
    """
    key = lagging.loc[lagging["is_key"].astype(bool)]
    if key.empty:
        return "重点项目节点均未滞后"
    n_projects = key["project_id"].nunique()
    due_today = int((key["days_overdue"] == 0).sum())
    today = f"（其中{due_today}个当日到期）" if due_today else ""
    return f"{n_projects}个重点项目的{len(key)}个节点滞后{today}"


def red_lights_zh(red_units: list[str]) -> str:
    """Name the units on red for the headline; 市直 is not a county and is named apart.

    Examples
    --------
    >>> red_lights_zh(["遂溪县", "市直", "徐闻县"])
    '；2个县（市、区）亮红灯（遂溪县、徐闻县），市直项目也亮红灯'
    >>> red_lights_zh(["市直"])
    '；没有县（市、区）亮红灯，市直项目亮红灯'
    >>> red_lights_zh([])
    '；没有县（市、区）亮红灯'
    """
    counties = [u for u in red_units if u != schema.CITY_LEVEL]
    city_level = schema.CITY_LEVEL in red_units
    if counties:
        text = f"；{len(counties)}个县（市、区）亮红灯（{'、'.join(counties)}）"
        return text + ("，市直项目也亮红灯" if city_level else "")
    return "；没有县（市、区）亮红灯" + ("，市直项目亮红灯" if city_level else "")


def _ranking_lines(table: pd.DataFrame, by: str) -> list[str]:
    out = []
    for r in table.itertuples(index=False):
        rank = "—" if r.rank is None or str(r.rank) == "<NA>" else str(r.rank)
        out.append(
            f"  {rank:>2} {getattr(r, by)}：计划{labels.format_yi(r.plan_wan)}，"
            f"完成{labels.format_yi(r.completed_wan)}，"
            f"完成率{labels.format_pct(r.completion_pct)}"
            f"（应完成{labels.format_pct(r.expected_pct)}）{r.status}"
        )
    return out


def _more(lines: list[str], n: int, max_rows: int) -> None:
    if n > max_rows:
        lines.append(f"  …… 另有 {n - max_rows} 项（完整清单用 --json 或报告附表）")
    lines.append("")
