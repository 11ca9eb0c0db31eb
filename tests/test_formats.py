"""One document, three formats: the page, the GB/T 9704 Word file and PDF read back from their bytes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from bulletin.document import pdf as pdf_module
from bulletin.document.docx import docx_bytes
from bulletin.document.html import markdown_blocks, notebook_document
from bulletin.document.model import (
    BLOCKS_MIMETYPE, Attachment, AttachmentNote, Document, Figure, Heading, Imprint, Paragraph, Signature, TitleBlock,
    table, to_json,
)
from bulletin.document.page import render_page
from bulletin.document.pdf import pdf_bytes
from bulletin.errors import RenderError

TITLE = "云河区政务服务工作月通报"


def _png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(["a", "b", "c"], [3, 1, 2])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def document() -> Document:
    """A bulletin with every block type: 版头, headings of four levels, text, a long table, a chart, 附件, 版记."""
    ranking = table(["排名", "单位", "总分"], [[str(i), f"单位{i}", f"{120 - i}.000"] for i in range(1, 41)],
                    numeric=[0, 2], caption="各单位考核得分排名")
    return Document([
        TitleBlock("云河区政务服务和数据管理局", "云政务通〔2024〕6号", TITLE, "2024年6月", True),
        Paragraph("根据《考核办法》有关规定，现将2024年6月政务服务工作情况通报如下："),
        Heading("一、总体运行情况", 1),
        Paragraph("2024年6月，全区政务服务共受理办件4127件，同比增加8.9%；办结3907件，办结率94.67%。"),
        Heading("（一）办件情况", 2),
        Paragraph("从申办渠道看，窗口1896件（占45.9%）。"),
        Heading("1. 窗口服务", 3),
        Heading("（1）延时服务", 4),
        Paragraph("<script>alert(1)</script> 原样显示，不执行。", "note"),
        Figure(_png(), 1, "近12个月办件受理与办结情况"),
        ranking,
        AttachmentNote(("2024年6月各单位考核排名及办件数据",), "monthly.xlsx"),
        Signature("云河区政务服务和数据管理局", "2024年7月5日"),
        Attachment(1, "2024年6月各单位考核排名及办件数据", (ranking,)),
        Imprint("区委办公室，区政府办公室", "云河区政务服务和数据管理局办公室", "2024年7月5日"),
    ])


@pytest.fixture(scope="module")
def docx_file(document) -> bytes:
    """The Word file of the sample document."""
    return docx_bytes(document, TITLE)


@pytest.fixture(scope="module")
def pdf_file(document) -> bytes:
    """The PDF of the sample document."""
    return pdf_bytes(document, TITLE)


class _Texts(HTMLParser):
    """Text of every <p> of a page."""

    def __init__(self):
        super().__init__()
        self.paragraphs, self._in = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._in = True
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        self._in = self._in and tag != "p"

    def handle_data(self, data):
        if self._in:
            self.paragraphs[-1] += data


def test_page_escapes_every_text_and_has_no_external_reference(document):
    """The page from blocks: data text escaped, no script, no http(s) reference, the xlsx linked."""
    page = render_page(document, TITLE)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert 'href="monthly.xlsx"' in page and "附件1" in page and "表1 各单位考核得分排名" in page
    assert "抄送：区委办公室" in page and "2024年7月5日印发" in page


def test_docx_page_setup_is_gbt9704(docx_file):
    """A4, margins 37/35/28/26 mm, odd and even footers, 22 lines a page."""
    doc = read_docx(io.BytesIO(docx_file))
    section = doc.sections[0]
    measured = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                section.left_margin, section.right_margin)
    assert all(abs(m.mm - want) < 0.1 for m, want in zip(measured, (210, 297, 37, 35, 28, 26))), measured
    assert doc.settings.odd_and_even_pages_header_footer
    grid = section._sectPr.find(qn("w:docGrid"))
    assert abs(int(grid.get(qn("w:linePitch"))) / 20 * 22 - 225 / 25.4 * 72) < 2  # 22 lines fill the 版心


def test_docx_page_numbers_are_page_fields_odd_right_even_left(docx_file):
    """The footers hold "— PAGE —" in 4号 宋体, right on odd pages and left on even ones."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = read_docx(io.BytesIO(docx_file)).sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert all(r.font.size == Pt(14) for r in p.runs if r.text.strip())


