"""The standing parameters are written once: the notebooks' official values agree."""

from pathlib import Path

import pytest
import yaml

from zjanalysis import defaults, paths

PARAMS = sorted((Path(paths.PROJECT_ROOT) / "notebooks" / "params").glob("*.yaml"))
EXPECTED = {
    "year": defaults.PLAN_YEAR,
    "as_of": defaults.AS_OF,
    "target_growth_pct": defaults.TARGET_GROWTH_PCT,
    "seed": defaults.SEED,
}


#: Reports whose growth target is the city's FAI target: empty (None) means
#: the targets table's row for the plan year, else the minutes' 20%
#: (forecast.headline_target), so a 2023 folder is judged against 2023's target.
TABLE_TARGET = {"10-fai-forecast", "60-gap-closing"}


@pytest.mark.parametrize("params_file", PARAMS, ids=[p.stem for p in PARAMS])
def test_official_parameters_equal_the_defaults(params_file):
    values = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    expected = dict(EXPECTED)
    if params_file.stem in TABLE_TARGET:
        expected["target_growth_pct"] = None
    shared = {k: values[k] for k in expected if k in values}
    assert shared == {k: expected[k] for k in shared}


def test_every_report_with_a_plan_year_takes_it_as_a_parameter():
    # the circular (40) took its year from the as-of month; now every report
    # about a plan year has the parameter, so YEAR=2020 reaches all of them
    with_year = {
        p.stem
        for p in PARAMS
        if "year" in yaml.safe_load(p.read_text(encoding="utf-8"))
    }
    assert with_year >= {
        "20-project-readiness",
        "30-soe-plan-check",
        "40-monthly-circular",
        "50-plan-integrity",
    }
