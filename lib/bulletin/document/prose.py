"""Analyst prose in a bulletin notebook: Markdown cells with placeholders become paragraph blocks, filled from the figures.

Two ways in, one filler (`fill`):

- **A Markdown cell** (any Markdown cell not tagged `remove`), e.g. ``本月受理{{ cases.received|count }}。``.
  Markdown cells never reach the kernel, so they are filled after the run, from the figures the notebook
  emitted: `fill_notebook` turns each into a display output carrying Paragraph blocks (BLOCKS_MIMETYPE, with
  their HTML), at the cell's place, and tags the Markdown source `remove`. The runner, the preview and the
  `jupyter nbconvert --to bulletin` exporter all call it, so every format sees the same blocks in cell order,
  and a renderer that reads blocks from outputs needs nothing new. Filling is idempotent (a filled notebook
  has no untagged Markdown cell left).
- **A `%%prose` cell** (or `b.prose("...")`) in JupyterLab: the same text in a code cell shows filled in as
  soon as it runs, because the kernel has the figures.

Why after the run and not by rewriting Markdown into code before it: papermill, nbconvert and JupyterLab all
run the notebook as written, and a stripped, committed notebook stays exactly what the analyst wrote.

Text: paragraphs are separated by blank lines; lines of one paragraph are joined (Chinese text needs no
space). Markdown markup is not interpreted: what the analyst writes is what the reader reads, escaped.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any

import nbformat
from nbconvert.utils.exceptions import ConversionException

from bulletin.document.markup import blocks_html
from bulletin.document.model import BLOCKS_MIMETYPE, Paragraph, to_json
from bulletin.document.wording import WordingError, render_text, split_paragraphs
from bulletin.errors import BulletinError

REMOVE_TAG = "remove"
PROSE_TAG = "prose"  # the output cell made from a Markdown cell
FIGURES_MIMETYPE = "application/vnd.bulletin.figures+json"  # as document.builder (not imported: it imports us)
_PLACEHOLDER = re.compile(r"{{|{%|{#")


class ProseError(BulletinError, ConversionException):
    """A Markdown paragraph of a notebook could not be filled (bad placeholder, unknown figure).

    Also nbconvert's ConversionException: `jupyter nbconvert --to bulletin` then reports it as a failed
    conversion (exit 1) instead of crashing, and `_ProseMessageOnly` makes that report the Chinese message alone."""


class _ProseMessageOnly(logging.Filter):
    """nbconvert logs a failed conversion with its traceback; for a ProseError, the message says all: keep it only."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ProseError):
            record.msg, record.args = f"{record.getMessage()}:{error}", ()
            record.exc_info, record.exc_text = None, None
        return True


# The logger of `jupyter nbconvert` (traitlets names an application's logger after its class).
logging.getLogger("NbConvertApp").addFilter(_ProseMessageOnly())


def render(source: str, figures: dict[str, Any], *, name: str) -> str:
    """The text with its placeholders filled from the figures (the wording engine's sandbox and filters)."""
    try:
        return render_text(source, figures, name=name)
    except WordingError as exc:
        raise ProseError(str(exc)) from None


def fill(source: str, figures: dict[str, Any], *, name: str) -> list[Paragraph]:
    """The paragraph blocks of one piece of analyst prose, placeholders filled (ProseError names `name`)."""
    text = render(source, figures, name=name) if _PLACEHOLDER.search(source) else source
    return [Paragraph(p) for p in split_paragraphs(text)]


def output_of(blocks: list[Paragraph]) -> nbformat.NotebookNode:
    """A display_data output carrying blocks, as `Bulletin.show` emits them."""
    return nbformat.v4.new_output("display_data", data={"text/html": blocks_html(blocks),
                                                        BLOCKS_MIMETYPE: [to_json(b) for b in blocks]})


def figures_of(notebook: nbformat.NotebookNode) -> dict[str, Any] | None:
    """The figures an executed bulletin notebook emitted, or None."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIMETYPE in data:  # plain dicts, so a message about a figure never names NotebookNode
                return json.loads(json.dumps(data[FIGURES_MIMETYPE]))
    return None


def is_prose(cell: nbformat.NotebookNode) -> bool:
    """A Markdown cell that belongs in the bulletin (not tagged `remove`)."""
    return cell.cell_type == "markdown" and REMOVE_TAG not in cell.get("metadata", {}).get("tags", [])


def fill_notebook(notebook: nbformat.NotebookNode, label: str = "笔记本") -> nbformat.NotebookNode:
    """A copy of an executed notebook whose prose Markdown cells are followed by their filled paragraph blocks.

    Each Markdown cell (kept for the analyst, now tagged `remove`) is followed by a code cell with no source,
    tagged `prose`, whose one output carries the blocks. ProseError names the cell (第N个单元) and line."""
    if not any(is_prose(c) for c in notebook.cells):
        return notebook
    figures = figures_of(notebook)
    if figures is None:
        raise ProseError(f"{label}未输出统计数据(缺少 b.emit_figures() 单元),无法填写 Markdown 段落。")
    out = copy.deepcopy(notebook)
    cells = []
    for number, cell in enumerate(out.cells, start=1):
        cells.append(cell)
        if not is_prose(cell):
            continue
        blocks = fill(cell.source, figures, name=f"{label}第{number}个单元(Markdown)")
        cell.metadata.setdefault("tags", []).append(REMOVE_TAG)
        made = nbformat.v4.new_code_cell("", metadata={"tags": [PROSE_TAG]})
        made.id = f"{cell.get('id') or number}-prose"[:64]
        made.outputs = [output_of(blocks)] if blocks else []
        cells.append(made)
    out.cells = cells
    return out
