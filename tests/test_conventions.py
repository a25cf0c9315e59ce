"""The conventions contributors rely on: the named kernel and the pre-commit hooks."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from jupyter_client.kernelspec import KernelSpecManager

from zjanalysis import paths, runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = runner.discover_notebooks(paths.NOTEBOOKS_DIR)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_names_the_project_kernel(notebook):
    spec = nbformat.read(str(notebook), as_version=4).metadata["kernelspec"]
    assert spec["name"] == runner.KERNEL_NAME == "zjanalysis"
    assert spec["display_name"] == "zjanalysis (.venv)"


def test_the_kernel_runs_this_environment():
    """The kernel papermill and nbval start is this interpreter (make env, or the wheel)."""
    spec = KernelSpecManager().get_kernel_spec(runner.KERNEL_NAME)
    python = spec.argv[0]
    assert (
        python == "python" or Path(python).resolve() == Path(sys.executable).resolve()
    )
    assert spec.argv[1:].count("ipykernel_launcher") == 1


def test_the_wheel_ships_the_same_kernel():
    shipped = json.loads(
        (ROOT / "src/zjanalysis/templates/kernelspec/kernel.json").read_text()
    )
    # "python": jupyter_client starts the interpreter that asks for the kernel
    assert shipped["argv"][:3] == ["python", "-m", "ipykernel_launcher"]
    assert "share/jupyter/kernels/zjanalysis" in (ROOT / "pyproject.toml").read_text()


def test_pre_commit_config_is_valid_and_its_tools_are_installed():
    config = ROOT / ".pre-commit-config.yaml"
    bindir = Path(sys.executable).parent
    subprocess.run(
        [bindir / "pre-commit", "validate-config", config], check=True, cwd=ROOT
    )
    hooks = {
        h["id"]: h
        for repo in yaml.safe_load(config.read_text())["repos"]
        for h in repo["hooks"]
    }
    assert {"ruff-check", "ruff-format", "nbstripout", "jupytext-sync"} <= set(hooks)
    for hook in hooks.values():
        tool = shlex.split(hook["entry"])[0]
        assert tool.startswith(".venv/bin/"), hook["id"]
        assert (bindir / Path(tool).name).is_file(), f"{hook['id']}: no {tool}"
