"""Document -> Word (.docx) laid out per GB/T 9704-2012 (党政机关公文格式).

A4, margins 37/35/28/26 mm (版心 156 x 225 mm), a document grid of 22 lines of 28 characters, body 3号 (16 pt)
仿宋_GB2312, title 2号 (22 pt) 方正小标宋简体, headings 黑体 / 楷体_GB2312 / 仿宋 bold, 版头 in red with the red
rule, page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages left), 附件说明, signature and 成文日期, 附件
pages with 表N captions and repeated header rows, and the 版记 between rules at the foot of the last page.
Fonts are named for East Asian text (w:eastAsia), which Word and WPS honour. Same blocks -> same bytes.

The package around the body (styles, settings, page setup, the page-number footers) is made once per process
with python-docx; the body is written as WordprocessingML text, every text escaped on the way. Building it
through python-docx's objects cost about 0.4 s a bulletin (mostly its child-order lookups on every run and
cell), writing it directly a few milliseconds.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from bulletin.document.attachments import reproducible_xlsx
from bulletin.document.model import (
    Attachment, AttachmentNote, Block, Document, Figure, Heading, Imprint, Paragraph, Signature, Table, TitleBlock,
    chart_width_mm,
)
from bulletin.document.page import TableNumbers

# Font roles (GB/T 9704) and the names a Chinese office machine has.
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四, tables need room
IMPRINT_PT = 14  # 4号, 版记
LINE_PITCH = 28.95  # pt: 225 mm / 22 lines
# Character spacing of body text in twentieths of a point: 16 pt - 0.2 pt = 156 mm / 28 characters.
CONDENSE = -4
RED = "FF0000"
TEXT_WIDTH_MM = 156

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
HEADER_FOOTER_MM = (15, 20)

HEADING_FONTS = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True), 4: (FANGSONG, True)}


def _twips(pt: float) -> int:
    """Twentieths of a point."""
    return round(pt * 20)


def _mm_twips(mm: float) -> int:
    """Millimetres in twentieths of a point."""
    return round(mm / 25.4 * 1440)


def _emu(mm: float) -> int:
    """Millimetres in English metric units (DrawingML)."""
    return int(mm * 36000)


# --- WordprocessingML text -------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry (control characters other than tab and newlines): dropped, as no word
# processor could show them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile(r"(\t|\r\n|\r|\n)")


def _text(text: str) -> str:
    """Run content for plain text: escaped w:t pieces, tabs as w:tab and line breaks as w:br."""
    out = []
    for piece in _BREAKS.split(_NOT_XML.sub("", text)):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\n", "\r", "\r\n"):
            out.append("<w:br/>")
        elif piece:
            out.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(out)


@lru_cache(maxsize=None)
def _rpr(east_asia: str, size: float, bold: bool = False, color: str = "", latin: str = LATIN) -> str:
    """Run properties: Latin and East Asian fonts, weight, colour, size (body text condensed to 28 a line)."""
    parts = [f'<w:rFonts w:ascii={quoteattr(latin)} w:hAnsi={quoteattr(latin)} w:eastAsia={quoteattr(east_asia)}'
             ' w:hint="eastAsia"/>', "<w:b/>" if bold else '<w:b w:val="0"/>']
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size == BODY_PT and east_asia != XIAOBIAOSONG:
        parts.append(f'<w:spacing w:val="{CONDENSE}"/>')
    parts.append(f'<w:sz w:val="{int(size * 2)}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def _run(text: str, rpr: str) -> str:
    return f"<w:r>{rpr}{_text(text)}</w:r>"


@lru_cache(maxsize=None)
def _ppr(*, align: str = "both", line: float | None = LINE_PITCH, before: float = 0, after: float = 0,
         first_line: float = 0, hanging: float = 0, left: float = 0, right: float = 0, keep_next: bool = False,
         page_break: bool = False, grid: bool = True, borders: str = "", tab_right: float = 0) -> str:
    """Paragraph properties in schema order; `line` None is single spacing, else an exact line height in pt."""
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if page_break:
        parts.append("<w:pageBreakBefore/>")
    if borders:
        parts.append(f"<w:pBdr>{borders}</w:pBdr>")
    if tab_right:
        parts.append(f'<w:tabs><w:tab w:val="right" w:pos="{_twips(tab_right)}"/></w:tabs>')
    if not grid:
        parts.append('<w:snapToGrid w:val="0"/>')
    spacing = f'w:line="{_twips(line)}" w:lineRule="exact"' if line is not None else 'w:line="240" w:lineRule="auto"'
    parts.append(f'<w:spacing w:before="{_twips(before)}" w:after="{_twips(after)}" {spacing}/>')
    indents = []
    if left:
        indents.append(f'w:left="{_twips(left)}"')
    if right:
        indents.append(f'w:right="{_twips(right)}"')
    if first_line:
        indents.append(f'w:firstLine="{_twips(first_line)}"')
    elif hanging:
        indents.append(f'w:hanging="{_twips(hanging)}"')
    if indents:
        parts.append(f"<w:ind {' '.join(indents)}/>")
    parts.append(f'<w:jc w:val="{align}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>"


def _border(side: str, color: str, size_eighths: int) -> str:
    """One side of a paragraph's rules (w:pBdr), e.g. the red separator under the 文号."""
    return f'<w:{side} w:val="single" w:sz="{size_eighths}" w:space="1" w:color="{color}"/>'


