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
from zjanalysis.reports.view import MET, MISSED, ReportView
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
    """Return 通过 or 不通过."""
    return VERDICT_ZH[result.verdict]


def check_line(result: CheckResult) -> str:
    """Return ``[通过] title（纪要clause）：message`` for the command line."""
    return (
        f"[{verdict_zh(result)}] {result.title_zh}（纪要{result.clause}）："
        f"{result.message_zh}"
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
                "说明": [r.message_zh for r in results],
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
        return f"{VERDICT_MARK[r.verdict]} **结论：{verdict_zh(r)}。** {r.message_zh}"

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
                    "message": c.message_zh,
                    "n_rows": len(c.rows),
                    "details": {
                        k: v
                        for k, v in c.details.items()
                        if k not in ("summary", "changes")
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
            lines.append(check_line(r))
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
