"""Execute the planned reports: run each notebook in a worker process.

This stage owns what happens between a planned :class:`ReportJob` and its
:class:`ReportResult`:

- the pool of worker processes and the progress line for each finished report
  (:func:`run_jobs`); a data folder several reports read is loaded once, first
  (:mod:`~zjanalysis.runner.datacache`);
- in the worker (:func:`execute_report`): papermill on the ``python3`` kernel
  with the job's parameters exactly as planned and a limit on each cell's run
  time, one more run when the kernel died, the conversion to an offline HTML
  page (:mod:`zjanalysis.webpage`), the Excel files the notebook wrote and the
  facts it recorded (title, finding, data set, data errors);
- a failure told in plain words, naming the cell (:func:`describe_error`,
  :func:`describe_stop`), and the page of a failed report marked so, the
  banner first.

papermill, nbformat and :mod:`zjanalysis.webpage` are imported in the workers
only.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from zjanalysis.runner.constants import (
    BLOCKED_KEY,
    CELL_TIMEOUT_S,
    KERNEL_ARGUMENTS,
    KERNEL_NAME,
    KERNEL_RETRIES,
    METADATA_KEY,
    STATUS_BLOCKED,
    STATUS_FAILED,
    STATUS_NO_DATA,
    STATUS_OK,
    VERDICT_KEY,
)
from zjanalysis.runner.records import ReportJob, ReportResult

# --- errors in plain words -----------------------------------------------------------


def describe_error(exc: BaseException) -> tuple[str, str]:
    """Return (plain message, cell label) for an exception from a notebook run."""
    ename = getattr(exc, "ename", None)
    if ename is not None:
        evalue = str(getattr(exc, "evalue", "")).strip()
        count = getattr(exc, "exec_count", None)
        source = str(getattr(exc, "source", "") or "").splitlines()
        line = _failing_line(getattr(exc, "traceback", None) or [], count)
        if line is None or not 1 <= line <= len(source):
            code = next((s for s in source if s.strip()), "")
        else:
            code = source[line - 1]
        cell = f"In [{count}]" if count is not None else "?"
        if code.strip():
            cell += f"「{code.strip()[:80]}」"
        return f"{ename}: {evalue}", cell
    return f"{type(exc).__name__}: {exc}", ""


def describe_stop(
    nb: Any, kind: str, *, timeout: float | None = None, attempts: int = 1
) -> tuple[str, str]:
    """Return (plain message, cell label) for a run that stopped inside a cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook papermill wrote when the run stopped; the cell
        that was running is the last one with a start time.
    kind : {"timeout", "dead_kernel"}
        The cell ran past ``timeout`` seconds, or the kernel died in it
        (``attempts`` runs, each of them ended so).
    """
    cell = _running_cell(nb)
    if kind == "timeout":
        limit = f"{timeout:g}"
        message = (
            f"单元运行超过 {limit} 秒仍未结束，已停止（每个单元的时限，可用 "
            f"--cell-timeout 调整）/ a cell ran longer than {limit} s and was stopped"
        )
    else:
        again = f"，重试 {attempts - 1} 次后仍然如此" if attempts > 1 else ""
        message = (
            f"运行 notebook 的 Python 内核意外退出{again}（常见原因：内存不足）/ "
            f"the kernel died ({attempts} run(s)); often the memory ran out"
        )
    return message, cell


def _running_cell(nb: Any) -> str:
    """Return the label of the cell a stopped run was in (``""`` if unknown)."""
    started = [
        (i, c)
        for i, c in enumerate(nb.get("cells", []))
        if c.get("cell_type") == "code"
        and ((c.get("metadata") or {}).get("papermill") or {}).get("start_time")
    ]
    if not started:
        return ""
    index, cell = started[-1]
    count = cell.get("execution_count")
    if count is None:  # the kernel died before numbering it: the next number
        counts = [c.get("execution_count") for _, c in started[:-1]]
        count = next((n + 1 for n in reversed(counts) if n is not None), None)
    source = str(cell.get("source") or "").splitlines()
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    line = _failing_line(errors[-1].get("traceback", []), count) if errors else None
    if line is None or not 1 <= line <= len(source):
        code = next((s for s in source if s.strip()), "")
    else:
        code = source[line - 1]
    label = f"In [{count}]" if count is not None else f"第 {index + 1} 个单元"
    return label + (f"「{code.strip()[:80]}」" if code.strip() else "")


def _failing_line(traceback: Sequence[str], count: int | None) -> int | None:
    """Return the line of the failing cell named in an IPython traceback."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(traceback))
    lines = re.findall(rf"Cell In\[{count}\], line (\d+)", text)
    return int(lines[-1]) if lines else None


