"""The 附件 workbook (<kind>.xlsx): ranking, per-department figures and 督查 findings, byte-for-byte reproducible."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from bulletin.document.display import category_header, movement

FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SCORE_FMT = "0.000"
RATE_FMT = "0.00%"
COUNT_FMT = "0"
# Text starting with these is a formula (or DDE call) to spreadsheet programs when typed or re-entered.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# (header, key in a departments row, number format)
DEPARTMENT_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("单位", "department", None),
    ("受理(件)", "received", COUNT_FMT),
    ("办结(件)", "completed", COUNT_FMT),
    ("办结率", "completion_rate", RATE_FMT),
    ("即办件(件)", "instant", COUNT_FMT),
    ("即时办结率", "instant_same_day_rate", RATE_FMT),
    ("提前办结(件)", "early", COUNT_FMT),
    ("按时办结率", "on_time_rate", RATE_FMT),
    ("超期未办(件)", "overdue_open", COUNT_FMT),
    ("全程网办占比", "online_share", RATE_FMT),
    ("评价(条)", "evaluations", COUNT_FMT),
    ("好评率", "good_rate", RATE_FMT),
    ("满意度", "satisfaction", RATE_FMT),
    ("投诉(件)", "complaints", COUNT_FMT),
)


# Deductions and category points as they are: 2 reads 2, 0.5 reads 0.5 (never "2."); scores keep 3 decimals.
POINTS_FMT = "General"


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], formats: list[str | None],
           caption: str = "") -> None:
    """One sheet: a title row (the table's caption) over the header row, then the rows with their number formats."""
    ws = wb.create_sheet(title)
    top = 1
    if caption:
        put_text(ws.cell(row=1, column=1), caption)
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
        if len(header) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.row_dimensions[1].height = 28
        top = 2
    for c, head in enumerate(header, start=1):
        put_text(ws.cell(row=top, column=c), str(head))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="999999")
    for cell in ws[top]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                put_text(cell, value)
            else:
                cell.value = value
                if formats[c - 1] and value is not None:
                    cell.number_format = formats[c - 1]
    ws.freeze_panes = f"A{top + 1}"
    for c, head in enumerate(header, start=1):
        width = max([len(str(head))] + [len(str(row[c - 1])) for row in rows if row[c - 1] is not None])
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, width * 1.8 + 2))


def put_text(cell: Cell, text: str) -> None:
    """Store data text as a plain string cell, never a formula: control characters Excel refuses are dropped, and
    text that starts like a formula (=, +, -, @, tab, CR) gets Excel's quote prefix so that it stays text even when
    the cell is edited."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def workbook_bytes(figures: dict[str, Any]) -> bytes:
    """The 附件 workbook of a bulletin's figures, with fixed timestamps so the same figures give the same bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    scores = figures.get("scores") or {}
    departments = {row["department"]: row for row in figures.get("departments", [])}
    label = figures.get("period_label", "")
    if scores.get("ranking"):
        categories = list(dict.fromkeys(i["category"] for i in scores["items"]))
        heads = [category_header(c, [departments.get(r["department"], {}).get(f"category:{c}") or 0.0
                                     for r in scores["ranking"]]) for c in categories]
        graded = any("grade" in r for r in scores["ranking"])
        moves = {r["department"]: r for r in scores.get("moves") or []} if scores.get("previous") else {}
        header = ["排名", "单位"] + heads + ["总分"] + (["等次"] if graded else [])
        if moves:
            was = scores['previous'].get('relation', '上期')
            header += [f"{was}排名({scores['previous']['period_label']})", f"{was}总分({scores['previous']['period_label']})",
                       "变化"]
        rows = []
        for r in scores["ranking"]:
            d = departments.get(r["department"], {})
            row = [r["rank"], r["department"]] + [d.get(f"category:{c}") for c in categories] + [r["total"]]
            row += [r.get("grade")] if graded else []
            if moves:
                mv = moves.get(r["department"]) or {}
                row += [mv.get("previous_rank"), mv.get("previous_total"), movement(mv.get("move"))]
            rows.append(row)
        formats = ([COUNT_FMT, None] + [POINTS_FMT] * len(categories) + [SCORE_FMT] + ([None] if graded else [])
                   + ([COUNT_FMT, SCORE_FMT, None] if moves else []))
        _sheet(wb, "考核排名", header, rows, formats, caption=f"{label}各单位绩效考核排名")
    if departments:
        present = [col for col in DEPARTMENT_COLUMNS if any(col[1] in d for d in departments.values())]
        rows = [[d.get(key) for _, key, _ in present] for d in departments.values()]
        _sheet(wb, "各单位数据", [h for h, _, _ in present], rows, [f for _, _, f in present],
               caption=f"{label}各单位办件、评价及投诉数据")
    findings = (figures.get("inspections") or {}).get("findings") or []
    if findings:
        rows = [[f["date"], f["department"], f["category"], f["finding"], f["deduction"]] for f in findings]
        _sheet(wb, "督查问题", ["日期", "单位", "类别", "问题描述", "扣分(分)"], rows, [None, None, None, None, POINTS_FMT],
               caption=f"{label}督查发现问题清单")
    if not wb.sheetnames:
        _sheet(wb, "说明", ["说明"], [["本期无附件数据。"]], [None])
    wb.properties.creator = "bulletin"
    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


def reproducible_xlsx(xlsx: bytes) -> bytes:
    """Re-pack the zip with fixed entry times and fixed document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + FIXED_TIME.encode() + rb"\g<3>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()
