"""Test the offline page builder (zjanalysis.webpage)."""

from __future__ import annotations

import base64
import io
import re

import nbformat

from zjanalysis import webpage


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 投资预测\n> 副标题"),
        nbformat.v4.new_code_cell(
            "print('hidden code')",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="可见输出\n"),
                nbformat.v4.new_output(
                    "stream", name="stderr", text="UserWarning: 不该出现\n"
                ),
                nbformat.v4.new_output(
                    "display_data",
                    data={"application/javascript": "alert(1)", "text/plain": "js"},
                ),
            ],
        ),
    ]
    return nb


def test_notebook_page_has_no_code_no_stderr_no_script_no_external_url():
    page = webpage.notebook_to_html(_notebook())
    assert "<title>投资预测</title>" in page
    assert "可见输出" in page
    assert "hidden code" not in page
    assert "不该出现" not in page
    assert "<script" not in page.lower()
    assert not re.search(r"https?://", page)
    assert len(page) < 1_500_000


def test_page_embeds_a_font_subset_with_the_page_characters():
    from fontTools.ttLib import TTFont

    page = webpage.finalize_page("<html><head></head><body><p>湛江市</p></body></html>")
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", page).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "湛江市A1")
    assert ord("海") not in cmap
    assert len(data) < 60_000


def test_missing_glyphs_names_characters_the_font_lacks():
    page = "<html><head><title>✔ 成功</title><style>p::before{content:'❌'}</style>"
    page += "</head><body><p title='📎'>湛江 ✓ × ⚠ ● ■ ▲ ★ — … ❌ ✅ &#x1F4CE;</p></body></html>"
    assert webpage.missing_glyphs(page) == "".join(sorted("✔❌✅📎"))
    assert webpage.missing_glyphs("<p>ASCII only: ~^`|</p>") == ""


def test_notebook_title_falls_back():
    assert webpage.notebook_title(nbformat.v4.new_notebook(), "x") == "x"


def test_index_page_lists_reports_and_failures():
    entries = [
        {
            "name": "00-data-quality",
            "title": "数据质量报告",
            "finding": "未发现问题",
            "status": "ok",
            "seconds": 3.21,
            "html": "00-data-quality.html",
            "executed": "executed/00-data-quality.ipynb",
            "excel": ["00-data-quality.xlsx"],
        },
        {
            "name": "10-fai",
            "title": "投资预测",
            "finding": "",
            "status": "failed",
            "seconds": 1.0,
            "html": "10-fai.html",
            "executed": "",
            "excel": [],
            "error": "KeyError: 'region'",
        },
        {
            "name": "40-circular",
            "title": "月度通报",
            "finding": "数据有 2 个错误，暂不出通报",
            "status": "blocked",
            "seconds": 2.0,
            "html": "40-circular.html",
            "executed": "",
            "excel": [],
        },
    ]
    page = webpage.index_html(
        entries, "报告（2021-06）", {"数据目录": "data/demo"}, demo=True
    )
    assert page.count("<tr>") == 4
    assert (
        "数据质量报告" in page and "3.2 秒" in page and "00-data-quality.xlsx" in page
    )
    assert '<span class="zj-badge zj-ok">✓ 成功</span>' in page
    assert '<span class="zj-badge zj-fail">× 失败</span>' in page
    assert "KeyError: &#39;region&#39;" in page  # escaped by the template
    # blocked by data errors: its own amber badge, the refusal as the finding
    assert '<span class="zj-badge zj-blocked">⚠ 数据有误</span>' in page
    assert ".zj-blocked {" in page and "数据有 2 个错误，暂不出通报" in page
    assert "<script" not in page and "@font-face" in page
    assert webpage.missing_glyphs(page) == ""  # every badge is in the font
    assert "演示数据 DEMO" in page
    assert "演示数据" not in webpage.index_html(entries, "报告", {})


def test_index_and_provenance_escape_every_value_they_show():
    from zjanalysis import report

    hostile = "<script>alert(1)</script>"
    entry = {
        "name": "01-x",
        "title": hostile,
        "finding": hostile,
        "status": "failed",
        "error": hostile,
        "seconds": 1.0,
        "html": '01-x.html" onclick="x',
        "executed": "",
        "excel": [hostile],
    }
    page = webpage.index_html([entry], hostile, {hostile: hostile})
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="01-x.html&#34; onclick=&#34;x"' in page
    info = {
        "dataset": hostile,
        "is_demo": False,
        "files": [{"name": hostile, "tables": hostile, "sha256": hostile}],
        "parameters": {"data_dir": hostile},
        "libraries": {hostile: hostile},
        "git_commit": hostile,
    }
    block = report.provenance_html(info)
    assert "<script" not in block and block.count("&lt;script&gt;") == 8
    assert "（无输入文件）" in report.provenance_html({**info, "files": []})


def test_the_index_template_has_blocks_a_page_can_extend():
    index = webpage.templates().get_template("index.html.j2")
    assert {"facts", "before_reports", "reports", "after_reports", "footer"} <= set(
        index.blocks
    )
    # a failed report's banner comes from the same templates, escaped
    banner = webpage.failure_banner("10-x", "KeyError: '<a>'", "In [3]「x < 1」")
    assert "出错的单元：In [3]「x &lt; 1」。" in banner
    assert "KeyError: &#39;&lt;a&gt;&#39;" in banner


def test_the_brief_puts_the_key_figures_first_and_names_who_is_behind():
    entries = [
        {
            "name": "40-monthly-circular",
            "title": "通报",
            "html": "40-monthly-circular.html",
            "status": "ok",
            "verdict": "missed",
            "brief": [
                {
                    "label": "完成进度",
                    "text": "慢8.8个百分点",
                    "status": "at_risk",
                    "value": "33.9%",
                },
                {
                    "label": "亮红灯的县（市、区）",
                    "text": "坡头区<script>",
                    "status": "missed",
                    "value": "",
                },
            ],
        },
        {
            "name": "10-fai-forecast",
            "title": "预测",
            "html": "10-fai-forecast.html",
            "status": "ok",
            "verdict": "missed",
            "brief": [
                {
                    "label": "全年增长预测",
                    "text": "约17.2%",
                    "status": "missed",
                    "value": "17.2%",
                }
            ],
        },
        {
            "name": "30-soe-plan-check",
            "title": "国企",
            "html": "30.html",
            "status": "failed",
            "brief": [],
        },
    ]
    brief = webpage.brief_sections(entries)
    # the forecast speaks first, then the circular, then the SOE check (failed)
    assert [t["value"] for t in brief["tiles"]] == ["17.2%", "33.9%"]
    assert [line["label"] for line in brief["lines"]] == [
        "全年增长预测",
        "完成进度",
        "亮红灯的县（市、区）",
        "国企",
    ]
    assert brief["lines"][3]["text"] == "本报告生成失败，见下表"
    page = webpage.index_html(
        entries,
        "月报",
        {"数据截至": "2021-06"},
        template="brief.html.j2",
        context={"brief": brief},
    )
    body = page.split("<body>", 1)[1]
    # the brief comes before the table of reports, the run's facts after it
    assert body.index("17.2%") < body.index("zj-index") < body.index("数据截至")
    assert "坡头区&lt;script&gt;" in body and "<script>" not in body
    assert "@page { size: A4" in page
