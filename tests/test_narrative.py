"""The prose rules of issue 16 over fixed figures dicts: each case fails if its rule is broken."""

from __future__ import annotations

import copy

import pytest

from bulletin.document import narrative
from bulletin.figures.metrics import hotspot_threshold, hotspots, ranking_moves

MONTH = {"kind": "monthly", "period": "2024-06", "period_label": "2024年6月", "as_of_label": "2024年6月",
         "compare": {"bases": ["previous", "year_ago"], "since": "previous"}, "notes": {}}
RANGE = {"kind": "annual", "period": "2024-01..2024-11", "period_label": "2024年1-11月", "as_of_label": "2024年11月",
         "compare": {"bases": ["year_ago"], "since": "year_ago"}, "notes": {}}


def cases(**changes):
    c = {"received": 1000, "completed": 900, "completion_rate": 0.9, "instant": 0, "instant_same_day": 0,
         "instant_same_day_rate": None, "early": 0, "on_time_rate": 0.95, "overdue_open": 4, "hall": 800,
         "by_channel": {"窗口": 600, "全程网办": 400}, "channel_share": {"窗口": 0.6, "全程网办": 0.4},
         "by_township": {"东湖街道": 200}, "township_total": 200, "overdue_by_township": {"东湖街道": 4},
         "overdue_township_total": 4, "overdue_townships_named": {"东湖街道": 4}, "by_department": {"公安局": 1000},
         "departments_received": 1, "yoy": 0.069, "mom": 0.069, "same_change": True, "online": 400, "online_share": 0.4,
         "year_ago": {"period_label": "2023年6月", "received": 935, "online_share": 0.38},
         "previous": {"period_label": "2024年5月", "received": 935, "online_share": 0.41},
         "vs_year_ago": {"received": 0.069, "completed": 0.05, "instant": None, "early": None, "completion_rate": 0.01,
                         "on_time_rate": 0.002, "instant_same_day_rate": None, "online_share": 0.02},
         "vs_previous": {"received": 0.069, "completed": 0.04, "instant": None, "early": None, "completion_rate": -0.01,
                         "on_time_rate": 0.0, "instant_same_day_rate": None, "online_share": -0.01}}
    c.update(changes)
    return c


def text(blocks) -> str:
    return "\n".join(b.text for b in blocks)


def test_drafted_problems_never_state_an_inspection_category_not_found():
    """The 着装 contradiction: 存在问题 names only inspection categories the period's findings contain."""
    f = dict(MONTH, inspections={"total": 3, "departments": 2, "by_category": {"到岗": 2, "卷宗": 1}, "by_department": {}})
    drafted = text(narrative.problems(f))
    assert "到岗2个" in drafted and "卷宗1个" in drafted and "着装" not in drafted
    f["inspections"]["by_category"]["着装"] = 1
    assert "着装1个" in text(narrative.problems(f))


def test_nothing_drafted_when_the_data_shows_no_problem_and_notes_follow_verbatim():
    """No figure shows a problem: no drafted point; the district's notes still follow verbatim, after any points."""
    f = dict(MONTH, cases=cases(overdue_open=0), inspections={"total": 0}, notes={"problems": "一是<b>&注意。"})
    assert [b.text for b in narrative.problems(f)] == ["一是<b>&注意。"]
    f["cases"] = cases()
    blocks = narrative.problems(f)
    assert blocks[0].text.startswith("1.办件超期现象仍然存在。截至2024年6月末超期未办4件") and blocks[-1].text == "一是<b>&注意。"
    f["notes"] = {"problems": "只用说明。", "drafted": "false"}
    assert [b.text for b in narrative.problems(f)] == ["只用说明。"]


def test_good_rate_said_once_when_it_is_the_satisfaction():
    """The duplicated figure: 好评率 and 满意度 are one number when satisfaction is the good rate: said once."""
    e = {"total": 100, "online": 60, "offline": 40, "by_rating": {"5": 90, "4": 5, "3": 3, "2": 1, "1": 1},
         "good_rate": 0.98, "satisfaction": 0.98, "satisfaction_is_good_rate": True, "bad": 2, "rectified": 2,
         "rectified_rate": 1.0, "unrectified": 0}
    said = text(narrative.evaluations(dict(MONTH, evaluations=e)))
    assert said.count("98%") == 1
    e.update(satisfaction=0.95, satisfaction_is_good_rate=False)
    said = text(narrative.evaluations(dict(MONTH, evaluations=e)))
    assert "好评率98%" in said and "群众满意度95%" in said


def test_equal_yoy_and_mom_said_once_but_as_two_facts():
    """同比 and 环比 that read the same are merged into one clause, not the same number twice."""
    said = text(narrative.overview(dict(MONTH, cases=cases()), "全区", detail=False))
    assert "同比、环比均增加6.9%" in said and said.count("6.9%") == 1
    said = text(narrative.overview(dict(MONTH, cases=cases(mom=0.05, same_change=False)), "全区", detail=False))
    assert "同比增加6.9%,环比增加5.0%" in said


