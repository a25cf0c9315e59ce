"""Run every benchmark module (benchmarks/bench_*.py) in name order, or those named.

Each module runs in its own interpreter (``python -m benchmarks.bench_x``), so
that its timings and peak-memory figures do not mix with another's: the
resident-memory peak of a process, and of its waited-for children, only grows.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import benchmarks


def main(argv: list[str]) -> int:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
    )
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    failed = 0
    root = Path(benchmarks.__file__).resolve().parent.parent
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        rc = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{name}"], cwd=root, check=False
        ).returncode
        failed += rc != 0
        print(
            f"--- {name}: {'ok' if rc == 0 else 'TARGET MISSED'} "
            f"({time.perf_counter() - start:.1f} s)",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
