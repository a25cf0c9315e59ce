# %% [markdown]
# # 重点项目月度通报
# > 各县（市、区）和各行业主管部门年度计划完成情况、排名，节点滞后和未按期开工项目，征地拆迁进度（纪要二(一)、三(一)、六）

# %% tags=["parameters"]
data_dir: str = "data/demo"  # 数据目录：本月收到的数据
year: int = 2021  # 计划年度
as_of: str = "2021-06"  # 通报截止月份（晚于计划年度则通报全年）
amber_gap_pp: float = 5.0  # 黄灯：完成率落后应完成进度超过几个百分点
red_gap_pp: float = 10.0  # 红灯：完成率落后应完成进度超过几个百分点
output_dir: str = ""  # Excel 附表输出目录；空则不导出（make report 自动设置）
dataset_cache: str = ""  # make report 已读入的数据，供各报告共用；空则读取数据目录

# %%
from IPython.display import Markdown

from zjanalysis import circular, report
from zjanalysis.reports.circular import CircularView
from zjanalysis.plots.circular import plot_completion_vs_expected

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
result = circular.compute_circular_for_dataset(
    ds, year=year, as_of=as_of, amber_gap_pp=amber_gap_pp, red_gap_pp=red_gap_pp
)
view = CircularView(result)

# %%
report.banner(ds, reads=circular.READS)
report.headline(view.headline(), finding=view.finding(), brief=view.brief())

# %% [markdown]
# ## 一、各县（市、区）完成情况
# 年度计划为本年计划中新开工、续建、竣工项目及安排了计划投资的前期预备项目的年度计划投资；
# 累计完成取各项目本月填报的本年累计完成投资，本月未填报的按最近一次填报数计入。
# 完成率 = 累计完成 ÷ 年度计划；“快慢”为完成率与应完成进度之差（百分点），负数为落后；按完成率排名。

# %%
Markdown(view.basis_note() + "\n\n" + view.reconciliation_note())

# %%
None if view.refusal else plot_completion_vs_expected(result.by_county, "county")

# %%
report.table(view.table("by_county"))

# %% [markdown]
# ## 二、各行业主管部门完成情况
# 按项目的行业主管部门汇总，应完成进度用全市的季节规律。

# %%
None if view.refusal else plot_completion_vs_expected(result.by_department, "department")

# %%
report.table(view.table("by_department"))

# %% [markdown]
# ## 三、节点目标滞后的项目
# 计划完成时间不晚于本月末、截至本月末尚未完成的节点（纪要三(一)要求明确节点目标和时间目标）；重点项目在前，逾期最久的在前。

# %%
report.table(view.table("lagging_milestones"))

# %% [markdown]
# ## 四、新开工项目未按计划开工
# 项目阶段为“新开工”、计划开工时间已过、截至本月末尚未报告实际开工时间的项目。

# %%
report.table(view.table("unstarted_new"))

# %% [markdown]
# ## 五、本月未报送进度的项目
# 已开工（或本年曾经填报）但本月没有填报进度的项目，完成投资按最近一次填报数计入。

# %%
report.table(view.table("missing_reports"))

# %% [markdown]
# ## 六、征地拆迁进度
# 来自用地用海保障计划中有用地面积的项目（纪要六）：按面积为已征拆面积占用地面积的比例，
# 按个数为征地拆迁已全部完成的项目占比；未报进度的项目不计入比例。

# %%
report.table(view.table("land"))

# %% [markdown]
# ## 七、Excel 附表
# 附表各表的行与上文相同，另在排名表末尾加“全市合计”；表头为中文，金额一律以万元列示（上文排名表以亿元显示），可直接粘贴到通报文稿。

# %%
report.export_excel(view.excel(), "40-monthly-circular", output_dir)

# %%
report.provenance(
    ds,
    {
        "data_dir": data_dir,
        "year": year,
        "as_of": as_of,
        "amber_gap_pp": amber_gap_pp,
        "red_gap_pp": red_gap_pp,
        "output_dir": output_dir,
    },
)
