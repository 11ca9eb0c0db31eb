"""Bulletin sentences, returned as document blocks: each function decides whether its part exists and
renders its wording template (`document/templates/wording/<name>.j2`, overridable from
`params/wording/`, see `bulletin.document.wording`) over the figures dict. Tables are built here."""

from __future__ import annotations

from typing import Any

from bulletin.document.display import category_header, movement, ordinal, pct, points, score_number
from bulletin.document.model import Block, Paragraph, paragraphs, table
from bulletin.document.wording import Wording, render_template, split_paragraphs

__all__ = ["ordinal", "movement", "category_header"]  # re-exported (builder numbers its sections with ordinal)


def say(name: str, f: dict[str, Any], wording: Wording | None = None, **context: Any) -> list[Block]:
    """The paragraphs wording template `name` writes for the figures `f` (plus the names in `context`)."""
    return [Paragraph(text) for text in split_paragraphs(render_template(name, f, wording, **context))]


def intro(f: dict[str, Any], scheme_name: str | None, center: str, *, wording: Wording | None = None) -> list[Block]:
    """The opening paragraph: on what basis, and for which period, the bulletin reports."""
    return say("intro", f, wording, scheme_name=scheme_name, center=center)


def overview(f: dict[str, Any], scope: str, detail: bool = True, *, wording: Wording | None = None) -> list[Block]:
    """总体情况: 受理, 办结, 办结率, 即办件, 提前办结, 按时办结率, 超期未办 and their 同比/环比;
    with `detail`, also channels, townships, overdue by township and the busiest departments."""
    if not f.get("cases"):
        return []
    out = say("overview", f, wording, scope=scope)
    gaps = say("data_gaps", f, wording) if f.get("data_gaps") else []
    if not detail:
        return out + gaps
    return (out + channels(f, wording=wording) + townships(f, wording=wording) + overdue(f, wording=wording)
            + top_departments(f, wording=wording) + gaps)


