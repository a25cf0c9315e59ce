"""Locate the project's folders: in a checkout, or from an installed wheel.

Two layouts, decided once at import by :func:`locate`:

- **checkout** (the package imported from ``<root>/src/zjanalysis`` with a
  ``pyproject.toml`` and ``notebooks/`` beside ``src``, as after ``make env``):
  every folder is under the checkout, as it always was;
- **installed** (a wheel in any environment): the notebooks, their parameter
  files and the demo data are the copies the wheel ships in
  ``zjanalysis/_bundled/``; what the user owns is under the working directory:
  reports in ``./outputs``, raw files in ``./data/raw`` (and ``interim``,
  ``processed``). Relative ``data_dir`` parameters (``data/demo``) resolve
  against :data:`PROJECT_ROOT`, the bundle's root, so the packaged parameter
  files work unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The folder inside the installed package that holds what the wheel bundles.
BUNDLE_NAME = "_bundled"


@dataclass(frozen=True)
class Layout:
    """Where each folder is; ``checkout`` is None outside a checkout."""

    checkout: Path | None
    project_root: Path
    data_dir: Path
    notebooks_dir: Path
    outputs_dir: Path
    user_data_dir: Path

    @property
    def in_checkout(self) -> bool:
        return self.checkout is not None


def find_checkout(package_dir: Path) -> Path | None:
    """Return the checkout the package lives in, or None.

    A checkout is ``package_dir/../..`` when it holds a ``pyproject.toml`` and a
    ``notebooks/`` folder (the ``src`` layout of this repository).

    Examples
    --------
    >>> find_checkout(Path("nowhere/lib/python3.11/site-packages/zjanalysis")) is None
    True
    """
    root = package_dir.resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def locate(package_dir: Path, cwd: Path) -> Layout:
    """Return the :class:`Layout` for a package folder and a working directory.

    Examples
    --------
    >>> layout = locate(Path("env/site-packages/zjanalysis"), Path("office"))
    >>> layout.in_checkout, layout.notebooks_dir.as_posix(), layout.outputs_dir.as_posix()
    (False, 'env/site-packages/zjanalysis/_bundled/notebooks', 'office/outputs')
    """
    checkout = find_checkout(package_dir)
    if checkout is not None:
        return Layout(
            checkout=checkout,
            project_root=checkout,
            data_dir=checkout / "data",
            notebooks_dir=checkout / "notebooks",
            outputs_dir=checkout / "outputs",
            user_data_dir=checkout / "data",
        )
    bundle = package_dir / BUNDLE_NAME
    return Layout(
        checkout=None,
        project_root=bundle,
        data_dir=bundle / "data",
        notebooks_dir=bundle / "notebooks",
        outputs_dir=cwd / "outputs",
        user_data_dir=cwd / "data",
    )


LAYOUT: Layout = locate(Path(__file__).resolve().parent, Path.cwd())
#: The checkout, or None when the package runs from an installed wheel.
CHECKOUT_ROOT: Path | None = LAYOUT.checkout
#: Where relative parameter paths (``data/demo``) start: the checkout or the bundle.
PROJECT_ROOT: Path = LAYOUT.project_root
DATA_DIR: Path = LAYOUT.data_dir
DEMO_DIR: Path = DATA_DIR / "demo"
DEMO_DIRTY_DIR: Path = DATA_DIR / "demo-dirty"  # checkout only
REFERENCE_DIR: Path = DATA_DIR / "reference"  # checkout only
RAW_DIR: Path = LAYOUT.user_data_dir / "raw"
INTERIM_DIR: Path = LAYOUT.user_data_dir / "interim"
PROCESSED_DIR: Path = LAYOUT.user_data_dir / "processed"
NOTEBOOKS_DIR: Path = LAYOUT.notebooks_dir
PARAMS_DIR: Path = NOTEBOOKS_DIR / "params"
OUTPUTS_DIR: Path = LAYOUT.outputs_dir
