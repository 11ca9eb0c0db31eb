"""What a bulletin notebook calls: open a bulletin's figures, then show its title, sections and charts in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .calendar import load_calendar
from .charts import png_bytes
from .config import KIND_LABELS, District, Scheme, check_id, check_kind, load_district, load_scheme
from .figures import compute_figures
from .markup import esc, figure, heading
from .narrative import ordinal
from .periods import Period, parse_period
from .store import load_tables
from .tables import Tables

FIGURES_MIMETYPE = "application/vnd.bulletin.figures+json"


@dataclass
class Bulletin:
    """One bulletin being written: its settings, figures, and the running numbers of sections and charts."""

    district: District
    scheme: Scheme | None
    period: Period
    kind: str
    tables: Tables
    figures: dict[str, Any]
    sections: int = 0
    charts: int = 0
    shown: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The document title, e.g. 云河区政务服务工作月通报."""
        return f"{self.district.name}政务服务工作{KIND_LABELS[self.kind]}"

    def show(self, html: str) -> None:
        """Display a piece of bulletin HTML as a cell output (nothing for an empty string)."""
        if html:
            from IPython.display import display

            display({"text/html": html}, raw=True)

    def section(self, title: str, body: str) -> None:
        """A numbered section (一、 二、 ...) with its body; left out entirely when the body is empty."""
        if not body:
            return
        self.sections += 1
        self.shown.append(title)
        self.show(heading(f"{ordinal(self.sections)}、{title}", 2) + body)

    def chart(self, fig, caption: str) -> None:
        """A numbered chart (图1..图N) with its caption, embedded as PNG."""
        self.charts += 1
        self.show(figure(png_bytes(fig), self.charts, caption))

    def title_block(self) -> None:
        """The 标题/文号 block: issuer, title, issue number, period and the 示例数据 mark."""
        d, p = self.district, self.period
        number = f"{esc(d.doc_prefix)}〔{p.year}〕{_issue_number(p)}号" if d.doc_prefix else ""
        demo = '<div class="demo-mark">示例数据</div>' if d.demo else ""
        self.show(
            f'<header class="title-block">{demo}'
            f'<div class="issuer-red">{esc(d.issuer or d.name)}</div>'
            f'<div class="doc-number">{number}</div><hr class="red-rule"/>'
            f'<h1 class="doc-title">{esc(self.title)}</h1>'
            f'<div class="doc-period">({esc(p.label)})</div></header>'
        )

    def emit_figures(self) -> None:
        """Hand the figures to the runner (it writes them as <kind>.json); invisible in the bulletin."""
        from IPython.display import display

        display({FIGURES_MIMETYPE: self.figures, "text/plain": f"<figures of {self.title}>"}, raw=True)

    def attachment_link(self) -> None:
        """The 附件 line: a relative link to <kind>.xlsx beside the page (works offline)."""
        name = f"{self.kind}.xlsx"
        self.show(
            f'<p class="attachment-line">附件:<a href="{esc(name)}">{esc(self.period.label)}各单位考核排名及办件数据({esc(name)})</a></p>'
        )

    def signature(self) -> None:
        """The closing block: issuer and period."""
        d = self.district
        self.show(f'<footer class="signature"><div>{esc(d.issuer or d.name)}</div><div>{esc(self.period.label)}</div></footer>')


def _issue_number(period: Period) -> int:
    """第N期 of the year: the month for monthly bulletins, the quarter or half for the others."""
    month = period.last % 12 + 1
    return {"quarter": (month - 1) // 3 + 1, "half": 1 if month <= 6 else 2, "year": 1, "range": 1}.get(period.kind, month)


def open_bulletin(district: str, period: str, kind: str, data_dir: str | Path, params_dir: str | Path) -> Bulletin:
    """Load settings and validated tables, and compute every figure of one bulletin."""
    check_id(district)
    check_kind(kind)
    parsed = parse_period(period)
    settings = load_district(Path(params_dir), district)
    scheme = load_scheme(Path(params_dir), settings.scoring) if settings.scoring else None
    calendar = load_calendar(Path(params_dir))
    tables = load_tables(Path(data_dir), district)
    figures = compute_figures(tables, settings, scheme, calendar, parsed, kind)
    return Bulletin(settings, scheme, parsed, kind, tables, figures)
