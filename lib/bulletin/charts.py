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

from .display import score_number  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei")
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype",
             "/usr/share/fonts/truetype", "/usr/local/share/fonts", "~/.local/share/fonts")
PALETTE = ["#1f4e79", "#c0504d", "#4f81bd", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f"]
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


def trend_chart(months: list[str], received: list[int], completed: list[int], title: str = "") -> Figure:
    """Bars of received and completed cases per month (近12个月办件量趋势)."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 3.2), layout="constrained")
    labels = [f"{int(mm[5:])}月" if i and mm[5:] != "01" else f"{mm[:4]}年{int(mm[5:])}月" for i, mm in enumerate(months)]
    x = range(len(months))
    width = 0.4
    ax.bar([i - width / 2 for i in x], received, width=width, label="受理", color=PALETTE[0])
    ax.bar([i + width / 2 for i in x], completed, width=width, label="当月办结", color=PALETTE[2])
    ax.set_xticks(list(x), labels, rotation=0, fontsize=7)
    ax.set_ylabel("件数")
    ax.legend(frameon=False, ncols=2, loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    sns.despine(fig)
    return fig


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
