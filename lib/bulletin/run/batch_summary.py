"""What a batch prints at the end: counts, a table per district, each failure reason once, and the time per stage."""

from __future__ import annotations

from collections import defaultdict

from bulletin.run.batch_plan import Job, Outcome

STAGE_LABELS = {"check": "参数校验", "kernel": "内核启动与通信", "setup": "导入与准备", "load": "载入数据",
                "compute": "计算指标与得分", "cells": "图表与排版", "export": "导出网页与附件", "docx": "生成Word",
                "pdf": "生成PDF", "write": "写入文件"}


def print_summary(outcomes: list[Outcome], profile: bool) -> None:
    """Print the summary (see summary_text) and, with profile, the time per stage."""
    print(summary_text(outcomes))
    if profile:
        print(profile_table([o for o in outcomes if o.status == "ok"]))


def summary_text(outcomes: list[Outcome]) -> str:
    """The counts, a table per district, and each failure reason once with the bulletins it stopped."""
    done = sum(o.status == "ok" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    failed = sorted((o for o in outcomes if o.status == "failed"), key=lambda o: o.job.key)
    lines = [f"完成:共{len(outcomes)}份,新渲染{done}份,未变跳过{skipped}份,失败{len(failed)}份。"]
    per_district: dict[str, dict[str, int]] = defaultdict(lambda: {"ok": 0, "skipped": 0, "failed": 0})
    for outcome in outcomes:
        per_district[outcome.job.district][outcome.status] += 1
    if len(per_district) > 1:
        width = max(len(d) for d in per_district) + 2
        lines.append(f"  {'区县':<{width - 2}}{'新渲染':>6}{'未变跳过':>6}{'失败':>6}")
        for district, n in sorted(per_district.items()):  # the header's Chinese characters are two columns wide
            lines.append(f"  {district:<{width}}{n['ok']:>9}{n['skipped']:>10}{n['failed']:>8}")
    reasons: dict[tuple[str, str], list[Job]] = defaultdict(list)  # a district's bad data fails all its bulletins alike
    for outcome in failed:
        reasons[(outcome.job.district, outcome.message)].append(outcome.job)
    for (district, message), jobs in reasons.items():
        names = "、".join(f"{j.period} {j.kind}" for j in jobs)
        count = f"(共{len(jobs)}份)" if len(jobs) > 1 else ""
        lines.append(f"失败 {district} {names}{count}:")
        lines += [f"    {line}" for line in message.splitlines()]
    return "\n".join(lines)


def profile_table(outcomes: list[Outcome]) -> str:
    """Seconds per stage over the rendered bulletins: mean per bulletin and total."""
    if not outcomes:
        return "各环节耗时:本次没有新渲染的通报。"
    lines = [f"各环节耗时(新渲染{len(outcomes)}份,秒):", f"  {'环节':<10}{'平均每份':>10}{'合计':>10}"]
    for stage, label in STAGE_LABELS.items():
        values = [o.seconds.get(stage, 0.0) for o in outcomes]
        lines.append(f"  {label:<10}{sum(values) / len(values):>10.3f}{sum(values):>10.2f}")
    return "\n".join(lines)