def _drop_interrupts(nb: Any) -> None:
    """Remove the KeyboardInterrupt a cell stopped for its time limit shows."""
    for c in nb.cells:
        if c.get("outputs"):
            c.outputs = [
                o
                for o in c.outputs
                if not (
                    o.output_type == "error" and o.get("ename") == "KeyboardInterrupt"
                )
            ]


def _mark_failed(nb: Any, name: str, message: str, cell: str) -> None:
    import nbformat

    nb.cells = [
        c
        for c in nb.cells
        if "papermill-error-cell-tag" not in (c.get("metadata", {}).get("tags") or [])
    ]
    from zjanalysis import webpage

    banner = webpage.failure_banner(name, message, cell)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner))


def glyph_warning(page: str, chars: str) -> str:
    """Return the warning printed when a page shows characters the font lacks.

    Examples
    --------
    >>> glyph_warning("50-plan-integrity", "❌")  # doctest: +ELLIPSIS
    '  警告：50-plan-integrity 用到字体中没有的字符 ❌(U+274C)，...'
    """
    named = " ".join(f"{ch}(U+{ord(ch):04X})" for ch in chars)
    return (
        f"  警告：{page} 用到字体中没有的字符 {named}，"
        "没有相应字体的电脑上会显示为方框；请改用文字或字体中有的符号 / "
        f"warning: {page} uses characters the embedded font lacks: {named}"
    )


# --- what a notebook recorded ------------------------------------------------------


def read_recorded(nb: Any, key: str) -> Any:
    """Return the first value a notebook recorded under ``{"zjanalysis": {key: …}}``.

    ``report.headline`` records ``finding`` and ``report.provenance`` records
    ``provenance`` in the metadata of their outputs.
    """
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            meta = output.get("metadata", {}) or {}
            value = (meta.get(METADATA_KEY) or {}).get(key)
            if value:
                return value
    return None


def read_finding(nb: Any) -> str:
    """Return the finding recorded by ``report.headline`` in an executed notebook."""
    return str(read_recorded(nb, "finding") or "")


# --- the worker (runs in a separate process) -----------------------------------------


def _quiet_process() -> None:
    """Keep library and kernel chatter out of the terminal."""
    import logging
    import warnings

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    warnings.simplefilter("ignore")
    for name in (
        "papermill",
        "traitlets",
        "nbconvert",
        "NbConvertApp",
        "nbclient",
        "jupyter_client",
    ):
        # CRITICAL: a stopped cell or a dead kernel is told in plain words
        # by the runner, not by the client's own log line
        logging.getLogger(name).setLevel(logging.CRITICAL)


