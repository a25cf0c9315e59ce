"""The names every stage of the runner agrees on, defined once.

Report statuses, the output metadata keys notebooks record for the runner, the
state file, the kernel, and the parameters the runner sets or overrides.
:mod:`zjanalysis.report` reads :data:`BLOCKED_KEY` and
:data:`DATA_QUALITY_REPORT` from here too.
"""

from __future__ import annotations

#: Report notebooks: two digits, a dash, a topic.
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
#: Parameters the command line may override, when a notebook declares them.
COMMON_PARAMETERS: tuple[str, ...] = ("data_dir", "year", "as_of", "target_growth_pct")
#: The parameter through which notebooks receive the folder for their Excel files.
OUTPUT_DIR_PARAMETER = "output_dir"
#: The parameter through which notebooks receive the build's loaded data set
#: (:mod:`~zjanalysis.runner.datacache`); ``""`` means load the data folder.
DATASET_CACHE_PARAMETER = "dataset_cache"
#: Parameters the runner sets itself: they name this run's build folder, so they
#: are left out of the fingerprint and of the provenance block.
RUNNER_PARAMETERS: tuple[str, ...] = (OUTPUT_DIR_PARAMETER, DATASET_CACHE_PARAMETER)
#: Default limit in seconds on one notebook cell (``zjanalysis report
#: --cell-timeout``): a cell still running after it fails its report, naming the
#: cell. Ten minutes is many times what loading a million-row ledger takes.
CELL_TIMEOUT_S = 600
#: How many times a notebook whose kernel died (a crash, memory exhausted) is
#: run again before its report fails.
KERNEL_RETRIES = 1
STATE_FILE = ".zjanalysis-state.json"
#: Bump to invalidate every saved fingerprint when the build itself changes.
STATE_VERSION = 1
KERNEL_NAME = "zjanalysis"  # the named kernel (make env, or the wheel's kernelspec)
#: Kernel options: the kernel's own TCP warning would reach the terminal.
KERNEL_ARGUMENTS: tuple[str, ...] = ("--IPKernelApp.log_level=CRITICAL",)
METADATA_KEY = "zjanalysis"
#: Output metadata key ``report.banner`` sets (to the number of data errors)
#: when a report draws no conclusion because the data have errors.
BLOCKED_KEY = "blocked_by_errors"
#: Metadata key of the report's finding code (met, at_risk, missed, no_data …).
VERDICT_KEY = "verdict"
#: The report that lists the data errors (its page is ``<name>.html``).
DATA_QUALITY_REPORT = "00-data-quality"
#: Report statuses: ran and concluded; ran but refused data with errors; broke.
STATUS_OK = "ok"
STATUS_BLOCKED = "blocked"
#: The report ran but its data do not cover what was asked (数据不足).
STATUS_NO_DATA = "no_data"
STATUS_FAILED = "failed"
#: Package parts no notebook runs (the command line), left out of the fingerprint.
PACKAGE_EXCLUDE: tuple[str, ...] = ("commands", "cli.py", "__main__.py")
