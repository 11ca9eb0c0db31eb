"""What a worker loads once before its first bulletin: the page templates, python-docx and WeasyPrint with its fonts."""

from __future__ import annotations

from bulletin.document import pdf
from bulletin.document.docx import docx_bytes
from bulletin.document.page import render_page


def warm() -> None:
    """Render an empty document in every format, so the first real bulletin pays no start-up cost."""
    render_page([], "")
    docx_bytes([], "")
    pdf.warm()
