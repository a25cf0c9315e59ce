"""What the readiness report (20) shows: headline, rules, tables, workbook, JSON, text.

The numbers come from :func:`zjanalysis.readiness.assess_readiness_for_dataset`
(a :class:`~zjanalysis.readiness.ReadinessAssessment`); this module only words
and lays them out: the rules in Chinese, the to-do texts of the missing items,
the statement of the evidence, the tables and the workbook::

    view = ReadinessView(result)
    report.headline(view.headline())
    report.table(view.table("batch"), max_rows=300)
    report.export_excel(view.excel(), "20-project-readiness", output_dir)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from zjanalysis import labels
from zjanalysis.readiness import (
    COUNTY_UNIT,
    CRITERIA,
    Criterion,
    Gate,
    ReadinessAssessment,
    ReadinessConfig,
    StartModelResult,
    count_todos_by_unit,
)
from zjanalysis.reports.glossary import COLUMNS_ZH
from zjanalysis.reports.tables import ExcelSpec, TableSpec
from zjanalysis.reports.view import ATTENTION, INFO, ReportView, brief_item

#: Chinese label of every criterion the package knows (keys of ``CRITERIA``).
CRITERION_ZH: dict[str, str] = {
    "approval": "立项",
    "land": "用地预审与选址",
    "eia": "环评",
    "energy": "节能审查",
    "design": "初步设计/施工图审查",
    "permit": "施工许可",
    "funding": "资金落实",
    "land_acquisition": "征地拆迁",
    "parties": "责任主体",
}

#: Chinese names of the four responsible parties (minutes 三(一)).
PARTY_ZH: dict[str, str] = {
    "city_leader": "分管市领导",
    "lead_unit": "牵头责任单位",
    "industry_dept": "分管行业部门",
    "builder": "建设单位",
}

#: What a to-do says of a field left empty.
NOT_FILLED_ZH = "未填报"
#: Separator of the to-do items when a list is written into one cell.
CSV_LIST_SEP = "；"

#: Tables :meth:`ReadinessView.table` can return, in page order.
REPORT_TABLES: tuple[str, ...] = (
    "rules",
    "grades",
    "batch",
    "unstarted",
    "contradictions",
    "batch_by_county",
    "batch_by_department",
    "close",
    "todo_counts",
    "todos",
    "stability",
    "evidence",
)
#: Money columns (万元) of the report tables.
MONEY_COLUMNS: tuple[str, ...] = (
    "plan_investment",
    "new_plan_investment",
    "total_investment",
    "cum_plan_investment",
)
#: Percentage columns of the report tables.
PCT_COLUMNS: tuple[str, ...] = (
    "batch_stability",
    "fitted_share_pct",
    "configured_share_pct",
)
#: Tables shown with money in 亿元 (sums); the project lists stay in 万元.
_YI_TABLES = ("grades", "batch_by_county", "batch_by_department")
#: Columns of the CSV and of the JSON ``projects`` records, in order (then ``pts_*``).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "project_id",
    "name",
    "county",
    "department",
    "stage",
    "plan_investment",
    "score",
    "grade",
    "grade_zh",
    "passes_gates",
    "in_next_batch",
    "already_started",
    "batch_stability",
    "weight_sensitive",
    "n_missing",
    "missing",
)


# --- the rules in words ------------------------------------------------------------


def pct_zh(v: float) -> str:
    """Return a percent without its sign: whole numbers bare, else one decimal.

    Examples
    --------
    >>> pct_zh(30.0), pct_zh(76.25)
    ('30', '76.2')
    """
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def gate_zh(gate: Gate) -> str:
    """Describe a gate in Chinese.

    Examples
    --------
    >>> gate_zh(Gate("approval", statuses=("已完成", "不需要")))
    '立项须为已完成/不需要'
    >>> gate_zh(Gate("funding", min_pct=30.0))
    '资金落实比例不低于30%'
    """
    label = CRITERION_ZH[gate.criterion]
    if gate.statuses:
        return f"{label}须为{'/'.join(gate.statuses)}"
    if gate.min_pct is not None:
        return f"{label}比例不低于{pct_zh(gate.min_pct)}%"
    return f"{label}须齐全"


def full_credit_zh(criterion: Criterion) -> str:
    """Say in Chinese what earns a criterion its full points.

    Examples
    --------
    >>> full_credit_zh(Criterion("funding", 20.0, "市财政局", complete_pct=80.0))
    '不低于80%'
    """
    if criterion.kind == "status":
        return "已完成或不需要"
    if criterion.kind == "pct":
        return f"不低于{pct_zh(criterion.complete_pct)}%"
    return "重点项目四方齐全"


def rules_zh(config: ReadinessConfig) -> str:
    """Explain the scoring and grade rules in Chinese, with this config's numbers.

    Examples
    --------
    >>> from zjanalysis.readiness import load_config
    >>> "不低于 90 分" in rules_zh(load_config())
    True
    """
    g = config.grades
    half = config.status_credit["办理中"]
    reserve = (
        f"{'、'.join(g.reserve_stages)}阶段或得分低于 {g.reserve_below_score:g} 分"
        if g.reserve_stages
        else f"得分低于 {g.reserve_below_score:g} 分"
    )
    return (
        f"每个项目按下表 {len(config.criteria)} 个评分项打分，折算为 0–100 分："
        "审批类事项“已完成”或“不需要”得全分，"
        f"“办理中”得 {half:.0%}，“未启动”或未填报不得分；"
        "资金落实和征地拆迁按完成比例得分，达到“满分条件”即得全分；"
        "责任主体只对重点项目要求，四方（分管市领导、牵头责任单位、分管行业部门、建设单位）"
        "每缺一方扣四分之一。得不到全分的评分项即为一项“待办”。"
        "未过“门槛”的项目不论得分多少都不下达。\n\n"
        f"等级：**可下达** = 通过全部门槛、待办不超过 {g.ready_max_missing} 项"
        f"且得分不低于 {g.ready_min_score:g} 分；"
        f"**接近成熟** = 待办不超过 {g.close_max_missing} 项；**需完善前期** = 其余；"
        f"**仅作储备** = {reserve}（优先判定）。"
        "下一批从“可下达”、尚未列入本年度计划、尚未开工的"
        f"{'、'.join(config.batch_stages)}项目中选出（本年已调出计划、"
        "台账与节点目标矛盾的项目除外）；已列入计划而尚未开工的成熟项目另列，督促开工。"
    )


def rules_frame(config: ReadinessConfig) -> pd.DataFrame:
    """Return the criteria as the rules table: label, points, weight, full credit, gate, unit.

    Examples
    --------
    >>> from zjanalysis.readiness import load_config
    >>> rules = rules_frame(load_config())
    >>> rules.columns.tolist()
    ['label', 'points', 'weight_pct', 'full_credit', 'gate', 'unit']
    >>> rules.loc[0, ["label", "gate", "unit"]].tolist()
    ['立项', '立项须为已完成/不需要', '市发展改革局']
    """
    gates = {g.criterion: gate_zh(g) for g in config.gates}
    total = config.points.sum()
    return pd.DataFrame(
        {
            "label": [CRITERION_ZH[c.key] for c in config.criteria],
            "points": [c.points for c in config.criteria],
            "weight_pct": [100 * c.points / total for c in config.criteria],
            "full_credit": [full_credit_zh(c) for c in config.criteria],
            "gate": [gates.get(c.key, "") for c in config.criteria],
            "unit": [
                "所在县(市、区)" if c.unit == COUNTY_UNIT else c.unit
                for c in config.criteria
            ],
        }
    )


def columns_zh(config: ReadinessConfig) -> dict[str, str]:
    """Return the Chinese header of every column the report shows.

    The glossary, and ``pts_<criterion>`` as ``<label>得分``.

    Examples
    --------
    >>> from zjanalysis.readiness import load_config
    >>> columns_zh(load_config())["pts_eia"]
    '环评得分'
    """
    return {
        **COLUMNS_ZH,
        **{f"pts_{c.key}": f"{CRITERION_ZH[c.key]}得分" for c in config.criteria},
    }


# --- the to-do texts -----------------------------------------------------------------


def todo_zh(item: tuple[str, Any]) -> str:
    """Word one missing item ``(criterion, state)`` of :func:`~zjanalysis.readiness.score_readiness`.

    Examples
    --------
    >>> todo_zh(("eia", "办理中")), todo_zh(("approval", None))
    ('环评：办理中', '立项：未填报')
    >>> todo_zh(("funding", 76.0)), todo_zh(("land_acquisition", None))
    ('资金落实 76%，缺 24%', '征地拆迁比例：未填报')
    >>> todo_zh(("parties", ("city_leader", "builder")))
    '责任主体未明确：分管市领导、建设单位'
    """
    key, state = item
    label = CRITERION_ZH[key]
    kind = CRITERIA[key][1]
    if kind == "status":
        return f"{label}：{NOT_FILLED_ZH if state is None else state}"
    if kind == "pct":
        if state is None:
            return f"{label}比例：{NOT_FILLED_ZH}"
        u = np.round(state, 1)
        return f"{label} {pct_zh(u)}%，缺 {pct_zh(100 - u)}%"
    return f"责任主体未明确：{'、'.join(PARTY_ZH[p] for p in state)}"


def todo_lists_zh(missing: Iterable[Any]) -> list[list[str]]:
    """Word every row's missing items (lists of ``(criterion, state)``).

    Examples
    --------
    >>> todo_lists_zh([[("eia", "办理中")], []])
    [['环评：办理中'], []]
    """
    cache: dict[tuple[str, Any], str] = {}
    out = []
    for items in missing:
        row = []
        for item in items:
            text = cache.get(item)
            if text is None:
                text = cache[item] = todo_zh(item)
            row.append(text)
        out.append(row)
    return out


def join_todos(values: Iterable[Any]) -> list[str]:
    """Join each row's to-do texts into one cell (``""`` for no list).

    Examples
    --------
    >>> join_todos([["环评：办理中", "立项：未启动"], None])
    ['环评：办理中；立项：未启动', '']
    """
    return [CSV_LIST_SEP.join(v) if isinstance(v, list) else "" for v in values]


# --- the evidence in words -----------------------------------------------------------


def auc_zh(auc: float) -> str:
    """Say how well an AUC predicts on-time starts.

    Examples
    --------
    >>> auc_zh(0.75)
    '评分对按时开工有一定预测力'
    """
    if math.isnan(auc):
        return "无法计算"
    if auc >= 0.8:
        return "评分能较好地预测按时开工"
    if auc >= 0.7:
        return "评分对按时开工有一定预测力"
    if auc >= 0.6:
        return "评分对按时开工的预测力较弱"
    return "评分基本不能预测按时开工"


def evidence_message(evidence: StartModelResult) -> str:
    """State in Chinese what the start model found (or why it could not be fitted)."""
    ev = evidence
    auc = ev.auc
    head = (
        f"{ev.plan_year}年计划内计划当年开工的项目 {ev.n_projects} 个，"
        f"按时开工 {ev.n_on_time} 个"
    )
    if ev.status == "too_few":
        msg = (
            f"{head}。按时与未按时开工的项目都须至少 {ev.min_outcomes} 个才能检验，"
            "本次样本不足，不作回归。"
        )
        if not math.isnan(auc):
            msg += f"评分的 AUC 为 {auc:.2f}（仅供参考）。"
        return msg
    auc_text = auc_zh(auc)
    if ev.status != "ok":
        why = {
            "separation": "评分项能完全区分按时与未按时开工（完全分离），回归系数无法估计",
            "singular": "评分项之间高度重合，回归无法估计",
        }[ev.status]
        return f"{head}。评分的 AUC 为 {auc:.2f}，{auc_text}。{why}，只报告 AUC。"
    coef = ev.coefficients.assign(
        label=[CRITERION_ZH[k] for k in ev.coefficients["criterion"]]
    )
    top = coef.sort_values("fitted_share_pct", ascending=False).dropna(
        subset=["fitted_share_pct"]
    )
    top2 = "、".join(top["label"].head(2))
    sig = coef[(coef["p_value"] < 0.05) & (coef["coef"] > 0)]
    neg = coef[(coef["p_value"] < 0.05) & (coef["coef"] < 0)]
    rho = ev.rank_correlation
    agree = (
        "与配置权重的排序基本一致"
        if rho >= 0.5
        else "与配置权重的排序不太一致，可考虑调整权重"
        if not math.isnan(rho)
        else "无法与配置权重比较"
    )
    sig_text = (
        f"统计显著（P<0.05）的评分项：{'、'.join(sig['label'])}"
        if len(sig)
        else "没有评分项在 P<0.05 水平上显著"
    )
    if len(neg):
        sig_text += (
            f"；与预期方向相反（完成度越高越难按时开工）的：{'、'.join(neg['label'])}"
        )
    rho_text = "" if math.isnan(rho) else f"（等级相关 {rho:.2f}）"
    return (
        f"{head}。评分的 AUC 为 {auc:.2f}，{auc_text}。逻辑回归中影响最大的是{top2}；"
        f"{sig_text}；拟合重要性{agree}{rho_text}。"
    )


def evidence_zh(evidence: StartModelResult | None, is_demo: bool = False) -> str:
    """Return the evidence statement for the report, flagging synthetic demo outcomes.

    Examples
    --------
    >>> evidence_zh(None)
    '数据中没有上一计划年度的开工记录，无法检验评分能否预测按时开工。'
    """
    if evidence is None:
        return "数据中没有上一计划年度的开工记录，无法检验评分能否预测按时开工。"
    text = evidence_message(evidence)
    if is_demo:
        text += (
            "\n\n**注意：演示数据中的开工结果是按设定的模型随机生成的合成数据**，"
            "这里只演示检验方法，结论不代表湛江项目的实际规律。"
        )
    return text


def evidence_frame(evidence: StartModelResult | None) -> pd.DataFrame:
    """Return the fitted importance next to the configured weights, per criterion.

    Columns ``label``, ``coef``, ``p_value``, ``fitted_share_pct``,
    ``configured_share_pct`` (only ``label`` when there is no evidence).
    """
    if evidence is None:
        return pd.DataFrame(columns=["label"])
    coef = evidence.coefficients.drop(columns=["criterion", "std_coef"])
    coef.insert(
        0, "label", [CRITERION_ZH[k] for k in evidence.coefficients["criterion"]]
    )
    return coef


# --- the view ------------------------------------------------------------------------


class ReadinessView(ReportView):
    """The readiness report as the office reads it.

    Parameters
    ----------
    result : zjanalysis.readiness.ReadinessAssessment
    """

    TABLES = REPORT_TABLES
    result: ReadinessAssessment

    @property
    def columns(self) -> dict[str, str]:
        """The Chinese header of every column the report shows (:func:`columns_zh`)."""
        return columns_zh(self.result.config)

    def stage_zh(self) -> str:
        """Name the stages counted in the headline, e.g. ``储备、预备、新开工``."""
        return "、".join(self.result.candidate_stages)

    def headline(self) -> str:
        """Return the one-sentence finding in Chinese (the refusal when refused)."""
        r = self.result
        if self.refusal:
            return self.refusal
        counts = r.count_grades().set_index("grade")
        batch = self.next_batch()
        close = counts.loc["close"]
        n_cand = int(counts["n_projects"].sum())
        n_sensitive = int(r.stability["weight_sensitive"].sum())
        start = self.unstarted()
        text = (
            f"{r.year}年的 {n_cand} 个{self.stage_zh()}项目中，{self._batch_zh(batch)}"
        )
        if start["n_projects"]:
            text += (
                f"；已列入{r.year}年计划的成熟项目中有 {start['n_projects']} 个"
                f"{self._as_of_zh()}尚未开工（年度计划投资 "
                f"{labels.format_yi(start['plan_investment_wan'])}），应督促尽快开工"
            )
        if r.progress_month is None and (batch["n_projects"] or start["n_projects"]):
            text += f"；未收到{r.year}年项目月度进度，以上“尚未开工”未经核实"
        if r.ready_started:
            text += (
                f"；另有 {len(r.ready_started)} 个未列入计划的成熟项目已开工，"
                "应补列计划或核实"
            )
        if r.ready_contradicted:
            text += (
                f"；{len(r.ready_contradicted)} 个成熟项目的台账与节点目标矛盾，"
                "暂不列入，请核实"
            )
        if r.ready_cancelled:
            text += f"；{len(r.ready_cancelled)} 个成熟项目本年已调出计划，不再建议下达"
        text += (
            f"；另有 {int(close['n_projects'])} 个接近成熟"
            f"（{labels.format_yi(float(close['plan_investment']))}），只差一两项前期工作"
        )
        if n_sensitive:
            text += f"；有 {n_sensitive} 个项目是否入选取决于权重设置"
        return text + "。"

    def next_batch(self) -> dict[str, Any]:
        """Return the next batch in numbers: how much of it is new to the plan.

        ``n_projects``, ``plan_investment_wan`` (the ledger's plan money of
        the batch), ``already_in_plan_wan`` (the part already in the year's
        plan: releasing it adds nothing), ``new_to_plan_wan``,
        ``total_investment_wan``, ``n_without_plan_money`` (projects whose
        ledger gives no annual plan money: it is set on release),
        ``n_ready_started`` (ready projects left out because they have
        started), ``n_ready_contradicted``, ``n_ready_cancelled`` and
        ``projects`` (id, name, county, stage, plan and total money,
        ``in_plan``, ``already_started``).
        """
        r = self.result
        out = _money_summary(r.batch)
        return out | {
            "n_ready_started": len(r.ready_started),
            "n_ready_contradicted": len(r.ready_contradicted),
            "n_ready_cancelled": len(r.ready_cancelled),
            "projects": _money_projects(r.batch),
        }

    def unstarted(self) -> dict[str, Any]:
        """Return the ready projects of the plan that have not started, in numbers.

        The keys of :meth:`next_batch` without the ``n_ready_*`` counts: these
        projects need a start, not a release.
        """
        u = self.result.unstarted
        return _money_summary(u) | {"projects": _money_projects(u)}

    def _batch_zh(self, batch: Mapping[str, Any]) -> str:
        """Say what the batch is: how many, how far the reports reach, what money."""
        r = self.result
        n = batch["n_projects"]
        if not n:
            return (
                "没有未列入计划、已成熟且"
                f"{self._as_of_zh()}尚未开工的项目可作为下一批下达"
            )
        text = (
            f"{n} 个未列入{r.year}年计划的项目已成熟且{self._as_of_zh()}尚未开工，"
            f"建议作为下一批下达（总投资 {labels.format_yi(batch['total_investment_wan'])}"
        )
        n_free = batch["n_without_plan_money"]
        if n_free == n:
            return text + "；台账未填年度计划投资，下达时需核定）"
        text += f"，新增年度计划投资 {labels.format_yi(batch['new_to_plan_wan'])}"
        if n_free:
            text += f"；另有 {n_free} 个台账未填年度计划投资，下达时需核定"
        return text + "）"

    def _as_of_zh(self) -> str:
        """Say how far the progress reports reach ("截至1—6月"; "" without any)."""
        m = self.result.progress_month
        return f"截至{labels.month_label(m)}" if m else ""

    BRIEF_LABEL = "项目成熟度"

    def _brief(self) -> list[dict[str, str]]:
        """The batch to release and the ready projects of the plan still to start."""
        r = self.result
        batch, start = self.next_batch(), self.unstarted()
        items = []
        if batch["n_projects"]:
            money = (
                f"新增年度计划投资{labels.format_yi(batch['new_to_plan_wan'])}"
                if batch["n_without_plan_money"] < batch["n_projects"]
                else "年度计划投资下达时核定"
            )
            items.append(
                brief_item(
                    "下一批可下达（纪要一）",
                    f"{batch['n_projects']}个成熟项目，总投资"
                    f"{labels.format_yi(batch['total_investment_wan'])}，{money}",
                    status=ATTENTION,
                    value=f"{batch['n_projects']}个",
                )
            )
        if start["n_projects"]:
            items.append(
                brief_item(
                    "已列入计划、尚未开工",
                    f"{start['n_projects']}个成熟项目{self._as_of_zh()}未开工，年度计划投资"
                    f"{labels.format_yi(start['plan_investment_wan'])}，应督促开工",
                    status=ATTENTION,
                )
            )
        if not items:
            items.append(
                brief_item("项目成熟度", f"{r.year}年暂无可下达或待开工的成熟项目")
            )
        return items

    def finding(self) -> str:
        """Return the finding code: ``attention`` when ready projects wait for release."""
        if self.refusal:
            return super().finding()
        return ATTENTION if len(self.result.batch) else INFO

    def to_frame(self) -> pd.DataFrame:
        """Return one row per project, ``missing`` as lists of to-do texts.

        Otherwise :meth:`zjanalysis.readiness.ReadinessAssessment.to_frame`:
        English columns, numbers as computed.
        """
        full = self.result.to_frame()
        return full.assign(missing=todo_lists_zh(full["missing"]))

    def todos(self) -> pd.DataFrame:
        """Return the to-do list by unit with the criterion and the item in words."""
        t = self.result.todos
        return t.assign(
            criterion=[CRITERION_ZH[k] for k in t["criterion"]],
            item=[todo_zh(i) for i in t["item"]],
        )

    def _frame(self, name: str) -> pd.DataFrame:
        r = self.result
        if name == "rules":
            return rules_frame(r.config)
        if name == "grades":
            return r.count_grades().drop(columns=["grade"])
        if name in ("batch", "unstarted"):
            frame = getattr(r, name)
            if frame.empty and not len(frame.columns):
                frame = r.batch.iloc[0:0]
            return frame.drop(columns=["grade_zh", "in_plan"]).assign(
                missing=join_todos(todo_lists_zh(frame["missing"]))
            )
        if name == "contradictions":
            c = r.contradictions
            if c.empty:
                return pd.DataFrame(
                    {k: [] for k in ("project_id", "name", "county", "criterion")}
                    | {"milestone": [], "due_date": []}
                )
            info = r.projects.drop_duplicates("project_id").set_index("project_id")
            return pd.DataFrame(
                {
                    "project_id": c["project_id"].to_numpy(),
                    "name": info["name"].reindex(c["project_id"]).to_numpy(),
                    "county": info["county"].reindex(c["project_id"]).to_numpy(),
                    "criterion": [CRITERION_ZH[k] for k in c["criterion"]],
                    "milestone": c["milestone"].to_numpy(),
                    "due_date": pd.to_datetime(c["due_date"]).dt.date.to_numpy(),
                }
            )
        if name in ("batch_by_county", "batch_by_department"):
            return getattr(r, name)
        if name == "close":
            full = self.to_frame()
            keep = (full["grade"] == "close") & full["stage"].isin(r.candidate_stages)
            df = full.loc[
                keep,
                ["project_id", "name", "county", "department", "stage", "score"]
                + ["passes_gates", "plan_investment", "missing"],
            ].sort_values(["score", "plan_investment"], ascending=False, kind="stable")
            return df.assign(missing=join_todos(df["missing"]))
        if name == "todo_counts":
            return count_todos_by_unit(r.todos)
        if name == "todos":
            return self.todos()
        if name == "stability":
            full = self.to_frame()
            keep = full["weight_sensitive"] | (
                full["in_next_batch"] & (full["batch_stability"] < 1.0)
            )
            df = full.loc[
                keep,
                ["project_id", "name", "county", "stage", "score", "in_next_batch"]
                + ["batch_stability", "weight_sensitive", "missing"],
            ].sort_values("batch_stability", ascending=False, kind="stable")
            return df.assign(
                batch_stability=100 * df["batch_stability"],
                missing=join_todos(df["missing"]),
            )
        return evidence_frame(r.evidence)

    def table(self, name: str) -> TableSpec:
        """Return table ``name`` for the page.

        Parameters
        ----------
        name : str
            One of :data:`REPORT_TABLES`: ``grades``, ``batch_by_county`` and
            ``batch_by_department`` in 亿元, the others in 万元. When the
            assessment was refused every table but the rules is empty, with
            the refusal as its caption.
        """
        self._check_table(name)
        df = self._frame(name)
        refused = bool(self.refusal) and name != "rules"
        if refused:
            df = df.iloc[0:0]
        return TableSpec(
            df.reset_index(drop=True),
            money=MONEY_COLUMNS,
            pct=PCT_COLUMNS,
            unit="亿元" if name in _YI_TABLES else "万元",
            caption=self.refusal if refused else None,
            refused=refused,
            decimals={"coef": 2, "p_value": 3} if name == "evidence" else {},
            columns=self.columns,
        )

    def rules_note(self) -> str:
        """Explain the scoring and grade rules (:func:`rules_zh`)."""
        return rules_zh(self.result.config)

    def stability_note(self) -> str:
        """Say in Chinese how the weights were perturbed and how many projects are flagged.

        Empty when the assessment was refused.
        """
        r = self.result
        if self.refusal:
            return ""
        st = r.stability
        n_flag = int(st["weight_sensitive"].sum())
        n_batch = int(st["in_next_batch"].sum())
        n_solid = int((st["in_next_batch"] & (st["batch_stability"] >= 0.9)).sum())
        text = (
            f"把每个评分项的分值在 ±{r.spread * 100:g}% 内随机变化 {r.n_draws} 次，"
            "每次重新评分、重新选出下一批，统计每个项目入选的比例。"
            f"按现行权重入选的 {n_batch} 个项目中，{n_solid} 个在九成以上的情形下仍入选；"
        )
        if n_flag:
            text += f"共有 {n_flag} 个项目入选比例在 10%–90% 之间，标为“权重敏感”，能否下达取决于权重怎么定，宜逐个研究。"
        else:
            text += "没有项目的入选与否取决于权重，下一批名单对权重设置是稳健的。"
        return text

    def evidence_note(self, is_demo: bool = False) -> str:
        """Return the evidence statement (:func:`evidence_zh`); empty when refused."""
        return "" if self.refusal else evidence_zh(self.result.evidence, is_demo)

    def excel(self) -> ExcelSpec:
        """Return the workbook: the full scored table first, then the report's tables."""
        r = self.result
        # the grade code (ready/close …) is for JSON; the sheet has 成熟度 in words
        full = self.to_frame().drop(columns=["grade"])
        full = full.assign(
            missing=join_todos(full["missing"]),
            batch_stability=100 * full["batch_stability"],
        )
        sheets = {
            "全部项目评分": full,
            "下一批下达": self.table("batch").df,
            "已列计划未开工": self.table("unstarted").df,
            "台账与节点矛盾": self._frame("contradictions"),
            "按县(市、区)汇总": r.batch_by_county,
            "按部门汇总": r.batch_by_department,
            "各单位待办": self.todos(),
            "权重稳健性": self.table("stability").df,
            "评分规则": rules_frame(r.config),
        }
        if r.evidence is not None:
            sheets["按时开工检验"] = self.table("evidence").df
            sheets["按时开工数据"] = r.evidence.data
        return ExcelSpec(
            sheets, money=MONEY_COLUMNS, pct=PCT_COLUMNS, columns=self.columns
        )

    def _projects(self) -> pd.DataFrame:
        table = self.to_frame()
        cols = list(OUTPUT_COLUMNS) + [c for c in table.columns if c.startswith("pts_")]
        return table[cols]

    def csv_frame(self) -> pd.DataFrame:
        """Return the scored table for ``--csv``: to-dos joined by "；", scores rounded."""
        out = self._projects()
        return out.assign(
            missing=join_todos(out["missing"]),
            score=out["score"].round(2),
            batch_stability=out["batch_stability"].round(3),
        )

    def to_json(self) -> dict[str, Any]:
        """Return the assessment as plain data (English keys) for ``--json``."""
        r = self.result
        ev = r.evidence
        return {
            "year": r.year,
            "config": r.config.source,
            "headline": self.headline(),
            "grades": r.count_grades(),
            "next_batch": self.next_batch(),
            "unstarted_in_plan": self.unstarted(),
            "batch_by_county": r.batch_by_county,
            "batch_by_department": r.batch_by_department,
            "evidence": None
            if ev is None
            else {
                "plan_year": ev.plan_year,
                "n_projects": ev.n_projects,
                "n_on_time": ev.n_on_time,
                "auc": ev.auc,
                "status": ev.status,
                "message": evidence_message(ev),
                "coefficients": ev.coefficients.assign(
                    label=[CRITERION_ZH[k] for k in ev.coefficients["criterion"]]
                )[
                    ["criterion", "label"]
                    + [c for c in ev.coefficients.columns if c != "criterion"]
                ],
            },
            "projects": self._projects(),
        }

    def text(self) -> str:
        """Return the assessment as plain Chinese lines for the terminal."""
        r = self.result
        lines = [self.headline(), ""]
        lines.append(f"各等级（{self.stage_zh()}项目）：")
        for g in r.count_grades().itertuples(index=False):
            lines.append(
                f"  {g.grade_zh}：{g.n_projects} 个，年度计划投资 "
                f"{labels.format_yi(g.plan_investment)}"
            )
        lines.append("")
        for title, frame in (
            ("下一批建议下达", r.batch),
            ("已列入计划、尚未开工，督促开工", r.unstarted),
        ):
            lines.append(f"{title}（{len(frame)} 个）：")
            if frame.empty:
                continue
            rows = frame.assign(missing=todo_lists_zh(frame["missing"]))
            for b in rows.itertuples(index=False):
                todo = f"；待办：{'、'.join(b.missing)}" if b.missing else ""
                lines.append(
                    f"  {b.rank:>3}. {b.project_id} {b.name}（{b.county}，{b.department}）"
                    f" {b.score:.1f} 分，计划投资 {labels.format_wan(b.plan_investment)} 万元{todo}"
                )
        lines.append("")
        lines.append("按县（市、区）合计（万元）：")
        for c in r.batch_by_county.itertuples(index=False):
            if c.n_projects:
                lines.append(
                    f"  {c.county}：{c.n_projects} 个，{labels.format_wan(c.plan_investment)}"
                )
        lines.append("")
        lines.append("各单位待办事项：")
        for u in count_todos_by_unit(r.todos).itertuples(index=False):
            lines.append(f"  {u.unit}：{u.n_items} 项（{u.n_projects} 个项目）")
        sensitive = r.stability[r.stability["weight_sensitive"]]
        lines.append("")
        lines.append(f"权重敏感项目（入选比例在 10%–90% 之间）：{len(sensitive)} 个")
        if r.evidence is not None:
            lines.append("")
            lines.append(evidence_message(r.evidence))
        return "\n".join(lines)


