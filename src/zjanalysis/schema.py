"""Define the tables of the data contract: canonical names, Chinese headers, types.

This module is the single place where the data contract (``DATA-CONTRACT.md`` v1)
lives in code. The loader (:mod:`zjanalysis.io`), the validator
(:mod:`zjanalysis.validation`), the demo-data generator and the data dictionary
all read it; nothing else should spell a column name or an allowed value again.

Canonical frames (what :func:`zjanalysis.io.load_dataset` returns) have:

- one column per contract column, named by ``Column.name``, in contract order,
  even when the file lacked an optional column (then all missing);
- dtypes by ``Column.kind``:

  ========  ==========================  =========================================
  kind      dtype                       notes
  ========  ==========================  =========================================
  text      ``str`` (pandas 3 string)   stripped; missing is NaN
  int       ``Int64``                   year, plan_year
  month     ``Int64``                   1..12; ``1—6月``/``6月``/``6`` all mean 6
  money     ``float64``                 always in 万元 (10^4 yuan)
  float     ``float64``                 growth rates in percent
  pct       ``float64``                 a share in percent, 0..100
  area      ``float64``                 mu or hectares
  date      ``datetime64[ns]``          day precision; ``2021年3月`` is 2021-03-01
  bool      ``boolean``                 是/否
  enum      ``str``                     the canonical Chinese value
  ========  ==========================  =========================================

- then any extra columns the file carried (kept as text, header as written);
- then provenance columns: ``section`` (the section row above the data row, for
  printed tables, else NaN), ``_source`` (file name, with ``#sheet`` for
  workbooks) and ``_row`` (the row number the user sees in Excel or a text
  editor, header = row 1 for a plain file).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# --- domain vocabularies ---------------------------------------------------------

#: The 11 county-level units named in the minutes, in the order the city lists them.
COUNTIES: tuple[str, ...] = (
    "赤坎区",
    "霞山区",
    "麻章区",
    "坡头区",
    "雷州市",
    "廉江市",
    "吴川市",
    "遂溪县",
    "徐闻县",
    "湛江经开区",
    "湛江奋勇高新区",
)
#: Projects managed at city level (市直) rather than by a county.
CITY_LEVEL = "市直"
#: The region name of the whole city in ``fai_monthly`` and ``targets``.
CITY = "湛江市"
#: Other names a statistics table gives the whole city.
CITY_ALIASES: tuple[str, ...] = ("全市", "湛江全市", "湛江")
#: The four city state-owned enterprises named in the minutes.
SOES: tuple[str, ...] = (
    "市基础设施建设投资集团",
    "市交通投资集团",
    "市水务投资集团",
    "市旅游投资集团",
)

#: The sectors (行业领域) the key-project plan is grouped by, in the plan's order.
SECTORS: tuple[str, ...] = (
    "产业",
    "基础设施",
    "能源",
    "民生",
    "城市更新",
    "房地产",
    "农林水利",
)
#: What a plan's section heading calls each sector (``一、交通基础设施项目（6项）``
#: is 基础设施): the heading's text without its number, count and 项目/类 ending.
SECTOR_ALIASES: dict[str, str] = {
    **{s: s for s in SECTORS},
    "工业": "产业",
    "制造业": "产业",
    "先进制造业": "产业",
    "现代产业": "产业",
    "现代服务业": "产业",
    "服务业": "产业",
    "产业发展": "产业",
    "交通": "基础设施",
    "交通基础设施": "基础设施",
    "交通运输": "基础设施",
    "市政": "基础设施",
    "市政基础设施": "基础设施",
    "城市基础设施": "基础设施",
    "新型基础设施": "基础设施",
    "新基建": "基础设施",
    "能源基础设施": "能源",
    "新能源": "能源",
    "电力": "能源",
    "社会事业": "民生",
    "民生和社会事业": "民生",
    "民生及社会事业": "民生",
    "社会民生": "民生",
    "民生保障": "民生",
    "三旧改造": "城市更新",
    "城市更新(三旧改造)": "城市更新",
    "房地产开发": "房地产",
    "农业农村和水利": "农林水利",
    "农业农村及水利": "农林水利",
    "农业农村": "农林水利",
    "农业": "农林水利",
    "水利": "农林水利",
    "农林水": "农林水利",
    "乡村振兴": "农林水利",
}

STAGES: tuple[str, ...] = ("储备", "预备", "新开工", "续建", "竣工")
STATUS_VALUES: tuple[str, ...] = ("未启动", "办理中", "已完成", "不需要")
SOE_KINDS: tuple[str, ...] = ("计划", "完成")
CHANGE_TYPES: tuple[str, ...] = ("新增", "调增", "调减", "调整", "取消")
FUNDING_SOURCES: tuple[str, ...] = (
    "财政预算",
    "专项债",
    "银行贷款",
    "企业自筹",
    "其他",
)

#: Accepted spellings of enum values, mapped to the canonical value.
#: Keys are compared after stripping spaces and lower-casing.
ENUM_ALIASES: dict[str, dict[str, str]] = {
    "stage": {
        "储备": "储备",
        "reserve": "储备",
        "预备": "预备",
        "前期预备": "预备",
        "前期": "预备",
        "preparatory": "预备",
        "pre-work": "预备",
        "新开工": "新开工",
        "计划新开工": "新开工",
        "new": "新开工",
        "new start": "新开工",
        "续建": "续建",
        "在建": "续建",
        "continuing": "续建",
        "ongoing": "续建",
        "竣工": "竣工",
        "投产": "竣工",
        "竣工(投产)": "竣工",
        "竣工投产": "竣工",
        "completed": "竣工",
    },
    "status": {
        "未启动": "未启动",
        "未开始": "未启动",
        "not started": "未启动",
        "办理中": "办理中",
        "在办": "办理中",
        "in progress": "办理中",
        "已完成": "已完成",
        "完成": "已完成",
        "已办结": "已完成",
        "done": "已完成",
        "completed": "已完成",
        "不需要": "不需要",
        "无需": "不需要",
        "不涉及": "不需要",
        "not required": "不需要",
        "n/a": "不需要",
    },
    "soe_kind": {
        "计划": "计划",
        "计划数": "计划",
        "计划投资": "计划",
        "plan": "计划",
        "完成": "完成",
        "实际": "完成",
        "实际完成": "完成",
        "完成数": "完成",
        "完成投资": "完成",
        "actual": "完成",
    },
    "change_type": {
        "新增": "新增",
        "add": "新增",
        "addition": "新增",
        "调增": "调增",
        "increase": "调增",
        "调减": "调减",
        "decrease": "调减",
        "cut": "调减",
        "调整": "调整",
        "change": "调整",
        "取消": "取消",
        "cancel": "取消",
        "删除": "取消",
    },
    "funding_source": {
        "财政预算": "财政预算",
        "财政资金": "财政预算",
        "budget": "财政预算",
        "专项债": "专项债",
        "地方政府专项债券": "专项债",
        "专项债券": "专项债",
        "专项债券资金": "专项债",
        "special bonds": "专项债",
        "银行贷款": "银行贷款",
        "贷款": "银行贷款",
        "银行贷款资金": "银行贷款",
        "bank loan": "银行贷款",
        "企业自筹": "企业自筹",
        "自筹": "企业自筹",
        "自筹资金": "企业自筹",
        "企业自筹资金": "企业自筹",
        "self-raised": "企业自筹",
        "其他": "其他",
        "other": "其他",
    },
}
BOOL_ALIASES: dict[str, bool] = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "√": True,
    "✓": True,
    "✔": True,
    "×": False,
    "✗": False,
    "✘": False,
}


# --- table definitions -----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    zh: str
    kind: str
    required: bool = True
    enum: str | None = None  # key into ENUM_ALIASES for kind == "enum"
    aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_money(self) -> bool:
        return self.kind == "money"


@dataclass(frozen=True)
class Table:
    """One table of the data contract."""

    name: str
    zh: str
    provider: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}")


def _c(name: str, zh: str, kind: str, required: bool = True, **kw) -> Column:
    return Column(name=name, zh=zh, kind=kind, required=required, **kw)


_STATUS = {"kind": "enum", "enum": "status"}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "fai_monthly",
            "固定资产投资月度累计",
            "市统计局",
            (
                _c("region", "地区", "text", aliases=("地 区", "区域")),
                _c("year", "年份", "int", aliases=("年度",)),
                _c(
                    "month",
                    "月份",
                    "month",
                    aliases=("月度", "期间", "时间", "统计时间", "报告期", "统计期"),
                ),
                _c(
                    "cum_investment",
                    "累计完成投资",
                    "money",
                    False,
                    aliases=(
                        "累计完成额",
                        "本年累计完成投资",
                        "固定资产投资累计",
                        "固定资产投资",
                        "完成投资",
                        "投资额",
                    ),
                ),
                _c(
                    "cum_growth_pct",
                    "累计同比增长",
                    "float",
                    False,
                    aliases=(
                        "累计增长",
                        "同比增长",
                        "累计同比",
                        "增速",
                        "增幅",
                        "比上年同期增长",
                        "比上年增长",
                    ),
                ),
            ),
            key=("region", "year", "month"),
            description="Cumulative FAI through each published month; 2 = 1—2月.",
        ),
        Table(
            "targets",
            "年度目标",
            "市发展改革局",
            (
                _c("region", "地区", "text"),
                _c("year", "年份", "int"),
                _c("target_growth_pct", "目标增长", "float", aliases=("目标增速",)),
                _c("base_investment", "上年完成投资", "money", False),
            ),
            key=("region", "year"),
        ),
        Table(
            "projects",
            "项目台账",
            "市发展改革局",
            (
                _c("project_id", "项目编码", "text", aliases=("项目代码", "项目编号")),
                _c("name", "项目名称", "text"),
                _c("plan_year", "计划年度", "int", aliases=("年度",)),
                _c(
                    "county",
                    "所属县(市、区)",
                    "text",
                    aliases=(
                        "县(市、区)",
                        "所属地区",
                        "地区",
                        "县区",
                        "县市区",
                        "所在县(市、区)",
                        "属地",
                        "项目所在地",
                        "所在地",
                    ),
                ),
                _c("department", "行业主管部门", "text", aliases=("主管部门",)),
                _c("is_key", "是否重点项目", "bool", aliases=("重点项目",)),
                _c(
                    "stage",
                    "项目阶段",
                    "enum",
                    enum="stage",
                    aliases=("建设性质", "阶段"),
                ),
                _c(
                    "sector",
                    "行业领域",
                    "text",
                    aliases=("行业", "领域", "行业类别", "项目类别"),
                ),
                _c(
                    "total_investment",
                    "总投资",
                    "money",
                    aliases=("项目总投资", "计划总投资"),
                ),
                _c(
                    "plan_investment",
                    "年度计划投资",
                    "money",
                    aliases=(
                        "2021年计划投资",
                        "本年计划投资",
                        "年度计划",
                        "计划投资",
                        "计划投资额",
                        "年度计划投资额",
                        "年度投资计划",
                        "投资计划",
                    ),
                ),
                _c("planned_start", "计划开工时间", "date", False),
                _c("planned_finish", "计划竣工时间", "date", False),
                _c(
                    "city_leader",
                    "分管市领导",
                    "text",
                    False,
                    aliases=("挂钩市领导", "联系市领导", "市领导", "牵头市领导"),
                ),
                _c(
                    "lead_unit",
                    "牵头责任单位",
                    "text",
                    False,
                    aliases=("牵头单位", "责任单位", "牵头责任部门"),
                ),
                _c("industry_dept", "分管行业部门", "text", False),
                _c(
                    "builder",
                    "建设单位",
                    "text",
                    False,
                    aliases=("项目业主", "业主单位"),
                ),
                _c("soe_name", "所属国有企业", "text", False, aliases=("国有企业",)),
                _c(
                    "is_renewal",
                    '是否"三旧"改造',
                    "bool",
                    False,
                    aliases=("是否三旧改造", "三旧改造"),
                ),
                _c(
                    "is_real_estate",
                    "是否房地产项目",
                    "bool",
                    False,
                    aliases=("房地产项目",),
                ),
                _c(
                    "approval_status",
                    "立项(审批/核准/备案)",
                    "enum",
                    False,
                    enum="status",
                    aliases=("立项",),
                ),
                _c(
                    "land_status",
                    "用地预审与选址",
                    "enum",
                    False,
                    enum="status",
                    aliases=("用地预审",),
                ),
                _c(
                    "eia_status",
                    "环评批复",
                    "enum",
                    False,
                    enum="status",
                    aliases=("环评",),
                ),
                _c(
                    "energy_status",
                    "节能审查",
                    "enum",
                    False,
                    enum="status",
                    aliases=("节能",),
                ),
                _c(
                    "design_status",
                    "初步设计/施工图审查",
                    "enum",
                    False,
                    enum="status",
                    aliases=("初步设计", "施工图审查"),
                ),
                _c("permit_status", "施工许可", "enum", False, enum="status"),
                _c("funding_secured_pct", "资金落实比例", "pct", False),
                _c("land_acquired_pct", "征地拆迁完成比例", "pct", False),
            ),
            key=("project_id", "plan_year"),
            notes=(
                "建设起止年限 (e.g. 2021-2023, 2021.03-2023.12) fills planned_start / "
                "planned_finish when those columns are absent.",
            ),
        ),
        Table(
            "project_progress",
            "项目月度进度",
            "各县(市、区)/行业主管部门",
            (
                _c("project_id", "项目编码", "text"),
                _c("year", "年份", "int"),
                _c("month", "月份", "month"),
                _c(
                    "cum_completed",
                    "累计完成投资",
                    "money",
                    aliases=(
                        "本年累计完成投资",
                        "完成投资",
                        "累计完成",
                        "本年完成投资",
                        "年度累计完成投资",
                    ),
                ),
                _c("actual_start", "实际开工时间", "date", False),
            ),
            key=("project_id", "year", "month"),
        ),
        Table(
            "milestones",
            "节点目标",
            "市发展改革局",
            (
                _c("project_id", "项目编码", "text"),
                _c("milestone", "节点", "text", aliases=("节点目标",)),
                _c("due_date", "计划完成时间", "date"),
                _c("done_date", "实际完成时间", "date", False),
            ),
            key=("project_id", "milestone"),
        ),
        Table(
            "soe_plans",
            "国有企业在湛投资计划",
            "市国资委",
            (
                _c("soe_name", "企业名称", "text", aliases=("国有企业",)),
                _c("year", "年份", "int"),
                _c("kind", "类型", "enum", enum="soe_kind"),
                _c("investment", "在湛投资", "money", aliases=("投资额",)),
            ),
            key=("soe_name", "year", "kind"),
        ),
        Table(
            "plan_changes",
            "计划调整记录",
            "市发展改革局",
            (
                _c("change_date", "调整日期", "date"),
                _c("project_id", "项目编码", "text"),
                _c("change_type", "调整类型", "enum", enum="change_type"),
                _c("old_amount", "调整前计划投资", "money", False),
                _c("new_amount", "调整后计划投资", "money", False),
                _c(
                    "approver",
                    "审批单位或领导",
                    "text",
                    False,
                    aliases=("审批单位", "审批领导"),
                ),
                _c("approval_ref", "批准文号", "text", False, aliases=("文号",)),
            ),
        ),
        Table(
            "funding_plan",
            "资金保障计划",
            "市财政局",
            (
                _c("project_id", "项目编码", "text"),
                _c("year", "年份", "int"),
                _c("source", "资金来源", "enum", enum="funding_source"),
                _c("amount", "金额", "money", aliases=("资金额",)),
            ),
            key=("project_id", "year", "source"),
        ),
        Table(
            "land_plan",
            "用地用海保障计划",
            "市自然资源局",
            (
                _c("project_id", "项目编码", "text"),
                _c(
                    "land_area_mu", "用地面积(亩)", "area", False, aliases=("用地面积",)
                ),
                _c(
                    "sea_area_ha",
                    "用海面积(公顷)",
                    "area",
                    False,
                    aliases=("用海面积",),
                ),
                _c("approval_status", "用地用海报批", "enum", False, enum="status"),
                _c("red_line_issued", "红线已下达", "bool", False),
                _c("land_acquired_pct", "征地拆迁完成比例", "pct", False),
                _c("idle_approved_land", "批而未建", "bool", False),
            ),
            key=("project_id",),
        ),
        Table(
            "stats_registry",
            "统计入库",
            "市统计局",
            (
                _c("project_id", "项目编码", "text"),
                _c("registered", "是否入库", "bool"),
                _c("year", "年份", "int"),
                _c("month", "月份", "month"),
                _c("stats_cum_completed", "统计累计完成投资", "money", False),
            ),
            key=("project_id", "year", "month"),
        ),
    )
}

#: Columns added to every canonical frame after the contract columns and extras.
PROVENANCE_COLUMNS: tuple[str, ...] = ("section", "_source", "_row")

#: The four responsible parties every key project must name (minutes 三(一)).
KEY_PROJECT_PARTIES: tuple[str, ...] = (
    "city_leader",
    "lead_unit",
    "industry_dept",
    "builder",
)

#: Money units: multiplier that turns an amount in that unit into 万元 (finance
#: and statistics tables also use 千元 and 百万元).
MONEY_UNITS: dict[str, float] = {
    "万元": 1.0,
    "亿元": 10_000.0,
    "元": 0.0001,
    "千元": 0.1,
    "百万元": 100.0,
    "千万元": 1_000.0,
}
#: The money units as a regular-expression alternation, longest first (千元
#: before 元).
MONEY_UNIT_PATTERN = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
DEFAULT_MONEY_UNIT = "万元"


def get_table(name: str) -> Table:
    """Return the contract table called ``name`` (canonical English name).

    Examples
    --------
    >>> get_table("projects").zh
    '项目台账'
    """
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(TABLES)
        raise KeyError(f"unknown table {name!r}; the contract has: {known}") from None


# --- data dictionary ---------------------------------------------------------------

_KIND_TEXT: dict[str, tuple[str, str]] = {
    # kind -> (type shown in the dictionary, unit)
    "text": ("text 文本", ""),
    "int": ("integer 整数", "年"),
    "month": ("month 月份", "月 (cumulative through)"),
    "money": ("money 金额", "万元 (亿元/千元/元 … converted)"),
    "float": ("number 数字", "%"),
    "pct": ("percent 百分比 0..100", "%"),
    "area": ("number 数字", ""),
    "date": ("date 日期", ""),
    "bool": ("是/否", ""),
    "enum": ("one of 取值之一", ""),
}

_DICTIONARY_INTRO = """\
# Data folder and data dictionary / 数据目录与数据字典

