"""Locate the project's folders relative to the package (editable install)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parents[2]
DATA_DIR: Path = PROJECT_ROOT / "data"
DEMO_DIR: Path = DATA_DIR / "demo"
DEMO_DIRTY_DIR: Path = DATA_DIR / "demo-dirty"
REFERENCE_DIR: Path = DATA_DIR / "reference"
RAW_DIR: Path = DATA_DIR / "raw"
INTERIM_DIR: Path = DATA_DIR / "interim"
PROCESSED_DIR: Path = DATA_DIR / "processed"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
PARAMS_DIR: Path = NOTEBOOKS_DIR / "params"
OUTPUTS_DIR: Path = PROJECT_ROOT / "outputs"
