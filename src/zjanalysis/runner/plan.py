"""Plan a build: what each report runs with, and what must be rebuilt and why.

This stage owns everything decided before a notebook runs:

- finding the report notebooks and reading their parameter files;
- each report's final parameters, worked out once
  (:func:`final_parameters`): the parameter file, the command-line overrides
  for the parameters the notebook declares, and ``output_dir``; the worker
  hands this very dict to papermill;
- the hashes of every input of a report and its fingerprint, computed from
  that same dict;
- comparing them with the previous run's state file, to decide which reports
  run, which keep their pages, and why each one runs.

It reads files only; nothing is written and papermill is not imported (about a
second), so that a run with nothing to do finishes at once.
"""

from __future__ import annotations

import ast
import datetime as _dt
import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import zjanalysis
from zjanalysis import paths
from zjanalysis.runner.constants import (
    COMMON_PARAMETERS,
    DATASET_CACHE_PARAMETER,
    NOTEBOOK_GLOB,
    OUTPUT_DIR_PARAMETER,
    RUNNER_PARAMETERS,
    STATE_VERSION,
    STATUS_BLOCKED,
    STATUS_FAILED,
    STATUS_NO_DATA,
    STATUS_OK,
)
from zjanalysis.runner.publish import read_state
from zjanalysis.runner.records import ReportJob, ReportResult

# --- notebooks and their parameters --------------------------------------------------


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
    a second), so that planning a run with nothing to do stays fast. These are
    the names the overrides and ``output_dir`` go to; the tests check that they
    agree with :func:`declared_parameters`.
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


def final_parameters(
    file_parameters: Mapping[str, Any],
    *,
    declared: Sequence[str],
    overrides: Mapping[str, Any],
    work_dir: Path,
) -> dict[str, Any]:
    """Return the parameters papermill receives for one notebook.

    Parameters
    ----------
    file_parameters : mapping
        The values from the notebook's parameter file (:func:`load_params`).
    declared : sequence of str
        The names in the notebook's parameters cell (:func:`parameters_cell_names`).
    overrides : mapping
        Command-line values (``None`` means not given); only those of
        :data:`~zjanalysis.runner.constants.COMMON_PARAMETERS` the notebook
        declares are applied.
    work_dir : Path
        The folder the notebook writes its Excel files into, given as
        ``output_dir`` when the notebook declares it.

    Examples
    --------
    >>> final_parameters(
    ...     {"year": 2021, "output_dir": ""},
    ...     declared=["year", "seed", "output_dir"],
    ...     overrides={"year": 2022, "seed": 1, "as_of": "2021-09"},
    ...     work_dir=Path("/b/.work/10-x"),
    ... )
    {'year': 2022, 'output_dir': '/b/.work/10-x'}
    """
    parameters = apply_overrides(
        file_parameters, [p for p in declared if p in COMMON_PARAMETERS], overrides
    )
    if OUTPUT_DIR_PARAMETER in declared:
        parameters[OUTPUT_DIR_PARAMETER] = str(work_dir)
    return parameters


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
    return Path(zjanalysis.__file__).resolve().parent


def input_hashes(
    notebook: Path,
    params_file: Path | None,
    parameters: Mapping[str, Any],
    cache: HashCache,
    package_dir: Path | None = None,
) -> dict[str, str]:
    """Return one hash per input a report depends on.

    ``notebook``, ``params_file``, ``parameters`` (the final values papermill
    receives, without ``output_dir`` and ``dataset_cache``: they name the run's
    build folder),
    ``data`` (every file in the ``data_dir`` parameter's folder), ``package``
    (the package source, page template included) and ``python`` (the
    interpreter version).
    """

    def text_hash(obj: object) -> str:
        blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    values = {k: v for k, v in parameters.items() if k not in RUNNER_PARAMETERS}
    parts = {
        "notebook": cache.sha256(notebook),
        "params_file": (
            cache.sha256(params_file) if params_file and params_file.is_file() else ""
        ),
        "parameters": text_hash(values),
        "package": cache.tree(
            package_dir or package_source_dir(),
            (".py", ".j2", ".json", ".css", ".yaml"),
        ),
        "python": text_hash([STATE_VERSION, sys.version]),
        "data": "",
    }
    data_dir = values.get("data_dir")
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


# --- the plan ------------------------------------------------------------------------


