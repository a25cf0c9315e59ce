"""Chart of the gap-closing report: what the year needs, what the pace brings, the sources."""

from __future__ import annotations

import math

from zjanalysis import plots
from zjanalysis.gap import GapResult


def _yi(amount_wan: float) -> float:
    return float(amount_wan) / 1e4


def plot_gap_sources(result: GapResult):
    """Plot the city's required vs forecast investment, then the gap beside its sources.

    Parameters
    ----------
    result : zjanalysis.gap.GapResult

    Returns
    -------
    matplotlib.figure.Figure or None
        None when the analysis was refused or the year is over (the headline
        says why). Left: what the remaining months need and what the forecast
        pace brings (80% range as a whisker), in 亿元. Right: the gap (red, or
        "无缺口"), each source (green) and what they leave uncovered (red).

    Examples
    --------
    See ``tests/test_gap.py``.
    """
    if result.refusal or result.is_outcome or result.city is None:
        return None
    c = result.city
    fig, (left, right) = plots.new_figure(
        1, 2, figsize=(10.0, 3.8), gridspec_kw={"width_ratios": [1, 1.25]}
    )
    need, can = _yi(c.required_remaining_wan), _yi(c.forecast_remaining_wan)
    lo, hi = (_yi(v) for v in c.forecast_remaining_80_wan)
    left.barh([1], [need], color=plots.COLORS["target"], height=0.55)
    left.barh([0], [can], color=plots.COLORS["forecast"], height=0.55)
    left.errorbar(
        [can],
        [0],
        xerr=[[max(can - lo, 0.0)], [max(hi - can, 0.0)]],
        fmt="none",
        ecolor=plots.COLORS["text"],
        capsize=6,
        linewidth=1.5,
    )
    top = max(need, hi, 1e-9)
    for y, v in ((1, need), (0, can)):
        left.text(v + top * 0.02, y + 0.32, f"{v:,.2f}", va="center", fontsize=10)
    left.set_yticks([1, 0], ["需完成", "按当前走势\n可完成"])
    left.set_xlim(0, top * 1.18)
    left.set_xlabel("亿元")
    left.grid(axis="y", visible=False)
    left.grid(axis="x", visible=True)
    left.set_title(f"余下{result.months_left}个月（80%区间为黑线）")

    gap = _yi(c.gap_wan)
    names = ["缺口"]
    values = [max(gap, 0.0)]
    colors = [plots.STATUS_COLORS["红"]]
    for s in result.sources.itertuples(index=False):
        names.append(str(s.gap_source).replace("，", "\n"))
        values.append(_yi(s.amount_wan) if math.isfinite(s.amount_wan) else 0.0)
        colors.append(plots.STATUS_COLORS["绿"])
    uncovered = _yi(result.uncovered_wan) if gap > 0 else 0.0
    names.append("来源未覆盖")
    values.append(uncovered)
    colors.append(
        plots.STATUS_COLORS["红"] if uncovered > 0 else plots.COLORS["neutral"]
    )
    y = list(range(len(names)))[::-1]
    right.barh(y, values, color=colors, height=0.6)
    vmax = max([*values, 1e-9])
    for yi_, v, name in zip(y, values, names, strict=True):
        label = f"{v:,.2f}"
        if name == "缺口" and gap <= 0:
            label = "无缺口"
        right.text(v + vmax * 0.02, yi_, label, va="center", fontsize=10)
    right.set_yticks(y, names, fontsize=9)
    right.set_xlim(0, vmax * 1.25)
    right.set_xlabel("亿元")
    right.grid(axis="y", visible=False)
    right.grid(axis="x", visible=True)
    right.set_title("缺口与补缺来源" if gap > 0 else "按当前走势可达目标，来源为余量")
    return fig