def test_a_month_range_compares_only_with_a_year_earlier():
    """The 环比 of a range is meaningless: a range's overview and 同比分析 never say 环比 or name the preceding months."""
    f = dict(RANGE, cases=cases())
    said = text(narrative.overview(f, "全区", detail=False)) + text(narrative.comparison(f))
    assert "环比" not in said and "2024年5月" not in said and "与2023年6月相比" in said
    assert "截至2024年11月末" in said and "1-11月末" not in said


def test_one_complaint_is_not_many():
    """较多 for 1: units with one complaint each are never called 较多; a unit above the stated threshold is."""
    c = {"total": 3, "by_source": {"现场": 3}, "resolved": 3, "resolved_rate": 1.0, "callback_satisfied_rate": None,
         "by_department": {"不动产登记中心": 1, "公安局": 1}, "departments": 2, "without_department": 1,
         "hotspot_min": 3, "hotspot_times_mean": 2, "hotspots": {}, "max_per_department": 1}
    said = text(narrative.complaints(dict(MONTH, complaints=c)))
    assert "较多" not in said and "另有1件未涉及具体单位" in said and "未出现投诉集中的单位" in said
    assert not text(narrative.problems(dict(MONTH, complaints=c)))
    assert hotspots({"a": 1, "b": 1}, hotspot_threshold({"a": 1, "b": 1})) == {}
    counts = {"a": 9, "b": 1, "c": 1, "d": 1}
    assert hotspot_threshold(counts) == 6 and hotspots(counts, 6) == {"a": 9}


@pytest.mark.parametrize("types, cut", [(6, True), (5, False)])
def test_a_cut_list_ends_with_deng_and_says_how_many(types, cut):
    """A cut list ends with 等 and states how many in all; a whole list has no 等."""
    by_type = {f"证照{i}": 100 - i for i in range(types)}
    f = dict(MONTH, certificates={"total": sum(by_type.values()), "by_type": by_type, "types": types})
    said = text(narrative.other_work(f))
    assert said.endswith("等。") is cut
    assert (f"涉及{types}类证照" in said) is cut


def test_attendance_cut_list_says_deng():
    """The attendance list of units is cut at 8 and then ends with 等, stating the number of units."""
    units = {f"单位{i}": 1 for i in range(9)}
    f = dict(MONTH, attendance={"total": 9, "by_kind": {"迟到": 9}, "by_department": units, "departments": 9})
    said = text(narrative.attendance(f))
    assert "涉及9个单位" in said and said.endswith("等。")


def test_highlights_are_whole_sentences_with_their_comparison_and_only_achievements():
    """亮点: each a numbered sentence ending in 。 with its 上年同期 comparison; a figure that fell is left out."""
    f = dict(RANGE, cases=cases(instant_same_day_rate=0.97, vs_year_ago=dict(cases()["vs_year_ago"], instant_same_day_rate=-0.01)))
    points = [b.text for b in narrative.highlights(f)]
    assert points and all(p.endswith("。") and p.split(".", 1)[0].isdigit() for p in points)
    assert any("较上年同期增加2个百分点" in p for p in points)
    assert not any("即时办结率" in p for p in points)


def test_ranking_moves_and_table():
    """Movement reads ↑3 ↓2 持平 新; the table shows 上期排名 and 变化, headers say 扣分/加分, over 15 rows an excerpt."""
    assert [narrative.movement(m) for m in (3, -2, 0, None)] == ["↑3", "↓2", "持平", "新"]
    now = [{"department": f"单位{i}", "total": 110.0 - i, "rank": i + 1} for i in range(20)]
    before = [{"department": f"单位{i}", "total": 100.0, "rank": 20 - i} for i in range(1, 20)]
    moves = ranking_moves(now, before)
    assert moves[0]["move"] is None and moves[1] == {"department": "单位1", "previous_rank": 19, "previous_total": 100.0, "move": 17}
    f = dict(MONTH, departments=[{"department": r["department"], "category:纪律": -1.0, "category:效率": 2.0} for r in now],
             scores={"ranking": now, "items": [{"category": "效率"}, {"category": "纪律"}], "moves": moves,
                     "previous": {"period_label": "2024年5月"}})
    (t,) = narrative.ranking_table(f)
    assert "效率(加分)" in t.header and "纪律(扣分)" in t.header and "上期排名(2024年5月)" in t.header
    assert len(t.rows) == 11 and "见附件" in t.caption and t.rows[0][-1] == "新" and t.rows[1][-1] == "↑17"


