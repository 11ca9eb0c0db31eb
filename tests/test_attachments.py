"""The 附件 workbook: data text stays text (never a live formula), and the same figures give the same bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from bulletin.document.attachments import workbook_bytes

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\",\"y\")",
           "普通单位"]


def _figures(names: list[str]) -> dict:
    departments = [{"department": n, "received": i, "completion_rate": 0.5, "category:办事效率": 1.0}
                   for i, n in enumerate(names)]
    ranking = [{"department": n, "rank": i + 1, "total": 100.0 - i} for i, n in enumerate(names)]
    findings = [{"date": "2024-06-03", "department": n, "category": "=1+2", "finding": n, "deduction": 1.0} for n in names]
    return {"departments": departments,
            "scores": {"ranking": ranking, "items": [{"category": "=SUM(1)"}, {"category": "办事效率"}]},
            "inspections": {"findings": findings}}


@pytest.fixture(scope="module")
def workbook():
    """The 附件 of figures whose department names, categories and findings look like formulas."""
    return workbook_bytes(_figures(HOSTILE))


def test_no_cell_is_a_formula(workbook: bytes):
    """Opened with openpyxl, no cell of any sheet is a formula, and no sheet part has an <f> element."""
    wb = load_workbook(io.BytesIO(workbook))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not [s for s in sheets if b"<f>" in s or b"<f " in s]


def test_formula_like_text_kept_verbatim_and_quoted(workbook: bytes):
    """Each name is in the workbook exactly as written, and text that starts like a formula carries Excel's quote prefix."""
    wb = load_workbook(io.BytesIO(workbook))
    texts = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.setdefault(cell.value, []).append(cell)
    for name in HOSTILE + ["=SUM(1)", "=1+2"]:
        # openpyxl keeps a bare CR when lxml is installed (python-docx brings it); other XML parsers make it LF
        name = name if name in texts else name.replace("\r", "\n")
        assert name in texts, name
        quoted = {c.quotePrefix for c in texts[name]}
        assert quoted == ({False} if name == "普通单位" else {True}), name


def test_control_characters_do_not_break_the_workbook():
    """A name with control characters Excel refuses is written without them instead of failing the bulletin."""
    wb = load_workbook(io.BytesIO(workbook_bytes(_figures(["坏\x01名\x1f字"]))))
    assert "坏名字" in [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_same_figures_same_bytes():
    """Two workbooks of the same figures are byte-identical (fixed zip times and document dates)."""
    assert workbook_bytes(_figures(HOSTILE)) == workbook_bytes(_figures(HOSTILE))
