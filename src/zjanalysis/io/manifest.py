"""Manifest: the files under ``data/raw`` checked against ``MANIFEST.csv``.

The office keeps every file as received; ``data/raw/MANIFEST.csv`` records each
one's sha256. This module owns that check (a file edited after it was received,
a file not listed, a missing or unreadable manifest).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zjanalysis import paths
from zjanalysis.io.files import data_files, file_problem, file_sha256
from zjanalysis.problems import ERROR, WARNING, Problem


def verify_manifest(
    folder: str | Path, raw_dir: str | Path | None = None
) -> list[Problem]:
    """Check the files of a folder under ``data/raw`` against ``MANIFEST.csv``.

    Parameters
    ----------
    folder : str or pathlib.Path
        A data folder inside ``raw_dir`` (e.g. ``data/raw/2021-06``).
    raw_dir : str or pathlib.Path, optional
        The raw-data root; ``paths.RAW_DIR`` by default. Its ``MANIFEST.csv`` has
        the columns ``file`` (path relative to ``raw_dir``) and ``sha256``, plus
        any others (``source``, ``received``).

    Returns
    -------
    list of Problem
        An error for each file whose checksum differs from the manifest (it was
        edited after it was received), a warning for each file the manifest does
        not list and for a missing manifest.
    """
    root = Path(raw_dir) if raw_dir is not None else paths.RAW_DIR
    manifest = root / "MANIFEST.csv"
    hint_add = (
        "在 data/raw/MANIFEST.csv 中为每个收到的文件登记一行：file,sha256,source,received"
        "（sha256 可用 `sha256sum 文件` 或 PowerShell `Get-FileHash` 得到）"
    )
    if not manifest.is_file():
        return [
            Problem(
                WARNING,
                "manifest_missing",
                "",
                None,
                None,
                None,
                "data/raw 下没有 MANIFEST.csv，无法核对原始文件是否被改动",
                "no data/raw/MANIFEST.csv: raw files cannot be checked against their "
                "checksums",
                hint_add,
            )
        ]
    try:
        listed = pd.read_csv(
            manifest, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        return [
            file_problem(
                "MANIFEST.csv",
                "manifest_unreadable",
                f"MANIFEST.csv 无法读取：{exc}",
                f"MANIFEST.csv cannot be read: {exc}",
                hint_add,
                ERROR,
            )
        ]
    name_col = "file" if "file" in listed else ("path" if "path" in listed else None)
    if name_col is None or "sha256" not in listed:
        return [
            file_problem(
                "MANIFEST.csv",
                "manifest_unreadable",
                "MANIFEST.csv 需要 file 和 sha256 两列",
                "MANIFEST.csv needs the columns file and sha256",
                hint_add,
                ERROR,
            )
        ]
    expected = dict(
        zip(
            listed[name_col].str.strip().str.replace("\\", "/", regex=False),
            listed["sha256"].str.strip().str.lower(),
            strict=True,
        )
    )
    problems = []
    folder = Path(folder)
    for path in data_files(folder):
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
        name = path.relative_to(folder).as_posix()
        digest = file_sha256(path)
        if rel not in expected:
            problems.append(
                file_problem(
                    name,
                    "manifest_unlisted",
                    f"文件未在 MANIFEST.csv 登记（{rel}）",
                    f"file is not listed in MANIFEST.csv ({rel})",
                    hint_add,
                    WARNING,
                )
            )
        elif expected[rel] != digest:
            problems.append(
                file_problem(
                    name,
                    "manifest_mismatch",
                    "文件内容与 MANIFEST.csv 登记的校验值不一致：原始文件收到后被改动过",
                    "file differs from its MANIFEST.csv checksum: the raw file was "
                    "edited after it was received",
                    "原始文件不得修改；请恢复收到时的版本，更正的文件以新的日期文件名另存并登记",
                    ERROR,
                )
            )
    return problems