<!-- Generated by `python -m zjanalysis.schema > data/README.md` from
src/zjanalysis/schema.py; a test fails when this file is out of date. Edit the
schema, not this file. -->

## Folders

| folder | what | in git |
| --- | --- | --- |
| `data/demo/` | synthetic DEMO data set (every file's title row says `DEMO 演示数据`), made by `make demo-data` | yes |
| `data/demo-dirty/` | the same with planted mistakes, to show what `zjanalysis validate` reports | yes |
| `data/demo-history/` | DEMO statistics only (`fai_monthly` to 2023-06, `targets` 2022–2023; the same rows as `data/demo` to 2021-06), to forecast and backtest through the 2020 shock, the 2021 rebound and 2022; made by `make demo-data` | yes |
| `data/reference/` | public figures with their source notes (national FAI 2011–2018) | yes |
| `data/raw/<YYYY-MM>/` | the office's files exactly as received, one folder per month of data | no |
| `data/interim/`, `data/processed/` | regenerated by the pipeline; safe to delete | no |

## How the office drops its files in

1. Make a folder named after the last month of statistics, e.g. `data/raw/2021-06/`.
2. Copy in the files as received, one file per table below, named after the table
   (`projects.xlsx`, `fai_monthly.csv`, or the Chinese name `项目台账.xlsx`; a dated
   name such as `2021-07-15-fai-monthly.xlsx` also works). One workbook may hold
   several tables as sheets named after them (`项目台账（2021年）` also works when
   its header agrees; a sheet named otherwise is read by its header, with a warning).
3. **Never edit these files**, in Excel or otherwise. A corrected file is added
   under a new dated name and the old one moved out of the folder. Record each file
   in `data/raw/MANIFEST.csv` (`file,sha256,source,received`; `file` is relative to
   `data/raw`, e.g. `2021-06/projects.xlsx`; the checksum comes from
   `sha256sum FILE` or PowerShell `Get-FileHash FILE`).
4. Check the folder: `make data DATA=data/raw/2021-06` (or
   `zjanalysis validate data/raw/2021-06`). It lists what was loaded and every
   problem with file, Excel row and column; fix the source, not the copy.
5. Build the reports: `make report DATA=data/raw/2021-06`.

## What the loader accepts

- Headers in Chinese or English, in any order, with spaces, full-width brackets
  or a unit suffix (`总投资（万元）`, `总投资(亿元)`, `total_investment`); the
  other accepted spellings are listed per column below. Unknown columns are kept.
- Money is held in 万元. A header suffix 亿元, 百万元, 千元 or 元 is converted; otherwise the
  table's unit line (`单位：亿元`) applies, or else a note under the table
  (`注：金额单位为亿元`, with a warning; a note contradicting the unit line is an
  error); otherwise 万元. The load report says which.
- CSV in UTF-8 (with or without BOM) or GB18030/GBK; Excel workbooks `.xlsx`,
  `.xlsm` and `.xls` (Excel 97—2003, WPS), told apart by their content, not
  their name. Hidden sheets are not read (a warning names them). A file or sheet
  with more than 500 columns is refused (no table has so many: a lost line end,
  a wrong separator or a transposed table).
- Numbers as text: `1,234.5`, `12 000`, `１２３４`, ` 12 `; `—`, `-` or empty =
  missing; `20%` in percentage columns. Commas and spaces must group thousands
  (`1,5` and `1,80.2` are errors, not 15 and 180.2). Any other text in a number
  column is an error. A formula saved without its result (a workbook written by
  a program and never saved in Excel/WPS) is an error at its cell, and so is a
  project code Excel turned into scientific notation (`4.40802E+17`), and an
  Excel error value (`#N/A`, `#DIV/0!`, `#REF!`) in any column; a text cell that
  merely starts with `=` is text.
- Share columns (资金落实比例, 征地拆迁完成比例) and growth targets (目标增长) are
  percent (60 is 60%). When every value of such a column in a file lies in 0..1
  and none is written with `%`, the column was filled as fractions and is read
  ×100 (0.6 → 60, a target of 0.2 → 20), with a warning;
  in an `.xls` file (which keeps no percent format the loader can see) a column
  of only 0 and 1 is read so too (1 → 100). An amount merged over several data
  rows is an error (it would count for each row); data rows and columns hidden
  in Excel are read, with a warning, and of two columns with the same meaning
  the visible one is read.
- Months `1-6月`, `1—6月`, `6月`, `6` (all 6); `1—2月` is 2. Dates `2021-03-15`,
  `2021年3月`, `2021年3月15日`, `2021.03`, `2021/3/15`, Excel dates and serials;
  `2021年3月` is the 1st, `2021年6月底`/`6月末` the last day of the month;
  `2021.1` is January, with a warning (Excel turns 2021.10 typed as a number
  into 2021.1);
  `2021年第一季度`, `上半年` are errors (give a date).
- Region and county names: spaced-out names (`赤 坎 区`) are joined, `全市` is
  湛江市, the `其中：` of a part listed under its total (`其中：赤坎区`) and the
  city's name before a county's (`湛江市霞山区`) are dropped. In a statistics
  table without a row for the city, its `全市合计`/`合计` row is the city's
  figure and is read as 湛江市 (with a city row as well, it is skipped as a
  total; `小计` rows are always skipped).
- Monthly statistics with the months as columns (`地区 | 1—2月 | 1—3月 | …`) are
  read as one row per region and month when the title or header says what the
  cells are (`累计增速（%）` → growth, `累计完成额`/`亿元` → investment); the year
  comes from the month headers (`2021年1—6月`) or the title; a blank cell is a
  month not yet published. A sheet that does not say is one error, with the fix.
- Printed layouts: title rows, a unit line, a header over two rows with merged
  cells (`2021年计划` over `投资额`; in a CSV the group heading stands over the
  first of its columns; a unit in it, `投资额（亿元）`, applies to each), a `序号` column (dropped), section rows
  (`一、产业项目（23项）`, `（二）基础设施`, and `1.`/`1、` headings alone on their row,
  kept in the `section` column as `一、… / （二）… / 1、…`; a plan laid out by
  sector without a 行业领域 column takes each project's sector from its heading,
  `一、交通基础设施项目（6项）` → 基础设施, and likewise the stage from
  `一、续建项目` and the county from `霞山区` when those columns are absent (or
  blank in every row); a
  heading among them that names no sector is an error at its row; sectors:
  {sectors}), `小计`,
  `合计`/`总计` rows (above or under the data) and notes (`注：……`) under the table
  (skipped and listed), the title and header repeated at the top of each printed
  page (skipped and listed), the unused rows of a form (only a pre-printed `序号`
  and a merged county cell; skipped and listed as blank), merged cells (county,
  unit) repeated down. In a CSV,
  a blank county/department/region/project code is read as the value above within
  its section, and the load report says so. `建设起止年限` (`2021-2023`,
  `2021—2023年`) fills planned start (1 January) and finish (31 December) when
  those columns are absent; with months (`2021.03-2023.12`, `2021年3月至2023年6月`)
  the start is the first day of the first month and the finish the last day of the
  last month.

Every loaded table also has `section`, `_source` (file, `#sheet` for workbooks) and
`_row` (the row number shown in Excel, header = row 1 in a plain file).
"""


def render_data_dictionary() -> str:
    """Return the data dictionary (``data/README.md``) as Markdown, from this module.

    Returns
    -------
    str
        Folders, the drop-in procedure, the loader's rules and, per table, every
        column with its Chinese header, type, unit, allowed values, whether it is
        required and the other headers accepted.

    Examples
    --------
    >>> "| `project_id` | 项目编码 |" in render_data_dictionary()
    True
    """
    intro = _DICTIONARY_INTRO.replace("{sectors}", "、".join(SECTORS))
    lines = [intro, "## Tables", ""]
    lines.append(
        "Vocabularies: counties (所属县(市、区)) "
        + "、".join(COUNTIES)
        + f"，or `{CITY_LEVEL}`; "
        "city SOEs " + "、".join(SOES) + "."
    )
    lines.append("")
    for table in TABLES.values():
        lines.append(f"### `{table.name}` — {table.zh}")
        lines.append("")
        provided = f"Provided by {table.provider}."
        key = (
            f" One row per {', '.join(f'`{k}`' for k in table.key)}."
            if table.key
            else ""
        )
        lines.append(
            provided + key + (f" {table.description}" if table.description else "")
        )
        rules = list(table.notes)
        if table.name == "projects":
            rules.append(
                "Key projects (是否重点项目 = 是) must name all four responsible parties: "
                + ", ".join(f"`{p}`" for p in KEY_PROJECT_PARTIES)
                + " (minutes 三(一))."
            )
        if table.name == "fai_monthly":
            rules.append(
                "Each row needs `cum_investment` or `cum_growth_pct` (or both)."
            )
        if rules:
            lines.append("")
            lines.extend(f"- {rule}" for rule in rules)
        lines.append("")
        lines.append(
            "| column | 中文表头 | type | unit | allowed values | required | also accepted |"
        )
        lines.append("| --- | --- | --- | --- | --- | --- | --- |")
        for c in table.columns:
            type_text, unit = _KIND_TEXT[c.kind]
            if c.kind == "area":
                unit = "亩" if "亩" in c.zh else "公顷"
            if c.kind == "int":
                unit = "年" if "year" in c.name else ""
            allowed = ""
            if c.kind == "enum" and c.enum:
                allowed = " / ".join(dict.fromkeys(ENUM_ALIASES[c.enum].values()))
            elif c.kind == "bool":
                allowed = "是 / 否"
            elif c.kind == "month":
                allowed = "2..12" if table.name == "fai_monthly" else "1..12"
            elif c.kind == "pct":
                allowed = "0..100"
            elif c.name == "county":
                allowed = "11 counties or 市直"
            if c.required:
                required = "yes"
            elif table.name == "projects" and c.name in KEY_PROJECT_PARTIES:
                required = "key projects"
            else:
                required = "no"
            accepted = ", ".join(c.aliases)
            lines.append(
                f"| `{c.name}` | {c.zh} | {type_text} | {unit} | {allowed} | {required} "
                f"| {accepted} |"
            )
        lines.append("")
    lines += ["## Accepted spellings of values", ""]
    lines.append("Compared after trimming spaces, ignoring case.")
    lines.append("")
    lines.append("| values of | written as | read as |")
    lines.append("| --- | --- | --- |")
    for enum, aliases in ENUM_ALIASES.items():
        for value in dict.fromkeys(aliases.values()):
            spelled = ", ".join(
                k for k, v in aliases.items() if v == value and k != value
            )
            lines.append(f"| {enum} | {spelled or '—'} | {value} |")
    for value, zh in ((True, "是"), (False, "否")):
        spelled = ", ".join(
            k for k, v in BOOL_ALIASES.items() if v is value and k != zh
        )
        lines.append(f"| 是/否 | {spelled} | {zh} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_data_dictionary(), end="")


def empty_table(table: str) -> pd.DataFrame:
    """Return an empty canonical frame of ``table`` with the contract dtypes.

    Examples
    --------
    >>> list(empty_table("targets").columns)[:3]
    ['region', 'year', 'target_growth_pct']
    """
    spec = get_table(table)
    data = {c.name: pd.Series([], dtype=dtype_of(c.kind)) for c in spec.columns}
    data["section"] = pd.Series([], dtype="str")
    data["_source"] = pd.Series([], dtype="str")
    data["_row"] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def dtype_of(kind: str) -> str:
    """Return the pandas dtype of a contract column kind (see :mod:`schema`).

    Examples
    --------
    >>> dtype_of("money")
    'float64'
    """
    return {
        "text": "str",
        "enum": "str",
        "int": "Int64",
        "month": "Int64",
        "money": "float64",
        "float": "float64",
        "pct": "float64",
        "area": "float64",
        "date": "datetime64[ns]",
        "bool": "boolean",
    }[kind]
