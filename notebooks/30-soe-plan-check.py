# %% [markdown]
# # 国有企业在湛投资计划检查
# > 各国有企业2021年在湛投资计划是否比上年增长20%以上、缺口多少、有没有项目支撑、年内执行是否跟上进度（纪要九(二)）

# %% tags=["parameters"]
data_dir: str = "data/demo"  # 数据目录：本月收到的数据
year: int = 2021  # 计划年度；上年为基数年
as_of: str = "2021-06"  # 数据截止月份
target_growth_pct: float = 20.0  # 各国有企业在湛投资增长目标(%)，纪要九(二)
backing_tolerance_pct: float = 5.0  # 项目支撑容差(%)：台账项目计划投资不低于申报计划的(100-容差)%
behind_tolerance_pct: float = 5.0  # 滞后容差(百分点)：完成率低于应完成进度超过此值为滞后
config_path: str = ""  # 项目成熟度评分规则 YAML；空则使用内置规则（与《项目成熟度》报告一致）
output_dir: str = ""  # Excel 附表输出目录；空则不导出（make report 自动设置）
dataset_cache: str = ""  # make report 已读入的数据，供各报告共用；空则读取数据目录

# %%
from IPython.display import Markdown

from zjanalysis import readiness, report, soe
from zjanalysis.plots.soe import plot_soe_execution, plot_soe_growth
from zjanalysis.reports.soe import SoeView

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
check = soe.check_soe_dataset(
    ds,
    year=year,
    as_of=as_of,
    target_growth_pct=target_growth_pct,
    backing_tolerance_pct=backing_tolerance_pct,
    behind_tolerance_pct=behind_tolerance_pct,
    readiness_config=readiness.load_config(
        report.resolve_path(config_path) if config_path else None
    ),
)
view = SoeView(check)
enterprises = check.to_frame()

# %%
report.banner(ds, reads=soe.READS)
report.headline(view.headline(), finding=view.finding(), brief=view.brief())

# %% [markdown]
# ## 一、各企业计划增长
# 本年计划（企业申报，类型“计划”）比上年完成（类型“完成”）的增长；绿色达到目标，红色未达到。
# 上年完成为零或未报的企业无法计算增长，标“无基数”，不作判断。

# %%
None if view.refusal else plot_soe_growth(enterprises, target_growth_pct)

# %% [markdown]
# “缺口”是计划达到目标还需增加的投资：上年完成 ×（1 + 目标增长）− 本年计划。

# %%
report.table(view.table("growth"))

# %% [markdown]
# ## 二、全部国有企业合计
# 可比企业指上年完成和本年计划都有数的企业；全市台账项目计划投资为本年计划项目（新开工、续建、竣工及安排了计划投资的前期预备项目，不含储备项目）的年度计划投资，与月度通报和计划完整性检查同一口径。

# %%
report.table(view.table("totals"))

# %% [markdown]
# ## 三、计划是否有项目支撑
# 把各企业申报的计划与项目台账中该企业（“所属国有企业”）项目的年度计划投资相比。

# %%
Markdown(view.backing_basis())

# %%
report.table(view.table("backing"))

# %% [markdown]
# ### 台账有项目但未申报计划的企业

# %%
report.table(view.table("ledger_without_plan"))

# %% [markdown]
# ### 申报了计划但台账中没有项目的企业

# %%
report.table(view.table("plans_without_projects"))

# %% [markdown]
# ### 各企业的台账项目
# 成熟度取自项目成熟度评分（《项目成熟度》报告）；累计完成为本年截至数据月份的完成投资。

# %%
report.table(view.table("projects"), max_rows=200)

# %% [markdown]
# ## 四、增长依赖未成熟项目的风险
# 计划增长（本年计划 − 上年完成）中有多少落在成熟度低于“可下达”的项目上；
# “仅计成熟项目的增长”假设这些项目今年不形成投资。

# %%
report.table(view.table("risk"))

# %% [markdown]
# ## 五、年内执行进度
# 各企业台账项目累计完成投资与申报计划相比，对照到本月按季节规律应完成的比例。

# %%
Markdown(view.execution_basis())

# %%
None if view.refusal else plot_soe_execution(enterprises)

# %%
report.table(view.table("execution"))

# %% [markdown]
# ## 六、Excel 附表

# %%
report.export_excel(view.excel(), "30-soe-plan-check", output_dir)

# %%
report.provenance(
    ds,
    {
        "data_dir": data_dir,
        "year": year,
        "as_of": as_of,
        "target_growth_pct": target_growth_pct,
        "backing_tolerance_pct": backing_tolerance_pct,
        "behind_tolerance_pct": behind_tolerance_pct,
        "config_path": config_path,
        "output_dir": output_dir,
    },
)
