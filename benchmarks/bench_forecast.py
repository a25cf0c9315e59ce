"""Time the forecast: every region of the demo data, and a national backtest.

Targets (issues 4 and 13): the city plus its 11 counties forecast in under
1 s (exact intervals, no simulation); the full backtest of one region over 8 years (the
national reference 2011–2018) in under 10 s. Also checks the done-when of the
issue: on the national reference ``auto``'s MAE over as-of months
2..11 is below the office practice ("ytd"). Data loading is not timed here
(bench_io does that); the first statsmodels import is done before timing.
"""

from __future__ import annotations

import time

from zjanalysis import forecast, io, paths

REGIONS_TARGET_S = 1.0
BACKTEST_TARGET_S = 10.0


def _best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> int:
    """Run the benchmarks, print the timings; return 1 if a target is missed."""
    import statsmodels.tsa.exponential_smoothing.ets  # noqa: F401  (import cost)

    root = paths.PROJECT_ROOT
    demo = io.load_dataset(root / "data" / "demo")["fai_monthly"]
    national = io.load_dataset(root / "data" / "reference")["fai_monthly"]
    failed = 0

    secs, out = _best_of(
        lambda: forecast.forecast_regions(
            demo, year=2021, as_of_month=6, n_paths=5000, seed=2021
        )
    )
    n = len(out.results)
    ok = secs < REGIONS_TARGET_S and n == 12
    failed += not ok
    print(
        f"forecast_regions: {n} regions in {secs:.2f} s "
        f"(target < {REGIONS_TARGET_S:.0f} s) {'ok' if ok else 'MISSED'}"
    )

    secs, bt = _best_of(lambda: forecast.backtest(national, "全国"))
    ok = secs < BACKTEST_TARGET_S
    failed += not ok
    print(
        f"backtest 全国 {min(bt.years)}-{max(bt.years)} ({len(bt.records)} forecasts, "
        f"{len(forecast.METHODS)} methods) in {secs:.2f} s "
        f"(target < {BACKTEST_TARGET_S:.0f} s) {'ok' if ok else 'MISSED'}"
    )

    tab = bt.method_table().set_index("method")
    best = bt.best_method()
    ok = tab.loc["auto", "mae_pp"] < tab.loc["ytd", "mae_pp"]
    failed += not ok
    print(
        f"national MAE: auto {tab.loc['auto', 'mae_pp']:.3f} pp vs ytd "
        f"{tab.loc['ytd', 'mae_pp']:.3f} pp (best single method {best}) "
        f"{'ok' if ok else 'MISSED'}"
    )
    print(tab[["mae_pp", "coverage_80", "coverage_95", "brier"]].round(3).to_string())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
