"""Build the reports: run every report notebook, convert it, write an index.

``zjanalysis report`` (and so ``make report``) calls :func:`build_reports`:

1. find ``notebooks/NN-*.ipynb`` (never ``notebooks/explore``) and each one's
   parameter file ``notebooks/params/NN-topic.yaml``;
2. apply the command-line overrides (``data_dir``, ``year``, ``as_of``,
   ``target_growth_pct``) to the parameters the notebook declares, and set
   ``output_dir`` to the run's build folder;
3. skip every notebook whose inputs (notebook, parameter file, overrides, data
   files, package source) are unchanged since its last successful run;
4. run the others with papermill's Python API on the current interpreter's
   ``python3`` kernel, in parallel worker processes, showing progress;
5. convert each executed notebook to an offline HTML page
   (:mod:`zjanalysis.webpage`), collect the Excel workbooks it wrote, write
   ``index.html`` and the state file, and only then move the finished folder to
   ``outputs/<as_of>/``.

A failing notebook still gets its page (marked failed, with the error in plain
words); the others are built; :func:`build_reports` returns a summary whose
``failed`` list names the notebook and the cell. A report that ran but drew no
conclusion because the data have errors (``report.banner`` recorded
``blocked_by_errors``) is ``blocked``: "数据有误" on the index page, listed in
the summary's ``blocked``, and the command exits 1 as for a failure.

This module imports only the standard library and PyYAML at import time so
that a run with nothing to do finishes in well under two seconds; papermill
and nbconvert are imported in the worker processes.
"""

from __future__ import annotations

import ast
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from zjanalysis import __version__, paths

#: Report notebooks: two digits, a dash, a topic.
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
#: Parameters the command line may override, when a notebook declares them.
COMMON_PARAMETERS: tuple[str, ...] = ("data_dir", "year", "as_of", "target_growth_pct")
#: The parameter through which notebooks receive the folder for their Excel files.
OUTPUT_DIR_PARAMETER = "output_dir"
STATE_FILE = ".zjanalysis-state.json"
#: Bump to invalidate every saved fingerprint when the build itself changes.
STATE_VERSION = 1
KERNEL_NAME = "python3"
#: Kernel options: the kernel's own TCP warning would reach the terminal.
KERNEL_ARGUMENTS: tuple[str, ...] = ("--IPKernelApp.log_level=CRITICAL",)
METADATA_KEY = "zjanalysis"
#: Output metadata key ``report.banner`` sets (to the number of data errors)
#: when a report draws no conclusion because the data have errors.
BLOCKED_KEY = "blocked_by_errors"
#: The report that lists the data errors (its page is ``<name>.html``).
DATA_QUALITY_REPORT = "00-data-quality"
#: Report statuses: ran and concluded; ran but refused data with errors; broke.
STATUS_OK = "ok"
STATUS_BLOCKED = "blocked"
STATUS_FAILED = "failed"
#: Package parts no notebook runs (the command line), left out of the fingerprint.
PACKAGE_EXCLUDE: tuple[str, ...] = ("commands", "cli.py", "__main__.py")


# --- discovering and planning ------------------------------------------------------


def discover_notebooks(notebooks_dir: str | Path) -> list[Path]:
    """Return the report notebooks ``NN-*.ipynb`` in ``notebooks_dir``, in order.

    Sub-folders (``explore/``) and checkpoints are never included.
    """
    folder = Path(notebooks_dir)
    return sorted(p for p in folder.glob(NOTEBOOK_GLOB) if p.is_file())


def report_name(notebook: str | Path) -> str:
    """Return the report name of a notebook (its file stem, e.g. ``00-data-quality``)."""
    return Path(notebook).stem


