"""What a worker loads once before its first bulletin: the page templates, python-docx and the Typst compiler with its fonts."""

from __future__ import annotations

from bulletin.document.docx import docx_bytes
from bulletin.document.model import (
    Attachment, AttachmentNote, Document, Heading, Imprint, Paragraph, Signature, TitleBlock, table,
)
from bulletin.document.page import render_page
from bulletin.document.pdf import pdf_bytes

# Every block and font role once, so the fonts (the CJK faces are large) are opened before the first bulletin.
_SAMPLE = Document([
    TitleBlock("政务服务中心", "〔2024〕1号", "政务服务工作月通报", "2024年1月"),
    Heading("一、总体", 1), Heading("（一）办件", 2), Heading("1. 窗口", 3), Paragraph("受理1件，办结率100%。"),
    table(["单位", "受理"], [["某局", "1"]], caption="排名", numeric=[1]),
    AttachmentNote(("附件",), "monthly.xlsx"), Signature("政务服务中心", "2024年2月1日"),
    Attachment(1, "附件", (table(["单位"], [["某局"]], caption="表"),)), Imprint("某办", "某局办公室", "2024年2月1日"),
])


def warm() -> None:
    """Render a small document in every format, so the first real bulletin pays no start-up cost."""
    render_page(_SAMPLE, "")
    docx_bytes(_SAMPLE, "")
    pdf_bytes(_SAMPLE, "")
