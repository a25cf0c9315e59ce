"""What the SOE plan check (report 30) shows: headline, tables, workbook, JSON, text.

The numbers come from :func:`zjanalysis.soe.check_soe_dataset` (a
:class:`~zjanalysis.soe.SoePlanCheck`); this module only words and lays them
out::

    view = SoeView(check)
    report.headline(view.headline())  # "6家市属国有企业中4家达到增长20%要求，……"
    report.table(view.table("growth"))
    report.export_excel(view.excel(), "30-soe-plan-check", output_dir)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from zjanalysis import labels, soe
from zjanalysis.reports.tables import ExcelSpec, TableSpec
from zjanalysis.reports.view import (
    AT_RISK,
    MET,
    MISSED,
    NO_DATA,
    ReportView,
    brief_item,
)
from zjanalysis.soe import GROWTH_SHORT, SoePlanCheck

#: Columns holding money in 万元.
MONEY_COLUMNS: tuple[str, ...] = (
    "base_investment",
    "plan_investment",
    "required_investment",
    "shortfall",
    "ledger_plan_investment",
    "backing_gap",
    "unready_investment",
    "ytd_completed",
    "ytd_expected",
)
#: Columns holding percentages.
PCT_COLUMNS: tuple[str, ...] = (
    "growth_pct",
    "backing_pct",
    "growth_at_risk_pct",
    "secure_growth_pct",
    "completion_pct",
    "expected_pct",
    "projects_pace_pct",
)
#: Columns whose values colour the cell.
STATUS_COLUMNS: tuple[str, ...] = (
    "growth_status",
    "backing_status",
    "execution_status",
)
#: The columns of each per-enterprise section, in display order.
SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "growth": (
        "soe_name",
        "base_investment",
        "plan_investment",
        "growth_pct",
        "growth_status",
        "required_investment",
        "shortfall",
    ),
    "backing": (
        "soe_name",
        "plan_investment",
        "n_projects",
        "ledger_plan_investment",
        "backing_gap",
        "backing_pct",
        "backing_status",
    ),
    "risk": (
        "soe_name",
        "base_investment",
        "plan_investment",
        "growth_pct",
        "n_unready_projects",
        "unready_investment",
        "growth_at_risk_pct",
        "secure_growth_pct",
    ),
    "execution": (
        "soe_name",
        "plan_investment",
        "n_reporting",
        "ytd_completed",
        "ytd_expected",
        "completion_pct",
        "expected_pct",
        "execution_gap_pct",
        "projects_pace_pct",
        "execution_status",
    ),
}
#: The columns of the enterprises' project list on the page (those present).
PROJECT_COLUMNS: tuple[str, ...] = (
    "soe_name",
    "project_id",
    "name",
    "county",
    "stage",
    "plan_investment",
    "grade_zh",
    "ytd_completed",
)
#: Workbook sheets, in order: sheet name -> table.
SHEETS: dict[str, str] = {
    "各企业检查": "enterprises",
    "合计": "totals",
    "国企台账项目": "projects",
    "台账有项目未报计划": "ledger_without_plan",
    "申报计划无台账项目": "plans_without_projects",
}


class SoeView(ReportView):
    """The SOE plan check as the meeting reads it.

    Parameters
    ----------
    result : zjanalysis.soe.SoePlanCheck
    """

    TABLES = (
        *SECTION_COLUMNS,
        "totals",
        "projects",
        "ledger_without_plan",
        "plans_without_projects",
    )
    result: SoePlanCheck

    def headline(self) -> str:
        """Return the one-sentence finding in Chinese (the refusal when refused).

        Examples
        --------
        >>> from zjanalysis import soe
        >>> SoeView(soe.refuse_soe_check(year=2021, as_of="2021-06",
        ...                              reason="数据有错误")).headline()
        '数据有错误'

        See ``tests/test_reports_soe.py`` for the sentence on data.
        """
        r = self.result
        if self.refusal:
            return self.refusal
        t = r.totals
        target = f"{r.target_growth_pct:g}%"
        if t.n_enterprises == 0:
            return f"{r.year}年尚无国有企业申报在湛投资计划，无法对照增长{target}要求。"
        e = r.enterprises
        text = (
            f"{t.n_enterprises}家市属国有企业中{t.n_meets_target}家达到增长{target}要求"
        )
        short = e.loc[e["growth_status"] == soe.GROWTH_SHORT]
        if len(short):
            named = "、".join(
                f"{row.soe_name}（计划增长{_growth_zh(row.growth_pct, r.target_growth_pct)}，"
                f"缺口{format_shortfall(row.shortfall)}）"
                for row in short.itertuples(index=False)
            )
            text += f"；未达标{len(short)}家：{named}"
            if len(short) > 1:
                text += f"，合计缺口{format_shortfall(t.shortfall)}"
        for status, words in (
            (soe.GROWTH_NO_BASE, "无上年基数、无法判断增长"),
            (soe.NO_PLAN, "未申报计划"),
        ):
            names = e.loc[e["growth_status"] == status, "soe_name"].tolist()
            if names:
                text += f"；{len(names)}家{words}：{'、'.join(names)}"
        return text + "。"

    BRIEF_LABEL = "国有企业投资计划"

    def _brief(self) -> list[dict[str, str]]:
        """The enterprises below the target with growth and shortfall; those not judged."""
        r = self.result
        e = r.enterprises
        target = f"{r.target_growth_pct:g}%"
        items = []
        short = e.loc[e["growth_status"] == GROWTH_SHORT].sort_values(
            "shortfall", ascending=False
        )
        if len(short):
            items.append(
                brief_item(
                    f"增长未达{target}的国有企业",
                    "、".join(
                        f"{row.soe_name}（计划增长"
                        f"{_growth_zh(row.growth_pct, r.target_growth_pct)}，"
                        f"缺口{format_shortfall(row.shortfall)}）"
                        for row in short.itertuples(index=False)
                    ),
                    status=MISSED,
                )
            )
        unjudged = [
            f"{name}{words}"
            for status, words in (
                (soe.GROWTH_NO_BASE, "无上年基数"),
                (soe.NO_PLAN, "未申报计划"),
            )
            for name in e.loc[e["growth_status"] == status, "soe_name"]
        ]
        if unjudged:
            items.append(
                brief_item(
                    "无法判断增长的国有企业", "；".join(unjudged), status=AT_RISK
                )
            )
        if not items and len(e):
            items.append(
                brief_item(
                    "国有企业投资计划",
                    f"{r.totals.n_meets_target}家市属国有企业均达到增长{target}要求",
                    status=MET,
                )
            )
        return items

    def finding(self) -> str:
        """Return the finding code: missed when an enterprise plans below the target.

        at_risk when none falls short but one has no base or no plan, or its
        growth rests on unready projects; met when every enterprise is judged
        and passes.
        """
        if self.refusal:
            return super().finding()
        e = self.result.enterprises
        if e.empty:
            return NO_DATA
        status = set(e["growth_status"])
        if soe.GROWTH_SHORT in status:
            return MISSED
        if status & {soe.GROWTH_NO_BASE, soe.NO_PLAN}:
            return AT_RISK
        secure = e.get("secure_growth_pct")
        if secure is not None and (secure < self.result.target_growth_pct).any():
            return AT_RISK
        return MET

    def to_frame(self) -> pd.DataFrame:
        """Return one row per enterprise (English columns, numbers as computed)."""
        return self.result.to_frame()

    def backing_basis(self) -> str:
        """Describe in Chinese when a plan counts as backed by projects."""
        floor = 100.0 - self.result.backing_tolerance_pct
        return (
            f"台账中该企业项目的年度计划投资达到申报计划的{floor:g}%及以上为“已支撑”，"
            "不足为“支撑不足”，没有项目为“无项目”；“未被项目支撑”是申报计划减去台账项目计划投资。"
        )

    def execution_basis(self) -> str:
        """Describe in Chinese what "expected by this month" means in this check."""
        r = self.result
        if self.refusal:
            return ""
        if r.as_of_month is None:
            return f"{r.year}年尚未开始，暂不检查执行进度。"
        share = r.shares.at(r.as_of_month) * 100.0
        return (
            f"截至{labels.period_label(r.year, r.as_of_month)}，"
            f"{r.shares.label}，应完成全年计划的{share:.1f}%；"
            f"企业台账项目的完成进度低于应完成进度{r.behind_tolerance_pct:g}个百分点以上的为“滞后”；"
            "项目进度正常、但申报计划有一部分没有项目、按申报计划算落后的为“计划未落实到项目”。"
            "累计完成取各企业台账项目的月度进度（未报送本月的项目取其本年最近一次报送数）。"
        )

    def section(self, name: str) -> pd.DataFrame:
        """Return the columns of one report section, one row per enterprise.

        Parameters
        ----------
        name : {"growth", "backing", "risk", "execution"}
            ``growth`` and ``backing`` list every enterprise; ``risk`` and
            ``execution`` only those with a declared plan.
        """
        e = self.result.enterprises
        if name in ("risk", "execution"):
            e = e.loc[e["plan_investment"].notna()]
        return e.loc[:, list(SECTION_COLUMNS[name])].reset_index(drop=True)

    def projects_table(self) -> pd.DataFrame:
        """Return the enterprises' projects with grade and completion, for the page."""
        projects = self.result.projects
        cols = [c for c in PROJECT_COLUMNS if c in projects.columns]
        return projects.loc[:, cols].reset_index(drop=True)

    def totals_table(self) -> pd.DataFrame:
        """Return the all-enterprise totals as two text columns (metric, value)."""
        r = self.result
        t = r.totals
        yi, pct = labels.format_yi, labels.format_pct
        rows = [
            ("申报本年计划的企业", f"{t.n_enterprises}家"),
            (f"达到增长{r.target_growth_pct:g}%要求", f"{t.n_meets_target}家"),
            ("未达到增长要求", f"{t.n_short}家"),
            ("无上年基数（不作判断）", f"{t.n_no_base}家"),
            ("有上年完成或台账项目但未申报计划", f"{t.n_without_plan}家"),
            ("可比企业上年完成合计", yi(t.base_investment)),
            ("可比企业本年计划合计", yi(t.plan_investment)),
            ("可比企业合计增长", pct(t.growth_pct, sign=True)),
            ("各企业缺口合计", yi(t.shortfall)),
            ("合计口径缺口（企业间超额抵补后）", yi(t.aggregate_shortfall)),
            ("全部申报计划合计", yi(t.plan_investment_all)),
            ("国有企业台账项目计划投资", yi(t.soe_ledger_plan_investment)),
            ("全市台账项目计划投资", yi(t.city_ledger_plan_investment)),
            ("国有企业项目占全市项目计划投资", pct(t.soe_share_of_city_plan_pct)),
            ("申报计划未被台账项目支撑", f"{t.n_unbacked}家"),
            ("台账项目进度滞后", f"{t.n_projects_behind}家"),
            ("按申报计划算完成落后于进度", f"{t.n_behind}家"),
        ]
        return pd.DataFrame(rows, columns=["metric", "value"])

    def _frame(self, name: str) -> pd.DataFrame:
        if name in SECTION_COLUMNS:
            return self.section(name)
        return {
            "totals": self.totals_table,
            "projects": self.projects_table,
            "ledger_without_plan": self.result.ledger_without_plan,
            "plans_without_projects": self.result.plans_without_projects,
        }[name]()

    def table(self, name: str) -> TableSpec:
        """Return table ``name`` for the page, money in 万元.

        Parameters
        ----------
        name : str
            A section of :meth:`section` (``growth``, ``backing``, ``risk``,
            ``execution``), or ``totals``, ``projects``,
            ``ledger_without_plan``, ``plans_without_projects``.
        """
        self._check_table(name)
        return TableSpec(
            self._frame(name),
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            status=STATUS_COLUMNS,
            decimals={"execution_gap_pct": 1},
            refused=bool(self.refusal),
        )

    def excel(self) -> ExcelSpec:
        """Return the check's workbook, money in 万元.

        Every column per enterprise, the totals, the enterprises' projects and
        the two lists of enterprises (ledger without plan, plan without
        projects); the workbook writer puts yes/no as 是/否.
        """
        r = self.result
        frames = {
            "enterprises": r.to_frame(),
            "totals": self.totals_table(),
            # the grade code (ready/close …) is for JSON; 成熟度 says it in words
            "projects": r.projects.drop(columns=["grade"], errors="ignore"),
            "ledger_without_plan": r.ledger_without_plan(),
            "plans_without_projects": r.plans_without_projects(),
        }
        return ExcelSpec(
            {sheet: frames[name] for sheet, name in SHEETS.items()},
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the check as plain data (English keys) for ``--json``."""
        r = self.result
        return {
            "year": r.year,
            "as_of": r.as_of,
            "as_of_month": r.as_of_month,
            "target_growth_pct": r.target_growth_pct,
            "backing_tolerance_pct": r.backing_tolerance_pct,
            "behind_tolerance_pct": r.behind_tolerance_pct,
            "expected_share_basis": r.shares.method,
            "expected_share": (
                None if r.as_of_month is None else r.shares.at(r.as_of_month)
            ),
            "risk_assessed": r.risk_assessed,
            "refusal": self.refusal,
            "headline": self.headline(),
            "totals": r.totals.to_dict(),
            "enterprises": r.to_frame(),
            "ledger_without_plan": r.ledger_without_plan(),
            "plans_without_projects": r.plans_without_projects(),
            "projects": r.projects,
        }

    def text(self) -> str:
        """Return the check as plain Chinese lines for the terminal."""
        r = self.result
        lines = [self.headline(), ""]
        if self.refusal:
            return "\n".join(lines)
        t = r.totals
        period = (
            labels.period_label(r.year, r.as_of_month)
            if r.as_of_month
            else f"{r.year}年（未开始）"
        )
        for e in r.to_frame().itertuples(index=False):
            head = (
                f"{e.soe_name}：上年完成 {_wan(e.base_investment)} → "
                f"计划 {_wan(e.plan_investment)}，"
                f"增长 {labels.format_pct(e.growth_pct, sign=True)}，{e.growth_status}"
            )
            if e.growth_status == GROWTH_SHORT:
                head += f"，缺口 {_wan(e.shortfall)}"
            lines.append(head)
            lines.append(
                f"    项目支撑：{e.backing_status}（台账 {e.n_projects} 个项目，"
                f"计划投资 {_wan(e.ledger_plan_investment)}）"
            )
            if r.as_of_month:
                lines.append(
                    f"    {period}完成 {_wan(e.ytd_completed)}，"
                    f"按进度应完成 {_wan(e.ytd_expected)}：{e.execution_status}"
                )
        lines.append("")
        lines.append(
            f"合计（可比企业）：上年 {labels.format_yi(t.base_investment)} → 计划 "
            f"{labels.format_yi(t.plan_investment)}，增长 {labels.format_pct(t.growth_pct, sign=True)}；"
            f"国有企业项目占全市项目计划投资 {labels.format_pct(t.soe_share_of_city_plan_pct)}"
        )
        lines.append(f"应完成进度：{r.shares.label}")
        return "\n".join(lines)


def format_shortfall(amount_wan: float) -> str:
    """Write a shortfall in 亿元, or in 万元 when it would round to 0.00亿元.

    Examples
    --------
    >>> format_shortfall(32_720.0), format_shortfall(1.0), format_shortfall(0.0)
    ('3.27亿元', '1万元', '0亿元')
    """
    if amount_wan != amount_wan or amount_wan <= 0:  # NaN or nothing short
        return "0亿元"
    if amount_wan < 50.0:  # below 0.005亿元 it would print as 0.00亿元
        return f"{labels.format_wan(amount_wan)}万元"
    return labels.format_yi(amount_wan)


def _growth_zh(growth_pct: float, target_pct: float) -> str:
    """Write a planned growth; two decimals where one would read as the target.

    Examples
    --------
    >>> _growth_zh(11.83, 20.0), _growth_zh(19.996, 20.0)
    ('11.8%', '19.996%')
    """
    text = labels.format_pct(growth_pct)
    if growth_pct < target_pct and text == labels.format_pct(target_pct):
        return f"{growth_pct:.3f}".rstrip("0") + "%"
    return text


def _wan(amount: float) -> str:
    text = labels.format_wan(amount)
    return text if text == "—" else f"{text} 万元"