def execute_report(
    job: ReportJob, build_dir: Path, *, cell_timeout: float | None = CELL_TIMEOUT_S
) -> ReportResult:
    """Run one notebook and convert it; return what happened.

    Parameters
    ----------
    job : ReportJob
        The planned report; papermill receives ``job.parameters`` unchanged.
    build_dir : Path
        The run's build folder: the page, the executed notebook
        (``executed/<name>.ipynb``) and the Excel files go there.
    cell_timeout : float or None, default :data:`~zjanalysis.runner.constants.CELL_TIMEOUT_S`
        Seconds one cell may run (papermill's ``execution_timeout``); a cell
        still running then is stopped and the report fails, naming the cell.
        None or 0: no limit.

    Returns
    -------
    ReportResult
        With the job's fingerprint and inputs, for the state file.

    Notes
    -----
    Runs in a worker process. The notebook writes its Excel files into
    ``job.work_dir`` (its ``output_dir`` parameter) so they can be attributed
    to it; they are then moved next to the HTML page. A notebook whose kernel
    died (papermill raises nbclient's ``DeadKernelError``) is run again from
    the start, :data:`~zjanalysis.runner.constants.KERNEL_RETRIES` time(s),
    with its half-written files removed; ``kernel_retries`` counts the runs
    again.
    """
    _quiet_process()
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from zjanalysis import webpage

    name, notebook, build, work = job.name, job.notebook, build_dir, job.work_dir
    (build / "executed").mkdir(parents=True, exist_ok=True)
    executed = build / "executed" / f"{name}.ipynb"

    def stopped_notebook() -> Any:
        return nbformat.read(str(executed), as_version=4) if executed.is_file() else {}

    message, cell, retries, stopped = "", "", 0, False
    start = time.perf_counter()
    while True:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        executed.unlink(missing_ok=True)
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                parameters=job.parameters,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                log_output=False,
                cwd=str(notebook.parent),
                extra_arguments=list(KERNEL_ARGUMENTS),
                execution_timeout=cell_timeout or None,
            )
        except PapermillExecutionError as exc:
            message, cell = describe_error(exc)
        except CellTimeoutError:
            stopped = True
            message, cell = describe_stop(
                stopped_notebook(), "timeout", timeout=cell_timeout
            )
        except DeadKernelError:
            if retries < KERNEL_RETRIES:
                retries += 1
                continue
            message, cell = describe_stop(
                stopped_notebook(), "dead_kernel", attempts=retries + 1
            )
        except Exception as exc:  # unreadable notebook, kernel that never started …
            message, cell = describe_error(exc)
        break
    seconds = time.perf_counter() - start

    source_nb = nbformat.read(str(notebook), as_version=4)
    nb = nbformat.read(str(executed), as_version=4) if executed.is_file() else source_nb
    title = webpage.notebook_title(source_nb, name)
    n_blocking = int(read_recorded(nb, BLOCKED_KEY) or 0)
    verdict = str(read_recorded(nb, VERDICT_KEY) or "")
    if message:
        status = STATUS_FAILED
    elif n_blocking:
        status = STATUS_BLOCKED
    else:
        status = STATUS_NO_DATA if verdict == STATUS_NO_DATA else STATUS_OK
    result = ReportResult(
        name=name,
        status=status,
        seconds=round(seconds, 2),
        title=title,
        finding=read_finding(nb),
        dataset=str((read_recorded(nb, "provenance") or {}).get("dataset", "")),
        is_demo=bool((read_recorded(nb, "provenance") or {}).get("is_demo", False)),
        blocked_by_errors=n_blocking,
        verdict=verdict,
        brief=[dict(item) for item in read_recorded(nb, "brief") or []],
        executed=f"executed/{name}.ipynb" if executed.is_file() else "",
        error=message,
        cell=cell,
        fingerprint=job.fingerprint,
        inputs=dict(job.inputs),
        kernel_retries=retries,
    )
    if message:
        if stopped:  # the stop reaches the kernel as a KeyboardInterrupt
            _drop_interrupts(nb)
        _mark_failed(nb, name, message, cell)
    try:
        page = webpage.notebook_to_html(nb, title)
    except Exception as exc:  # the page must exist even when conversion breaks
        conv_message, _ = describe_error(exc)
        result.status = STATUS_FAILED
        result.error = (
            result.error or f"转换 HTML 失败 / HTML conversion failed: {conv_message}"
        )
        page = webpage.failed_page(name, result.error, cell)
    (build / f"{name}.html").write_text(page, encoding="utf-8")
    result.html = f"{name}.html"
    result.missing_glyphs = webpage.missing_glyphs(page)
    for produced in sorted(work.iterdir()):
        if produced.is_file():
            shutil.move(str(produced), build / produced.name)
            result.excel.append(produced.name)
    shutil.rmtree(work, ignore_errors=True)
    return result


# --- the pool of workers -------------------------------------------------------------


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


