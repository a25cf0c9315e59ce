"""Execute the planned reports: run each notebook in a worker process.

This stage owns what happens between a planned :class:`ReportJob` and its
:class:`ReportResult`:

- the pool of worker processes and the progress line for each finished report
  (:func:`run_jobs`);
- in the worker (:func:`execute_report`): papermill on the ``python3`` kernel
  with the job's parameters exactly as planned, the conversion to an offline
  HTML page (:mod:`zjanalysis.webpage`), the Excel files the notebook wrote and
  the facts it recorded (title, finding, data set, data errors);
- a failure told in plain words, naming the cell (:func:`describe_error`), and
  the page of a failed report marked so, the banner first.

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
    KERNEL_ARGUMENTS,
    KERNEL_NAME,
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


def _failing_line(traceback: Sequence[str], count: int | None) -> int | None:
    """Return the line of the failing cell named in an IPython traceback."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(traceback))
    lines = re.findall(rf"Cell In\[{count}\], line (\d+)", text)
    return int(lines[-1]) if lines else None


def _failure_banner(name: str, message: str, cell: str) -> str:
    import html as _html

    where = f"出错的单元：{_html.escape(cell)}。" if cell else ""
    return (
        '<div class="zj-failed-banner"><strong>本报告生成失败</strong>'
        f"（{_html.escape(name)}）。{where}<br>错误：{_html.escape(message)}<br>"
        "下面的内容不完整，请勿引用；请把本页发给开发人员。</div>"
    )


def _mark_failed(nb: Any, name: str, message: str, cell: str) -> None:
    import nbformat

    nb.cells = [
        c
        for c in nb.cells
        if "papermill-error-cell-tag" not in (c.get("metadata", {}).get("tags") or [])
    ]
    nb.cells.insert(
        0, nbformat.v4.new_markdown_cell(_failure_banner(name, message, cell))
    )


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
        "jupyter_client",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)


def execute_report(job: ReportJob, build_dir: Path) -> ReportResult:
    """Run one notebook and convert it; return what happened.

    Parameters
    ----------
    job : ReportJob
        The planned report; papermill receives ``job.parameters`` unchanged.
    build_dir : Path
        The run's build folder: the page, the executed notebook
        (``executed/<name>.ipynb``) and the Excel files go there.

    Returns
    -------
    ReportResult
        With the job's fingerprint and inputs, for the state file.

    Notes
    -----
    Runs in a worker process. The notebook writes its Excel files into
    ``job.work_dir`` (its ``output_dir`` parameter) so they can be attributed
    to it; they are then moved next to the HTML page.
    """
    _quiet_process()
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from zjanalysis import webpage

    name, notebook, build, work = job.name, job.notebook, build_dir, job.work_dir
    work.mkdir(parents=True, exist_ok=True)
    (build / "executed").mkdir(parents=True, exist_ok=True)
    executed = build / "executed" / f"{name}.ipynb"

    message, cell = "", ""
    start = time.perf_counter()
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
        )
    except PapermillExecutionError as exc:
        message, cell = describe_error(exc)
    except Exception as exc:  # kernel died, unreadable notebook, …
        message, cell = describe_error(exc)
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
        executed=f"executed/{name}.ipynb" if executed.is_file() else "",
        error=message,
        cell=cell,
        fingerprint=job.fingerprint,
        inputs=dict(job.inputs),
    )
    if message:
        _mark_failed(nb, name, message, cell)
    try:
        page = webpage.notebook_to_html(nb, title)
    except Exception as exc:  # the page must exist even when conversion breaks
        conv_message, _ = describe_error(exc)
        result.status = STATUS_FAILED
        result.error = (
            result.error or f"转换 HTML 失败 / HTML conversion failed: {conv_message}"
        )
        page = webpage.finalize_page(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name}</title>"
            f"</head><body>{_failure_banner(name, result.error, cell)}</body></html>"
        )
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


def run_jobs(
    to_run: Sequence[ReportJob],
    build_dir: Path,
    *,
    jobs: int | None,
    progress: Callable[[str], None],
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
    """
    if not to_run:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    n_workers = max(1, min(jobs or _cpu_count(), len(to_run)))
    progress(
        f"运行 {len(to_run)} 份报告（{n_workers} 个进程并行）/ running {len(to_run)} "
        f"notebook(s) on {n_workers} process(es): " + ", ".join(j.name for j in to_run),
    )
    results: dict[str, ReportResult] = {}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
        futures = {pool.submit(execute_report, job, build_dir): job for job in to_run}
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
    if result.status == STATUS_OK:
        return f"{count} ✔ {result.name}（{result.seconds:.1f} 秒）"
    if result.status == STATUS_BLOCKED:
        return (
            f"{count} ⚠ {result.name} 数据有 {result.blocked_by_errors} 个错误，"
            f"未出结论（{result.seconds:.1f} 秒）"
        )
    if result.status == STATUS_NO_DATA:
        return (
            f"{count} ⚠ {result.name} 数据不足，未出结论：{result.finding}"
            f"（{result.seconds:.1f} 秒）"
        )
    where = f"，单元 {result.cell}" if result.cell else ""
    return f"{count} ✘ {result.name} 失败{where}：{result.error}"
