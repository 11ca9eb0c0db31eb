# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (bulletin)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove"]
# # 半年运行分析 (half-year analysis, modelled on seed 004 灵武市)
# Run top to bottom with the defaults to see the demo district's analysis (`bulletin demo` first).
# Cells only arrange figures from `bulletin.figures.compute` (the same values go to `half_year.json`).

# %% tags=["parameters"]
district: str = "yunhe"  # district id: params/districts/<district>.yaml and data/<district>/
period: str = "2024-H1"  # half year, e.g. 2024-H1
kind: str = "half_year"  # bulletin kind
data_dir: str = ""  # folder of input tables; empty: data/ of the project (the nearest folder above holding params/)
params_dir: str = ""  # folder of district, scoring, calendar and wording files; empty: params/ of the project

# %% tags=["remove"]
from bulletin.document import narrative
from bulletin.document.builder import open_bulletin

b = open_bulletin(district, period, kind, data_dir, params_dir)
f = b.figures
w = b.wording  # sentence templates: params/wording/ over the package's
b.emit_figures()

# %%
b.title_block()
b.show(narrative.intro(f, b.scheme.name if b.scheme else None, f"{b.district.name}政务服务中心", wording=w))

# %%
b.section("总体运行情况", narrative.overview(f, b.district.scope, detail=False, wording=w))
b.trend_chart(f"{b.period_word}各月办件受理与当月办结情况(当月办结指当月受理且当月办结的件数,与正文期末办结数口径不同)")

# %%
b.section("运行分析")
b.part("申办渠道", narrative.channels(f, wording=w))
b.channel_chart("各申办渠道受理情况")
b.part("乡镇(街道)办件", narrative.townships(f, wording=w))
b.township_chart("各乡镇(街道)便民服务中心受理件数")
b.part("超期未办", narrative.overdue(f, wording=w))
b.township_chart("各乡镇(街道)超期未办件数", key="overdue_by_township")
b.part("好差评", narrative.evaluations(f, wording=w))
b.evaluation_chart("各月线上、线下评价数量")
b.part("投诉办理", narrative.complaints(f, wording=w))
b.part("便民服务及电子证照", narrative.other_work(f, wording=w) + narrative.staff(f, b.period_word, wording=w))

# %%
b.section("同比分析", narrative.comparison(f, wording=w))

# %%
b.section("考核情况", narrative.scores_summary(f, b.district.scope, table_in_body=False, wording=w) + narrative.grades(f, b.period_word, wording=w)
          + narrative.ranking_changes(f, wording=w))
b.ranking_chart(f"{b.period_word}各单位绩效考核得分")

# %%
b.section("存在问题", narrative.problems(f, wording=w))
b.section("意见建议", narrative.next_steps(f, wording=w))
b.attachment_link()
b.signature()
