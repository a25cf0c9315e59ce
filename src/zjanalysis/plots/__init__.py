"""Share one chart style for every report: colours, the Chinese font, figures.

Plot functions in the submodules (``plots.forecast``, ``plots.readiness`` …)
follow three rules so that notebooks, tests and the HTML reports agree:

- they build figures with :func:`new_figure` (a plain
  :class:`matplotlib.figure.Figure`, not pyplot), so a figure is never shown
  twice and never leaks into the next cell;
- they return the Figure and never call ``show()`` or ``savefig()``;
- they use the colours below, so status colours mean the same in every report.

Call :func:`apply_style` once (``report.setup_notebook`` does it) before drawing.

Examples
--------
>>> from zjanalysis import plots
>>> plots.apply_style()
>>> fig, ax = plots.new_figure()
>>> _ = ax.bar(["赤坎区", "霞山区"], [1.0, 2.0], color=plots.COLORS["primary"])
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

#: The Noto Sans CJK SC font shipped in the ``mplfonts`` wheel.
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: The family name matplotlib reads from that file.
CJK_FONT_FAMILY = "Noto Sans CJK SC"

#: Named colours used by every chart and table.
COLORS: dict[str, str] = {
    "primary": "#1f5fa8",  # actual / this year
    "secondary": "#8fb3de",  # comparison / last year
    "target": "#c0392b",  # the target line
    "forecast": "#e67e22",  # forecast and its interval
    "neutral": "#7f8c8d",
    "grid": "#e5e8ec",
    "text": "#2c3e50",
}
#: Traffic-light colours (red / amber / green) for statuses.
STATUS_COLORS: dict[str, str] = {
    "红": "#d64541",
    "黄": "#f0b429",
    "绿": "#2e9d5b",
}
#: A qualitative palette for several series (e.g. the 11 counties).
PALETTE: tuple[str, ...] = (
    "#1f5fa8",
    "#e67e22",
    "#2e9d5b",
    "#c0392b",
    "#8e44ad",
    "#16a085",
    "#d35400",
    "#2c3e50",
    "#7f8c8d",
    "#b7950b",
    "#5d6d7e",
)


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Return the path of the Noto Sans CJK SC font file shipped by ``mplfonts``.

    Raises
    ------
    FileNotFoundError
        When ``mplfonts`` is installed without the font (it should never be).
    """
    import importlib.util

    spec = importlib.util.find_spec("mplfonts")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            "找不到中文字体包 mplfonts，请运行 make env / "
            "the mplfonts package is missing: run `make env`"
        )
    path = Path(spec.origin).parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"mplfonts has no {CJK_FONT_FILE} at {path}")
    return path


def style_rc() -> dict[str, object]:
    """Return the matplotlib rc settings of the report style.

    Examples
    --------
    >>> style_rc()["axes.unicode_minus"]
    False
    """
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FONT_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.figsize": (8.0, 4.2),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "axes.edgecolor": "#b0b7bf",
        "axes.labelcolor": COLORS["text"],
        "axes.titlesize": 13,
        "axes.titleweight": "normal",
        "axes.titlelocation": "left",
        "axes.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "axes.prop_cycle": _cycler(),
        "grid.color": COLORS["grid"],
        "grid.linewidth": 0.8,
        "xtick.color": COLORS["text"],
        "ytick.color": COLORS["text"],
        "legend.frameon": False,
        "legend.fontsize": 10,
    }


def _cycler():
    from cycler import cycler

    return cycler(color=list(PALETTE))


def register_cjk_font() -> str:
    """Register the CJK font with matplotlib and return its family name.

    Examples
    --------
    >>> register_cjk_font()
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = str(cjk_font_path())
    known = {f.fname for f in font_manager.fontManager.ttflist}
    if path not in known:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def apply_style() -> None:
    """Register the Chinese font and set the report chart style globally.

    Examples
    --------
    >>> apply_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["font.sans-serif"][0]
    'Noto Sans CJK SC'
    """
    import logging

    import matplotlib

    register_cjk_font()
    # The shipped font has one weight; a plot asking for bold gets the regular
    # face, and font_manager would log that on every text item.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    matplotlib.rcParams.update(style_rc())


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    figsize: tuple[float, float] | None = None,
    **subplot_kw: object,
):
    """Create a Figure with subplots in the report style, outside pyplot.

    Parameters
    ----------
    nrows, ncols : int, default 1
        Grid of axes.
    figsize : tuple of float, optional
        Inches; the style default (8 x 4.2) when omitted.
    **subplot_kw
        Passed to :meth:`matplotlib.figure.Figure.subplots` (e.g. ``sharex``).

    Returns
    -------
    (Figure, Axes or array of Axes)
        Display the figure by making it a cell's last expression.

    Examples
    --------
    >>> fig, axes = new_figure(1, 2)
    >>> len(axes)
    2
    """
    from matplotlib.figure import Figure

    apply_style()
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def status_color(value: object) -> str | None:
    """Return the traffic-light colour for a status value, or None.

    Accepts 红/黄/绿 and common synonyms (pass/fail, 达标/未达标, 错误/提示).

    Examples
    --------
    >>> status_color("红")
    '#d64541'
    >>> status_color("pass")
    '#2e9d5b'
    >>> status_color("其他") is None
    True
    """
    key = _STATUS_SYNONYMS.get(str(value).strip().lower())
    return STATUS_COLORS.get(key) if key else None


_STATUS_SYNONYMS: dict[str, str] = {
    **{
        k: "红"
        for k in (
            "红",
            "red",
            "fail",
            "failed",
            "错误",
            "error",
            "未达标",
            "不通过",
            "失败",
            "滞后",
        )
    },
    **{
        k: "黄"
        for k in ("黄", "yellow", "amber", "warn", "warning", "提示", "关注", "预警")
    },
    **{
        k: "绿"
        for k in ("绿", "green", "pass", "passed", "ok", "达标", "通过", "正常", "成功")
    },
}


def expected_progress_handle(markersize: float = 13):
    """Return the legend entry for the 按进度应完成 tick drawn on progress bars."""
    from matplotlib.lines import Line2D

    return Line2D(
        [],
        [],
        color=COLORS["text"],
        marker="|",
        linestyle="None",
        markersize=markersize,
        markeredgewidth=2.5,
        label="按进度应完成",
    )
