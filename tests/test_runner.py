"""Test the report runner on tiny notebooks made in tmp_path (fast kernels, no pandas)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from zjanalysis import cli, runner

PARAMETERS = """data_dir: str = "data"  # data folder
year: int = 2021  # plan year
output_dir: str = ""  # where to write files
"""

OK_BODY = """from pathlib import Path
from IPython.display import HTML, display
display(HTML(f"<p>年份 {year}</p>"), metadata={"zjanalysis": {"finding": f"结论：{year} 年"}})
if output_dir:
    Path(output_dir, "01-ok.xlsx").write_bytes(b"not really a workbook")
print("数据行数", len(Path(data_dir, "a.csv").read_text().splitlines()))
"""


def _write_notebook(path: Path, parameters: str, body: str, title: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n> 测试"),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


@pytest.fixture
def project(tmp_path):
    """A notebooks folder with one good and one failing notebook, data, a fixed package dir."""
    nbdir = tmp_path / "notebooks"
    (nbdir / "params").mkdir(parents=True)
    (nbdir / "explore").mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n2\n", encoding="utf-8")
    _write_notebook(nbdir / "01-ok.ipynb", PARAMETERS, OK_BODY, "好报告")
    _write_notebook(
        nbdir / "02-broken.ipynb",
        'as_of: str = "2021-06"  # month\n',
        'x = 1\nraise ValueError("项目编码重复")',
        "坏报告",
    )
    _write_notebook(nbdir / "explore" / "0.01-x-explore.ipynb", "", "1/0", "探索")
    params = {"data_dir": str(data), "year": 2021, "output_dir": ""}
    (nbdir / "params" / "01-ok.yaml").write_text(
        yaml.safe_dump(params), encoding="utf-8"
    )
    (nbdir / "params" / "02-broken.yaml").write_text(
        'as_of: "2021-06"\n', encoding="utf-8"
    )
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("x = 1\n")
    return tmp_path


def _build(project: Path, **kw) -> runner.BuildSummary:
    lines: list[str] = []
    summary = runner.build_reports(
        kw.pop("overrides", {}),
        notebooks_dir=project / "notebooks",
        out_root=project / "out",
        package_dir=project / "pkg",
        jobs=2,
        progress=lines.append,
        **kw,
    )
    summary.lines = lines  # type: ignore[attr-defined]
    return summary


def test_build_overrides_fails_softly_then_skips_what_did_not_change(project):
    first = _build(
        project, overrides={"year": 2022, "as_of": "2021-09", "target_growth_pct": 9}
    )
    out = project / "out" / "2021-09"
    assert first.out_dir == out
    assert sorted(first.executed) == ["01-ok", "02-broken"]

    # parameter override: only declared keys, output_dir set by the runner
    ok_nb = nbformat.read(out / "executed" / "01-ok.ipynb", as_version=4)
    injected = ok_nb.metadata.papermill.parameters
    assert injected["year"] == 2022
    assert "target_growth_pct" not in injected and "as_of" not in injected
    assert injected["output_dir"] != ""
    broken_nb = nbformat.read(out / "executed" / "02-broken.ipynb", as_version=4)
    assert broken_nb.metadata.papermill.parameters == {"as_of": "2021-09"}

    # the good report: page, finding, the file it wrote moved next to the page
    ok = {r.name: r for r in first.results}["01-ok"]
    assert ok.status == "ok" and ok.title == "好报告" and ok.finding == "结论：2022 年"
    assert ok.excel == ["01-ok.xlsx"] and (out / "01-ok.xlsx").is_file()
    page = (out / "01-ok.html").read_text(encoding="utf-8")
    assert "年份 2022" in page and "<script" not in page and "@font-face" in page
    assert "print(" not in page  # code hidden

    # the failing one: its page exists, marked failed with the error in words
    (bad,) = first.failed
    assert bad.name == "02-broken" and bad.error == "ValueError: 项目编码重复"
    assert "In [" in bad.cell and "raise ValueError" in bad.cell
    bad_page = (out / "02-broken.html").read_text(encoding="utf-8")
    assert "本报告生成失败" in bad_page and "项目编码重复" in bad_page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "好报告" in index and "结论：2022 年" in index
    assert "× 失败" in index and "项目编码重复" in index
    assert "1 份失败" in index and "数据有误" not in index
    assert "探索" not in index
    assert not list((project / "out").glob(".building-*"))

    # second run, same overrides: the good one is reused, the failed one re-runs
    second = _build(project, overrides={"year": 2022, "as_of": "2021-09"})
    assert second.executed == ["02-broken"] and second.skipped == ["01-ok"]
    assert (out / "01-ok.xlsx").is_file() and (out / "01-ok.html").is_file()
    assert any("02-broken：上次失败" in line for line in second.lines)

    # a changed data file re-runs the notebook that reads it, and says why
    (project / "data" / "a.csv").write_text("x\n1\n2\n3\n", encoding="utf-8")
    (project / "notebooks" / "02-broken.ipynb").unlink()
    third = _build(project, overrides={"year": 2022, "as_of": "2021-09"})
    assert third.executed == ["01-ok"] and third.ok
    assert any("01-ok：数据有改动" in line for line in third.lines)
    assert not (out / "02-broken.html").exists()
    assert "数据行数 4" in (out / "01-ok.html").read_text(encoding="utf-8")

    # nothing changed: nothing runs, nothing is rewritten
    stamp = (out / "index.html").stat().st_mtime_ns
    fourth = _build(project, overrides={"year": 2022, "as_of": "2021-09"})
    assert fourth.executed == [] and fourth.skipped == ["01-ok"]
    assert (out / "index.html").stat().st_mtime_ns == stamp
    assert any("都是最新的" in line for line in fourth.lines)


BLOCKED_BODY = """from IPython.display import HTML, display
display(HTML("<div>数据有 2 个错误，本报告暂不出结论</div>"),
        metadata={"zjanalysis": {"blocked_by_errors": 2}})
