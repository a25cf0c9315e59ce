"""Developer tool: write the realistic DEMO data set (``data/demo``) and its twins.

Run ``python tools/make_demo_data.py [--out data]`` (``make demo-data``). The output
is fully determined by the seed: the same seed writes the same files, byte for byte
(the XLSX timestamps are fixed).

This generator is not part of the ``zjanalysis`` package: it is only needed to
(re)write the committed demo data, so it lives in ``tools/``. It imports the
installed package (``.venv``) for the schema and labels; the tests find it through
pytest's ``pythonpath = ["tools"]`` (``pyproject.toml``) and import it as
``make_demo_data``. It used to be ``zjanalysis.demo``: the files it writes still
name that module (``README.md`` text, the XLSX ``creator`` property) so that the
committed data stay byte-identical; see ``LEGACY_MODULE``.

The data are **synthetic**. Every file carries a first title row containing
``DEMO 演示数据`` so that the loader flags the data set as demo, and
``data/demo/README.md`` says what the data contain. The scale follows public
figures for Zhanjiang (city FAI about 1,150亿元 in 2020; about 400 plan projects
in 2021, about 150 of them key projects), but no row describes a real project.

The scenario is designed so that every report of the package has something real
to show (see ``SCENARIO`` and the README written next to the data):

- ``fai_monthly``: 2015–2021 cumulative FAI for the city and the 11 counties, a
  pandemic-like collapse early in 2020 and the rebound on that low base in 2021;
  some counties are on track for +20% in 2021 and some are clearly not;
- ``projects`` and ``project_progress``: plan years 2020 and 2021, readiness
  fields spread from ready to reserve-only, 2020 new starts whose on-time start
  follows a known logistic model (coefficients in ``START_MODEL``);
- the SOE cases, the plan-change violations, funding and land gaps, the
  statistics-registry differences of the plan-integrity checks;
- planted on drawn projects without further draws (``plant_readiness_cases``,
  ``drop_milestones_of_one_key_project``): an SOE project not ready to release
  that carries most of its enterprise's planned growth, projects on the
  90-point ready line (weight-sensitive), a key project without node targets.

``data/demo-dirty`` is the same data with a listed sprinkling of realistic
mistakes (``PLANTED.csv``), one or more for each validation check.

``data/demo-history`` holds statistics only (``fai_monthly`` to 2023-06, targets
for 2022 and 2023, :func:`generate_fai_history`): the same rows to 2021-06, then
the rest of the 2021 rebound and a normal 2022 on that abnormal base, so the
forecast's backtest meets the years that defeat the usual rules.
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import re
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from zjanalysis.labels import month_label
from zjanalysis.schema import (
    CITY,
    CITY_LEVEL,
    COUNTIES,
    FUNDING_SOURCES,
    SECTORS,
    SOES,
)

SEED = 2021
DEMO_TAG = "【DEMO 演示数据】"
#: Fixed timestamp written into the XLSX files so that they are reproducible.
FIXED_TIME = datetime(2021, 7, 10, 9, 0, 0)
#: The generator's former module name, still written into the files (XLSX
#: ``creator``, ``README.md``) so that the committed data stay byte-identical after
#: the move to ``tools/``. Changing it changes every file of ``data/demo``.
LEGACY_MODULE = "zjanalysis.demo"
AS_OF = date(2021, 6, 30)

# --- the designed scenario ---------------------------------------------------------

#: County shares of the city's 2020 investment (sum 1).
COUNTY_SHARE: dict[str, float] = {
    "赤坎区": 0.09,
    "霞山区": 0.12,
    "麻章区": 0.10,
    "坡头区": 0.07,
    "雷州市": 0.10,
    "廉江市": 0.13,
    "吴川市": 0.08,
    "遂溪县": 0.09,
    "徐闻县": 0.07,
    "湛江经开区": 0.11,
    "湛江奋勇高新区": 0.04,
}
#: City FAI in 2020, 万元 (about 1,150亿元).
CITY_FAI_2020_WAN = 11_500_000.0
#: Two-year average annual growth 2019→2021 by county: drives the 2021 path.
#: With 2020 at about +6.5%, a rate >= ~0.145 puts a county on track for +20% in
#: 2021; 吴川市 and 坡头区 are clearly off track.
TWO_YEAR_RATE_2021: dict[str, float] = {
    "赤坎区": 0.095,
    "霞山区": 0.125,
    "麻章区": 0.150,
    "坡头区": 0.050,
    "雷州市": 0.105,
    "廉江市": 0.140,
    "吴川市": 0.035,
    "遂溪县": 0.120,
    "徐闻县": 0.070,
    "湛江经开区": 0.155,
    "湛江奋勇高新区": 0.180,
}
#: 2021 growth targets; the minutes' 20% everywhere except the new high-tech zone.
TARGET_GROWTH_2021: dict[str, float] = {CITY: 20.0, "湛江奋勇高新区": 25.0}
#: Normal cumulative share of the year's FAI done by month (1—2月 … 1—12月).
FAI_SEASONAL: dict[int, float] = {
    2: 0.090,
    3: 0.160,
    4: 0.235,
    5: 0.320,
    6: 0.425,
    7: 0.505,
    8: 0.585,
    9: 0.670,
    10: 0.765,
    11: 0.870,
    12: 1.000,
}
#: Year-to-year movement of the seasonal shape (log shares, scaled by 1 − s so
#: 1—12月 stays 1): a common drift per year and its spread, a county's own
#: spread, and the month-by-month noise as a share of 2%. Real national series
#: move their 1—2月 share by 3–15% from one year to the next; fixed shares
#: made the demo backtest flatter every method (ETS 0.3 pp at 1—2月).
SHAPE_DRIFT = 0.02
SHAPE_CITY_SD = 0.03
SHAPE_COUNTY_SD = 0.03
SHAPE_MONTH_NOISE = 0.5
#: Centre of the counties' yearly growth before 2020 (a random walk from it)
#: and the spread of the step common to the whole city.
GROWTH_CENTRE = 0.105
GROWTH_CITY_SD = 0.015
#: Share of a year's departure from the centre that the next year keeps.
GROWTH_PERSISTENCE = 0.6
#: 2020 cumulative growth path of the city (percent) before the year-end anchor.
PANDEMIC_2020: dict[int, float] = {2: -30.0, 3: -15.0, 4: -6.5, 5: -2.5, 6: 0.5}
#: 2021 two-year levels are damped early in the year (Spring-Festival stay-put).
DAMP_2021: dict[int, float] = {2: 0.92, 3: 0.96, 4: 0.98, 5: 0.99, 6: 1.0}

#: ``data/demo-history`` (statistics only): ``fai_monthly`` continued to this
#: month, so a backtest meets the shock (2020), the rebound on its low base
#: (2021) and the first normal year on that abnormal base (2022).
HISTORY_END: tuple[int, int] = (2023, 6)
#: Centre of the counties' yearly growth once it resumes in 2022 (the walk
#: goes on from each county's 2019 departure): slower than before 2020, as
#: real investment grew after the rebound, so 2022 lands at roughly 5–12%.
GROWTH_CENTRE_LATER = 0.085
#: Targets of the later plan years: a normal year's +10% (the +20% of 2021 was
#: set for the rebound on the 2020 low base); the high-tech zone +15%.
TARGET_GROWTH_LATER: dict[str, float] = {CITY: 10.0, "湛江奋勇高新区": 15.0}
HISTORY_TARGET_YEARS: tuple[int, ...] = (2022, 2023)

#: Cumulative share of a project's annual investment done by month.
PROJECT_SHARE_2020 = np.array(
    [0.02, 0.05, 0.11, 0.19, 0.28, 0.38, 0.47, 0.56, 0.66, 0.76, 0.87, 1.0]
)
PROJECT_SHARE_2021 = np.array([0.05, 0.10, 0.17, 0.25, 0.335, 0.43])

#: Execution factor by county (1 = on the seasonal pace); below 0.8 is behind.
COUNTY_EXEC: dict[str, float] = {
    "赤坎区": 0.95,
    "霞山区": 1.05,
    "麻章区": 1.10,
    "坡头区": 0.70,
    "雷州市": 0.85,
    "廉江市": 1.05,
    "吴川市": 0.60,
    "遂溪县": 0.95,
    "徐闻县": 0.72,
    "湛江经开区": 1.10,
    "湛江奋勇高新区": 1.00,
    CITY_LEVEL: 0.92,
}
#: Execution factor by department (multiplies the county factor).
DEPT_EXEC: dict[str, float] = {"市城市更新局": 0.65}

#: True generating model of on-time start for 2020 new starts (logit scale).
#: A criterion counts as met when its status is 已完成 or 不需要; shares in 0..1.
START_MODEL: dict[str, float] = {
    "intercept": -3.9,
    "approval_status": 1.6,
    "land_status": 1.5,
    "funding_share": 2.0,
    "design_status": 0.7,
    "eia_status": 0.5,
    "permit_status": 0.4,
    "land_acquired_share": 0.8,
    "energy_status": 0.0,
}
STATUS_FIELDS: tuple[str, ...] = (
    "approval_status",
    "land_status",
    "eia_status",
    "energy_status",
    "design_status",
    "permit_status",
)

EXTRA_SOES: tuple[str, ...] = ("市产业发展投资集团", "市城市建设发展集团")
#: An SOE that declares a plan but has no project in the ledger.
PLAN_ONLY_SOE = "市海洋经济发展集团"
#: What each SOE demonstrates in soe_plans (see README).
SOE_CASES: dict[str, str] = {
    "市基础设施建设投资集团": "pass",  # +28%, backed, on pace
    "市交通投资集团": "fail_behind",  # +11.8%, backed, behind in execution
    "市水务投资集团": "exact",  # exactly +20.0%
    "市旅游投资集团": "no_base",  # no 2020 完成 row
    "市产业发展投资集团": "unbacked",  # declared plan ≈ 2.6× its ledger projects
    "市城市建设发展集团": "no_plan",  # projects in the ledger, no declared plan
    PLAN_ONLY_SOE: "no_projects",  # declared plan, no project in the ledger
}
SOE_GROWTH: dict[str, float] = {
    "市基础设施建设投资集团": 0.28,
    "市交通投资集团": 0.118,
    "市产业发展投资集团": 0.25,
}
SOE_EXEC: dict[str, float] = {"市交通投资集团": 0.45}

# --- cases planted on drawn projects, for the reports that need them -------------
# Applied to the ledger after it is drawn, without drawing from the generator, and
# only to projects whose planned start is after the as-of date: their progress,
# milestones and every later draw stay as they were.

#: The SOE whose 2021 plan partly rests on a project that is not ready to release
#: (report 30, growth at risk). It keeps its "exactly +20%" case: its declared
#: plan follows its ledger, this project included.
UNREADY_SOE = "市水务投资集团"
#: That project's pre-work: 环评 under review, so no construction permit yet, and
#: half of the money secured.
UNREADY_SOE_READINESS: dict[str, object] = {
    "eia_status": "办理中",
    "permit_status": "未启动",
    "funding_secured_pct": 50.0,
}
#: The SOE project is the candidate whose 2021 plan is nearest this share of the
#: enterprise's ledger: large enough to carry most of its planned increase.
UNREADY_SOE_SHARE = 0.15
#: 2021 reserve projects whose pre-work is complete (report 20): the next batch,
#: "成熟一批、下达一批" (minutes 一, 三(二)); planned to start from RESERVE_START.
RESERVE_READY = 3
#: Further 2021 reserve projects put on the release line (report 20,
#: robustness), one gap each: 初步设计/施工图审查 not started scores exactly 90
#: (the ready line; not 环评, which is a gate); 40% and 35% of the money score
#: 90 and 88.75. Perturbing the weights moves them across it.
SENSITIVE_GAPS: tuple[dict[str, object], ...] = (
    {"design_status": "未启动"},
    {"funding_secured_pct": 40.0},
    {"funding_secured_pct": 35.0},
)
#: Planned starts from this date on: not started by the as-of date (2021-06-30)
#: whatever the draw, so the planted readiness never contradicts the progress.
LATE_START = date(2021, 8, 1)
#: Planned start of the mature reserve projects: after the as-of month, in the
#: plan year, so each can still deliver part of its investment in 2021.
RESERVE_START = date(2021, 10, 1)
#: Their planned finish where the ledger has none (or one before the start).
RESERVE_FINISH = date(2023, 9, 30)
#: Their funding share: secured (full credit from 80%).
RESERVE_FUNDING_PCT = 90.0

LEADERS: dict[str, str] = {
    "产业": "副市长 张某",
    "基础设施": "副市长 李某",
    "能源": "副市长 王某",
    "民生": "副市长 陈某",
    "城市更新": "副市长 刘某",
    "房地产": "副市长 刘某",
    "农林水利": "副市长 黄某",
}
MAYOR = "市长 赵某"

SECTOR_WEIGHT = np.array([0.30, 0.24, 0.08, 0.14, 0.07, 0.07, 0.10])
SECTOR_SECTION: dict[str, str] = {
    "产业": "产业项目",
    "基础设施": "基础设施项目",
    "能源": "能源项目",
    "民生": "民生和社会事业项目",
    "城市更新": "城市更新（“三旧”改造）项目",
    "房地产": "房地产项目",
    "农林水利": "农业农村和水利项目",
}
SECTOR_DEPTS: dict[str, tuple[str, ...]] = {
    "产业": ("市工业和信息化局", "市工业和信息化局", "市商务局", "市科技局"),
    "基础设施": ("市交通运输局", "市交通运输局", "市住房城乡建设局"),
    "能源": ("市发展改革局",),
    "民生": ("市教育局", "市卫生健康局", "市文广旅体局", "市民政局"),
    "城市更新": ("市城市更新局",),
    "房地产": ("市住房城乡建设局",),
    "农林水利": ("市水务局", "市农业农村局", "市自然资源局"),
}
SOE_SECTOR: dict[str, str] = {
    "市基础设施建设投资集团": "基础设施",
    "市交通投资集团": "基础设施",
    "市水务投资集团": "农林水利",
    "市旅游投资集团": "民生",
    "市产业发展投资集团": "产业",
    "市城市建设发展集团": "城市更新",
}
SOE_DEPT: dict[str, str] = {
    "市基础设施建设投资集团": "市住房城乡建设局",
    "市交通投资集团": "市交通运输局",
    "市水务投资集团": "市水务局",
    "市旅游投资集团": "市文广旅体局",
    "市产业发展投资集团": "市工业和信息化局",
    "市城市建设发展集团": "市城市更新局",
}

PLACES: dict[str, tuple[str, ...]] = {
    "赤坎区": ("北桥", "调顺", "寸金", "沙湾", "海滨", "文保"),
    "霞山区": ("海头", "东新", "爱国", "友谊", "建设", "霞湖"),
    "麻章区": ("湖光", "太平", "瑞云", "麻章", "志满", "湖光岩"),
    "坡头区": ("南三岛", "乾塘", "官渡", "龙头", "南调", "麻斜"),
    "雷州市": ("雷城", "客路", "龙门", "英利", "企水", "乌石"),
    "廉江市": ("安铺", "石城", "横山", "良垌", "营仔", "新民"),
    "吴川市": ("梅菉", "黄坡", "吴阳", "兰石", "王村港", "覃巴"),
    "遂溪县": ("遂城", "黄略", "城月", "洋青", "岭北", "杨柑"),
    "徐闻县": ("徐城", "海安", "下洋", "前山", "迈陈", "角尾"),
    "湛江经开区": ("东海岛", "东简", "民安", "硇洲", "霞海", "东山"),
    "湛江奋勇高新区": ("奋勇", "东岸", "新桥", "和家", "坡仔", "高新"),
    CITY_LEVEL: ("湛江", "环城", "湾区", "鉴江", "南渡河", "滨海"),
}
NAME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "产业": (
        "{p}新材料产业园项目",
        "{p}年产{n}万吨不锈钢深加工项目",
        "{p}绿色钢铁配套产业项目",
        "{p}智能家电制造基地项目",
        "{p}水产品精深加工项目",
        "{p}生物医药产业园项目",
        "{p}电子元器件生产线项目",
        "{p}化工新材料项目",
        "{p}农产品冷链物流园项目",
        "{p}汽车零部件产业园项目",
        "{p}新能源电池材料项目",
    ),
    "基础设施": (
        "{p}大道改扩建工程",
        "{p}互通立交工程",
        "湛江港{p}港区码头工程",
        "{p}综合客运枢纽工程",
        "{p}污水处理厂提标改造工程",
        "{p}片区市政路网工程",
        "国道G{n}线{p}段改建工程",
        "{p}城市道路“白改黑”工程",
    ),
    "能源": (
        "{p}海上风电场项目",
        "{p}农光互补光伏电站项目",
        "220千伏{p}输变电工程",
        "{p}天然气管网工程",
        "{p}LNG储配站项目",
    ),
    "民生": (
        "{p}人民医院新院区建设项目",
        "{p}第{n}中学扩建工程",
        "{p}保障性住房项目",
        "{p}养老服务中心项目",
        "{p}体育公园项目",
        "{p}文化中心项目",
        "{p}旅游度假区提升项目",
    ),
    "城市更新": (
        "{p}片区“三旧”改造项目",
        "{p}旧厂房改造项目",
        "{p}城中村改造项目",
        "{p}老旧小区改造项目",
    ),
    "房地产": ("{p}花园住宅小区项目", "{p}滨海新城商住项目", "{p}商住小区项目"),
    "农林水利": (
        "{p}水库除险加固工程",
        "{p}高标准农田建设项目",
        "鉴江{p}段堤防加固工程",
        "{p}灌区续建配套与节水改造工程",
        "{p}海堤加固工程",
        "{p}现代农业产业园项目",
    ),
}
CONTENT: dict[str, str] = {
    "产业": "建设厂房、生产线及配套设施",
    "基础设施": "道路、桥梁、港口及配套工程",
    "能源": "发电、输变电及配套设施",
    "民生": "业务用房、教学及配套设施",
    "城市更新": "拆除重建、综合整治",
    "房地产": "住宅、商业及配套",
    "农林水利": "水利工程、农田及配套设施",
}
COMPANY_SUFFIX: tuple[str, ...] = (
    "实业",
    "新材料",
    "置业",
    "能源",
    "发展",
    "科技",
    "建设",
)
MILESTONES: dict[str, tuple[tuple[str, int], ...]] = {
    # (milestone, months relative to an anchor chosen per stage)
    "新开工": (
        ("完成施工图审查", -2),
        ("取得施工许可", -1),
        ("开工建设", 0),
        ("完成年度投资50%", 6),
    ),
    "续建": (
        ("完成年度投资30%", 0),
        ("主体结构封顶", 3),
        ("设备安装调试", 6),
        ("完成年度投资80%", 9),
    ),
    "竣工": (("完成主体工程", 0), ("竣工验收", 3), ("投产运营", 5)),
    "预备": (("完成项目立项", 0), ("取得用地预审与选址意见", 2), ("完成环评批复", 4)),
}


@dataclass
class DemoFile:
    """One file of the demo data set as it will be written.

    ``frame`` holds the cells exactly as written (headers as in the file);
    ``kind`` is ``"csv"`` or ``"xlsx"``.
    """

    name: str
    title: str
    frame: pd.DataFrame
    kind: str = "csv"
    encoding: str = "utf-8-sig"
    layout: dict = field(default_factory=dict)


# --- helpers -----------------------------------------------------------------------


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


def _month_start(year: int, month: int) -> date:
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _add_days(d: date, days: int) -> date:
    return (pd.Timestamp(d) + pd.Timedelta(days=int(days))).date()


def _met(status: str) -> bool:
    return status in ("已完成", "不需要")


# --- fai_monthly and targets -------------------------------------------------------


def _published_row(
    region: str,
    year: int,
    month: int,
    lv: dict[tuple[int, int], float],
    restate: float,
    rng: np.random.Generator,
) -> dict:
    """One ``fai_monthly`` row: the level and the published growth.

    The published growth is the growth from levels plus the year's restatement
    of the base (``restate``, 0–3 points) and a little noise, as the statistics
    bureau publishes it "on a comparable basis".
    """
    computed = 100 * (lv[(year, month)] / lv[(year - 1, month)] - 1)
    diff = float(np.clip(restate + rng.normal(0, 0.15), 0.0, 3.0))
    return {
        "region": region,
        "year": year,
        "month": month,
        "cum_investment": float(lv[(year, month)]),
        "cum_growth_pct": round(computed + diff, 1),
    }


def generate_fai(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate cumulative monthly FAI 2015–2021 and the 2021 targets.

    See :func:`_generate_fai`; :func:`generate_fai_history` continues it.
    """
    fai, targets, _state = _generate_fai(rng)
    return fai, targets