class _Body:
    """The body being written: WordprocessingML pieces, and the pictures it refers to."""

    def __init__(self, first_rel: int):
        self.xml: list[str] = []
        self.images: dict[str, tuple[str, bytes]] = {}  # sha1 -> (relationship id, png)
        self.drawings = 0
        self._first_rel = first_rel

    def para(self, text: str = "", east_asia: str = FANGSONG, size: float = BODY_PT, *, bold: bool = False,
             align: str = "both", indent_chars: float = 0, color: str = "", **ppr) -> None:
        """A paragraph of one run in the given font role."""
        props = _ppr(align=align, first_line=size * indent_chars, **ppr)
        runs = _run(text, _rpr(east_asia, size, bold, color)) if text else ""
        self.xml.append(f"<w:p>{props}{runs}</w:p>")

    def image(self, png: bytes) -> str:
        """The relationship id of a picture part holding `png` (the same picture twice is stored once)."""
        key = hashlib.sha1(png).hexdigest()
        if key not in self.images:
            self.images[key] = (f"rId{self._first_rel + len(self.images)}", png)
        return self.images[key][0]


# --- blocks ----------------------------------------------------------------------------------------------------

def _title_block(body: _Body, b: TitleBlock) -> None:
    if b.demo:
        body.para("示例数据", HEITI, 14, align="right", color=RED)
    size = max(22.0, min(42.0, 0.9 * TEXT_WIDTH_MM / 25.4 * 72 / max(len(b.issuer), 1)))
    # 发文字号 two lines below the 标志
    body.para(b.issuer, XIAOBIAOSONG, size, align="center", color=RED, line=size * 1.3, grid=False,
              before=10 / 25.4 * 72, after=LINE_PITCH)
    body.para(b.doc_number, FANGSONG, BODY_PT, align="center", before=LINE_PITCH)
    # red rule, 版心 wide, just below the 文号
    body.para("", line=4, grid=False, borders=_border("bottom", RED, 12))
    body.para(b.title, XIAOBIAOSONG, TITLE_PT, align="center", line=36, grid=False,
              before=LINE_PITCH * 2)  # 红线下空二行
    body.para(f"（{b.period_label}）", KAITI, BODY_PT, align="center", after=LINE_PITCH)


def _heading(body: _Body, b: Heading) -> None:
    font, bold = HEADING_FONTS.get(b.level, (FANGSONG, True))
    body.para(b.text, font, BODY_PT, bold=bold, indent_chars=2, keep_next=True)


