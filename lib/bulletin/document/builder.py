"""What a bulletin notebook calls: open a bulletin's figures, then show its title, sections and charts in order."""

from __future__ import annotations

import copy
import os
import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.figures.workdays import load_calendar
from bulletin.document import charts
from bulletin.document.charts import png_bytes
from bulletin.errors import ParamError
from bulletin.config import District, Scheme, check_id, check_kind, load_district, load_scheme
from bulletin.figures.compute import compute_figures, months_needed
from bulletin.document.markup import blocks_html
from bulletin.document.wording import Wording
from bulletin.document.display import pct
from bulletin.document.model import (
    BLOCKS_MIMETYPE, Attachment, AttachmentNote, Block, Figure, Heading, Imprint, Signature, Table, TitleBlock, table,
    to_json,
)
from bulletin.document.narrative import ordinal, ranking_table
from bulletin.document.numbering import doc_number
from bulletin.document.typography import typeset
from bulletin.figures.periods import Period, parse_period
from bulletin.data.store import load_tables
from bulletin.data.tables import Tables
from bulletin.vocabulary import bulletin_title

FIGURES_MIMETYPE = "application/vnd.bulletin.figures+json"
# Seconds spent loading data and computing figures; the runner reads them for `batch --profile` and
# removes them before anything is written (they differ from run to run).
TIMINGS_MIMETYPE = "application/vnd.bulletin.timings+json"


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
    subsections: int = 0
    charts: int = 0
    shown: list[str] = field(default_factory=list)
    pending: str | None = None  # a section heading shown only once one of its parts has content
    timings: dict[str, float] = field(default_factory=dict)  # load / compute seconds, see TIMINGS_MIMETYPE
    wording: Wording | None = None  # the sentence templates: params/wording/ overrides over the package's
    attachments: list[Attachment] = field(default_factory=list)  # 附件 pages, shown after the signature

    @property
    def title(self) -> str:
        """The document title, e.g. 云河区政务服务工作月通报."""
        return bulletin_title(self.district.name, self.kind)

    def show(self, blocks: list[Block]) -> None:
        """Display blocks of the bulletin as one cell output (nothing for an empty list).

        The output carries the blocks themselves (for every renderer) and their HTML (for JupyterLab).
        Chinese punctuation is made full-width here, once, for every format."""
        if blocks:
            from IPython.display import display

            blocks = [typeset(b) for b in blocks]
            display({"text/html": blocks_html(blocks), BLOCKS_MIMETYPE: [to_json(b) for b in blocks]}, raw=True)

    @property
    def period_word(self) -> str:
        """How sentences name the period: 本月, 本季度, 上半年, 全年, or the range's label."""
        p = self.period
        if p.kind == "half":
            return "上半年" if p.label.endswith("上半年") else "下半年"
        return {"month": "本月", "quarter": "本季度", "year": "全年"}.get(p.kind, p.label)

    def section(self, title: str, body: list[Block] | None = None) -> None:
        """A numbered section (一、 二、 ...) with its body; left out entirely when the body is empty.

        Without a body, the heading waits for the section's first non-empty `part`."""
        self.pending = None
        self.subsections = 0
        if not body:
            self.pending = title
            return
        self.show([self._open_section(title)] + list(body))

    def _open_section(self, title: str) -> Heading:
        """The next section's numbered heading (一、 二、 ...)."""
        self.sections += 1
        self.subsections = 0
        self.shown.append(title)
        return Heading(f"{ordinal(self.sections)}、{title}", 1)

    def part(self, title: str, body: list[Block]) -> None:
        """A numbered part (（一） （二） ...) of the current section; left out when the body is empty."""
        if not body:
            return
        if self.pending is not None:
            title_, self.pending = self.pending, None
            self.show([self._open_section(title_)])
        self.subsections += 1
        self.show([Heading(f"({ordinal(self.subsections)}){title}", 2)] + list(body))

    def chart(self, fig, caption: str) -> None:
        """A numbered chart (图1..图N) with its caption, embedded as PNG."""
        self.charts += 1
        self.show([Figure(png_bytes(fig), self.charts, caption)])

    def _draw(self, caption: str, make, *args, **kwargs) -> None:
        """A numbered chart drawn by make(*args, **kwargs); in the preview, the PNG of the same call is reused."""
        key = (make.__name__, repr(args), repr(sorted(kwargs.items()))) if os.environ.get(PREVIEW_CACHE_ENV) == "1" else None
        png = _PREVIEW_CHARTS.get(key) if key else None
        if png is None:
            png = png_bytes(make(*args, **kwargs))
            if key:
                if len(_PREVIEW_CHARTS) > 32:
                    _PREVIEW_CHARTS.clear()
                _PREVIEW_CHARTS[key] = png
        self.charts += 1
        self.show([Figure(png, self.charts, caption)])

    # --- the standard charts: each is shown only when its figures exist and are not all zero ---

    def trend_chart(self, caption: str) -> None:
        """Received and completed cases per month."""
        t = self.figures.get("trend")
        if t and sum(t["received"]):
            self._draw(caption, charts.trend_chart, t["months"], t["received"], t["completed"])

    def ranking_chart(self, caption: str) -> None:
        """Every scored department's total, best on top, base score marked."""
        s = self.figures.get("scores") or {}
        if s.get("ranking"):
            names = [r["department"] for r in s["ranking"]]
            self._draw(caption, charts.ranking_chart, names, [r["total"] for r in s["ranking"]], s["base"])

    def channel_chart(self, caption: str) -> None:
        """Received cases by 申办渠道, with shares."""
        by_channel = (self.figures.get("cases") or {}).get("by_channel") or {}
        if sum(by_channel.values()):
            self._draw(caption, charts.share_bars, by_channel)

    def township_chart(self, caption: str, key: str = "by_township") -> None:
        """Cases per township (by_township), or open overdue cases per township (overdue_by_township)."""
        counts = (self.figures.get("cases") or {}).get(key) or {}
        if counts:
            self._draw(caption, charts.name_bars, counts, "件数", color=0 if key == "by_township" else 1)

    def evaluation_chart(self, caption: str) -> None:
        """Online and offline evaluations per month."""
        t = self.figures.get("evaluation_trend")
        if t and (sum(t["online"]) or sum(t["offline"])):
            self._draw(caption, charts.month_bars, t["months"], {"线上评价": t["online"], "线下评价": t["offline"]}, "条数")

    def prose(self, text: str) -> None:
        """Analyst prose with placeholders ({{ cases.received|count }}), filled from the figures, as paragraphs.

        Also what a `%%prose` cell runs (registered by `open_bulletin` in IPython)."""
        from bulletin.document.prose import fill

        self.show(fill(text, self.figures, name="%%prose 单元"))

    def title_block(self) -> None:
        """The 版头: issuer (red), 文号, the red rule, the title, the period and the 示例数据 mark."""
        d, p = self.district, self.period
        number = doc_number(d, p, self.kind, self.figures.get("issue_date") or "")
        self.show([TitleBlock(d.issuer or d.name, number, self.title, p.label, bool(d.demo))])

    def emit_figures(self) -> None:
        """Hand the figures to the runner (it writes them as <kind>.json); invisible in the bulletin."""
        from IPython.display import display

        display({FIGURES_MIMETYPE: self.figures, TIMINGS_MIMETYPE: self.timings,
                 "text/plain": f"<figures of {self.title}>"}, raw=True)

    def attachment_link(self) -> None:
        """附件说明 (附件：1. ...) linking <kind>.xlsx; the 附件 itself follows the signature as pages of its own."""
        attachment = department_attachment(self.figures, 1)
        if attachment is None:
            return
        self.attachments.append(attachment)
        self.show([AttachmentNote((attachment.title,), f"{self.kind}.xlsx")])

    def signature(self) -> None:
        """发文机关署名 and 成文日期, then the 附件 pages and the 版记 (抄送, 印发机关 and 印发日期)."""
        d = self.district
        shown = chinese_date(self.figures.get("issue_date")) or self.period.label
        imprint = Imprint(d.cc, d.printed_by, shown if d.printed_by else "")
        self.show([Signature(d.issuer or d.name, shown), *self.attachments, imprint])


