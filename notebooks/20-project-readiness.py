# %% [markdown]
# # 项目成熟度评分与下一批下达建议
# > 逐个项目评分、说明差在哪里、由哪个单位办理，提出“成熟一批、下达一批”的下一批项目（纪要一、三(二)）

# %% tags=["parameters"]
data_dir: str = "data/demo"  # 数据目录：本月收到的数据
year: int = 2021  # 计划年度：对该年度台账中的项目评分
as_of: str = "2021-06"  # 截止月份：按该月已报的月度进度判断项目是否已开工
config_path: str = ""  # 评分规则 YAML 文件；空则使用内置规则（zjanalysis/config/readiness.yaml）
max_projects: int = 0  # 本批最多下达的项目数；0 表示不限
n_draws: int = 1000  # 权重扰动次数（稳健性检验）
spread: float = 0.25  # 权重扰动幅度：各评分项分值在 ±25% 内随机变化
seed: int = 2021  # 随机种子（结果可重现）
output_dir: str = ""  # Excel 附表输出目录；空则不导出（make report 自动设置）
dataset_cache: str = ""  # make report 已读入的数据，供各报告共用；空则读取数据目录

# %%
from IPython.display import Markdown

from zjanalysis import readiness, report
from zjanalysis.plots.readiness import (
    plot_batch_by_county,
    plot_fitted_vs_configured,
    plot_score_distribution,
)
from zjanalysis.reports.readiness import ReadinessView

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
config = readiness.load_config(report.resolve_path(config_path) if config_path else None)
result = readiness.assess_readiness_for_dataset(
    ds,
    year=year,
    config=config,
    as_of=as_of,
    seed=seed,
    n_draws=n_draws,
    spread=spread,
    max_projects=max_projects or None,
)
view = ReadinessView(result)
scored = result.to_frame()

# %%
report.banner(ds, reads=readiness.READS)
report.headline(view.headline(), finding=view.finding(), brief=view.brief())

# %% [markdown]
# ## 一、评分规则
# 评分规则由市发展改革局在 YAML 文件中维护，本报告使用的规则如下。

# %%
Markdown(view.rules_note())

# %%
report.table(view.table("rules"))

# %% [markdown]
# ## 二、成熟度分布
# 本年度台账中尚未开建的项目（储备、预备、新开工）的得分分布，颜色表示等级；续建、竣工项目已在建，不参与评比。

# %%
None if view.refusal else plot_score_distribution(
    scored[scored["stage"].isin(result.candidate_stages)],
    config.grades.ready_min_score,
)

# %%
report.table(view.table("grades"))

# %% [markdown]
# ## 三、下一批建议下达的项目
# 评为“可下达”（通过全部门槛）、尚未列入本年度计划（储备项目、没有年度计划投资的前期预备项目）且尚未开工（本年未报实际开工、未报完成投资）的项目，
# 按得分从高到低排列（同分按年度计划投资从大到小）。本年已调出计划的项目不再建议下达；台账未填年度计划投资的，下达时需核定。

# %%
report.table(view.table("batch"), max_rows=30)
# %% [markdown]
# ### 已列入计划、尚未开工的成熟项目
# 前期工作已齐、已计入本年计划，但截至本月未报实际开工、未报完成投资：不需要再下达，需要县（市、区）和行业主管部门督促尽快开工（纪要一、三(一)）。
# %%
report.table(view.table("unstarted"), max_rows=10)

# %% [markdown]
# ### 台账与节点目标矛盾的项目
# 台账填报某项前期工作“已完成”，而同一事项的节点目标没有完成时间：两者必有一处不实，评分依据的是台账，所以这些项目暂不列入下一批，请县（市、区）和建设单位核实。

# %%
report.table(view.table("contradictions"), max_rows=10)

# %%
None if view.refusal else plot_batch_by_county(result.batch_by_county)

# %% [markdown]
# ### 按县（市、区）汇总
# 本批项目在各县（市、区）的项目数、年度计划投资和总投资（本批均未列入本年计划，其年度计划投资即新增计划投资）。

# %%
report.table(view.table("batch_by_county"))

# %% [markdown]
# ### 按行业主管部门汇总

# %%
report.table(view.table("batch_by_department"))

# %% [markdown]
# ## 四、接近成熟的项目
# 只差一两项就可下达的项目及其待办事项，是下一轮推动的重点。

# %%
report.table(view.table("close"), max_rows=15)

# %% [markdown]
# ## 五、各单位待办清单
# 把每个项目缺的事项分派到负责办理的单位：立项、节能审查—市发展改革局；用地预审—市自然资源局；环评—市生态环境局；
# 设计审查、施工许可—市住房城乡建设局；资金—市财政局/建设单位；征地拆迁—项目所在县（市、区）；责任主体—市发展改革局。“仅作储备”的项目暂不列入。
# 本页每个单位只列前 5 项，各表过长时只列前几行；完整清单见本报告的 Excel 附表。

# %%
report.table(view.table("todo_counts"))

# %%
todos = view.table("todos")
report.grouped_tables(
    todos.df, by="unit", heading="{group}（{n} 项）", columns=todos.columns, max_rows=5
)

# %% [markdown]
# ## 六、权重稳健性
# 评分权重是人定的。换一组差不多的权重，下一批名单会不会变？

# %%
Markdown(view.stability_note())

# %%
report.table(view.table("stability"), max_rows=20)

# %% [markdown]
# ## 七、评分能否预测按时开工
# 用上一计划年度计划当年开工的项目检验：当时的成熟度得分能否预测项目是否按时开工（实际开工不晚于计划开工 30 天）。
# AUC 表示随机取一个按时开工和一个未按时开工的项目，前者得分更高的概率（0.5 等于瞎猜，1 为完全区分）；
# 逻辑回归给出各评分项的实际影响，与配置的权重对照。

# %%
Markdown(view.evidence_note(ds.is_demo))

# %%
None if view.refusal else plot_fitted_vs_configured(view.table("evidence").df)

# %%
report.table(view.table("evidence"))

# %% [markdown]
# ## 八、Excel 附表
# 全部项目的评分明细（各评分项得分、待办事项、是否入选、权重扰动下入选比例）及以上各表。

# %%
report.export_excel(view.excel(), "20-project-readiness", output_dir)

# %%
report.provenance(
    ds,
    {
        "data_dir": data_dir,
        "year": year,
        "config_path": config_path or str(readiness.default_config_path()),
        "max_projects": max_projects,
        "n_draws": n_draws,
        "spread": spread,
        "seed": seed,
        "output_dir": output_dir,
    },
)
