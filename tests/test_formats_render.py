"""Word and PDF of real bulletins: written beside the page by `bulletin batch`, in the manifest and the index,
with the same text as the page, and opened by a real word processor."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from conftest import TRUST_DISTRICTS, TRUST_PERIODS

pytestmark = pytest.mark.slow


class _Paragraphs(HTMLParser):
    """Texts of the page's <p> elements."""

    def __init__(self):
        super().__init__()
        self.texts, self._depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._depth += 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.texts[-1] += data


def _bulletins(root):
    for district in TRUST_DISTRICTS:
        for kind, period in TRUST_PERIODS.items():
            yield root / "outputs" / district / period, kind


def test_every_bulletin_has_docx_and_pdf_in_the_manifest(trust_project):
    """Each rendered bulletin has <kind>.docx and <kind>.pdf, recorded with their hashes in the manifest."""
    manifest = json.loads((trust_project / "outputs" / ".manifest.json").read_text(encoding="utf-8"))
    for folder, kind in _bulletins(trust_project):
        for ext in ("docx", "pdf"):
            assert (folder / f"{kind}.{ext}").stat().st_size > 0
        key = f"{folder.parent.name}/{folder.name}/{kind}"
        assert {f"{kind}.docx", f"{kind}.pdf"} <= set(manifest["bulletins"][key]["outputs"])


def test_index_links_word_and_pdf(trust_project):
    """The index page links every bulletin's docx and pdf."""
    index = (trust_project / "outputs" / "index.html").read_text(encoding="utf-8")
    for folder, kind in _bulletins(trust_project):
        rel = f"{folder.parent.name}/{folder.name}/{kind}"
        assert f'href="{rel}.docx"' in index and f'href="{rel}.pdf"' in index


def test_docx_says_what_the_page_says(trust_project):
    """Every paragraph of each bulletin's page is a paragraph of its Word file, in order."""
    for folder, kind in _bulletins(trust_project):
        parser = _Paragraphs()
        parser.feed((folder / f"{kind}.html").read_text(encoding="utf-8"))
        words = [p.text for p in read_docx(folder / f"{kind}.docx").paragraphs]
        positions = [words.index(t) for t in parser.texts]  # ValueError if a paragraph is missing
        assert positions == sorted(positions) and len(positions) > 5


def test_pdf_pages_are_numbered_and_hold_every_heading(trust_project):
    """Each PDF: A4 pages each with "— N —", no blank page, every heading of the page in its text."""
    for folder, kind in _bulletins(trust_project):
        reader = PdfReader(folder / f"{kind}.pdf")
        texts = [page.extract_text() for page in reader.pages]
        for number, (page, text) in enumerate(zip(reader.pages, texts), start=1):
            assert abs(float(page.mediabox.height) - 841.9) < 1
            assert re.search(rf"—\s*{number}\s*—", text)
            assert len(re.sub(rf"—\s*{number}\s*—|\s", "", text)) > 5
        html = (folder / f"{kind}.html").read_text(encoding="utf-8")
        whole = re.sub(r"\s", "", "".join(texts))
        for heading in re.findall(r"<h2>([^<]+)</h2>", html):
            assert re.sub(r"\s", "", heading) in whole, (folder, heading)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
def test_libreoffice_opens_the_docx_and_lays_it_out_alike(trust_project, tmp_path):
    """LibreOffice headless converts a monthly .docx to PDF with about as many pages as the bulletin's own PDF."""
    folder = trust_project / "outputs" / TRUST_DISTRICTS[0] / TRUST_PERIODS["monthly"]
    shutil.copy(folder / "monthly.docx", tmp_path / "monthly.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "monthly.docx")], check=True, timeout=300,
                   capture_output=True)
    theirs = len(PdfReader(tmp_path / "monthly.pdf").pages)
    ours = len(PdfReader(folder / "monthly.pdf").pages)
    assert abs(theirs - ours) <= max(2, ours // 3), (theirs, ours)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "monthly.pdf").pages)
    assert "— 1 —" in text or re.search(r"—\s*1\s*—", text)
