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


def small_multiples(months: list[str], panels: dict[str, tuple[list[int], list[int]]], title: str = "",
                    columns: int = 3) -> Figure:
    """One small panel per district (受理 and 当月办结 per month), all on the same y scale so panels compare."""
    apply_style()
    names = list(panels)
    rows = max(1, -(-len(names) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(7.2, 1.9 * rows + 0.5), sharex=True, sharey=True,
                             layout="constrained", squeeze=False)
    x = list(range(len(months)))
    for ax, name in zip(axes.flat, names):
        received, completed = panels[name]
        ax.bar(x, received, width=0.8, color=PALETTE[2], label="受理")
        ax.plot(x, completed, color=PALETTE[0], linewidth=1.2, marker="o", markersize=2, label="当月办结")
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=6.5)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    step = max(1, len(months) // 4)
    for ax in axes[-1]:
        ax.set_xticks(x[::step], [f"{int(m[5:])}月" if m[5:] != "01" else f"{m[:4]}年1月" for m in months][::step])
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper right", ncols=2, frameon=False, fontsize=8)
    if title:
        fig.suptitle(title)
    sns.despine(fig)
    return fig
