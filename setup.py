"""Build hook: ship the report notebooks, their parameters and the demo data.

Everything else about the package is in ``pyproject.toml``. The repository's
``notebooks/`` and ``data/demo/`` stay the only copies: building a wheel copies
them into ``zjanalysis/_bundled/`` (``zjanalysis.paths`` uses that folder when
the package runs outside a checkout). An editable install (``make env``) copies
nothing: it runs on the checkout's own folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: What the wheel ships, as globs relative to the checkout (and to the sdist,
#: which MANIFEST.in fills with the same files).
BUNDLED = (
    "notebooks/[0-9][0-9]-*.ipynb",
    "notebooks/params/*.yaml",
    "data/demo/*",
)


class build_py_with_bundle(build_py):
    """``build_py`` that also copies :data:`BUNDLED` into ``zjanalysis/_bundled``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "zjanalysis" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)  # no stale file from a last build
        copied = 0
        for pattern in BUNDLED:
            for source in sorted(ROOT.glob(pattern)):
                if not source.is_file():
                    continue
                dest = target / source.relative_to(ROOT)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest)
                copied += 1
        if not copied:
            raise SystemExit(f"nothing to bundle: no notebooks or demo data in {ROOT}")


setup(cmdclass={"build_py": build_py_with_bundle})
