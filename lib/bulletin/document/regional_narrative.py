"""Sentences and tables of the regional (市/省) bulletin, as document blocks, over the regional figures dict.

Every sentence is a wording template `regional/<name>.j2` (package defaults in
`document/templates/wording/regional/`, overridable from `params/wording/[<region>/][<kind>/]regional/<name>.j2`,
see `bulletin.document.wording`); each function here only decides whether its part exists. Tables are built here.
"""

from __future__ import annotations

from typing import Any

from bulletin.document.display import pct, score_number
from bulletin.document.model import Block, Paragraph, paragraphs, table
from bulletin.document.wording import Wording, render_template, split_paragraphs
from bulletin.figures.regional import RANKED

MEMBERS = "县(市、区)"
TABLE_LABELS = {"cases": "办件", "evaluations": "好差评", "complaints": "投诉"}


def say(name: str, f: dict[str, Any], wording: Wording | None = None, role: str = "body",
        **context: Any) -> list[Block]:
    """The paragraphs wording template `regional/<name>` writes for the regional figures `f` (role for each)."""
    text = render_template(f"regional/{name}", f, wording, scope_word=_scope_word(f), **context)
    return [Paragraph(p, role) for p in split_paragraphs(text)]


def _rank(value: int | None) -> str:
    return "—" if value is None else str(value)


def _scope_word(f: dict[str, Any]) -> str:
    """全市 -> 市, 全省 -> 省, anything else -> 地区 (as in 全市汇总, 全地区平均水平)."""
    return f["scope"][1:] if f["scope"].startswith("全") else "地区"


def intro(f: dict[str, Any], scheme_name: str | None, *, wording: Wording | None = None) -> list[Block]:
    """The opening paragraph: on what basis, over which districts, for which period."""
    return say("intro", f, wording, scheme_name=scheme_name)


