"""Charts of the readiness report: score distribution, batch by county, evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zjanalysis import labels, plots

#: Colour of each grade (code -> colour), best first.
GRADE_COLORS: dict[str, str] = {
    "ready": plots.STATUS_COLORS["绿"],
    "close": plots.STATUS_COLORS["黄"],
    "prework": "#e67e22",
    "reserve": plots.COLORS["neutral"],
}
_GRADE_ZH = {
    "ready": "可下达",
    "close": "接近成熟",
    "prework": "需完善前期",
    "reserve": "仅作储备",
}


def _say_no_data(ax, text: str = "无数据") -> None:
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=plots.COLORS["neutral"],
        fontsize=14,
    )


def plot_score_distribution(
    scored: pd.DataFrame, ready_min_score: float = 90.0, bin_width: float = 5.0
):
    """Plot how many projects fall in each score band, stacked by grade.

    Parameters
    ----------
    scored : pandas.DataFrame
        ``score`` and ``grade`` per project (e.g. the rows of
        :meth:`zjanalysis.readiness.ReadinessAssessment.to_frame` to show).
    ready_min_score : float, default 90.0
        Drawn as a dashed line: the least score a project needs to be released.
    bin_width : float, default 5.0
        Width of the score bands.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"score": [95.0, 88.0, 30.0], "grade": ["ready", "close", "reserve"]})
    >>> type(plot_score_distribution(df)).__name__
    'Figure'
    """
    fig, ax = plots.new_figure(figsize=(8.0, 4.2))
    if scored.empty:
        _say_no_data(ax)
        return fig
    edges = np.arange(0.0, 100.0 + bin_width, bin_width)
    centers = (edges[:-1] + edges[1:]) / 2
    bottom = np.zeros(len(centers))
    # a score of exactly 100 belongs to the last band
    scores = np.clip(scored["score"].to_numpy(dtype=float), 0, 100 - 1e-9)
    for grade, color in GRADE_COLORS.items():
        mask = scored["grade"].to_numpy() == grade
        counts, _ = np.histogram(scores[mask], bins=edges)
        ax.bar(
            centers,
            counts,
            width=bin_width * 0.9,
            bottom=bottom,
            color=color,
            label=f"{_GRADE_ZH[grade]}（{int(mask.sum())}个）",
        )
        bottom += counts
    ax.axvline(
        ready_min_score, color=plots.COLORS["target"], linestyle="--", linewidth=1.2
    )
    ax.text(
        ready_min_score,
        bottom.max() * 1.02 if bottom.max() else 1,
        f" 可下达线 {ready_min_score:g} 分",
        color=plots.COLORS["target"],
        va="bottom",
        ha="right",
        fontsize=10,
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel("成熟度得分（0–100）")
    ax.set_ylabel("项目数（个）")
    ax.set_title("项目成熟度得分分布")
    ax.legend(loc="upper left")
    return fig


def plot_batch_by_county(batch_by_county: pd.DataFrame):
    """Plot the next batch's investment per county (亿元), largest at the top.

    The annual plan money when the ledger gives any; otherwise (reserve
    projects carry none until they are released) the total investment, and
    the axis says which.

    Parameters
    ----------
    batch_by_county : pandas.DataFrame
        :func:`zjanalysis.readiness.summarise_batch` ``["county"]``; the 合计
        row and counties with nothing in the batch are left out of the bars.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"county": ["霞山区", "赤坎区", "合计"], "n_projects": [2, 0, 2],
    ...                    "plan_investment": [30000.0, 0.0, 30000.0],
    ...                    "total_investment": [90000.0, 0.0, 90000.0]})
    >>> plot_batch_by_county(df).axes[0].get_xlabel()
    '年度计划投资（亿元）'
    >>> plot_batch_by_county(df.assign(plan_investment=0.0)).axes[0].get_xlabel()
    '总投资（亿元；台账未填年度计划投资）'
    """
    rows = batch_by_county[
        (batch_by_county["county"] != "合计") & (batch_by_county["n_projects"] > 0)
    ]
    fig, ax = plots.new_figure(figsize=(8.0, 1.2 + 0.45 * max(len(rows), 1)))
    if rows.empty:
        _say_no_data(ax, "本批没有可下达的项目")
        return fig
    if rows["plan_investment"].fillna(0).sum() > 0:
        column, what = "plan_investment", "年度计划投资"
        xlabel = "年度计划投资（亿元）"
    else:
        column, what = "total_investment", "总投资"
        xlabel = "总投资（亿元；台账未填年度计划投资）"
    rows = rows.sort_values(column)
    values = rows[column].to_numpy(dtype=float) / labels.WAN_PER_YI
    y = np.arange(len(rows))
    ax.barh(y, values, color=plots.COLORS["primary"], height=0.6)
    for i, (v, n) in enumerate(zip(values, rows["n_projects"], strict=True)):
        ax.text(v, i, f" {v:,.2f}（{int(n)}个）", va="center", fontsize=10)
    ax.set_yticks(y, rows["county"].tolist())
    ax.set_xlim(0, max(values.max(), 1e-9) * 1.25)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    ax.set_title(f"下一批可下达项目的{what}（按县、市、区）")
    return fig
    values = rows["plan_investment"].to_numpy(dtype=float) / labels.WAN_PER_YI
    y = np.arange(len(rows))
    ax.barh(y, values, color=plots.COLORS["primary"], height=0.6)
    for i, (v, n) in enumerate(zip(values, rows["n_projects"], strict=True)):
        ax.text(v, i, f" {v:,.2f}（{int(n)}个）", va="center", fontsize=10)
    ax.set_yticks(y, rows["county"].tolist())
    ax.set_xlim(0, values.max() * 1.25)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("年度计划投资（亿元）")
    ax.set_title("下一批可下达项目的年度计划投资（按县、市、区）")
    return fig


def plot_fitted_vs_configured(coefficients: pd.DataFrame):
    """Plot each criterion's fitted importance next to its configured weight (%).

    Parameters
    ----------
    coefficients : pandas.DataFrame
        The evidence table (``ReadinessView(result).table("evidence").df``,
        :func:`zjanalysis.reports.readiness.evidence_frame`): ``label``,
        ``fitted_share_pct``, ``configured_share_pct``.

    Returns
    -------
    matplotlib.figure.Figure
        Paired horizontal bars; a criterion that could not be fitted (no
        variation in the data, or no model) shows only its configured weight.

    Examples
    --------
    >>> df = pd.DataFrame({"label": ["立项", "环评"], "fitted_share_pct": [70.0, 30.0],
    ...                    "configured_share_pct": [60.0, 40.0]})
    >>> type(plot_fitted_vs_configured(df)).__name__
    'Figure'
    """
    rows = coefficients.iloc[::-1]
    n = max(len(rows), 1)
    fig, ax = plots.new_figure(figsize=(8.0, 1.4 + 0.5 * n))
    if coefficients.empty:
        _say_no_data(ax)
        return fig
    y = np.arange(len(rows))
    h = 0.38
    ax.barh(
        y + h / 2,
        rows["configured_share_pct"].to_numpy(dtype=float),
        height=h,
        color=plots.COLORS["secondary"],
        label="配置权重",
    )
    fitted = rows["fitted_share_pct"].to_numpy(dtype=float)
    ax.barh(
        y - h / 2,
        np.nan_to_num(fitted),
        height=h,
        color=plots.COLORS["primary"],
        label="按时开工回归的拟合重要性",
    )
    ax.set_yticks(y, rows["label"].tolist())
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("占全部评分项的比重（%）")
    ax.set_title("评分权重与实际按时开工的关系")
    ax.legend(loc="lower right")
    return fig
