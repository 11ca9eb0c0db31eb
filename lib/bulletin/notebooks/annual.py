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
# # 年度工作总结 (annual summary, modelled on seed 001 衡阳市 1-11月 and seed 003's targets)
# A year (2024) or a month range (2024-01..2024-11). Run top to bottom with the defaults on demo data.
# Cells only arrange figures from `bulletin.figures.compute` (the same values go to `annual.json`).

# %% tags=["parameters"]
district: str = "yunhe"  # district id: params/districts/<district>.yaml and data/<district>/
period: str = "2024"  # a year (2024) or a month range (2024-01..2024-11)
kind: str = "annual"  # bulletin kind
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
b.section("主要成效")
b.part("政务服务运行情况", narrative.overview(f, b.district.scope, detail=False, wording=w) + narrative.channels(f, wording=w)
       + narrative.townships(f, wording=w) + narrative.top_departments(f, wording=w))
b.trend_chart("各月办件受理与当月办结情况(当月办结指当月受理且当月办结的件数,与正文期末办结数口径不同)")
b.part("事项清单管理", narrative.catalog(f, b.period_word, wording=w))
b.part("好差评工作", narrative.evaluations(f, wording=w))
b.part("投诉办理", narrative.complaints(f, wording=w))
b.part("其他重点工作", narrative.other_work(f, wording=w) + narrative.township_reports(f, wording=w)
       + narrative.staff(f, b.period_word, wording=w))

# %%
b.section("目标完成情况", narrative.targets(f, wording=w))

# %%
b.section("工作亮点", narrative.highlights(f, wording=w))

# %%
b.section("考核情况", narrative.scores_summary(f, b.district.scope, table_in_body=False, wording=w) + narrative.grades(f, b.period_word, wording=w)
          + narrative.ranking_changes(f, wording=w))
b.ranking_chart("各单位绩效考核得分")

# %%
b.section("存在问题", narrative.problems(f, wording=w))
b.section("下步打算", narrative.next_steps(f, wording=w))
b.attachment_link()
b.signature()
