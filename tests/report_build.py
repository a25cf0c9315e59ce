"""Build the demo reports once per test session (shared by test_notebooks and test_browser).

The build runs as ``make report`` runs it, in a subprocess
(``python -m zjanalysis.commands.report``), so the tests also see what it prints.
The second caller finds the outputs up to date (the runner's incremental state)
and returns at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from zjanalysis import paths, runner


def build_demo_reports(basetemp: Path) -> SimpleNamespace:
    """Build every report notebook with its official parameters under ``basetemp``.

    Returns ``out_dir``, ``results`` (:class:`runner.ReportResult`), ``failed``,
    ``returncode``, ``stdout`` and ``stderr`` of the first build in the session.
    """
    out_root = basetemp / "demo-reports"
    log = basetemp / "demo-reports.log.json"
    if not log.is_file():
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "zjanalysis.commands.report",
                "--out",
                str(out_root),
            ],
            capture_output=True,
            text=True,
            cwd=paths.PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            timeout=1800,
        )
        record = {
            "returncode": proc.returncode,
            "stdout": proc.stdout,
            "stderr": proc.stderr,
        }
        log.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    record = json.loads(log.read_text(encoding="utf-8"))
    # the month built (beside it, index.html lists the months)
    (out_dir,) = [
        p for p in out_root.iterdir() if p.is_dir() and not p.name.startswith(".")
    ]
    state = json.loads((out_dir / runner.STATE_FILE).read_text(encoding="utf-8"))
    results = [runner.ReportResult(**r) for r in state["reports"].values()]
    return SimpleNamespace(
        out_dir=out_dir,
        results=results,
        failed=[r for r in results if r.status != "ok"],
        **record,
    )