def channels(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """申办渠道: received per channel with its share."""
    c = f.get("cases") or {}
    if not any((c.get("by_channel") or {}).values()) or not c.get("received"):
        return []
    return say("channels", f, wording)


def townships(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """办理地点: the district hall and each township's service center."""
    if not (f.get("cases") or {}).get("by_township"):
        return []
    return say("townships", f, wording)


def overdue(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """超期未办 by township, with a request to act."""
    if not (f.get("cases") or {}).get("overdue_by_township"):
        return []
    return say("overdue", f, wording)


def top_departments(f: dict[str, Any], n: int = 5, *, wording: Wording | None = None) -> list[Block]:
    """The departments that received most cases."""
    if not (f.get("cases") or {}).get("by_department"):
        return []
    return say("top_departments", f, wording, n=n)


def scores_summary(f: dict[str, Any], scope: str, *, table_in_body: bool = True,
                   wording: Wording | None = None) -> list[Block]:
    """单位绩效考核: highest, lowest, mean, spread, count above base, top 3 and bottom 3; (详见附件) only when the
    body does not show the whole ranking."""
    s = f.get("scores")
    if not s or not s.get("ranking"):
        return []
    return say("scores_summary", f, wording, scope=scope, excerpt=excerpted(f) or not table_in_body)


# A table longer than this shows an excerpt in the body (the first and last EXCERPT_ROWS rows) and is given
# in full in the 附件 (the seeds' practice).
BODY_ROWS_MAX = 15
EXCERPT_ROWS = 5


def excerpted(f: dict[str, Any]) -> bool:
    """Whether the body shows only part of the ranking (the full table is in the 附件)."""
    return len((f.get("scores") or {}).get("ranking") or []) > BODY_ROWS_MAX


def ranking_table(f: dict[str, Any], caption: str = "各单位绩效考核排名", *, full: bool = False) -> list[Block]:
    """The ranking: 排名, 单位, category subtotals (扣分/加分), 总分 (3 decimals) and, where the previous period was
    scored, 上期排名 and 变化; over BODY_ROWS_MAX rows, unless `full` (the 附件), the first and last EXCERPT_ROWS."""
    s = f.get("scores")
    if not s or not s.get("ranking"):
        return []
    categories = list(dict.fromkeys(i["category"] for i in s["items"]))
    by_department = {row["department"]: row for row in f["departments"]}
    moves = {r["department"]: r for r in s.get("moves") or []} if s.get("previous") else {}
    rows = []
    for r in s["ranking"]:
        d = by_department.get(r["department"], {})
        cells = [r["rank"], r["department"]] + [score_number(d.get(f"category:{c}") or 0.0) for c in categories]
        cells.append(score_number(r["total"]))
        if moves:
            mv = moves.get(r["department"]) or {}
            cells += [mv.get("previous_rank") or "—", movement(mv.get("move"))]
        rows.append(cells)
    header = (["排名", "单位"] + [category_header(c, [by_department.get(r["department"], {}).get(f"category:{c}") or 0.0
                                                  for r in s["ranking"]]) for c in categories] + ["总分"])
    numeric = [0] + list(range(2, len(header)))
    if moves:
        header += [f"{s['previous'].get('relation', '上期')}排名({s['previous']['period_label']})", "变化"]
        numeric.append(len(header) - 2)
    label = f"{f['period_label']}{caption}"
    if len(rows) > BODY_ROWS_MAX and not full:
        rows = rows[:EXCERPT_ROWS] + [["…"] * len(header)] + rows[-EXCERPT_ROWS:]
        label += f"(前{EXCERPT_ROWS}名和后{EXCERPT_ROWS}名,全部{len(s['ranking'])}个单位见附件)"
    return [table(header, rows, caption=label, role="data ranking", numeric=numeric)]


def ranking_changes(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """Change since last time (上期, or 上年同期 for half years, years and ranges): units that rose or fell most, and
    those in the bottom three both times; or why no change is stated when either period's scores are incomplete."""
    s = f.get("scores") or {}
    if not s.get("ranking"):
        return []
    if s.get("previous"):
        return say("ranking_changes", f, wording)
    if s.get("previous_incomplete"):
        return say("ranking_not_compared", f, wording)
    return []


def evaluations(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """好差评: counts by rating, 好评率, 满意度, 差评 and their 整改."""
    e = f.get("evaluations")
    if not e or not e["total"]:
        return []
    return say("evaluations", f, wording)


def complaints(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """投诉: total by source, by department, 办结率, 回访满意率 (never the complaint text)."""
    c = f.get("complaints")
    if not c or not c["total"]:
        return []
    return say("complaints", f, wording)


def inspections(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """督查发现问题: summary, then each finding with its department; over BODY_ROWS_MAX findings, the units with
    most findings instead (every finding is in the 附件)."""
    i = f.get("inspections")
    if not i or not i["total"]:
        return []
    findings = i["findings"]
    if len(findings) <= BODY_ROWS_MAX:
        rows = [(r["date"], r["department"], r["category"], r["finding"], points(r["deduction"])) for r in findings]
        return say("inspections", f, wording, excerpt=False) + [
            table(["日期", "单位", "类别", "问题描述", "扣分(分)"], rows, caption=f"{f['period_label']}督查发现问题",
                  role="data findings", numeric=[4])]
    units = list(i["by_department"].items())[:BODY_ROWS_MAX // 2]
    return say("inspections", f, wording, excerpt=True) + [
        table(["单位", "发现问题(个)"], units, role="data findings",
              caption=f"{f['period_label']}督查发现问题较多的单位(前{len(units)}个,全部{len(findings)}条问题见附件)",
              numeric=[1])]


def other_work(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """便民服务, 局长进大厅 and 电子证照入库 totals, where the tables exist."""
    out: list[Block] = []
    if (f.get("services") or {}).get("total"):
        out += say("services", f, wording)
    if (f.get("leader_visits") or {}).get("visits"):
        out += say("leader_visits", f, wording)
    if (f.get("certificates") or {}).get("total"):
        out += say("certificates", f, wording)
    return out


def numbered(blocks: list[Block]) -> list[Block]:
    """Paragraphs numbered 1. 2. 3. (points of a list)."""
    return [Paragraph(f"{n}.{b.text}", b.role) for n, b in enumerate(blocks, start=1)]


def drafted_off(f: dict[str, Any]) -> bool:
    """Whether the district's notes replace the drafted points (`notes.<period>.drafted: false`)."""
    return str((f.get("notes") or {}).get("drafted", "")).strip().lower() in ("false", "no", "否", "0")


def problems(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """存在问题: points drafted from the period's figures (each with its figure), then notes.problems verbatim."""
    drafted = [] if drafted_off(f) else numbered(say("problems", f, wording))
    return drafted + note(f, "problems")


def next_steps(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """下步工作安排: one step per drafted problem, then notes.next_steps verbatim."""
    drafted = [] if drafted_off(f) else numbered(say("next_steps", f, wording))
    return drafted + note(f, "next_steps")


def year_to_date(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """全年累计 (in the fourth quarter's bulletin): the year's cases so far."""
    if not f.get("year_to_date"):
        return []
    return say("year_to_date", f, wording)


def note(f: dict[str, Any], key: str) -> list[Block]:
    """Analyst text from the district file (problems / next_steps), verbatim (never a template) and escaped."""
    text = (f.get("notes") or {}).get(key)
    return paragraphs(text) if text else []


def advanced_units(f: dict[str, Any], period_word: str = "本月", *, wording: Wording | None = None) -> list[Block]:
    """先进/后进 units: the top 3 and bottom 3 of the ranking, named in a sentence."""
    s = f.get("scores")
    if not s or not (s.get("no_advanced_reason") or (s.get("top3") and s.get("bottom3"))):
        return []
    return say("advanced_units", f, wording, period_word=period_word)


def grades(f: dict[str, Any], period_word: str = "本季度", *, wording: Wording | None = None) -> list[Block]:
    """考核结果 by 等次 (好 / 较好 / 一般 ...), each grade with its units."""
    s = f.get("scores")
    if not s or not s.get("by_grade"):
        return []
    return say("grades", f, wording, period_word=period_word)


def catalog(f: dict[str, Any], period_word: str = "本期", *, wording: Wording | None = None) -> list[Block]:
    """事项清单: items in the catalog, shares and compression rates, added and cancelled in the period."""
    c = f.get("catalog")
    if not c or not c["items"]:
        return []
    return say("catalog", f, wording, period_word=period_word)


def comparison(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """同比/环比 analysis: each count's change and each rate's change in percentage points."""
    if not f.get("cases"):
        return []
    return say("comparison", f, wording)


def targets(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """目标完成: each district target with its value and 达标/未达标."""
    rows = [t for t in f.get("targets") or [] if t["value"] is not None]
    if not rows:
        return []

    def shown(t, v):
        return pct(v) if t["metric"].endswith(("rate", "share", "compression")) else f"{v:g}"

    def goal(t):
        return "≥" + shown(t, t["min"]) if t["min"] is not None else "≤" + shown(t, t["max"])

    body = [(t["name"], goal(t), shown(t, t["value"]), "达标" if t["met"] else "未达标") for t in rows]
    return say("targets", f, wording) + [
        table(["目标", "目标值", "完成值", "完成情况"], body, caption="年度目标完成情况", role="data targets", numeric=[1, 2])]


def highlights(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """亮点: the period's strongest figures, stated as achievements (only those the data supports)."""
    sections = {k: f.get(k) or {} for k in ("cases", "evaluations", "services", "certificates")}
    return numbered(say("highlights", {**f, **sections}, wording))


def township_reports(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """乡镇报送: reports due, on time, 报送及时率 and the late ones by township."""
    t = f.get("township_reports")
    if not t or not t["due"]:
        return []
    return say("township_reports", f, wording)


def attendance(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """考勤: findings by kind and the departments concerned (no personal names)."""
    a = f.get("attendance")
    if not a or not a["total"]:
        return []
    return say("attendance", f, wording)


def staff(f: dict[str, Any], period_word: str = "本期", *, wording: Wording | None = None) -> list[Block]:
    """个人考评: staff scored and their mean; 优秀工作人员 (the top names) only where the district publishes names."""
    s = f.get("staff") or {}
    if not s.get("scored") or s.get("mean") is None:
        return []
    return say("staff", f, wording, period_word=period_word)