#: Imported once by the fork server, so that each worker it forks starts with
#: them (about a second of imports per worker saved).
WORKER_PRELOAD: tuple[str, ...] = (
    "zjanalysis.runner.execute",
    "papermill",
    "nbformat",
    "nbconvert",
    "jinja2",
    "fontTools.subset",
    "zjanalysis.webpage",
)


def _context() -> Any:
    """Return the way worker processes start: fresh interpreters, imports once.

    A fork server where the system has one (Linux, macOS): a clean process
    that imports :data:`WORKER_PRELOAD` once and forks each worker from it;
    else (Windows) spawn, each worker importing for itself.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(WORKER_PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def prepare_data(folder: Path, path: Path) -> bool:
    """Load ``folder`` once for the build's notebooks; False when that failed.

    A failure is not the build's: each notebook then loads the folder itself
    and reports what it finds.
    """
    from zjanalysis.runner import datacache

    _quiet_process()
    try:
        datacache.write(folder, path)
    except Exception:
        return False
    return True


def run_jobs(
    to_run: Sequence[ReportJob],
    build_dir: Path,
    *,
    jobs: int | None,
    progress: Callable[[str], None],
    cell_timeout: float | None = CELL_TIMEOUT_S,
) -> dict[str, ReportResult]:
    """Run the jobs in worker processes; return their results by name.

    Parameters
    ----------
    to_run : sequence of ReportJob
        The planned jobs, in the order they are submitted.
    build_dir : Path
        The run's build folder (see :func:`execute_report`).
    jobs : int or None
        Worker processes; None for the number of CPUs.
    progress : callable
        Receives one line when the run starts and one per finished report.
    cell_timeout : float or None
        Seconds one cell may run (see :func:`execute_report`).

    Notes
    -----
    The data folders the jobs share (their ``data_cache``) are loaded first,
    each once, by the first free workers; the notebooks are queued behind
    them and read the loaded data set, or load the folder themselves when it is
    not ready (:func:`zjanalysis.report.load_dataset`).
    """
    if not to_run:
        return {}
    from concurrent.futures import ProcessPoolExecutor, as_completed

    n_workers = max(1, min(jobs or _cpu_count(), len(to_run)))
    progress(
        f"运行 {len(to_run)} 份报告（{n_workers} 个进程并行）/ running {len(to_run)} "
        f"notebook(s) on {n_workers} process(es): " + ", ".join(j.name for j in to_run),
    )
    shared = {j.data_cache: j.data_folder for j in to_run if j.data_cache}
    results: dict[str, ReportResult] = {}
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=_context()) as pool:
        for path, folder in shared.items():
            pool.submit(prepare_data, folder, path)
        futures = {
            pool.submit(execute_report, job, build_dir, cell_timeout=cell_timeout): job
            for job in to_run
        }
        for done, future in enumerate(as_completed(futures), start=1):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker itself died
                message, _ = describe_error(exc)
                result = ReportResult(
                    name=job.name,
                    status=STATUS_FAILED,
                    error=message,
                    inputs=job.inputs,
                )
            results[job.name] = result
            progress(_progress_line(result, done, len(to_run)))
            if result.missing_glyphs:
                progress(glyph_warning(job.name, result.missing_glyphs))
    return results


def _progress_line(result: ReportResult, done: int, total: int) -> str:
    """Return the line saying how one report ended, ``[done/total]`` first."""
    count = f"  [{done}/{total}]"
    took = f"{result.seconds or 0:.1f} 秒"
    if result.kernel_retries:
        took += f"，内核意外退出后重跑 {result.kernel_retries} 次"
    if result.status == STATUS_OK:
        return f"{count} ✔ {result.name}（{took}）"
    if result.status == STATUS_BLOCKED:
        return (
            f"{count} ⚠ {result.name} 数据有 {result.blocked_by_errors} 个错误，"
            f"未出结论（{took}）"
        )
    if result.status == STATUS_NO_DATA:
        return f"{count} ⚠ {result.name} 数据不足，未出结论：{result.finding}（{took}）"
    where = f"，单元 {result.cell}" if result.cell else ""
    return f"{count} ✘ {result.name} 失败{where}：{result.error}"
