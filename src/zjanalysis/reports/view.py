"""The one shape every report's display takes: headline, frame, tables, Excel, JSON.

An analysis module (:mod:`zjanalysis.forecast`, :mod:`~zjanalysis.readiness`,
:mod:`~zjanalysis.soe`, :mod:`~zjanalysis.circular`, :mod:`~zjanalysis.checks`)
returns a result of numbers. Its view in ``zjanalysis.reports.<module>`` turns
that result into what a reader sees, always under the same names:

=====================  ==========================================================
``view.refusal``       why there are no results ("" when there are)
``view.headline()``    the one-sentence finding in Chinese (the refusal if any)
``view.finding()``     its code for the index: met, at_risk, missed, no_data …
``view.to_frame()``    the main table, English column names, numbers as computed
``view.table(name)``   a :class:`~zjanalysis.reports.tables.TableSpec` for the page
``view.excel()``       an :class:`~zjanalysis.reports.tables.ExcelSpec` for the workbook
``view.to_json()``     plain data with English keys (the command line's ``--json``)
``view.brief()``       the few lines the leader's brief on the index shows
=====================  ==========================================================

Notebooks use ``report.headline(view.headline())``, ``report.table(view.table(
"by_county"))`` and ``report.export_excel(view.excel(), name, output_dir)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import pandas as pd

from zjanalysis import labels
from zjanalysis.reports.tables import ExcelSpec, TableSpec

#: Finding codes of a report, for the index: what the leader should read first.
MET, AT_RISK, MISSED, NO_DATA, BLOCKED, ATTENTION, CLEAN, INFO = (
    "met",
    "at_risk",
    "missed",
    "no_data",
    "blocked",
    "attention",
    "clean",
    "info",
)
#: Each finding's label and colour on the index page.
FINDINGS: dict[str, tuple[str, str]] = {
    MET: ("达标", "#1e8449"),
    AT_RISK: ("有风险", "#b9770e"),
    MISSED: ("不达标", "#c0392b"),
    NO_DATA: ("数据不足", "#7f8c8d"),
    BLOCKED: ("数据有误", "#c0392b"),
    ATTENTION: ("需处理", "#b9770e"),
    CLEAN: ("无问题", "#1e8449"),
    INFO: ("见报告", "#1f5fa8"),
}


def brief_item(
    label: str, text: str, *, status: str = INFO, value: str = ""
) -> dict[str, str]:
    """One line of the leader's brief: what, in words, its finding code and a key figure.

    ``value`` (e.g. ``"17.6%"``, ``"27.31亿元"``) is shown large when given;
    ``status`` colours the line (:data:`FINDINGS`).

    Examples
    --------
    >>> brief_item("亮红灯的县（市、区）", "坡头区", status=MISSED)
    {'label': '亮红灯的县（市、区）', 'text': '坡头区', 'status': 'missed', 'value': ''}
    """
    return {
        "label": str(label),
        "text": str(text),
        "status": str(status),
        "value": str(value),
    }


class ReportView(ABC):
    """What a reader sees of one analysis result.

    Parameters
    ----------
    result
        The analysis result (numbers only); kept as ``view.result``.
    """

    #: The names :meth:`table` accepts, in page order.
    TABLES: tuple[str, ...] = ()

    def __init__(self, result: Any) -> None:
        self.result = result

    @property
    def refusal(self) -> str:
        """Why the analysis shows no results, or ``""``."""
        return str(getattr(self.result, "refusal", "") or "")

    @property
    def period_zh(self) -> str:
        """The months covered, e.g. ``2021年1—6月`` (a result with year and month)."""
        return labels.period_label(self.result.year, self.result.month)

    def finding(self) -> str:
        """Return the finding code (:data:`FINDINGS`) for the index page.

        A refused result is ``blocked`` (data errors) or ``no_data`` (its data
        do not cover what was asked); views say met / at_risk / missed otherwise.
        """
        if self.refusal:
            # only data errors are 数据有误; any other refusal says what is missing
            kind = getattr(self.result, "refusal_kind", "")
            return BLOCKED if kind == "errors" else NO_DATA
        return INFO

    @abstractmethod
    def headline(self) -> str:
        """Return the one-sentence finding in Chinese (the refusal when refused)."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """Return the main table with English column names."""

    @abstractmethod
    def table(self, name: str) -> TableSpec:
        """Return table ``name`` (one of :attr:`TABLES`) as the page shows it."""

    @abstractmethod
    def excel(self) -> ExcelSpec:
        """Return the report's workbook."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """Return the result as plain data with English keys."""

    def brief(self) -> list[dict[str, str]]:
        """Return the report's lines for the leader's brief (:func:`brief_item`).

        Who is behind, by how much, who must act: a few lines, names and amounts
        in words. A refused report gives one line, its refusal.
        """
        if self.refusal:
            return [brief_item(self.BRIEF_LABEL, self.refusal, status=self.finding())]
        return self._brief()

    #: What the report's refusal line is about on the brief.
    BRIEF_LABEL: str = "报告"

    def _brief(self) -> list[dict[str, str]]:
        """The brief lines of a result that was not refused (none by default)."""
        return []

    def excel_sheets(self) -> dict[str, pd.DataFrame]:
        """Return the workbook's sheets (``excel().sheets``)."""
        return self.excel().sheets

    def _check_table(self, name: str) -> None:
        if name not in self.TABLES:
            raise KeyError(
                f"{type(self).__name__} has no table {name!r}; "
                f"known: {', '.join(self.TABLES)}"
            )
