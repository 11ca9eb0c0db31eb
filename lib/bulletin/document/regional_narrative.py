"""Sentences and tables of the regional (市/省) bulletin, as document blocks, over the regional figures dict."""

from __future__ import annotations

from typing import Any

from bulletin.document.display import change_phrase, count, join_names, pct, point_change_phrase, score_number
from bulletin.document.model import Block, Paragraph, paragraphs, table
from bulletin.figures.regional import RANKED

MEMBERS = "县(市、区)"
TABLE_LABELS = {"cases": "办件", "evaluations": "好差评", "complaints": "投诉"}


def _name(f: dict[str, Any], d: str) -> str:
    return f["districts"][d]["name"]


def _names(f: dict[str, Any], ids: list[str]) -> str:
    return join_names([_name(f, d) for d in ids])


def _rank(value: int | None) -> str:
    return "—" if value is None else str(value)


def intro(f: dict[str, Any], scheme_name: str | None) -> list[Block]:
    """The opening paragraph: on what basis, over which districts, for which period."""
    basis = f"根据《{scheme_name}》有关规定," if scheme_name else ""
    return [Paragraph(f"{basis}依据政务服务平台数据,现将{f['period_label']}{f['region_name']}各{MEMBERS}"
                      f"({len(f['members'])}个)政务服务工作情况通报如下:")]


def coverage(f: dict[str, Any]) -> list[Block]:
    """Which members the totals and ranks cover: the districts without data, and why, are named."""
    out = []
    for d, reason in f["failed"].items():
        out.append(Paragraph(f"{_name(f, d)}本期数据缺失或未通过校验({reason}),未纳入全{_scope_word(f)}汇总和排名,"
                             f"以下数据和排名仅涉及其余{len(f['included'])}个{MEMBERS},不代表完整排名。", "lead"))
    for d, tables in f["missing_tables"].items():
        labels = "、".join(TABLE_LABELS[t] for t in tables)
        out.append(Paragraph(f"{_name(f, d)}未报送{labels}数据表,其{labels}相关指标未统计,不参与相应排名。", "lead"))
    return out


def _scope_word(f: dict[str, Any]) -> str:
    return f["scope"][1:] if f["scope"].startswith("全") else "地区"


def overview(f: dict[str, Any]) -> list[Block]:
    """总体情况: totals pooled over the members' cases, evaluations and complaints, with 同比/环比."""
    out = []
    c = f.get("cases")
    if c:
        parts = [p for p in (f"同比{change_phrase(c['yoy'])}" if c.get("yoy") is not None else "",
                             f"环比{change_phrase(c['mom'])}" if c.get("mom") is not None else "") if p]
        text = (f"{f['period_label']},{f['scope']}各{MEMBERS}政务服务共受理办件{count(c['received'])}"
                f"{(',' + ','.join(parts)) if parts else ''};办结{count(c['completed'])},"
                f"办结率{pct(c['completion_rate'])}")
        base = c["year_ago"]["completion_rate"]
        if c["completion_rate"] is not None and base is not None:
            text += f",同比{point_change_phrase(c['completion_rate'], base)}"
        text += "。"
        if c["on_time_rate"] is not None:
            text += f"按时办结率{pct(c['on_time_rate'])}"
            text += f",截至期末超期未办{count(c['overdue_open'])}。" if c["overdue_open"] else ",无超期未办件。"
        out.append(Paragraph(text))
    e = f.get("evaluations")
    if e and e["total"]:
        text = (f"共收到好差评{count(e['total'], '条')},其中好评{count(e['good'], '条')}、差评{count(e['bad'], '条')},"
                f"好评率{pct(e['good_rate'])},满意度{pct(e['satisfaction'])}")
        if e["bad"]:
            text += f";差评已整改{count(e['rectified'], '条')},整改率{pct(e['rectified_rate'])}"
        out.append(Paragraph(text + "。"))
    p = f.get("complaints")
    if p and p["total"]:
        out.append(Paragraph(f"共受理投诉{count(p['total'])},办结{count(p['resolved'])},投诉办结率{pct(p['resolved_rate'])}。"))
    out.append(Paragraph(f"说明:各{MEMBERS}及全{_scope_word(f)}的满意度统一按{f['satisfaction_definition']}计算;"
                         "全市(省)合计数据为各地办件、评价、投诉逐件汇总后计算,不是各地比率的平均。", "note"))
    return out


def ranking_intro(f: dict[str, Any]) -> list[Block]:
    """How the composite score is made and how it spreads."""
    s = f.get("scores")
    if not s or s.get("max") is None:
        return [Paragraph(f"本地区未设综合考核办法,以下按各项指标分别排名(并列者名次相同)。")]
    above = s["above_base"]
    return [Paragraph(
        f"按《{s['scheme']}》对各{MEMBERS}的办件、评价和投诉指标综合计分(基准分{score_number(s['base'])}分),"
        f"最高{score_number(s['max'])}分,最低{score_number(s['min'])}分,相差{score_number(s['spread'])}分;"
        f"{above}个{MEMBERS}高于基准分。各项指标及综合得分并列者名次相同,后一名次顺延。")]


def ranking_table(f: dict[str, Any]) -> list[Block]:
    """各县区排名: every ranked metric with its rank, the composite score, rank and previous rank."""
    header = ["县(市、区)"] + [label for key, label, _ in RANKED if key != "score"] + ["综合得分", "排名", "上期排名"]
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


