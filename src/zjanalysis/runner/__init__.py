"""Build the reports: run every report notebook, convert it, write an index.

``zjanalysis report`` (and so ``make report``) calls :func:`build_reports`,
which runs three stages:

1. **plan** (:mod:`~zjanalysis.runner.plan`): find ``notebooks/NN-*.ipynb``
   (never ``notebooks/explore``) and each one's parameter file
   ``notebooks/params/NN-topic.yaml``; work out each report's final parameters
   once: the command-line overrides (``data_dir``, ``year``, ``as_of``,
   ``target_growth_pct``) for the parameters the notebook declares, and
   ``output_dir`` set to a folder of the run's build; hash every input
   (notebook, parameter file, parameters, data files, package source) and
   decide which reports must run again and why: a report whose inputs are
   unchanged since its last successful run keeps its outputs;
2. **execute** (:mod:`~zjanalysis.runner.execute`): run the others with
   papermill's Python API on the current interpreter's ``python3`` kernel, in
   parallel worker processes, with exactly the planned parameters, showing
   progress; convert each executed notebook to an offline HTML page
   (:mod:`zjanalysis.webpage`) and collect the Excel workbooks it wrote;
3. **publish** (:mod:`~zjanalysis.runner.publish`): write ``index.html`` and
   the state file into the build folder, and only then move the finished
   folder to ``outputs/<as_of>/``.

A data folder several reports read is loaded and validated once per build and
the notebooks read that (:mod:`~zjanalysis.runner.datacache`). Each cell may
run :data:`~zjanalysis.runner.constants.CELL_TIMEOUT_S` seconds (``cell_timeout``);
a notebook whose kernel died is run once more. :func:`plan_reports` gives the
plan alone, and :func:`~zjanalysis.runner.plan.describe_plan` says what would
be rebuilt and why (``zjanalysis report --dry-run``), writing nothing.

The names the stages share are in :mod:`~zjanalysis.runner.constants`, the
records they hand each other in :mod:`~zjanalysis.runner.records`; both, and
each stage's functions, are available from this package as before.

A failing notebook still gets its page (marked failed, with the error in plain
words); the others are built; :func:`build_reports` returns a summary whose
``failed`` list names the notebook and the cell. A report that ran but drew no
conclusion because the data have errors (``report.banner`` recorded
``blocked_by_errors``) is ``blocked``: "数据有误" on the index page, listed in
the summary's ``blocked``, and the command exits 1 as for a failure.

The package imports only the standard library and PyYAML at import time so
that a run with nothing to do finishes in well under two seconds; papermill
and nbconvert are imported in the worker processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from zjanalysis import paths
from zjanalysis.runner.constants import (
    BLOCKED_KEY,
    CELL_TIMEOUT_S,
    COMMON_PARAMETERS,
    DATA_QUALITY_REPORT,
    DATASET_CACHE_PARAMETER,
    KERNEL_ARGUMENTS,
    KERNEL_NAME,
    KERNEL_RETRIES,
    METADATA_KEY,
    NOTEBOOK_GLOB,
    OUTPUT_DIR_PARAMETER,
    PACKAGE_EXCLUDE,
    RUNNER_PARAMETERS,
    STATE_FILE,
    STATE_VERSION,
    STATUS_BLOCKED,
    STATUS_FAILED,
    STATUS_NO_DATA,
    STATUS_OK,
    VERDICT_KEY,
)
from zjanalysis.runner.execute import (
    describe_error,
    describe_stop,
    execute_report,
    glyph_warning,
    read_finding,
    read_recorded,
)
from zjanalysis.runner.execute import run_jobs as _run_jobs  # a test replaces it
from zjanalysis.runner.plan import (
    CHANGE_REASONS_ZH,
    BuildPlan,
    HashCache,
    apply_overrides,
    change_reasons,
    choose_as_of,
    declared_parameters,
    describe_plan,
    discover_notebooks,
    final_parameters,
    fingerprint,
    input_hashes,
    load_params,
    package_source_dir,
    parameters_cell_names,
    plan_build,
    report_name,
    resolve_project_path,
)
from zjanalysis.runner.publish import _swap_into_place as _swap_into_place  # tested
from zjanalysis.runner.publish import (
    discard_build,
    finish_build,
    read_state,
    remove_stale_builds,
    start_build,
)
from zjanalysis.runner.records import BuildSummary, ReportJob, ReportResult

__all__ = [
    "BLOCKED_KEY",
    "VERDICT_KEY",
    "CELL_TIMEOUT_S",
    "CHANGE_REASONS_ZH",
    "COMMON_PARAMETERS",
    "DATA_QUALITY_REPORT",
    "DATASET_CACHE_PARAMETER",
    "KERNEL_ARGUMENTS",
    "KERNEL_NAME",
    "KERNEL_RETRIES",
    "METADATA_KEY",
    "NOTEBOOK_GLOB",
    "OUTPUT_DIR_PARAMETER",
    "PACKAGE_EXCLUDE",
    "RUNNER_PARAMETERS",
    "STATE_FILE",
    "STATE_VERSION",
    "STATUS_BLOCKED",
    "STATUS_NO_DATA",
    "STATUS_FAILED",
    "STATUS_OK",
    "BuildPlan",
    "BuildSummary",
    "HashCache",
    "ReportJob",
    "ReportResult",
    "apply_overrides",
    "build_reports",
    "change_reasons",
    "choose_as_of",
    "declared_parameters",
    "describe_error",
    "describe_plan",
    "describe_stop",
    "discard_build",
    "discover_notebooks",
    "execute_report",
    "final_parameters",
    "finish_build",
    "fingerprint",
    "glyph_warning",
    "input_hashes",
    "load_params",
    "package_source_dir",
    "parameters_cell_names",
    "plan_build",
    "plan_reports",
    "read_finding",
    "read_recorded",
    "read_state",
    "remove_stale_builds",
    "report_name",
    "resolve_project_path",
    "start_build",
]


def _silent(line: str) -> None:
    """Print nothing (``progress=None``)."""


def plan_reports(
    overrides: Mapping[str, Any] | None = None,
    *,
    notebooks_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
    out_root: str | Path | None = None,
    only: Sequence[str] | None = None,
    force: bool = False,
    package_dir: str | Path | None = None,
) -> BuildPlan:
    """Return the plan :func:`build_reports` would follow; read files only.

    The parameters are those of :func:`build_reports`. Nothing is written and
    no notebook runs: ``zjanalysis report --dry-run`` prints
    :func:`~zjanalysis.runner.plan.describe_plan` of it.
    """
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    return plan_build(
        dict(overrides or {}),
        notebooks_dir=notebooks_dir,
        params_dir=Path(params_dir or notebooks_dir / "params"),
        out_root=Path(out_root or paths.OUTPUTS_DIR),
        only=only,
        force=force,
        package_dir=Path(package_dir) if package_dir else None,
    )


def build_reports(
    overrides: Mapping[str, Any] | None = None,
    *,
    notebooks_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
    out_root: str | Path | None = None,
    only: Sequence[str] | None = None,
    force: bool = False,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = print,
    package_dir: str | Path | None = None,
    cell_timeout: float | None = CELL_TIMEOUT_S,
) -> BuildSummary:
    """Build the reports incrementally and atomically (see the module docstring).

    Parameters
    ----------
    overrides : mapping, optional
        Values for ``data_dir``, ``year``, ``as_of``, ``target_growth_pct``;
        ``None`` values are ignored. Applied only to notebooks declaring them.
    notebooks_dir, params_dir, out_root : path, optional
        Default ``notebooks/``, ``notebooks/params/`` and ``outputs/``.
    only : sequence of str, optional
        Build only the reports whose name starts with or contains one of these;
        the others keep their previous pages.
    force : bool, default False
        Re-run even when nothing changed.
    jobs : int, optional
        Worker processes; default the number of CPUs.
    progress : callable, optional
        Receives one line per event; None for silence.
    package_dir : path, optional
        The source folder whose changes invalidate every report; default the
        installed ``zjanalysis`` package (tests pass a fixed folder).
    cell_timeout : float or None, default :data:`~zjanalysis.runner.constants.CELL_TIMEOUT_S`
        Seconds one notebook cell may run before its report fails, naming the
        cell (600, ten minutes); None or 0 for no limit.

    Returns
    -------
    BuildSummary
        ``out_dir`` is ``<out_root>/<as_of>``; ``failed`` names failed reports.

    Raises
    ------
    FileNotFoundError
        When there is no report notebook.
    """
    started = time.perf_counter()
    say = progress or _silent
    plan = plan_reports(
        overrides,
        notebooks_dir=notebooks_dir,
        params_dir=params_dir,
        out_root=out_root,
        only=only,
        force=force,
        package_dir=package_dir,
    )
    if plan.up_to_date:
        results = plan.reused_results()
        say(
            f"全部 {len(results)} 份报告都是最新的，未重新运行（用 --force 强制重跑）\n"
            f"All {len(results)} reports are up to date: {plan.out_dir / 'index.html'}"
        )
    else:
        try:
            kept = start_build(plan)
            for name, why in plan.reasons.items():
                say(f"  {name}：{'、'.join(why)}")
            ran = _run_jobs(
                plan.to_run,
                plan.build_dir,
                jobs=jobs,
                progress=say,
                cell_timeout=cell_timeout,
            )
            results = finish_build(plan, {**kept, **ran}, progress=say)
        except BaseException:
            discard_build(plan)
            raise
    return BuildSummary(
        out_dir=plan.out_dir,
        as_of=plan.as_of,
        results=results,
        executed=[j.name for j in plan.to_run],
        skipped=[r.name for r in results if r.reused],
        seconds=time.perf_counter() - started,
    )
