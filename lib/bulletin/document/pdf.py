"""Document -> PDF laid out per GB/T 9704-2012, with Typst (a typesetting engine compiled into the `typst` wheel).

The layout is the Typst template `gbt9704.typ` beside the page templates; the blocks reach it as JSON data
(`sys.inputs`), never as markup, so no text of a bulletin can act as a Typst command. Charts are PNG files in a
private folder the compiler may read (its root) and nothing else. Why Typst and not a CSS engine: it lays out a
16-page monthly in about 0.15 s warm (WeasyPrint took 1.2-2.5 s), needs no system library (Pango), installs
from one wheel on Linux and Windows, and has odd/even page footers, repeated table headers and bottom floats
(the 版记) built in. Fonts come from the system (`make setup` installs them from Debian) and are embedded as
subsets. No creation date and a fixed identifier make the same blocks give the same bytes.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from bulletin.document.model import Attachment, Block, Document, Figure, Table, chart_width_mm, to_json
from bulletin.errors import RenderError

TEMPLATE = Path(__file__).parent / "templates" / "bulletin" / "gbt9704.typ"
# Families the template asks for (as Typst names them); at least one must exist or Chinese prints as boxes.
CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai", "AR PL UMing", "WenQuanYi Micro Hei")
# Table text is 12 pt with 4 pt padding each side: a half-width character about 0.55 em wide.
TABLE_FONT_PT, CELL_PADDING_PT, HALF_WIDTH_EM = 12.0, 4.0, 0.56
TEXT_WIDTH_PT = 156 / 25.4 * 72


@lru_cache(maxsize=1)
def _typst():
    try:
        import typst
    except ImportError as error:  # pragma: no cover - a broken install
        raise RenderError("未安装 typst,无法生成 PDF:请运行 make setup 或 pip install -e .。") from error
    return typst


@lru_cache(maxsize=1)
def missing_fonts() -> tuple[str, ...]:
    """The template's font families that Typst does not find on this machine."""
    present = set(_typst().Fonts(include_embedded_fonts=False).families())
    return tuple(f for f in CJK_FAMILIES if f not in present)


def check_fonts() -> None:
    """RenderError in Chinese when no CJK font of the template is installed (a missing one falls back to the next)."""
    if len(missing_fonts()) == len(CJK_FAMILIES):
        raise RenderError("未找到中文字体(Noto Serif/Sans CJK SC、AR PL UKai 等),无法生成 PDF:"
                          "请运行 make setup(或 sh scripts/install-fonts.sh)安装 fonts-noto-cjk 与 fonts-arphic-ukai。"
                          "本次未生成通报,原有文件保持不变。")


@lru_cache(maxsize=1)
def _template() -> bytes:
    return TEMPLATE.read_bytes()


@lru_cache(maxsize=1)
def compiler():
    """One Typst compiler per process: it finds the system fonts once and caches layout between bulletins."""
    return _typst().Compiler()


def _display_width(text: str) -> int:
    """Width in half-width characters (a Chinese character, and an arrow as CJK fonts draw it, count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def _points(chars: float) -> float:
    return chars * HALF_WIDTH_EM * TABLE_FONT_PT + 2 * CELL_PADDING_PT + 1


def column_widths(t: Table, available: float = TEXT_WIDTH_PT) -> list[float]:
    """Each column's width in points. Numeric columns get their widest cell (numbers never wrap); text columns
    share the rest in proportion to their widest cell, down to two Chinese characters; headers wrap within."""
    numeric, natural = [], []
    for i, head in enumerate(t.header):
        body = max((_display_width(row[i]) for row in t.rows if i < len(row)), default=0)
        numeric.append(i in t.numeric)
        natural.append(_points(max(body, min(_display_width(head), 8) if i not in t.numeric else 0, 4)))
    fixed = sum(w for w, n in zip(natural, numeric) if n)
    text = [w for w, n in zip(natural, numeric) if not n]
    if not text or fixed + len(text) * _points(4) > available:  # too wide to keep numbers whole: scale everything
        scale = available / sum(natural)
        return [round(w * scale, 2) for w in natural]
    room, wanted = available - fixed, sum(text)
    shares = [max(w * room / wanted, _points(4)) for w in text]  # grow to fill the line, or shrink to fit
    over = sum(shares) - room  # columns held at their minimum take room from the others
    flexible = sum(s for s in shares if s > _points(4))
    shares = [s - over * s / flexible if s > _points(4) else s for s in shares]
    it = iter(shares)
    return [round(w if n else next(it), 2) for w, n in zip(natural, numeric)]


def _table_json(t: Table) -> dict[str, Any]:
    return {**to_json(t), "widths_pt": column_widths(t)}


def typst_blocks(blocks: Iterable[Block], folder: Path) -> list[dict[str, Any]]:
    """The blocks as the template's JSON: tables with column widths, charts written to `folder` as files."""
    out = []
    for i, block in enumerate(blocks):
        if isinstance(block, Figure):
            name = f"figure-{i}.png"
            (folder / name).write_bytes(block.png)
            data = {"type": "Figure", "number": block.number, "caption": block.caption, "file": name,
                    "width_mm": chart_width_mm(block.png)}
        elif isinstance(block, Table):
            data = _table_json(block)
        elif isinstance(block, Attachment):
            data = {**to_json(block), "tables": [_table_json(t) for t in block.tables]}
        else:
            data = to_json(block)
        out.append(data)
    return out


def pdf_bytes(document: Document | Iterable[Block], title: str) -> bytes:
    """The bulletin as a GB/T 9704 PDF with embedded font subsets; the same blocks always give the same bytes."""
    check_fonts()
    blocks = document.blocks if isinstance(document, Document) else list(document)
    typst = _typst()
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "main.typ").write_bytes(_template())
        inputs = {"blocks": json.dumps(typst_blocks(blocks, folder), ensure_ascii=False), "title": title}
        try:
            return compiler().compile(input=str(folder / "main.typ"), root=str(folder), sys_inputs=inputs)
        except typst.TypstError as error:
            raise RenderError(f"排版 PDF 失败:{error}") from error
