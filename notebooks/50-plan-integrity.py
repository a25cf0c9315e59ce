# %% [markdown]
# # 投资计划完整性检查
# > 重点项目占比、责任主体、三个计划衔接、“三旧”与房地产区分、计划调整审批、统计口径是否符合会议纪要（纪要三至八）

# %% tags=["parameters"]
data_dir: str = "data/demo"  # 数据目录：本月收到的数据
year: int = 2021  # 计划年度
as_of: str = "2021-06"  # 数据截止月份（统计核对用此月）
min_key_share_pct: float = 66.7  # 重点项目计划投资至少占总计划的百分比，纪要三(一)为三分之二
funding_tolerance_wan: float = 0.5  # 资金缺口容差（万元），不超过此数视为已落实
stats_tolerance_pct: float = 10.0  # 项目填报与统计数据允许的差异（%）
output_dir: str = ""  # Excel 附表输出目录；空则不导出（make report 自动设置）
dataset_cache: str = ""  # make report 已读入的数据，供各报告共用；空则读取数据目录

# %%
from IPython.display import Markdown

from zjanalysis import checks, report
from zjanalysis.reports.checks import ChecksView

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
result = checks.run_checks_for_dataset(
    ds,
    year=year,
    as_of=as_of,
    min_key_share=min_key_share_pct / 100.0,
    funding_tolerance_wan=funding_tolerance_wan,
    stats_tolerance_pct=stats_tolerance_pct,
)
view = ChecksView(result)

# %%
report.banner(ds, reads=checks.READS)
report.headline(view.headline(), finding=view.finding(), brief=view.brief())

# %% [markdown]
# ## 检查结论一览

# %%
report.table(view.to_frame(), status=["结论"])

# %% [markdown]
# ## 一、重点项目计划占总计划三分之二（纪要三(一)）
# 总计划为本年计划全部项目（新开工、续建、竣工及安排了计划投资的前期预备项目）的年度计划投资，
# 重点项目计划为其中重点项目的部分；储备项目不在计划内。两者出自同一台账、同一口径。

# %%
Markdown(view.verdict_markdown("key_share"))

# %%
report.table(view.table("key_share"))

# %% [markdown]
# ## 二、重点项目责任主体和节点目标（纪要三(一)）
# 每个重点项目须列明分管市领导、牵头责任单位、分管行业部门、建设单位，并有节点目标。

# %%
Markdown(view.verdict_markdown("key_records"))

# %%
report.table(view.table("key_records"))

# %% [markdown]
# ## 三、资金保障计划与投资计划衔接（纪要四(一)）
# 每个计划项目本年资金保障计划（各资金来源合计）应不少于其年度计划投资；资金正好等于计划的视为已落实。

# %%
Markdown(view.verdict_markdown("funding_alignment"))

# %%
report.table(view.table("funding_alignment"))

# %% [markdown]
# ## 四、用地用海保障计划与投资计划衔接（纪要四(二)）
# 需要用地的计划项目（用地预审与选址不是“不需要”，或用地计划列有用地面积；竣工项目除外）
# 应列入用地用海保障计划，并已下达征地拆迁红线。

# %%
Markdown(view.verdict_markdown("land_alignment"))

# %%
report.table(view.table("land_alignment"))

# %% [markdown]
# ## 五、批而未建土地（纪要四(二)）
# 用地用海保障计划中标为“批而未建”的土地，须梳理并依法处理。

# %%
Markdown(view.verdict_markdown("idle_land"))

# %%
report.table(view.table("idle_land"))

# %% [markdown]
# ## 六、“三旧”改造与房地产项目区分（纪要五）
# 同一项目不得既列为“三旧”改造项目又列为房地产项目，否则投资被重复计算。

# %%
Markdown(view.verdict_markdown("renewal_real_estate"))

# %%
report.table(view.table("renewal_real_estate"))

# %% [markdown]
# ## 七、计划调整审批（纪要七，“许增不许减”）
# 新增、调增项目须经市发展改革局批准；调减、调整、取消须经市政府分管或主要领导批准并有批准文号。
# 调整后金额低于调整前的一律按调减审查。下表列出手续不全的调整及所缺内容。

# %%
Markdown(view.verdict_markdown("plan_changes"))

# %%
report.table(view.table("plan_changes"))

# %% [markdown]
# ## 八、计划项目统计入库（纪要八）
# 已开工的计划项目（续建、竣工，或已报告开工、已有完成投资的新开工项目）应已纳入统计（入库）。

# %%
Markdown(view.verdict_markdown("stats_registration"))

# %%
report.table(view.table("stats_registration"))

# %% [markdown]
# ## 九、项目填报与统计数据一致（纪要八）
# 各项目最近一次填报的本年累计完成投资与统计部门同月数据相比，差异超过容差的列出。

# %%
Markdown(view.verdict_markdown("stats_figures"))

# %%
report.table(view.table("stats_figures"))

# %% [markdown]
# ## 十、Excel 附表

# %%
report.export_excel(view.excel(), "50-plan-integrity", output_dir)

# %%
report.provenance(
    ds,
    {
        "data_dir": data_dir,
        "year": year,
        "as_of": as_of,
        "min_key_share_pct": min_key_share_pct,
        "funding_tolerance_wan": funding_tolerance_wan,
        "stats_tolerance_pct": stats_tolerance_pct,
        "output_dir": output_dir,
    },
)
