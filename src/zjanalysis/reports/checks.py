"""What the plan-integrity checks (report 50) show: verdicts, rows, workbook, JSON, text.

The verdicts come from :func:`zjanalysis.checks.run_checks_for_dataset` (a
:class:`~zjanalysis.checks.ChecksResult`); this module lays them out::

    view = ChecksView(result)
    report.headline(view.headline())
    Markdown(view.verdict_markdown("key_share"))
    report.table(view.table("key_share"))
    report.export_excel(view.excel(), "50-plan-integrity", output_dir)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from zjanalysis import labels
from zjanalysis.checks import FAIL, NO_DATA, PASS, CheckResult, ChecksResult
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.tables import ExcelSpec, TableSpec, readable
from zjanalysis.reports.view import MET, MISSED, ReportView, brief_item
from zjanalysis.reports.view import NO_DATA as NO_DATA_FINDING

#: Verdicts as the report writes them.
VERDICT_ZH: dict[str, str] = {PASS: "通过", FAIL: "不通过", NO_DATA: "数据不足"}
#: The mark before a verdict (characters the report font has; emoji show as boxes).
VERDICT_MARK: dict[str, str] = {PASS: "✓", FAIL: "×", NO_DATA: "—"}
#: Money columns (万元) and percentage columns of the checks' rows.
MONEY_COLUMNS: tuple[str, ...] = (
    "plan_wan",
    "funded_wan",
    "gap_wan",
    "old_amount",
    "new_amount",
    "delta_wan",
    "reported_wan",
    "stats_wan",
    "diff_wan",
    "key_plan_wan",
    "total_plan_wan",
    "required_wan",
    "shortfall_wan",
)
PCT_COLUMNS: tuple[str, ...] = (
    "unfunded_pct",
    "land_acquired_pct",
    "diff_pct",
    "key_share_pct",
)
#: The checks in the order of the minutes' clauses (the report's sections).
CHECKS: tuple[str, ...] = (
    "key_share",
    "key_records",
    "funding_alignment",
    "land_alignment",
    "idle_land",
    "renewal_real_estate",
    "plan_changes",
    "stats_registration",
    "stats_figures",
)


def verdict_zh(result: CheckResult) -> str:
    """Return 通过, 不通过 or 数据不足."""
    return VERDICT_ZH[result.verdict]


def message_zh(result: CheckResult, *, year: int) -> str:
    """Word one check's finding in one line of Chinese, from its key figures.

    Parameters
    ----------
    result : zjanalysis.checks.CheckResult
    year : int
        The plan year (named where a check found nothing to judge).

    Examples
    --------
    >>> from zjanalysis.checks import CheckResult
    >>> r = CheckResult("idle_land", "批而未建土地", "四(二)", "fail",
    ...                 pd.DataFrame(), {"n_idle": 2, "idle_area_mu": 35.0})
    >>> message_zh(r, year=2021)
    '批而未建土地2宗，共35.0亩，需梳理并依法处理'
    """
    d, ok = result.details, result.verdict == PASS
    if result.verdict == NO_DATA:
        return str(d["reason"])
    words = _MESSAGES[result.check]
    return words(d, ok, year)


def _key_share_zh(d: dict, ok: bool, year: int) -> str:
    if d["total_plan_wan"] <= 0:
        return f"{year}年计划没有计划投资，无法计算重点项目占比"
    return (
        f"重点项目计划投资{labels.format_yi(d['key_plan_wan'])}，"
        f"占总计划{labels.format_yi(d['total_plan_wan'])}的"
        f"{labels.format_pct(d['key_share_pct'])}，"
        + (
            "达到三分之二的要求"
            if ok
            else f"低于三分之二，还差{labels.format_yi(d['shortfall_wan'])}"
        )
    )


def _key_records_zh(d: dict, ok: bool, year: int) -> str:
    if ok:
        return f"{d['n_key']}个重点项目的责任主体和节点目标齐全"
    return f"{d['n_key']}个重点项目中有{d['n_incomplete']}个缺少责任主体或节点目标"


def _funding_zh(d: dict, ok: bool, year: int) -> str:
    if ok:
        return f"{d['n_plan']}个计划项目的资金保障计划均覆盖年度计划投资"
    return (
        f"{d['n_underfunded']}个项目资金保障计划不足，缺口合计{labels.format_yi(d['gap_wan'])}"
        f"（占总计划{labels.format_pct(100 * d['gap_wan'] / d['plan_wan'])}）"
    )


def _land_zh(d: dict, ok: bool, year: int) -> str:
    if ok:
        return f"{d['n_need_land']}个需用地的计划项目均已列入用地用海计划并下达红线"
    return (
        f"{d['n_no_entry']}个需用地项目未列入用地用海计划，"
        f"{d['n_no_red_line']}个红线未下达"
    )


def _idle_land_zh(d: dict, ok: bool, year: int) -> str:
    if ok:
        return "用地用海计划中没有批而未建的土地"
    return (
        f"批而未建土地{d['n_idle']}宗，共{d['idle_area_mu']:,.1f}亩，需梳理并依法处理"
    )


def _renewal_zh(d: dict, ok: bool, year: int) -> str:
    if ok:
        return f'{d["n_renewal"]}个"三旧"改造项目均未同时列为房地产项目'
    return (
        f'{d["n_double"]}个项目同时列为"三旧"改造和房地产项目，'
        f"重复计算计划投资{labels.format_yi(d['double_plan_wan'])}"
    )


def _plan_changes_zh(d: dict, ok: bool, year: int) -> str:
    head = (
        f"{d['n_changes']}项计划调整（其中调减、调整或取消{d['n_cuts']}项），"
        f"计划总额由{labels.format_yi(d['plan_before_wan'])}"
        f"变为{labels.format_yi(d['plan_after_wan'])}"
    )
    return (
        f"{head}，审批手续齐全"
        if ok
        else f"{head}；{d['n_violations']}项调整审批手续不全"
    )


def _registration_zh(d: dict, ok: bool, year: int) -> str:
    if ok:
        return f"{d['n_checked']}个已开工计划项目均已纳入统计"
    return (
        f"{d['n_checked']}个已开工计划项目中{d['n_unregistered']}个未纳入统计，"
        f"涉及年度计划投资{labels.format_yi(d['unregistered_plan_wan'])}"
    )


def _figures_zh(d: dict, ok: bool, year: int) -> str:
    if d.get("month") is None:
        return f"统计部门没有{year}年的项目累计完成数据，无法核对"
    period, tol = labels.month_label(d["month"]), f"{d['tolerance_pct']:g}%"
    if ok:
        return f"{period}{d['n_compared']}个项目的填报数与统计数相差均不超过{tol}"
    return (
        f"{period}{d['n_different']}个项目填报数与统计数相差超过{tol}："
        f"填报多于统计{d['n_over']}个、少于统计{d['n_under']}个，"
        f"差额绝对值合计{labels.format_wan(d['abs_diff_wan'])}万元"
        f"（正负相抵后净差{labels.format_wan(d['net_diff_wan'])}万元）"
    )


#: How each check words its finding.
_MESSAGES = {
    "key_share": _key_share_zh,
    "key_records": _key_records_zh,
    "funding_alignment": _funding_zh,
    "land_alignment": _land_zh,
    "idle_land": _idle_land_zh,
    "renewal_real_estate": _renewal_zh,
    "plan_changes": _plan_changes_zh,
    "stats_registration": _registration_zh,
    "stats_figures": _figures_zh,
}


def check_line(result: CheckResult, *, year: int) -> str:
    """Return ``[通过] title（纪要clause）：message`` for the command line."""
    return (
        f"[{verdict_zh(result)}] {result.title_zh}（纪要{result.clause}）："
        f"{message_zh(result, year=year)}"
    )


class ChecksView(ReportView):
    """The plan-integrity checks as the meeting reads them.

    Parameters
    ----------
    result : zjanalysis.checks.ChecksResult
    """

    TABLES = CHECKS
    result: ChecksResult

    def headline(self) -> str:
        """Return the one-sentence finding: how many checks fail, which, which had no data."""
        r = self.result
        if self.refusal:
            return self.refusal
        failed = [c.title_zh for c in r.results if c.verdict == FAIL]
        no_data = [c.title_zh for c in r.results if c.verdict == NO_DATA]
        n = len(r.results)
        if not failed and not no_data:
            return f"{r.year}年计划{n}项完整性检查全部通过。"
        parts = []
        if failed:
            parts.append(f"{len(failed)}项不通过：{'、'.join(failed)}")
        if no_data:
            parts.append(f"{len(no_data)}项数据不足：{'、'.join(no_data)}")
        return f"{r.year}年计划{n}项完整性检查中{'；'.join(parts)}。"

    BRIEF_LABEL = "计划完整性检查"
    #: Failing checks the brief names one by one; the rest are counted.
    BRIEF_MAX_CHECKS = 3

    def _brief(self) -> list[dict[str, str]]:
        """The failing checks with their figures (the first three), then a count."""
        r = self.result
        failed = [c for c in r.results if c.verdict == FAIL]
        items = [
            brief_item(
                f"{c.title_zh}（纪要{c.clause}）",
                message_zh(c, year=r.year),
                status=MISSED,
            )
            for c in failed[: self.BRIEF_MAX_CHECKS]
        ]
        rest = failed[self.BRIEF_MAX_CHECKS :]
        no_data = [c.title_zh for c in r.results if c.verdict == NO_DATA]
        if rest:
            items.append(
                brief_item(
                    "其他不通过的检查",
                    f"另有{len(rest)}项：{'、'.join(c.title_zh for c in rest)}",
                    status=MISSED,
                )
            )
        if no_data:
            items.append(
                brief_item("数据不足的检查", "、".join(no_data), status=NO_DATA_FINDING)
            )
        if not items:
            items.append(
                brief_item(
                    "计划完整性检查", f"{len(r.results)}项检查全部通过", status=MET
                )
            )
        return items

    def finding(self) -> str:
        """Return the finding code for the index: met, missed or no_data."""
        if self.refusal:
            return super().finding()
        verdicts = {c.verdict for c in self.result.results}
        if FAIL in verdicts:
            return MISSED
        return NO_DATA_FINDING if NO_DATA in verdicts else MET

    def to_frame(self) -> pd.DataFrame:
        """Return one row per check: 检查项, 纪要条款, 结论, 说明, 问题条数."""
        results = self.result.results
        return pd.DataFrame(
            {
                "检查项": [r.title_zh for r in results],
                "纪要条款": [r.clause for r in results],
                "结论": [verdict_zh(r) for r in results],
                "说明": [self.message(r.check) for r in results],
                "问题条数": [len(r.rows) for r in results],
            }
        )

    def verdict_markdown(self, check: str) -> str:
        """Return the verdict of ``check`` as one Markdown line for the report.

        Examples
        --------
        ``Markdown(view.verdict_markdown("key_share"))`` shows
        ``× **结论：不通过。** 重点项目计划投资……``.
        """
        r = self.result.get(check)
        if r is None:
            return f"**未检查。** {self.refusal}" if self.refusal else "**未检查。**"
        return (
            f"{VERDICT_MARK[r.verdict]} **结论：{verdict_zh(r)}。** "
            f"{self.message(check)}"
        )

    def message(self, check: str) -> str:
        """Return the one-line finding of ``check`` (:func:`message_zh`)."""
        return message_zh(self.result[check], year=self.result.year)

    def table(self, name: str) -> TableSpec:
        """Return the rows to fix of check ``name`` (the summary row for key_share).

        Empty when the check passes or was not run; money in 万元.
        """
        self._check_table(name)
        r = self.result.get(name)
        rows = r.rows if r is not None else pd.DataFrame({"project_id": []})
        if name == "key_share" and r is not None:
            rows = r.details["summary"]
        df = readable(rows)
        return TableSpec(
            df,
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            caption=self.refusal or (None if len(df) else "（无问题项）"),
            refused=bool(self.refusal),
        )

    def excel(self) -> ExcelSpec:
        """Return the overview and each check's rows to fix, one sheet each."""
        sheets = {"检查结论": self.to_frame()}
        for r in self.result.results:
            sheets[r.title_zh.replace('"', "")] = readable(r.rows)
        return ExcelSpec(sheets, money=MONEY_COLUMNS, pct=PCT_COLUMNS)

    def to_json(self) -> dict[str, Any]:
        """Return the checks as plain data (English keys) for ``--json``."""
        r = self.result
        return {
            "year": r.year,
            "passed": r.passed,
            "headline": self.headline(),
            "refusal": self.refusal,
            "checks": [
                {
                    "check": c.check,
                    "title": c.title_zh,
                    "clause": c.clause,
                    "verdict": c.verdict,
                    "message": self.message(c.check),
                    "n_rows": len(c.rows),
                    "details": {
                        k: v
                        for k, v in c.details.items()
                        if k not in ("summary", "changes", "reason")
                    },
                    "rows": c.rows,
                }
                for c in r.results
            ],
        }

    def text(self, *, max_rows: int = 5) -> str:
        """Return the verdicts and the first rows to fix as plain lines."""
        lines = [self.headline(), ""]
        for r in self.result.results:
            lines.append(check_line(r, year=self.result.year))
            if r.rows.empty or max_rows <= 0:
                continue
            shown = readable(r.rows.head(max_rows))
            for row in shown.to_dict(orient="records"):
                cells = [
                    f"{COLUMNS_ZH.get(c, c)}={_cell(c, v)}"
                    for c, v in row.items()
                    if str(v) not in ("nan", "NaT", "None", "<NA>", "", "—")
                ]
                lines.append("    " + "；".join(cells))
            if len(r.rows) > max_rows:
                lines.append(
                    f"    …… 共 {len(r.rows)} 条（完整清单用 --json 或报告附表）"
                )
        return "\n".join(lines)


def _cell(column: str, value: object) -> str:
    if column in MONEY_COLUMNS:
        return f"{labels.format_wan(float(value))}万元"
    if column in PCT_COLUMNS:
        return labels.format_pct(float(value))
    return str(value)