display(HTML("<p>拒绝</p>"),
        metadata={"zjanalysis": {"finding": "数据有 2 个错误，暂不预测"}})
"""


def test_report_blocked_by_data_errors_is_flagged_and_the_command_exits_1(
    project, monkeypatch, capsys
):
    nbdir = project / "notebooks"
    (nbdir / "02-broken.ipynb").unlink()
    _write_notebook(
        nbdir / "03-blocked.ipynb",
        'as_of: str = "2021-06"  # month\n',
        BLOCKED_BODY,
        "拒绝的报告",
    )
    first = _build(project)
    results = {r.name: r for r in first.results}
    assert results["01-ok"].status == runner.STATUS_OK
    blocked = results["03-blocked"]
    assert blocked.status == runner.STATUS_BLOCKED and blocked.blocked_by_errors == 2
    assert [r.name for r in first.blocked] == ["03-blocked"]
    assert first.failed == [] and not first.ok
    assert blocked.finding == "数据有 2 个错误，暂不预测"
    assert any("⚠ 03-blocked 数据有 2 个错误，未出结论" in x for x in first.lines)
    index = (first.out_dir / "index.html").read_text(encoding="utf-8")
    assert "⚠ 数据有误" in index and "zj-blocked" in index
    assert "✓ 成功" in index and "失败" not in index
    assert "1 份因数据有误未出结论" in index and "全部成功" not in index

    # unchanged inputs: not re-run, and still blocked
    second = _build(project)
    assert second.executed == [] and [r.name for r in second.blocked] == ["03-blocked"]

    # the command says so plainly and exits 1, also when nothing was re-run
    monkeypatch.setattr(runner.paths, "NOTEBOOKS_DIR", nbdir)
    for _ in range(2):
        code = cli.main(["report", "--out", str(project / "cli"), "--jobs", "1"])
        err = capsys.readouterr().err
        assert code == 1
        assert "1 份报告因数据错误未出结论（拒绝的报告）" in err
        assert "请先看《数据质量报告》" in err and "00-data-quality.html" in err


NO_DATA_BODY = """from IPython.display import HTML, display
display(HTML("<p>拒绝</p>"), metadata={"zjanalysis": {
    "finding": "项目月度进度只到2021年1—6月，无法出2021年1—12月通报。",
    "verdict": "no_data"}})
"""
MISSED_BODY = """from IPython.display import HTML, display
display(HTML("<p>不达标</p>"), metadata={"zjanalysis": {
    "finding": "9项检查中2项不通过", "verdict": "missed"}})
