"""Run every benchmark module (benchmarks/bench_*.py) in name order, or those named."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

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
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        mod = importlib.import_module(f"benchmarks.{name}")
        rc = mod.main() or 0
        failed += rc != 0
        print(
            f"--- {name}: {'ok' if rc == 0 else 'TARGET MISSED'} ({time.perf_counter() - start:.1f} s)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
