"""Time readiness scoring at scale and the robustness draws.

Targets (issue 5):

- scoring 1,000,000 projects (:func:`zjanalysis.readiness.score_readiness`)
  in under 5 s and under 2 GB peak memory;
- the robustness analysis for 400 projects with 1,000 weight draws
  (:func:`zjanalysis.readiness.test_batch_stability`) in under 5 s.

The synthetic canonical projects are built in memory (no files) in a
subprocess, so that its peak resident memory (inputs included) is measured
alone; the times cover the analysis only, not the generation. Scoring runs
three times and the best wall-clock time is judged (as :mod:`timeit` does):
on a machine shared with other jobs one run can take twice its CPU time; all
three wall and CPU times are printed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd

N_PROJECTS = 1_000_000
N_STABILITY = 400
N_DRAWS = 1000
TARGET_SCORE_S = 5.0
TARGET_SCORE_GB = 2.0
TARGET_STABILITY_S = 5.0

_CHILD = """
import json, resource, sys, time
from benchmarks.bench_readiness import make_projects
from zjanalysis import readiness
n, n_stab, n_draws = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
projects = make_projects(n)
config = readiness.load_config()
walls, cpus = [], []
for _ in range(3):
    t0, c0 = time.perf_counter(), time.process_time()
    scored = readiness.score_readiness(projects, config)
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
t_score = min(walls)
peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
small = projects.iloc[:n_stab]
t1 = time.perf_counter()
st = readiness.test_batch_stability(small, config, n_draws=n_draws, seed=2021)
t_stab = time.perf_counter() - t1
t2 = time.perf_counter()
st_cap = readiness.test_batch_stability(
    small, config, n_draws=n_draws, seed=2021, max_projects=50
)
t_stab_cap = time.perf_counter() - t2
print(json.dumps({
    "score_s": t_score, "score_runs_s": walls, "score_cpu_s": cpus,
    "peak_gb": peak_gb, "n_scored": len(scored),
    "n_ready": int((scored["grade"] == "ready").sum()),
    "stability_s": t_stab, "stability_capped_s": t_stab_cap,
    "n_sensitive": int(st["weight_sensitive"].sum()),
    "n_sensitive_capped": int(st_cap["weight_sensitive"].sum()),
}))
"""


def make_projects(n: int = N_PROJECTS, seed: int = 2021) -> pd.DataFrame:
    """Build ``n`` synthetic canonical project rows with varied readiness fields.

    Parameters
    ----------
    n : int, default 1_000_000
    seed : int, default 2021
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    pandas.DataFrame
        Columns and dtypes as :func:`zjanalysis.io.load_dataset` returns them
        for the fields the scoring reads.
    """
    from zjanalysis.schema import STATUS_VALUES

    rng = np.random.default_rng(seed)
    statuses = np.array(STATUS_VALUES, dtype=object)
    # mostly done, as in a real ledger; the rest spread over the other values
    p_status = [0.15, 0.15, 0.6, 0.1]

    def status() -> pd.array:
        return pd.array(statuses[rng.choice(4, size=n, p=p_status)], dtype="str")

    def party() -> pd.array:
        return pd.array(np.where(rng.random(n) < 0.9, "某单位", None), dtype="str")

    stages = np.array(["储备", "预备", "新开工", "续建", "竣工"], dtype=object)
    return pd.DataFrame(
        {
            "project_id": pd.array([f"ZJ-{i:07d}" for i in range(n)], dtype="str"),
            "plan_year": pd.array(np.full(n, 2021), dtype="Int64"),
            "stage": pd.array(stages[rng.integers(0, 5, n)], dtype="str"),
            "is_key": pd.array(rng.random(n) < 0.35, dtype="boolean"),
            "plan_investment": rng.uniform(100, 100_000, n).round(),
            "city_leader": party(),
            "lead_unit": party(),
            "industry_dept": party(),
            "builder": party(),
            "approval_status": status(),
            "land_status": status(),
            "eia_status": status(),
            "energy_status": status(),
            "design_status": status(),
            "permit_status": status(),
            "funding_secured_pct": rng.uniform(0, 100, n).round(),
            "land_acquired_pct": rng.uniform(0, 100, n).round(1),
        }
    )


def main() -> int:
    """Run the benchmark in a subprocess; print the results; 0 when all targets are met."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(N_PROJECTS), str(N_STABILITY), str(N_DRAWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 1
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    ok_score = r["score_s"] < TARGET_SCORE_S and r["peak_gb"] < TARGET_SCORE_GB
    ok_stab = r["stability_s"] < TARGET_STABILITY_S
    print(
        f"score_readiness, {r['n_scored']:,} projects: {r['score_s']:.2f} s "
        f"(target < {TARGET_SCORE_S:g} s), peak {r['peak_gb']:.2f} GB incl. inputs "
        f"(target < {TARGET_SCORE_GB:g} GB); {r['n_ready']:,} ready"
    )
    runs = ", ".join(
        f"{w:.2f} s wall / {c:.2f} s CPU"
        for w, c in zip(r["score_runs_s"], r["score_cpu_s"], strict=True)
    )
    print(f"  three runs: {runs}")
    print(
        f"test_batch_stability, {N_STABILITY} projects x {N_DRAWS} draws: "
        f"{r['stability_s']:.2f} s (target < {TARGET_STABILITY_S:g} s), "
        f"{r['n_sensitive']} weight-sensitive; with a 50-project cap "
        f"{r['stability_capped_s']:.2f} s, {r['n_sensitive_capped']} weight-sensitive"
    )
    return 0 if ok_score and ok_stab else 1


if __name__ == "__main__":
    sys.exit(main())