# `bulletin preview` keeps one kernel between renders and sets this variable in it: a re-render after a wording or
# notebook edit then reuses the tables and figures while no export or params file (wording aside) has changed.
PREVIEW_CACHE_ENV = "BULLETIN_PREVIEW_CACHE"
_PREVIEW_CACHE: dict[tuple, tuple] = {}
_PREVIEW_CHARTS: dict[tuple, bytes] = {}  # PNG of each standard chart call, by its arguments


def _preview_key(district: str, period: str, kind: str, data_dir: Path, params_dir: Path) -> tuple | None:
    """What the figures of a bulletin depend on (names, paths and every input file's size and mtime) when the
    preview cache is on; None otherwise (every `bulletin run` and batch computes afresh)."""
    if os.environ.get(PREVIEW_CACHE_ENV) != "1":
        return None
    files = []
    for folder in (data_dir / district, params_dir):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and "wording" not in path.relative_to(folder).parts[:1]:
                stat = path.stat()
                files.append((str(path), stat.st_size, stat.st_mtime_ns))
    return (district, period, kind, str(data_dir.resolve()), str(params_dir.resolve()), tuple(files))


def project_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder holding params/, walking up from start (default: the working directory,
    which is the notebook's folder in JupyterLab and the shell's with papermill), then from the notebook JupyterLab
    names in JPY_SESSION_NAME. ParamError when there is none."""
    starts = [Path(start) if start else Path.cwd()]
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session:
        starts.append(Path(session).resolve().parent)
    for first in starts:
        for folder in (first.resolve(), *first.resolve().parents):
            if (folder / "params").is_dir():
                return folder
    raise ParamError(f"从 {starts[0]} 向上找不到含 params/ 的项目目录:请在项目目录或 notebooks/ 中运行,"
                     "或用参数 data_dir、params_dir 指明数据和参数目录。")


# Columns of the per-department 附件 table: (header, key, rate?). A subset of the xlsx sheet that fits A4 portrait.
ATTACHMENT_COLUMNS = (("受理(件)", "received", False), ("办结(件)", "completed", False), ("办结率", "completion_rate", True),
                      ("按时办结率", "on_time_rate", True), ("超期未办(件)", "overdue_open", False),
                      ("好评率", "good_rate", True), ("满意度", "satisfaction", True), ("投诉(件)", "complaints", False))


def department_attachment(figures: dict[str, Any], number: int) -> Attachment | None:
    """附件N: the ranking and the per-department figures as tables (the same as the xlsx sheets), or None."""
    tables: list[Table] = []
    ranking = [dataclasses.replace(t, caption="各单位考核得分排名") for t in ranking_table(figures, full=True)]
    tables.extend(ranking)
    rows = figures.get("departments") or []
    columns = [c for c in ATTACHMENT_COLUMNS if any(r.get(c[1]) is not None for r in rows)]
    if rows and columns:
        body = [[r["department"]] + [_cell(r.get(key), rate) for _, key, rate in columns] for r in rows]
        tables.append(table(["单位"] + [h for h, _, _ in columns], body, caption="各单位办件及评价数据",
                            numeric=range(1, len(columns) + 1)))
    if not tables:
        return None
    title = f"{figures.get('period_label', '')}各单位考核排名及办件数据" if ranking else \
        f"{figures.get('period_label', '')}各单位办件数据"
    return Attachment(number, title, tuple(tables))


def _cell(value: Any, rate: bool) -> str:
    if value is None:
        return "—"
    return pct(value) if rate else str(int(round(value)))


def chinese_date(iso: str | None) -> str:
    """An ISO date as a 成文日期 in Arabic numerals (2024-07-05 -> 2024年7月5日); '' if not a date."""
    if not iso or len(iso) != 10:
        return ""
    return f"{int(iso[:4])}年{int(iso[5:7])}月{int(iso[8:10])}日"


def open_bulletin(district: str, period: str, kind: str, data_dir: str | Path, params_dir: str | Path) -> Bulletin:
    """Load settings and validated tables, and compute every figure of one bulletin.

    An empty data_dir / params_dir means the project's data/ and params/ (see `project_root`)."""
    if not str(data_dir) or not str(params_dir):
        root = project_root()
        data_dir, params_dir = data_dir or root / "data", params_dir or root / "params"
    check_id(district)
    check_kind(kind)
    parsed = parse_period(period)
    settings = load_district(Path(params_dir), district)
    scheme = load_scheme(Path(params_dir), settings.scoring) if settings.scoring else None
    calendar = load_calendar(Path(params_dir))
    started = time.perf_counter()
    key = _preview_key(district, period, kind, Path(data_dir), Path(params_dir))
    if key is not None and key in _PREVIEW_CACHE:
        tables, figures = _PREVIEW_CACHE[key][0], copy.deepcopy(_PREVIEW_CACHE[key][1])
        loaded = time.perf_counter()
    else:
        tables = load_tables(Path(data_dir), district, months=months_needed(parsed))  # only the months it reads
        loaded = time.perf_counter()
        figures = compute_figures(tables, settings, scheme, calendar, parsed, kind)
        if key is not None:
            _PREVIEW_CACHE.clear()  # one bulletin at a time: the preview's
            _PREVIEW_CACHE[key] = (tables, copy.deepcopy(figures))
    timings = {"load": loaded - started, "compute": time.perf_counter() - loaded}
    bulletin = Bulletin(settings, scheme, parsed, kind, tables, figures, timings=timings,
                        wording=Wording(Path(params_dir), district, kind))
    _register_prose_magic(bulletin)
    return bulletin


def _register_prose_magic(bulletin: Bulletin) -> None:
    """In IPython (JupyterLab, papermill), `%%prose` cells write their text through this bulletin's `prose`."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.register_magic_function(lambda line, cell: bulletin.prose(cell), magic_kind="cell", magic_name="prose")
