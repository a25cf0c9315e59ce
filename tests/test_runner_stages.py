"""Test the runner's stages at their seams: plan, execute, publish.

The plan works out each report's parameters once; the worker hands them to
papermill as they are; the fingerprint hashes the same dict; the plan says what
must be rebuilt and why. Tiny notebooks in tmp_path, as in ``test_runner.py``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from zjanalysis import runner

OK_PARAMETERS = """data_dir: str = "data"
year: int = 2021
output_dir: str = ""
"""

OK_BODY = """from pathlib import Path
print("年份", year, "数据行数", len(Path(data_dir, "a.csv").read_text().splitlines()))
if output_dir:
    Path(output_dir, "01-ok.xlsx").write_bytes(b"not really a workbook")
"""


def _write_notebook(path: Path, parameters: str, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {path.stem}"),
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
    """Two report notebooks: 01 takes data_dir, year, output_dir; 02 takes as_of."""
    nbdir = tmp_path / "notebooks"
    (nbdir / "params").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n2\n", encoding="utf-8")
    _write_notebook(nbdir / "01-ok.ipynb", OK_PARAMETERS, OK_BODY)
    _write_notebook(nbdir / "02-month.ipynb", 'as_of: str = "2021-06"\n', "as_of")
    (nbdir / "params" / "01-ok.yaml").write_text(
        yaml.safe_dump({"data_dir": str(tmp_path / "data"), "year": 2021}),
        encoding="utf-8",
    )
    (nbdir / "params" / "02-month.yaml").write_text(
        'as_of: "2021-06"\n', encoding="utf-8"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("x = 1\n")
    return tmp_path


def _where(project: Path) -> dict:
    return {
        "notebooks_dir": project / "notebooks",
        "out_root": project / "out",
        "package_dir": project / "pkg",
    }


def _plan(project: Path, overrides=None, **kw) -> runner.BuildPlan:
    return runner.plan_build(
        overrides or {},
        params_dir=project / "notebooks" / "params",
        **_where(project),
        **kw,
    )


def _build(project: Path, overrides=None, **kw) -> runner.BuildSummary:
    return runner.build_reports(
        overrides or {}, jobs=2, progress=None, **_where(project), **kw
    )


def _names(jobs) -> list[str]:
    return [j.name for j in jobs]


def _injected(out_dir: Path, name: str) -> dict:
    nb = nbformat.read(out_dir / "executed" / f"{name}.ipynb", as_version=4)
    return dict(nb.metadata.papermill.parameters)


def test_the_plan_gives_the_parameters_papermill_receives(project):
    overrides = {"year": 2022, "as_of": "2021-09", "target_growth_pct": 9.0}
    plan = _plan(project, overrides)
    build = project / "out" / f".building-2021-09-{os.getpid()}"
    assert (plan.as_of, plan.out_dir, plan.build_dir) == (
        "2021-09",
        project / "out" / "2021-09",
        build,
    )
    jobs = {j.name: j for j in plan.jobs}
    # the file's values, the overrides the notebook declares, output_dir: the job's
    # own folder in the build (target_growth_pct is declared by neither)
    assert jobs["01-ok"].parameters == {
        "data_dir": str(project / "data"),
        "year": 2022,
        "output_dir": str(build / ".work" / "01-ok"),
    }
    assert jobs["01-ok"].work_dir == build / ".work" / "01-ok"
    assert jobs["02-month"].parameters == {"as_of": "2021-09"}

    summary = _build(project, overrides)
    assert summary.ok and summary.out_dir == plan.out_dir
    for job in plan.jobs:
        assert _injected(summary.out_dir, job.name) == job.parameters
    assert (summary.out_dir / "01-ok.xlsx").is_file()


def test_the_worker_passes_the_planned_parameters_as_they_are(project, tmp_path):
    (job, _) = _plan(project).jobs
    build = tmp_path / "build"
    work = build / ".work" / "01-ok"
    # a year neither the parameter file nor an override gives: the worker must
    # not work the parameters out again
    parameters = {
        "data_dir": str(project / "data"),
        "year": 1999,
        "output_dir": str(work),
    }
    job = dataclasses.replace(job, parameters=parameters, work_dir=work)
    lines: list[str] = []
    results = runner._run_jobs([job], build, jobs=1, progress=lines.append)
    result = results["01-ok"]
    assert result.status == runner.STATUS_OK, result.error
    assert _injected(build, "01-ok") == job.parameters
    assert "年份 1999 数据行数 3" in (build / "01-ok.html").read_text(encoding="utf-8")
    assert result.excel == ["01-ok.xlsx"] and (build / "01-ok.xlsx").is_file()
    assert not job.work_dir.exists()
    assert (result.fingerprint, result.inputs) == (job.fingerprint, job.inputs)
    assert lines[0].startswith("运行 1 份报告（1 个进程并行）")
    assert lines[1].startswith("  [1/1] ✔ 01-ok（")


def test_the_fingerprint_hashes_the_same_parameters_without_output_dir(project):
    (job, _) = _plan(project).jobs
    pkg = project / "pkg"

    def hashes(parameters):
        cache = runner.HashCache()
        return runner.input_hashes(
            job.notebook, job.params_file, parameters, cache, pkg
        )

    assert hashes(job.parameters) == job.inputs
    assert runner.fingerprint(job.inputs) == job.fingerprint
    # output_dir names the run's build folder: another run, the same fingerprint
    assert hashes({**job.parameters, "output_dir": "/elsewhere"}) == job.inputs
    changed = hashes({**job.parameters, "year": 2030})
    assert [k for k in job.inputs if changed[k] != job.inputs[k]] == ["parameters"]


def test_a_changed_parameter_is_the_reason_to_rebuild(project):
    plan = _plan(project, {"year": 2022})
    assert plan.reasons == {"01-ok": ["首次运行"], "02-month": ["首次运行"]}
    _build(project, {"year": 2022})

    plan = _plan(project, {"year": 2023})
    assert not plan.up_to_date
    assert plan.reasons == {"01-ok": ["参数取值不同"]}
    assert _names(plan.to_run) == ["01-ok"] and _names(plan.reuse) == ["02-month"]

    # an override the notebook does not declare changes nothing
    assert _plan(project, {"year": 2022, "target_growth_pct": 5.0}).up_to_date

    # a new value in the parameter file: the file and the value changed
    params_file = project / "notebooks" / "params" / "01-ok.yaml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    params_file.write_text(yaml.safe_dump({**params, "year": 2020}), encoding="utf-8")
    assert _plan(project).reasons == {"01-ok": ["参数文件有改动", "参数取值不同"]}


def test_a_second_run_with_nothing_changed_plans_no_rebuild(project):
    first = _build(project, {"as_of": "2021-06"})
    assert sorted(first.executed) == ["01-ok", "02-month"]
    plan = _plan(project, {"as_of": "2021-06"})
    assert plan.up_to_date
    assert plan.to_run == [] and plan.reasons == {}
    assert _names(plan.reuse) == ["01-ok", "02-month"]
    assert {r.name for r in plan.reused_results()} == {"01-ok", "02-month"}
    assert all(r.reused for r in plan.reused_results())


def test_the_plan_reruns_a_failed_report_missing_outputs_and_forced_ones(project):
    nbdir = project / "notebooks"
    _write_notebook(nbdir / "03-broken.ipynb", "", 'raise ValueError("坏")')
    first = _build(project)
    assert _names(first.failed) == ["03-broken"]

    assert _plan(project).reasons == {"03-broken": ["上次失败"]}
    (first.out_dir / "01-ok.xlsx").unlink()
    assert _plan(project).reasons == {
        "01-ok": ["输出文件缺失"],
        "03-broken": ["上次失败"],
    }
    # outside --only, a report still runs when its outputs are gone
    forced = _plan(project, force=True, only=["02"])
    assert forced.reasons == {"01-ok": ["--force"], "02-month": ["--force"]}
    assert _names(forced.reuse) == ["03-broken"]


def test_publish_starts_the_build_with_the_kept_outputs_and_discards_it(project):
    _build(project)
    plan = _plan(project, {"year": 2030})
    kept = runner.start_build(plan)
    assert list(kept) == ["02-month"] and kept["02-month"].reused
    built = sorted(
        p.relative_to(plan.build_dir).as_posix()
        for p in plan.build_dir.rglob("*")
        if p.is_file()
    )
    assert built == ["02-month.html", "executed/02-month.ipynb"]
    runner.discard_build(plan)
    assert not plan.build_dir.exists()
    assert (plan.out_dir / "01-ok.html").is_file()
    # the published month and the list of months are all that is left
    assert sorted(p.name for p in plan.out_root.iterdir()) == [plan.as_of, "index.html"]


def test_the_state_file_published_is_what_the_next_plan_reads(project):
    summary = _build(project)
    state = runner.read_state(summary.out_dir)
    assert state["version"] == runner.STATE_VERSION
    assert state["as_of"] == "2021-06"
    assert list(state["reports"]) == ["01-ok", "02-month"]
    plan = _plan(project)
    assert plan.previous == {r.name: r for r in summary.results}
    nb_sha = runner.HashCache().sha256(project / "notebooks" / "01-ok.ipynb")
    assert state["declared"][nb_sha] == ["data_dir", "year", "output_dir"]

    # a state file of another version counts as none: everything is rebuilt
    state_file = summary.out_dir / runner.STATE_FILE
    state_file.write_text(json.dumps({**state, "version": -1}), encoding="utf-8")
    assert runner.read_state(summary.out_dir) == {}
    assert _plan(project).reasons == {"01-ok": ["首次运行"], "02-month": ["首次运行"]}


def test_planning_imports_no_papermill(project):
    code = (
        "import sys\nfrom pathlib import Path\nfrom zjanalysis import runner\n"
        f"p = Path({str(project)!r})\n"
        "plan = runner.plan_build({}, notebooks_dir=p / 'notebooks', "
        "params_dir=p / 'notebooks' / 'params', out_root=p / 'out')\n"
        "print(len(plan.to_run), 'papermill' in sys.modules, 'nbformat' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["2", "False", "False"]


def test_the_package_fingerprint_covers_the_whole_package():
    folder = runner.package_source_dir()
    assert folder == Path(runner.__file__).resolve().parents[1]
    assert (folder / "schema.py").is_file()
    assert (folder / "runner" / "plan.py").is_file()


def test_the_output_folder_lists_every_month_built_newest_first(project, tmp_path):
    from zjanalysis.runner.publish import write_months_index

    _build(project)
    out_root = _plan(project, {}).out_root
    month = _plan(project, {}).out_dir
    # a second month, copied, and a folder that is no build
    import shutil

    shutil.copytree(month, out_root / "2021-05")
    state = json.loads(
        (out_root / "2021-05" / runner.STATE_FILE).read_text(encoding="utf-8")
    )
    state["as_of"] = "2021-05"
    (out_root / "2021-05" / runner.STATE_FILE).write_text(
        json.dumps(state), encoding="utf-8"
    )
    (out_root / "notes").mkdir()
    page = write_months_index(out_root).read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+/index.html)"', page)
    assert links == sorted(links, reverse=True) and "2021-05/index.html" in links
    assert "notes/index.html" not in links