def _table(body: _Body, t: Table, numbers: TableNumbers) -> None:
    if t.caption:
        body.para(f"表{numbers(t)} {t.caption}", HEITI, 14, align="center", line=22, grid=False, keep_next=True)
    columns = max(len(t.header), 1)
    widths = [_mm_twips(w) for w in _column_widths([t.header, *t.rows], columns)]
    xml = body.xml
    xml.append('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
               '<w:jc w:val="center"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1"'
               ' w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>')
    xml.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml.append("</w:tblGrid>")
    cells = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p>' for w in widths]
    line = TABLE_PT * 1.5
    head = (_ppr(align="center", line=line, grid=False), _rpr(HEITI, TABLE_PT, True))
    left = (_ppr(align="left", line=line, grid=False), _rpr(FANGSONG, TABLE_PT))
    right = (_ppr(align="right", line=line, grid=False), left[1])
    body_styles = [right if c in t.numeric else left for c in range(columns)]
    for r, row in enumerate([t.header, *t.rows]):
        # the header row repeats on every page the table runs onto; no row splits across pages
        xml.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' if r == 0 else
                   '<w:tr><w:trPr><w:cantSplit/></w:trPr>')
        styles = [head] * columns if r == 0 else body_styles
        texts = list(row[:columns]) + [""] * (columns - len(row))
        for c, text in enumerate(texts):
            ppr, rpr = styles[c]
            run = f"<w:r>{rpr}{_text(text)}</w:r>" if text else ""
            xml.append(f"{cells[c]}{ppr}{run}</w:p></w:tc>")
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    body.para("", line=8, grid=False)  # a little air below the table


def _column_widths(rows: list[tuple[str, ...]], columns: int) -> list[float]:
    """Column widths (mm) sharing the 版心 by the longest text of each column (a header over 4 characters may wrap)."""
    need = [2.0] * columns
    for r, row in enumerate(rows):
        for c, text in enumerate(row[:columns]):
            need[c] = max(need[c], min(_width(text), 4.0 if r == 0 else 14.0))
    total = sum(need)
    return [TEXT_WIDTH_MM * n / total for n in need]


def _figure(body: _Body, b: Figure) -> None:
    cx = _emu(chart_width_mm(b.png))  # checks the PNG header first
    w, h = struct.unpack(">II", b.png[16:24])
    cy = round(cx * h / w) if w else 0
    rel = body.image(b.png)
    body.drawings += 1
    body.xml.append(
        f'<w:p>{_ppr(align="center", line=None, grid=False, keep_next=True)}<w:r><w:drawing>'
        '<wp:inline xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        ' xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{body.drawings}" name="图{b.number}"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        f'<pic:nvPicPr><pic:cNvPr id="0" name="image.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rel}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/>'
        '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    body.para(f"图{b.number} {b.caption}", HEITI, 14, align="center", line=22, grid=False)


def _attachment_note(body: _Body, b: AttachmentNote) -> None:
    body.para()  # 正文下空一行
    for i, item in enumerate(b.items, start=1):
        label = "附件：" if i == 1 else "　　　"
        number = f"{i}. " if len(b.items) > 1 else ""
        body.para(f"{label}{number}{item}", indent_chars=2)


