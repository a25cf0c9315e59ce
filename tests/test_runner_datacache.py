"""Test the build's dataset cache: loaded once, read by each notebook, never stale."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from zjanalysis import io, paths, report, runner
from zjanalysis.runner import datacache


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(paths.DEMO_DIR, folder)
    return folder


def _assert_same_dataset(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert [p.format() for p in a.report.problems] == [
        p.format() for p in b.report.problems
    ]
    assert a.files == b.files and (a.name, a.is_demo) == (b.name, b.is_demo)


def _change_one_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    at = max(i for i, b in enumerate(raw) if chr(b).isdigit() and chr(b) != "9")
    raw[at] += 1  # one digit of the last figure, e.g. 3 -> 4
    path.write_bytes(bytes(raw))


def test_the_loaded_data_set_is_read_back_until_one_byte_of_the_data_changes(
    data, tmp_path, monkeypatch
):
    path = datacache.write(data, tmp_path / "build" / "d.pickle")
    cached = datacache.read(path, data)
    assert cached is not None
    _assert_same_dataset(cached, io.load_dataset(data))

    # the notebooks' helper reads it and does not load the folder again
    def no_load(folder):
        raise AssertionError("loaded the folder although the cache holds it")

    monkeypatch.setattr(io, "load_dataset", no_load)
    _assert_same_dataset(report.load_dataset(data, cache=path), cached)
    # a new timestamp with the same content is no change
    (data / "fai_monthly.csv").touch()
    assert datacache.read(path, data) is not None
    monkeypatch.undo()

    # one byte of one file changes: the cache is stale and the folder is reloaded
    _change_one_byte(data / "fai_monthly.csv")
    assert datacache.read(path, data) is None
    reloaded = report.load_dataset(data, cache=path)
    assert not reloaded["fai_monthly"].equals(cached["fai_monthly"])
    _assert_same_dataset(reloaded, io.load_dataset(data))


def test_a_cache_for_other_data_or_unreadable_is_never_used(data, tmp_path):
    path = datacache.write(data, tmp_path / "d.pickle")
    other = tmp_path / "other"
    shutil.copytree(data, other)
    assert datacache.read(path, other) is None  # same content, another folder
    (data / "new.csv").write_text("x\n1\n", encoding="utf-8")
    assert datacache.read(path, data) is None  # a file added
    (data / "new.csv").unlink()
    assert datacache.read(path, data) is not None
    assert datacache.read(tmp_path / "missing.pickle", data) is None
    (tmp_path / "cut.pickle").write_bytes(path.read_bytes()[:1000])
    assert datacache.read(tmp_path / "cut.pickle", data) is None
    record = pickle.loads(path.read_bytes())
    record["format"] += 1
    (tmp_path / "old.pickle").write_bytes(pickle.dumps(record))
    assert datacache.read(tmp_path / "old.pickle", data) is None
    # without a cache the helper simply loads the folder
    _assert_same_dataset(report.load_dataset(data), io.load_dataset(data))


PARAMETERS = """data_dir: str = "data"  # data folder
dataset_cache: str = ""  # the build's loaded data set
"""
BODY = """from zjanalysis import report
from zjanalysis.runner import datacache
ds = report.load_dataset(data_dir, cache=dataset_cache)
print("缓存可用" if datacache.read(dataset_cache, data_dir) else "没有缓存", len(ds.files))
"""


def _write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {path.stem}"),
        nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(BODY),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


@pytest.fixture
def project(tmp_path):
    nbdir = tmp_path / "notebooks"
    (nbdir / "params").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    for name in ("01-a", "02-b"):
        _write_notebook(nbdir / f"{name}.ipynb")
        (nbdir / "params" / f"{name}.yaml").write_text(
            yaml.safe_dump({"data_dir": str(tmp_path / "data"), "dataset_cache": ""}),
            encoding="utf-8",
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


def test_reports_reading_one_folder_share_one_loaded_data_set(project):
    plan = runner.plan_reports({}, **_where(project))
    a, b = plan.jobs
    folder = (project / "data").resolve()
    assert a.data_folder == b.data_folder == folder
    assert a.data_cache == b.data_cache == datacache.cache_file(plan.build_dir, folder)
    assert a.data_cache.is_relative_to(plan.build_dir / ".work")
    assert a.parameters["dataset_cache"] == str(a.data_cache)
    # the cache names this run's build folder: it is not an input of the report
    without = {k: v for k, v in a.parameters.items() if k != "dataset_cache"}
    hashes = runner.input_hashes(
        a.notebook, a.params_file, without, runner.HashCache(), project / "pkg"
    )
    assert hashes == a.inputs

    # one report alone loads its folder itself
    (only_a,) = runner.plan_reports({}, only=["01"], **_where(project)).to_run
    assert only_a.data_cache is None and only_a.parameters["dataset_cache"] == ""

    summary = runner.build_reports({}, jobs=1, progress=None, **_where(project))
    assert summary.ok, [r.error for r in summary.results]
    for name in ("01-a", "02-b"):
        page = (summary.out_dir / f"{name}.html").read_text(encoding="utf-8")
        assert "缓存可用 1" in page, name
    assert not (summary.out_dir / ".work").exists()  # the cache went with the build
