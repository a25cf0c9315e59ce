"""Where the package finds notebooks, data and outputs: in a checkout or installed."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import zjanalysis
from zjanalysis import paths, report

ROOT = Path(__file__).resolve().parents[1]


def _fake_checkout(tmp_path: Path) -> Path:
    package = tmp_path / "repo" / "src" / "zjanalysis"
    package.mkdir(parents=True)
    (tmp_path / "repo" / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "repo" / "notebooks").mkdir()
    return package


def test_this_checkout_is_found_and_keeps_its_folders():
    assert paths.CHECKOUT_ROOT == ROOT
    assert paths.PROJECT_ROOT == ROOT
    assert paths.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert paths.PARAMS_DIR == ROOT / "notebooks" / "params"
    assert paths.DEMO_DIR == ROOT / "data" / "demo"
    assert paths.RAW_DIR == ROOT / "data" / "raw"
    assert paths.OUTPUTS_DIR == ROOT / "outputs"


def test_checkout_layout_ignores_the_working_directory(tmp_path):
    package = _fake_checkout(tmp_path)
    layout = paths.locate(package, tmp_path / "elsewhere")
    repo = (tmp_path / "repo").resolve()
    assert layout.in_checkout
    assert layout.checkout == repo
    assert layout.notebooks_dir == repo / "notebooks"
    assert layout.outputs_dir == repo / "outputs"
    assert layout.user_data_dir == repo / "data"


def test_installed_layout_uses_the_bundle_and_the_working_directory(tmp_path):
    package = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "zjanalysis"
    package.mkdir(parents=True)
    cwd = tmp_path / "office"
    layout = paths.locate(package, cwd)
    assert not layout.in_checkout
    assert layout.project_root == package / "_bundled"
    assert layout.notebooks_dir == package / "_bundled" / "notebooks"
    assert layout.data_dir == package / "_bundled" / "data"
    assert layout.outputs_dir == cwd / "outputs"
    assert layout.user_data_dir == cwd / "data"


def test_half_a_checkout_is_not_one(tmp_path):
    package = _fake_checkout(tmp_path)
    (tmp_path / "repo" / "notebooks").rmdir()  # a pyproject.toml alone is not enough
    assert paths.find_checkout(package) is None


def test_setup_bundles_what_the_parameter_files_point_at():
    """Every packaged parameter file's data_dir is inside what setup.py ships."""
    setup_text = (ROOT / "setup.py").read_text(encoding="utf-8")
    for params in sorted(paths.PARAMS_DIR.glob("*.yaml")):
        data_dir = re.search(
            r"^data_dir:\s*(\S+)", params.read_text(encoding="utf-8"), re.M
        )
        assert data_dir, params.name
        assert f'"{data_dir.group(1)}/*"' in setup_text, params.name


def test_one_version_source():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"].get("dynamic", [])
    assert (
        zjanalysis.__version__
        == version("zjanalysis")
        == pyproject["project"]["version"]
    )
    init = (ROOT / "src" / "zjanalysis" / "__init__.py").read_text(encoding="utf-8")
    assert pyproject["project"]["version"] not in init


def test_provenance_names_the_installed_version_outside_a_checkout(monkeypatch):
    monkeypatch.setattr(paths, "CHECKOUT_ROOT", None)
    assert report.git_state() == {"commit": None, "dirty": None}
    info = report.collect_provenance(object(), {"data_dir": "data/demo"})
    assert info["package_version"] == version("zjanalysis")
    html = report.provenance_html(info)
    assert f"程序：zjanalysis {version('zjanalysis')}，安装包版本" in html
    assert "git 提交" not in html


def test_provenance_names_the_git_commit_in_a_checkout():
    info = report.collect_provenance(object(), {})
    html = report.provenance_html(info)
    assert info["git_commit"] is not None
    assert f"git 提交 <code>{info['git_commit']}</code>" in html
