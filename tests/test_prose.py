"""Analyst prose in notebooks: Markdown cells with placeholders become escaped paragraph blocks at their place."""

from __future__ import annotations

import nbformat
import pytest

from bulletin.document.builder import FIGURES_MIMETYPE
from bulletin.document.model import BLOCKS_MIMETYPE, Paragraph
from bulletin.document.prose import PROSE_TAG, ProseError, fill, fill_notebook
from bulletin.document.wording import split_paragraphs as paragraphs

FIGURES = {"cases": {"received": 4127, "completion_rate": 0.97804}, "district_name": "云河<区>"}


def _executed(*markdown: str) -> nbformat.NotebookNode:
    """An executed-looking bulletin notebook: a figures output, then the given Markdown cells, then a code cell."""
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("b.emit_figures()")
    setup.outputs = [nbformat.v4.new_output("display_data", data={FIGURES_MIMETYPE: FIGURES, "text/plain": "x"})]
    header = nbformat.v4.new_markdown_cell("# 说明 {{ 不填 }}", metadata={"tags": ["remove"]})
    nb.cells = [header, setup, *[nbformat.v4.new_markdown_cell(m) for m in markdown], nbformat.v4.new_code_cell("1")]
    return nb


def test_placeholders_filled_with_display_filters():
    """Counts and rates read as the bulletin writes them; lines of a paragraph join, blank lines separate."""
    blocks = fill("本月受理{{ cases.received|count }},\n办结率{{ cases.completion_rate|pct }}。\n\n第二段。", FIGURES, name="t")
    assert blocks == [Paragraph("本月受理4127件,办结率97.8%。"), Paragraph("第二段。")]


def test_text_stays_text_for_the_renderer_to_escape():
    """Markup in prose or in a figure is plain text in the block (every renderer escapes it once)."""
    assert fill("<b>{{ district_name }}</b> & 好", FIGURES, name="t") == [Paragraph("<b>云河<区></b> & 好")]


def test_paragraphs_ignore_surrounding_blank_lines():
    """Leading, trailing and repeated blank lines make no empty paragraph."""
    assert paragraphs("\n\n甲\n乙\n\n\n丙\n") == ["甲乙", "丙"]


@pytest.mark.parametrize("source, words", [
    ("{{ ''.__class__.__mro__ }}", "不允许"),
    ("{% import 'x.j2' as x %}", "不允许"),
    ("{% include '/etc/passwd' %}", "不允许"),
    ("第一行\n{{ nosuch.figure }}", "第2行"),
    ("{{ cases.received|count }", "第1行"),
])
def test_bad_prose_refused_naming_cell_and_line(source: str, words: str):
    """Forbidden constructs, unknown figures and syntax errors give a Chinese message naming the source and line."""
    with pytest.raises(ProseError, match=words) as caught:
        fill(source, FIGURES, name="笔记本第3个单元")
    assert "笔记本第3个单元" in str(caught.value)


def test_fill_notebook_puts_blocks_at_the_cells_place():
    """Each prose Markdown cell is followed by a prose cell whose output carries its blocks; `remove` cells stay out."""
    nb = fill_notebook(_executed("本月受理{{ cases.received|count }}。", "另一段。"))
    kinds = [(c.cell_type, c.metadata.get("tags", [])) for c in nb.cells]
    assert kinds == [("markdown", ["remove"]), ("code", []), ("markdown", ["remove"]), ("code", [PROSE_TAG]),
                     ("markdown", ["remove"]), ("code", [PROSE_TAG]), ("code", [])]
    assert nb.cells[3].outputs[0].data[BLOCKS_MIMETYPE] == [{"type": "Paragraph", "text": "本月受理4127件。", "role": "body"}]
    assert "<p>本月受理4127件。</p>" == nb.cells[3].outputs[0].data["text/html"]


def test_fill_notebook_is_idempotent_and_leaves_the_input_alone():
    """Filling a filled notebook changes nothing, and the notebook given is not modified."""
    original = _executed("段落{{ cases.received }}")
    once = fill_notebook(original)
    assert fill_notebook(once) == once
    assert len(original.cells) == 4 and "tags" not in original.cells[2].metadata


def test_fill_notebook_error_names_the_cell():
    """A bad placeholder in a Markdown cell names that cell (counting all cells from 1) and its line."""
    with pytest.raises(ProseError, match=r"第3个单元.*第1行"):
        fill_notebook(_executed("{{ cases.nosuch|count }}"), "monthly.ipynb ")
