"""Charts of the SOE plan check: growth per enterprise, execution against time."""

from __future__ import annotations

import math

import pandas as pd

from zjanalysis import defaults, plots, soe


def _short_name(name: str) -> str:
    """Drop the leading 市 of the enterprises named in the minutes for axis labels."""
    return name[1:] if name.startswith("市") and len(name) > 4 else name


_EXECUTION_COLORS: dict[str, str] = {
    soe.EXECUTION_BEHIND: plots.STATUS_COLORS["红"],
    soe.EXECUTION_PLAN_NOT_IN_PROJECTS: plots.STATUS_COLORS["黄"],
    soe.EXECUTION_UNTRACKED: plots.COLORS["neutral"],
}


def _say_no_data(ax) -> None:
    ax.text(
        0.5,
        0.5,
        "无数据",
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=plots.COLORS["neutral"],
        fontsize=14,
    )


def plot_soe_growth(
    enterprises: pd.DataFrame, target_growth_pct: float = defaults.TARGET_GROWTH_PCT
):
    """Plot each enterprise's planned growth as a bar, with the target as a line.

    Parameters
    ----------
    enterprises : pd.DataFrame
        :meth:`zjanalysis.soe.SoePlanCheck.to_frame` (``soe_name``,
        ``growth_pct``, ``growth_status``, ``meets_target``).
    target_growth_pct : float, default defaults.TARGET_GROWTH_PCT
        Drawn as a vertical line.

    Returns
    -------
    matplotlib.figure.Figure
        Green bars meet the target, red bars fall short; enterprises without a
        base year or without a plan are named with their status instead of a bar.

    Examples
    --------
    >>> df = pd.DataFrame({"soe_name": ["甲", "乙"], "growth_pct": [25.0, float("nan")],
    ...                    "growth_status": ["达标", "无基数"],
    ...                    "meets_target": pd.array([True, pd.NA], dtype="boolean")})
    >>> type(plot_soe_growth(df)).__name__
    'Figure'
    """
    rows = enterprises.iloc[::-1]  # first enterprise at the top
    n = max(len(rows), 1)
    fig, ax = plots.new_figure(figsize=(8.0, 1.2 + 0.55 * n))
    y = range(len(rows))
    values = rows["growth_pct"].astype("float64")
    meets = rows["meets_target"].eq(True).fillna(False).astype(bool)
    colors = [plots.STATUS_COLORS["绿" if m else "红"] for m in meets]
    ax.barh(list(y), values.fillna(0.0), color=colors, height=0.6)
    finite = [v for v in values if not math.isnan(v)]
    span = max([abs(v) for v in finite] + [float(target_growth_pct)]) or 1.0
    for i, (v, status) in enumerate(zip(values, rows["growth_status"], strict=True)):
        if math.isnan(v):
            ax.text(
                span * 0.02,
                i,
                status,
                va="center",
                ha="left",
                color=plots.COLORS["neutral"],
            )
        else:
            ax.text(
                v + span * 0.02 if v >= 0 else v - span * 0.02,
                i,
                f"{v:+.1f}%",
                va="center",
                ha="left" if v >= 0 else "right",
                color=plots.COLORS["text"],
            )
    ax.axvline(
        float(target_growth_pct),
        color=plots.COLORS["target"],
        linestyle="--",
        linewidth=1.5,
    )
    ax.text(
        float(target_growth_pct),
        len(rows) - 0.4,
        f"目标 {target_growth_pct:g}%",
        color=plots.COLORS["target"],
        ha="left",
        va="bottom",
    )
    ax.axvline(0.0, color=plots.COLORS["neutral"], linewidth=0.8)
    ax.set_yticks(list(y), [_short_name(str(s)) for s in rows["soe_name"]])
    ax.set_xlim(min(min(finite, default=0.0), 0.0) - span * 0.25, span * 1.3)
    ax.set_ylim(-0.6, len(rows) - 0.1 + 0.5)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    if rows.empty:
        _say_no_data(ax)
    ax.set_xlabel("本年计划比上年完成增长（%）")
    ax.set_title("各国有企业在湛投资计划增长")
    return fig


def plot_soe_execution(enterprises: pd.DataFrame):
    """Plot completion year to date against the expected share, per enterprise.

    Parameters
    ----------
    enterprises : pd.DataFrame
        :meth:`zjanalysis.soe.SoePlanCheck.to_frame` (``soe_name``,
        ``completion_pct``, ``expected_pct``, ``execution_status`` or ``behind``).
        Enterprises without
        a plan are left out.

    Returns
    -------
    matplotlib.figure.Figure
        Bars: percent of the declared plan completed (red when the projects
        are behind, amber when only the unbacked part of the plan is); black
        ticks: the share expected by the as-of month.

    Examples
    --------
    >>> df = pd.DataFrame({"soe_name": ["甲"], "completion_pct": [30.0],
    ...                    "expected_pct": [50.0],
    ...                    "behind": pd.array([True], dtype="boolean")})
    >>> type(plot_soe_execution(df)).__name__
    'Figure'
    """
    rows = enterprises.loc[enterprises["expected_pct"].notna()].iloc[::-1]
    n = max(len(rows), 1)
    fig, ax = plots.new_figure(figsize=(8.0, 1.2 + 0.55 * n))
    y = list(range(len(rows)))
    status = (
        rows["execution_status"]
        if "execution_status" in rows.columns
        else rows["behind"].map({True: soe.EXECUTION_BEHIND}).fillna("")
    )
    colors = [_EXECUTION_COLORS.get(str(v), plots.COLORS["primary"]) for v in status]
    done = rows["completion_pct"].astype("float64")
    ax.barh(y, done, color=colors, height=0.6)
    ax.scatter(
        rows["expected_pct"],
        y,
        marker="|",
        s=500,
        linewidths=2.5,
        color=plots.COLORS["text"],
        zorder=3,
    )
    for i, (v, st) in enumerate(zip(done.fillna(0.0), status, strict=True)):
        note = "" if st in ("", soe.EXECUTION_OK) else f"  {st}"
        ax.text(
            v + 1.0,
            i,
            f"{v:.1f}%{note}",
            va="center",
            ha="left",
            color=plots.COLORS["text"],
        )
    ax.set_yticks(y, [_short_name(str(s)) for s in rows["soe_name"]])
    top = max([100.0, *done.fillna(0.0).tolist()])
    ax.set_xlim(0.0, top * 1.1)
    ax.set_ylim(-0.6, len(rows) - 0.1 + 0.5)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    if rows.empty:
        _say_no_data(ax)
    ax.set_xlabel("累计完成占年度计划（%）")
    ax.set_title("国有企业投资计划执行进度")
    from matplotlib.patches import Patch

    handles = [
        Patch(color=plots.COLORS["primary"], label="已完成占年度计划"),
        Patch(color=plots.STATUS_COLORS["红"], label="项目进度滞后"),
        Patch(color=plots.STATUS_COLORS["黄"], label="计划未落实到项目"),
        plots.expected_progress_handle(14),
    ]
    ax.legend(handles=handles, loc="lower right")
    return fig
