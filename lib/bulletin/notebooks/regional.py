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
# # 地区通报 (regional bulletin: 全市各县(市、区)政务服务工作情况通报), every kind
# Run top to bottom with the defaults to see the demo region's bulletin (`bulletin demo` first).
# Every figure comes from `bulletin.figures.regional` over the members' stored monthly aggregates
# (the same values go to `<kind>.json`); cells here only arrange them.

# %% tags=["parameters"]
region: str = "shili"  # region id: params/regions/<region>.yaml
period: str = "2024-06"  # month, quarter, half year, year or month range
kind: str = "monthly"  # bulletin kind
data_dir: str = ""  # folder of input tables (each member's data/<district>/); empty: data/ of the project
params_dir: str = ""  # folder of region, district, scoring and calendar files; empty: params/ of the project

# %% tags=["remove"]
from bulletin.document import regional_narrative as rn
from bulletin.document.regional import open_region

b = open_region(region, period, kind, data_dir, params_dir)
f = b.figures
b.emit_figures()

# %%
b.title_block()
w = b.wording
b.show(rn.intro(f, b.scheme.name if b.scheme else None, wording=w) + rn.coverage(f, wording=w))

# %%
b.section("总体情况", rn.overview(f, wording=w))

# %%
b.section("各县(市、区)排名", rn.ranking_intro(f, wording=w) + rn.ranking_table(f))
b.rank_chart("各县(市、区)各项指标名次(颜色越深名次越前)")
b.ranking_chart("各县(市、区)综合得分")

# %%
b.section("先进与后进", rn.named(f, b.period_word, wording=w))

# %%
b.section("好差评及差评整改情况", rn.evaluations(f, wording=w))

# %%
b.section("超期未办情况", rn.overdue(f, wording=w))

# %%
b.section("投诉办理情况", rn.complaints(f, wording=w))

# %%
b.section("各县(市、区)办件趋势", rn.trend_note(f, wording=w))
b.trend_panels("各县(市、区)每月办件受理与办结情况(同一纵轴)")

# %%
b.section("存在问题", rn.problems(f, wording=w))
b.section("下步工作安排", rn.note(f, "next_steps"))

# %%
b.attachment_link()
b.show(rn.attachment_table(f))
b.member_links()
b.signature()
