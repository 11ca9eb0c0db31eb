"""Document -> PDF laid out per GB/T 9704-2012, with WeasyPrint (a CSS paged-media layout engine).

The PDF is the bulletin page's HTML (the same blocks, the same template) with the print stylesheet
`gbt9704.css`: @page margins and odd/even page-number boxes, the 版记 in the footnote area at the foot
of the last page. Fonts come from fontconfig and are embedded as subsets. Fixed metadata (no creation
date, a fixed file identifier) make the same blocks give the same bytes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache
from typing import Iterable

from bulletin.document.model import Block, Document
from bulletin.document.page import render_page, stylesheet
from bulletin.errors import RenderError

PDF_CSS = "gbt9704.css"
# Families the stylesheet asks for; at least one CJK family must exist or Chinese prints as boxes.
CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "AR PL UMing CN", "WenQuanYi Micro Hei")
PDF_IDENTIFIER = b"bulletin-gbt9704"


@lru_cache(maxsize=1)
def missing_fonts() -> tuple[str, ...]:
    """The stylesheet's font families fontconfig does not have (empty when fc-list is unavailable)."""
    if shutil.which("fc-list") is None:
        return ()
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    present = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return tuple(f for f in CJK_FAMILIES if f not in present)


def check_fonts() -> None:
    """RenderError in Chinese when no CJK font of the stylesheet is installed (a missing one falls back to the next)."""
    if len(missing_fonts()) == len(CJK_FAMILIES):
        raise RenderError("未找到中文字体(Noto Serif/Sans CJK SC、AR PL UKai CN 等),无法生成 PDF:"
                          "请运行 make setup(或 sh scripts/install-fonts.sh)安装 fonts-noto-cjk 与 fonts-arphic-ukai。"
                          "本次未生成通报,原有文件保持不变。")


def pdf_bytes(document: Document | Iterable[Block], title: str) -> bytes:
    """The bulletin as a GB/T 9704 PDF with embedded font subsets; the same blocks always give the same bytes."""
    from weasyprint import HTML

    check_fonts()
    html = render_page(document, title, css=stylesheet(PDF_CSS))
    out = io.BytesIO()
    HTML(string=html, base_url=None).write_pdf(out, pdf_identifier=PDF_IDENTIFIER, uncompressed_pdf=False,
                                                 custom_metadata=False)
    return out.getvalue()

