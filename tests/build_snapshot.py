"""A compact, comparable record of a full report build: every number a reader sees.

The reference ``tests/results/demo_build_reference.json`` was recorded from the
demo build before the modules were rearranged; ``test_reference_build`` builds the
demo again and compares, so a refactor that changes any Excel cell or any sentence
of a page fails with the workbook, sheet and row (or the page) that differ.

Recorded per workbook sheet: its size, its header row and a short hash of every
row (cells as text, floats to 9 significant digits so a last-bit difference of
the machine's floating point is not a change). Recorded per page: the headline
in full and a hash of each paragraph of the visible text, with the provenance
block (time, commit, library versions, file hashes) and the run times left out.

Regenerate after a change that alters numbers on purpose, and say why in the
commit::

    python tests/build_snapshot.py OUT_DIR/2021-06 > tests/results/demo_build_reference.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

#: Elements whose text is not compared (styles, the provenance footer).
_SKIP_CLASSES = ("zj-provenance",)
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "li", "tr", "table", "br"}
#: Run times on the index ("2.6 秒") vary from run to run.
_TIMES = re.compile(r"\d+(\.\d+)?\s*秒")
#: The time a page was made ("生成时间：2021-07-01T09:18:21+00:00").
_STAMPS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(value, ".9g")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def workbook_record(path: Path) -> dict[str, object]:
    """Return ``{sheet: {"shape", "header", "rows"}}`` for one workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out: dict[str, object] = {}
    for ws in wb.worksheets:
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        width = max((len(r) for r in rows), default=0)
        out[ws.title] = {
            "shape": [len(rows), width],
            "header": rows[0] if rows else [],
            "rows": [_digest("\t".join(r)) for r in rows],
        }
    wb.close()
    return out


class _TextCollector(HTMLParser):
    """Visible text of a page in blocks, leaving out skipped elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self.headlines: list[str] = []
        self._in_headline = 0
        self._headline: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag, attrs):  # noqa: D401 - HTMLParser hook
        classes = dict(attrs).get("class") or ""
        skip = tag in ("style", "script") or any(c in classes for c in _SKIP_CLASSES)
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self._stack.append((tag, skip))
        if "zj-headline" in classes:
            self._in_headline = len(self._stack)
            self._headline = []

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in ("td", "th"):
            self._current.append(" | ")
        if tag not in {t for t, _ in self._stack}:
            return  # a stray end tag closes nothing
        while self._stack:
            open_tag, _ = self._stack.pop()
            if self._in_headline and len(self._stack) < self._in_headline:
                self.headlines.append("".join(self._headline).strip())
                self._in_headline = 0
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._skipping():
            return
        self._current.append(data)
        if self._in_headline:
            self._headline.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text and not self._skipping():
            self.blocks.append(_STAMPS.sub("…", _TIMES.sub("…秒", text)))


def page_record(path: Path) -> dict[str, object]:
    """Return the headlines and a hash per text block of one HTML page."""
    parser = _TextCollector()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return {
        "headlines": parser.headlines,
        "blocks": [_digest(b) for b in parser.blocks],
    }


def page_blocks(path: Path) -> list[str]:
    """Return the text blocks of a page (for showing what differs)."""
    parser = _TextCollector()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.blocks


def snapshot(out_dir: Path) -> dict[str, object]:
    """Return the record of every workbook and page in one as-of folder."""
    out_dir = Path(out_dir)
    return {
        "workbooks": {
            p.name: workbook_record(p) for p in sorted(out_dir.glob("*.xlsx"))
        },
        "pages": {p.name: page_record(p) for p in sorted(out_dir.glob("*.html"))},
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/build_snapshot.py OUT_DIR/<as-of>")
    json.dump(snapshot(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
