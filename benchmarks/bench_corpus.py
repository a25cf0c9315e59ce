"""The black-box protocol on the real national series (issue 13).

``../shared/data/real`` (beside the repository, never copied into it) holds 8
national FAI series of China. Each of the 1,040 forecasts (8 series, years
2013–2025, as-of 1—2月…1—11月) sees only its own series' rows up to its as-of
month, growth only; the table compares ``auto`` with "year-to-date growth
persists". Targets: MAE <= 0.80x naive overall and <= 1.00x in calm years, 80%
coverage 0.72–0.90 overall and >= 0.60 in 2020–22, Brier of P(>=5%) below the
naive step, all in under 3 minutes; on the national total 2019–2023 with
levels MAE <= 0.75x naive and 80% coverage 0.70–0.95. Skips with a line when
the corpus is absent.
"""

from __future__ import annotations

import time

from zjanalysis import forecast, paths
from zjanalysis.commands.backtest import CORPUS_YEARS, read_corpus
from zjanalysis.reports.forecast import black_box_text

CORPUS = paths.PROJECT_ROOT.parent / "shared" / "data" / "real"
TIME_TARGET_S = 180.0
TOTAL = "全国固定资产投资(不含农户)"


def main() -> int:
    """Run the protocol, print the table; return 1 if a target is missed."""
    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}")
        return 0
    frame, _ = read_corpus(CORPUS)
    start = time.perf_counter()
    result = forecast.black_box(frame, years=CORPUS_YEARS)
    secs = time.perf_counter() - start
    print(black_box_text(result))
    tab = result.summary().set_index("group")
    overall, calm, shock = tab.iloc[0], tab.iloc[1], tab.iloc[2]
    checks = [
        (f"time {secs:.0f} s < {TIME_TARGET_S:.0f} s", secs < TIME_TARGET_S),
        (f"MAE overall {overall.mae_ratio:.2f}x <= 0.80x", overall.mae_ratio <= 0.80),
        (f"MAE calm {calm.mae_ratio:.2f}x <= 1.00x", calm.mae_ratio <= 1.00),
        (
            f"80% coverage overall {overall.coverage_80:.2f} in 0.72-0.90",
            0.72 <= overall.coverage_80 <= 0.90,
        ),
        (
            f"80% coverage 2020-22 {shock.coverage_80:.2f} >= 0.60",
            shock.coverage_80 >= 0.60,
        ),
        (
            f"Brier {overall.brier:.3f} < naive step {overall.naive_brier:.3f}",
            overall.brier < overall.naive_brier,
        ),
    ]
    if TOTAL in set(frame["region"]):
        nat = forecast.black_box(
            frame, years=(2019, 2023), regions=[TOTAL], growth_only=False
        ).summary()
        row = nat.iloc[0]
        print(
            f"\n{TOTAL} 2019–2023 with levels: MAE {row.mae_pp:.2f} vs naive "
            f"{row.naive_mae_pp:.2f} pp, 80% coverage {row.coverage_80:.2f}"
        )
        checks += [
            (f"national MAE {row.mae_ratio:.2f}x <= 0.75x", row.mae_ratio <= 0.75),
            (
                f"national 80% coverage {row.coverage_80:.2f} in 0.70-0.95",
                0.70 <= row.coverage_80 <= 0.95,
            ),
        ]
    failed = 0
    for text, ok in checks:
        failed += not ok
        print(f"{text} {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