def load_params(params_file: str | Path | None) -> dict[str, Any]:
    """Read a YAML parameter file (missing file: no parameters).

    Dates that YAML turned into date objects are given back as ISO text, since
    notebook parameters such as ``as_of`` are strings.

    Raises
    ------
    ValueError
        When the file is not a YAML mapping.
    """
    if params_file is None or not Path(params_file).is_file():
        return {}
    with open(params_file, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(
            f"参数文件 {params_file} 应是「名称: 值」的列表 / "
            f"{params_file} must be a YAML mapping"
        )
    return {
        str(k): v.isoformat() if isinstance(v, _dt.date) else v for k, v in data.items()
    }


def parameters_cell_names(notebook: str | Path) -> list[str]:
    """Return the names assigned in a notebook's ``parameters`` cell, quickly.

    Reads the JSON and parses the cell with :mod:`ast`, as
    :func:`papermill.inspect_notebook` does, without importing papermill (about
    a second), so that planning a run with nothing to do stays fast. The
    worker still asks papermill before it runs the notebook.
    """
    with open(notebook, encoding="utf-8") as fh:
        nb_json = json.load(fh)
    for cell in nb_json.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            names: list[str] = []
            for node in tree.body:
                if isinstance(node, ast.AnnAssign) and isinstance(
                    node.target, ast.Name
                ):
                    names.append(node.target.id)
                elif isinstance(node, ast.Assign):
                    names += [t.id for t in node.targets if isinstance(t, ast.Name)]
            return names
    return []


def declared_parameters(notebook: str | Path) -> list[str]:
    """Return the parameter names a notebook declares, via papermill.inspect_notebook."""
    import papermill

    return list(papermill.inspect_notebook(str(notebook)))


def apply_overrides(
    params: Mapping[str, Any],
    declared: Iterable[str],
    overrides: Mapping[str, Any],
) -> dict[str, Any]:
    """Return ``params`` with the overrides for the parameters a notebook declares.

    Parameters
    ----------
    params : mapping
        The values from the notebook's parameter file.
    declared : iterable of str
        The notebook's parameter names.
    overrides : mapping
        Command-line values (``None`` means not given).

    Examples
    --------
    >>> apply_overrides({"year": 2021}, ["year", "as_of"], {"year": 2022, "seed": 1})
    {'year': 2022}
    >>> apply_overrides({"year": 2021}, ["year", "as_of"], {"as_of": "2021-09"})
    {'year': 2021, 'as_of': '2021-09'}
    """
    declared = set(declared)
    out = dict(params)
    for key, value in overrides.items():
        if value is not None and key in declared:
            out[key] = value
    return out


# --- fingerprints --------------------------------------------------------------------


class HashCache:
    """Hash files once: remember sha256 by (path, size, mtime) across runs."""

    def __init__(self, entries: Mapping[str, Sequence[Any]] | None = None) -> None:
        self.entries: dict[str, list[Any]] = {
            k: list(v) for k, v in (entries or {}).items()
        }

    def sha256(self, path: Path) -> str:
        """Return the sha256 of ``path``, from the cache when unchanged."""
        st = path.stat()
        key = str(path.resolve())
        hit = self.entries.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.entries[key] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def tree(
        self,
        folder: Path,
        suffixes: tuple[str, ...] | None = None,
        exclude: tuple[str, ...] = (),
    ) -> str:
        """Return one hash over the relative names and contents of a folder's files.

        Hidden files, ``__pycache__`` and top-level entries named in ``exclude``
        are left out.
        """
        digest = hashlib.sha256()
        if folder.is_file():
            digest.update(self.sha256(folder).encode())
            return digest.hexdigest()
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            if exclude and rel.parts[0] in exclude:
                continue
            if not path.is_file() or (suffixes and path.suffix not in suffixes):
                continue
            digest.update(f"{rel.as_posix()}\0{self.sha256(path)}\n".encode())
        return digest.hexdigest()


def resolve_project_path(p: str | Path) -> Path:
    """Return ``p`` absolute; relative paths start at the project root."""
    path = Path(p).expanduser()
    return path if path.is_absolute() else paths.PROJECT_ROOT / path


def package_source_dir() -> Path:
    """Return the folder of the installed ``zjanalysis`` package."""
    return Path(__file__).resolve().parent


def input_hashes(
    notebook: Path,
    params_file: Path | None,
    parameters: Mapping[str, Any],
    cache: HashCache,
    package_dir: Path | None = None,
) -> dict[str, str]:
    """Return one hash per input a report depends on.

    ``notebook``, ``params_file``, ``parameters`` (the effective values, with
    the overrides), ``data`` (every file in the ``data_dir`` parameter's
    folder), ``package`` (the package source, page template included) and
    ``python`` (the interpreter version).
    """

    def text_hash(obj: object) -> str:
        blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    parts = {
        "notebook": cache.sha256(notebook),
        "params_file": (
            cache.sha256(params_file) if params_file and params_file.is_file() else ""
        ),
        "parameters": text_hash(parameters),
        "package": cache.tree(
            package_dir or package_source_dir(),
            (".py", ".j2", ".json", ".css", ".yaml"),
        ),
        "python": text_hash([STATE_VERSION, sys.version]),
        "data": "",
    }
    data_dir = parameters.get("data_dir")
    if isinstance(data_dir, str) and data_dir:
        folder = resolve_project_path(data_dir)
        parts["data"] = cache.tree(folder) if folder.exists() else f"missing:{folder}"
    return parts


def fingerprint(parts: Mapping[str, str]) -> str:
    """Return one hash over the input hashes of :func:`input_hashes`."""
    blob = json.dumps(dict(parts), sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


#: How a changed input is named when a report is re-run.
CHANGE_REASONS_ZH: dict[str, str] = {
    "notebook": "notebook 有改动",
    "params_file": "参数文件有改动",
    "parameters": "参数取值不同",
    "data": "数据有改动",
    "package": "程序有改动",
    "python": "运行环境有变化",
}


def change_reasons(old: Mapping[str, str] | None, new: Mapping[str, str]) -> list[str]:
    """Return in Chinese why a report must be re-run (which inputs changed).

    Examples
    --------
    >>> change_reasons({"data": "a", "package": "b"}, {"data": "c", "package": "b"})
    ['数据有改动']
    >>> change_reasons(None, {"data": "c"})
    ['首次运行']
    """
    if not old:
        return ["首次运行"]
    return [CHANGE_REASONS_ZH.get(k, k) for k in new if old.get(k) != new[k]]


# --- jobs and results -----------------------------------------------------------------


@dataclass
class ReportJob:
    """One notebook to build, with its effective parameters and fingerprint."""

    name: str
    notebook: Path
    params_file: Path | None
    parameters: dict[str, Any]
    fingerprint: str
    inputs: dict[str, str] = field(default_factory=dict)
    file_parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportResult:
    """What happened to one report (also the record kept in the state file)."""

    name: str
    status: str  # STATUS_OK, STATUS_BLOCKED or STATUS_FAILED
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
    #: Characters the page shows that the embedded font lacks (boxes on screen).
    missing_glyphs: str = ""
    fingerprint: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    reused: bool = False

    @property
    def files(self) -> list[str]:
        """Return the output files of this report, relative to the output folder."""
        return [f for f in [self.html, self.executed, *self.excel] if f]


@dataclass
class BuildSummary:
    """The outcome of :func:`build_reports`."""

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
    def ok(self) -> bool:
        """Return True when every report ran and drew its conclusions."""
        return all(r.status == STATUS_OK for r in self.results)


# --- the worker (runs in a separate process) ------------------------------------------


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


def execute_report(task: Mapping[str, Any]) -> dict[str, Any]:
    """Run one notebook and convert it; return a :class:`ReportResult` as a dict.

    Parameters
    ----------
    task : mapping
        ``name``, ``notebook``, ``file_parameters`` (from the YAML file),
        ``overrides`` (command line), ``build_dir`` (the run's build folder),
        ``fingerprint`` and ``inputs``. Runs in a worker process.

    Notes
    -----
    The notebook writes its Excel files into a private folder (its
    ``output_dir`` parameter) so they can be attributed to it; they are then
    moved next to the HTML page.
    """
    _quiet_process()
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from zjanalysis import webpage

    name = task["name"]
    notebook = Path(task["notebook"])
    build = Path(task["build_dir"])
    work = build / ".work" / name
    work.mkdir(parents=True, exist_ok=True)
    (build / "executed").mkdir(parents=True, exist_ok=True)
    executed = build / "executed" / f"{name}.ipynb"
    # The overrides go only to the parameters papermill finds in the notebook.
    declared = declared_parameters(notebook)
    parameters = apply_overrides(
        task["file_parameters"],
        [p for p in declared if p in COMMON_PARAMETERS],
        task["overrides"],
    )
    if OUTPUT_DIR_PARAMETER in declared:
        parameters[OUTPUT_DIR_PARAMETER] = str(work)

    message, cell = "", ""
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
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
    if message:
        status = STATUS_FAILED
    else:
        status = STATUS_BLOCKED if n_blocking else STATUS_OK
    result = ReportResult(
        name=name,
        status=status,
        seconds=round(seconds, 2),
        title=title,
        finding=read_finding(nb),
        dataset=str((read_recorded(nb, "provenance") or {}).get("dataset", "")),
        is_demo=bool((read_recorded(nb, "provenance") or {}).get("is_demo", False)),
        blocked_by_errors=n_blocking,
        executed=f"executed/{name}.ipynb" if executed.is_file() else "",
        error=message,
        cell=cell,
        fingerprint=task["fingerprint"],
        inputs=dict(task.get("inputs", {})),
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
    return asdict(result)


# --- the build -------------------------------------------------------------------------


def _load_state(out_dir: Path) -> dict[str, Any]:
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def _result_from_state(record: Mapping[str, Any]) -> ReportResult:
    known = set(ReportResult.__dataclass_fields__)
    return ReportResult(**{k: v for k, v in record.items() if k in known})


def choose_as_of(
    overrides: Mapping[str, Any], param_sets: Iterable[Mapping[str, Any]]
) -> str:
    """Return the as-of month naming the output folder.

    The ``--as-of`` override, else the value most parameter files agree on,
    else ``"latest"``.

    Examples
    --------
    >>> choose_as_of({"as_of": "2021-09"}, [{"as_of": "2021-06"}])
    '2021-09'
    >>> choose_as_of({}, [{"as_of": "2021-06"}, {"as_of": "2021-06"}, {}])
    '2021-06'
    >>> choose_as_of({}, [{}])
    'latest'
    """
    if overrides.get("as_of"):
        return str(overrides["as_of"])
    counts = Counter(str(p["as_of"]) for p in param_sets if p.get("as_of"))
    return counts.most_common(1)[0][0] if counts else "latest"


def _match(name: str, only: Sequence[str] | None) -> bool:
    return not only or any(name == o or name.startswith(o) or o in name for o in only)


def _print(progress: Callable[[str], None] | None, text: str) -> None:
    if progress is not None:
        progress(text)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


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
    overrides = dict(overrides or {})
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    params_dir = Path(params_dir or notebooks_dir / "params")
    out_root = Path(out_root or paths.OUTPUTS_DIR)
    notebooks = discover_notebooks(notebooks_dir)
    if not notebooks:
        raise FileNotFoundError(
            f"没有找到报告 notebook / no report notebook in {notebooks_dir}"
        )

    param_sets = {nb: load_params(params_dir / f"{nb.stem}.yaml") for nb in notebooks}
    as_of = choose_as_of(overrides, param_sets.values())
    out_dir = out_root / as_of
    state = _load_state(out_dir)
    cache = HashCache(state.get("hash_cache"))
    declared_cache: dict[str, list[str]] = dict(state.get("declared", {}))
    previous = {k: _result_from_state(v) for k, v in state.get("reports", {}).items()}

    jobs_all: list[ReportJob] = []
    for nb in notebooks:
        nb_sha = cache.sha256(nb)
        if nb_sha not in declared_cache:
            declared_cache[nb_sha] = parameters_cell_names(nb)
        params_file = params_dir / f"{nb.stem}.yaml"
        effective = apply_overrides(
            param_sets[nb],
            [p for p in declared_cache[nb_sha] if p in COMMON_PARAMETERS],
            overrides,
        )
        effective.pop(OUTPUT_DIR_PARAMETER, None)
        inputs = input_hashes(
            nb,
            params_file,
            effective,
            cache,
            Path(package_dir) if package_dir else None,
        )
        jobs_all.append(
            ReportJob(
                name=nb.stem,
                notebook=nb,
                params_file=params_file if params_file.is_file() else None,
                parameters=effective,
                fingerprint=fingerprint(inputs),
                inputs=inputs,
                file_parameters=param_sets[nb],
            )
        )

    def up_to_date(job: ReportJob) -> bool:
        prev = previous.get(job.name)
        return (
            prev is not None
            and prev.status in (STATUS_OK, STATUS_BLOCKED)
            and prev.fingerprint == job.fingerprint
            and all((out_dir / f).is_file() for f in prev.files)
        )

    to_run = [
        j for j in jobs_all if _match(j.name, only) and (force or not up_to_date(j))
    ]
    keep = [j for j in jobs_all if j not in to_run and j.name in previous]
    if (
        not to_run
        and set(previous) == {j.name for j in keep}
        and (out_dir / "index.html").is_file()
    ):
        _print(
            progress,
            f"全部 {len(keep)} 份报告都是最新的，未重新运行（用 --force 强制重跑）\n"
            f"All {len(keep)} reports are up to date: {out_dir / 'index.html'}",
        )
        results = [previous[j.name] for j in keep]
        for r in results:
            r.reused = True
        return BuildSummary(
            out_dir,
            as_of,
            results,
            [],
            [j.name for j in keep],
            time.perf_counter() - started,
        )

    out_root.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(out_root)
    build = out_root / f".building-{as_of}-{os.getpid()}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    try:
        results: dict[str, ReportResult] = {}
        for job in keep:
            prev = previous[job.name]
            if all((out_dir / f).is_file() for f in prev.files):
                for f in prev.files:
                    _link_or_copy(out_dir / f, build / f)
                prev.reused = True
                results[job.name] = prev
            elif job not in to_run:
                to_run.append(job)
        to_run.sort(key=lambda j: j.name)
        for job in to_run:
            prev = previous.get(job.name)
            if force:
                why = ["--force"]
            elif prev is not None and prev.status == STATUS_FAILED:
                why = ["上次失败"]
            else:
                why = change_reasons(prev.inputs if prev else None, job.inputs)
            _print(progress, f"  {job.name}：{'、'.join(why) or '输出文件缺失'}")
        results.update(_run_jobs(to_run, build, jobs, progress, overrides))
        ordered = [results[j.name] for j in jobs_all if j.name in results]
        index_missing = _write_index(build, ordered, as_of, jobs_all)
        if index_missing:
            _print(progress, glyph_warning("index", index_missing))
        state_out = {
            "version": STATE_VERSION,
            "as_of": as_of,
            "reports": {r.name: asdict(r) for r in ordered},
            "declared": {k: v for k, v in declared_cache.items()},
            "hash_cache": cache.entries,
        }
        (build / STATE_FILE).write_text(
            json.dumps(state_out, ensure_ascii=False, indent=1, default=str),
            encoding="utf-8",
        )
        shutil.rmtree(build / ".work", ignore_errors=True)
        _swap_into_place(build, out_dir)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    summary = BuildSummary(
        out_dir=out_dir,
        as_of=as_of,
        results=ordered,
        executed=[j.name for j in to_run],
        skipped=[r.name for r in ordered if r.reused],
        seconds=time.perf_counter() - started,
    )
    return summary


def _run_jobs(
    to_run: list[ReportJob],
    build: Path,
    jobs: int | None,
    progress: Callable[[str], None] | None,
    overrides: Mapping[str, Any],
) -> dict[str, ReportResult]:
    """Run the jobs in worker processes; return results by name."""
    if not to_run:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    n_workers = max(1, min(jobs or _cpu_count(), len(to_run)))
    _print(
        progress,
        f"运行 {len(to_run)} 份报告（{n_workers} 个进程并行）/ running {len(to_run)} "
        f"notebook(s) on {n_workers} process(es): " + ", ".join(j.name for j in to_run),
    )
    results: dict[str, ReportResult] = {}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
        futures = {
            pool.submit(
                execute_report,
                {
                    "name": job.name,
                    "notebook": str(job.notebook),
                    "file_parameters": job.file_parameters,
                    "overrides": overrides,
                    "build_dir": str(build),
                    "fingerprint": job.fingerprint,
                    "inputs": job.inputs,
                },
            ): job
            for job in to_run
        }
        for done, future in enumerate(as_completed(futures), start=1):
            job = futures[future]
            try:
                result = ReportResult(**future.result())
            except Exception as exc:  # the worker itself died
                message, _ = describe_error(exc)
                result = ReportResult(
                    name=job.name,
                    status=STATUS_FAILED,
                    error=message,
                    inputs=job.inputs,
                )
            results[job.name] = result
            if result.status == STATUS_OK:
                line = (
                    f"  [{done}/{len(to_run)}] ✔ {job.name}（{result.seconds:.1f} 秒）"
                )
            elif result.status == STATUS_BLOCKED:
                line = (
                    f"  [{done}/{len(to_run)}] ⚠ {job.name} 数据有 "
                    f"{result.blocked_by_errors} 个错误，未出结论"
                    f"（{result.seconds:.1f} 秒）"
                )
            else:
                where = f"，单元 {result.cell}" if result.cell else ""
                line = (
                    f"  [{done}/{len(to_run)}] ✘ {job.name} 失败{where}：{result.error}"
                )
            _print(progress, line)
            if result.missing_glyphs:
                _print(progress, glyph_warning(job.name, result.missing_glyphs))
    return results


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


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


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
    outcome = "".join(
        [
            f"，其中 {n_failed} 份失败" if n_failed else "",
            f"，{n_blocked} 份因数据有误未出结论" if n_blocked else "",
        ]
    )
    datasets = sorted({r.dataset for r in results if r.dataset})
    demo = any(r.is_demo for r in results)
    facts = {
        "数据截至": as_of,
        "数据目录": "、".join(data_dirs) or "—",
        "数据集": ("、".join(datasets) or "—") + ("（演示数据 DEMO）" if demo else ""),
        "报告": f"{len(results)} 份" + (outcome or "，全部成功"),
        "生成时间": now,
        "程序版本": f"zjanalysis {__version__}",
    }
    entries = [asdict(r) for r in results]
    page = webpage.index_html(
        entries, f"湛江市固定资产投资分析报告（{as_of}）", facts, demo=demo
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
