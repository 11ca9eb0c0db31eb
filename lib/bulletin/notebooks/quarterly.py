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
# # 季度通报 (quarterly bulletin, modelled on seed 002 浉河区)
# Run top to bottom with the defaults to see the demo district's bulletin (`bulletin demo` first).
# Cells only arrange figures from `bulletin.figures.compute` (the same values go to `quarterly.json`).

# %% tags=["parameters"]
district: str = "yunhe"  # district id: params/districts/<district>.yaml and data/<district>/
period: str = "2024-Q2"  # quarter, e.g. 2024-Q2
kind: str = "quarterly"  # bulletin kind
data_dir: str = ""  # folder of input tables; empty: data/ of the project (the nearest folder above holding params/)
params_dir: str = ""  # folder of district, scoring, calendar and wording files; empty: params/ of the project

# %% tags=["remove"]
from bulletin.document import narrative
from bulletin.document.builder import open_bulletin

b = open_bulletin(district, period, kind, data_dir, params_dir)
f = b.figures
b.emit_figures()

# %%
b.title_block()
b.show(narrative.intro(f, b.scheme.name if b.scheme else None, f"{b.district.name}政务服务中心"))

# %%
b.section("考核结果", narrative.scores_summary(f, b.district.scope) + narrative.grades(f, b.period_word)
          + narrative.ranking_table(f))
b.ranking_chart("本季度各单位绩效考核得分")

# %%
b.section("政务服务运行情况", narrative.overview(f, b.district.scope, detail=False) + narrative.channels(f))
b.trend_chart("本季度各月办件受理与办结情况")

# %%
b.section("事项清单管理", narrative.catalog(f, b.period_word))

# %%
b.section("好差评及投诉办理情况")
b.part("好差评", narrative.evaluations(f))
b.part("投诉办理", narrative.complaints(f))

# %%
b.section("督查情况", narrative.inspections(f) + narrative.attendance(f))

# %%
b.section("重点工作推进情况", narrative.other_work(f) + narrative.township_reports(f) + narrative.staff(f))

# %%
b.section("存在问题", narrative.note(f, "problems"))
b.section("下步工作安排", narrative.note(f, "next_steps"))
b.attachment_link()
b.signature()
