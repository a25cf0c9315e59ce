"""The office's standing parameters: the one place a plan year or target is written.

The command line takes its defaults from here, and the report notebooks'
official values in ``notebooks/params/*.yaml`` are kept equal to them by a test.
Analysis functions take the year and the as-of month as parameters and have no
default for them; the target growth and the seed default to these values.
"""

from __future__ import annotations

#: The plan year the demo data and the minutes ([2020] No. 93) are about.
PLAN_YEAR = 2021
#: The as-of month of the demo data (the last month they cover).
AS_OF = "2021-06"
#: Fixed-asset investment growth over the previous year the minutes set (%).
TARGET_GROWTH_PCT = 20.0
#: Seed of every random draw (forecast simulation, weight-sensitivity draws).
SEED = 2021
