"""Publish a build: assemble the build folder and swap it into place atomically.

This stage owns every write to the output root:

- the build folder ``<out_root>/.building-<as_of>-<pid>``: created fresh, the
  kept reports' outputs linked in, thrown away when the build breaks;
- the index page (``index.html``) and the list of every month built
  (``<out_root>/index.html``, :func:`write_months_index`);
- the state file (:data:`~zjanalysis.runner.constants.STATE_FILE`): written
  here, read back by the next run's plan (:func:`read_state`);
- the swap of the finished folder into ``<out_root>/<as_of>`` with two renames,
  and the removal of build folders left by killed runs.

:mod:`zjanalysis.webpage` is imported only when the index page is written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zjanalysis import __version__
from zjanalysis.runner.constants import (
    STATE_FILE,
    STATE_VERSION,
    STATUS_BLOCKED,
    STATUS_FAILED,
    STATUS_NO_DATA,
)
from zjanalysis.runner.execute import glyph_warning
from zjanalysis.runner.records import ReportJob, ReportResult

if TYPE_CHECKING:
    from zjanalysis.runner.plan import BuildPlan


def read_state(out_dir: Path) -> dict[str, Any]:
    """Return the state file a previous build left in ``out_dir`` (none: ``{}``).

    A state file of another :data:`~zjanalysis.runner.constants.STATE_VERSION`
    counts as none, so every report is rebuilt.
    """
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def start_build(plan: BuildPlan) -> dict[str, ReportResult]:
    """Create the plan's build folder with the kept reports' outputs in it.

    Removes the build folders of killed runs first. Returns the kept reports'
    previous results by name, marked as reused.
    """
    plan.out_root.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(plan.out_root)
    shutil.rmtree(plan.build_dir, ignore_errors=True)
    plan.build_dir.mkdir(parents=True)
    kept: dict[str, ReportResult] = {}
    for result in plan.reused_results():
        for f in result.files:
            _link_or_copy(plan.out_dir / f, plan.build_dir / f)
        kept[result.name] = result
    return kept


def finish_build(
    plan: BuildPlan,
    results: Mapping[str, ReportResult],
    *,
    progress: Callable[[str], None],
) -> list[ReportResult]:
    """Write the index page and the state file, then publish the build folder.

    Parameters
    ----------
    plan : BuildPlan
        The plan the build followed.
    results : mapping
        Every report's result by name: the kept ones and the ones just run.
    progress : callable
        Receives the warning when the index page shows characters the font lacks.

    Returns
    -------
    list of ReportResult
        The results in report order, as the index page lists them.
    """
    ordered = [results[j.name] for j in plan.jobs if j.name in results]
    index_missing = _write_index(plan.build_dir, ordered, plan.as_of, plan.jobs)
    if index_missing:
        progress(glyph_warning("index", index_missing))
    state = {
        "version": STATE_VERSION,
        "as_of": plan.as_of,
        "reports": {r.name: asdict(r) for r in ordered},
        "declared": dict(plan.declared),
        "hash_cache": plan.cache.entries,
    }
    (plan.build_dir / STATE_FILE).write_text(
        json.dumps(state, ensure_ascii=False, indent=1, default=str),
        encoding="utf-8",
    )
    shutil.rmtree(plan.build_dir / ".work", ignore_errors=True)
    _swap_into_place(plan.build_dir, plan.out_dir)
    write_months_index(plan.out_root)
    return ordered


def write_months_index(out_root: Path) -> Path:
    """Write ``<out_root>/index.html``: every month built there, newest first.

    Each month links to its own index (the leaders' brief) and shows its key
    figures, read from that month's state file; a folder without one is not
    a build and is left out. Written to a temporary name and renamed, so a
    reader never sees half a page.
    """
    from zjanalysis import webpage

    months = []
    for folder in sorted(out_root.iterdir() if out_root.is_dir() else [], reverse=True):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        state = read_state(folder)
        if not state:
            continue
        entries = list(state.get("reports", {}).values())
        months.append(
            {
                "as_of": str(state.get("as_of", folder.name)),
                "href": f"{folder.name}/index.html",
                "tiles": webpage.brief_sections(entries)["tiles"],
                "attention": webpage.attention_zh(entries),
                "n_reports": len(entries),
            }
        )
    target = out_root / "index.html"
    tmp = out_root / f".index-{os.getpid()}.html"
    tmp.write_text(webpage.months_html(months), encoding="utf-8")
    os.replace(tmp, target)
    return target


def discard_build(plan: BuildPlan) -> None:
    """Remove the plan's build folder; the published folder stays as it was."""
    shutil.rmtree(plan.build_dir, ignore_errors=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_index(
    build: Path, results: list[ReportResult], as_of: str, jobs: list[ReportJob]
) -> str:
    """Write ``index.html``; return the characters it shows that the font lacks."""
    from zjanalysis import webpage

    data_dirs = sorted(
        {str(j.parameters["data_dir"]) for j in jobs if j.parameters.get("data_dir")}
    )
    now = _dt.datetime.now(_dt.UTC).astimezone().isoformat(timespec="seconds")
    n_failed = sum(r.status == STATUS_FAILED for r in results)
    n_blocked = sum(r.status == STATUS_BLOCKED for r in results)
    n_no_data = sum(r.status == STATUS_NO_DATA for r in results)
    outcome = "".join(
        [
            f"，其中 {n_failed} 份失败" if n_failed else "",
            f"，{n_blocked} 份因数据有误未出结论" if n_blocked else "",
            f"，{n_no_data} 份因数据不足未出结论" if n_no_data else "",
        ]
    )
    datasets = sorted({r.dataset for r in results if r.dataset})
    demo = any(r.is_demo for r in results)
    facts = {
        "数据截至": as_of,
        "数据目录": "、".join(data_dirs) or "—",
        "数据集": ("、".join(datasets) or "—") + ("（演示数据 DEMO）" if demo else ""),
        "报告": f"{len(results)} 份" + (outcome or "，全部成功"),
        "需关注": webpage.attention_zh(asdict(r) for r in results),
        "生成时间": now,
        "程序版本": f"zjanalysis {__version__}",
    }
    entries = [asdict(r) for r in results]
    page = webpage.index_html(
        entries,
        f"湛江市固定资产投资分析报告（{as_of}）",
        facts,
        demo=demo,
        template="brief.html.j2",
        context={"brief": webpage.brief_sections(entries)},
    )
    (build / "index.html").write_text(page, encoding="utf-8")
    return webpage.missing_glyphs(page)


def remove_stale_builds(out_root: Path) -> list[Path]:
    """Delete build folders left by runs that were killed; return what was removed.

    A folder ``.building-<as_of>-<pid>`` or ``.old-<as_of>-<pid>`` is stale when
    no process ``<pid>`` is running.
    """
    removed = []
    for folder in out_root.glob(".*-*"):
        match = re.fullmatch(r"\.(?:building|old)-.+-(\d+)", folder.name)
        if not match or not folder.is_dir() or _pid_alive(int(match.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_into_place(build: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by the finished ``build`` folder with two renames."""
    old = out_dir.with_name(f".old-{out_dir.name}-{os.getpid()}")
    if out_dir.exists():
        os.replace(out_dir, old)
    try:
        os.replace(build, out_dir)
    except BaseException:
        if old.exists() and not out_dir.exists():
            os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