@dataclass(frozen=True)
class FaiState:
    """What :func:`generate_fai_history` continues from :func:`generate_fai`'s draws.

    Attributes
    ----------
    levels : dict
        Region → {(year, month): cumulative level, 万元, rounded}, 2014-02 to
        2021-06, the city included.
    city_shift_2019 : float
        The city's cumulative seasonal-shape shift of 2019 (a random walk).
    restate_2021 : dict
        Region → the 2021 restatement of the base (points) behind its
        published growth.
    """

    levels: dict[str, dict[tuple[int, int], float]]
    city_shift_2019: float
    restate_2021: dict[str, float]


def _generate_fai(
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame, FaiState]:
    """Generate cumulative monthly FAI 2015–2021, the 2021 targets and the state.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    fai_monthly, targets : pd.DataFrame
        Canonical columns; money in 万元.
    state : FaiState
        What the continuation past 2021-06 needs; recording it draws nothing.

    Notes
    -----
    Levels are built per county and summed to the city. Seasonal shares move
    from year to year (a common drift plus each county's own shift,
    :data:`SHAPE_DRIFT`), so the cumulative growth wanders within a year as
    real series do. The published growth
    rate equals growth computed from the levels plus a per-(region, year)
    restatement of the base of 0–3 points, as the statistics bureau publishes
    growth "on a comparable basis" after revising the previous year's level.
    """
    months = list(range(2, 13))
    levels: dict[str, dict[tuple[int, int], float]] = {}
    year_totals: dict[str, dict[int, float]] = {}
    # the seasonal shape moves from year to year, as real series do: a drift
    # common to the city (work done earlier in the year, year after year) plus
    # a county's own shift, largest early in the year and nil at 1—12月. A
    # child generator draws it, so the other tables keep their random stream.
    shape_rng = rng.spawn(1)[0]
    city_shift = np.cumsum(
        SHAPE_DRIFT + shape_rng.normal(0.0, SHAPE_CITY_SD, 2020 - 2014)
    )
    county_shift = {
        c: shape_rng.normal(0.0, SHAPE_COUNTY_SD, 2020 - 2014) for c in COUNTIES
    }
    # the city's economy moves all counties' growth together from year to year
    city_step = shape_rng.normal(0.0, GROWTH_CITY_SD, 2020 - 2015)
    for county in COUNTIES:
        y2020 = CITY_FAI_2020_WAN * COUNTY_SHARE[county] * (1 + rng.normal(0, 0.02))
        g2020 = 0.065 + rng.normal(0, 0.02)
        totals = {2020: y2020, 2019: y2020 / (1 + g2020)}
        # yearly growth wanders (persistent departures from 10.5%, a step
        # common to the city plus the county's own), as real series do,
        # rather than scattering about a fixed mean
        g = GROWTH_CENTRE
        for year in range(2019, 2014, -1):
            own = rng.uniform(-0.025, 0.025) + rng.normal(0, 0.015)
            g = GROWTH_CENTRE + GROWTH_PERSISTENCE * (g - GROWTH_CENTRE)
            g = g + city_step[year - 2015] + 0.5 * own
            totals[year - 1] = totals[year] / (1 + g)
        lv: dict[tuple[int, int], float] = {}
        for year in range(2014, 2020):
            shift = city_shift[year - 2014] + county_shift[county][year - 2014]
            shares = _shifted_shares(rng, shift, months)
            for m, s in zip(months, shares, strict=True):
                lv[(year, m)] = totals[year] * s
        # 2020: the collapse and the recovery, anchored on the year total.
        path = dict(PANDEMIC_2020)
        shock = rng.normal(0, 2.0)
        for m in path:
            path[m] = path[m] + shock * (8 - m) / 6
        end = 100 * g2020
        for m in range(7, 13):
            path[m] = path[6] + (end - path[6]) * (1 - (1 - (m - 6) / 6) ** 1.6)
        prev = 0.0
        for m in months:
            v = lv[(2019, m)] * (1 + path[m] / 100)
            if m == 12:
                v = y2020
            lv[(2020, m)] = max(v, prev * 1.02)
            prev = lv[(2020, m)]
        r = TWO_YEAR_RATE_2021[county]
        for m in range(2, 7):
            lv[(2021, m)] = (
                lv[(2019, m)] * (1 + r) ** 2 * DAMP_2021[m] * (1 + rng.normal(0, 0.012))
            )
        levels[county] = {k: round(v) for k, v in lv.items()}
        year_totals[county] = totals
    city = {k: sum(levels[c][k] for c in COUNTIES) for k in levels[COUNTIES[0]]}
    levels[CITY] = city

    rows = []
    restate_2021: dict[str, float] = {}
    for region in (CITY, *COUNTIES):
        lv = levels[region]
        for year in range(2015, 2022):
            restate = rng.uniform(0.0, 2.6)
            if year == 2021:
                restate_2021[region] = float(restate)
            for m in months if year < 2021 else range(2, 7):
                rows.append(_published_row(region, year, m, lv, restate, rng))
    fai = pd.DataFrame(rows)
    targets = pd.DataFrame(
        [
            {
                "region": region,
                "year": 2021,
                "target_growth_pct": TARGET_GROWTH_2021.get(region, 20.0),
                "base_investment": float(levels[region][(2020, 12)]),
            }
            for region in (CITY, *COUNTIES)
        ]
    )
    state = FaiState(levels, float(city_shift[-1]), restate_2021)
    return fai, targets, state


def _shifted_shares(
    rng: np.random.Generator, shift: float, months: Sequence[int]
) -> np.ndarray:
    """Cumulative seasonal shares of a normal year whose shape is shifted by ``shift``.

    :data:`FAI_SEASONAL` moved in log by ``shift * (1 - share)`` (nil at
    1—12月), times month-by-month noise, kept non-decreasing.
    """
    base = np.array([FAI_SEASONAL[m] for m in months])
    shares = base * np.exp(shift * (1.0 - base))
    shares = shares * np.exp(rng.normal(0, 0.02, len(months)) * SHAPE_MONTH_NOISE)
    return np.maximum.accumulate(shares / shares[-1])


