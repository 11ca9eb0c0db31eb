"""Bulletin sentences: templates over the figures dict, in official bulletin style, returned as document blocks."""

from __future__ import annotations

from typing import Any

from bulletin.document.display import change_phrase, count, join_names, pct, point_change_phrase, score, score_number
from bulletin.document.model import Block, Paragraph, paragraphs, table
from bulletin.figures.metrics import change
from bulletin.vocabulary import RATING_LABELS

ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> list[Block]:
    """Chinese ordinal for 1..99 (一, 十二, 二十一)."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return (ORDINALS[tens - 1] if tens > 1 else "") + "十" + (ORDINALS[ones - 1] if ones else "")


def _comparisons(cases: dict[str, Any]) -> list[Block]:
    parts = []
    if cases.get("yoy") is not None:
        parts.append(f"同比{change_phrase(cases['yoy'])}")
    if cases.get("mom") is not None:
        parts.append(f"环比{change_phrase(cases['mom'])}")
    return ",".join(parts)


def intro(f: dict[str, Any], scheme_name: str | None, center: str) -> list[Block]:
    """The opening paragraph: on what basis, and for which period, the bulletin reports."""
    basis = f"根据《{scheme_name}》有关规定," if scheme_name else ""
    return [Paragraph(
        f"{basis}结合{center}日常工作和政务服务平台数据,现将{f['period_label']}"
        f"{f['district_name']}政务服务工作情况通报如下:"
    )]


def overview(f: dict[str, Any], scope: str, detail: bool = True) -> list[Block]:
    """总体情况: 受理, 办结, 办结率, 即办件, 提前办结, 按时办结率, 超期未办 and their 同比/环比;
    with `detail`, also channels, townships, overdue by township and the busiest departments."""
    c = f.get("cases")
    if not c:
        return []
    comparisons = _comparisons(c)
    text = (
        f"{f['period_label']},{scope}政务服务共受理办件{count(c['received'])}"
        f"{(',' + comparisons) if comparisons else ''};办结{count(c['completed'])},办结率{pct(c['completion_rate'])}。"
    )
    if c["instant"]:
        text += f"其中即办件{count(c['instant'])},当场办结{count(c['instant_same_day'])},即时办结率{pct(c['instant_same_day_rate'])}"
        text += f";提前办结{count(c['early'])}。" if c["early"] else "。"
    elif c["early"]:
        text += f"其中提前办结{count(c['early'])}。"
    if c["on_time_rate"] is not None:
        text += f"按时办结率{pct(c['on_time_rate'])}"
        text += f",截至期末超期未办{count(c['overdue_open'])}。" if c["overdue_open"] else ",无超期未办件。"
    gaps = [Paragraph("、".join(f"{int(m[:4])}年{int(m[5:])}月" for m in f["data_gaps"])
                      + "的办件数据缺失(导出中没有该月的数据行),不作与之相关的同比、环比比较。")] if f.get("data_gaps") else []
    if not detail:
        return [Paragraph(text)] + gaps
    return [Paragraph(text)] + channels(f) + townships(f) + overdue(f) + top_departments(f) + gaps


def channels(f: dict[str, Any]) -> list[Block]:
    """申办渠道: received per channel with its share."""
    c = f.get("cases") or {}
    listed = [(k, v) for k, v in (c.get("by_channel") or {}).items() if v]
    if not listed or not c.get("received"):
        return []
    text = "、".join(f"{k}{count(v)}(占{pct(v / c['received'], 1)})" for k, v in listed)
    return [Paragraph(f"从申办渠道看,{text}。")]


def townships(f: dict[str, Any]) -> list[Block]:
    """办理地点: the district hall and each township's service center."""
    c = f.get("cases") or {}
    towns = c.get("by_township") or {}
    if not towns:
        return []
    listed = "、".join(f"{k}{count(v)}" for k, v in towns.items())
    return [Paragraph(f"从办理地点看,政务服务大厅受理{count(c['hall'])},乡镇(街道)便民服务中心受理"
                f"{count(sum(towns.values()))},其中{listed}。")]


def overdue(f: dict[str, Any]) -> list[Block]:
    """超期未办 by township, with a request to act."""
    c = f.get("cases") or {}
    late = c.get("overdue_by_township") or {}
    if not late:
        return []
    listed = "、".join(f"{k}{count(v)}" for k, v in late.items())
    return [Paragraph(f"乡镇(街道)超期未办件:{listed},请相关乡镇(街道)抓紧办理。")]


