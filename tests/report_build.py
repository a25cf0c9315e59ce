"""Build the demo reports once per test session (shared by test_notebooks and test_browser).

The second caller finds the outputs up to date (the runner's incremental state)
and returns at once.
"""

from __future__ import annotations

from pathlib import Path

from zjanalysis import runner


def build_demo_reports(basetemp: Path) -> runner.BuildSummary:
    """Build every report notebook with its official parameters into ``basetemp``."""
    return runner.build_reports({}, out_root=basetemp / "demo-reports", progress=None)