def named(f: dict[str, Any], period_word: str) -> list[Block]:
    """先进/后进, or why the bulletin names none."""
    n = f["named"]
    if not n["advanced"]:
        return [Paragraph(n["reason"])]
    return [Paragraph(f"{period_word}综合得分最高的{_names(f, n['advanced'])}为先进,"
                      f"综合得分最低的{_names(f, n['lagging'])}为后进,请后进单位认真查找原因,限期整改。")]


def evaluations(f: dict[str, Any]) -> list[Block]:
    """好差评 and 差评整改 by district."""
    rows = [(d, r) for d, r in ((d, f["districts"][d]) for d in f["members"]) if r.get("evaluations") is not None]
    if not rows:
        return []
    body = [[r["name"], r["evaluations"], r["bad"], pct(r["good_rate"]), pct(r["satisfaction"]), r["rectified"],
             pct(r["rectified_rate"])] for _, r in rows]
    out: list[Block] = []
    lagging = [d for d, r in rows if r["rectified_rate"] is not None and r["rectified_rate"] < 1]
    if lagging:
        out.append(Paragraph(f"{_names(f, lagging)}差评未全部整改,请加快整改回访。"))
    else:
        out.append(Paragraph(f"各{MEMBERS}差评均已整改到位。" if any(r["bad"] for _, r in rows) else "本期无差评。"))
    out.append(table(["县(市、区)", "评价(条)", "差评(条)", "好评率", "满意度", "已整改(条)", "整改率"], body,
                     caption="各县(市、区)好差评及差评整改情况", numeric=range(1, 7)))
    return out


def overdue(f: dict[str, Any]) -> list[Block]:
    """超期未办 by district, with 按时办结率."""
    rows = [r for r in (f["districts"][d] for d in f["members"]) if r.get("received") is not None]
    if not rows:
        return []
    with_overdue = sorted((r for r in rows if r["overdue_open"]), key=lambda r: (-r["overdue_open"], r["name"]))
    if with_overdue:
        text = "截至期末," + "、".join(f"{r['name']}{count(r['overdue_open'])}" for r in with_overdue) + "超期未办,请督促办结。"
    else:
        text = f"截至期末,各{MEMBERS}均无超期未办件。"
    body = [[r["name"], r["received"], r["completed"], pct(r["on_time_rate"]), r["overdue_open"]] for r in rows]
    return [Paragraph(text), table(["县(市、区)", "受理(件)", "办结(件)", "按时办结率", "超期未办(件)"], body,
                                   caption="各县(市、区)办件时效情况", numeric=range(1, 5))]


def complaints(f: dict[str, Any]) -> list[Block]:
    """投诉 by district, with the sources of the region's complaints."""
    p = f.get("complaints")
    rows = [r for r in (f["districts"][d] for d in f["members"]) if r.get("complaints") is not None]
    if not p or not rows:
        return []
    out: list[Block] = []
    if p["by_source"]:
        sources = "、".join(f"{k}{count(v)}" for k, v in p["by_source"].items())
        out.append(Paragraph(f"从来源看,{sources}。"))
    body = [[r["name"], r["complaints"], r["complaints_resolved"], pct(r["complaints_resolved_rate"])] for r in rows]
    out.append(table(["县(市、区)", "投诉(件)", "办结(件)", "投诉办结率"], body, caption="各县(市、区)投诉办理情况",
                     numeric=range(1, 4)))
    return out


def problems(f: dict[str, Any]) -> list[Block]:
    """存在问题: drafted from the data (below the region's rates, overdue, unrectified, unresolved), then the
    analyst's text verbatim."""
    drafted = []
    c = f.get("cases") or {}
    ok = [r for r in (f["districts"][d] for d in f["members"]) if r["status"] == "ok"]
    below = [r["name"] for r in ok if c.get("completion_rate") is not None and r["completion_rate"] is not None
             and r["completion_rate"] < c["completion_rate"]]
    if below:
        drafted.append(f"{join_names(below)}办结率低于全{_scope_word(f)}平均水平({pct(c['completion_rate'])})")
    overdue = [r["name"] for r in ok if r.get("overdue_open")]
    if overdue:
        drafted.append(f"{join_names(overdue)}存在超期未办件")
    unrectified = [r["name"] for r in ok if r.get("rectified_rate") is not None and r["rectified_rate"] < 1]
    if unrectified:
        drafted.append(f"{join_names(unrectified)}差评整改不到位")
    unresolved = [r["name"] for r in ok if r.get("complaints_resolved_rate") is not None
                  and r["complaints_resolved_rate"] < 1]
    if unresolved:
        drafted.append(f"{join_names(unresolved)}投诉未全部办结")
    if f["failed"]:
        drafted.append(f"{_names(f, list(f['failed']))}数据未按要求报送或未通过校验")
    numerals = "一二三四五六七八九十"
    out: list[Block] = []
    if drafted:
        out.append(Paragraph(";".join(f"{numerals[i]}是{t}" for i, t in enumerate(drafted)) + "。"))
    text = (f.get("notes") or {}).get("problems")
    return out + (paragraphs(text) if text else [])


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


def trend_note(f: dict[str, Any]) -> list[Block]:
    """The line above the small-multiples chart (none when no district has cases in those months)."""
    t = (f.get("trend") or {}).get("districts") or {}
    if not any(sum(v["received"]) for v in t.values()):
        return []
    months = f["trend"]["months"]
    return [Paragraph(f"{months[0][:4]}年{int(months[0][5:])}月至{months[-1][:4]}年{int(months[-1][5:])}月各{MEMBERS}"
                      "每月受理与当月办结办件情况如下图,各图纵轴刻度相同,可直接比较。")]
