"""Test the runner's limits and look-ahead: cell timeout, a dead kernel, --dry-run.

Tiny notebooks in tmp_path (fast kernels, no pandas), as in ``test_runner.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
import yaml

from zjanalysis import cli, runner


def _write_notebook(path: Path, parameters: str, body: str, title: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {title}"),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(body),
        nbformat.v4.new_code_cell('print("最后一个单元")'),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


@pytest.fixture
def project(tmp_path):
    """An empty notebooks folder, a data folder and a fixed package dir."""
    (tmp_path / "notebooks" / "params").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("x = 1\n")
    return tmp_path


def _build(project: Path, **kw) -> runner.BuildSummary:
    lines: list[str] = []
    summary = runner.build_reports(
        kw.pop("overrides", {}),
        notebooks_dir=project / "notebooks",
        out_root=project / "out",
        package_dir=project / "pkg",
        jobs=kw.pop("jobs", 1),
        progress=lines.append,
        **kw,
    )
    summary.lines = lines  # type: ignore[attr-defined]
    return summary


def test_a_cell_over_the_time_limit_fails_its_report_naming_the_cell(project):
    _write_notebook(
        project / "notebooks" / "01-slow.ipynb",
        'as_of: str = "2021-06"  # month\n',
        "import time\ntime.sleep(120)\nprint('never')",
        "慢报告",
    )
    _write_notebook(
        project / "notebooks" / "02-quick.ipynb",
        'as_of: str = "2021-06"  # month\n',
        "print('很快')",
        "快报告",
    )
    start = time.perf_counter()
    summary = _build(project, cell_timeout=2, jobs=2)
    assert time.perf_counter() - start < 90  # stopped, not waited out
    (slow,) = summary.failed
    assert slow.name == "01-slow"
    assert "超过 2 秒" in slow.error and "--cell-timeout" in slow.error
    assert slow.cell == "In [3]「time.sleep(120)」"
    assert "Traceback" not in slow.error and "CellTimeoutError" not in slow.error
    page = (summary.out_dir / "01-slow.html").read_text(encoding="utf-8")
    assert "本报告生成失败" in page and "time.sleep(120)" in page
    assert "never" not in page and "最后一个单元" not in page
    quick = {r.name: r for r in summary.results}["02-quick"]
    assert quick.status == runner.STATUS_OK  # the limit is per cell, per report
    assert any(
        "✘ 01-slow 失败，单元 In [3]「time.sleep(120)」：单元运行超过 2 秒" in line
        for line in summary.lines
    )


def test_a_notebook_whose_kernel_died_once_is_run_again(project, tmp_path):
    marker = tmp_path / "died-once"
    body = (
        "import os\nfrom pathlib import Path\n"
        f"marker = Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.write_text('died')\n"
        "    os._exit(1)\n"
        "print('第二次运行')"
    )
    _write_notebook(
        project / "notebooks" / "01-flaky.ipynb",
        'as_of: str = "2021-06"  # month\n',
        body,
        "内核退出一次",
    )
    summary = _build(project)
    assert marker.is_file()  # the first run did die
    (result,) = summary.results
    assert result.status == runner.STATUS_OK and result.kernel_retries == 1
    page = (summary.out_dir / "01-flaky.html").read_text(encoding="utf-8")
    assert "第二次运行" in page and "最后一个单元" in page
    assert any(
        "✔ 01-flaky（" in line and "内核意外退出后重跑 1 次" in line
        for line in summary.lines
    )


def test_a_kernel_that_dies_every_time_fails_after_one_retry(project):
    _write_notebook(
        project / "notebooks" / "01-dies.ipynb",
        'as_of: str = "2021-06"  # month\n',
        "import os; os._exit(1)",
        "总是退出",
    )
    summary = _build(project)
    (result,) = summary.failed
    assert result.kernel_retries == runner.KERNEL_RETRIES == 1
    assert "内核意外退出，重试 1 次后仍然如此" in result.error
    assert "DeadKernelError" not in result.error
    assert result.cell == "In [3]「import os; os._exit(1)」"
    page = (summary.out_dir / "01-dies.html").read_text(encoding="utf-8")
    assert "本报告生成失败" in page and "内核意外退出" in page


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
    }


def test_dry_run_says_what_would_rebuild_and_why_and_writes_nothing(
    project, monkeypatch, capsys
):
    nbdir = project / "notebooks"
    for name in ("01-reads", "02-month"):
        parameters = 'data_dir: str = "data"  # data\n' if name == "01-reads" else ""
        _write_notebook(
            nbdir / f"{name}.ipynb",
            parameters + 'as_of: str = "2021-06"  # month\n',
            "print(as_of)",
            name,
        )
    (nbdir / "params" / "01-reads.yaml").write_text(
        yaml.safe_dump({"data_dir": str(project / "data"), "as_of": "2021-06"}),
        encoding="utf-8",
    )
    monkeypatch.setattr(runner.paths, "NOTEBOOKS_DIR", nbdir)
    out = project / "out"
    args = ["report", "--out", str(out), "--dry-run"]

    # nothing built yet: both would run for the first time; the output root is
    # not even created
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert "01-reads  将重新生成：首次运行" in text
    assert "02-month  将重新生成：首次运行" in text
    assert "合计：2 份将重新生成，0 份不变" in text
    assert not out.exists()

    assert cli.main(["report", "--out", str(out), "--jobs", "1"]) == 0
    capsys.readouterr()
    # one byte of the data changes: only the report reading it would rebuild
    (project / "data" / "a.csv").write_text("x\n2\n", encoding="utf-8")
    before = _tree(project)
    assert cli.main([*args, "--only", "01"]) == 0
    text = capsys.readouterr().out
    assert "01-reads  将重新生成：数据有改动" in text
    assert "02-month  不在 --only 之内，保留上次结果" in text
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert "01-reads  将重新生成：数据有改动" in text
    assert "02-month  不变，保留上次结果" in text
    assert "合计：1 份将重新生成，1 份不变" in text
    assert cli.main([*args, "--force"]) == 0
    assert "02-month  将重新生成：--force" in capsys.readouterr().out
    assert _tree(project) == before  # nothing written, nothing run

    # and a real build then does what the dry run said
    assert cli.main(["report", "--out", str(out), "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    assert "01-reads：数据有改动" in text and "02-month：" not in text
    assert "1 份重新生成，1 份未变" in text


def test_cell_timeout_option_rejects_a_negative_limit(capsys):
    assert cli.main(["report", "--cell-timeout", "-1", "--dry-run"]) == 2
    assert "--cell-timeout" in capsys.readouterr().err


def test_the_command_passes_the_cell_limit_with_its_documented_default(
    monkeypatch, tmp_path
):
    seen = []

    def build(overrides, **kw):
        seen.append(kw["cell_timeout"])
        return runner.BuildSummary(tmp_path, "2021-06", [], [], [], 0.0)

    monkeypatch.setattr(runner, "build_reports", build)
    out = ["--out", str(tmp_path)]
    assert cli.main(["report", *out]) == 0
    assert cli.main(["report", *out, "--cell-timeout", "5"]) == 0
    assert cli.main(["report", *out, "--cell-timeout", "0"]) == 0
    assert seen == [runner.CELL_TIMEOUT_S, 5.0, None] and runner.CELL_TIMEOUT_S == 600
