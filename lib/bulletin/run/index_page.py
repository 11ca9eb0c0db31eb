"""outputs/index.html: every bulletin with district, period, kind, status and key figures, and the validation reports.

The status comes from the batch manifest when there is one: a bulletin whose latest render failed is
marked, and shown with its previous good version if it has one."""

from __future__ import annotations

import json
from pathlib import Path

from bulletin.config import KIND_LABELS
from bulletin.document.display import count, pct
from bulletin.document.markup import esc
from bulletin.errors import BulletinError
from bulletin.run.manifest import MANIFEST_NAME
from bulletin.run.outputs import write_atomic
from bulletin.figures.periods import parse_period

KINDS_ORDER = {k: i for i, k in enumerate(KIND_LABELS)}


def collect(out_dir: Path) -> list[dict]:
    """One entry per <district>/<period>/<kind>.json found or failed in the last batch, newest period first."""
    entries = []
    failures = _failures(out_dir)
    for path in sorted(Path(out_dir).glob("*/*/*.json")):
        kind = path.stem
        if kind not in KIND_LABELS:
            continue
        html = path.with_suffix(".html")
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            figures = {}
        key = f"{path.parent.parent.name}/{path.parent.name}/{kind}"
        entries.append({"path": path, "html": html if html.exists() else None, "kind": kind, "figures": figures,
                        "district": path.parent.parent.name, "period": path.parent.name,
                        "failed": failures.pop(key, None)})
    for key, message in failures.items():  # failed with no earlier good version
        district, period, kind = key.split("/")
        if kind in KIND_LABELS:
            entries.append({"path": None, "html": None, "kind": kind, "figures": {}, "district": district,
                            "period": period, "failed": message})
    entries.sort(key=lambda e: (e["district"], KINDS_ORDER[e["kind"]]))
    entries.sort(key=lambda e: _recency(e["figures"].get("period", e["period"])), reverse=True)
    return entries


def _failures(out_dir: Path) -> dict[str, str]:
    """Bulletins whose latest batch render failed (manifest key -> message)."""
    try:
        raw = json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        return {k: str(v["failed"]) for k, v in raw.get("bulletins", {}).items() if v.get("failed")}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _status(entry: dict, link: str | None) -> str:
    """已生成, 不完整, 生成失败, or the previous version kept after a failed update, with the reason on hover."""
    if entry["failed"]:
        reason = entry["failed"].strip().splitlines()[-1][:300]
        label = "最近一次更新失败,仍为上次的版本" if link else "生成失败"
        return f'<span class="failed" title="{esc(reason)}">{esc(label)}</span>'
    return esc("已生成" if link and entry["figures"] else "不完整")


def _validation_links(out_dir: Path, names: dict[str, str]) -> str:
    """A line linking each district's validation report page, if any was written."""
    pages = sorted(Path(out_dir).glob("*/validation.html"))
    if not pages:
        return ""
    links = "、".join(f'<a href="{esc(p.relative_to(out_dir).as_posix())}">{esc(names.get(p.parent.name, p.parent.name))}</a>'
                     for p in pages)
    return f'<p class="validation">数据校验报告:{links}</p>'


def _label(period: str) -> str:
    """The period's Chinese label, or the text as it is if it is no period."""
    try:
        return parse_period(period).label
    except BulletinError:
        return period


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


FORMAT_LINKS = (("docx", "Word"), ("pdf", "PDF"))


def _format_links(entry: dict, out_dir: Path) -> str:
    """Links to the bulletin's Word and PDF files beside its page, where they exist."""
    if entry["html"] is None:
        return ""
    links = [f'<a class="format" href="{esc(entry["html"].with_suffix("." + ext).relative_to(out_dir).as_posix())}">'
             f"{label}</a>" for ext, label in FORMAT_LINKS if entry["html"].with_suffix("." + ext).exists()]
    return f' <span class="formats">{" ".join(links)}</span>' if links else ""


def render_index(out_dir: Path) -> str:
    """The index page's HTML (relative links, no external reference)."""
    rows = []
    entries = collect(out_dir)
    names = {e["district"]: e["figures"]["district_name"] for e in entries if e["figures"].get("district_name")}
    for e in entries:
        f = e["figures"]
        link = e["html"].relative_to(out_dir).as_posix() if e["html"] else None
        label = f.get("period_label") or _label(e["period"])
        name = names.get(e["district"], e["district"])
        title = f"{name}政务服务工作{KIND_LABELS[e['kind']]}({label})"
        cell = (f'<a href="{esc(link)}">{esc(title)}</a>' if link else esc(title)) + _format_links(e, out_dir)
        status = _status(e, link)
        demo = "(示例数据)" if f.get("demo") else ""
        rows.append(
            f"<tr><td>{esc(name)}{demo}</td><td>{esc(label)}</td>"
            f"<td>{esc(KIND_LABELS[e['kind']])}</td><td>{cell}</td><td>{status}</td><td>{esc(_key_figures(f))}</td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="6">尚未生成任何通报。</td></tr>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>政务服务通报索引</title><style>'
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;width:100%;font-size:14px}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left}"
        "th{background:#f0f0f0}h1{font-size:22px}.failed{color:#c00000}td:nth-child(5){white-space:nowrap}.formats{font-size:12px;margin-left:.5em}.formats a{margin-right:.4em}</style></head><body><h1>政务服务通报索引</h1>"
        f"{_validation_links(out_dir, names)}"
        "<table><thead><tr><th>区县</th><th>统计期</th><th>类型</th><th>通报</th><th>状态</th><th>主要数据</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>\n"
    )


def write_index(out_dir: Path) -> Path:
    """Rebuild outputs/index.html; its path."""
    target = Path(out_dir) / "index.html"
    write_atomic(target, render_index(Path(out_dir)).encode("utf-8"))
    return target