def top_departments(f: dict[str, Any], n: int = 5) -> list[Block]:
    """The departments that received most cases."""
    top = list(((f.get("cases") or {}).get("by_department") or {}).items())[:n]
    if not top:
        return []
    return [Paragraph(f"办件量居前的单位有:{'、'.join(f'{k}{count(v)}' for k, v in top)}。")]


def scores_summary(f: dict[str, Any], scope: str) -> list[Block]:
    """单位绩效考核: highest, lowest, mean, spread, count above base, top 3 and bottom 3."""
    s = f.get("scores")
    if not s or not s.get("ranking"):
        return []
    text = (
        f"按照《{s['scheme']}》,对{len(s['ranking'])}个进驻单位进行了考核"
        f"{'(得分为期内各月得分的平均值)' if s.get('months_averaged', 1) > 1 else ''}。考核结果显示最高分{score(s['max'])},"
        f"最低分{score(s['min'])},平均分{score(s['mean'])},最高分与最低分相差{score(s['spread'])},"
        f"{scope}{s['above_base']}个单位得分高于基准分{score_number(s['base']).rstrip('0').rstrip('.')}分。"
    )
    if s["top3"]:
        text += f"综合排名前三名的单位分别是:{join_names(s['top3'])}"
        text += f";综合排名后三名的单位分别是:{join_names(s['bottom3'])}" if s["bottom3"] else ""
        text += "(详见附件)。"
    elif s.get("no_advanced_reason"):
        text += f"因{s['no_advanced_reason']},不列先进和后进单位(详见附件)。"
    return [Paragraph(text)]


def ranking_table(f: dict[str, Any]) -> list[Block]:
    """The full ranking: 排名, 单位, category subtotals, 总分 (3 decimals)."""
    s = f.get("scores")
    if not s or not s.get("ranking"):
        return []
    categories = list(dict.fromkeys(i["category"] for i in s["items"]))
    by_department = {row["department"]: row for row in f["departments"]}
    rows = []
    for r in s["ranking"]:
        d = by_department.get(r["department"], {})
        cells = [r["rank"], r["department"]] + [score_number(d.get(f"category:{c}") or 0.0) for c in categories]
        rows.append(cells + [score_number(r["total"])])
    header = ["排名", "单位"] + categories + ["总分"]
    return [table(header, rows, role="data ranking", numeric=[0] + list(range(2, len(header))))]


def evaluations(f: dict[str, Any]) -> list[Block]:
    """好差评: counts by rating, 好评率, 满意度, 差评 and their 整改."""
    e = f.get("evaluations")
    if not e or not e["total"]:
        return []
    ratings = "、".join(
        f"{label}{count(e['by_rating'][key], '条')}"
        for key, label in ((str(number), label) for number, label in RATING_LABELS.items())
        if e["by_rating"][key]
    )
    text = (
        f"{f['period_label']}共收到办事群众评价{count(e['total'], '条')},其中线上评价{count(e['online'], '条')}、"
        f"线下评价{count(e['offline'], '条')}。按评价等级分,{ratings};好评率{pct(e['good_rate'])},"
        f"群众满意度{pct(e['satisfaction'])}。"
    )
    if e["bad"]:
        text += f"收到差评{count(e['bad'], '条')},已整改{count(e['rectified'], '条')},差评整改率{pct(e['rectified_rate'])}。"
    else:
        text += "未收到差评。"
    return [Paragraph(text)]


def complaints(f: dict[str, Any]) -> list[Block]:
    """投诉: total by source, by department, 办结率, 回访满意率 (never the complaint text)."""
    c = f.get("complaints")
    if not c or not c["total"]:
        return []
    sources = "、".join(f"{k}{count(v)}" for k, v in c["by_source"].items())
    text = f"{f['period_label']}共受理投诉{count(c['total'])},其中{sources}。办结{count(c['resolved'])},办结率{pct(c['resolved_rate'])}"
    text += f",回访满意率{pct(c['callback_satisfied_rate'])}。" if c["callback_satisfied_rate"] is not None else "。"
    out = [Paragraph(text)]
    if c["by_department"]:
        listed = "、".join(f"{k}{count(v)}" for k, v in list(c["by_department"].items())[:8])
        out.append(Paragraph(f"涉及投诉较多的单位有:{listed}。"))
    return out


