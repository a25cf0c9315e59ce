# %% [markdown]
# # 固定资产投资全年增速预测
# > 按已公布的月度累计数据，预测全年固定资产投资增长、达到20%目标的把握有多大、余下月份要增长多少（纪要一）

# %% tags=["parameters"]
data_dir: str = "data/demo"  # 数据目录：本月收到的数据
region: str = "湛江市"  # 报告主要地区
year: int = 2021  # 预测年度；上年为基数年
as_of: str = "2021-06"  # 数据截止月份（最后一个已公布的累计月份）
target_growth_pct: float = 20.0  # 全年增长目标(%)，纪要一
method: str = "auto"  # 预测方法：auto（回测误差最小）、ytd、two_year、trend、ets、combo
n_paths: int = 5000  # 每个地区的模拟路径数
seed: int = 2021  # 随机种子（结果可重现）
output_dir: str = ""  # Excel 附表输出目录；空则不导出（make report 自动设置）
dataset_cache: str = ""  # make report 已读入的数据，供各报告共用；空则读取数据目录

# %%
from IPython.display import Markdown

from zjanalysis import forecast, report
from zjanalysis.plots.forecast import plot_forecast_fan
from zjanalysis.reports.forecast import ForecastView

report.setup_notebook()

# %%
ds = report.load_dataset(data_dir, cache=dataset_cache)
result = forecast.forecast_for_dataset(
    ds,
    region=region,
    year=year,
    as_of=as_of,
    target_growth_pct=target_growth_pct,
    method=method,
    n_paths=n_paths,
    seed=seed,
)
view = ForecastView(result)

# %%
report.banner(ds, reads=forecast.READS)
report.headline(view.headline(), finding=view.finding())

# %% [markdown]
# ## 一、全年走势

# %%
Markdown(view.chart_note())

# %%
plot_forecast_fan(result.city, result.refusal)

# %% [markdown]
# ## 二、预测要点

# %%
report.table(view.table("key"))

# %% [markdown]
# ### 逐月路径
# “达标所需累计投资”按今年已公布的累计投资额和上年各月进度推算（1—12月已是全年结果，不再列出预测各列）。

# %%
report.table(view.table("path"))

# %% [markdown]
# ## 三、各县（市、区），按风险排序

# %%
Markdown(view.county_note())

# %%
report.table(view.table("county"))

# %% [markdown]
# ## 四、方法回测：预测有多可信
# 用过去每一年、每个截止月份的数据做预测，再与当年实际全年增速比较：平均绝对误差越小越准；
# 80%区间覆盖率接近80%说明区间说得老实；Brier分数越小，达标概率越可信。

# %%
Markdown(view.method_note())

# %%
report.table(view.table("backtest"))

# %%
report.table(view.table("backtest_by_month"))

# %% [markdown]
# ## 五、方法说明
# 现行做法把“1—N月累计增速”当作全年增速，年初偏差很大；去年走势异常时（如2020年先大跌后回升），今年各月的增速落在忽高忽低的基数上，更不可靠。
# 我们把现行做法、两年平均增速法（剔除上年基数影响）、近三个月增速外推法和统计模型（指数平滑）放在一起，用过去各年的数据逐月回测，选误差最小的方法；上年走势异常时只用剔除基数影响的方法。
# 预测区间和达标概率来自各方法在往年同一截止月份的实际误差，年初误差大区间就宽，上年走势异常时再放宽，因此区间反映真实的不确定性，而不是模型自己的估计。

# %% [markdown]
# ## 六、Excel 附表

# %%
report.export_excel(view.excel(), "10-fai-forecast", output_dir)

# %%
report.provenance(
    ds,
    {
        "data_dir": data_dir,
        "region": region,
        "year": year,
        "as_of": as_of,
        "target_growth_pct": target_growth_pct,
        "method": method,
        "n_paths": n_paths,
        "seed": seed,
        "output_dir": output_dir,
    },
)
