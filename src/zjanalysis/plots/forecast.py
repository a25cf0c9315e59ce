"""Charts of the FAI forecast: the fan chart of cumulative growth against the target."""

from __future__ import annotations

import numpy as np

from zjanalysis import plots
from zjanalysis.labels import month_label


def plot_forecast_fan(result, message: str = ""):
    """Plot the year's cumulative growth, the forecast fan, the target and the on-track path.

    Parameters
    ----------
    result : zjanalysis.forecast.ForecastResult or None
        The forecast; None draws ``message`` in an empty chart instead.
    message : str, default ""
        Shown when there is no forecast (e.g. the data have errors).

    Returns
    -------
    matplotlib.figure.Figure
        x axis 1—2月 … 1—12月; the previous year's path in grey, this year's in
        blue, the point forecast dashed orange with its 80% (dark) and 95%
        (light) fan, the target as a red line and the path that reaches it as a
        red dotted line. At 1—12月 (``result.is_outcome``) the year is known:
        no forecast and no fan, the year's result is labelled at 1—12月.

    Examples
    --------
    >>> type(plot_forecast_fan(None, "无数据")).__name__
    'Figure'
    """
    fig, ax = plots.new_figure(figsize=(9.0, 4.8))
    months = np.arange(2, 13)
    ax.set_xticks(months, [month_label(m) for m in months])
    ax.set_ylabel("累计同比增长（%）")
    if result is None:
        ax.text(
            0.5,
            0.5,
            message or "无数据",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=plots.COLORS["neutral"],
            fontsize=13,
            wrap=True,
        )
        ax.set_title("固定资产投资累计增速预测")
        return fig
    p = result.path
    c = plots.COLORS
    ax.plot(
        months,
        p["prev_year_growth_pct"],
        color=c["neutral"],
        lw=1.2,
        alpha=0.7,
        marker="o",
        ms=3,
        label=f"{result.year - 1}年（上年）",
    )
    if result.is_outcome:
        return _draw_outcome(ax, result, months)
    ax.fill_between(
        months,
        p["lo95_pct"],
        p["hi95_pct"],
        color=c["forecast"],
        alpha=0.15,
        lw=0,
        label="95%区间",
    )
    ax.fill_between(
        months,
        p["lo80_pct"],
        p["hi80_pct"],
        color=c["forecast"],
        alpha=0.32,
        lw=0,
        label="80%区间",
    )
    ax.plot(
        months, p["point_growth_pct"], color=c["forecast"], lw=2, ls="--", label="预测"
    )
    _draw_actual_and_target(ax, result, months)
    if p["on_track_growth_pct"].notna().any():
        ax.plot(
            months,
            p["on_track_growth_pct"],
            color=c["target"],
            lw=1.6,
            ls=":",
            label="达标所需路径",
        )
    end = p.iloc[-1]
    ax.annotate(
        f"预测 {end['point_growth_pct']:.1f}%",
        (12, end["point_growth_pct"]),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        color=c["forecast"],
        fontsize=10,
        annotation_clip=False,
    )
    ax.set_xlim(1.6, 12.9)
    ax.set_title(
        f"{result.region}{result.year}年固定资产投资累计增速："
        f"截至{month_label(result.as_of_month)}的实际与全年预测"
    )
    ax.legend(loc="upper right", ncols=2, fontsize=9)
    return fig


def _draw_actual_and_target(ax, result, months):
    """Draw this year's published path and the target line (both chart kinds)."""
    c = plots.COLORS
    ax.plot(
        months,
        result.path["actual_growth_pct"],
        color=c["primary"],
        lw=2.4,
        marker="o",
        ms=5,
        label=f"{result.year}年实际",
    )
    ax.axhline(
        result.target_growth_pct,
        color=c["target"],
        lw=1.2,
        label=f"目标 {result.target_growth_pct:g}%",
    )


def _draw_outcome(ax, result, months):
    """Finish the chart of a known year: actual path, target, the result label."""
    c = plots.COLORS
    _draw_actual_and_target(ax, result, months)
    ax.annotate(
        f"全年 {result.point_growth_pct:.1f}%",
        (12, result.point_growth_pct),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        color=c["primary"],
        fontsize=10,
        annotation_clip=False,
    )
    ax.set_xlim(1.6, 12.9)
    ax.set_title(
        f"{result.region}{result.year}年固定资产投资累计增速：全年结果（1—12月）"
    )
    ax.legend(loc="upper right", ncols=2, fontsize=9)
    return ax.figure