def _east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_fonts_and_sizes_of_title_body_and_headings(docx_file):
    """Title 22 pt 方正小标宋简体, body 16 pt 仿宋_GB2312, 一、 黑体, （一） 楷体_GB2312, 1. bold 仿宋, issuer red."""
    doc = read_docx(io.BytesIO(docx_file))
    by_text = {}
    for p in doc.paragraphs:
        by_text.setdefault(p.text, p)  # the first: the issuer's 标志 before its signature
    title = by_text[TITLE].runs[0]
    assert title.font.size == Pt(22) and _east_asia(title) == "方正小标宋简体"
    body = by_text["从申办渠道看，窗口1896件（占45.9%）。"].runs[0]
    assert body.font.size == Pt(16) and _east_asia(body) == "仿宋_GB2312"
    assert _east_asia(by_text["一、总体运行情况"].runs[0]) == "黑体"
    assert _east_asia(by_text["（一）办件情况"].runs[0]) == "楷体_GB2312"
    assert by_text["1. 窗口服务"].runs[0].font.bold and _east_asia(by_text["1. 窗口服务"].runs[0]) == "仿宋_GB2312"
    issuer = by_text["云河区政务服务和数据管理局"].runs[0]
    assert str(issuer.font.color.rgb) == "FF0000"
    assert "云政务通〔2024〕6号" in by_text


def test_docx_has_the_same_paragraphs_as_the_page(document, docx_file):
    """Every <p> of the HTML page is a paragraph of the Word file, in the same order."""
    parser = _Texts()
    parser.feed(render_page(document, TITLE))
    words = [p.text for p in read_docx(io.BytesIO(docx_file)).paragraphs if p.text]
    assert parser.paragraphs and all(p in words for p in parser.paragraphs)
    assert [words.index(p) for p in parser.paragraphs] == sorted(words.index(p) for p in parser.paragraphs)


def test_docx_attachment_tables_repeat_their_header_and_imprint_is_last(docx_file):
    """附件 tables have a repeating header row and 表N captions; the 版记 (抄送, 印发) closes the document."""
    doc = read_docx(io.BytesIO(docx_file))
    texts = [p.text for p in doc.paragraphs]
    assert "附件1" in texts and "表1 各单位考核得分排名" in texts and "表2 各单位考核得分排名" in texts
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in doc.tables[:-1])
    imprint = doc.tables[-1]
    assert imprint.cell(0, 0).text == "抄送：区委办公室，区政府办公室"
    assert imprint.cell(1, 0).text.replace("\t", " ") == "云河区政务服务和数据管理局办公室 2024年7月5日印发"
    assert "附件：2024年6月各单位考核排名及办件数据" in texts


def test_docx_text_is_escaped_and_keeps_tabs_and_breaks():
    """Markup, ampersands and quotes stay text; a control character is dropped; tab and newline are kept."""
    text = 'a <b>&amp; "c"\x07\td\ne'
    doc = read_docx(io.BytesIO(docx_bytes([Paragraph(text), table(["<h>"], [["&x"]])], "<t> & \x01")))
    assert doc.paragraphs[0].text == 'a <b>&amp; "c"\td\ne'
    assert doc.tables[0].cell(0, 0).text == "<h>" and doc.tables[0].cell(1, 0).text == "&x"
    assert doc.core_properties.title == "<t> & "


def test_docx_figures_are_pictures_of_the_chart(document, docx_file):
    """Each chart is an inline picture 150 mm wide at most and at most 60 mm high, holding the PNG's bytes."""
    doc = read_docx(io.BytesIO(docx_file))
    (shape,) = doc.inline_shapes
    assert shape.width.mm <= 150.01 and shape.height.mm <= 60.01
    png = next(b.png for b in document.blocks if isinstance(b, Figure))
    assert doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob == png


