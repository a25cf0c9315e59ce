"""Check every report notebook: parameters match the YAML, pairing, stripped outputs,
and one end-to-end build of all reports on the demo data."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import time

import jupytext
import nbformat
import papermill
import pytest
import yaml
from report_build import build_demo_reports

from zjanalysis import paths, runner, webpage

NOTEBOOKS = runner.discover_notebooks(paths.NOTEBOOKS_DIR)
IDS = [nb.stem for nb in NOTEBOOKS]
#: Ways a page could make a browser fetch something from the network.
LOADING_URL = re.compile(
    r"""(?:\b(?:src|srcset|poster|background)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import)""",
    re.I,
)


def test_there_are_report_notebooks():
    assert NOTEBOOKS, "no notebooks/NN-*.ipynb found"
    assert all("explore" not in nb.parts for nb in NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_parameter_defaults_equal_the_parameter_file(notebook):
    params_file = paths.PARAMS_DIR / f"{notebook.stem}.yaml"
    assert params_file.is_file(), (
        f"missing {params_file.relative_to(paths.PROJECT_ROOT)}"
    )
    official = yaml.safe_load(params_file.read_text(encoding="utf-8")) or {}
    declared = papermill.inspect_notebook(str(notebook))
    assert declared, "no cell tagged 'parameters'"
    defaults = {name: ast.literal_eval(p["default"]) for name, p in declared.items()}
    assert defaults == official
    for name, p in declared.items():
        assert p["inferred_type_name"] != "None", f"{name}: add a type annotation"
        assert p["help"], f"{name}: add a trailing comment saying what it is"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_notebook_is_paired_and_in_sync(notebook):
    script = notebook.with_suffix(".py")
    assert script.is_file(), f"missing the paired {script.name} (jupytext percent)"
    ipynb = nbformat.read(str(notebook), as_version=4)
    paired = jupytext.read(script)
    sources = [(c.cell_type, c.source.strip()) for c in ipynb.cells]
    assert sources == [(c.cell_type, c.source.strip()) for c in paired.cells]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_committed_notebook_has_no_outputs(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_notebook_starts_with_a_title(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.startswith("# ")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo_reports(tmp_path_factory.getbasetemp())


def test_make_report_builds_every_report_offline(built):
    assert not built.failed, "; ".join(
        f"{r.name} {r.cell}: {r.error}" for r in built.failed
    )
    out = built.out_dir
    assert out.name == "2021-06"
    index = (out / "index.html").read_text(encoding="utf-8")
    pages = {nb.stem: (out / f"{nb.stem}.html") for nb in NOTEBOOKS}
    for name, page in pages.items():
        assert page.is_file(), name
        assert (out / "executed" / f"{name}.ipynb").is_file(), name
        assert f'href="{name}.html"' in index
        text = page.read_text(encoding="utf-8")
        assert page.stat().st_size < 1_500_000, (
            f"{name} is {page.stat().st_size:,} bytes"
        )
        assert "<script" not in text.lower(), name
        assert not LOADING_URL.search(text), (
            f"{name}: {LOADING_URL.search(text).group(0)}"
        )
        assert 'class="zj-provenance"' in text and "数据来源与运行信息" in text, name
        assert "演示数据 DEMO" in text, name
        assert "@font-face" in text, name
    assert "<script" not in index.lower() and not LOADING_URL.search(index)
    # every report ran and states its finding on the index (not a bare 成功)
    assert "✓ 成功" not in index
    assert "失败" not in index and "数据有误" not in index
    findings = {r.name: r.verdict for r in built.results}
    assert findings == {
        "00-data-quality": "clean",
        # point +17.2%, scale 3.43 pp, t with 4 df: P(>= 20%) = 23% < 30%: 红
        "10-fai-forecast": "missed",
        "20-project-readiness": "attention",  # 69 projects ready to release
        "30-soe-plan-check": "missed",  # 市交通投资集团 plans +11.8%
        "40-monthly-circular": "at_risk",  # the city 8.8 points behind: 黄
        "50-plan-integrity": "missed",
        "60-gap-closing": "at_risk",  # a 27.31亿 gap the sources can cover
    }
    assert "需关注：</strong>6 份" in index
    assert "演示数据 DEMO" in index and "数据集：</strong>demo" in index


def test_every_page_uses_only_characters_the_embedded_font_has(built):
    # A character the font lacks (emoji, ✔ ✘) is a box on an office PC.
    assert built.returncode == 0, built.stderr  # demo data: no report blocked
    assert "警告" not in built.stdout, built.stdout
    pages = sorted(built.out_dir.glob("*.html"))
    assert {p.stem for p in pages} == {nb.stem for nb in NOTEBOOKS} | {"index"}
    for page in pages:
        missing = webpage.missing_glyphs(page.read_text(encoding="utf-8"))
        assert missing == "", f"{page.name}: {' '.join(missing)}"


def test_no_cell_shows_a_bare_python_repr(built):
    # A cell ending with a plain object (a Path, a dataclass) prints its repr,
    # e.g. PosixPath('/tmp/…/00-data-quality.xlsx'), in the office's report.
    for nb_path in NOTEBOOKS:
        nb = nbformat.read(
            str(built.out_dir / "executed" / f"{nb_path.stem}.ipynb"), as_version=4
        )
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.output_type in ("execute_result", "display_data"):
                    kinds = set(out.get("data", {})) - {"text/plain"}
                    assert kinds, (nb_path.stem, i, out["data"]["text/plain"][:80])
        page = (built.out_dir / f"{nb_path.stem}.html").read_text(encoding="utf-8")
        assert "PosixPath(" not in page, nb_path.stem


def test_second_make_report_reexecutes_nothing_and_is_fast(built):
    out_root = built.out_dir.parent
    stamp = (built.out_dir / "index.html").stat().st_mtime_ns
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "zjanalysis.commands.report", "--out", str(out_root)],
        capture_output=True,
        text=True,
        cwd=paths.PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    assert proc.returncode == 0 and proc.stderr == ""
    assert "都是最新的" in proc.stdout, proc.stdout
    assert (built.out_dir / "index.html").stat().st_mtime_ns == stamp
    assert seconds < 5, f"a run with nothing to do took {seconds:.1f} s (target 2 s)"


def test_data_quality_report_exports_the_problem_list(built):
    from openpyxl import load_workbook

    out = built.out_dir
    result = {r.name: r for r in built.results}["00-data-quality"]
    assert result.finding.startswith("收到 ")
    assert result.excel == ["00-data-quality.xlsx"]
    wb = load_workbook(out / "00-data-quality.xlsx")
    assert wb.sheetnames[0] == "问题清单"
    assert wb["问题清单"]["A1"].value == "责任单位"
    assert wb["问题清单"].freeze_panes == "A2"
