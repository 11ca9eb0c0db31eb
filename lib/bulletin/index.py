"""outputs/index.html: every rendered bulletin with district, period, kind, status and key figures."""

from __future__ import annotations

import json
from pathlib import Path

from .config import KIND_LABELS
from .display import count, pct
from .markup import esc
from .errors import BulletinError
from .outputs import write_atomic
from .periods import parse_period

KINDS_ORDER = {k: i for i, k in enumerate(KIND_LABELS)}


def collect(out_dir: Path) -> list[dict]:
    """One entry per <district>/<period>/<kind>.json found, newest period first."""
    entries = []
    for path in sorted(Path(out_dir).glob("*/*/*.json")):
        kind = path.stem
        if kind not in KIND_LABELS:
            continue
        html = path.with_suffix(".html")
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            figures = {}
        entries.append({"path": path, "html": html if html.exists() else None, "kind": kind, "figures": figures,
                        "district": path.parent.parent.name, "period": path.parent.name})
    entries.sort(key=lambda e: (e["district"], KINDS_ORDER[e["kind"]]))
    entries.sort(key=lambda e: _recency(e["figures"].get("period", e["period"])), reverse=True)
    return entries


def _recency(period: str) -> tuple[int, int]:
    """Sort key, newest first: the period's last month, then the shorter period (a month before its quarter)."""
    try:
        p = parse_period(period)
    except BulletinError:
        return (-1, 0)
    return (p.last, -p.n_months)


def _key_figures(f: dict) -> str:
    parts = []
    cases = f.get("cases") or {}
    if cases:
        parts.append(f"受理{count(cases.get('received', 0))}")
        parts.append(f"办结率{pct(cases.get('completion_rate'))}")
    evaluations = f.get("evaluations") or {}
    if evaluations.get("total"):
        parts.append(f"满意度{pct(evaluations.get('satisfaction'))}")
    scores = f.get("scores") or {}
    if scores.get("top3"):
        parts.append(f"考核第一名{scores['top3'][0]}")
    return ";".join(parts)


def render_index(out_dir: Path) -> str:
    """The index page's HTML (relative links, no external reference)."""
    rows = []
    for e in collect(out_dir):
        f = e["figures"]
        link = e["html"].relative_to(out_dir).as_posix() if e["html"] else None
        title = f"{f.get('district_name', e['district'])}政务服务工作{KIND_LABELS[e['kind']]}({f.get('period_label', e['period'])})"
        cell = f'<a href="{esc(link)}">{esc(title)}</a>' if link else esc(title)
        status = "已生成" if link and f else "不完整"
        demo = "(示例数据)" if f.get("demo") else ""
        rows.append(
            f"<tr><td>{esc(f.get('district_name', e['district']))}{demo}</td><td>{esc(f.get('period_label', e['period']))}</td>"
            f"<td>{esc(KIND_LABELS[e['kind']])}</td><td>{cell}</td><td>{esc(status)}</td><td>{esc(_key_figures(f))}</td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="6">尚未生成任何通报。</td></tr>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>政务服务通报索引</title><style>'
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;width:100%;font-size:14px}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left}"
        "th{background:#f0f0f0}h1{font-size:22px}</style></head><body><h1>政务服务通报索引</h1>"
        "<table><thead><tr><th>区县</th><th>统计期</th><th>类型</th><th>通报</th><th>状态</th><th>主要数据</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>\n"
    )


def write_index(out_dir: Path) -> Path:
    """Rebuild outputs/index.html; its path."""
    target = Path(out_dir) / "index.html"
    write_atomic(target, render_index(Path(out_dir)).encode("utf-8"))
    return target
