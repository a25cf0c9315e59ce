"""The records the stages hand each other.

:class:`ReportJob` is what planning decides for one report and what the worker
runs; :class:`ReportResult` is what the worker reports back, what publishing
puts on the index page and in the state file, and what the next run's plan
reads from it; :class:`BuildSummary` is what :func:`zjanalysis.runner.build_reports`
returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjanalysis.runner.constants import (
    STATUS_BLOCKED,
    STATUS_FAILED,
    STATUS_NO_DATA,
    STATUS_OK,
)


@dataclass
class ReportJob:
    """One notebook to build, with its final parameters and fingerprint.

    ``parameters`` is exactly what papermill receives: the parameter file with
    the command-line overrides, ``output_dir`` set to ``work_dir`` and
    ``dataset_cache`` to ``data_cache`` when the notebook declares them.
    ``inputs`` and ``fingerprint`` hash the same dict, without those two (they
    name this run's build folder).
    """

    name: str
    notebook: Path
    params_file: Path | None
    parameters: dict[str, Any]
    fingerprint: str
    #: The private folder the notebook writes its Excel files into.
    work_dir: Path
    inputs: dict[str, str] = field(default_factory=dict)
    #: The data folder, when the notebook takes ``dataset_cache`` and
    #: ``data_dir`` names a folder.
    data_folder: Path | None = None
    #: Where the build saves that folder's loaded data set for this report
    #: (:mod:`~zjanalysis.runner.datacache`); None: the notebook loads it.
    data_cache: Path | None = None


@dataclass
class ReportResult:
    """What happened to one report (also the record kept in the state file)."""

    name: str
    status: str  # STATUS_OK, STATUS_BLOCKED, STATUS_NO_DATA or STATUS_FAILED
    seconds: float | None = None
    title: str = ""
    finding: str = ""
    html: str = ""
    executed: str = ""
    excel: list[str] = field(default_factory=list)
    error: str = ""
    cell: str = ""
    dataset: str = ""
    is_demo: bool = False
    blocked_by_errors: int = 0
    #: The finding code the report recorded (met, at_risk, missed, no_data …).
    verdict: str = ""
    #: The report's lines for the leaders' brief (``view.brief()``, recorded by
    #: ``report.headline``): label, text, status, value.
    brief: list[dict[str, str]] = field(default_factory=list)
    #: Characters the page shows that the embedded font lacks (boxes on screen).
    missing_glyphs: str = ""
    fingerprint: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    reused: bool = False
    #: Times the notebook was run again because its kernel died.
    kernel_retries: int = 0

    @property
    def files(self) -> list[str]:
        """Return the output files of this report, relative to the output folder."""
        return [f for f in [self.html, self.executed, *self.excel] if f]


@dataclass
class BuildSummary:
    """The outcome of :func:`zjanalysis.runner.build_reports`."""

    out_dir: Path
    as_of: str
    results: list[ReportResult]
    executed: list[str]
    skipped: list[str]
    seconds: float

    @property
    def failed(self) -> list[ReportResult]:
        """Return the reports that broke (no page content to trust)."""
        return [r for r in self.results if r.status == STATUS_FAILED]

    @property
    def blocked(self) -> list[ReportResult]:
        """Return the reports that ran but drew no conclusion: the data have errors."""
        return [r for r in self.results if r.status == STATUS_BLOCKED]

    @property
    def no_data(self) -> list[ReportResult]:
        """Return the reports that ran but drew no conclusion: the data do not cover it."""
        return [r for r in self.results if r.status == STATUS_NO_DATA]

    @property
    def ok(self) -> bool:
        """Return True when every report ran and drew its conclusions."""
        return all(r.status == STATUS_OK for r in self.results)