def _width(text: str) -> float:
    """Width in characters: Han full, digits and Latin half."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def _signature(body: _Body, b: Signature) -> None:
    body.para()
    body.para()
    # 成文日期 右空四字; 署名 centred over the date.
    date_indent = 4.0
    issuer_indent = max(0.0, date_indent + (_width(b.date) - _width(b.issuer)) / 2)
    for text, indent in ((b.issuer, issuer_indent), (b.date, date_indent)):
        body.para(text, align="right", right=BODY_PT * indent)


def _attachment(body: _Body, b: Attachment, numbers: TableNumbers) -> None:
    body.para(f"附件{b.number}", HEITI, BODY_PT, align="left", page_break=True)
    body.para(b.title, XIAOBIAOSONG, TITLE_PT, align="center", line=36, grid=False, before=LINE_PITCH,
              after=LINE_PITCH)
    for t in b.tables:
        _table(body, t, numbers)


# 版记 as a floating table (w:tblpPr) whose foot sits on the bottom margin: the table's rules are the 版记's
# rules (full 版心 width; cell margins 0, so the text's one-character indent is a paragraph indent). Word and WPS
# float it on the page of the paragraph after it. LibreOffice (writerfilter, up to 7.5 at least) floats a
# table only when it is clearly narrower than the text area or is placed relative to the page, and otherwise
# leaves it in the flow after the signature; so the table is placed relative to the page, at the left margin.
IMPRINT_RULES_EIGHTHS = (8, 6)  # first and last rules 0.35 mm (1 pt), the ones between 0.25 mm (0.75 pt)


def _imprint(body: _Body, b: Imprint) -> None:
    """版记 at the foot of the last page: 抄送 and 印发机关/印发日期 between rules."""
    lines = []
    if b.cc:
        lines.append(f"抄送：{b.cc}")
    if b.printed_by:
        lines.append(f"{b.printed_by}\t{b.printed_date}印发")
    if not lines:
        return
    width = _mm_twips(TEXT_WIDTH_MM)
    outer, inner = IMPRINT_RULES_EIGHTHS
    rule = '<w:{} w:val="single" w:sz="{}" w:space="0" w:color="000000"/>'.format
    none = '<w:{} w:val="nil"/>'.format
    xml = body.xml
    xml.append(
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:vertAnchor="margin" w:horzAnchor="page"'
        f' w:tblpX="{_mm_twips(MARGINS_MM["left"])}" w:tblpYSpec="bottom"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
        f'<w:tblBorders>{rule("top", outer)}{none("left")}{rule("bottom", outer)}{none("right")}'
        f'{rule("insideH", inner)}{none("insideV")}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        f' w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>')
    rpr = _rpr(FANGSONG, IMPRINT_PT)
    for text in lines:
        # 左右各空一字; 抄送 回行时与冒号后的首字对齐; 印发日期 at the right (a right tab stop one character in)
        hanging = 3 * IMPRINT_PT if text.startswith("抄送：") else 0
        ppr = _ppr(align="left", line=26, grid=False, left=IMPRINT_PT + hanging, hanging=hanging, right=IMPRINT_PT,
                   tab_right=0 if hanging else TEXT_WIDTH_MM / 25.4 * 72 - IMPRINT_PT)
        xml.append(f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                   f"<w:p>{ppr}{_run(text, rpr)}</w:p></w:tc></w:tr>")
    xml.append("</w:tbl>")
    body.para("", line=1, grid=False)  # the table's anchor: a document may not end with a table


def _paragraph(body: _Body, b: Paragraph) -> None:
    body.para(b.text, FANGSONG, BODY_PT, indent_chars=2)


# --- the package -----------------------------------------------------------------------------------------------

TITLE_MARK = "BULLETIN-TITLE"  # stands for the title in the package's core properties until each render


def _page_number_footer(footer, align) -> None:
    """A footer holding "— N —" (a PAGE field) in 4号 宋体, one character in from the side."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    p = footer.paragraphs[0]
    p.alignment = align
    indent = Pt(PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = indent
    else:
        p.paragraph_format.left_indent = indent
    rpr = _rpr(SONGTI, PAGE_NUMBER_PT, latin=SONGTI)
    runs = (f"<w:r>{rpr}{_text('— ')}</w:r>"
            f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/><w:instrText xml:space="preserve"> PAGE </w:instrText>'
            f'<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t>1</w:t></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r>{rpr}{_text(" —")}</w:r>')
    for run in parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"):
        p._p.append(run)


@dataclass(frozen=True)
class _Package:
    """The Word package around a body: its parts, the document part's text before and after the body, and the
    date and permissions every zip entry gets."""

    parts: tuple[tuple[str, bytes], ...]
    head: bytes
    tail: bytes
    date_time: tuple[int, ...]
    external_attr: int

    def part(self, name: str) -> bytes:
        """The bytes of one part."""
        return next(data for part, data in self.parts if part == name)


@lru_cache(maxsize=1)
def _package() -> _Package:
    """python-docx's default package set up once: page size, margins, the 22 x 28 grid, default fonts, odd/even
    page-number footers and fixed properties (dates from reproducible_xlsx, the title as TITLE_MARK)."""
    from docx import Document as new_docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(HEADER_FOOTER_MM[0]), Mm(HEADER_FOOTER_MM[1])
    # 22 lines a page: a line grid of 225/22 mm. 28 characters a line: body runs are condensed by CONDENSE
    # (a character grid would do it in Word but is spread out by other word processors).
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = section._sectPr.makeelement(qn("w:docGrid"), {})
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(_twips(LINE_PITCH)))
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = TITLE_MARK, "bulletin", "bulletin"
    props.revision = 1
    props.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    parts = []
    with zipfile.ZipFile(io.BytesIO(reproducible_xlsx(buffer.getvalue()))) as package:
        stamp = package.infolist()[0]
        for info in package.infolist():
            data = package.read(info.filename)
            if info.filename == "[Content_Types].xml" and b'Extension="png"' not in data:
                data = data.replace(b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1)
            parts.append((info.filename, data))
    document = dict(parts)["word/document.xml"].decode("utf-8")
    head, rest = document.split("<w:body>", 1)
    if "<w:p" in rest[: rest.index("<w:sectPr")]:
        raise RuntimeError("python-docx's default template has a body of its own")
    return _Package(tuple(parts), (head + "<w:body>").encode("utf-8"), rest[rest.index("<w:sectPr"):].encode("utf-8"),
                    stamp.date_time, stamp.external_attr)


