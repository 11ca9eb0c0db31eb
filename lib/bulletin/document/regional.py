"""What the regional notebook calls: open a region's figures (from the members' stored aggregates), then show them."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bulletin.config import KIND_LABELS, check_kind, load_scheme
from bulletin.document import charts
from bulletin.document.attachments import COUNT_FMT, RATE_FMT, SCORE_FMT, _sheet, reproducible_xlsx
from bulletin.document.builder import Bulletin, project_root
from bulletin.document.model import AttachmentNote, Heading
from bulletin.document.regional_narrative import previous_rank_header
from bulletin.document.wording import Wording
from bulletin.errors import BulletinError, DataError
from bulletin.figures.aggregates import Aggregates, district_aggregates
from bulletin.figures.compute import issue_date
from bulletin.figures.periods import parse_period
from bulletin.figures.regional import regional_figures
from bulletin.figures.workdays import WorkCalendar, load_calendar
from bulletin.region import REGIONS_FOLDER, Region, load_region, member_settings
from bulletin.data.tables import Tables


BARS_SHOWN = 30


@dataclass
class RegionalBulletin(Bulletin):
    """A regional bulletin: `district` holds the Region (name, scope, issuer, doc_prefix, demo read the same way)."""

    member_kinds: dict[str, tuple[str, ...]] | None = None

    @property
    def title(self) -> str:
        """The document title, e.g. 示例市各县(市、区)政务服务工作月通报."""
        return f"{self.district.name}各县(市、区)政务服务工作{KIND_LABELS[self.kind]}"

    def ranking_chart(self, caption: str) -> None:
        """Every ranked district's composite score, best on top, base score marked (up to BARS_SHOWN districts:
        beyond, the rank grid's 综合得分 column shows it, and 150 labelled bars would take seconds to draw)."""
        s = self.figures.get("scores") or {}
        rows = [self.figures["districts"][d] for d in self.figures["ranking"]]
        rows = [r for r in rows if r.get("score") is not None]
        if s.get("base") is not None and rows and len(rows) <= BARS_SHOWN:
            self.chart(charts.ranking_chart([r["name"] for r in rows], [r["score"] for r in rows], s["base"]), caption)

    def rank_chart(self, caption: str) -> None:
        """Every district's rank on every ranked metric and the composite score (a rank grid)."""
        from bulletin.figures.regional import RANKED

        f = self.figures
        rows = [f["districts"][d] for d in f["ranking"] if f["districts"][d]["status"] == "ok"]
        keys = [(k, label) for k, label, _ in RANKED if any(r["ranks"].get(k) is not None for r in rows)]
        if rows and keys:
            self.chart(charts.rank_heatmap([r["name"] for r in rows], [label for _, label in keys],
                                           [[r["ranks"].get(k) for k, _ in keys] for r in rows]), caption)

    def trend_panels(self, caption: str) -> None:
        """Small multiples: each district's received and completed cases per month, same scale."""
        t = self.figures.get("trend") or {}
        panels = {self.figures["districts"][d]["name"]: (v["received"], v["completed"])
                  for d, v in (t.get("districts") or {}).items()}
        if panels and any(sum(r) for r, _ in panels.values()):
            self.chart(charts.small_multiples(t["months"], panels), caption)

    def attachment_link(self) -> None:
        """The 附件 line (<kind>.xlsx beside the page)."""
        self.show([AttachmentNote((f"{self.period.label}各县(市、区)政务服务数据",), f"{self.kind}.xlsx")])

    def member_links(self) -> None:
        """Links to each member's own bulletin of the same period and kind, for the members that write that kind."""
        notes = []
        for d in self.figures["members"]:
            row = self.figures["districts"][d]
            if row["status"] != "ok" or self.kind not in (self.member_kinds or {}).get(d, ()):
                continue
            href = f"../../../{d}/{self.period.text}/{self.kind}.html"  # outputs/regions/<r>/<p>/ -> outputs/<d>/<p>/
            notes.append(AttachmentNote((f"{row['name']}{self.period.label}政务服务工作{KIND_LABELS[self.kind]}",), href))
        if notes:
            self.show([Heading("各县(市、区)本期通报", 2)] + notes)