def _baselines(page) -> dict[float, str]:
    """The text of a PDF page by baseline height (points from the bottom edge)."""
    lines: dict[float, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = round(tm[5] * cm[3] + tm[4] * cm[1] + cm[5], 1)
            lines[y] = lines.get(y, "") + text.strip()

    page.extract_text(visitor_text=visit)
    return lines


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
def test_libreoffice_puts_the_imprint_at_the_foot_of_the_last_page(docx_file, tmp_path):
    """LibreOffice lays the 版记 out on the last page, below all its text, its last line on the bottom margin."""
    (tmp_path / "bulletin.docx").write_bytes(docx_file)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "bulletin.docx")], check=True, timeout=300,
                   capture_output=True)
    pages = PdfReader(tmp_path / "bulletin.pdf").pages
    last = _baselines(pages[-1])
    assert not any("抄送" in text for page in pages[:-1] for text in _baselines(page).values())
    cc = next(y for y, text in last.items() if text.startswith("抄送："))
    printed = next(y for y, text in last.items() if text.endswith("2024年7月5日印发"))
    height, bottom_margin = float(pages[-1].mediabox.height), 35 / 25.4 * 72
    above_footer = [y for y, text in last.items() if not re.fullmatch(r"—\d+—", text)]
    assert min(above_footer) == printed and sorted(above_footer)[1] == cc, sorted(last.items())
    assert cc < 0.35 * height
    assert bottom_margin < printed < bottom_margin + 26, (printed, bottom_margin)  # the last line on the margin


def test_pdf_pages_are_a4_numbered_and_not_blank(pdf_file):
    """Every page is A4, carries "— N —" with its own number, and has text besides the number."""
    reader = PdfReader(io.BytesIO(pdf_file))
    assert len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1
        text = page.extract_text()
        assert re.search(rf"—\s*{number}\s*—", text), f"page {number}: {text[-40:]!r}"
        assert len(re.sub(rf"—\s*{number}\s*—|\s", "", text)) > 5, f"page {number} is blank"


def test_pdf_embeds_its_fonts_and_holds_every_section(pdf_file):
    """Fonts are embedded subsets; the title, headings, 附件, signature and 版记 texts are in the PDF."""
    reader = PdfReader(io.BytesIO(pdf_file))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert any("CJK" in name or "UKai" in name for name in fonts)
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))
    for part in (TITLE, "云政务通〔2024〕6号", "一、总体运行情况", "（一）办件情况", "附件：", "附件1", "表1各单位考核得分排名",
                 "图1近12个月办件受理与办结情况", "抄送：区委办公室", "2024年7月5日印发"):
        assert part in text, part


def test_docx_and_pdf_rerender_byte_identical(document, docx_file, pdf_file):
    """The same blocks give the same Word and PDF bytes (fixed dates and ids)."""
    assert docx_bytes(document, TITLE) == docx_file
    assert pdf_bytes(document, TITLE) == pdf_file


def test_missing_fonts_give_a_chinese_message(monkeypatch, document):
    """With no CJK font installed the PDF is refused with a message saying what to install."""
    monkeypatch.setattr(pdf_module, "missing_fonts", lambda: pdf_module.CJK_FAMILIES)
    with pytest.raises(RenderError, match="未找到中文字体.*make setup"):
        pdf_bytes(document, TITLE)


def test_a_failing_format_is_a_chinese_render_error():
    """A layout engine's own error reaches the user as a RenderError naming the format, not a traceback."""
    from bulletin.run.runner import _formatted

    def broken(document, title):
        raise ValueError("image too large")

    with pytest.raises(RenderError, match="生成 PDF 文件失败.*image too large"):
        _formatted("PDF", broken, Document([]), TITLE)


