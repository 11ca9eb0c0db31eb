"""Document -> Word (.docx) laid out per GB/T 9704-2012 (党政机关公文格式), with python-docx.

A4, margins 37/35/28/26 mm (版心 156 x 225 mm), a document grid of 22 lines of 28 characters, body 3号 (16 pt)
仿宋_GB2312, title 2号 (22 pt) 方正小标宋简体, headings 黑体 / 楷体_GB2312 / 仿宋 bold, 版头 in red with the red
rule, page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages left), 附件说明, signature and 成文日期, 附件
pages with 表N captions and repeated header rows, and the 版记 between rules at the foot of the last page.
Fonts are named for East Asian text (w:eastAsia), which Word and WPS honour. Same blocks -> same bytes.
"""

from __future__ import annotations

import io
from typing import Iterable

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from bulletin.document.attachments import reproducible_xlsx
from bulletin.document.model import (
    Attachment, AttachmentNote, Block, Document, Figure, Heading, Imprint, Paragraph, Signature, Table, TitleBlock,
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
TABLE_PT = 12  # 小四, tables and 版记 lines need room
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
# Character spacing of body text in twentieths of a point: 16 pt - 0.2 pt = 156 mm / 28 characters.
CONDENSE = -4
RED = RGBColor(0xFF, 0x00, 0x00)
TEXT_WIDTH_MM = 156
FIGURE_MAX_MM = (150, 60)  # width, height: under a third of the 版心 height, so a moved chart leaves no large gap


def _fonts(run, east_asia: str, size: float, *, bold: bool = False, color: RGBColor | None = None,
           latin: str = LATIN) -> None:
    """Set a run's Latin and East Asian fonts, size, weight and colour."""
    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    if size == BODY_PT and east_asia != XIAOBIAOSONG:
        _set(rpr, "w:spacing", {"w:val": str(CONDENSE)})


def _para(doc, text: str = "", east_asia: str = FANGSONG, size: float = BODY_PT, *, bold: bool = False,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars: float = 0, color: RGBColor | None = None,
          line: Pt | None = None, grid: bool = True) -> DocxParagraph:
    """A paragraph of one run in the given font role."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(size * indent_chars) if indent_chars else None
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line or LINE_PITCH
    if not grid:
        _set(p._p.get_or_add_pPr(), "w:snapToGrid", {"w:val": "0"})
    if text:
        _fonts(p.add_run(text), east_asia, size, bold=bold, color=color)
    return p


def _set(parent, tag: str, attrs: dict[str, str]):
    """Append an OOXML element with attributes to parent; the element."""
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), v)
    parent.append(el)
    return el


def _border(paragraph: DocxParagraph, side: str, color: str, size_eighths: int) -> None:
    """A rule along one side of a paragraph (w:pBdr), e.g. the red separator under the 文号."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr must precede spacing/ind/jc in pPr (schema order): insert it first.
        ppr.insert(0, borders)
    _set(borders, f"w:{side}", {"w:val": "single", "w:sz": str(size_eighths), "w:space": "1", "w:color": color})


def _page_number_footer(footer, align) -> None:
    """A footer holding "— N —" (a PAGE field) in 4号 宋体, one character in from the side."""
    p = footer.paragraphs[0]
    p.alignment = align
    indent = Pt(PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = indent
    else:
        p.paragraph_format.left_indent = indent
    _fonts(p.add_run("— "), SONGTI, PAGE_NUMBER_PT, latin=SONGTI)
    run = p.add_run()
    _fonts(run, SONGTI, PAGE_NUMBER_PT, latin=SONGTI)
    _set(run._r, "w:fldChar", {"w:fldCharType": "begin"})
    instr = _set(run._r, "w:instrText", {"xml:space": "preserve"})
    instr.text = " PAGE "
    _set(run._r, "w:fldChar", {"w:fldCharType": "separate"})
    shown = p.add_run("1")
    _fonts(shown, SONGTI, PAGE_NUMBER_PT, latin=SONGTI)
    end = p.add_run()
    _set(end._r, "w:fldChar", {"w:fldCharType": "end"})
    _fonts(p.add_run(" —"), SONGTI, PAGE_NUMBER_PT, latin=SONGTI)


def _setup(doc, title: str) -> None:
    """Page size, margins, the 22 x 28 grid, default fonts, odd/even page-number footers, fixed properties."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    # 22 lines a page: a line grid of 225/22 mm. 28 characters a line: body runs are condensed by CONDENSE
    # (a character grid would do it in Word but is spread out by other word processors).
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = _set(section._sectPr, "w:docGrid", {})
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), "579")
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "bulletin", "bulletin"
    props.revision = 1
    props.comments = ""


def _title_block(doc, b: TitleBlock) -> None:
    if b.demo:
        _para(doc, "示例数据", HEITI, 14, align=WD_ALIGN_PARAGRAPH.RIGHT, color=RED)
    size = max(22.0, min(42.0, 0.9 * TEXT_WIDTH_MM / 25.4 * 72 / max(len(b.issuer), 1)))
    issuer = _para(doc, b.issuer, XIAOBIAOSONG, size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED,
                   line=Pt(size * 1.3), grid=False)
    issuer.paragraph_format.space_before = Mm(10)
    issuer.paragraph_format.space_after = LINE_PITCH  # 发文字号 two lines below the 标志
    number = _para(doc, b.doc_number, FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.space_before = LINE_PITCH
    rule = _para(doc, "", line=Pt(4), grid=False)
    _border(rule, "bottom", "FF0000", 12)  # red rule, 版心 wide, just below the 文号
    title = _para(doc, b.title, XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), grid=False)
    title.paragraph_format.space_before = LINE_PITCH * 2  # 红线下空二行
    _para(doc, f"（{b.period_label}）", KAITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_after = LINE_PITCH


HEADING_FONTS = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True), 4: (FANGSONG, True)}


def _heading(doc, b: Heading) -> None:
    font, bold = HEADING_FONTS.get(b.level, (FANGSONG, True))
    p = _para(doc, b.text, font, BODY_PT, bold=bold, indent_chars=2)
    p.paragraph_format.keep_with_next = True


def _table(doc, t: Table, numbers: TableNumbers) -> None:
    if t.caption:
        cap = _para(doc, f"表{numbers(t)} {t.caption}", HEITI, 14,
                    align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(22), grid=False)
        cap.paragraph_format.keep_with_next = True
    columns = max(len(t.header), 1)
    grid = doc.add_table(rows=1 + len(t.rows), cols=columns)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = grid._tbl.tblPr.find(qn("w:tblW"))  # as wide as the 版心, columns shared out by their content
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    cells = grid._cells  # all at once: row-by-row access is quadratic in python-docx
    widths = _column_widths([t.header, *t.rows], columns)
    for c, w in enumerate(widths):
        grid.columns[c].width = w
    for i, cell in enumerate(cells):
        cell.width = widths[i % columns]
    for r, row in enumerate([t.header, *t.rows]):
        for c, text in enumerate(row[:columns]):
            p = cells[r * columns + c].paragraphs[0]
            p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if r == 0 else
                           WD_ALIGN_PARAGRAPH.RIGHT if c in t.numeric else WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
            _set(p._p.get_or_add_pPr(), "w:snapToGrid", {"w:val": "0"})
            _fonts(p.add_run(text), HEITI if r == 0 else FANGSONG, TABLE_PT, bold=r == 0)
    trpr = grid.rows[0]._tr.get_or_add_trPr()
    _set(trpr, "w:tblHeader", {"w:val": "true"})  # the header row repeats on every page the table runs onto
    for row in grid.rows:
        _set(row._tr.get_or_add_trPr(), "w:cantSplit", {"w:val": "true"})
    _para(doc, "", line=Pt(8), grid=False)  # a little air below the table


def _column_widths(rows: list[tuple[str, ...]], columns: int) -> list:
    """Column widths sharing the 版心 by the longest text of each column (a header over 4 characters may wrap)."""
    need = [2.0] * columns
    for r, row in enumerate(rows):
        for c, text in enumerate(row[:columns]):
            need[c] = max(need[c], min(_width(text), 4.0 if r == 0 else 14.0))
    total = sum(need)
    return [Mm(TEXT_WIDTH_MM * n / total) for n in need]


def _figure(doc, b: Figure) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(b.png)) as img:
        w, h = img.size
    max_w, max_h = FIGURE_MAX_MM
    width = min(max_w, max_h * w / h) if h else max_w  # fits the 版心; never taller than max_h
    p = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, line=None, grid=False)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(b.png), width=Mm(width))
    _para(doc, f"图{b.number} {b.caption}", HEITI, 14, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(22), grid=False)


def _attachment_note(doc, b: AttachmentNote) -> None:
    _para(doc)  # 正文下空一行
    for i, item in enumerate(b.items, start=1):
        label = "附件：" if i == 1 else "　　　"
        number = f"{i}. " if len(b.items) > 1 else ""
        _para(doc, f"{label}{number}{item}", indent_chars=2)


def _width(text: str) -> float:
    """Width in characters: Han full, digits and Latin half."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def _signature(doc, b: Signature) -> None:
    _para(doc)
    _para(doc)
    # 成文日期 右空四字; 署名 centred over the date.
    date_indent = 4.0
    issuer_indent = max(0.0, date_indent + (_width(b.date) - _width(b.issuer)) / 2)
    for text, indent in ((b.issuer, issuer_indent), (b.date, date_indent)):
        p = _para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(BODY_PT * indent)


def _attachment(doc, b: Attachment, numbers: TableNumbers) -> None:
    p = _para(doc, f"附件{b.number}", HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.page_break_before = True
    title = _para(doc, b.title, XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), grid=False)
    title.paragraph_format.space_before = LINE_PITCH
    title.paragraph_format.space_after = LINE_PITCH
    for t in b.tables:
        _table(doc, t, numbers)


def _imprint(doc, b: Imprint) -> None:
    """版记: a table floating at the foot of the page, first and last rules 0.35 mm, the ones between 0.25 mm."""
    lines = []
    if b.cc:
        lines.append((f"抄送：{b.cc}", ""))
    if b.printed_by:
        lines.append((b.printed_by, f"{b.printed_date}印发"))
    if not lines:
        return
    grid = doc.add_table(rows=len(lines), cols=1)
    tblpr = grid._tbl.tblPr
    floating = OxmlElement("w:tblpPr")  # schema order: right after tblStyle
    for k, v in {"w:leftFromText": "0", "w:rightFromText": "0", "w:vertAnchor": "margin", "w:horzAnchor": "margin",
                 "w:tblpYSpec": "bottom"}.items():
        floating.set(qn(k), v)
    style = tblpr.find(qn("w:tblStyle"))
    tblpr.insert(0 if style is None else 1, floating)
    width = tblpr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(int(TEXT_WIDTH_MM / 25.4 * 1440)))
    width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    width.addnext(borders) if tblpr.find(qn("w:jc")) is None else tblpr.find(qn("w:jc")).addnext(borders)
    for side, size in (("top", 8), ("bottom", 8), ("insideH", 4)):
        _set(borders, f"w:{side}", {"w:val": "single", "w:sz": str(size), "w:space": "0", "w:color": "000000"})
    for side in ("left", "right", "insideV"):
        _set(borders, f"w:{side}", {"w:val": "nil"})
    for row, (left, right) in zip(grid.rows, lines):
        p = row.cells[0].paragraphs[0]
        p.paragraph_format.left_indent = Pt(14)
        p.paragraph_format.right_indent = Pt(14)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(26)
        _fonts(p.add_run(left), FANGSONG, 14)
        if right:
            # the 印发日期 at the right edge: a right tab stop at the cell's width
            p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM - 10), alignment=WD_TAB_ALIGNMENT.RIGHT)
            _fonts(p.add_run("\t" + right), FANGSONG, 14)
    _para(doc, "", line=Pt(2), grid=False)  # a document may not end with a table


def _paragraph(doc, b: Paragraph) -> None:
    _para(doc, b.text, FANGSONG, BODY_PT, indent_chars=2)


def docx_bytes(document: Document | Iterable[Block], title: str) -> bytes:
    """The bulletin as a GB/T 9704 Word document; the same blocks always give the same bytes."""
    blocks = list(document.blocks if isinstance(document, Document) else document)
    numbers = TableNumbers()
    doc = new_docx()
    _setup(doc, title)
    for b in blocks:
        if isinstance(b, TitleBlock):
            _title_block(doc, b)
        elif isinstance(b, Heading):
            _heading(doc, b)
        elif isinstance(b, Paragraph):
            _paragraph(doc, b)
        elif isinstance(b, Table):
            _table(doc, b, numbers)
        elif isinstance(b, Figure):
            _figure(doc, b)
        elif isinstance(b, AttachmentNote):
            _attachment_note(doc, b)
        elif isinstance(b, Signature):
            _signature(doc, b)
        elif isinstance(b, Attachment):
            _attachment(doc, b, numbers)
        elif isinstance(b, Imprint):
            _imprint(doc, b)
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_xlsx(buffer.getvalue())  # fixed zip times and core-property dates (an OOXML package too)

