# %% [markdown]
# # 数据质量报告
# > 本月收到了哪些数据，哪些单位需要修正哪些问题（请按责任单位退回修改）

# %% tags=["parameters"]
data_dir: str = "data/demo"  # data folder: the files received this month
as_of: str = "2021-06"  # data vintage: the last month of statistics
output_dir: str = ""  # folder for the Excel list; "" writes none (make report sets it)
dataset_cache: str = ""  # the data set make report loaded once for all reports; "" loads data_dir

# %%
from zjanalysis import quality, report, schema
from zjanalysis.asof import AsOf
from zjanalysis.reports.glossary import COLUMNS_ZH

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
period = AsOf.parse(as_of)
received = quality.tables_received(ds)
files = quality.files_received(ds)
coverage = quality.fai_coverage(ds["fai_monthly"], year=period.year, last_month=period.month)
problems = quality.problems_by_unit(ds.report)
units = quality.unit_summary(problems)

# %%
report.banner(ds, blocking=False, reads=list(schema.TABLES))
report.headline(
    quality.quality_headline(ds, as_of=period),
    finding=quality.quality_finding(ds, as_of=period),
)

# %% [markdown]
# ## 一、收到的数据
# 每张数据表的行数和来源文件（黄色为本月未收到）。

# %%
report.table(received, status=["status"], columns=COLUMNS_ZH)

# %% [markdown]
# ### 各文件的读取情况
# 金额单位：表内写明“单位：亿元”等的按其换算，未写明的按万元读取。

# %%
report.table(files, columns=COLUMNS_ZH)

# %% [markdown]
# ### 固定资产投资月度累计：各地区报送的月份
# 统计部门 1—2 月合并发布；红色表示截至本月仍有缺报。

# %%
report.table(coverage, status=["status"], columns=COLUMNS_ZH)

# %% [markdown]
# ## 二、问题汇总（按责任单位）
# “错误”须修正后重新报送，“提示”请核实。

# %%
report.table(units, status=["status"], columns=COLUMNS_ZH)

# %% [markdown]
# ## 三、问题清单（按责任单位）
# 每条问题给出文件、Excel 行号、列名和原值，可直接定位修改。

# %%
report.grouped_tables(
    problems.drop(columns=["unit_kind", "check"]),
    by="unit",
    columns=COLUMNS_ZH,
    status=["severity"],
    plain=["row"],
)

# %% [markdown]
# ## 四、导出退回清单

# %%
report.export_excel(
    {
        "问题清单": problems.drop(columns=["check"]),
        "按单位汇总": units,
        "收到的数据": received,
        "月度覆盖": coverage,
    },
    "00-data-quality",
    output_dir,
    columns=COLUMNS_ZH,
    plain=["row"],
)

# %% [markdown]
# ## 附：未作为数据读取的行
# 标题、单位、分组、小计、合计和表注行不计入数据，请核对没有误删数据行。

# %%
report.table(quality.skipped_rows(ds), columns=COLUMNS_ZH, plain=["row"], max_rows=100)

# %%
report.provenance(ds, {"data_dir": data_dir, "as_of": as_of, "output_dir": output_dir})