def _first_free_rel(rels: bytes) -> int:
    """The first relationship number (rIdN) the document part does not use yet."""
    return max((int(n) for n in re.findall(rb'Id="rId(\d+)"', rels)), default=0) + 1


IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def docx_bytes(document: Document | Iterable[Block], title: str) -> bytes:
    """The bulletin as a GB/T 9704 Word document; the same blocks always give the same bytes."""
    blocks = list(document.blocks if isinstance(document, Document) else document)
    package = _package()
    rels = package.part("word/_rels/document.xml.rels")
    body = _Body(_first_free_rel(rels))
    numbers = TableNumbers()
    for b in blocks:
        if isinstance(b, TitleBlock):
            _title_block(body, b)
        elif isinstance(b, Heading):
            _heading(body, b)
        elif isinstance(b, Paragraph):
            _paragraph(body, b)
        elif isinstance(b, Table):
            _table(body, b, numbers)
        elif isinstance(b, Figure):
            _figure(body, b)
        elif isinstance(b, AttachmentNote):
            _attachment_note(body, b)
        elif isinstance(b, Signature):
            _signature(body, b)
        elif isinstance(b, Attachment):
            _attachment(body, b, numbers)
        elif isinstance(b, Imprint):
            _imprint(body, b)
    media = [(f"media/image{i}.png", rel, png) for i, (rel, png) in enumerate(body.images.values(), start=1)]
    image_rels = "".join(f'<Relationship Id="{rel}" Type="{IMAGE_REL}" Target="{t}"/>' for t, rel, _ in media)
    core = package.part("docProps/core.xml").replace(TITLE_MARK.encode(), escape(_NOT_XML.sub("", title)).encode())
    replaced = {
        "word/document.xml": package.head + "".join(body.xml).encode("utf-8") + package.tail,
        "word/_rels/document.xml.rels": rels.replace(b"</Relationships>", f"{image_rels}</Relationships>".encode()),
        "docProps/core.xml": core,
    }
    files = [(name, replaced.get(name, data)) for name, data in package.parts]
    files += [(f"word/{target}", png) for target, _, png in media]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=package.date_time)
            entry.external_attr = package.external_attr
            # PNG is compressed already
            entry.compress_type = zipfile.ZIP_STORED if name.startswith("word/media/") else zipfile.ZIP_DEFLATED
            zipped.writestr(entry, data)
    return out.getvalue()