"""


def test_a_report_without_data_for_the_month_is_marked_and_exits_1(
    project, monkeypatch, capsys
):
    nbdir = project / "notebooks"
    (nbdir / "02-broken.ipynb").unlink()
    _write_notebook(
        nbdir / "03-nodata.ipynb",
        'as_of: str = "2021-06"  # month\n',
        NO_DATA_BODY,
        "通报",
    )
    _write_notebook(
        nbdir / "04-missed.ipynb",
        'as_of: str = "2021-06"  # month\n',
        MISSED_BODY,
        "检查",
    )
    first = _build(project)
    results = {r.name: r for r in first.results}
    assert results["03-nodata"].status == runner.STATUS_NO_DATA
    assert results["03-nodata"].verdict == "no_data"
    assert results["04-missed"].status == runner.STATUS_OK  # ran, and found a miss
    assert results["04-missed"].verdict == "missed"
    assert [r.name for r in first.no_data] == ["03-nodata"] and not first.ok
    assert any("⚠ 03-nodata 数据不足，未出结论" in x for x in first.lines)
    index = (first.out_dir / "index.html").read_text(encoding="utf-8")
    # the index shows each finding in its colour, and counts what needs attention
    assert "数据不足" in index and "不达标" in index
    assert "需关注：</strong>2 份（数据不足 1、不达标 1）" in index
    assert "1 份因数据不足未出结论" in index

    monkeypatch.setattr(runner.paths, "NOTEBOOKS_DIR", nbdir)
    code = cli.main(["report", "--out", str(project / "cli"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "1 份报告数据不足，未出结论" in err
    assert "通报：项目月度进度只到2021年1—6月，无法出2021年1—12月通报。" in err


def test_runner_warns_about_characters_the_page_font_lacks(project):
    _write_notebook(
        project / "notebooks" / "03-emoji.ipynb",
        'as_of: str = "2021-06"  # month\n',
        'from IPython.display import Markdown\nMarkdown("❌ **不通过** ✓ 通过")',
        "符号",
    )
    summary = _build(project, only=["03"])
    (result,) = [r for r in summary.results if r.name == "03-emoji"]
    assert result.status == runner.STATUS_OK and result.missing_glyphs == "❌"
    (warning,) = [x for x in summary.lines if "警告" in x]
    assert "03-emoji" in warning and "❌(U+274C)" in warning and "✓" not in warning


def test_blocked_key_is_the_one_report_banner_records():
    from zjanalysis import report

    assert report.DATA_QUALITY_HTML == f"{runner.DATA_QUALITY_REPORT}.html"
    assert runner.BLOCKED_KEY == "blocked_by_errors"  # BLOCKED_BODY writes it


def test_interrupted_build_leaves_previous_outputs_untouched(project, monkeypatch):
    out = project / "out" / "2021-06"
    out.mkdir(parents=True)
    (out / "index.html").write_text("old index", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_run_jobs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build(project)
    assert (out / "index.html").read_text(encoding="utf-8") == "old index"
    assert sorted(p.name for p in (project / "out").iterdir()) == ["2021-06"]


def test_stale_build_folders_of_killed_runs_are_removed(tmp_path):
    dead = tmp_path / ".building-2021-06-999999999"
    alive = tmp_path / f".building-2021-06-{os.getpid()}"
    other = tmp_path / ".hidden"
    for folder in (dead, alive, other):
        folder.mkdir()
    assert runner.remove_stale_builds(tmp_path) == [dead]
    assert alive.is_dir() and other.is_dir()


def test_swap_into_place_replaces_the_old_folder(tmp_path):
    build, out = tmp_path / ".building", tmp_path / "2021-06"
    build.mkdir()
    (build / "new.html").write_text("new")
    out.mkdir()
    (out / "old.html").write_text("old")
    runner._swap_into_place(build, out)
    assert [p.name for p in out.iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2021-06"]


def test_discover_ignores_explore_and_non_report_files(project):
    (project / "notebooks" / "README.ipynb").write_text("{}")
    names = [p.name for p in runner.discover_notebooks(project / "notebooks")]
    assert names == ["01-ok.ipynb", "02-broken.ipynb"]


def test_fast_parameter_scan_agrees_with_papermill(project):
    for nb in runner.discover_notebooks(project / "notebooks"):
        assert runner.parameters_cell_names(nb) == runner.declared_parameters(nb)


def test_load_params_turns_yaml_dates_into_text(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("as_of: 2021-06-30\nyear: 2021\n", encoding="utf-8")
    assert runner.load_params(path) == {"as_of": "2021-06-30", "year": 2021}
    assert runner.load_params(tmp_path / "missing.yaml") == {}
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping"):
        runner.load_params(path)


def test_hash_cache_reuses_hashes_of_unchanged_files(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("1")
    cache = runner.HashCache()
    first = cache.sha256(path)
    entry = cache.entries[str(path.resolve())]
    entry[2] = "cached"
    assert cache.sha256(path) == "cached"
    path.write_text("22")
    assert cache.sha256(path) == first.replace(
        first, cache.entries[str(path.resolve())][2]
    )
    assert cache.sha256(path) != "cached"


def test_state_file_records_inputs_for_the_next_run(project):
    summary = _build(project, only=["01"])
    state = json.loads(
        (summary.out_dir / runner.STATE_FILE).read_text(encoding="utf-8")
    )
    record = state["reports"]["01-ok"]
    assert record["status"] == "ok"
    assert set(record["inputs"]) == set(runner.CHANGE_REASONS_ZH)
    assert "02-broken" not in state["reports"]  # --only: the other was never built


def test_cli_report_rejects_bad_options(tmp_path, capsys):
    assert cli.main(["report", "--data", str(tmp_path / "nope")]) == 2
    assert "找不到数据目录" in capsys.readouterr().err
    assert cli.main(["report", "--as-of", "June"]) == 2
    assert "2021-06" in capsys.readouterr().err


def test_cli_report_exits_non_zero_naming_the_notebook_and_cell(
    project, monkeypatch, capsys
):
    (project / "notebooks" / "01-ok.ipynb").unlink()
    monkeypatch.setattr(runner.paths, "NOTEBOOKS_DIR", project / "notebooks")
    shutil.rmtree(project / "out", ignore_errors=True)
    code = cli.main(["report", "--out", str(project / "out"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "notebooks/02-broken.ipynb" in err and "In [" in err and "项目编码重复" in err
    )


def test_report_module_entry_takes_the_same_options(capsys):
    from zjanalysis.commands import report as report_command

    assert report_command.main(["--as-of", "2021-13"]) == 2
    assert "2021-06" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        report_command.main(["--help"])
    assert "--force" in capsys.readouterr().out