def test_notebook_document_keeps_cell_order_and_drops_removed_cells():
    """Blocks come from kept cells in order; Markdown cells become headings and paragraphs; `remove` cells vanish."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("b.show(...)")
    shown.outputs = [nbformat.v4.new_output("display_data", data={BLOCKS_MIMETYPE: [to_json(Paragraph("甲"))],
                                                                    "text/html": "<p>甲</p>"})]
    hidden = nbformat.v4.new_code_cell("x", metadata={"tags": ["remove"]})
    hidden.outputs = [nbformat.v4.new_output("display_data", data={BLOCKS_MIMETYPE: [to_json(Paragraph("乙"))]})]
    note = nbformat.v4.new_markdown_cell("## 分析人员的说明\n\n本月**重点**是:窗口服务。")
    nb.cells = [shown, hidden, note]
    blocks = notebook_document(nb).blocks
    assert blocks == [Paragraph("甲"), Heading("分析人员的说明", 2), Paragraph("本月重点是：窗口服务。", "note")]


def test_markdown_text_stays_plain():
    """HTML written in a Markdown cell is text, escaped on the page."""
    blocks = markdown_blocks("<img src=x onerror=alert(1)>")
    assert blocks == [Paragraph("<img src=x onerror=alert(1)>", "note")]
    assert "<img" not in render_page(blocks, "t")


def test_pdf_puts_the_imprint_at_the_foot_of_the_last_page(pdf_file):
    """The PDF's 版记 is on the last page only, below all its text, its last line on the bottom margin."""
    pages = PdfReader(io.BytesIO(pdf_file)).pages
    assert not any("抄送" in text for page in pages[:-1] for text in _baselines(page).values())
    last = _baselines(pages[-1])
    cc = next(y for y, text in last.items() if text.startswith("抄送"))
    printed = next(y for y, text in last.items() if text.endswith("印发"))
    height, bottom_margin = float(pages[-1].mediabox.height), 35 / 25.4 * 72
    above_footer = [y for y, text in last.items() if not re.fullmatch(r"—\s*\d+\s*—", text)]
    assert min(above_footer) == printed and sorted(above_footer)[1] == cc, sorted(last.items())
    assert cc < 0.35 * height and bottom_margin < printed < bottom_margin + 26, (cc, printed)


def test_pdf_prints_typst_markup_in_the_text_verbatim(tmp_path):
    """Text that is Typst markup or code (#read, #sys, $..$, *..*, //, \\) is printed as it is, never run."""
    hostile = ['#read("/etc/passwd")', "#sys.inputs", "$x^2$", "*粗体*", "// 注释", "\\ 反斜杠", "#let a = 1", '"]{']
    blocks = [TitleBlock("机关", "〔2024〕1号", "#panic(\"x\")", "2024年6月")]
    blocks += [Paragraph(text) for text in hostile]
    blocks.append(table(["#image(\"/etc/hosts\")", "数"], [["#eval(\"1+1\")", "1"]], caption="$表$", numeric=[1]))
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes(blocks, "t"))).pages))
    for part in hostile + ['#panic("x")', '#image("/etc/hosts")', '#eval("1+1")', "表1$表$"]:
        assert re.sub(r"\s", "", part) in text, part
    assert "root:" not in text


def test_pdf_table_columns_keep_numbers_whole_and_fit_the_text_width():
    """Numeric columns are as wide as their widest number; all columns together fill the 版心 width and no more."""
    from bulletin.document.pdf import TEXT_WIDTH_PT, column_widths

    narrow = table(["排名", "单位", "总分"], [["1", "公安局", "111.403"], ["28", "住房和城乡建设局", "96.071"]],
                   numeric=[0, 2])
    widths = column_widths(narrow)
    assert abs(sum(widths) - TEXT_WIDTH_PT) < 0.5 and widths[1] > widths[2] > widths[0]
    wide = table([f"指标{i}" for i in range(14)], [["某某某某单位名称很长"] + ["100.00%"] * 13], numeric=range(1, 14))
    widths = column_widths(wide)
    assert sum(widths) <= TEXT_WIDTH_PT + 0.5 and min(widths) > 0
    ranking = table(["排名", "单位", "总分", "变化"], [["1", "公安局", "12345.678", "持平"]], numeric=[0, 2])
    number, change = column_widths(ranking)[2], column_widths(ranking)[3]
    assert number >= 9 * 0.56 * 12 and change >= 4 * 0.56 * 12  # 12345.678 and 持平 on one line each


def test_pdf_charts_fit_the_type_area_whatever_their_shape():
    """A chart of any aspect ratio prints within 150 x 60 mm; a file that is not a PNG is a Chinese error."""
    from bulletin.document.pdf import chart_width_mm

    def png(width: int, height: int) -> bytes:
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (width, height), "white").save(out, format="PNG")
        return out.getvalue()

    for w, h in ((4000, 100), (100, 4000), (800, 400), (1, 1)):
        width = chart_width_mm(png(w, h))
        assert width <= 150 and width * h / w <= 60.01, (w, h, width)
    with pytest.raises(RenderError, match="PNG"):
        pdf_bytes([Figure(b"GIF89a not a png", 1, "图")], "t")