def generate_fai_history(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``fai_monthly`` 2015 to :data:`HISTORY_END` and the 2022–2023 targets.

    Parameters
    ----------
    seed : int, default 2021
        The seed of :func:`generate_demo`: the rows up to 2021-06 are exactly
        its ``fai_monthly`` rows.

    Returns
    -------
    fai_monthly, targets : pd.DataFrame
        Canonical columns; money in 万元.

    Notes
    -----
    :func:`_generate_fai` runs on a fresh generator as in :func:`generate_demo`
    (it is the first draw there), then a new child generator (``spawn``) draws
    the continuation, so no draw of the demo moves. The continuation:

    - 2021-07…12 completes each county's two-year path
      (:data:`TWO_YEAR_RATE_2021`) with 2019's shape, as its first half did;
      the year end is exactly the design (:func:`county_outlook`);
    - 2022 and 2023 are normal years on that base: the growth walk resumes
      from the county's 2019 departure around :data:`GROWTH_CENTRE_LATER`,
      with a step common to the city; the seasonal shape's city drift goes on
      year by year from 2019 (so 2022 is three years of drift from its last
      normal base) plus the county's own yearly shift;
    - published growth = growth from levels + a per-(region, year)
      restatement of 0–3 points (2021 keeps its own), as in earlier years.
    """
    rng = np.random.default_rng(seed)
    fai, _targets, state = _generate_fai(rng)
    hist = rng.spawn(1)[0]
    end_year, end_month = HISTORY_END
    months = list(range(2, 13))
    later = list(range(2020, end_year + 1))
    city_shift = dict(
        zip(
            later,
            state.city_shift_2019
            + np.cumsum(SHAPE_DRIFT + hist.normal(0.0, SHAPE_CITY_SD, len(later))),
            strict=True,
        )
    )
    grown = list(range(2022, end_year + 1))
    city_step = dict(
        zip(grown, hist.normal(0.0, GROWTH_CITY_SD, len(grown)), strict=True)
    )
    levels = {c: dict(state.levels[c]) for c in COUNTIES}
    for county in COUNTIES:
        lv = levels[county]
        two_year = (1 + TWO_YEAR_RATE_2021[county]) ** 2
        prev = lv[(2021, 6)]
        for m in range(7, 13):
            v = lv[(2019, m)] * two_year
            if m < 12:
                v *= 1 + hist.normal(0, 0.012)
            lv[(2021, m)] = round(max(v, prev * 1.02))
            prev = lv[(2021, m)]
        dev = lv[(2019, 12)] / lv[(2018, 12)] - 1 - GROWTH_CENTRE
        for year in grown:
            own = hist.uniform(-0.025, 0.025) + hist.normal(0, 0.015)
            g = GROWTH_CENTRE_LATER + GROWTH_PERSISTENCE * dev
            g = g + city_step[year] + 0.5 * own
            dev = g - GROWTH_CENTRE_LATER
            total = lv[(year - 1, 12)] * (1 + g)
            shift = city_shift[year] + hist.normal(0.0, SHAPE_COUNTY_SD)
            shares = _shifted_shares(hist, shift, months)
            for m, share in zip(months, shares, strict=True):
                if (year, m) <= HISTORY_END:
                    lv[(year, m)] = round(total * share)
    levels[CITY] = {k: sum(levels[c][k] for c in COUNTIES) for k in levels[COUNTIES[0]]}
    rows = []
    for region in (CITY, *COUNTIES):
        lv = levels[region]
        for year in range(2021, end_year + 1):
            restate = (
                state.restate_2021[region] if year == 2021 else hist.uniform(0.0, 2.6)
            )
            for m in months:
                if (year, m) <= (2021, 6) or (year, m) > HISTORY_END:
                    continue
                rows.append(_published_row(region, year, m, lv, restate, hist))
    order = {r: i for i, r in enumerate((CITY, *COUNTIES))}
    out = pd.concat([fai, pd.DataFrame(rows)], ignore_index=True)
    out = out.sort_values(
        ["region", "year", "month"],
        key=lambda c: c.map(order) if c.name == "region" else c,
        kind="stable",
    ).reset_index(drop=True)
    targets = pd.DataFrame(
        [
            {
                "region": region,
                "year": year,
                "target_growth_pct": TARGET_GROWTH_LATER.get(
                    region, TARGET_GROWTH_LATER[CITY]
                ),
                "base_investment": float(levels[region][(year - 1, 12)]),
            }
            for year in HISTORY_TARGET_YEARS
            for region in (CITY, *COUNTIES)
        ]
    )
    return out, targets


# --- projects ----------------------------------------------------------------------


def _statuses(rng: np.random.Generator, z: float, sector: str) -> dict[str, str]:
    """Draw the six pre-work statuses of a project of maturity ``z``."""
    out: dict[str, str] = {}
    for i, fld in enumerate(STATUS_FIELDS):
        not_needed = {
            "energy_status": 0.35,
            "eia_status": 0.12 if sector in ("民生", "城市更新", "房地产") else 0.03,
            "land_status": 0.06,
        }.get(fld, 0.0)
        if rng.random() < not_needed:
            out[fld] = "不需要"
            continue
        # later steps of the approval chain are harder to have done
        a = 0.9 - 0.35 * i
        if rng.random() < _sigmoid(a + 1.6 * z):
            out[fld] = "已完成"
        elif rng.random() < _sigmoid(0.3 + z):
            out[fld] = "办理中"
        else:
            out[fld] = "未启动"
    if not (_met(out["approval_status"]) and _met(out["land_status"])):
        if out["permit_status"] == "已完成":
            out["permit_status"] = "办理中"
    return out


def _all_done(rng: np.random.Generator, sector: str) -> dict[str, str]:
    out = {f: "已完成" for f in STATUS_FIELDS}
    if rng.random() < 0.35:
        out["energy_status"] = "不需要"
    if sector in ("民生", "城市更新") and rng.random() < 0.15:
        out["eia_status"] = "不需要"
    return out


def _readiness_row(
    rng: np.random.Generator, stage: str, sector: str, z: float | None = None
) -> dict:
    """Return statuses, funding and land shares for a plan row of ``stage``."""
    if stage in ("续建", "竣工"):
        st = _all_done(rng, sector)
        funding = float(min(100, round(rng.uniform(80, 106))))
        land = 100.0 if rng.random() < 0.85 else float(round(rng.uniform(85, 99)))
        return {**st, "funding_secured_pct": funding, "land_acquired_pct": land}
    if z is None and stage in READINESS_MIX:
        return _designed_readiness(rng, stage, sector)
    if z is None:
        z = rng.normal(-2.0, 0.6)
    st = _statuses(rng, z, sector)
    funding = float(
        np.clip(round(100 * _sigmoid(0.6 + 1.3 * z + rng.normal(0, 0.5))), 0, 100)
    )
    if stage == "储备":
        funding = float(min(funding, round(rng.uniform(0, 20))))
    land_pct = float(
        np.clip(round(100 * _sigmoid(0.4 + 1.4 * z + rng.normal(0, 0.6))), 0, 100)
    )
    if st["land_status"] == "不需要":
        land_pct = 100.0
    return {**st, "funding_secured_pct": funding, "land_acquired_pct": land_pct}


#: 2021 plan rows not yet under construction: share of each readiness class.
READINESS_MIX: dict[str, dict[str, float]] = {
    "新开工": {"ready": 0.42, "close": 0.33, "prework": 0.25},
    "预备": {"ready": 0.08, "close": 0.27, "prework": 0.65},
}
#: Items a project may still miss, with how often each is the one missing.
_GAP_ITEMS: dict[str, float] = {
    "permit_status": 0.20,
    "design_status": 0.16,
    "eia_status": 0.12,
    "funding": 0.16,
    "land_acquired": 0.14,
    "land_status": 0.08,
    "approval_status": 0.07,
    "energy_status": 0.07,
}


def _designed_readiness(rng: np.random.Generator, stage: str, sector: str) -> dict:
    """Draw a ready / close / needs-pre-work row: all done, then knock items out."""
    mix = READINESS_MIX[stage]
    cls = str(rng.choice(list(mix), p=list(mix.values())))
    st = _all_done(rng, sector)
    funding = float(round(rng.uniform(80, 100)))
    land = 100.0 if rng.random() < 0.5 else float(round(rng.uniform(82, 99)))
    k = {
        "ready": 0,
        "close": int(rng.integers(1, 3)),
        "prework": int(rng.integers(3, 6)),
    }[cls]
    items = list(_GAP_ITEMS)
    weights = np.array(list(_GAP_ITEMS.values()))
    for item in rng.choice(items, size=k, replace=False, p=weights / weights.sum()):
        if item == "funding":
            funding = float(
                round(rng.uniform(20, 75) if cls == "prework" else rng.uniform(45, 75))
            )
        elif item == "land_acquired":
            land = float(
                round(rng.uniform(0, 60) if cls == "prework" else rng.uniform(40, 75))
            )
        else:
            early = cls == "prework" and rng.random() < 0.5
            st[str(item)] = "未启动" if early else "办理中"
    if not (_met(st["approval_status"]) and _met(st["land_status"])):
        st["permit_status"] = "未启动"
    if st["land_status"] == "不需要":
        land = 100.0
    return {**st, "funding_secured_pct": funding, "land_acquired_pct": land}


class _Namer:
    """Make unique, plausible project names."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, county: str, sector: str) -> str:
        places = PLACES[county]
        templates = NAME_TEMPLATES[sector]
        for _ in range(50):
            p = places[self.rng.integers(len(places))]
            t = templates[self.rng.integers(len(templates))]
            n = int(self.rng.choice([5, 10, 20, 30, 50, 207, 228, 325]))
            if "中学" in t:
                n = int(self.rng.integers(1, 20))
            name = t.format(p=p, n=n)
            if (
                county not in (CITY_LEVEL, "湛江经开区", "湛江奋勇高新区")
                and self.rng.random() < 0.5
            ):
                name = county + name
            if name not in self.used:
                self.used.add(name)
                return name
        for k in ("二期", "三期", "四期", "五期", "六期"):
            cand = f"{name}（{k}）"
            if cand not in self.used:
                self.used.add(cand)
                return cand
        raise RuntimeError("name pool exhausted")  # pragma: no cover


def _county_gov(county: str) -> str:
    if county in ("湛江经开区", "湛江奋勇高新区"):
        return f"{county}管委会"
    return f"{county}政府"


def generate_projects(
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Generate the project ledger (plan years 2020 and 2021) and progress.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    projects : pd.DataFrame
        Canonical ``projects`` columns plus ``content`` (建设内容).
    progress : pd.DataFrame
        Canonical ``project_progress``: 2020 months 1..12, 2021 months 1..6.
    facts : dict
        Scenario facts used by the later tables (outcomes, cancelled ids, …).
    """
    namer = _Namer(rng)
    county_pool = (*COUNTIES, CITY_LEVEL)
    county_p = np.array([COUNTY_SHARE[c] for c in COUNTIES] + [0.12])
    county_p = county_p / county_p.sum()

    # population groups: (name, count, 2020 stage, 2021 stage or None)
    groups = [
        ("A1", 65, "续建", "续建"),
        ("A2", 25, "续建", "竣工"),
        ("B", 50, "竣工", None),
        ("C", 140, "新开工", "*"),  # 2021 stage follows the 2020 outcome
        ("D1", 40, "预备", "*"),
        ("D2", 30, "储备", "*"),
        ("E1", 65, None, "新开工"),
        ("E2", 22, None, "预备"),
        ("E3", 20, None, "储备"),
    ]
    masters: list[dict] = []
    for gname, n, s20, s21 in groups:
        for _ in range(n):
            county = str(rng.choice(county_pool, p=county_p))
            sector = str(rng.choice(SECTORS, p=SECTOR_WEIGHT / SECTOR_WEIGHT.sum()))
            dept_pool = SECTOR_DEPTS[sector]
            dept = dept_pool[rng.integers(len(dept_pool))]
            if sector == "能源" and rng.random() < 0.4:
                dept = "湛江供电局"
            size = rng.lognormal(np.log(40_000), 0.8)
            masters.append(
                {
                    "group": gname,
                    "s20": s20,
                    "s21": s21,
                    "county": county,
                    "sector": sector,
                    "department": dept,
                    "total_raw": size,
                }
            )
    order = rng.permutation(len(masters))
    masters = [masters[i] for i in order]
    for i, m in enumerate(masters, start=1):
        m["project_id"] = f"ZJ-{i:04d}"

    # key projects: larger ones more likely; key status is kept across years
    sizes = np.array([m["total_raw"] for m in masters])
    rank = sizes.argsort().argsort() / len(sizes)
    for m, r in zip(masters, rank, strict=True):
        p = 0.10 + 0.80 * r**1.5
        if m["s20"] == "储备" or m["s21"] == "储备":
            p *= 0.3
        if m["sector"] == "房地产":
            p *= 0.2
        m["is_key"] = bool(rng.random() < p)

    # SOE projects: city-level or large infrastructure; 6 SOEs of the ledger
    soes_ledger = (*SOES, *EXTRA_SOES)
    candidates = [
        m
        for m in masters
        if m["group"] in ("A1", "A2", "C") and m["sector"] != "房地产"
    ]
    rng.shuffle(candidates)
    n_per = {
        "市基础设施建设投资集团": 9,
        "市交通投资集团": 9,
        "市水务投资集团": 6,
        "市旅游投资集团": 5,
        "市产业发展投资集团": 4,
        "市城市建设发展集团": 4,
    }
    it = iter(candidates)
    for soe in soes_ledger:
        for _ in range(n_per[soe]):
            m = next(it)
            m["soe_name"] = soe
            m["sector"] = SOE_SECTOR[soe]
            m["department"] = SOE_DEPT[soe]
            if rng.random() < 0.5:
                m["county"] = CITY_LEVEL
    # names, parties, flags
    for m in masters:
        m.setdefault("soe_name", None)
        sector, county = m["sector"], m["county"]
        m["name"] = namer(county, sector)
        if m["soe_name"]:
            m["builder"] = f"湛江{m['soe_name']}有限公司"
        elif sector in ("民生", "农林水利") or (
            sector == "基础设施" and rng.random() < 0.6
        ):
            m["builder"] = (
                f"{county}{'住房和城乡建设局' if sector != '农林水利' else '水务局'}"
                if county != CITY_LEVEL
                else m["department"]
            )
        else:
            place = PLACES[county][rng.integers(len(PLACES[county]))]
            place = "市" if place == "湛江" else place  # 湛江市…, not 湛江湛江…
            suffix = COMPANY_SUFFIX[rng.integers(len(COMPANY_SUFFIX))]
            m["builder"] = f"湛江{place}{suffix}有限公司"
        m["is_renewal"] = sector == "城市更新"
        m["is_real_estate"] = sector == "房地产"
        m["content"] = CONTENT[sector]
        if m["is_key"]:
            m["city_leader"] = LEADERS[sector]
            m["lead_unit"] = (
                m["department"] if county == CITY_LEVEL else _county_gov(county)
            )
            m["industry_dept"] = m["department"]
        else:
            m["city_leader"] = m["lead_unit"] = m["industry_dept"] = None
    # two 三旧 projects that are also counted as real estate (double counting)
    renewal = [m for m in masters if m["is_renewal"] and m["s21"] not in (None,)]
    for m in renewal[:2]:
        m["is_real_estate"] = True
        m["content"] = "拆除重建，建设商品住宅及商业配套"

    # planned dates
    for m in masters:
        g = m["group"]
        dur_months = int(rng.integers(14, 60))
        if g in ("A1", "A2", "B"):
            start = _month_start(
                int(rng.integers(2016, 2020)), int(rng.integers(1, 13))
            )
            if g == "B":
                finish = _month_start(2020, int(rng.integers(3, 13)))
            elif g == "A2":
                finish = _month_start(2021, int(rng.integers(3, 13)))
            else:
                finish = _month_start(2022, int(rng.integers(1, 13)))
                finish = max(finish, _month_start(start.year, start.month + dur_months))
        elif g == "C":
            start = _month_start(2020, int(rng.integers(2, 11)))
            finish = _month_start(start.year, start.month + dur_months)
        elif g in ("D1", "E1"):
            start = _month_start(2021, int(rng.integers(1, 11)))
            finish = _month_start(start.year, start.month + dur_months)
        elif g in ("D2", "E2"):
            start = _month_start(2022, int(rng.integers(1, 13)))
            finish = _month_start(start.year, start.month + dur_months)
        else:
            start = finish = None
        m["planned_start"], m["planned_finish"] = start, finish

    # --- plan-year rows and 2020 outcomes ---------------------------------------
    rows20: list[dict] = []
    rows21: list[dict] = []
    outcomes: list[dict] = []
    for m in masters:
        total = m["total_raw"]
        if m["s20"] is not None:
            stage = m["s20"]
            z = rng.normal(0.3, 1.1) if stage == "新开工" else None
            rd = _readiness_row(rng, stage, m["sector"], z)
            frac = {
                "续建": (0.15, 0.35),
                "竣工": (0.10, 0.30),
                "新开工": (0.10, 0.30),
                "预备": (0.005, 0.02),
                "储备": (0.0, 0.0),
            }[stage]
            row = {
                "plan_year": 2020,
                "stage": stage,
                "plan_raw": total * rng.uniform(*frac),
                **rd,
            }
            if stage in ("预备", "储备"):
                row["planned_start"] = m["planned_start"]
            rows20.append((m, row))
            if stage == "新开工":
                lin = START_MODEL["intercept"]
                for fld in STATUS_FIELDS:
                    lin += START_MODEL[fld] * _met(rd[fld])
                lin += START_MODEL["funding_share"] * rd["funding_secured_pct"] / 100
                lin += (
                    START_MODEL["land_acquired_share"] * rd["land_acquired_pct"] / 100
                )
                on_time = bool(rng.random() < _sigmoid(lin))
                ps = m["planned_start"]
                if on_time:
                    actual = _add_days(ps, int(rng.integers(-20, 26)))
                else:
                    actual = _add_days(ps, int(rng.integers(60, 400)))
                outcomes.append(
                    {
                        "project_id": m["project_id"],
                        "on_time": on_time,
                        "actual_start": actual,
                        "p_on_time": float(_sigmoid(lin)),
                    }
                )
                m["actual_start"] = actual
        # 2021 stage
        s21 = m["s21"]
        if s21 == "*":
            if m["group"] == "C":
                act = m["actual_start"]
                if act <= date(2020, 12, 31):
                    s21 = "竣工" if rng.random() < 0.12 else "续建"
                    if s21 == "竣工":
                        m["planned_finish"] = _month_start(
                            2021, int(rng.integers(3, 13))
                        )
                elif rng.random() < 0.8:
                    s21 = "新开工"
                else:
                    s21 = "预备"
            elif m["group"] == "D1":
                s21 = "新开工" if rng.random() < 0.6 else "预备"
            else:  # D2
                u = rng.random()
                s21 = "预备" if u < 0.35 else ("储备" if u < 0.85 else None)
            if s21 in ("新开工", "预备") and m["group"] != "C":
                yr = 2021 if s21 == "新开工" else 2022
                m["planned_start"] = _month_start(yr, int(rng.integers(1, 11)))
                m["planned_finish"] = _month_start(yr, int(rng.integers(1, 11)) + 24)
        m["stage21"] = s21
        if s21 is not None:
            if m["group"] == "C" and s21 == "新开工":
                # delayed: the 2021 plan carries the expected (late) start
                ps = m["actual_start"]
                m["planned_start21"] = _month_start(ps.year, ps.month)
            frac = {
                "续建": (0.20, 0.40),
                "竣工": (0.10, 0.30),
                "新开工": (0.12, 0.32),
                "预备": (0.005, 0.02),
                "储备": (0.0, 0.0),
            }[s21]
            z = None
            rd = _readiness_row(rng, s21, m["sector"], z)
            if m["group"] == "C" and s21 == "新开工":
                # a delayed project has moved on since the 2020 plan
                rd = {**rd, "approval_status": "已完成"}
            rows21.append(
                (
                    m,
                    {
                        "plan_year": 2021,
                        "stage": s21,
                        "plan_raw": total * rng.uniform(*frac),
                        **rd,
                    },
                )
            )

    # --- scale to the designed totals ---------------------------------------------
    # Iterative proportional fitting of one factor per county and one per key
    # status, so that the 2021 plan totals 1,380亿 split 50/50 between key and
    # other projects and each county carries its share of the city's investment.
    target_total = 13_800_000.0
    key_share = 0.50
    county_target = {
        c: COUNTY_SHARE[c] * 0.88 * target_total * (1 + rng.normal(0, 0.05))
        for c in COUNTIES
    }
    county_target[CITY_LEVEL] = 0.12 * target_total
    scale = target_total / sum(county_target.values())
    county_target = {c: v * scale for c, v in county_target.items()}
    key_target = {True: key_share * target_total, False: (1 - key_share) * target_total}
    f_county = dict.fromkeys(county_target, 1.0)
    f_key = {True: 1.0, False: 1.0}
    for _ in range(20):
        for dim, factors, targets in (
            ("county", f_county, county_target),
            ("is_key", f_key, key_target),
        ):
            sums = dict.fromkeys(targets, 0.0)
            for m, r in rows21:
                sums[m[dim]] += (
                    r["plan_raw"] * f_county[m["county"]] * f_key[m["is_key"]]
                )
            for k in targets:
                factors[k] *= targets[k] / sums[k]
    for m in masters:
        f = f_county[m["county"]] * f_key[m["is_key"]]
        m["total_investment"] = float(max(500, round(m["total_raw"] * f, -1)))
    for m, r in rows20 + rows21:
        f = f_county[m["county"]] * f_key[m["is_key"]]
        r["plan_investment"] = float(round(r["plan_raw"] * f))
        if r["stage"] == "储备":
            r["plan_investment"] = 0.0
        elif r["plan_investment"] < 50:
            r["plan_investment"] = 50.0

    # --- assemble frames ------------------------------------------------------------
    records = []
    for m, r in rows20 + rows21:
        rec = {
            "project_id": m["project_id"],
            "name": m["name"],
            "plan_year": r["plan_year"],
            "county": m["county"],
            "department": m["department"],
            "is_key": m["is_key"],
            "stage": r["stage"],
            "sector": m["sector"],
            "total_investment": m["total_investment"],
            "plan_investment": r["plan_investment"],
            "planned_start": m["planned_start"],
            "planned_finish": m["planned_finish"],
            "city_leader": m["city_leader"],
            "lead_unit": m["lead_unit"],
            "industry_dept": m["industry_dept"],
            "builder": m["builder"],
            "soe_name": m["soe_name"],
            "is_renewal": m["is_renewal"],
            "is_real_estate": m["is_real_estate"],
            **{f: r[f] for f in STATUS_FIELDS},
            "funding_secured_pct": r["funding_secured_pct"],
            "land_acquired_pct": r["land_acquired_pct"],
            "content": m["content"],
        }
        if r["plan_year"] == 2021 and m.get("planned_start21"):
            rec["planned_start"] = m["planned_start21"]
            rec["planned_finish"] = _month_start(
                m["planned_start21"].year, m["planned_start21"].month + 24
            )
        records.append(rec)
    projects = pd.DataFrame(records)

    facts = {"outcomes": pd.DataFrame(outcomes), "masters": masters}
    return projects, facts


# --- plan changes (applied to the ledger before progress) --------------------------


def generate_plan_changes(
    rng: np.random.Generator, projects: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """Draw the 2021 plan-change log and apply it to the 2021 ledger.

    The ledger keeps the current, post-change plan: a cancelled project stays in
    the 2021 ledger with plan investment 0 and stage 储备, so that the log never
    points at an unknown project.

    Returns
    -------
    projects : pd.DataFrame
        The ledger after the changes.
    plan_changes : pd.DataFrame
        Canonical ``plan_changes`` plus ``name`` and ``reason``.
    cases : dict
        Project ids by case: ``ok_*`` and ``violation_*``.
    """
    p21 = projects[(projects["plan_year"] == 2021) & projects["soe_name"].isna()]
    new_nonkey = p21[(p21["stage"] == "新开工") & ~p21["is_key"]]
    new_only_2021 = set(projects["project_id"]) - set(
        projects.loc[projects["plan_year"] == 2020, "project_id"]
    )
    additions_pool = new_nonkey[new_nonkey["project_id"].isin(new_only_2021)]
    continuing = p21[p21["stage"].isin(["续建", "新开工"])]
    used: set[str] = set()

    def pick(frame: pd.DataFrame, n: int) -> list[str]:
        ids = [i for i in frame["project_id"] if i not in used]
        chosen = [str(x) for x in rng.choice(ids, size=n, replace=False)]
        used.update(chosen)
        return chosen

    cases = {
        "ok_addition": pick(additions_pool, 6),
        "ok_cancel": pick(additions_pool, 2),
        "violation_cancel_no_ref": pick(additions_pool, 1),
        "ok_increase": pick(continuing, 3),
        "ok_cut": pick(continuing, 3),
        "ok_change": pick(continuing, 2),
        "violation_cut_bureau_only": pick(continuing, 1),
        "violation_change_no_approver": pick(continuing, 1),
    }
    ledger = projects.copy()
    is21 = ledger["plan_year"] == 2021
    plan = ledger[is21].set_index("project_id")["plan_investment"]
    names = ledger[is21].set_index("project_id")["name"]
    sector = ledger[is21].set_index("project_id")["sector"]
    rows = []
    doc_fgw = iter(range(31, 200, 7))
    doc_gov = iter(range(12, 200, 5))

    def leader(pid: str) -> str:
        return f"{LEADERS[sector[pid]]}、{MAYOR}"

    def add(pid, kind, old, new, approver, ref, reason):
        day = _add_days(date(2021, 2, 20), int(rng.integers(0, 125)))
        rows.append(
            {
                "change_date": day,
                "project_id": pid,
                "name": names[pid],
                "change_type": kind,
                "old_amount": old,
                "new_amount": new,
                "approver": approver,
                "approval_ref": ref,
                "reason": reason,
            }
        )

    for pid in cases["ok_addition"]:
        add(
            pid,
            "新增",
            None,
            plan[pid],
            "市发展改革局",
            f"湛发改投资〔2021〕{next(doc_fgw)}号",
            "前期工作完成，增补纳入年度计划",
        )
    for pid in cases["ok_increase"]:
        add(
            pid,
            "调增",
            float(round(plan[pid] / 1.15)),
            plan[pid],
            "市发展改革局",
            f"湛发改投资〔2021〕{next(doc_fgw)}号",
            "建设进度加快，追加年度投资",
        )
    for pid in cases["ok_cut"]:
        add(
            pid,
            "调减",
            float(round(plan[pid] * 1.3)),
            plan[pid],
            leader(pid),
            f"湛府函〔2021〕{next(doc_gov)}号",
            "征地拆迁滞后，调减年度投资",
        )
    for pid in cases["ok_change"]:
        add(
            pid,
            "调整",
            plan[pid],
            plan[pid],
            leader(pid),
            f"湛府函〔2021〕{next(doc_gov)}号",
            "调整建设内容和建设规模",
        )
    cancelled = cases["ok_cancel"] + cases["violation_cancel_no_ref"]
    for pid in cases["ok_cancel"]:
        add(
            pid,
            "取消",
            plan[pid],
            0.0,
            leader(pid),
            f"湛府函〔2021〕{next(doc_gov)}号",
            "项目业主投资意向变化，调出年度计划",
        )
    for pid in cases["violation_cancel_no_ref"]:
        add(
            pid, "取消", plan[pid], 0.0, leader(pid), None, "项目选址调整，调出年度计划"
        )
    for pid in cases["violation_cut_bureau_only"]:
        add(
            pid,
            "调减",
            float(round(plan[pid] * 1.45)),
            plan[pid],
            "市发展改革局",
            f"湛发改投资〔2021〕{next(doc_fgw)}号",
            "资金未落实，调减年度投资",
        )
    for pid in cases["violation_change_no_approver"]:
        add(
            pid,
            "调整",
            float(round(plan[pid] * 1.1)),
            plan[pid],
            None,
            None,
            "建设单位申请调整建设内容",
        )
    mask = is21 & ledger["project_id"].isin(cancelled)
    ledger.loc[mask, "plan_investment"] = 0.0
    ledger.loc[mask, "stage"] = "储备"
    changes = pd.DataFrame(rows).sort_values(["change_date", "project_id"])
    return ledger, changes.reset_index(drop=True), cases


# --- cases planted on drawn projects ------------------------------------------------


def _fully_ready(rows: pd.DataFrame) -> pd.Series:
    """Rows with every status met and money and land at full credit (>= 80%)."""
    met = rows[list(STATUS_FIELDS)].isin(["已完成", "不需要"]).all(axis=1)
    return met & (rows["funding_secured_pct"] >= 80) & (rows["land_acquired_pct"] >= 80)


def plant_readiness_cases(
    projects: pd.DataFrame, change_cases: dict[str, list[str]]
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Plant the SOE project that is not ready, the mature reserve and the release line.

    The SOE project is a 2021 新开工 project planned to start on or after
    ``LATE_START``; the others are 2021 储备 projects (non-key, without an SOE);
    all are outside the plan-change cases (so no cancelled project is made
    ready); nothing is drawn, so the same ledger gives the same choice.

    - ``UNREADY_SOE`` takes over the candidate of its sector (of any sector if
      its own has none) whose plan is nearest ``UNREADY_SOE_SHARE`` of its
      ledger (with 立项 and 用地预审 done), with
      ``UNREADY_SOE_READINESS``: it is graded below "ready", so part of the
      enterprise's planned growth is at risk (report 30).
    - The first ``RESERVE_READY`` such 储备 projects (by code) get every
      pre-work step done, ``RESERVE_FUNDING_PCT`` of the money and the site
      cleared, planned to start on ``RESERVE_START``: the next batch.
    - The next ``len(SENSITIVE_GAPS)`` get the same, then one gap each of
      ``SENSITIVE_GAPS``: they sit on the ready line of 90 points, so the
      batch-stability test flags them (report 20).

    Returns
    -------
    projects : pd.DataFrame
        The ledger with the cases applied (the SOE project's 2020 row, if any,
        takes the enterprise too).
    cases : dict
        ``soe_unready`` (the project id), ``reserve_ready`` and
        ``weight_sensitive`` (ids).
    """
    ledger = projects.copy()
    is21 = ledger["plan_year"] == 2021
    p21 = ledger[is21]
    used = {pid for ids in change_cases.values() for pid in ids}
    ids20 = set(ledger.loc[ledger["plan_year"] == 2020, "project_id"])
    late = p21["planned_start"].map(lambda d: isinstance(d, date) and d >= LATE_START)
    pool = p21[
        (p21["stage"] == "新开工")
        & (p21["plan_investment"] > 0)
        & p21["soe_name"].isna()
        & late.astype(bool)
        & ~p21["project_id"].isin(used)
    ]
    soe = UNREADY_SOE
    soe_ledger = p21.loc[p21["soe_name"] == soe, "plan_investment"].sum()
    gates = pool["approval_status"].isin(["已完成", "不需要"]) & pool[
        "land_status"
    ].isin(["已完成", "不需要"])
    cand = pool[gates & (pool["sector"] == SOE_SECTOR[soe])]
    if cand.empty:  # another seed: any sector will do
        cand = pool[gates]
    gap = (cand["plan_investment"] - UNREADY_SOE_SHARE * soe_ledger).abs()
    soe_pid = str(cand.loc[gap.sort_values(kind="stable").index[0], "project_id"])
    rows = ledger["project_id"] == soe_pid
    ledger.loc[rows, "soe_name"] = soe
    ledger.loc[rows, "department"] = SOE_DEPT[soe]
    ledger.loc[rows, "builder"] = f"湛江{soe}有限公司"
    if ledger.loc[rows, "is_key"].any():
        ledger.loc[rows, "industry_dept"] = SOE_DEPT[soe]
    row21 = rows & is21
    for col, value in UNREADY_SOE_READINESS.items():
        ledger.loc[row21, col] = value

    reserve = p21[
        (p21["stage"] == "储备")
        & ~p21["is_key"].astype(bool)
        & p21["soe_name"].isna()
        & ~p21["project_id"].isin(used)
        & ~p21["project_id"].isin(ids20)
    ].sort_values("project_id")
    picked = [
        str(x)
        for x in reserve["project_id"].iloc[: RESERVE_READY + len(SENSITIVE_GAPS)]
    ]
    for pid in picked:
        row = is21 & (ledger["project_id"] == pid)
        for col in STATUS_FIELDS:
            ledger.loc[row, col] = "已完成"
        ledger.loc[row, "funding_secured_pct"] = RESERVE_FUNDING_PCT
        ledger.loc[row, "land_acquired_pct"] = 100.0
        ledger.loc[row, "planned_start"] = RESERVE_START
        finish = ledger.loc[row, "planned_finish"].iloc[0]
        if not isinstance(finish, date) or finish <= RESERVE_START:
            ledger.loc[row, "planned_finish"] = RESERVE_FINISH
    mature, chosen = picked[:RESERVE_READY], picked[RESERVE_READY:]
    for pid, gap_spec in zip(chosen, SENSITIVE_GAPS, strict=False):
        for col, value in gap_spec.items():
            ledger.loc[is21 & (ledger["project_id"] == pid), col] = value
    cases = {
        "soe_unready": soe_pid,
        "reserve_ready": sorted(mature),
        "weight_sensitive": sorted(chosen),
    }
    return ledger, cases


def drop_milestones_of_one_key_project(
    milestones: pd.DataFrame,
    projects: pd.DataFrame,
    avoid: Sequence[str] = (),
) -> tuple[pd.DataFrame, str]:
    """Leave one 2021 key project without node targets (report 50, 三(一)).

    The project is the first (by code) key 新开工 project, not in ``avoid``,
    none of whose node targets falls due by the as-of date: taking them out
    changes no overdue count. Missing node targets are a gap in the record,
    not a loading error.
    """
    key = projects[
        (projects["plan_year"] == 2021)
        & projects["is_key"]
        & (projects["stage"] == "新开工")
        & projects["soe_name"].isna()
        & ~projects["project_id"].isin(list(avoid))
    ]
    early = set(milestones.loc[milestones["due_date"] <= AS_OF, "project_id"])
    ids = sorted(
        str(p)
        for p in key["project_id"]
        if p not in early and p in set(milestones["project_id"])
    )
    pid = ids[0]
    kept = milestones[milestones["project_id"] != pid].reset_index(drop=True)
    return kept, pid


# --- progress, milestones ----------------------------------------------------------


def _exec_factor(rng: np.random.Generator, row: pd.Series) -> float:
    if isinstance(row["soe_name"], str):
        # SOE pace is set per enterprise (the execution case of the SOE check)
        f = SOE_EXEC.get(row["soe_name"], 1.1)
        return float(f * rng.lognormal(0, 0.08))
    f = COUNTY_EXEC[row["county"]] * DEPT_EXEC.get(row["department"], 1.0)
    return float(f * rng.lognormal(0, 0.18))


def generate_progress(
    rng: np.random.Generator, projects: pd.DataFrame, facts: dict
) -> tuple[pd.DataFrame, dict]:
    """Generate monthly cumulative completion: 2020 months 1..12, 2021 months 1..6.

    Projects of stages 续建, 竣工 and 新开工 report every month (0 before they
    start); a few started 2021 projects miss the June report.

    Returns
    -------
    progress : pd.DataFrame
        Canonical ``project_progress``.
    info : dict
        ``starts_2021`` (actual 2021 starts) and ``no_report_june`` (ids).
    """
    masters = {m["project_id"]: m for m in facts["masters"]}
    outcomes = facts["outcomes"].set_index("project_id")
    rows = []
    # 2020
    p20 = projects[
        (projects["plan_year"] == 2020)
        & projects["stage"].isin(["续建", "竣工", "新开工"])
    ]
    for _, r in p20.iterrows():
        pid = r["project_id"]
        m = masters[pid]
        if r["stage"] == "新开工":
            start = outcomes.loc[pid, "actual_start"]
            late = not bool(outcomes.loc[pid, "on_time"])
        else:
            start = _add_days(m["planned_start"], int(rng.integers(-10, 40)))
            m["actual_start"] = start
            late = False
        ratio = float(np.clip(rng.normal(0.95, 0.15), 0.3, 1.3))
        ratio *= COUNTY_EXEC[r["county"]] ** 0.5 * (0.6 if late else 1.0)
        eff = r["plan_investment"] * ratio
        s0 = (
            0.0
            if start.year < 2020
            else (PROJECT_SHARE_2020[start.month - 2] if start.month > 1 else 0.0)
        )
        for k in range(1, 13):
            started = start <= _month_start(2020, k + 1)
            if started and start.year == 2020 and start.month > k:
                started = False
            if start.year > 2020:
                started = False
            cum = 0.0
            if started:
                cum = eff * max(0.0, PROJECT_SHARE_2020[k - 1] - s0) / (1 - s0)
            rows.append(
                {
                    "project_id": pid,
                    "year": 2020,
                    "month": k,
                    "cum_completed": float(round(cum)),
                    "actual_start": start if started else None,
                }
            )
    # 2021
    p21 = projects[
        (projects["plan_year"] == 2021)
        & projects["stage"].isin(["续建", "竣工", "新开工"])
        & (projects["plan_investment"] > 0)
    ]
    starts: dict[str, date] = {}
    for _, r in p21.iterrows():
        pid = r["project_id"]
        m = masters[pid]
        if r["stage"] in ("续建", "竣工"):
            start = m.get("actual_start") or _add_days(
                m["planned_start"], int(rng.integers(-10, 40))
            )
        elif m["group"] == "C":
            start = m["actual_start"]
        else:
            lin = START_MODEL["intercept"]
            for fld in STATUS_FIELDS:
                lin += START_MODEL[fld] * _met(r[fld])
            lin += START_MODEL["funding_share"] * r["funding_secured_pct"] / 100
            lin += START_MODEL["land_acquired_share"] * r["land_acquired_pct"] / 100
            ps = r["planned_start"]
            if rng.random() < _sigmoid(lin + 0.8):
                start = _add_days(ps, int(rng.integers(-20, 26)))
            else:
                start = _add_days(ps, int(rng.integers(60, 300)))
        m["actual_start"] = start
        if start <= AS_OF:
            starts[pid] = start
        eff = r["plan_investment"] * _exec_factor(rng, r)
        if r["stage"] == "竣工":
            eff *= 1.15
        s0 = (
            0.0
            if start.year < 2021
            else (PROJECT_SHARE_2021[start.month - 2] if 1 < start.month <= 6 else 0.0)
        )
        for k in range(1, 7):
            started = start < _month_start(2021, k + 1)
            cum = eff * max(0.0, PROJECT_SHARE_2021[k - 1] - s0) if started else 0.0
            rows.append(
                {
                    "project_id": pid,
                    "year": 2021,
                    "month": k,
                    "cum_completed": float(round(cum)),
                    "actual_start": start if started else None,
                }
            )
    progress = pd.DataFrame(rows)
    started21 = sorted(p for p, s in starts.items() if s.year < 2021 or s.month <= 4)
    no_june = [str(x) for x in rng.choice(started21, size=10, replace=False)]
    drop = (
        (progress["year"] == 2021)
        & (progress["month"] == 6)
        & progress["project_id"].isin(no_june)
    )
    progress = progress[~drop].reset_index(drop=True)
    return progress, {"starts_2021": starts, "no_report_june": sorted(no_june)}


def _month_end(d: date) -> date:
    return (pd.Timestamp(d) + pd.offsets.MonthEnd(0)).date()


def generate_milestones(
    rng: np.random.Generator, projects: pd.DataFrame, progress_info: dict
) -> pd.DataFrame:
    """Draw 2–4 node targets per 2021 key project, some overdue at 2021-06."""
    starts = progress_info["starts_2021"]
    key = projects[
        (projects["plan_year"] == 2021)
        & projects["is_key"]
        & (projects["stage"] != "储备")
    ]
    rows = []
    for _, r in key.iterrows():
        stage = r["stage"]
        tmpl = MILESTONES[stage]
        n = int(rng.integers(2, len(tmpl) + 1))
        if stage == "新开工":
            anchor = r["planned_start"]
        elif stage == "竣工":
            anchor = _month_start(
                r["planned_finish"].year, r["planned_finish"].month - 3
            )
        elif stage == "续建":
            anchor = date(2021, 3, 1)
        else:
            anchor = date(2021, int(rng.integers(3, 7)), 1)
        pace = COUNTY_EXEC[r["county"]] * DEPT_EXEC.get(r["department"], 1.0)
        for name, offset in tmpl[:n]:
            due = _month_end(_month_start(anchor.year, anchor.month + offset))
            done = None
            if name == "开工建设":
                s = starts.get(r["project_id"])
                done = s if s is not None else None
            elif due <= AS_OF:
                if rng.random() < min(0.95, 0.55 + 0.3 * pace):
                    done = min(_add_days(due, int(rng.integers(-40, 20))), AS_OF)
            rows.append(
                {
                    "project_id": r["project_id"],
                    "name": r["name"],
                    "milestone": name,
                    "due_date": due,
                    "done_date": done,
                }
            )
    return pd.DataFrame(rows)


# --- SOE plans, funding, land, statistics ------------------------------------------


def generate_soe_plans(projects: pd.DataFrame) -> pd.DataFrame:
    """Declare the SOEs' 2020 actual and 2021 plan (亿元 two decimals) per ``SOE_CASES``.

    Returns canonical ``soe_plans`` (money in 万元) plus ``note``.
    """
    p21 = projects[projects["plan_year"] == 2021]
    ledger = p21.groupby("soe_name")["plan_investment"].sum()
    rows = []

    def yi(x: float) -> float:
        return round(x / 10_000, 2)

    for soe, case in SOE_CASES.items():
        if case == "no_plan":
            continue
        if case == "no_projects":
            plan_yi, base_yi = 8.60, 7.00
        elif case == "exact":
            base_yi = round(ledger[soe] / 1.2 / 10_000 / 0.05) * 0.05
            base_yi = round(base_yi, 2)
            plan_yi = round(base_yi * 1.2, 2)
        elif case == "unbacked":
            plan_yi = yi(ledger[soe] * 2.6)
            base_yi = round(plan_yi / (1 + SOE_GROWTH[soe]), 2)
        elif case == "no_base":
            plan_yi, base_yi = yi(ledger[soe] * 1.02), None
        else:
            plan_yi = yi(ledger[soe] * 1.01)
            base_yi = round(plan_yi / (1 + SOE_GROWTH[soe]), 2)
        if base_yi is not None:
            rows.append(
                {
                    "soe_name": soe,
                    "year": 2020,
                    "kind": "完成",
                    "investment": base_yi * 10_000,
                    "note": "",
                }
            )
        rows.append(
            {
                "soe_name": soe,
                "year": 2021,
                "kind": "计划",
                "investment": plan_yi * 10_000,
                "note": "2020年未单独统计在湛投资" if case == "no_base" else "",
            }
        )
    return pd.DataFrame(rows)


def _split(
    rng: np.random.Generator, total: float, sources: Sequence[str]
) -> list[tuple[str, float]]:
    k = int(rng.integers(1, len(sources) + 1))
    chosen = list(rng.choice(sources, size=k, replace=False))
    w = rng.dirichlet(np.ones(k) * 2)
    amounts = [float(round(total * x)) for x in w[:-1]]
    amounts.append(float(round(total - sum(amounts))))
    return [(str(s), a) for s, a in zip(chosen, amounts, strict=True) if a > 0]


def generate_funding(
    rng: np.random.Generator, projects: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Draw the 2021 funding plan: most fully funded, some exact, some short, some missing."""
    p21 = projects[(projects["plan_year"] == 2021) & (projects["plan_investment"] > 0)]
    ids = list(p21["project_id"])
    order = rng.permutation(len(ids))
    n = len(ids)
    n_missing, n_exact, n_short = 12, 25, 40
    missing = sorted(ids[i] for i in order[:n_missing])
    exact = sorted(ids[i] for i in order[n_missing : n_missing + n_exact])
    short = sorted(
        ids[i] for i in order[n_missing + n_exact : n_missing + n_exact + n_short]
    )
    rows = []
    for _, r in p21.iterrows():
        pid = r["project_id"]
        if pid in missing:
            continue
        plan = r["plan_investment"]
        if pid in exact:
            total = plan
        elif pid in short:
            total = float(round(plan * rng.uniform(0.4, 0.9)))
        else:
            total = float(round(plan * rng.uniform(1.0, 1.2)))
            total = max(total, plan + 1)
        builder = str(r["builder"])
        if isinstance(r["soe_name"], str):
            sources = ("专项债", "银行贷款", "企业自筹")
        elif builder.endswith(("局", "政府", "管委会")):
            sources = ("财政预算", "专项债", "其他")
        else:
            sources = ("企业自筹", "银行贷款", "其他")
        for src, amt in _split(rng, total, sources):
            rows.append({"project_id": pid, "year": 2021, "source": src, "amount": amt})
    assert n > n_missing + n_exact + n_short
    frame = pd.DataFrame(rows)
    frame["_o"] = frame["source"].map({s: i for i, s in enumerate(FUNDING_SOURCES)})
    frame = (
        frame.sort_values(["project_id", "_o"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return frame, {"missing": missing, "exact": exact, "short": short}


def generate_land(
    rng: np.random.Generator, projects: pd.DataFrame, progress_info: dict
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Draw the land-and-sea plan for 2021 projects whose 用地预审 is not 不需要."""
    p21 = projects[
        (projects["plan_year"] == 2021) & (projects["land_status"] != "不需要")
    ]
    pool = p21[p21["stage"].isin(["新开工", "预备"])]
    missing = sorted(
        str(x) for x in rng.choice(pool["project_id"], size=12, replace=False)
    )
    idle_pool = pool[
        (pool["land_status"] == "已完成")
        & ~pool["project_id"].isin(missing)
        & ~pool["project_id"].isin(list(progress_info["starts_2021"]))
    ]
    idle = sorted(
        str(x) for x in rng.choice(idle_pool["project_id"], size=7, replace=False)
    )
    rows = []
    for _, r in p21.iterrows():
        pid = r["project_id"]
        if pid in missing:
            continue
        sea = any(k in r["name"] for k in ("码头", "海上风电", "海堤", "跨海"))
        area = float(round(r["total_investment"] / rng.uniform(120, 450), 1))
        if r["stage"] in ("续建", "竣工"):
            approval = "已完成"
        else:
            approval = r["land_status"]
        red = approval == "已完成" and rng.random() < 0.92
        if approval == "办理中" and rng.random() < 0.2:
            red = True
        rows.append(
            {
                "project_id": pid,
                "land_area_mu": float(round(area * 0.3, 1)) if sea else area,
                "sea_area_ha": float(round(rng.uniform(20, 320), 1)) if sea else None,
                "approval_status": approval,
                "red_line_issued": bool(red),
                "land_acquired_pct": r["land_acquired_pct"],
                "idle_approved_land": pid in idle,
            }
        )
    return pd.DataFrame(rows), {"missing": missing, "idle": idle}


def generate_stats(
    rng: np.random.Generator, progress: pd.DataFrame, progress_info: dict
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Draw the statistics registry for 2021 months 1..6.

    Every project reporting 2021 progress has a row per month; projects not
    started are not registered; 12 started projects are not registered either;
    10 registered projects differ from ``project_progress`` by 15–30%.
    """
    p21 = progress[progress["year"] == 2021]
    ids = sorted(p21["project_id"].unique())
    started = sorted(progress_info["starts_2021"])
    order = rng.permutation(len(started))
    unreg = sorted(started[i] for i in order[:12])
    differ = sorted(started[i] for i in order[12:22])
    factor = {pid: float(rng.choice([0.7, 0.78, 1.2, 1.3])) for pid in differ}
    cum = p21.set_index(["project_id", "month"])["cum_completed"]
    rows = []
    for pid in ids:
        registered = pid in progress_info["starts_2021"] and pid not in unreg
        for k in range(1, 7):
            value = None
            if registered:
                base = cum.get((pid, k))
                if base is None:  # no June report: the bureau still has a figure
                    base = cum.get((pid, k - 1), 0.0) * 1.08
                f = factor.get(pid, float(rng.normal(1.0, 0.02)))
                value = float(round(base * f))
            rows.append(
                {
                    "project_id": pid,
                    "registered": registered,
                    "year": 2021,
                    "month": k,
                    "stats_cum_completed": value,
                }
            )
    return pd.DataFrame(rows), {"unregistered": unreg, "differ": differ}


# --- everything together -----------------------------------------------------------


def generate_demo(seed: int = SEED) -> tuple[dict[str, pd.DataFrame], dict]:
    """Generate every table of the demo data set.

    Parameters
    ----------
    seed : int, default 2021
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same data.

    Returns
    -------
    tables : dict of str to pd.DataFrame
        Canonical tables (English column names, money in 万元), with a few extra
        columns written to the files (``name``, ``content``, ``note``, ``reason``).
    scenario : dict
        The designed cases (ids of the projects carrying each violation, SOE
        cases, …) for the README and the tests.

    Examples
    --------
    >>> tables, scenario = generate_demo()
    >>> sorted(tables)[:3]
    ['fai_monthly', 'funding_plan', 'land_plan']
    """
    rng = np.random.default_rng(seed)
    fai, targets = generate_fai(rng)
    projects, facts = generate_projects(rng)
    projects, changes, change_cases = generate_plan_changes(rng, projects)
    projects, readiness_cases = plant_readiness_cases(projects, change_cases)
    progress, pinfo = generate_progress(rng, projects, facts)
    milestones = generate_milestones(rng, projects, pinfo)
    milestones, no_milestones = drop_milestones_of_one_key_project(
        milestones,
        projects,
        avoid=[
            readiness_cases["soe_unready"],
            *(pid for ids in change_cases.values() for pid in ids),
        ],
    )
    soe = generate_soe_plans(projects)
    funding, funding_cases = generate_funding(rng, projects)
    land, land_cases = generate_land(rng, projects, pinfo)
    stats, stats_cases = generate_stats(rng, progress, pinfo)
    tables = {
        "fai_monthly": fai,
        "targets": targets,
        "projects": projects,
        "project_progress": progress,
        "milestones": milestones,
        "soe_plans": soe,
        "plan_changes": changes,
        "funding_plan": funding,
        "land_plan": land,
        "stats_registry": stats,
    }
    scenario = {
        "plan_changes": change_cases,
        "funding": funding_cases,
        "land": land_cases,
        "stats": stats_cases,
        "no_report_june": pinfo["no_report_june"],
        "outcomes_2020": facts["outcomes"],
        "soe_cases": dict(SOE_CASES),
        "soe_unready": readiness_cases["soe_unready"],
        "reserve_ready": readiness_cases["reserve_ready"],
        "weight_sensitive": readiness_cases["weight_sensitive"],
        "no_milestones": no_milestones,
    }
    return tables, scenario


# --- files as the office writes them -----------------------------------------------

PROJECT_COLUMNS: tuple[tuple[str | None, str, str], ...] = (
    # (group header or None, leaf header as written, canonical column or "")
    (None, "序号", ""),
    (None, "项目编码", "project_id"),
    (None, "项目名称", "name"),
    (None, "计划年度", "plan_year"),
    (None, "所属县(市、区)", "county"),
    (None, "行业主管部门", "department"),
    (None, "是否重点项目", "is_key"),
    (None, "项目阶段", "stage"),
    (None, "行业领域", "sector"),
    (None, "总投资", "total_investment"),
    ("年度计划", "计划投资", "plan_investment"),
    ("年度计划", "建设内容", "content"),
    (None, "计划开工时间", "planned_start"),
    (None, "计划竣工时间", "planned_finish"),
    (None, "分管市领导", "city_leader"),
    (None, "牵头责任单位", "lead_unit"),
    (None, "分管行业部门", "industry_dept"),
    (None, "建设单位", "builder"),
    (None, "所属国有企业", "soe_name"),
    (None, "是否“三旧”改造", "is_renewal"),
    (None, "是否房地产项目", "is_real_estate"),
    ("前期工作进展", "立项(审批/核准/备案)", "approval_status"),
    ("前期工作进展", "用地预审与选址", "land_status"),
    ("前期工作进展", "环评批复", "eia_status"),
    ("前期工作进展", "节能审查", "energy_status"),
    ("前期工作进展", "初步设计/施工图审查", "design_status"),
    ("前期工作进展", "施工许可", "permit_status"),
    (None, "资金落实比例(%)", "funding_secured_pct"),
    (None, "征地拆迁完成比例(%)", "land_acquired_pct"),
)
CN_NUM = "一二三四五六七八九十"


def _yesno(v: object) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return "是" if bool(v) else "否"


def _clean(v: object) -> object:
    """Turn pandas missing values into None and numpy scalars into Python ones."""
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def _frame(records: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=list(columns), dtype=object)


def fai_file(fai: pd.DataFrame) -> DemoFile:
    """Lay ``fai_monthly`` out as the statistics bureau's CSV (GB18030, ``1—6月``).

    The title names the first and last month of the frame.
    """
    first = fai.sort_values(["year", "month"]).iloc[0]
    last = fai.sort_values(["year", "month"]).iloc[-1]
    span = (
        f"{int(first.year)}年{month_label(int(first.month))}至"
        f"{int(last.year)}年{month_label(int(last.month))}"
    )
    return DemoFile(
        "fai_monthly.csv",
        f"{DEMO_TAG}湛江市固定资产投资月度累计（{span}）",
        _frame(
            [
                {
                    "地区": r.region,
                    "年份": int(r.year),
                    "月份": month_label(int(r.month)),
                    "累计完成投资（万元）": float(r.cum_investment),
                    "累计同比增长（%）": float(r.cum_growth_pct),
                }
                for r in fai.itertuples()
            ],
            ["地区", "年份", "月份", "累计完成投资（万元）", "累计同比增长（%）"],
        ),
        encoding="gb18030",
    )


def targets_file(targets: pd.DataFrame) -> DemoFile:
    """Lay ``targets`` out as a CSV; the title names its years (2021, 2022—2023)."""
    years = sorted({int(y) for y in targets["year"]})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}—{years[-1]}"
    return DemoFile(
        "targets.csv",
        f"{DEMO_TAG}湛江市{span}年固定资产投资增长目标",
        _frame(
            [
                {
                    "地区": r.region,
                    "年份": int(r.year),
                    "目标增长（%）": float(r.target_growth_pct),
                    "上年完成投资（万元）": float(r.base_investment),
                }
                for r in targets.itertuples()
            ],
            ["地区", "年份", "目标增长（%）", "上年完成投资（万元）"],
        ),
    )


def build_files(tables: dict[str, pd.DataFrame]) -> list[DemoFile]:
    """Lay the tables out as the office's files: headers as written, cells as typed.

    Parameters
    ----------
    tables : dict of str to pd.DataFrame
        The output of :func:`generate_demo`.

    Returns
    -------
    list of DemoFile
        One per file, in writing order.
    """
    files: list[DemoFile] = [
        fai_file(tables["fai_monthly"]),
        targets_file(tables["targets"]),
    ]
    # projects: printed order = plan year (2021 first), sector section, county
    pj = tables["projects"].copy()
    pj["_sec"] = pj["sector"].map({s: i for i, s in enumerate(SECTORS)})
    pj["_cty"] = pj["county"].map({c: i for i, c in enumerate((*COUNTIES, CITY_LEVEL))})
    pj = pj.sort_values(
        ["plan_year", "_sec", "_cty", "project_id"], ascending=[False, True, True, True]
    )
    recs = []
    for _, r in pj.iterrows():
        rec: dict[str, object] = {}
        for _g, leaf, col in PROJECT_COLUMNS:
            if not col:
                continue
            v = _clean(r[col])
            if col.startswith("is_"):
                v = _yesno(v)
            rec[leaf] = v
        recs.append(rec)
    leaves = [leaf for _g, leaf, _c in PROJECT_COLUMNS if leaf != "序号"]
    files.append(
        DemoFile(
            "projects.xlsx",
            f"{DEMO_TAG}湛江市2020—2021年固定资产投资项目计划表",
            _frame(recs, leaves),
            kind="xlsx",
            layout={"sheet": "projects"},
        )
    )
    pr = tables["project_progress"]
    names = (
        tables["projects"].drop_duplicates("project_id").set_index("project_id")["name"]
    )
    files.append(
        DemoFile(
            "project_progress.csv",
            f"{DEMO_TAG}湛江市计划项目月度投资完成情况（2020年1—12月、2021年1—6月）",
            _frame(
                [
                    {
                        "项目编码": r.project_id,
                        "项目名称": names[r.project_id],
                        "年份": int(r.year),
                        "月份": int(r.month),
                        "累计完成投资（万元）": float(r.cum_completed),
                        "实际开工时间": _clean(r.actual_start),
                    }
                    for r in pr.itertuples()
                ],
                [
                    "项目编码",
                    "项目名称",
                    "年份",
                    "月份",
                    "累计完成投资（万元）",
                    "实际开工时间",
                ],
            ),
        )
    )
    ms = tables["milestones"]
    files.append(
        DemoFile(
            "milestones.csv",
            f"{DEMO_TAG}湛江市2021年重点项目节点目标",
            _frame(
                [
                    {
                        "项目编码": r.project_id,
                        "项目名称": r.name,
                        "节点": r.milestone,
                        "计划完成时间": _clean(r.due_date),
                        "实际完成时间": _clean(r.done_date),
                    }
                    for r in ms.itertuples()
                ],
                ["项目编码", "项目名称", "节点", "计划完成时间", "实际完成时间"],
            ),
        )
    )
    so = tables["soe_plans"]
    files.append(
        DemoFile(
            "soe_plans.xlsx",
            f"{DEMO_TAG}湛江市国有企业在湛投资计划（2020年完成、2021年计划）",
            _frame(
                [
                    {
                        "序号": i,
                        "企业名称": r.soe_name,
                        "年份": int(r.year),
                        "类型": r.kind,
                        "在湛投资(亿元)": round(float(r.investment) / 10_000, 2),
                        "备注": r.note or None,
                    }
                    for i, r in enumerate(so.itertuples(), start=1)
                ],
                ["序号", "企业名称", "年份", "类型", "在湛投资(亿元)", "备注"],
            ),
            kind="xlsx",
            layout={"sheet": "soe_plans"},
        )
    )
    pc = tables["plan_changes"]
    files.append(
        DemoFile(
            "plan_changes.csv",
            f"{DEMO_TAG}湛江市2021年固定资产投资计划调整记录",
            _frame(
                [
                    {
                        "调整日期": _clean(r.change_date),
                        "项目编码": r.project_id,
                        "项目名称": r.name,
                        "调整类型": r.change_type,
                        "调整前计划投资（万元）": _clean(r.old_amount),
                        "调整后计划投资（万元）": _clean(r.new_amount),
                        "审批单位或领导": _clean(r.approver),
                        "批准文号": _clean(r.approval_ref),
                        "调整理由": r.reason,
                    }
                    for r in pc.itertuples()
                ],
                [
                    "调整日期",
                    "项目编码",
                    "项目名称",
                    "调整类型",
                    "调整前计划投资（万元）",
                    "调整后计划投资（万元）",
                    "审批单位或领导",
                    "批准文号",
                    "调整理由",
                ],
            ),
        )
    )
    fp = tables["funding_plan"]
    files.append(
        DemoFile(
            "funding_plan.csv",
            f"{DEMO_TAG}湛江市2021年固定资产投资项目资金保障计划",
            _frame(
                [
                    {
                        "项目编码": r.project_id,
                        "年份": int(r.year),
                        "资金来源": r.source,
                        "金额（万元）": float(r.amount),
                    }
                    for r in fp.itertuples()
                ],
                ["项目编码", "年份", "资金来源", "金额（万元）"],
            ),
        )
    )
    lp = tables["land_plan"]
    files.append(
        DemoFile(
            "land_plan.csv",
            f"{DEMO_TAG}湛江市2021年用地用海保障计划",
            _frame(
                [
                    {
                        "项目编码": r.project_id,
                        "项目名称": names[r.project_id],
                        "用地面积（亩）": _clean(r.land_area_mu),
                        "用海面积（公顷）": _clean(r.sea_area_ha),
                        "用地用海报批": r.approval_status,
                        "红线已下达": _yesno(r.red_line_issued),
                        "征地拆迁完成比例（%）": _clean(r.land_acquired_pct),
                        "批而未建": _yesno(r.idle_approved_land),
                    }
                    for r in lp.itertuples()
                ],
                [
                    "项目编码",
                    "项目名称",
                    "用地面积（亩）",
                    "用海面积（公顷）",
                    "用地用海报批",
                    "红线已下达",
                    "征地拆迁完成比例（%）",
                    "批而未建",
                ],
            ),
        )
    )
    sr = tables["stats_registry"]
    files.append(
        DemoFile(
            "stats_registry.csv",
            f"{DEMO_TAG}湛江市统计局 2021年计划项目统计入库情况（单位：万元）",
            _frame(
                [
                    {
                        "project_id": r.project_id,
                        "registered": _yesno(r.registered),
                        "year": int(r.year),
                        "month": int(r.month),
                        "stats_cum_completed": _clean(r.stats_cum_completed),
                    }
                    for r in sr.itertuples()
                ],
                ["project_id", "registered", "year", "month", "stats_cum_completed"],
            ),
        )
    )
    return files


def _text(v: object) -> str:
    """Format one cell for a CSV file the way Excel would save it."""
    v = _clean(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(v)


def write_csv(file: DemoFile, folder: Path) -> list[int]:
    """Write a CSV with its title line; return the Excel row of each data row."""
    n = file.frame.shape[1]
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([file.title] + [""] * (n - 1))
    w.writerow(list(file.frame.columns))
    for row in file.frame.itertuples(index=False):
        w.writerow([_text(v) for v in row])
    (folder / file.name).write_bytes(buf.getvalue().encode(file.encoding))
    return [i + 3 for i in range(len(file.frame))]


def _fix_xlsx(path: Path) -> None:
    """Rewrite an XLSX with fixed zip timestamps and document properties."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: f"{m.group(1)}{stamp}{m.group(3)}",
                    text,
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def _xl_value(v: object) -> object:
    v = _clean(v)
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)
    return v


def _num(v: object) -> float:
    v = _clean(v)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def write_projects_xlsx(file: DemoFile, folder: Path) -> list[int]:
    """Write the project ledger as a printed table; return each data row's Excel row.

    Layout: title row, ``单位：万元`` line, a header over two rows with merged
    groups, section rows per plan year and per sector carrying subtotals,
    merged county cells, a ``合计`` row and a ``注：`` note.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    frame = file.frame
    wb = Workbook()
    wb.properties.creator = LEGACY_MODULE
    wb.properties.created = FIXED_TIME
    ws = wb.active
    ws.title = file.layout.get("sheet", "projects")
    ncol = len(PROJECT_COLUMNS)
    last = get_column_letter(ncol)
    col_of = {leaf: i + 1 for i, (_g, leaf, _c) in enumerate(PROJECT_COLUMNS)}
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.cell(1, 1, file.title).font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws.cell(1, 1).alignment = center
    ws.cell(2, 1, "单位：万元").alignment = Alignment(horizontal="right")
    ws.merge_cells(f"A2:{last}2")
    # two-row header
    i = 0
    while i < ncol:
        group, leaf, _c = PROJECT_COLUMNS[i]
        if group is None:
            ws.cell(3, i + 1, leaf).alignment = center
            ws.merge_cells(start_row=3, start_column=i + 1, end_row=4, end_column=i + 1)
            i += 1
            continue
        j = i
        while j < ncol and PROJECT_COLUMNS[j][0] == group:
            ws.cell(4, j + 1, PROJECT_COLUMNS[j][1]).alignment = center
            j += 1
        ws.cell(3, i + 1, group).alignment = center
        ws.merge_cells(start_row=3, start_column=i + 1, end_row=3, end_column=j)
        i = j
    for c in range(1, ncol + 1):
        ws.cell(3, c).font = Font(bold=True)
        ws.cell(4, c).font = Font(bold=True)
    total_col, plan_col = col_of["总投资"], col_of["计划投资"]
    county_col = col_of["所属县(市、区)"]
    row = 5
    excel_rows = [0] * len(frame)
    positions = list(range(len(frame)))
    years = frame["计划年度"].tolist()
    sectors = frame["行业领域"].tolist()

    def section_row(label: str, idx: list[int]) -> None:
        nonlocal row
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
        ws.cell(row, total_col, sum(_num(frame.iloc[k]["总投资"]) for k in idx))
        ws.cell(row, plan_col, sum(_num(frame.iloc[k]["计划投资"]) for k in idx))
        row += 1

    year_order = list(dict.fromkeys(years))
    for yi, year in enumerate(year_order):
        idx_y = [k for k in positions if years[k] == year]
        section_row(f"{CN_NUM[yi]}、{year}年度计划项目（{len(idx_y)}项）", idx_y)
        sec_order = list(dict.fromkeys(sectors[k] for k in idx_y))
        for si, sector in enumerate(sec_order):
            idx_s = [k for k in idx_y if sectors[k] == sector]
            name = SECTOR_SECTION.get(str(sector), str(sector))
            section_row(f"（{CN_NUM[si]}）{name}（{len(idx_s)}项）", idx_s)
            run_start, run_value = None, None
            for n, k in enumerate(idx_s, start=1):
                rec = frame.iloc[k]
                excel_rows[k] = row
                ws.cell(row, 1, n)
                for leaf, v in rec.items():
                    c = col_of[leaf]
                    if c == county_col:
                        continue
                    cell = ws.cell(row, c, _xl_value(v))
                    if leaf in ("计划开工时间", "计划竣工时间") and isinstance(
                        cell.value, datetime
                    ):
                        cell.number_format = 'yyyy"年"m"月"'
                county = rec["所属县(市、区)"]
                if county != run_value:
                    if run_start is not None and row - 1 > run_start:
                        ws.merge_cells(
                            start_row=run_start,
                            start_column=county_col,
                            end_row=row - 1,
                            end_column=county_col,
                        )
                    ws.cell(row, county_col, county).alignment = center
                    run_start, run_value = row, county
                row += 1
            if run_start is not None and row - 1 > run_start:
                ws.merge_cells(
                    start_row=run_start,
                    start_column=county_col,
                    end_row=row - 1,
                    end_column=county_col,
                )
    ws.cell(row, 1, "合计").font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
    ws.cell(row, total_col, sum(_num(v) for v in frame["总投资"]))
    ws.cell(row, plan_col, sum(_num(v) for v in frame["计划投资"]))
    row += 1
    ws.cell(
        row,
        1,
        "注：1. 本表为DEMO演示数据，由程序按固定随机种子生成，不代表任何真实项目；"
        "2. 合计为2020、2021两个计划年度之和；"
        "3. 前期工作进展填写“未启动、办理中、已完成、不需要”；"
        "4. 取消的项目保留在台账中，年度计划投资为0、项目阶段为储备。",
    )
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
    widths = {
        "项目名称": 36,
        "建设单位": 26,
        "牵头责任单位": 16,
        "建设内容": 22,
        "所属国有企业": 18,
    }
    for (_g, leaf, _c), c in zip(PROJECT_COLUMNS, range(1, ncol + 1), strict=True):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(leaf, 11)
    ws.freeze_panes = "D5"
    path = folder / file.name
    wb.save(path)
    _fix_xlsx(path)
    return excel_rows


def write_simple_xlsx(file: DemoFile, folder: Path, note: str = "") -> list[int]:
    """Write a one-table workbook: title row, header row, data, optional note."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.properties.creator = LEGACY_MODULE
    wb.properties.created = FIXED_TIME
    ws = wb.active
    ws.title = file.layout.get("sheet", "Sheet1")
    n = file.frame.shape[1]
    ws.cell(1, 1, file.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    for c, h in enumerate(file.frame.columns, start=1):
        ws.cell(2, c, h).font = Font(bold=True)
    rows = []
    for i, rec in enumerate(file.frame.itertuples(index=False)):
        for c, v in enumerate(rec, start=1):
            ws.cell(i + 3, c, _xl_value(v))
        rows.append(i + 3)
    if note:
        ws.cell(len(file.frame) + 3, 1, note)
    ws.column_dimensions["B"].width = 26
    path = folder / file.name
    wb.save(path)
    _fix_xlsx(path)
    return rows


def write_files(files: Sequence[DemoFile], folder: Path) -> dict[str, list[int]]:
    """Write every file into ``folder``; return the Excel rows of each file's data."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[int]] = {}
    for f in files:
        if f.name == "projects.xlsx":
            rows[f.name] = write_projects_xlsx(f, folder)
        elif f.kind == "xlsx":
            rows[f.name] = write_simple_xlsx(
                f, folder, note="注：本表为DEMO演示数据，金额单位为亿元。"
            )
        else:
            rows[f.name] = write_csv(f, folder)
    return rows


# --- README --------------------------------------------------------------------------


def _ids(ids: Sequence[str], limit: int = 40) -> str:
    ids = list(ids)
    shown = ", ".join(f"`{i}`" for i in ids[:limit])
    return shown + (f" … ({len(ids)} in all)" if len(ids) > limit else "")


def county_outlook(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the designed 2021 outlook per region (for the README and tests).

    ``implied_growth_pct`` is the year-end growth the generator's two-year rate
    implies: (1 + r)^2 / (1 + 2020 growth) − 1, from levels. ``on_track`` says
    whether it reaches the region's target.
    """
    fai = tables["fai_monthly"]
    lv = fai.set_index(["region", "year", "month"])["cum_investment"]
    tg = tables["targets"].set_index("region")["target_growth_pct"]
    rows = []
    for region in (CITY, *COUNTIES):
        if region == CITY:
            y21 = sum(
                lv[(c, 2019, 12)] * (1 + TWO_YEAR_RATE_2021[c]) ** 2 for c in COUNTIES
            )
        else:
            y21 = lv[(region, 2019, 12)] * (1 + TWO_YEAR_RATE_2021[region]) ** 2
        implied = 100 * (y21 / lv[(region, 2020, 12)] - 1)
        h1 = fai[(fai.region == region) & (fai.year == 2021) & (fai.month == 6)]
        rows.append(
            {
                "region": region,
                "h1_growth_pct": float(h1["cum_growth_pct"].iloc[0]),
                "implied_growth_pct": round(float(implied), 1),
                "target_growth_pct": float(tg[region]),
                "on_track": bool(implied >= tg[region]),
            }
        )
    return pd.DataFrame(rows)


def render_readme(tables: dict[str, pd.DataFrame], scenario: dict, seed: int) -> str:
    """Write ``data/demo/README.md``: what the synthetic data contain, case by case."""
    pj = tables["projects"]
    p21 = pj[pj.plan_year == 2021]
    p20 = pj[pj.plan_year == 2020]
    key_share = (
        p21.loc[p21.is_key, "plan_investment"].sum() / p21["plan_investment"].sum()
    )
    outlook = county_outlook(tables)
    pc = scenario["plan_changes"]
    soe = tables["soe_plans"]
    ledger = p21.groupby("soe_name")["plan_investment"].sum()
    both = p21[p21.is_renewal.astype(bool) & p21.is_real_estate.astype(bool)][
        "project_id"
    ]
    ms = tables["milestones"]
    overdue = ms[(ms.due_date <= AS_OF) & ms.done_date.isna()]
    no_ms = scenario["no_milestones"]
    by_id21 = p21.set_index("project_id")

    def sensitive_gap(pid: str) -> str:
        r = by_id21.loc[pid]
        if r["funding_secured_pct"] < 80:
            return f"funding {r['funding_secured_pct']:.0f}%"
        return f"初步设计/施工图审查 {r['design_status']}"

    risky = scenario["soe_unready"]
    risky_row = by_id21.loc[risky]
    risky_soe = soe[soe.soe_name == UNREADY_SOE].set_index("kind")["investment"]
    increase = risky_soe["计划"] - risky_soe["完成"]
    at_risk = 100 * min(risky_row["plan_investment"], increase) / increase
    secure = 100 * (increase - risky_row["plan_investment"]) / risky_soe["完成"]
    lp = tables["land_plan"]
    no_red = lp[~lp.red_line_issued.astype(bool)]["project_id"]
    out = scenario["outcomes_2020"]
    stage21 = p21["stage"].value_counts()
    pr = tables["project_progress"]
    last = pr[pr.year == 2021].sort_values("month").groupby("project_id").last()
    completion = (
        p21.assign(done=p21["project_id"].map(last["cum_completed"]).fillna(0.0))
        .groupby("county")[["plan_investment", "done"]]
        .sum()
        .rename(columns={"plan_investment": "plan"})
        .reindex([*COUNTIES, CITY_LEVEL])
    )
    lines = [
        "# DEMO 演示数据 — synthetic demo data set",
        "",
        "**Everything in this folder is synthetic.** It was generated by "
        # the former module path, kept so that data/demo/README.md stays identical
        f"`python -m {LEGACY_MODULE}` (module `src/zjanalysis/demo.py`, seed {seed}); "
        "no row describes a real project, enterprise or person. Leaders are written "
        "`副市长 张某`-style; enterprise and company names are invented, except the four "
        "city SOEs named in the minutes. Every file starts with a title row containing "
        "`DEMO 演示数据`, so the loader marks the data set as demo and every report "
        "says so. Regenerate with `make demo-data`; do not edit by hand.",
        "",
        "The scale follows public figures (city FAI ≈ 1,150亿元 in 2020, about 400 "
        "plan projects in 2021) and the layout follows the office's printed tables "
        "(title row, unit line, two-row header, section rows with subtotals, a 合计 "
        "row, merged county cells, notes), so the loader is exercised as on real files.",
        "",
        "## Files",
        "",
        "| file | table | rows | format |",
        "| --- | --- | --- | --- |",
    ]
    fmt = {
        "fai_monthly": ("fai_monthly.csv", "CSV, GB18030, months written `1—6月`"),
        "targets": ("targets.csv", "CSV, UTF-8 with BOM"),
        "projects": (
            "projects.xlsx",
            "printed table: unit line `单位：万元`, two-row header, sections, 合计, 注",
        ),
        "project_progress": ("project_progress.csv", "CSV, UTF-8 with BOM"),
        "milestones": ("milestones.csv", "CSV, UTF-8 with BOM"),
        "soe_plans": ("soe_plans.xlsx", "XLSX, money in **亿元** (`在湛投资(亿元)`)"),
        "plan_changes": ("plan_changes.csv", "CSV, UTF-8 with BOM"),
        "funding_plan": ("funding_plan.csv", "CSV, UTF-8 with BOM"),
        "land_plan": ("land_plan.csv", "CSV, UTF-8 with BOM"),
        "stats_registry": (
            "stats_registry.csv",
            "CSV, UTF-8 with BOM, **English headers**",
        ),
    }
    for name, (fname, desc) in fmt.items():
        lines.append(f"| `{fname}` | `{name}` | {len(tables[name])} | {desc} |")
    lines += [
        "",
        "Money is in 万元 unless a header says otherwise. Extra columns (项目名称, "
        "建设内容, 调整理由, 备注) are for readers and are kept by the loader as extras.",
        "",
        "## fai_monthly and targets",
        "",
        "Cumulative FAI of 湛江市 and the 11 counties for every published month "
        "(1—2月 … 1—12月) of 2015–2020 and 1—2月 … 1—6月 of 2021. The counties sum to "
        f"the city (2020: {tables['targets'].iloc[0]['base_investment'] / 1e4:,.0f}亿元). "
        "Seasonality is back-loaded (1—2月 ≈ 9% of the year, 1—6月 ≈ 42%). Growth "
        "2015–2019 is 8–13% a year with noise; 2020 collapses (1—2月 ≈ −29%, 1—3月 ≈ "
        "−14%) and recovers to ≈ +7% for the year; 2021 rebounds on that low base "
        "(1—2月 ≈ +60%, falling to ≈ +20–25% by 1—6月).",
        "",
        "**Published growth ≠ growth from levels.** `累计同比增长` is the bureau's "
        "published figure on a comparable basis; it exceeds the growth computed from "
        "the levels by 0–3 points (one restatement per region and year, ±0.15 noise), "
        "because the bureau revises the previous year's level. Treat the published "
        "rate as official.",
        "",
        "2021 targets (`targets.csv`): +20% for the city and the counties, +25% for "
        "湛江奋勇高新区; `上年完成投资` = the 2020 level. The 2021 path is driven by a "
        "two-year average growth rate per county; the designed outlook:",
        "",
        "| region | 1—6月 growth (published) | year-end growth implied by design | target | on track |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in outlook.itertuples():
        lines.append(
            f"| {r.region} | {r.h1_growth_pct:+.1f}% | {r.implied_growth_pct:+.1f}% | "
            f"{r.target_growth_pct:.0f}% | {'yes' if r.on_track else '**no**'} |"
        )
    lines += [
        "",
        f"The city's first half shows {outlook.iloc[0]['h1_growth_pct']:+.1f}%, but on "
        "the two-year basis it is heading for about "
        f"{outlook.iloc[0]['implied_growth_pct']:+.0f}%, below the target: the base "
        "effect the forecast must see.",
        "",
        "## projects (plan years 2020 and 2021)",
        "",
        f"- 2021: {len(p21)} projects, {int(p21.is_key.sum())} key; plan "
        f"{p21.plan_investment.sum() / 1e4:,.1f}亿元, key projects "
        f"{p21.loc[p21.is_key, 'plan_investment'].sum() / 1e4:,.1f}亿元 = "
        f"**{100 * key_share:.1f}%** of the plan, well below the two thirds the "
        "minutes ask for (三(一)): the 2/3 check shows a real gap.",
        "- 2021 stages: " + ", ".join(f"{k} {v}" for k, v in stage21.items()) + ".",
        f"- 2020: {len(p20)} projects, {int(p20.is_key.sum())} key; plan "
        f"{p20.plan_investment.sum() / 1e4:,.1f}亿元.",
        "- All 11 counties plus 市直; departments from the minutes' list (plus "
        "市卫生健康局 and 湛江供电局); sectors 产业, 基础设施, 能源, 民生, 城市更新, "
        "房地产, 农林水利. Every key project names 分管市领导, 牵头责任单位, "
        "分管行业部门 and 建设单位.",
        "- Readiness fields are spread by stage: 续建/竣工 fully done; 新开工 mostly "
        "ready or close; 预备 needs pre-work; 储备 mostly reserve only.",
        "- Mature reserve projects, the next batch (report 20; not in the 2021 plan, "
        f"plan money 0, planned start {RESERVE_START}): "
        + ", ".join(f"`{pid}`" for pid in scenario["reserve_ready"])
        + ". Cancelled projects are never made ready.",
        "- On the release line (readiness robustness): further 2021 储备 projects "
        "with the same pre-work, each with one gap: "
        + "; ".join(
            f"`{pid}` {sensitive_gap(pid)}" for pid in scenario["weight_sensitive"]
        )
        + ". With the default weights 初步设计/施工图审查 未启动 or 40% of the money scores exactly "
        "90, the ready line, and 35% scores 88.75; perturbing the weights by ±25% "
        "puts each in the next batch in roughly a quarter to a half of the draws, "
        "so each is flagged weight-sensitive.",
        f"- 三旧 projects that are also flagged as real estate (double counting, "
        f"clause 五): {_ids(both)}.",
        f"- Cancelled in 2021 (kept in the ledger with plan 0, stage 储备): "
        f"{_ids(pc['ok_cancel'] + pc['violation_cancel_no_ref'])}.",
        "",
        "### Synthetic outcomes for the readiness evidence",
        "",
        f"The {len(out)} projects planned to start in 2020 (stage 新开工 in the 2020 "
        "plan) have an actual start in `project_progress` (`实际开工时间`). Whether a "
        "project started on time was drawn from a logistic model of its 2020 plan "
        "row, with these **true coefficients** (logit scale; a status counts as met "
        "when it is 已完成 or 不需要; shares are 0..1):",
        "",
        "| term | coefficient |",
        "| --- | --- |",
    ]
    for k, v in START_MODEL.items():
        lines.append(f"| {k} | {v:+.1f} |")
    lines += [
        "",
        "An on-time project starts within −20…+25 days of its planned start; a late "
        "one 60–400 days after it (some only in 2021). So *on time = started no later "
        "than 30 days after the planned start* separates the two exactly. "
        f"{int(out.on_time.sum())} of {len(out)} started on time. Land pre-review, "
        "approval (立项) and the funding share matter most; the energy review "
        "(节能审查) does not matter at all. These outcomes are synthetic: a report "
        "that fits them must say so.",
        "",
        "## project_progress, milestones",
        "",
        "Cumulative completed investment (year to date) for every project under "
        "construction: 2020 months 1..12, 2021 months 1..6 (0 before a new project "
        "starts). Execution differs by design: 吴川市, 坡头区 and 徐闻县 run at "
        "60–72% of the seasonal pace, 雷州市 at 85%; 市城市更新局 projects at 65%; "
        "the projects of 市交通投资集团 at 45% (so 市交通运输局 lags too); the other "
        "SOEs' projects at 110%. Share of the 2021 plan completed in 1—6月 "
        "(last report; the normal seasonal share is about 42%):",
        "",
        "| county | plan (亿元) | completed 1—6月 (亿元) | share |",
        "| --- | --- | --- | --- |",
        *[
            f"| {c} | {r['plan'] / 1e4:,.1f} | {r['done'] / 1e4:,.1f} | "
            f"{100 * r['done'] / r['plan']:.0f}% |"
            for c, r in completion.iterrows()
        ],
        "",
        f"- No progress reported for 2021-06 (rows for 1..5 only): "
        f"{_ids(scenario['no_report_june'])}.",
        f"- Milestones: {len(ms)} for {ms.project_id.nunique()} key projects; "
        f"{len(overdue)} are due by 2021-06-30 and not done. Key project "
        f"`{no_ms}` ({p21.set_index('project_id').at[no_ms, 'name']}, 新开工) has "
        "no node targets at all: the key-project record check (三(一)) fails on it. "
        "It names its four parties; missing node targets are not a loading error.",
        "",
        "## soe_plans (money in 亿元)",
        "",
        "| enterprise | case | 2020 完成 (亿元) | 2021 计划 (亿元) | ledger 2021 plan (亿元) |",
        "| --- | --- | --- | --- | --- |",
    ]
    case_zh = {
        "pass": "passes +20% (+28%), backed by its projects, on pace",
        "fail_behind": "fails (+11.8%); backed; **behind** in year-to-date execution",
        "exact": "exactly +20.0% (must pass)",
        "no_base": "no 2020 base (no 完成 row): report 'no base'",
        "unbacked": "passes growth, but the declared plan is ≈ 2.6× its ledger projects",
        "no_plan": "has projects in the ledger, declared no plan",
        "no_projects": "declared a plan, has no project in the ledger",
    }
    for name, case in SOE_CASES.items():
        s = soe[soe.soe_name == name]
        base = s.loc[s.kind == "完成", "investment"]
        plan = s.loc[s.kind == "计划", "investment"]
        base_txt = f"{base.iloc[0] / 1e4:.2f}" if len(base) else "—"
        plan_txt = f"{plan.iloc[0] / 1e4:.2f}" if len(plan) else "—"
        lines.append(
            f"| {name} | {case_zh[case]} | {base_txt} | {plan_txt} | "
            f"{ledger.get(name, 0) / 1e4:.2f} |"
        )
    lines += [
        "",
        f"Growth at risk: {UNREADY_SOE}'s ledger includes `{risky}` "
        f"({risky_row['name']}, 新开工, {risky_row['plan_investment'] / 1e4:.2f}亿元 in "
        f"2021), whose 环评 is {risky_row['eia_status']}, 施工许可 "
        f"{risky_row['permit_status']} and funding {risky_row['funding_secured_pct']:.0f}%"
        " secured: it is not ready to release, and it carries "
        f"{at_risk:.0f}% of the enterprise's planned increase; without it the growth "
        f"is {secure:+.1f}%, not +20%. Every other SOE project is under "
        "construction and ready.",
        "",
        "## plan_changes (clause 七, 许增不许减)",
        "",
        "The ledger holds the current, post-change 2021 plan; each change's "
        "`调整后计划投资` equals the ledger value.",
        f"- fine: 新增 by 市发展改革局 {_ids(pc['ok_addition'])}; 调增 by 市发展改革局 "
        f"{_ids(pc['ok_increase'])}; 调减 with a city leader and a document number "
        f"{_ids(pc['ok_cut'])}; 调整 likewise {_ids(pc['ok_change'])}; 取消 likewise "
        f"{_ids(pc['ok_cancel'])}.",
        f"- **violation**, cut approved only by 市发展改革局: "
        f"{_ids(pc['violation_cut_bureau_only'])}.",
        f"- **violation**, cancellation without a document number: "
        f"{_ids(pc['violation_cancel_no_ref'])}.",
        f"- **violation**, change with no approver: {_ids(pc['violation_change_no_approver'])}.",
        "",
        "## funding_plan, land_plan, stats_registry",
        "",
        f"- Funding (2021): most projects funded at 100–120% of plan; exactly at plan "
        f"({len(scenario['funding']['exact'])}): {_ids(scenario['funding']['exact'], 5)}; "
        f"short, 40–90% ({len(scenario['funding']['short'])}): "
        f"{_ids(scenario['funding']['short'], 5)}; no entry: "
        f"{_ids(scenario['funding']['missing'])}.",
        "- Land: a project needs land when its `用地预审与选址` is not 不需要; such "
        "2021 projects have a land-plan entry except "
        f"{_ids(scenario['land']['missing'])}. Red line not issued: {len(no_red)} "
        f"entries. Idle approved land (批而未建): {_ids(scenario['land']['idle'])}.",
        "- Statistics registry (2021 months 1..6): every project reporting progress "
        "has rows; projects not yet started are not registered (是否入库 否); started "
        f"but not registered: {_ids(scenario['stats']['unregistered'])}; registered "
        "with figures 20–30% off `project_progress`: "
        f"{_ids(scenario['stats']['differ'])}; others within ±5%.",
        "",
        "## data/demo-dirty",
        "",
        "The same files with a deliberate sprinkling of realistic mistakes, listed in "
        "`data/demo-dirty/PLANTED.csv` (file, Excel row counting the title row, "
        "column as written, check, description). `zjanalysis validate` must report "
        "each of them.",
        "",
    ]
    return "\n".join(lines)


# --- demo-dirty: the planted mistakes ----------------------------------------------

PLANTED_COLUMNS: tuple[str, ...] = ("file", "row", "column", "check", "description")


@dataclass
class _Planted:
    file: str
    pos: int  # position in the file's frame (-1: the header row)
    column: str
    check: str
    description: str


class _Dirty:
    """Edit the files' frames and keep track of where each mistake ends up."""

    def __init__(self, files: Sequence[DemoFile]) -> None:
        self.files = {
            f.name: DemoFile(
                f.name, f.title, f.frame.copy(), f.kind, f.encoding, f.layout
            )
            for f in files
        }
        self.planted: list[_Planted] = []

    def find(self, name: str, **where: object) -> int:
        frame = self.files[name].frame
        mask = np.ones(len(frame), dtype=bool)
        for col, value in where.items():
            mask &= (frame[col] == value).to_numpy()
        hits = np.flatnonzero(mask)
        if not len(hits):
            raise LookupError(f"{name}: no row with {where}")
        return int(hits[0])

    def set(
        self, name: str, pos: int, column: str, value: object, check: str, zh: str
    ) -> None:
        self.files[name].frame.iat[
            pos, self.files[name].frame.columns.get_loc(column)
        ] = value
        self.planted.append(_Planted(name, pos, column, check, zh))

    def insert_after(self, name: str, pos: int, record: dict) -> int:
        f = self.files[name]
        top, bottom = f.frame.iloc[: pos + 1], f.frame.iloc[pos + 1 :]
        new = pd.DataFrame([record], columns=f.frame.columns, dtype=object)
        f.frame = pd.concat([top, new, bottom], ignore_index=True)
        for p in self.planted:
            if p.file == name and p.pos > pos:
                p.pos += 1
        return pos + 1


def plant_mistakes(files: Sequence[DemoFile]) -> tuple[list[DemoFile], list[_Planted]]:
    """Return copies of ``files`` with the planted mistakes, and where they are.

    One or more mistake for each check of the validator: unit mix-up, negative
    money, percentage over 100, month 13, finish before start, key project
    without 分管市领导, unknown project id, duplicate keys, unknown status and
    change type, text in a number column, unparseable dates, unknown county, a
    FAI row with neither value, a bad 是/否 and a missing required column.
    """
    d = _Dirty(files)
    pj = d.files["projects.xlsx"].frame
    p21 = pj[pj["计划年度"] == 2021]

    def pick(mask: pd.Series) -> int:
        return int(np.flatnonzero(mask.to_numpy())[0])

    # a project written in 元 instead of 万元: pick one near its peers' median
    peers = p21[
        (p21["项目阶段"] == "续建")
        & (p21["行业领域"] == "产业")
        & (p21["是否重点项目"] == "否")
    ]
    plan = peers["计划投资"].astype(float)
    target = peers.index[int((plan - plan.median()).abs().to_numpy().argmin())]
    pos = int(target)
    pid = pj.at[pos, "项目编码"]
    for col in ("总投资", "计划投资"):
        yuan = float(pj.at[pos, col]) * 10_000
        d.set(
            "projects.xlsx",
            pos,
            col,
            yuan,
            "unit_mixup",
            f"项目{pid}的{col}按“元”填写（{yuan:,.0f}），约为同类项目的一万倍，应为万元",
        )
    key = p21[(p21["是否重点项目"] == "是") & (p21["项目阶段"] == "续建")]
    pos = int(key.index[3])
    d.set(
        "projects.xlsx",
        pos,
        "分管市领导",
        None,
        "key_project_party_missing",
        f"重点项目{pj.at[pos, '项目编码']}未填分管市领导",
    )
    new = p21[(p21["项目阶段"] == "新开工") & p21["计划竣工时间"].notna()]
    pos = int(new.index[2])
    fin = pj.at[pos, "计划竣工时间"]
    start = pj.at[pos, "计划开工时间"]
    wrong = date(start.year - 1, fin.month, 1)
    d.set(
        "projects.xlsx",
        pos,
        "计划竣工时间",
        wrong,
        "finish_before_start",
        f"计划竣工时间{wrong:%Y年%m月}早于计划开工时间{start:%Y年%m月}（年份笔误）",
    )
    pos = int(new.index[5])
    d.set(
        "projects.xlsx",
        pos,
        "计划开工时间",
        "2021年下半年",
        "bad_date",
        "计划开工时间写成“2021年下半年”，不是日期",
    )
    pos = int(p21[p21["所属县(市、区)"] == "湛江经开区"].index[1])
    d.set(
        "projects.xlsx",
        pos,
        "所属县(市、区)",
        "湛江开发区",
        "unknown_county",
        "县(市、区)写成旧称“湛江开发区”，不在11个县(市、区)名单中",
    )
    pos = int(new.index[8])
    d.set(
        "projects.xlsx",
        pos,
        "环评批复",
        "已批",
        "bad_enum",
        "环评批复填“已批”，不是允许的取值（未启动/办理中/已完成/不需要）",
    )
    pos = int(new.index[11])
    d.set(
        "projects.xlsx",
        pos,
        "资金落实比例(%)",
        120,
        "pct_out_of_range",
        "资金落实比例填120%，超过100",
    )
    cont = p21[(p21["项目阶段"] == "续建") & (p21["是否重点项目"] == "否")]
    pos = int(cont.index[10])
    dup = d.insert_after(
        "projects.xlsx", pos, d.files["projects.xlsx"].frame.iloc[pos].to_dict()
    )
    d.planted.append(
        _Planted(
            "projects.xlsx",
            dup,
            "项目编码",
            "duplicate_key",
            f"项目{pj.at[pos, '项目编码']}在2021年计划中重复录入两行",
        )
    )

    # project_progress
    name = "project_progress.csv"
    pr = d.files[name].frame
    ids21 = list(
        dict.fromkeys(
            pr.loc[(pr["年份"] == 2021) & (pr["累计完成投资（万元）"] > 0), "项目编码"]
        )
    )
    pos = d.find(name, 项目编码=ids21[4], 年份=2021, 月份=3)
    d.set(
        name,
        pos,
        "累计完成投资（万元）",
        "约500",
        "bad_number",
        "累计完成投资填“约500”，数字列中有文字",
    )
    ids20 = list(dict.fromkeys(pr.loc[pr["年份"] == 2020, "项目编码"]))
    pos = d.find(name, 项目编码=ids20[7], 年份=2020, 月份=12)
    d.set(name, pos, "月份", 13, "month_out_of_range", "月份填13（应为12）")
    pos = d.find(name, 项目编码=ids21[9], 年份=2021, 月份=2)
    bad_id = str(ids21[9]).replace("0", "O", 1)
    d.set(
        name,
        pos,
        "项目编码",
        bad_id,
        "unknown_project",
        f"项目编码“{bad_id}”把数字0写成字母O，台账中没有这个项目",
    )
    pos = d.find(name, 项目编码=ids21[14], 年份=2021, 月份=4)
    rec = d.files[name].frame.iloc[pos].to_dict()
    rec["累计完成投资（万元）"] = float(rec["累计完成投资（万元）"]) + 1_000
    dup = d.insert_after(name, pos, rec)
    d.planted.append(
        _Planted(
            name,
            dup,
            "项目编码",
            "duplicate_key",
            f"项目{ids21[14]} 2021年4月报了两行，数值不同",
        )
    )

    # other files
    name = "funding_plan.csv"
    pos = 20
    amount = float(d.files[name].frame.iat[pos, 3])
    d.set(name, pos, "金额（万元）", -amount, "negative_money", "资金金额为负数")
    name = "milestones.csv"
    pos = 15
    d.set(
        name,
        pos,
        "计划完成时间",
        "2021-02-30",
        "bad_date",
        "计划完成时间“2021-02-30”不存在",
    )
    name = "fai_monthly.csv"
    pos = d.find(name, 地区="徐闻县", 年份=2018, 月份="1—9月")
    d.set(
        name,
        pos,
        "累计完成投资（万元）",
        None,
        "fai_no_value",
        "该月累计完成投资和累计增长均未填",
    )
    d.files[name].frame.iat[pos, 4] = None
    name = "land_plan.csv"
    pos = 30
    d.set(
        name,
        pos,
        "征地拆迁完成比例（%）",
        105,
        "pct_out_of_range",
        "征地拆迁完成比例填105%，超过100",
    )
    name = "plan_changes.csv"
    pos = d.find(name, 调整类型="调减")
    d.set(name, pos, "调整类型", "减少", "bad_enum", "调整类型填“减少”，应为“调减”")
    name = "stats_registry.csv"
    pos = 40
    d.set(name, pos, "registered", "待定", "bad_bool", "是否入库填“待定”，应为是或否")
    name = "soe_plans.xlsx"
    so = d.files[name].frame
    pos = d.find(name, 企业名称="市交通投资集团", 类型="计划")
    rec = so.iloc[pos].to_dict()
    rec["在湛投资(亿元)"] = round(float(rec["在湛投资(亿元)"]) * 1.1, 2)
    rec["备注"] = "调整后"
    dup = d.insert_after(name, pos, rec)
    d.files[name].frame["序号"] = range(1, len(d.files[name].frame) + 1)
    d.planted.append(
        _Planted(
            name,
            dup,
            "企业名称",
            "duplicate_key",
            "市交通投资集团2021年计划报了两行（调整前、调整后）",
        )
    )
    name = "targets.csv"
    d.files[name].frame = d.files[name].frame.drop(columns="年份")
    d.planted.append(_Planted(name, -1, "年份", "missing_column", "目标表缺少“年份”列"))
    return list(d.files.values()), d.planted


def write_dirty(files: Sequence[DemoFile], folder: Path) -> pd.DataFrame:
    """Write ``data/demo-dirty`` and its ``PLANTED.csv``; return the planted list.

    ``PLANTED.csv`` gives, per mistake, the file, the row as the user sees it in
    Excel (title row counted; empty for a missing column), the column
    header as written, the validator's check code and a description in Chinese.
    """
    dirty_files, planted = plant_mistakes(files)
    rows = write_files(dirty_files, folder)
    records = []
    for p in planted:
        if p.pos < 0:  # a missing column has no row
            row = None
        else:
            row = rows[p.file][p.pos]
        records.append(
            {
                "file": p.file,
                "row": row,
                "column": p.column,
                "check": p.check,
                "description": p.description,
            }
        )
    table = pd.DataFrame(records, columns=list(PLANTED_COLUMNS))
    table["row"] = table["row"].astype("Int64")
    table = table.sort_values(["file", "row", "column"]).reset_index(drop=True)
    table.to_csv(
        folder / "PLANTED.csv", index=False, encoding="utf-8-sig", lineterminator="\r\n"
    )
    lines = [
        "# DEMO 演示数据 (dirty) — synthetic data with planted mistakes",
        "",
        "A copy of `data/demo` (synthetic, see `data/demo/README.md`) with "
        f"{len(table)} deliberate, realistic mistakes, one or more for each check of "
        "the validator. `PLANTED.csv` lists them: file, row as seen in Excel (title "
        "row counted; empty for a missing column), column header as written, the "
        "validator's check code, and a description in Chinese. "
        "`zjanalysis validate data/demo-dirty` must exit 1 and report every one.",
        "",
        "| file | row | column | check | 说明 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in table.itertuples():
        row = "" if pd.isna(r.row) else int(r.row)
        lines.append(
            f"| {r.file} | {row} | {r.column} | `{r.check}` | {r.description} |"
        )
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return table


# --- data/demo-history -----------------------------------------------------------------


def history_outlook(fai: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Return the per-region story of ``data/demo-history`` (README and tests).

    Year-end published growth 2019–2022, 2022 growth from levels, the 2022
    target and whether it was met, and the latest (2023) published growth.
    """
    end_year, end_month = HISTORY_END
    g = fai.set_index(["region", "year", "month"])["cum_growth_pct"]
    lv = fai.set_index(["region", "year", "month"])["cum_investment"]
    tg = targets.set_index(["region", "year"])["target_growth_pct"]
    rows = []
    for region in (CITY, *COUNTIES):
        rec: dict[str, object] = {"region": region}
        for year in (2019, 2020, 2021, 2022):
            rec[f"growth_{year}_pct"] = float(g[(region, year, 12)])
        rec["levels_2022_pct"] = round(
            100 * (lv[(region, 2022, 12)] / lv[(region, 2021, 12)] - 1), 1
        )
        rec["target_2022_pct"] = float(tg[(region, 2022)])
        rec["met_2022"] = bool(rec["growth_2022_pct"] >= rec["target_2022_pct"])
        rec["latest_pct"] = float(g[(region, end_year, end_month)])
        rec["target_latest_pct"] = float(tg[(region, end_year)])
        rows.append(rec)
    return pd.DataFrame(rows)


def render_history_readme(fai: pd.DataFrame, targets: pd.DataFrame, seed: int) -> str:
    """The README of ``data/demo-history``: what it is and what to run on it."""
    end_year, end_month = HISTORY_END
    latest = f"{end_year}年{month_label(end_month)}"
    out = history_outlook(fai, targets)
    city = out.iloc[0]
    first_year = int(fai["year"].min())
    lines = [
        "# DEMO 演示数据 (history) — synthetic statistics to "
        f"{end_year}-{end_month:02d}",
        "",
        "**Everything in this folder is synthetic.** It is written by "
        f"`tools/make_demo_data.py` (seed {seed}, `make demo-data`) next to "
        "`data/demo`; do not edit by hand. Every file starts with a title row "
        "containing `DEMO 演示数据`.",
        "",
        "A **statistics-only** folder: `fai_monthly` (city and 11 counties, every "
        f"published month from {first_year} 1—2月 to {latest}) and `targets` for "
        f"{' and '.join(str(y) for y in HISTORY_TARGET_YEARS)}. There is no "
        "project ledger, so the forecast and its backtest conclude and every "
        "other report says 数据不足. Its rows up to 2021年1—6月 are exactly "
        "`data/demo`'s; the later months are drawn from a stream of their own, "
        "so `data/demo` does not change.",
        "",
        "## What the years show",
        "",
        "- 2020: the collapse early in the year and the recovery (as in `data/demo`).",
        "- 2021: the rebound on that low base, completed to each county's designed "
        "two-year path: the year end from levels is the one `data/demo/README.md` "
        "gives as implied by design.",
        "- 2022: **normal growth on an abnormal base**. Each county's growth "
        "resumes its pre-2020 random walk (centre "
        f"{GROWTH_CENTRE_LATER:.1%}, a step common to the city); the city's "
        "seasonal drift goes on year by year from 2019, so 2022's shape is "
        "three years' drift from its last normal base, plus each county's own "
        "shift. The cumulative growth starts high "
        "because 2021's first months were damped "
        f"(湛江市 1—2月 {float(fai.query('region == @CITY and year == 2022 and month == 2')['cum_growth_pct'].iloc[0]):+.1f}%, "
        f"year {city['growth_2022_pct']:+.1f}%): stacking onto 2021 carries the "
        "rebound into 2022, stacking back to 2019 (three years) does not.",
        f"- {end_year}: normal, 1—2月 … {month_label(end_month)}.",
        "",
        "Published growth = growth from levels + 0–3 points of restatement per "
        "region and year, as in `data/demo`.",
        "",
        "Targets: +10% in 2022 and 2023 for the city and the counties (+15% for "
        "湛江奋勇高新区), a normal year's target after the +20% set for the 2021 "
        "rebound; `上年完成投资` = the previous year's level.",
        "",
        f"| region | 2019 | 2020 | 2021 | 2022 | 2022 target | met | {latest} |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in out.itertuples():
        lines.append(
            f"| {r.region} | {r.growth_2019_pct:+.1f}% | {r.growth_2020_pct:+.1f}% | "
            f"{r.growth_2021_pct:+.1f}% | {r.growth_2022_pct:+.1f}% | "
            f"{r.target_2022_pct:.0f}% | {'yes' if r.met_2022 else '**no**'} | "
            f"{r.latest_pct:+.1f}% |"
        )
    lines += [
        "",
        "(Published year-end growth, 1—12月.)",
        "",
        "## Commands",
        "",
        "```",
        f"zjanalysis forecast data/demo-history --year {end_year} "
        f"--as-of {end_year}-{end_month:02d} --all-regions",
        "zjanalysis forecast data/demo-history --year 2022 --as-of 2022-06",
        "zjanalysis backtest data/demo-history            "
        "# scores 2020 (shock), 2021 (abnormal base), 2022 (stacked)",
        f"make report DATA=data/demo-history YEAR={end_year} "
        f"AS_OF={end_year}-{end_month:02d}",
        "```",
        "",
    ]
    return "\n".join(lines)


def write_history(folder: Path, seed: int = SEED) -> Path:
    """Write ``data/demo-history`` (``fai_monthly``, ``targets``, README) into ``folder``."""
    fai, targets = generate_fai_history(seed)
    if folder.exists():
        shutil.rmtree(folder)
    write_files([fai_file(fai), targets_file(targets)], folder)
    (folder / "README.md").write_text(
        render_history_readme(fai, targets, seed), encoding="utf-8"
    )
    return folder


# --- command line --------------------------------------------------------------------


def write_demo(out: Path, seed: int = SEED) -> dict[str, Path]:
    """Generate and write ``out/demo``, ``out/demo-dirty`` and ``out/demo-history``.

    Parameters
    ----------
    out : Path
        The data folder (``data``); the three folders are replaced.
    seed : int, default 2021
        Seed of the generator.

    Returns
    -------
    dict of str to Path
        ``{"demo": …, "demo-dirty": …, "demo-history": …}``.
    """
    tables, scenario = generate_demo(seed)
    files = build_files(tables)
    demo = Path(out) / "demo"
    if demo.exists():
        shutil.rmtree(demo)
    write_files(files, demo)
    (demo / "README.md").write_text(
        render_readme(tables, scenario, seed), encoding="utf-8"
    )
    paths = {"demo": demo}
    dirty = Path(out) / "demo-dirty"
    if dirty.exists():
        shutil.rmtree(dirty)
    write_dirty(files, dirty)
    paths["demo-dirty"] = dirty
    paths["demo-history"] = write_history(Path(out) / "demo-history", seed)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python tools/make_demo_data.py [--out data] [--seed 2021]``."""
    from zjanalysis.paths import DATA_DIR

    parser = argparse.ArgumentParser(
        prog="python tools/make_demo_data.py",
        description="生成DEMO演示数据 / write the synthetic demo data set",
    )
    parser.add_argument(
        "--out", type=Path, default=DATA_DIR, help="data folder (default: data)"
    )
    parser.add_argument(
        "--seed", type=int, default=SEED, help=f"random seed (default {SEED})"
    )
    args = parser.parse_args(argv)
    paths = write_demo(args.out, args.seed)
    for name, path in paths.items():
        n = len([p for p in path.iterdir() if p.is_file()])
        print(f"{name}: {n} files in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
