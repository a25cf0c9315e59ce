"""Collect data problems: every one at once, each naming file, row, column and value.

The loader and the validator never raise on a user's data mistake; they add a
:class:`Problem` to a :class:`ValidationReport`. Errors block the reports;
warnings are shown in them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

ERROR = "error"
WARNING = "warning"
SEVERITY_ZH = {ERROR: "错误", WARNING: "提示"}

#: The Chinese label of every check code (``Problem.check``), for pages and
#: workbooks; the codes themselves stay in JSON. Codes are found by the loader
#: (:mod:`zjanalysis.io`) and the validator (:mod:`zjanalysis.validation`); a
#: test keeps this list complete.
CHECK_LABELS_ZH: dict[str, str] = {
    # the data folder and its files
    "missing_folder": "找不到数据目录",
    "no_data_files": "目录中没有数据文件",
    "no_tables_read": "没有可识别的数据表",
    "unreadable_file": "文件无法读取",
    "unmatched_file": "未识别的文件或工作表",
    "matched_by_headers": "按表头识别的表",
    "table_in_several_files": "同一张表来自多个文件",
    "hidden_sheet": "隐藏的工作表未读取",
    "sheet_too_wide": "工作表列数超过上限",
    "manifest_missing": "缺少文件登记清单",
    "manifest_unreadable": "文件登记清单无法读取",
    "manifest_unlisted": "文件未在清单中登记",
    "manifest_mismatch": "文件与登记的校验值不符",
    # headers and layout
    "header_not_found": "找不到表头",
    "duplicate_header": "重复的列",
    "filled_blank_cells": "空格按合并单元格补齐",
    "unknown_section": "分组行无法识别",
    "merged_amount": "数值单元格跨行合并",
    "hidden_rows": "数据行被隐藏",
    "hidden_columns": "数据列被隐藏",
    "unit_from_note": "金额单位取自表注",
    "conflicting_units": "金额单位前后矛盾",
    # cells
    "bad_number": "不是数字",
    "bad_integer": "不是四位年份",
    "bad_month": "月份无法识别",
    "bad_date": "日期无法识别",
    "bad_bool": "应填“是”或“否”",
    "bad_enum": "不是允许的取值",
    "bad_period": "建设起止年限无法识别",
    "mangled_code": "编码被显示成科学计数法",
    "uncached_formula": "公式没有计算结果",
    "excel_error": "Excel 错误值（#N/A 等）",
    "ambiguous_month": "月份可能有误（2021.1）",
    "pct_as_fraction": "比例按小数读取",
    # the contract checks
    "missing_column": "缺少必填列",
    "missing_value": "必填项为空",
    "bad_type": "数据类型不符",
    "bad_value": "取值不在允许范围",
    "duplicate_key": "重复的记录",
    "negative_money": "金额为负数",
    "pct_out_of_range": "百分比超出0—100",
    "month_out_of_range": "月份超出范围",
    "finish_before_start": "计划竣工早于开工",
    "key_project_party_missing": "重点项目责任主体未填",
    "unknown_county": "县(市、区)名称无法识别",
    "unknown_region": "地区名称无法识别",
    "months_as_columns": "月份排成列，看不出数值含义",
    "target_outlier": "增长目标远低于其他地区",
    "control_character": "含不可见的控制字符",
    "unknown_project": "项目编码不在项目台账中",
    "fai_no_value": "投资额和增速均未填",
    "unit_mixup": "疑似单位错误（万元/亿元）",
    "cumulative_decrease": "累计数比上月减少",
}


def check_label_zh(check: str) -> str:
    """Return the Chinese label of a check code (the code itself if unknown).

    Examples
    --------
    >>> check_label_zh("unit_mixup")
    '疑似单位错误（万元/亿元）'
    """
    return CHECK_LABELS_ZH.get(check, check)


def refusal_text_zh(n_errors: int, what: str, *, tables: Sequence[str] = ()) -> str:
    """Return the sentence an analysis shows instead of results on data with errors.

    Every report that refuses bad data says it the same way; build the text
    here, never in the analysis modules.

    Parameters
    ----------
    n_errors : int
        The number of data errors that block the analysis.
    what : str
        What is not done, as a verb phrase, e.g. ``"预测"`` or
        ``"出2021年1—6月通报"``.
    tables : sequence of str, optional
        The Chinese names of the tables the errors are in (those the analysis
        reads), named in the sentence.

    Examples
    --------
    >>> refusal_text_zh(3, "作国有企业投资计划检查")
    '数据有 3 个错误，暂不作国有企业投资计划检查；请先按《数据质量报告》修正后重新运行。'
    >>> refusal_text_zh(1, "预测", tables=["固定资产投资月度累计"])[:22]
    '固定资产投资月度累计有 1 个错误，暂不预测'
    """
    where = "、".join(tables) if tables else "数据"
    return (
        f"{where}有 {int(n_errors)} 个错误，暂不{what}；"
        "请先按《数据质量报告》修正后重新运行。"
    )


@dataclass(frozen=True)
class Problem:
    """One problem found in one place of one input file.

    Parameters
    ----------
    severity : str
        ``"error"`` (blocks the reports) or ``"warning"`` (shown in them).
    check : str
        Short code of the check that found it, e.g. ``"negative_money"``.
    file : str
        File name as the user sees it (with ``#sheet`` for workbooks), or ``""``
        for a problem about the whole data folder.
    row : int or None
        Row number as the user sees it in Excel (header = row 1 in a plain file).
    column : str or None
        The column header as written in the file (or the canonical name when the
        column is missing).
    value : str or None
        The offending value as written.
    message_zh, message_en : str
        What is wrong, in Chinese and in English.
    hint_zh : str
        How to fix it, in Chinese.
    table : str
        Canonical table name, or ``""``.
    unit : str
        The unit that must fix it (a county, a department, an SOE, or the
        table's provider), used to group problems in the data-quality report.
    """

    severity: str
    check: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    message_zh: str
    message_en: str
    hint_zh: str = ""
    table: str = ""
    unit: str = ""

    def location(self) -> str:
        """Return ``file 第N行 「column」`` for messages."""
        parts = [self.file or "(数据目录)"]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"「{self.column}」")
        return " ".join(parts)

    def format(self) -> str:
        """Return the problem as one or two plain lines (Chinese / English)."""
        value = "" if self.value is None else f" 值「{self.value}」"
        hint = f" → {self.hint_zh}" if self.hint_zh else ""
        return (
            f"[{SEVERITY_ZH.get(self.severity, self.severity)}] {self.location()}{value}："
            f"{self.message_zh}{hint}\n    {self.message_en}"
        )


@dataclass
class ValidationReport:
    """Hold every problem found in a data folder, in the order found."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        """Append one problem."""
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Append several problems."""
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """Return one row per problem with Chinese-friendly column names kept English."""
        cols = [f for f in Problem.__dataclass_fields__]
        if not self.problems:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        frame = pd.DataFrame([asdict(p) for p in self.problems], columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def by_file(self) -> dict[str, list[Problem]]:
        """Group the problems by file, files in first-seen order."""
        groups: dict[str, list[Problem]] = {}
        for p in self.problems:
            groups.setdefault(p.file, []).append(p)
        return groups

    def format(self) -> str:
        """Return the whole report as text grouped by file, for the terminal."""
        if not self.problems:
            return "未发现问题 / no problems found"
        lines = []
        for file, probs in self.by_file().items():
            lines.append(f"== {file or '(数据目录 / data folder)'} ({len(probs)}) ==")
            lines.extend(p.format() for p in probs)
        n_err, n_warn = len(self.errors), len(self.warnings)
        lines.append(
            f"共 {n_err} 个错误、{n_warn} 个提示 / {n_err} errors, {n_warn} warnings"
        )
        return "\n".join(lines)
