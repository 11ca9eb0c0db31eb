"""`jupyter nbconvert --to bulletin` with a bad placeholder in a Markdown cell prints the Chinese message, no traceback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbconvert.utils.exceptions import ConversionException

from bulletin.document.prose import FIGURES_MIMETYPE, ProseError, fill_notebook

FIGURES = {"kind": "monthly", "district_name": "云河区", "period_label": "2024年6月", "cases": {"received": 5}}


def _notebook(markdown: str) -> nbformat.NotebookNode:
    """An executed bulletin notebook in miniature: the figures output, then one Markdown cell."""
    emit = nbformat.v4.new_code_cell("b.emit_figures()", metadata={"tags": ["remove"]})
    emit.outputs = [nbformat.v4.new_output("display_data", data={FIGURES_MIMETYPE: FIGURES, "text/plain": ""})]
    return nbformat.v4.new_notebook(cells=[emit, nbformat.v4.new_markdown_cell(markdown)])


def test_prose_error_is_a_conversion_error_naming_the_cell():
    """A bad placeholder raises ProseError, which nbconvert treats as a failed conversion; it names cell and figure."""
    with pytest.raises(ProseError, match=r"第2个单元\(Markdown\).*no_such_figure") as caught:
        fill_notebook(_notebook("本月{{ no_such_figure }}。"))
    assert isinstance(caught.value, ConversionException)


def test_nbconvert_log_keeps_the_message_and_drops_the_traceback():
    """nbconvert's error record for a ProseError carries the Chinese message and no exc_info."""
    logger = logging.getLogger("NbConvertApp")
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    logger.addHandler(handler)
    try:
        try:
            raise ProseError("笔记本第2个单元(Markdown):未知的名称:'x'")
        except ProseError:
            logger.error("Error while converting '%s'", "a.ipynb", exc_info=True)
    finally:
        logger.removeHandler(handler)
    assert records[0].exc_info is None and records[0].getMessage() == (
        "Error while converting 'a.ipynb':笔记本第2个单元(Markdown):未知的名称:'x'")


@pytest.mark.slow
def test_jupyter_nbconvert_prints_the_chinese_message(tmp_path: Path):
    """The real `jupyter nbconvert --to bulletin` exits 1 with the Chinese message and no Traceback."""
    nbformat.write(_notebook("本月共受理{{ cases.recieved|count }}。"), tmp_path / "out.ipynb")
    dist = tmp_path / "site" / "bulletin_exporter-0.dist-info"  # the entry point as `pip install` registers it
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bulletin-exporter\nVersion: 0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[nbconvert.exporters]\nbulletin = bulletin.document.html:BulletinExporter\n",
                                           encoding="utf-8")
    paths = [str(ROOT / "lib"), str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")]
    done = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "bulletin",
                           str(tmp_path / "out.ipynb"), "--output-dir", str(tmp_path / "html")],
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1
    assert "第2个单元(Markdown)" in done.stderr and "recieved" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "html" / "out.html").exists()
