"""The wheel works outside the checkout: built, installed with the lock, every report.

Builds the sdist and, from it, the wheel (``uv build``: so the sdist must carry
the notebooks and the demo data that ``setup.py`` bundles), installs the wheel
into a fresh venv outside the checkout (no system or project site-packages) with
the hashed runtime lock, and runs ``zjanalysis report`` from an empty working
directory. Takes one to three minutes (the install comes from pip's cache);
``make test`` runs it, ``pytest -m 'not wheel'`` leaves it out.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

from zjanalysis import paths, runner

pytestmark = [pytest.mark.wheel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def _clean_env() -> dict[str, str]:
    """The environment without the project venv's traces."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with the locked runtime and the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    uv = Path(sys.executable).with_name("uv")
    _run([uv, "build", "--quiet", "--out-dir", dist, ROOT], env=_clean_env())
    wheels = sorted(dist.glob("zjanalysis-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {dist}: {wheels}"

    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = [python, "-m", "pip", "install", "--quiet"]
    _run([*pip, "--require-hashes", "-r", ROOT / "requirements.lock"], env=_clean_env())
    _run([*pip, "--no-deps", wheels[0]], env=_clean_env())
    return env_dir


def test_installed_package_is_not_the_checkout(installed, tmp_path):
    code = (
        "import zjanalysis, zjanalysis.paths as p;"
        "print(zjanalysis.__file__); print(p.CHECKOUT_ROOT); print(p.OUTPUTS_DIR);"
        "print(zjanalysis.__version__)"
    )
    result = _run(
        [installed / "bin" / "python", "-c", code], cwd=tmp_path, env=_clean_env()
    )
    module, checkout, outputs, installed_version = result.stdout.splitlines()
    assert Path(module).is_relative_to(installed)
    assert checkout == "None"
    assert Path(outputs) == tmp_path.resolve() / "outputs"
    assert installed_version == version("zjanalysis")


def test_wheel_builds_every_report_from_the_packaged_demo(installed, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    out = tmp_path / "out"
    _run(
        [installed / "bin" / "zjanalysis", "report", "--out", out],
        cwd=work,
        env=_clean_env(),
    )
    build = out / "2021-06"
    names = [nb.stem for nb in runner.discover_notebooks(paths.NOTEBOOKS_DIR)]
    assert names, f"no report notebook in {paths.NOTEBOOKS_DIR}"
    missing = [n for n in names if not (build / f"{n}.html").is_file()]
    assert not missing, f"no page for {missing} in {build}"
    assert (build / "index.html").is_file()
    assert list(work.iterdir()) == [], "the build wrote into the working directory"

    # the packaged demo data, byte for byte the checkout's: its hash is in the page
    demo_hash = hashlib.sha256(
        (ROOT / "data" / "demo" / "projects.xlsx").read_bytes()
    ).hexdigest()
    expected = f"zjanalysis {version('zjanalysis')}"
    index = (build / "index.html").read_text(encoding="utf-8")
    assert expected in index
    assert "演示数据 DEMO" in index
    for name in names:
        page = (build / f"{name}.html").read_text(encoding="utf-8")
        assert f"程序：{expected}，安装包版本" in page, name
        assert "git 提交" not in page, name
        assert demo_hash in page, name
