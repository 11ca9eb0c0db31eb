"""Bulletin charts: functions that take figures and return a matplotlib Figure, with Chinese glyphs."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bulletin.document.display import score_number  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei")
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype",
             "/usr/share/fonts/truetype", "/usr/local/share/fonts", "~/.local/share/fonts")
PALETTE = ["#1f4e79", "#c0504d", "#4f81bd", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f"]
# Categories (channels ...) never take the red: it marks what needs attention (below base, overdue).
CATEGORY_COLORS = [c for i, c in enumerate(PALETTE) if i != 1]
DPI = 144


@lru_cache(maxsize=1)
def register_cjk_font() -> str | None:
    """Register the installed CJK font files with matplotlib; the family used, None if none is found."""
    for folder in FONT_DIRS:
        path = Path(folder).expanduser()
        if not path.is_dir():
            continue
        for file in sorted(path.rglob("*")):
            if file.suffix.lower() in (".ttc", ".otf", ".ttf") and ("CJK" in file.name or "wqy" in file.name.lower()):
                try:
                    font_manager.fontManager.addfont(str(file))
                except (OSError, RuntimeError):
                    continue
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in available), None)


def apply_style() -> None:
    """Seaborn theme, then the CJK font (seaborn themes reset fonts) and deterministic output settings."""
    matplotlib.rcdefaults()
    sns.set_theme(style="whitegrid", context="paper", palette=PALETTE)
    family = register_cjk_font()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = ([family] if family else []) + ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "bulletin"
    plt.rcParams["figure.dpi"] = DPI
    plt.rcParams["axes.titlesize"] = 11
    plt.rcParams["axes.labelsize"] = 9


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes, without metadata that would vary between runs, then closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _month_labels(months: list[str]) -> list[str]:
    """'2024-01' -> '2024年1月' for the first bar and each January, else '2月'."""
    return [f"{int(mm[5:])}月" if i and mm[5:] != "01" else f"{mm[:4]}年{int(mm[5:])}月" for i, mm in enumerate(months)]


def month_bars(months: list[str], series: dict[str, list[float]], ylabel: str = "件数", title: str = "") -> Figure:
    """Grouped bars per month, one colour per series (e.g. 受理 / 当月办结, 线上 / 线下)."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 3.2), layout="constrained")
    width = 0.8 / max(len(series), 1)
    x = range(len(months))
    colors = [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[5]]
    for k, (label, values) in enumerate(series.items()):
        offset = (k - (len(series) - 1) / 2) * width
        ax.bar([i + offset for i in x], values, width=width, label=label, color=colors[k % len(colors)])
    ax.set_xticks(list(x), _month_labels(months), rotation=0, fontsize=7)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, ncols=len(series), loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    sns.despine(fig)
    return fig


def trend_chart(months: list[str], received: list[int], completed: list[int], title: str = "") -> Figure:
    """Bars of received and completed cases per month (近12个月办件量趋势)."""
    return month_bars(months, {"受理": received, "当月办结": completed}, "件数", title)