@dataclass
class BuildPlan:
    """What one build does: every report's job, which run, which are kept, and why.

    ``jobs`` holds every report notebook in order; ``to_run`` the jobs to run,
    by name, and ``reasons`` why each of them runs; ``reuse`` the jobs whose
    previous outputs are copied into the build as they are. ``up_to_date``
    means nothing runs and the published folder stays as it is.
    """

    as_of: str
    out_root: Path
    #: ``<out_root>/<as_of>``, where the finished build is published.
    out_dir: Path
    #: The folder this run builds in before publishing it.
    build_dir: Path
    jobs: list[ReportJob]
    to_run: list[ReportJob]
    reasons: dict[str, list[str]]
    reuse: list[ReportJob]
    up_to_date: bool
    #: The previous run's results by report name (its state file).
    previous: dict[str, ReportResult]
    cache: HashCache
    #: Parameter names of each notebook version, by the notebook's sha256.
    declared: dict[str, list[str]]
    #: The ``only`` selection the plan was made for (empty: every report).
    only: tuple[str, ...] = ()

    def reused_results(self) -> list[ReportResult]:
        """Return the previous results of the reports kept, marked as reused."""
        results = [self.previous[job.name] for job in self.reuse]
        for result in results:
            result.reused = True
        return results


def _data_folder(parameters: Mapping[str, Any], declared: Sequence[str]) -> Path | None:
    """Return the data folder a notebook could read from the build's cache."""
    data_dir = parameters.get("data_dir")
    if DATASET_CACHE_PARAMETER not in declared or not isinstance(data_dir, str):
        return None
    folder = resolve_project_path(data_dir) if data_dir else None
    return folder.resolve() if folder is not None and folder.is_dir() else None


def share_loaded_data(to_run: Sequence[ReportJob], build_dir: Path) -> None:
    """Give the reports that read one data folder the build's loaded data set.

    A folder two or more of the reports to run read is loaded once
    (:mod:`~zjanalysis.runner.datacache`): each such job gets the file as its
    ``data_cache`` and its ``dataset_cache`` parameter. A folder only one
    report reads is left to that notebook.
    """
    from zjanalysis.runner import datacache

    readers = Counter(j.data_folder for j in to_run if j.data_folder is not None)
    for job in to_run:
        if job.data_folder is not None and readers[job.data_folder] > 1:
            job.data_cache = datacache.cache_file(build_dir, job.data_folder)
            job.parameters[DATASET_CACHE_PARAMETER] = str(job.data_cache)


def _match(name: str, only: Sequence[str] | None) -> bool:
    return not only or any(name == o or name.startswith(o) or o in name for o in only)


def _result_from_state(record: Mapping[str, Any]) -> ReportResult:
    known = set(ReportResult.__dataclass_fields__)
    return ReportResult(**{k: v for k, v in record.items() if k in known})