def _money_summary(frame: pd.DataFrame) -> dict[str, Any]:
    """Count a batch-like frame and sum its plan and total money (万元)."""
    if not len(frame):
        frame = pd.DataFrame({"plan_investment": [], "total_investment": []})
    money = pd.to_numeric(frame["plan_investment"], errors="coerce").fillna(0.0)
    total = pd.to_numeric(frame["total_investment"], errors="coerce").fillna(0.0)
    in_plan = (
        frame["in_plan"].to_numpy(dtype=bool)
        if "in_plan" in frame
        else np.zeros(len(frame), bool)
    )
    return {
        "n_projects": len(frame),
        "plan_investment_wan": float(money.sum()),
        "already_in_plan_wan": float(money[in_plan].sum()),
        "new_to_plan_wan": float(money[~in_plan].sum()),
        "total_investment_wan": float(total.sum()),
        "n_without_plan_money": int((money <= 0).sum()),
    }


def _money_projects(frame: pd.DataFrame) -> pd.DataFrame:
    """The project records of a batch-like frame for the JSON (none has started)."""
    cols = [
        "project_id",
        "name",
        "county",
        "stage",
        "plan_investment",
        "total_investment",
    ]
    if frame.empty and not len(frame.columns):
        return pd.DataFrame({c: [] for c in [*cols, "in_plan", "already_started"]})
    in_plan = (
        frame["in_plan"].to_numpy(dtype=bool)
        if "in_plan" in frame
        else np.zeros(len(frame), bool)
    )
    return frame[cols].assign(in_plan=in_plan, already_started=False)