def _hbars(labels: list[str], values: list[float], texts: list[str], colors: list[str], xlabel: str, title: str,
           row_height: float, min_height: float, font: float) -> Figure:
    """Horizontal bars, first label on top, each bar labelled with its text."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, max(min_height, row_height * len(labels) + 0.9)), layout="constrained")
    y = list(range(len(labels)))
    ax.barh(y, values, color=colors, height=0.62)
    ax.set_yticks(y, labels, fontsize=font)
    ax.invert_yaxis()
    ax.set_xlim(0, max(values + [1]) * 1.25)
    for yi, v, text in zip(y, values, texts):
        ax.text(v, yi, f" {text}", va="center", fontsize=font - 0.5)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    sns.despine(fig, left=True)
    return fig


def share_bars(counts: dict[str, int], unit: str = "件", title: str = "") -> Figure:
    """A few categories (申办渠道, 评价渠道 ...) labelled with count and share."""
    labels, values = list(counts), list(counts.values())
    total = sum(values) or 1
    texts = [f"{v}{unit}({v / total:.1%})" for v in values]
    colors = [CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(labels))]
    return _hbars(labels, values, texts, colors, unit, title, row_height=0.45, min_height=2.0, font=8.5)


def name_bars(counts: dict[str, float], xlabel: str = "件数", title: str = "", color: int = 0) -> Figure:
    """Many names (乡镇街道, 单位), largest on top; the chart grows with the number of names so labels never overlap."""
    labels, values = list(counts), list(counts.values())
    return _hbars(labels, values, [f"{v:g}" for v in values], [PALETTE[color]] * len(labels), xlabel, title,
                  row_height=0.24, min_height=2.4, font=7.5)


def ranking_chart(departments: list[str], totals: list[float], base: float, title: str = "") -> Figure:
    """Horizontal bars of department totals, best on top, with the base score marked."""
    apply_style()
    height = max(3.0, 0.22 * len(departments) + 0.8)
    fig, ax = plt.subplots(figsize=(7.2, height), layout="constrained")
    y = list(range(len(departments)))
    colors = [PALETTE[0] if t >= base else PALETTE[1] for t in totals]
    ax.barh(y, totals, color=colors, height=0.7)
    ax.set_yticks(y, departments, fontsize=7.5)
    ax.invert_yaxis()
    low = min(min(totals), base)
    high = max(max(totals), base)
    pad = max((high - low) * 0.08, 1.0)
    ax.set_xlim(low - pad, high + pad)
    ax.axvline(base, color="#555555", linewidth=0.8, linestyle="--")
    ax.text(base, -0.9, f"基准分{base:g}", fontsize=7, ha="center", color="#555555")
    for yi, total in zip(y, totals):
        ax.text(total, yi, f" {score_number(total)}", va="center", fontsize=6.5)
    ax.set_xlabel("得分")
    if title:
        ax.set_title(title)
    sns.despine(fig, left=True)
    return fig


def small_multiples(months: list[str], panels: dict[str, tuple[list[int], list[int]]], title: str = "") -> Figure:
    """One small panel per district (受理 bars, 当月办结 line per month), all on the same y scale so panels compare;
    more columns and shorter panels as districts grow (150 districts make a 6-wide grid).

    The panels are drawn into one set of axes with one collection per kind of mark: 150 separate axes would take
    most of a minute to lay out and draw."""
    from matplotlib.collections import LineCollection, PolyCollection

    apply_style()
    names = list(panels)
    columns = 3 if len(names) <= 9 else (5 if len(names) <= 30 else 6)
    rows = max(1, -(-len(names) // columns))
    row_inches = 1.6 if columns == 3 else 0.95
    font = 8 if columns == 3 else 6
    fig, ax = plt.subplots(figsize=(7.2, row_inches * rows + 0.6))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.3 / (row_inches * rows + 0.6),
                        top=1 - 0.35 / (row_inches * rows + 0.6))
    n = len(months)
    gap_x, gap_y, height = n * 0.15, 0.5, 1.0
    top = max([max(r + c, default=0) for r, c in panels.values()] + [1])
    bars, lines, frames = [], [], []
    for k, name in enumerate(names):
        received, completed = panels[name]
        x0, y0 = (k % columns) * (n + gap_x), -(k // columns) * (height + gap_y)
        for i, v in enumerate(received):
            h = v / top * height
            bars.append([(x0 + i + 0.12, y0), (x0 + i + 0.88, y0), (x0 + i + 0.88, y0 + h), (x0 + i + 0.12, y0 + h)])
        lines.append([(x0 + i + 0.5, y0 + v / top * height) for i, v in enumerate(completed)])
        frames.append([(x0, y0), (x0 + n, y0)])
        frames.append([(x0, y0 + height), (x0 + n, y0 + height)])
        ax.text(x0 + n / 2, y0 + height + 0.06, name, ha="center", va="bottom", fontsize=font)
        if k % columns == 0:
            ax.text(x0 - 0.3, y0 + height, f"{top:g}", ha="right", va="center", fontsize=font - 1.5, color="#555555")
            ax.text(x0 - 0.3, y0, "0", ha="right", va="center", fontsize=font - 1.5, color="#555555")
        if k + columns >= len(names):  # the lowest panel of its column: name the first and last month
            for i in (0, n - 1):
                ax.text(x0 + i + 0.5, y0 - 0.08, _month_labels(months)[i] if i == 0 else f"{int(months[i][5:])}月",
                        ha="center", va="top", fontsize=font - 1.5)
    ax.add_collection(PolyCollection(bars, facecolors=PALETTE[2], edgecolors="none", label="受理"))
    ax.add_collection(LineCollection(lines, colors=PALETTE[0], linewidths=1.0, label="当月办结"))
    ax.add_collection(LineCollection(frames, colors="#bbbbbb", linewidths=0.5, linestyles=["-", ":"] * len(names)))
    ax.set_xlim(-gap_x, columns * (n + gap_x))
    ax.set_ylim(-(rows - 1) * (height + gap_y) - 0.35, height + 0.3)
    ax.set_axis_off()
    handles = [matplotlib.patches.Patch(color=PALETTE[2], label="受理"),
               matplotlib.lines.Line2D([], [], color=PALETTE[0], label="当月办结")]
    fig.legend(handles=handles, loc="upper right", ncols=2, frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, x=0.06, ha="left")
    return fig


def rank_heatmap(names: list[str], metrics: list[str], ranks: list[list[int | None]], title: str = "") -> Figure:
    """Ranks of every district (rows, best overall first) on every metric (columns): darker is better, each cell
    labelled with its rank (— where unranked) up to 30 districts; one image, so 150 districts draw fast."""
    import numpy as np

    apply_style()
    n = max(len(names), 1)
    values = np.array([[np.nan if r is None else float(r) for r in row] for row in ranks], dtype=float).reshape(n, -1)
    row_inches = 0.26 if len(names) <= 30 else 0.16
    font = 7.5 if len(names) <= 30 else 5
    height = row_inches * n + 1.0
    fig, ax = plt.subplots(figsize=(7.2, height))  # fixed margins: a layout engine over 150 labels costs seconds
    fig.subplots_adjust(left=0.16, right=0.98, top=1 - 0.55 / height, bottom=0.15 / height)
    cmap = matplotlib.colormaps["Blues_r"].copy()
    cmap.set_bad("#eeeeee")
    ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=1, vmax=max(n, 2) * 1.3, aspect="auto",
              interpolation="nearest")
    ax.set_xticks(range(len(metrics)), metrics, fontsize=font + 0.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(names)), names, fontsize=font)
    labelled = len(names) <= 30  # beyond that, 1000+ labels would take seconds to draw and be too small to read
    for i, row in enumerate(ranks if labelled else []):
        for j, r in enumerate(row):
            light = r is not None and r <= max(n, 2) * 0.5
            ax.text(j, i, "—" if r is None else str(r), ha="center", va="center", fontsize=font,
                    color="white" if light else "#222222")
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title)
    return fig