def plan_build(
    overrides: Mapping[str, Any],
    *,
    notebooks_dir: Path,
    params_dir: Path,
    out_root: Path,
    only: Sequence[str] | None = None,
    force: bool = False,
    package_dir: Path | None = None,
) -> BuildPlan:
    """Work out every report's job and decide what this build runs.

    Parameters
    ----------
    overrides : mapping
        Values for ``data_dir``, ``year``, ``as_of``, ``target_growth_pct``;
        ``None`` values are ignored. Applied only to notebooks declaring them.
    notebooks_dir, params_dir, out_root : Path
        The report notebooks, their parameter files and the output root.
    only : sequence of str, optional
        Run only the reports whose name starts with or contains one of these;
        the others keep their previous outputs.
    force : bool, default False
        Run even when nothing changed.
    package_dir : Path, optional
        The source folder whose changes invalidate every report; default the
        installed ``zjanalysis`` package.

    Returns
    -------
    BuildPlan
        A report matching ``only`` runs when ``force`` is set, it has no
        previous result, its previous run failed, its fingerprint changed or
        one of its output files is gone; a report outside ``only`` keeps its
        previous outputs, and runs only when they are gone (unless nothing else
        runs either: then the build is ``up_to_date``).

    Raises
    ------
    FileNotFoundError
        When there is no report notebook.
    """
    notebooks = discover_notebooks(notebooks_dir)
    if not notebooks:
        raise FileNotFoundError(
            f"没有找到报告 notebook / no report notebook in {notebooks_dir}"
        )
    param_sets = {
        nb: load_params(params_dir / f"{report_name(nb)}.yaml") for nb in notebooks
    }
    as_of = choose_as_of(overrides, param_sets.values())
    out_dir = out_root / as_of
    build_dir = out_root / f".building-{as_of}-{os.getpid()}"
    state = read_state(out_dir)
    cache = HashCache(state.get("hash_cache"))
    declared: dict[str, list[str]] = dict(state.get("declared", {}))
    previous = {k: _result_from_state(v) for k, v in state.get("reports", {}).items()}

    jobs: list[ReportJob] = []
    for nb in notebooks:
        name = report_name(nb)
        nb_sha = cache.sha256(nb)
        if nb_sha not in declared:
            declared[nb_sha] = parameters_cell_names(nb)
        params_file = params_dir / f"{name}.yaml"
        work_dir = build_dir / ".work" / name
        parameters = final_parameters(
            param_sets[nb],
            declared=declared[nb_sha],
            overrides=overrides,
            work_dir=work_dir,
        )
        inputs = input_hashes(nb, params_file, parameters, cache, package_dir)
        jobs.append(
            ReportJob(
                name=name,
                notebook=nb,
                params_file=params_file if params_file.is_file() else None,
                parameters=parameters,
                fingerprint=fingerprint(inputs),
                work_dir=work_dir,
                inputs=inputs,
                data_folder=_data_folder(parameters, declared[nb_sha]),
            )
        )

    def outputs_present(result: ReportResult) -> bool:
        return all((out_dir / f).is_file() for f in result.files)

    def up_to_date(job: ReportJob) -> bool:
        prev = previous.get(job.name)
        return (
            prev is not None
            and prev.status in (STATUS_OK, STATUS_BLOCKED, STATUS_NO_DATA)
            and prev.fingerprint == job.fingerprint
            and outputs_present(prev)
        )

    to_run = [j for j in jobs if _match(j.name, only) and (force or not up_to_date(j))]
    keep = [j for j in jobs if j not in to_run and j.name in previous]
    nothing_to_do = (
        not to_run
        and set(previous) == {j.name for j in keep}
        and (out_dir / "index.html").is_file()
    )
    if not nothing_to_do:
        # A kept report whose files are gone runs, even outside ``only``.
        to_run += [j for j in keep if not outputs_present(previous[j.name])]
        keep = [j for j in keep if j not in to_run]
        to_run.sort(key=lambda j: j.name)
    reasons: dict[str, list[str]] = {}
    for job in to_run:
        prev = previous.get(job.name)
        if force:
            why = ["--force"]
        elif prev is not None and prev.status == STATUS_FAILED:
            why = ["上次失败"]
        else:
            why = change_reasons(prev.inputs if prev else None, job.inputs)
        reasons[job.name] = why or ["输出文件缺失"]
    share_loaded_data(to_run, build_dir)
    return BuildPlan(
        as_of=as_of,
        out_root=out_root,
        out_dir=out_dir,
        build_dir=build_dir,
        jobs=jobs,
        to_run=to_run,
        reasons=reasons,
        reuse=keep,
        up_to_date=nothing_to_do,
        previous=previous,
        cache=cache,
        declared=declared,
        only=tuple(only or ()),
    )


def describe_plan(plan: BuildPlan) -> list[str]:
    """Return, one line per report, whether the plan rebuilds it and why.

    What ``zjanalysis report --dry-run`` prints: the reasons are the ones a
    build prints (:func:`change_reasons`, ``上次失败``, ``--force`` …).

    Examples
    --------
    >>> job = ReportJob("10-x", Path("10-x.ipynb"), None, {}, "f", Path("w"))
    >>> plan = BuildPlan("2021-06", Path("o"), Path("o/2021-06"), Path("b"), [job],
    ...                  [job], {"10-x": ["数据有改动"]}, [], False, {}, HashCache(), {})
    >>> describe_plan(plan)[-2:]
    ['  10-x  将重新生成：数据有改动', '合计：1 份将重新生成，0 份不变 / 1 would rebuild, 0 up to date']
    """
    width = max((len(j.name) for j in plan.jobs), default=0)
    running = {j.name for j in plan.to_run}
    kept = {j.name for j in plan.reuse}
    lines = [
        "预演：只列出将做什么，不运行 notebook，不写任何文件 / "
        "dry run: nothing is built or written",
        f"数据截至 {plan.as_of}；输出目录 / output: {plan.out_dir}",
    ]
    for job in plan.jobs:
        if job.name in running:
            what = "将重新生成：" + "、".join(plan.reasons.get(job.name, []))
        elif job.name in kept and _match(job.name, plan.only):
            what = "不变，保留上次结果"
        elif job.name in kept:
            what = "不在 --only 之内，保留上次结果"
        else:
            what = "不在 --only 之内，不生成"
        lines.append(f"  {job.name.ljust(width)}  {what}")
    n_run, n_kept = len(running), len(kept)
    lines.append(
        f"合计：{n_run} 份将重新生成，{n_kept} 份不变 / "
        f"{n_run} would rebuild, {n_kept} up to date"
    )
    return lines
