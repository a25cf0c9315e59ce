"""Charts of the monthly circular: completion against the expected rate."""

from __future__ import annotations

import math

import pandas as pd

from zjanalysis import plots


def _status_color(status: object) -> str:
    return plots.status_color(status) or plots.COLORS["neutral"]


def plot_completion_vs_expected(
    ranking: pd.DataFrame, by: str = "county", title: str | None = None
):
    """Plot each unit's completion rate as a bar and its expected rate as a tick.

    Parameters
    ----------
    ranking : pd.DataFrame
        :func:`zjanalysis.circular.rank_completion` output (``by``,
        ``completion_pct``, ``expected_pct``, ``status``), best first.
    by : str, default "county"
        The unit column (``"county"`` or ``"department"``).
    title : str, optional
        Chart title; a Chinese default names the unit.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars coloured by status (绿/黄/红), best unit at the top;
        black ticks at the expected rate; units without plan are named
        "无计划" without a bar.

    Examples
    --------
    >>> df = pd.DataFrame({"county": ["甲", "乙", "丙"],
    ...     "completion_pct": [45.0, 30.0, float("nan")],
    ...     "expected_pct": [42.0, 42.0, 42.0], "status": ["绿", "红", "无计划"]})
    >>> type(plot_completion_vs_expected(df)).__name__
    'Figure'
    """
    rows = ranking.iloc[::-1]
    n = max(len(rows), 1)
    fig, ax = plots.new_figure(figsize=(8.0, 1.3 + 0.42 * n))
    y = list(range(len(rows)))
    done = rows["completion_pct"].astype("float64")
    ax.barh(
        y,
        done.fillna(0.0),
        color=[_status_color(s) for s in rows["status"]],
        height=0.62,
    )
    ax.scatter(
        rows["expected_pct"].astype("float64"),
        y,
        marker="|",
        s=380,
        linewidths=2.5,
        color=plots.COLORS["text"],
        zorder=3,
    )
    top = max([50.0, *done.dropna().tolist(), *rows["expected_pct"].dropna().tolist()])
    expected = rows["expected_pct"].astype("float64").fillna(0.0)
    for i, (v, e, st) in enumerate(zip(done, expected, rows["status"], strict=True)):
        text = str(st) if math.isnan(v) else f"{v:.1f}%"
        # the label goes right of both the bar and the tick, so neither hides it
        ax.text(
            max(0.0 if math.isnan(v) else v, e) + top * 0.02,
            i,
            text,
            va="center",
            ha="left",
            color=plots.COLORS["text"],
            fontsize=10,
        )
    ax.set_yticks(y, [str(s) for s in rows[by]])
    ax.set_xlim(0.0, top * 1.2)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    if rows.empty:
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
    ax.set_xlabel("累计完成占年度计划（%）")
    unit = "各县（市、区）" if by == "county" else "各行业主管部门"
    ax.set_title(title or f"{unit}完成年度计划情况")
    from matplotlib.patches import Patch

    handles = [
        Patch(color=plots.STATUS_COLORS["绿"], label="正常"),
        Patch(color=plots.STATUS_COLORS["黄"], label="稍慢"),
        Patch(color=plots.STATUS_COLORS["红"], label="滞后"),
        plots.expected_progress_handle(13),
    ]
    fig.legend(handles=handles, loc="outside lower center", fontsize=9, ncols=4)
    return fig