def load_members(data_dir: Path, region: Region, calendar: WorkCalendar) -> tuple[dict[str, Aggregates], dict[str, str]]:
    """(aggregates of the members whose data is valid, {member: why it has none}) — a failing member never stops the
    others, and is named in the bulletin."""
    found: dict[str, Aggregates] = {}
    failed: dict[str, str] = {}
    for d in region.districts:
        try:
            found[d] = district_aggregates(data_dir, d, calendar)
        except DataError as exc:
            n = len(exc.report.errors) if exc.report is not None else 0
            failed[d] = f"数据校验发现{n}处错误,请运行 bulletin validate --district {d} 查看" if n else str(exc)
        except BulletinError as exc:
            failed[d] = str(exc)
    return found, failed


def open_region(region: str, period: str, kind: str, data_dir: str | Path, params_dir: str | Path) -> RegionalBulletin:
    """Load the region's settings and its members' aggregates, and compute every figure of one regional bulletin.

    An empty data_dir / params_dir means the project's data/ and params/ (see `builder.project_root`)."""
    if not data_dir or not params_dir:
        root = project_root()
        data_dir, params_dir = data_dir or root / "data", params_dir or root / "params"
    check_kind(kind)
    parsed = parse_period(period)
    settings = load_region(Path(params_dir), region)
    members = member_settings(Path(params_dir), settings)
    scheme = load_scheme(Path(params_dir), settings.scoring) if settings.scoring else None
    calendar = load_calendar(Path(params_dir))
    started = time.perf_counter()
    aggregates, failed = load_members(Path(data_dir), settings, calendar)
    loaded = time.perf_counter()
    names = {d: s.name for d, s in members.items()}
    figures = regional_figures(settings, names, aggregates, failed, scheme, parsed, kind)
    figures["issue_date"] = figures["notes"].pop("date", None) or issue_date(calendar, parsed)
    timings = {"load": loaded - started, "compute": time.perf_counter() - loaded}
    return RegionalBulletin(settings, scheme, parsed, kind, Tables(), figures, timings=timings,
                            member_kinds={d: s.kinds for d, s in members.items()},
                            wording=Wording(Path(params_dir), settings.id, kind))


def region_dir(out_dir: Path, region: str, period: str) -> Path:
    """outputs/regions/<region>/<period>/: a folder no district id can name ('regions' is refused as one)."""
    return Path(out_dir) / REGIONS_FOLDER / region / period


COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("县(市、区)", "name", None), ("受理(件)", "received", COUNT_FMT), ("办结(件)", "completed", COUNT_FMT),
    ("办结率", "completion_rate", RATE_FMT), ("按时办结率", "on_time_rate", RATE_FMT),
    ("超期未办(件)", "overdue_open", COUNT_FMT), ("评价(条)", "evaluations", COUNT_FMT), ("好评率", "good_rate", RATE_FMT),
    ("满意度", "satisfaction", RATE_FMT), ("差评整改率", "rectified_rate", RATE_FMT), ("投诉(件)", "complaints", COUNT_FMT),
    ("投诉办结率", "complaints_resolved_rate", RATE_FMT), ("综合得分", "score", SCORE_FMT), ("排名", "rank", COUNT_FMT),
    ("上期排名", "previous_rank", COUNT_FMT),
)


def regional_workbook_bytes(figures: dict[str, Any]) -> bytes:
    """The regional 附件 workbook: every district's figures and ranks, byte-for-byte reproducible."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = [[figures["districts"][d].get(key) for _, key, _ in COLUMNS] for d in figures["ranking"]]
    header = [previous_rank_header(figures) if key == "previous_rank" else h for h, key, _ in COLUMNS]
    _sheet(wb, "各县区数据及排名", header, rows, [f for _, _, f in COLUMNS])
    wb.properties.creator = "bulletin"
    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible_xlsx(buffer.getvalue())
