# %% [markdown]
# # 固定资产投资全年增速预测
# > 按已公布的月度累计数据，预测全年固定资产投资增长、达到年度增长目标的把握有多大、余下月份要增长多少（纪要一）

# %% tags=["parameters"]
from typing import Optional  # papermill reads Optional[float] as a parameter type, not float | None

data_dir: str = "data/demo"  # 数据目录：本月收到的数据
region: str = "湛江市"  # 报告主要地区
year: int = 2021  # 预测年度；上年为基数年
as_of: str = "2021-06"  # 数据截止月份（最后一个已公布的累计月份）
target_growth_pct: Optional[float] = None  # 全年增长目标(%)；空则取《年度目标》表，表中没有时为20%（纪要一）
method: str = "auto"  # 预测方法：auto（基数校正法，正常年份不足3对时沿用累计增速）、ytd、two_year、trend、ets、combo、adjusted
n_paths: int = 5000  # 指数平滑模型自身的模拟次数（仅作对照；区间和概率是精确值）
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
report.headline(view.headline(), finding=view.finding(), brief=view.brief())

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
# ### 今年各月的预测
# 每个月用当月已公布的数据重新预测（不是用后来的数据修正），看预测和达标概率是怎样一步步变化的。

# %%
report.table(view.table("track"))

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

# %% [markdown]
# 各方法在不同截止月份的平均绝对误差（百分点）：截止月份越晚，误差应越小。

# %%
report.table(view.table("backtest_by_month"))

# %% [markdown]
# ## 五、方法说明
# 现行做法把“1—N月累计增速”当作全年增速，年初偏差很大；去年走势异常时（如先大跌后回升），今年各月的增速落在忽高忽低的基数上，更不可靠。
# 本报告默认的“自动选择”：先从数据判断哪些年份走势异常（累计增速偏离当年全年值远超正常年份），把今年的增速叠加到上一个正常年份再折回今年（一个异常年后用两年平均，冲击年及其反弹年后用三年），再按正常年份从该月到年末的典型变化校正，并与累计增速按各自的误差加权（上年同期越接近其全年水平，累计增速的权重越大）；今年增速较上年突变时按冲击处理，余下月份按上一个正常年份的增速恢复。正常年份不足3对时无法校准，沿用累计增速。
# 预测区间和达标概率用往年正常年份同一截止月份的实际误差校准（自由度为4的t分布的精确值：误差多数年份很小、个别年份很大，尺度按最大似然估计，一个坏年份不会把以后每年的区间都撑宽），上年异常或今年遇冲击时放宽且不设上限，并且不窄于各方法之间的分歧。方法回测表第一行就是“自动选择”本身：每一年只用当年以前的数据，和本报告的做法完全一致。
# 这套做法在8个全国真实序列（2013—2025年，共1,040次黑箱预测）上检验过，结果见 README。

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
