"""Every number of the demo build stays what it was: the refactoring safety net.

``tests/results/demo_build_reference.json`` holds every Excel cell (a hash per row)
and every sentence of every page (a hash per text block, the headlines in full) of
the demo build with its official parameters (see ``tests/build_snapshot.py``). A
change that moves code must leave all of it equal; a change that alters a number
on purpose regenerates the reference and says why in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from build_snapshot import page_blocks, snapshot
from report_build import build_demo_reports

REFERENCE = Path(__file__).parent / "results" / "demo_build_reference.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo_reports(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def current(built):
    assert not built.failed, [f"{r.name}: {r.error}" for r in built.failed]
    return snapshot(built.out_dir)


@pytest.fixture(scope="module")
def reference():
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_the_same_workbooks_and_sheets(current, reference):
    got = {wb: list(sheets) for wb, sheets in current["workbooks"].items()}
    want = {wb: list(sheets) for wb, sheets in reference["workbooks"].items()}
    assert got == want


def test_every_excel_cell_is_unchanged(current, reference):
    problems = []
    for wb, sheets in reference["workbooks"].items():
        for sheet, want in sheets.items():
            got = current["workbooks"].get(wb, {}).get(sheet)
            if got is None:
                continue  # reported by test_the_same_workbooks_and_sheets
            if got["header"] != want["header"]:
                problems.append(
                    f"{wb}/{sheet}: header {got['header']} != {want['header']}"
                )
            if got["shape"] != want["shape"]:
                problems.append(f"{wb}/{sheet}: size {got['shape']} != {want['shape']}")
            rows = [
                i + 1
                for i, (a, b) in enumerate(zip(got["rows"], want["rows"], strict=False))
                if a != b
            ]
            if rows:
                problems.append(f"{wb}/{sheet}: Excel rows {rows[:10]} differ")
    assert not problems, "\n".join(problems)


def test_every_headline_is_unchanged(current, reference):
    for page, want in reference["pages"].items():
        assert current["pages"][page]["headlines"] == want["headlines"], page


def test_every_sentence_of_every_page_is_unchanged(built, current, reference):
    problems = []
    for page, want in reference["pages"].items():
        got = current["pages"].get(page)
        if got is None:
            problems.append(f"{page}: missing")
            continue
        if got["blocks"] == want["blocks"]:
            continue
        text = page_blocks(built.out_dir / page)
        known = set(want["blocks"])
        new = [t for t, h in zip(text, got["blocks"], strict=True) if h not in known]
        gone = len(set(want["blocks"]) - set(got["blocks"]))
        problems.append(
            f"{page}: {len(new)} new or changed text blocks, {gone} gone; first: "
            + " / ".join(t[:120] for t in new[:3])
        )
    assert not problems, "\n".join(problems)