def inspections(f: dict[str, Any]) -> list[Block]:
    """督查发现问题: summary, then each finding with its department."""
    i = f.get("inspections")
    if not i or not i["total"]:
        return []
    categories = "、".join(f"{k}{v}个" for k, v in i["by_category"].items())
    out = [
        Paragraph(
            f"{f['period_label']}中心督查组通过日常巡查、随机抽查等方式,共发现问题{i['total']}个"
            f"(其中{categories}),涉及{len(i['by_department'])}个单位,合计扣分{score_number(i['deduction']).rstrip('0').rstrip('.')}分。具体如下:"
        )
    ]
    rows = [
        (r["date"], r["department"], r["category"], r["finding"], score_number(r["deduction"]).rstrip("0").rstrip("."))
        for r in i["findings"]
    ]
    out.append(table(["日期", "单位", "类别", "问题描述", "扣分"], rows, role="data findings", numeric=[4]))
    return out


def other_work(f: dict[str, Any]) -> list[Block]:
    """便民服务, 局长进大厅 and 电子证照入库 totals, where the tables exist."""
    out = []
    s = f.get("services")
    if s and s["total"]:
        kinds = "、".join(f"{k}{v}次" for k, v in s["by_service"].items())
        out.append(Paragraph(f"便民利企服务方面,{s['departments']}个单位积极为群众提供延时、预约、上门等服务共{s['total']}次,其中{kinds}。"))
    v = f.get("leader_visits")
    if v and v["visits"]:
        out.append(
            Paragraph(f"“局长进大厅”活动方面,各单位负责同志进大厅{v['visits']}人次,接待办事群众{v['people_served']}人次,现场办理业务{count(v['cases_handled'])}。")
        )
    c = f.get("certificates")
    if c and c["total"]:
        kinds = "、".join(f"{k}{count(n, '个')}" for k, n in list(c["by_type"].items())[:5])
        out.append(Paragraph(f"电子证照方面,共入库电子证照{count(c['total'], '个')},其中{kinds}。"))
    return out


def note(f: dict[str, Any], key: str) -> list[Block]:
    """Analyst text from the district file (problems / next_steps), verbatim and escaped."""
    text = (f.get("notes") or {}).get(key)
    return paragraphs(text) if text else []


def advanced_units(f: dict[str, Any], period_word: str = "本月") -> list[Block]:
    """先进/后进 units: the top 3 and bottom 3 of the ranking, named in a sentence."""
    s = f.get("scores")
    if s and s.get("no_advanced_reason"):
        return [Paragraph(f"因{s['no_advanced_reason']},{period_word}不通报先进单位和后进单位。")]
    if not s or not s.get("top3") or not s.get("bottom3"):
        return []
    return [Paragraph(
        f"根据考核结果,{period_word}{join_names(s['top3'])}为先进单位,予以通报表扬;"
        f"{join_names(s['bottom3'])}为后进单位,请认真查找问题,限期整改。"
    )]


def grades(f: dict[str, Any], period_word: str = "本季度") -> list[Block]:
    """考核结果 by 等次 (好 / 较好 / 一般 ...), each grade with its units."""
    s = f.get("scores")
    if not s or not s.get("by_grade"):
        return []
    parts = [f"{g}等次{len(names)}个:{join_names(names)}" for g, names in s["by_grade"].items() if names]
    return [Paragraph(f"{period_word}考核结果按等次划分:" + ";".join(parts) + "。")]


def catalog(f: dict[str, Any], period_word: str = "本期") -> list[Block]:
    """事项清单: items in the catalog, shares and compression rates, added and cancelled in the period."""
    c = f.get("catalog")
    if not c or not c["items"]:
        return []
    text = f"截至{f['period_label']}末,政务服务事项目录共有事项{count(c['items'], '项')}"
    shares = []
    if c["instant_share"] is not None:
        shares.append(f"即办件占比{pct(c['instant_share'])}")
    if c["online_rate"] is not None:
        shares.append(f"网上可办率{pct(c['online_rate'])}")
    if c["time_compression"] is not None:
        shares.append(f"承诺时限压缩率{pct(c['time_compression'])}")
    if c["steps_compression"] is not None:
        shares.append(f"办理环节精简率{pct(c['steps_compression'])}")
    text += (",其中" + "、".join(shares) if shares else "") + "。"
    if c["added"] or c["cancelled"]:
        changes = []
        if c["added"]:
            changes.append(f"新增事项{count(c['added'], '项')}")
        if c["cancelled"]:
            changes.append(f"取消事项{count(c['cancelled'], '项')}")
        text += f"{period_word}" + "、".join(changes) + ",事项清单已动态调整。"
    else:
        text += f"{period_word}事项清单无调整。"
    return [Paragraph(text)]


def _rate_change(name: str, this: float | None, base: float | None, word: str) -> list[Block]:
    phrase = point_change_phrase(this, base)
    return f"{name}{pct(this)},{word}{phrase}" if phrase else ""