def coverage(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """Which members the totals and ranks cover: the districts without data, and why, are named."""
    if not f["failed"] and not f["missing_tables"]:
        return []
    return say("coverage", f, wording, "lead", table_labels=TABLE_LABELS)


def overview(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """总体情况: totals pooled over the members' cases, evaluations and complaints, with 同比/环比."""
    return say("overview", f, wording) + say("overview_note", f, wording, "note")


def ranking_intro(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """How the composite score is made and how it spreads."""
    return say("ranking_intro", f, wording)


def previous_rank_header(f: dict[str, Any]) -> str:
    """上期排名(2024年5月), or 上年同期排名(2023年上半年) for half years, years and month ranges."""
    relation = f.get("previous_relation", "上期")
    return f"{relation}排名({f['previous_label']})" if f.get("previous_label") else f"{relation}排名"


def ranking_table(f: dict[str, Any]) -> list[Block]:
    """各县区排名: every ranked metric with its rank, the composite score, rank and previous rank."""
    header = (["县(市、区)"] + [label for key, label, _ in RANKED if key != "score"]
              + ["综合得分", "排名", previous_rank_header(f)])
    rows = []
    for d in f["ranking"]:
        r = f["districts"][d]
        row = [r["name"]]
        for key, _, _ in RANKED:
            if key != "score":  # value with its rank: 92.02%(3)
                rank = r["ranks"].get(key)
                row.append(_value(key, r.get(key)) + (f"({rank})" if rank is not None else ""))
        row += [score_number(r["score"]) if r.get("score") is not None else "—", _rank(r["rank"]),
                _rank(r["previous_rank"])]
        if r["status"] != "ok":
            row = [r["name"]] + ["数据缺失"] + ["—"] * (len(header) - 2)
        rows.append(row)
    return [table(header, rows, caption=f"{f['period_label']}各{MEMBERS}主要指标及排名(括号内为该项名次)",
                  numeric=range(1, len(header)))]


def _value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in ("overdue_open", "complaints"):
        return str(int(value))
    return pct(value)


def named(f: dict[str, Any], period_word: str, *, wording: Wording | None = None) -> list[Block]:
    """先进/后进, or why the bulletin names none."""
    return say("named", f, wording, period_word=period_word)


def evaluations(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """好差评 and 差评整改 by district."""
    rows = [r for r in (f["districts"][d] for d in f["members"]) if r.get("evaluations") is not None]
    if not rows:
        return []
    body = [[r["name"], r["evaluations"], r["bad"], pct(r["good_rate"]), pct(r["satisfaction"]), r["rectified"],
             pct(r["rectified_rate"])] for r in rows]
    return say("evaluations", f, wording) + [
        table(["县(市、区)", "评价(条)", "差评(条)", "好评率", "满意度", "已整改(条)", "整改率"], body,
              caption="各县(市、区)好差评及差评整改情况", numeric=range(1, 7))]


def overdue(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """超期未办 by district, with 按时办结率."""
    rows = [r for r in (f["districts"][d] for d in f["members"]) if r.get("received") is not None]
    if not rows:
        return []
    body = [[r["name"], r["received"], r["completed"], pct(r["on_time_rate"]), r["overdue_open"]] for r in rows]
    return say("overdue", f, wording) + [table(["县(市、区)", "受理(件)", "办结(件)", "按时办结率", "超期未办(件)"], body,
                                               caption="各县(市、区)办件时效情况", numeric=range(1, 5))]


def complaints(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """投诉 by district, with the sources of the region's complaints."""
    p = f.get("complaints")
    rows = [r for r in (f["districts"][d] for d in f["members"]) if r.get("complaints") is not None]
    if not p or not rows:
        return []
    out = say("complaints", f, wording) if p["by_source"] else []
    body = [[r["name"], r["complaints"], r["complaints_resolved"], pct(r["complaints_resolved_rate"])] for r in rows]
    out.append(table(["县(市、区)", "投诉(件)", "办结(件)", "投诉办结率"], body, caption="各县(市、区)投诉办理情况",
                     numeric=range(1, 4)))
    return out


def problems(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """存在问题: drafted from the data (below the region's rates, overdue, unrectified, unresolved), then the
    analyst's text verbatim."""
    text = (f.get("notes") or {}).get("problems")
    return say("problems", f, wording) + (paragraphs(text) if text else [])


def note(f: dict[str, Any], key: str) -> list[Block]:
    """The analyst's text for this period (next_steps ...), verbatim."""
    text = (f.get("notes") or {}).get(key)
    return paragraphs(text) if text else []


def attachment_table(f: dict[str, Any]) -> list[Block]:
    """附件: every district's figures in one table."""
    columns = [("受理(件)", "received"), ("办结(件)", "completed"), ("办结率", "completion_rate"),
               ("按时办结率", "on_time_rate"), ("超期未办(件)", "overdue_open"), ("评价(条)", "evaluations"),
               ("好评率", "good_rate"), ("满意度", "satisfaction"), ("差评整改率", "rectified_rate"),
               ("投诉(件)", "complaints"), ("投诉办结率", "complaints_resolved_rate")]
    rows = []
    for d in f["members"]:
        r = f["districts"][d]
        rows.append([r["name"]] + [_cell(key, r.get(key)) for _, key in columns]
                    + [score_number(r["score"]) if r.get("score") is not None else "—"])
    return [table(["县(市、区)"] + [h for h, _ in columns] + ["综合得分"], rows,
                  caption=f"{f['period_label']}各{MEMBERS}政务服务数据", numeric=range(1, len(columns) + 2))]


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith("rate") or key == "satisfaction":
        return pct(value)
    return str(int(value))


def trend_note(f: dict[str, Any], *, wording: Wording | None = None) -> list[Block]:
    """The line above the small-multiples chart (none when no district has cases in those months)."""
    if not (f.get("trend") or {}).get("has_cases"):
        return []
    return say("trend", f, wording)
