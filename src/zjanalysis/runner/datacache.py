"""The data set a build's notebooks share: loaded and validated once, read by each.

Every report notebook starts by loading and validating the same data folder
(about a second for the demo, half a minute for a million-row ledger). When
two or more reports of a build read one folder, the runner loads it once in a
worker (:func:`write`) into a pickle in the build's work folder and gives each
notebook the file as its ``dataset_cache`` parameter;
:func:`zjanalysis.report.load_dataset` then reads it (:func:`read`) instead of
loading the folder again, and loads the folder itself whenever the file is not
there or not for this data.

The file records the folder and the hash of its content, computed as the plan
computes the ``data`` input (:meth:`~zjanalysis.runner.plan.HashCache.tree`)
*before* loading; :func:`read` hashes the folder again and gives nothing back
when a single byte of any file differs, when the folder, the file format or the
library versions differ, or when the file is missing or unreadable. The file
lives under ``<build>/.work/`` and goes when the build is published or thrown
away.

Pure standard library at import time: the notebooks' kernels and the planning
process import this module; pandas and :mod:`zjanalysis.io` are imported by
:func:`write` only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import zjanalysis

#: Bump when the pickled record changes shape.
FORMAT = 1


def cache_file(build_dir: Path, folder: Path) -> Path:
    """Return where a build keeps the loaded data set of ``folder``.

    Examples
    --------
    >>> cache_file(Path("/b"), Path("/d/demo")).parent.as_posix()
    '/b/.work/datasets'
    """
    key = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()
    return Path(build_dir) / ".work" / "datasets" / f"{key[:16]}.pickle"


def _environment() -> dict[str, str]:
    """Return the versions a pickled data set depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version, "zjanalysis": zjanalysis.__version__}
    for name in ("pandas", "numpy", "pyarrow"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - all three are required
            out[name] = ""
    return out


def data_hash(folder: Path) -> str:
    """Return the hash of every file in ``folder`` (names and contents)."""
    from zjanalysis.runner.plan import HashCache

    return HashCache().tree(Path(folder))


def write(folder: str | Path, path: str | Path) -> Path:
    """Load and validate ``folder`` once and save the data set to ``path``.

    The folder is hashed before it is loaded, so a file changed during the
    load makes the saved data set stale for :func:`read`. The file is written
    under a temporary name and renamed, so a notebook never reads half of it.

    Returns
    -------
    Path
        ``path``.
    """
    from zjanalysis import io

    folder, path = Path(folder).resolve(), Path(path)
    digest = data_hash(folder)
    dataset = io.load_dataset(folder)
    record = {
        "format": FORMAT,
        "folder": str(folder),
        "data": digest,
        "environment": _environment(),
        "dataset": dataset,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as fh:
        pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
    return path


def read(path: str | Path, folder: str | Path) -> Any | None:
    """Return the data set saved at ``path`` when it is ``folder`` as it is now.

    Returns None (the caller loads the folder) when there is no such file, it
    cannot be read, it was saved for another folder, by another format or
    library version, or any file of the folder changed since it was saved.
    Never raises.
    """
    folder = Path(folder).resolve()
    try:
        with open(path, "rb") as fh:
            record = pickle.load(fh)
    except Exception:  # missing, truncated, or classes that changed: load instead
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    if record.get("folder") != str(folder) or not folder.is_dir():
        return None
    if record.get("environment") != _environment():
        return None
    if record.get("data") != data_hash(folder):
        return None
    return record.get("dataset")
