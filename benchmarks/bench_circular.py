"""Time the monthly circular and all plan checks at city-wide scale.

Target (issue 7): for 1,000,000 projects and 12,000,000 progress rows, the
circular and all checks together run in under 30 s and under 6 GB peak
memory. The synthetic canonical frames are generated in memory (no files) in
a subprocess, so that its peak resident memory (inputs included) is measured
alone; the time covers the analysis only, not the generation.
"""

from __future__ import annotations

import json
import subprocess
import sys

N_PROJECTS = 1_000_000
N_MONTHS = 12  # 12 monthly rows per project: 12,000,000 progress rows
TARGET_S = 30.0
TARGET_GB = 6.0

_CHILD = """
import json, resource, sys, time
from benchmarks.bench_circular import make_tables
n_projects, n_months = int(sys.argv[1]), int(sys.argv[2])
t0 = time.perf_counter()
tables = make_tables(n_projects, n_months)
t_gen = time.perf_counter() - t0
from zjanalysis import checks, circular
t1 = time.perf_counter()
res = circular.compute_circular(tables, year=2021, month=n_months)
t_circ = time.perf_counter() - t1
t2 = time.perf_counter()
chk = checks.run_all_checks(tables, year=2021)
t_chk = time.perf_counter() - t2
peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
print(json.dumps({
    "generate_s": t_gen, "circular_s": t_circ, "checks_s": t_chk,
    "peak_gb": peak_gb,
    "n_progress": len(tables["project_progress"]),
    "n_plan": int(res.city["n_projects"]),
    "failed_checks": [r.check for r in chk.results if not r.passed],
}))
"""