def comparison(f: dict[str, Any]) -> list[Block]:
    """同比/环比 analysis: each count's change and each rate's change in percentage points."""
    c = f.get("cases")
    if not c:
        return []
    out = []
    for key, word in (("year_ago", "同比"), ("previous", "环比")):
        base = c.get(key)
        if not base or not base.get("received"):
            continue
        counts = []
        for name, k in (("受理", "received"), ("办结", "completed"), ("即办件", "instant"), ("提前办结", "early")):
            phrase = change_phrase(change(c[k], base[k]))
            if phrase:
                counts.append(f"{name}{count(c[k])},{word}{phrase}")
        rates = [r for r in (
            _rate_change("办结率", c["completion_rate"], base.get("completion_rate"), word),
            _rate_change("按时办结率", c["on_time_rate"], base.get("on_time_rate"), word),
            _rate_change("即时办结率", c["instant_same_day_rate"], base.get("instant_same_day_rate"), word),
        ) if r]
        if counts or rates:
            out.append(Paragraph(f"与{base['period_label']}相比:" + ";".join(counts + rates) + "。"))
    return out


def targets(f: dict[str, Any]) -> list[Block]:
    """目标完成: each district target with its value and 达标/未达标."""
    rows = [t for t in f.get("targets") or [] if t["value"] is not None]
    if not rows:
        return []

    def goal(t):
        shown = pct if t["metric"].endswith(("rate", "share", "compression")) else (lambda v: f"{v:g}")
        return "≥" + shown(t["min"]) if t["min"] is not None else "≤" + shown(t["max"])

    def value(t):
        return pct(t["value"]) if t["metric"].endswith(("rate", "share", "compression")) else f"{t['value']:g}"

    met = sum(1 for t in rows if t["met"])
    body = [(t["name"], goal(t), value(t), "达标" if t["met"] else "未达标") for t in rows]
    return [Paragraph(f"年初确定的{len(rows)}项目标中,已达标{met}项、未达标{len(rows) - met}项,具体如下:"), table(
        ["目标", "目标值", "完成值", "完成情况"], body, role="data targets", numeric=[1, 2])]


def highlights(f: dict[str, Any]) -> list[Block]:
    """亮点: the period's strongest figures, stated as achievements (only those the data supports)."""
    items = []
    c = f.get("cases") or {}
    if c.get("received"):
        online = sum(v for k, v in c["by_channel"].items() if k != "窗口")
        items.append(f"“一网通办”深入推进,网上申办{count(online)},占受理总量的{pct(online / c['received'])}")
    if c.get("instant_same_day_rate"):
        items.append(f"即办件即时办结率达到{pct(c['instant_same_day_rate'])}")
    e = f.get("evaluations") or {}
    if e.get("total"):
        items.append(f"“好差评”全覆盖,收到评价{count(e['total'], '条')},好评率{pct(e['good_rate'])}")
    s = f.get("services") or {}
    if s.get("total"):
        items.append(f"延时、预约、上门等便民服务{s['total']}次")
    cert = f.get("certificates") or {}
    if cert.get("total"):
        items.append(f"电子证照入库{count(cert['total'], '个')}")
    if not items:
        return []
    return [Paragraph(f"{i + 1}.{text}。") for i, text in enumerate(items)]


def township_reports(f: dict[str, Any]) -> list[Block]:
    """乡镇报送: reports due, on time, 报送及时率 and the late ones by township."""
    t = f.get("township_reports")
    if not t or not t["due"]:
        return []
    text = f"各乡镇(街道)应报送材料{t['due']}份,按时报送{t['on_time']}份,报送及时率{pct(t['on_time_rate'])}"
    late = t.get("late_by_township") or {}
    if late:
        text += ";逾期或未报送的有:" + "、".join(f"{k}{v}份" for k, v in late.items())
    return [Paragraph(text + "。")]


def attendance(f: dict[str, Any]) -> list[Block]:
    """考勤: findings by kind and the departments concerned (no personal names)."""
    a = f.get("attendance")
    if not a or not a["total"]:
        return []
    kinds = "、".join(f"{k}{v}人次" for k, v in a["by_kind"].items())
    units = "、".join(f"{k}{v}人次" for k, v in list(a["by_department"].items())[:8])
    return [Paragraph(f"考勤检查发现{kinds},涉及单位:{units}。")]


def staff(f: dict[str, Any]) -> list[Block]:
    """优秀工作人员: the top of the individual ranking, only where the district publishes names."""
    s = f.get("staff") or {}
    top = s.get("top")
    if not top:
        return []
    names = "、".join(f"{r['staff']}({r['department']})" for r in top[:5])
    return [Paragraph(f"个人考评中,{names}得分居前,评为优秀工作人员。")]