def test_see_attachment_only_when_the_body_lacks_the_full_table():
    """(详见附件) is said when the ranking is excerpted or not in the body, never over the full table."""
    ranking = [{"department": f"单位{i}", "total": 100.0 + i, "rank": i + 1} for i in range(10)]
    s = {"scheme": "办法", "ranking": ranking, "max": 109.0, "min": 100.0, "mean": 104.5, "spread": 9.0,
         "above_base": 9, "base": 100.0, "top3": ["单位0", "单位1", "单位2"], "bottom3": ["单位7", "单位8", "单位9"]}
    f = dict(MONTH, scores=s)
    assert "详见附件" not in text(narrative.scores_summary(f, "全区"))
    assert "详见附件" in text(narrative.scores_summary(f, "全区", table_in_body=False))
    f2 = dict(MONTH, scores=dict(s, ranking=ranking * 2))
    assert "详见附件" in text(narrative.scores_summary(f2, "全区"))


def test_narrative_never_changes_the_figures():
    """Sentences read the figures only: rendering every part leaves the dict as it was."""
    f = dict(MONTH, cases=cases(), inspections={"total": 1, "departments": 1, "by_category": {"到岗": 1},
                                                "by_department": {"公安局": 1}, "deduction": 1.0,
                                                "findings": [{"date": "2024-06-03", "department": "公安局",
                                                              "category": "到岗", "finding": "空岗", "deduction": 1.0}]})
    before = copy.deepcopy(f)
    narrative.overview(f, "全区")
    narrative.inspections(f)
    narrative.problems(f)
    narrative.next_steps(f)
    assert f == before


def test_staff_named_only_where_published():
    """个人考评 states the count and mean everywhere, and names the top staff only when the figures carry them."""
    s = {"scored": 56, "mean": 94.6036}
    said = text(narrative.staff(dict(MONTH, staff=s), "本月"))
    assert said == "本月对56名窗口工作人员进行了个人考评,平均得分94.604分。"
    s["top"] = [{"staff": "张三", "department": "公安局", "score": 99.5}]
    assert "张三(公安局,99.500分)得分居前" in text(narrative.staff(dict(MONTH, staff=s), "本月"))


def _ranked(n: int = 6) -> dict:
    ranking = [{"department": f"单位{i}", "total": 110.0 - i, "rank": i + 1} for i in range(n)]
    return {"scheme": "办法", "ranking": ranking, "items": [{"category": "效率"}], "base": 100.0,
            "top3": ["单位0", "单位1", "单位2"], "bottom3": ["单位3", "单位4", "单位5"], "move_named_min": 3,
            "risers": [{"department": "单位0", "move": 4}], "fallers": [], "bottom_again": ["单位5"],
            "moves": [], "previous_incomplete": None}


@pytest.mark.parametrize("relation, label, since, twice", [
    ("上期", "2024年5月", "与2024年5月相比", "单位5连续2个月排名后三位"),
    ("上年同期", "2023年上半年", "与上年同期(2023年上半年)相比", "单位5上年同期也排名后三位"),
])
def test_ranking_change_names_what_it_compares_with(relation, label, since, twice):
    """A half year's change is against the same half a year earlier, said so; a run (连续) only for consecutive
    periods."""
    s = dict(_ranked(), previous={"period_label": label, "relation": relation, "ranking": [], "bottom3": []},
             bottom_runs=[{"department": "单位5", "periods": 2, "at_least": False}] if relation == "上期" else [],
             run_unit="个月" if relation == "上期" else "")
    f = dict(MONTH if relation == "上期" else RANGE, scores=s)
    said = text(narrative.ranking_changes(f))
    assert said.startswith(since) and "单位0(上升4位)" in said
    problems = text(narrative.problems(f))
    assert twice in problems and twice in said.replace("本期与上年同期均", "上年同期也")
    assert ("连续" in problems) == (relation == "上期")
    assert ("连续两期" in text(narrative.next_steps(f))) == (relation == "上期")


def test_bottom_runs_say_how_long_and_at_least_where_the_count_stopped():
    """连续N个月 from scores.bottom_runs, longest first; 及以上 only where the unit was still there when counting
    stopped."""
    runs = [{"department": "单位5", "periods": 6, "at_least": True}, {"department": "单位3", "periods": 3, "at_least": False}]
    s = dict(_ranked(), previous={"period_label": "2024年第一季度", "relation": "上期", "ranking": [], "bottom3": []},
             bottom_again=["单位5", "单位3"], bottom_runs=runs, run_unit="个季度")
    f = dict(MONTH, scores=s)
    expected = "单位5连续6个季度及以上、单位3连续3个季度排名后三位"
    assert expected in text(narrative.ranking_changes(f)) and expected in text(narrative.problems(f))


def test_no_ranking_change_from_incomplete_scores():
    """previous_incomplete: the reason is said and no unit is named as rising or falling."""
    s = dict(_ranked(), previous=None, risers=[], bottom_again=[],
             previous_incomplete={"period_label": "2023年上半年", "relation": "上年同期",
                                  "reason": "2023年3月没有办件数据,考核依据不完整"})
    said = text(narrative.ranking_changes(dict(RANGE, scores=s)))
    assert said == "2023年3月没有办件数据,考核依据不完整,本期排名不与上年同期(2023年上半年)作比较。"
    assert narrative.ranking_changes(dict(RANGE, scores=dict(s, previous_incomplete=None))) == []
