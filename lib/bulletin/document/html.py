"""An executed bulletin notebook -> its Document (the blocks of its cells) -> the self-contained HTML page.

Cells tagged `remove` are left out; code cells give the blocks they emitted (BLOCKS_MIMETYPE), analyst
Markdown cells become headings and paragraphs. Anything that turns a notebook into a page (the runner, an
nbconvert exporter) calls `notebook_document` and `page.render_page`, so every format reads the same blocks.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters import Exporter

from bulletin.document.model import BLOCKS_MIMETYPE, Block, Document, Heading, Paragraph, from_json
from bulletin.document.page import render_page
from bulletin.document.prose import figures_of, fill_notebook
from bulletin.document.typography import typeset
from bulletin.vocabulary import KIND_LABELS

REMOVE_TAG = "remove"
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_INLINE = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


def markdown_blocks(source: str) -> list[Block]:
    """An analyst's Markdown cell as blocks: `#` lines are headings (# = 一、 level), other paragraphs are body text.

    Inline emphasis marks are dropped (the official style has none); text stays plain, never HTML."""
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Paragraph(_MD_INLINE.sub(r"\2", "".join(lines)), "note"))
            lines.clear()

    for raw in str(source).splitlines():
        line = raw.strip()
        match = _MD_HEADING.match(line)
        if match:
            flush()
            blocks.append(Heading(_MD_INLINE.sub(r"\2", match.group(2).strip()), len(match.group(1))))
        elif not line:
            flush()
        else:
            lines.append(line)
    flush()
    return [typeset(b) for b in blocks]


def notebook_document(notebook: Any) -> Document:
    """The bulletin's blocks in reading order: every kept cell's emitted blocks and Markdown text."""
    blocks: list[Block] = []
    for cell in notebook.cells:
        if REMOVE_TAG in (cell.get("metadata", {}).get("tags") or []):
            continue
        if cell.get("cell_type") == "markdown":
            blocks.extend(markdown_blocks(cell.get("source", "")))
            continue
        for output in cell.get("outputs", []) or []:
            for data in (output.get("data") or {}).get(BLOCKS_MIMETYPE) or []:
                blocks.append(from_json(dict(data)))
    return Document(blocks)


def export_html(notebook: Any, title: str) -> str:
    """The bulletin page of an executed notebook, rendered from its blocks."""
    return render_page(notebook_document(notebook), title)


def page_title(figures: dict) -> str | None:
    """The page title a bulletin's figures name (云河区2024年6月政务服务工作月通报), None when they do not."""
    kind = KIND_LABELS.get(figures.get("kind", ""))
    if not kind or not figures.get("district_name") or not figures.get("period_label"):
        return None
    return f"{figures['district_name']}{figures['period_label']}政务服务工作{kind}"


class BulletinExporter(Exporter):
    """`jupyter nbconvert --to bulletin OUT.ipynb`: the official page of any executed bulletin notebook.

    Registered under the `nbconvert.exporters` entry point `bulletin`. Markdown prose is filled from the
    figures the notebook emitted (as `bulletin run` does), cells tagged `remove` and all code are left out,
    and the page is rendered from the notebook's blocks like the runner's (title from the figures)."""

    export_from_notebook = "bulletin"
    output_mimetype = "text/html"

    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        """The page: prose filled, then the blocks rendered."""
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        nb = fill_notebook(nb)
        title = page_title(figures_of(nb) or {}) or (resources.get("metadata") or {}).get("name", "")
        return export_html(nb, title), resources
