"""Turn executed notebooks into self-contained, offline HTML pages.

The pages have no ``<script>`` and load nothing from the network: the custom
nbconvert template ``templates/nbconvert/zjreport`` extends JupyterLab's and
empties every block that pulls require.js, MathJax, mermaid or widgets from a
CDN, and hides stderr. This module adds a readable page style with a Chinese
font stack and embeds a subset of Noto Sans CJK SC (only the characters the
page uses, as a base64 WOFF ``@font-face``), so Chinese renders even on a
machine without a CJK font.

The pages this package writes itself (the index, the provenance block, a failed
report's banner) come from autoescaped Jinja2 templates in
``templates/*.html.j2`` (:func:`render`), never from markup pieced together in
Python: every value is escaped where it is shown.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The package's templates: the pages (``*.html.j2``) and nbconvert's below.
PAGE_TEMPLATE_DIR: Path = Path(__file__).resolve().parent / "templates"
TEMPLATE_DIR: Path = PAGE_TEMPLATE_DIR / "nbconvert"
TEMPLATE_NAME = "zjreport"
#: Family name of the embedded font subset.
EMBEDDED_FAMILY = "ZJ Noto Sans CJK SC"
#: Fonts tried in order; the embedded subset is the fallback of last resort.
FONT_STACK = (
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", '
    f'"Source Han Sans SC", "WenQuanYi Micro Hei", "{EMBEDDED_FAMILY}", sans-serif'
)
STYLE_MARKER = "/* zjanalysis-page-style */"
#: Font tables a horizontal page never uses (see :func:`subset_font_woff`).
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG")
_BASIC_CHARS = (
    "".join(chr(c) for c in range(0x20, 0x7F)) + "，。、：；？！（）《》「」—…·％"
)

#: Page style shared by the reports and the index page.
PAGE_CSS = f"""
:root {{
  --jp-content-font-family: {FONT_STACK};
  --jp-ui-font-family: {FONT_STACK};
  --jp-content-font-size1: 15px;
  --jp-content-line-height: 1.65;
  --jp-code-font-family: "Noto Sans Mono CJK SC", Menlo, Consolas, monospace;
}}
html, body {{ background: #ffffff; }}
body {{
  font-family: {FONT_STACK};
  color: #1b2a3a;
  max-width: 1120px;
  margin: 0 auto !important;
  padding: 24px 32px 48px 32px !important;
}}
.jp-RenderedHTMLCommon h1 {{
  font-size: 26px; border-bottom: 3px solid #1f5fa8; padding-bottom: 8px;
}}
.jp-RenderedHTMLCommon h2 {{
  font-size: 20px; margin-top: 28px; color: #1f5fa8;
}}
.jp-RenderedHTMLCommon h3 {{ font-size: 17px; }}
.jp-RenderedHTMLCommon blockquote {{
  color: #5d6d7e; border-left: 4px solid #c9d6e3; background: #f7f9fb;
}}
.jp-RenderedHTMLCommon table {{ font-size: 14px; margin: 6px 0 12px 0; }}
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {{
  font-variant-numeric: tabular-nums;
}}
.jp-RenderedHTMLCommon tbody tr:nth-child(odd) {{ background: #fafbfc; }}
.jp-RenderedImage img, .jp-OutputArea-output img {{ max-width: 100%; height: auto; }}
.jp-OutputArea-output pre {{ white-space: pre-wrap; }}
.zj-note {{ color: #5d6d7e; font-size: 13px; }}
.zj-error {{
  border: 2px solid #d64541; background: #fdecea; color: #8e1c17;
  padding: 8px 14px; border-radius: 6px; margin: 8px 0;
}}
.zj-error pre {{ color: #444; font-size: 11px; }}
.zj-failed-banner {{
  border: 3px solid #d64541; background: #fdecea; color: #8e1c17;
  padding: 12px 16px; border-radius: 6px; margin: 8px 0 16px 0; font-size: 16px;
}}
@media print {{
  @page {{ size: A4; margin: 12mm; }}
  body {{ max-width: none; padding: 0 !important; font-size: 12px; }}
  .jp-RenderedHTMLCommon h2, .jp-RenderedHTMLCommon h3 {{ break-after: avoid; }}
  .jp-RenderedHTMLCommon h2 {{ break-before: page; }}
  .zj-headline + * h2, .zj-demo + * h2 {{ break-before: auto; }}
  .jp-RenderedHTMLCommon tr, .jp-RenderedImage, .jp-OutputArea-output img,
  .zj-headline, .zj-provenance {{ break-inside: avoid; }}
  .jp-RenderedHTMLCommon thead {{ display: table-header-group; }}
  .zj-provenance details, a[href$=".ipynb"] {{ display: none; }}
}}
"""


# --- templates ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def templates() -> Any:
    """Return the Jinja2 environment of the page templates (autoescaped).

    Every ``.html`` and ``.j2`` template escapes the values it shows; only a
    value marked safe (markup a template made) goes in as it is.
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PAGE_TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, /, **context: Any) -> str:
    """Return a page template (``templates/<template>``) rendered with ``context``.

    Examples
    --------
    >>> "&lt;b&gt;" in render("failed.html.j2", name="<b>", message="m", cell="")
    True
    """
    return templates().get_template(template).render(**context)


def _macro(name: str) -> Any:
    return getattr(templates().get_template("macros.html.j2").module, name)


def failure_banner(name: str, message: str, cell: str = "") -> str:
    """Return the banner put first on a failed report's page.

    Examples
    --------
    >>> print(failure_banner("10-x", "KeyError: 'a'", "In [3]"))  # doctest: +ELLIPSIS
    <div class="zj-failed-banner"><strong>本报告生成失败</strong>（10-x）。出错的单元：In [3]。<br>错误：KeyError: &#39;a&#39;<br>...</div>
    """
    return str(_macro("failure_banner")(name, message, cell))


def failed_page(name: str, message: str, cell: str = "") -> str:
    """Return the page of a report whose notebook could not be converted."""
    return finalize_page(
        render("failed.html.j2", name=name, message=message, cell=cell)
    )


# --- fonts -------------------------------------------------------------------------


def page_characters(markup: str) -> str:
    """Return the distinct characters a page shows (text outside tags), sorted.

    Examples
    --------
    >>> page_characters("<p title='x'>湛江 &amp; 湛江</p>")
    ' &江湛'
    """
    text = re.sub(r"<style\b.*?</style>", " ", markup, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    return "".join(sorted(set(text) - set("\n\r\t")))


@lru_cache(maxsize=1)
def font_code_points() -> frozenset[int]:
    """Return the code points the embedded font (Noto Sans CJK SC) has a glyph for."""
    from fontTools.ttLib import TTFont

    from zjanalysis.plots import cjk_font_path

    with TTFont(str(cjk_font_path()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(markup: str) -> str:
    """Return the characters a page shows that the embedded font has no glyph for.

    Such a character (an emoji such as ❌ or 📎, or ✔ ✘) shows as an empty box
    on an office PC without an emoji font; use one the font has (✓ × ● ■ ▲ ★
    ⚠) or words. ASCII is left out: every font has it.

    Parameters
    ----------
    markup : str
        The page (see :func:`page_characters`).

    Returns
    -------
    str
        The characters, sorted and distinct; ``""`` when every one is covered.

    Examples
    --------
    >>> missing_glyphs("<p>湛江 ✓ 通过 ⚠ 注意</p>")
    ''
    >>> missing_glyphs("<p>❌ 不通过 ✔ 成功</p>")
    '✔❌'
    """
    have = font_code_points()
    return "".join(
        ch for ch in page_characters(markup) if not ch.isascii() and ord(ch) not in have
    )


@lru_cache(maxsize=64)
def subset_font_woff(chars: str) -> bytes:
    """Return a WOFF subset of Noto Sans CJK SC holding ``chars`` and basic ASCII.

    Parameters
    ----------
    chars : str
        The characters to keep (order and duplicates do not matter).

    Returns
    -------
    bytes
        A WOFF (zlib) font; about 10–30 KB for a report page.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from zjanalysis.plots import cjk_font_path

    options = subset.Options()
    options.flavor = "woff"
    # No OpenType layout features: they triple the size for no visible gain in
    # horizontal Chinese text.
    options.layout_features = []
    options.name_IDs = [1, 2]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    # Vertical metrics and the (feature-less) layout tables matter only to
    # vertical text: dropping them saves a fifth of the time, not a pixel.
    options.drop_tables = [*options.drop_tables, *_UNUSED_TABLES]
    buffer = io.BytesIO()
    with TTFont(str(cjk_font_path()), lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars + _BASIC_CHARS)
        subsetter.subset(font)
        font.flavor = "woff"
        font.save(buffer)
    return buffer.getvalue()


def font_face_css(chars: str) -> str:
    """Return an ``@font-face`` rule embedding the font subset for ``chars``."""
    data = base64.b64encode(subset_font_woff("".join(sorted(set(chars))))).decode(
        "ascii"
    )
    return (
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; font-style: normal; '
        f'font-weight: 100 900; src: url(data:font/woff;base64,{data}) format("woff"); }}'
    )


def strip_css_comments(markup: str) -> str:
    """Remove ``/* … */`` comments inside ``<style>`` blocks (they carry URLs).

    The page style marker is kept.

    Examples
    --------
    >>> strip_css_comments("<style>/* see https://x */ a {}</style><p>/* x */</p>")
    '<style> a {}</style><p>/* x */</p>'
    """

    def clean(match: re.Match[str]) -> str:
        body = re.sub(
            r"/\*.*?\*/",
            lambda m: m.group(0) if m.group(0) == STYLE_MARKER else "",
            match.group(2),
            flags=re.S,
        )
        return match.group(1) + body + match.group(3)

    return re.sub(r"(<style\b[^>]*>)(.*?)(</style>)", clean, markup, flags=re.S | re.I)


def finalize_page(markup: str) -> str:
    """Insert the page style and the embedded font subset into a page.

    The style goes where the template left :data:`STYLE_MARKER`, else before
    ``</head>``.
    """
    markup = strip_css_comments(markup)
    css = font_face_css(page_characters(markup)) + PAGE_CSS
    if STYLE_MARKER in markup:
        return markup.replace(STYLE_MARKER, css, 1)
    return markup.replace("</head>", f"<style>{css}</style></head>", 1)


# --- notebooks -----------------------------------------------------------------------


def notebook_title(nb: Any, default: str = "") -> str:
    """Return the text of the first markdown H1 of a notebook, else ``default``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 数据质量\\n> x")])
    >>> notebook_title(nb)
    '数据质量'
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, flags=re.M)
        if match:
            return match.group(1).strip()
    return default


def notebook_to_html(nb: Any, title: str | None = None) -> str:
    """Convert an executed notebook to a self-contained offline HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (not modified).
    title : str, optional
        The page ``<title>``; the notebook's H1 when omitted.

    Returns
    -------
    str
        The page: no code, no stderr, no script, images and font embedded.
    """
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title or notebook_title(nb, "报告")
    body, _ = _exporter().from_notebook_node(nb)
    return finalize_page(body)


@lru_cache(maxsize=1)
def _exporter() -> Any:
    """Return the page exporter, made once per process.

    Making one compiles its templates, about half of each conversion's time;
    nbconvert's own command line converts many notebooks with one exporter.
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


# --- index page -------------------------------------------------------------------


def index_html(
    entries: Iterable[Mapping[str, Any]],
    heading: str,
    facts: Mapping[str, str] | None = None,
    demo: bool = False,
    *,
    template: str = "index.html.j2",
    context: Mapping[str, Any] | None = None,
) -> str:
    """Return the index page linking every report.

    Parameters
    ----------
    entries : iterable of mapping
        One per report with ``name``, ``title``, ``finding``, ``status``
        (``"ok"``, ``"blocked"`` when the report refused data with errors, or
        ``"failed"``), ``seconds``, ``html``, ``executed``, ``excel`` (list of
        file names) and optionally ``error``.
    heading : str
        The page heading, e.g. ``"湛江市重点项目月度报告（2021-06）"``.
    facts : mapping, optional
        Label to value lines shown under the heading (data set, time …).
    demo : bool, default False
        Show the DEMO banner (the reports were built from demo data).
    template : str, default ``"index.html.j2"``
        The page template; one that extends ``index.html.j2`` adds sections
        through its blocks (``before_reports``, ``after_reports`` …).
    context : mapping, optional
        More values for such a template.

    Returns
    -------
    str
        A self-contained page (style and font subset embedded, no script).
    """
    rows = []
    for e in entries:
        status = e.get("status")
        ok = status in STATUS_BADGES and status != "failed"
        links = [("查看报告", e["html"])] if e.get("html") else []
        links += [(f"Excel：{x}", x) for x in e.get("excel", [])]
        if e.get("executed"):
            links.append(("notebook", e["executed"]))
        seconds = e.get("seconds")
        rows.append(
            {
                "name": e.get("name", ""),
                "title": e.get("title") or e.get("name", ""),
                "html": e.get("html", ""),
                "finding": e.get("finding") or "",
                "error": e.get("error") if not ok else "",
                "badge": badge_parts(status, e.get("verdict") or ""),
                "time": "—" if seconds is None else f"{float(seconds):.1f} 秒",
                "links": links,
            }
        )
    page = render(
        template,
        heading=heading,
        demo=demo,
        facts=[(k, str(v)) for k, v in (facts or {}).items()],
        rows=rows,
        style_marker=STYLE_MARKER,
        **dict(context or {}),
    )
    return finalize_page(page)


#: Index badge (CSS class, text) per report status. Only glyphs the embedded
#: font has (see :func:`missing_glyphs`): ✔ ✘ and emoji show as boxes.
STATUS_BADGES: dict[str, tuple[str, str]] = {
    "ok": ("zj-ok", "✓ 成功"),
    "blocked": ("zj-blocked", "⚠ 数据有误"),
    "no_data": ("zj-nodata", "数据不足"),
    "failed": ("zj-fail", "× 失败"),
}


def badge_parts(status: str | None, verdict: str) -> tuple[str, str, str]:
    """Return (CSS class, inline style, label) of one report's index badge.

    A report that failed or refused data with errors shows that run status; one
    that ran shows its finding (达标, 有风险, 不达标, 数据不足 …) in its colour;
    one that recorded no finding shows the run status.

    Examples
    --------
    >>> badge_parts("failed", "met")
    ('zj-fail', '', '× 失败')
    >>> badge_parts("ok", "missed")[2]
    '不达标'
    """
    from zjanalysis.reports.view import FINDINGS

    if status in ("failed", "blocked") or verdict not in FINDINGS:
        css, label = STATUS_BADGES.get(status or "", STATUS_BADGES["failed"])
        return css, "", label
    label, colour = FINDINGS[verdict]
    return "", f"background:{colour}", label


def finding_badge(status: str | None, verdict: str) -> str:
    """Return the index badge of one report as markup (see :func:`badge_parts`).

    Examples
    --------
    >>> "不达标" in finding_badge("ok", "missed"), "失败" in finding_badge("failed", "met")
    (True, True)
    """
    return str(_macro("badge")(badge_parts(status, verdict)))


#: The order in which the reports speak on the leaders' brief (by the
#: number their notebook's name starts with): the forecast and the gap first,
#: then who is behind (circular, SOEs), the plan's integrity, what to release.
BRIEF_ORDER: tuple[str, ...] = ("10", "60", "40", "30", "50", "20")
#: How many key figures the brief shows large, at most.
BRIEF_TILES = 4


def brief_sections(
    entries: Iterable[Mapping[str, Any]],
) -> dict[str, list[dict[str, str]]]:
    """Put the reports' brief lines in the order a leader reads them.

    Parameters
    ----------
    entries : iterable of mapping
        One per report, as for :func:`index_html`, with ``brief`` (the lines
        its notebook recorded, :func:`zjanalysis.reports.view.brief_item`).

    Returns
    -------
    dict
        ``tiles``: the first line of each report that has a key figure
        (``value``), at most :data:`BRIEF_TILES`, in :data:`BRIEF_ORDER`;
        ``lines``: every line, in that order. Each line gains ``colour`` (its
        finding's), ``finding`` (the finding's label) and ``html`` (the page).
        A report that failed gives one line saying so.

    Examples
    --------
    >>> b = brief_sections([
    ...     {"name": "40-c", "html": "40-c.html", "status": "ok", "brief": [
    ...         {"label": "红灯", "text": "坡头区", "status": "missed", "value": ""}]},
    ...     {"name": "10-f", "html": "10-f.html", "status": "ok", "brief": [
    ...         {"label": "预测", "text": "约17%", "status": "at_risk", "value": "17.2%"}]}])
    >>> [line["label"] for line in b["lines"]], [t["value"] for t in b["tiles"]]
    (['预测', '红灯'], ['17.2%'])
    >>> b["lines"][1]["finding"], b["lines"][1]["colour"]
    ('不达标', '#c0392b')
    """
    from zjanalysis.reports.view import FINDINGS, INFO

    def rank(entry: Mapping[str, Any]) -> tuple[int, str]:
        prefix = str(entry.get("name", "")).split("-", 1)[0]
        order = BRIEF_ORDER.index(prefix) if prefix in BRIEF_ORDER else len(BRIEF_ORDER)
        return order, str(entry.get("name", ""))

    tiles: list[dict[str, str]] = []
    lines: list[dict[str, str]] = []
    for entry in sorted(entries, key=rank):
        items = list(entry.get("brief") or [])
        if entry.get("status") == "failed":
            items = [
                {
                    "label": entry.get("title") or entry.get("name", ""),
                    "text": "本报告生成失败，见下表",
                    "status": "blocked",
                    "value": "",
                }
            ]
        for i, item in enumerate(items):
            status = item.get("status") or INFO
            label, colour = FINDINGS.get(status, FINDINGS[INFO])
            line = {
                "label": str(item.get("label", "")),
                "text": str(item.get("text", "")),
                "value": str(item.get("value", "")),
                "finding": label,
                "colour": colour,
                "html": str(entry.get("html", "")),
            }
            lines.append(line)
            if i == 0 and line["value"] and len(tiles) < BRIEF_TILES:
                tiles.append(line)
    return {"tiles": tiles, "lines": lines}


def months_html(months: Iterable[Mapping[str, Any]]) -> str:
    """Return the page that lists every month built, newest first.

    Parameters
    ----------
    months : iterable of mapping
        ``as_of``, ``href`` (that month's index), ``tiles`` (its key figures,
        :func:`brief_sections`), ``attention`` (:func:`attention_zh`) and
        ``n_reports``.

    Examples
    --------
    >>> page = months_html([{"as_of": "2021-06", "href": "2021-06/index.html",
    ...     "tiles": [], "attention": "无", "n_reports": 7}])
    >>> "2021-06/index.html" in page and "2021年1—6月" in page
    True
    """
    from zjanalysis import labels
    from zjanalysis.asof import AsOf

    rows = []
    for m in months:
        try:
            period = AsOf.parse(str(m["as_of"]))
            name = labels.period_label(period.year, period.month)
        except ValueError:
            name = str(m["as_of"])
        rows.append({**dict(m), "period": name})
    return finalize_page(
        render(
            "months.html.j2",
            heading="湛江市固定资产投资分析报告：各月",
            months=rows,
            style_marker=STYLE_MARKER,
        )
    )


def attention_zh(entries: Iterable[Mapping[str, Any]]) -> str:
    """Count the reports that need the leaders' attention, by finding.

    Examples
    --------
    >>> attention_zh([{"status": "ok", "verdict": "missed"},
    ...               {"status": "ok", "verdict": "met"},
    ...               {"status": "no_data", "verdict": "no_data"}])
    '2 份（不达标 1、数据不足 1）'
    >>> attention_zh([{"status": "ok", "verdict": "met"}])
    '无'
    """
    from zjanalysis.reports.view import FINDINGS

    counts: dict[str, int] = {}
    for e in entries:
        status, verdict = e.get("status"), e.get("verdict") or ""
        if status == "failed":
            key = "失败"
        elif status == "blocked":
            key = "数据有误"
        elif verdict in ("at_risk", "missed", "no_data", "attention"):
            key = FINDINGS[verdict][0]
        else:
            continue
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "无"
    parts = "、".join(f"{k} {n}" for k, n in counts.items())
    return f"{sum(counts.values())} 份（{parts}）"
