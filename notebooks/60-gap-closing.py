# %% [markdown]
# # 缺口与补缺
# > 达到增长目标余下月份还需完成多少投资、按当前走势能完成多少、缺口从哪些项目和企业补上、由谁落实（纪要一、三(一)、九(二)）

# %% tags=["parameters"]
from typing import Optional  # papermill reads Optional[float] as a parameter type, not float | None

data_dir: str = "data/demo"  # 数据目录：本月收到的数据
year: int = 2021  # 计划年度
as_of: str = "2021-06"  # 数据截止月份（最后一个已公布的累计月份）
target_growth_pct: Optional[float] = None  # 全市全年增长目标(%)；空则取《年度目标》表，表中没有时为20%（纪要一）；各县取《年度目标》表
config_path: str = ""  # 成熟度评分规则 YAML 文件；空则使用内置规则
n_paths: int = 5000  # 预测的模拟路径数（与全年增速预测相同）
seed: int = 2021  # 随机种子（结果可重现）
output_dir: str = ""  # Excel 附表输出目录；空则不导出（make report 自动设置）
dataset_cache: str = ""  # make report 已读入的数据，供各报告共用；空则读取数据目录

# %%
from IPython.display import Markdown

from zjanalysis import gap, readiness, report
from zjanalysis.plots.gap import plot_gap_sources
from zjanalysis.reports.gap import GapView, change_brief, change_zh

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
config = readiness.load_config(report.resolve_path(config_path) if config_path else None)
options = {
    "target_growth_pct": target_growth_pct,
    "readiness_config": config,
    "n_paths": n_paths,
    "seed": seed,
}
result = gap.gap_for_dataset(ds, year=year, as_of=as_of, **options)
view = GapView(result)
change = gap.gap_change_for_dataset(ds, year=year, as_of=as_of, current=result, **options)

# %%
report.banner(ds, reads=gap.READS)
report.headline(
    view.headline(), finding=view.finding(), brief=view.brief() + change_brief(change)
)

# %% [markdown]
# ## 一、余下月份需完成多少，按当前走势能完成多少
# 需完成 = 全年目标投资 − 已完成；可完成 = 按《全年增速预测》的全年预测投资 − 已完成（黑线为80%区间）；
# 缺口 = 需完成 − 可完成。缺口为零或负数时，按当前走势已可达到目标。

# %%
Markdown(view.base_note())

# %%
plot_gap_sources(result)

# %%
report.table(view.table("city"))

# %% [markdown]
# ## 二、补缺来源
# 四类来源各以万元计、各列出项目，每个项目只计入一类。

# %%
Markdown(view.rule_note())

# %%
report.table(view.table("sources"))

# %% [markdown]
# ## 三、各县（市、区）

# %%
Markdown(view.county_note())

# %%
report.table(view.table("by_county"))

# %% [markdown]
# ## 四、责任单位行动清单
# 县（市、区）政府申报下达和督促开工本地项目（纪要一），重点项目的牵头责任单位追赶进度（纪要三(一)），
# 国有企业执行年度投资计划（纪要九(二)）；各单位金额之和等于对应来源的金额。

# %%
report.table(view.table("actions"))

# %% [markdown]
# ## 五、来源项目清单

# %%
report.table(view.table("source_projects"))

# %% [markdown]
# ## 六、国有企业计划执行
# 应完成 = 申报计划 × 全市历年同期进度；落后于进度的部分扣除其项目已计入前三类的金额后计入。

# %%
report.table(view.table("soe_sources"))

# %% [markdown]
# ## 七、与上月相比
# 用同一份数据截至上月的部分重新测算（重新预测），不是读取上月的报告。

# %%
Markdown(change_zh(change))

# %% [markdown]
# ## 八、Excel 附表
# 附表各表与上文相同，来源项目清单为完整清单；金额一律以万元列示（上文汇总表以亿元显示）。

# %%
report.export_excel(view.excel(), "60-gap-closing", output_dir)

# %%
report.provenance(
    ds,
    {
        "data_dir": data_dir,
        "year": year,
        "as_of": as_of,
        "target_growth_pct": target_growth_pct,
        "config_path": config_path or str(readiness.default_config_path()),
        "n_paths": n_paths,
        "seed": seed,
        "output_dir": output_dir,
    },
)