def make_tables(
    n_projects: int = N_PROJECTS, n_months: int = N_MONTHS, seed: int = 2021
):
    """Build synthetic canonical tables of city-wide scale in memory.

    Parameters
    ----------
    n_projects : int, default 1_000_000
        Projects in the 2021 ledger.
    n_months : int, default 12
        Monthly progress and statistics rows per project (months 1..n).
    seed : int, default 2021
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    dict of str to pd.DataFrame
        ``projects``, ``project_progress``, ``milestones``, ``land_plan``,
        ``funding_plan``, ``plan_changes``, ``stats_registry``,
        ``fai_monthly`` with the dtypes of the canonical frames.
    """
    import numpy as np
    import pandas as pd

    from zjanalysis import schema

    rng = np.random.default_rng(seed)
    n = n_projects
    ids = pd.Series(pd.RangeIndex(n).astype(str), dtype="str").radd("ZJ")

    def text(values) -> pd.Series:
        return pd.Series(values, dtype="str")

    def take(values: pd.Series, idx) -> pd.Series:
        return values.take(idx).reset_index(drop=True)

    counties = np.array([*schema.COUNTIES, schema.CITY_LEVEL])
    depts = np.array([f"部门{i:02d}" for i in range(40)])
    is_key = rng.random(n) < 0.35
    stage = rng.choice(np.array(schema.STAGES), n, p=[0.08, 0.12, 0.3, 0.4, 0.1])
    plan = rng.lognormal(8, 1.0, n).round(0)
    start = pd.to_datetime("2021-01-01") + pd.to_timedelta(
        rng.integers(0, 365, n), unit="D"
    )
    key_text = np.where(is_key, "有", None)
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "name": ids,
            "plan_year": pd.array(np.full(n, 2021), dtype="Int64"),
            "county": text(rng.choice(counties, n)),
            "department": text(rng.choice(depts, n)),
            "is_key": pd.array(is_key, dtype="boolean"),
            "stage": text(stage),
            "plan_investment": plan,
            "planned_start": start.astype("datetime64[ns]"),
            "city_leader": text(key_text),
            "lead_unit": text(key_text),
            "industry_dept": text(key_text),
            "builder": text(key_text),
            "is_renewal": pd.array(rng.random(n) < 0.03, dtype="boolean"),
            "is_real_estate": pd.array(rng.random(n) < 0.05, dtype="boolean"),
            "land_status": text(rng.choice(np.array(schema.STATUS_VALUES), n)),
        }
    )
    # progress: every project, months 1..n_months, cumulative and rising
    rows = np.repeat(np.arange(n), n_months)
    month = np.tile(np.arange(1, n_months + 1), n)
    cum = (plan[rows] * month / 12 * rng.uniform(0.6, 1.1, n)[rows]).round(0)
    started = np.where(rng.random(n) < 0.8, start.values, np.datetime64("NaT"))
    progress = pd.DataFrame(
        {
            "project_id": take(ids, rows),
            "year": pd.array(np.full(rows.size, 2021), dtype="Int64"),
            "month": pd.array(month, dtype="Int64"),
            "cum_completed": cum,
            "actual_start": started[rows].astype("datetime64[ns]"),
        }
    )
    key_idx = np.flatnonzero(is_key)
    ms_rows = np.repeat(key_idx, 3)
    due = start.values[ms_rows] + np.tile(
        np.array([0, 120, 300], dtype="timedelta64[D]"), key_idx.size
    )
    milestones = pd.DataFrame(
        {
            "project_id": take(ids, ms_rows),
            "milestone": text(
                np.tile(np.array(["开工", "主体", "竣工"]), key_idx.size)
            ),
            "due_date": due.astype("datetime64[ns]"),
            "done_date": np.where(
                rng.random(ms_rows.size) < 0.7, due, np.datetime64("NaT")
            ).astype("datetime64[ns]"),
        }
    )
    land_idx = np.flatnonzero(rng.random(n) < 0.4)
    land = pd.DataFrame(
        {
            "project_id": take(ids, land_idx),
            "land_area_mu": rng.uniform(5, 500, land_idx.size).round(1),
            "sea_area_ha": np.nan,
            "approval_status": text(np.full(land_idx.size, "已完成")),
            "red_line_issued": pd.array(
                rng.random(land_idx.size) < 0.9, dtype="boolean"
            ),
            "land_acquired_pct": rng.uniform(0, 100, land_idx.size).round(1),
            "idle_approved_land": pd.array(
                rng.random(land_idx.size) < 0.01, dtype="boolean"
            ),
        }
    )
    f_rows = np.concatenate([np.arange(n), np.flatnonzero(rng.random(n) < 0.5)])
    funding = pd.DataFrame(
        {
            "project_id": take(ids, f_rows),
            "year": pd.array(np.full(f_rows.size, 2021), dtype="Int64"),
            "source": text(rng.choice(np.array(schema.FUNDING_SOURCES), f_rows.size)),
            "amount": (plan[f_rows] * rng.uniform(0.3, 0.7, f_rows.size)).round(0),
        }
    )
    c_idx = rng.choice(n, 10_000, replace=False)
    changes = pd.DataFrame(
        {
            "change_date": pd.to_datetime("2021-05-01")
            + pd.to_timedelta(rng.integers(0, 150, c_idx.size), unit="D"),
            "project_id": take(ids, c_idx),
            "change_type": text(rng.choice(np.array(schema.CHANGE_TYPES), c_idx.size)),
            "old_amount": plan[c_idx] * 1.1,
            "new_amount": plan[c_idx],
            "approver": text(
                rng.choice(np.array(["市发展改革局", "副市长 张某"]), c_idx.size)
            ),
            "approval_ref": text(
                np.where(rng.random(c_idx.size) < 0.9, "湛府〔2021〕1号", None)
            ),
        }
    )
    stats = pd.DataFrame(
        {
            "project_id": progress["project_id"],
            "registered": pd.array(rng.random(rows.size) < 0.98, dtype="boolean"),
            "year": progress["year"],
            "month": progress["month"],
            "stats_cum_completed": (cum * rng.uniform(0.95, 1.05, rows.size)).round(0),
        }
    )
    fai = pd.DataFrame(
        [
            (region, y, m, 100.0 * m)
            for region in [schema.CITY, *schema.COUNTIES]
            for y in (2018, 2019, 2020)
            for m in range(2, 13)
        ],
        columns=["region", "year", "month", "cum_investment"],
    ).astype({"region": "str", "year": "Int64", "month": "Int64"})
    return {
        "projects": projects,
        "project_progress": progress,
        "milestones": milestones,
        "land_plan": land,
        "funding_plan": funding,
        "plan_changes": changes,
        "stats_registry": stats,
        "fai_monthly": fai,
    }


def run(n_projects: int = N_PROJECTS, n_months: int = N_MONTHS) -> dict:
    """Run the workload in a fresh interpreter and return its measurements."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n_projects), str(n_months)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Print the timings; return 0 when the targets are met, 1 otherwise."""
    m = run()
    total = m["circular_s"] + m["checks_s"]
    ok = total < TARGET_S and m["peak_gb"] < TARGET_GB
    print(
        f"circular + checks: {N_PROJECTS:,} projects, {m['n_progress']:,} progress rows "
        f"(generation {m['generate_s']:.1f} s, not counted)\n"
        f"  circular {m['circular_s']:.1f} s + checks {m['checks_s']:.1f} s = "
        f"{total:.1f} s (target < {TARGET_S:.0f} s)\n"
        f"  peak memory {m['peak_gb']:.2f} GB incl. inputs (target < {TARGET_GB:.0f} GB)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
