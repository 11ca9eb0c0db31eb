"""outputs/index.html: every bulletin with district, period, kind, status and key figures, and the validation reports.

The status comes from the batch manifest when there is one: a bulletin whose latest render failed is
marked, and shown with its previous good version if it has one."""

from __future__ import annotations

import json
from pathlib import Path

from bulletin.document.display import count, pct
from bulletin.document.pages import render_page
from bulletin.errors import BulletinError
from bulletin.figures.periods import parse_period
from bulletin.region import REGIONS_FOLDER
from bulletin.run.manifest import Manifest
from bulletin.run.outputs import write_atomic
from bulletin.vocabulary import KIND_LABELS, bulletin_title

KINDS_ORDER = {k: i for i, k in enumerate(KIND_LABELS)}


def collect(out_dir: Path) -> list[dict]:
    """One entry per <district>/<period>/<kind>.json found or failed in the last batch, newest period first."""
    entries = []
    failures = Manifest.load(out_dir).failures()
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
        parts = key.split("/")
        if len(parts) == 3 and parts[2] in KIND_LABELS:
            district, period, kind = parts
            entries.append({"path": None, "html": None, "kind": kind, "figures": {}, "district": district,
                            "period": period, "failed": message})
    entries.sort(key=lambda e: (e["district"], KINDS_ORDER[e["kind"]]))
    entries.sort(key=lambda e: _recency(e["figures"].get("period", e["period"])), reverse=True)
    return entries


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


def _format_links(entry: dict, out_dir: Path) -> list[dict]:
    """The bulletin's Word and PDF files beside its page, where they exist: [{label, href}]."""
    if entry["html"] is None:
        return []
    return [{"label": label, "href": entry["html"].with_suffix("." + ext).relative_to(out_dir).as_posix()}
            for ext, label in FORMAT_LINKS if entry["html"].with_suffix("." + ext).exists()]


def collect_regions(out_dir: Path) -> list[dict]:
    """One entry per regions/<region>/<period>/<kind>.json, by region, newest period first."""
    entries = []
    failures = {k: v for k, v in Manifest.load(out_dir).failures().items() if k.startswith(f"{REGIONS_FOLDER}/")}
    for path in sorted(Path(out_dir).glob(f"{REGIONS_FOLDER}/*/*/*.json")):
        if path.stem not in KIND_LABELS:
            continue
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            figures = {}
        html = path.with_suffix(".html")
        entries.append({"path": path, "html": html if html.exists() else None, "kind": path.stem, "figures": figures,
                        "region": path.parent.parent.name, "period": path.parent.name,
                        "failed": failures.pop(path.relative_to(out_dir).with_suffix("").as_posix(), None)})
    for key, message in failures.items():  # failed with no earlier good version
        parts = key.split("/")
        if len(parts) == 4 and parts[3] in KIND_LABELS:
            entries.append({"path": None, "html": None, "kind": parts[3], "figures": {}, "region": parts[1],
                            "period": parts[2], "failed": message})
    entries.sort(key=lambda e: KINDS_ORDER[e["kind"]])
    entries.sort(key=lambda e: _recency(e["period"]), reverse=True)
    entries.sort(key=lambda e: e["region"])
    return entries


def _region_row(entry: dict, out_dir: Path) -> dict:
    """One regional bulletin as plain text fields, with its members' bulletins of the same period and kind."""
    f = entry["figures"]
    link = entry["html"].relative_to(out_dir).as_posix() if entry["html"] else None
    label = f.get("period_label") or _label(entry["period"])
    name = f.get("region_name", entry["region"])
    members = []
    for d in f.get("members", []):
        member = Path(out_dir) / d / entry["period"] / f"{entry['kind']}.html"
        members.append({"name": ((f.get("districts") or {}).get(d) or {}).get("name", d),
                        "link": member.relative_to(out_dir).as_posix() if member.exists() else None})
    return {"name": name, "demo": bool(f.get("demo")), "label": label, "kind_label": KIND_LABELS[entry["kind"]],
            "title": f"{name}各县(市、区)政务服务工作{KIND_LABELS[entry['kind']]}({label})", "link": link,
            "members": members, "formats": _format_links(entry, out_dir), "figures": _key_figures(f), "failed": bool(entry.get("failed")),
            "reason": entry.get("failed") or "",
            "status": ("最近一次更新失败,仍为上次的版本" if link else "生成失败") if entry.get("failed") else "已生成"}


def _row(entry: dict, out_dir: Path, names: dict[str, str]) -> dict:
    """One index row as plain text fields (the template escapes them): the status says 已生成, 不完整, 生成失败,
    or that the previous version is kept after a failed update, with the reason on hover."""
    f = entry["figures"]
    link = entry["html"].relative_to(out_dir).as_posix() if entry["html"] else None
    label = f.get("period_label") or _label(entry["period"])
    name = names.get(entry["district"], entry["district"])
    if entry["failed"]:
        status = "最近一次更新失败,仍为上次的版本" if link else "生成失败"
    else:
        status = "已生成" if link and f else "不完整"
    return {"name": name, "demo": bool(f.get("demo")), "label": label, "kind_label": KIND_LABELS[entry["kind"]],
            "title": f"{bulletin_title(name, entry['kind'])}({label})", "link": link, "status": status,
            "failed": bool(entry["failed"]),
            "reason": entry["failed"].strip().splitlines()[-1][:300] if entry["failed"] else "",
            "formats": _format_links(entry, out_dir), "figures": _key_figures(f)}


def render_index(out_dir: Path) -> str:
    """The index page's HTML (relative links, no external reference)."""
    out_dir = Path(out_dir)
    entries = collect(out_dir)
    names = {e["district"]: e["figures"]["district_name"] for e in entries if e["figures"].get("district_name")}
    validation_links = [{"href": page.relative_to(out_dir).as_posix(), "name": names.get(page.parent.name, page.parent.name)}
                        for page in sorted(out_dir.glob("*/validation.html"))]
    return render_page("index.html.j2", rows=[_row(e, out_dir, names) for e in entries],
                       region_rows=[_region_row(e, out_dir) for e in collect_regions(out_dir)],
                       validation_links=validation_links)


def write_index(out_dir: Path) -> Path:
    """Rebuild outputs/index.html; its path."""
    target = Path(out_dir) / "index.html"
    write_atomic(target, render_index(Path(out_dir)).encode("utf-8"))
    return target
