"""The validation report as one self-contained HTML page (outputs/<district>/validation.html), in Chinese.

Errors and warnings are separate sections; each problem is a table row with file, Excel row, column,
value and rule. The page is the Jinja2 template templates/pages/validation.html.j2 (autoescape); the
tables come from the document model's table renderer, which escapes every cell. No timestamps: the same
data gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from bulletin.data.validation import SECTIONS, TABLE_LABELS, Problem, Report
from bulletin.document.markup import block_html
from bulletin.document.model import table
from bulletin.document.pages import render_page

SHOWN_PER_TABLE = 1000  # problem rows listed per table and level; the rest are counted


def _shown_path(file: str, base: Path | None) -> str:
    """A file as the analyst finds it from the project folder (data/<district>/...), not as an absolute path
    that differs from machine to machine."""
    if base is None:
        return file
    try:
        return Path(file).resolve().relative_to(base).as_posix()
    except ValueError:
        return file


def _problem_rows(problems: list[Problem], base: Path | None) -> list[tuple[object, ...]]:
    return [(_shown_path(p.file, base), "" if p.row is None else p.row, p.column or "",
             "" if p.value is None else p.value, p.rule) for p in problems]


def _section(report: Report, level: str, title: str, base: Path | None) -> dict:
    """One level's problems, per table, each as a table of 文件/行/列/值/规则 (at most SHOWN_PER_TABLE rows)."""
    chosen = [p for p in report.problems if p.level == level]
    tables = []
    for name in SECTIONS:
        found = [p for p in chosen if p.table == name]
        if found:
            rows = _problem_rows(found[:SHOWN_PER_TABLE], base)
            tables.append({"label": TABLE_LABELS[name], "name": name, "total": len(found),
                           "more": max(len(found) - SHOWN_PER_TABLE, 0),
                           "table": Markup(block_html(table(["文件", "Excel行", "列", "值", "规则"], rows,
                                                             role="problems", numeric=(1,))))})
    return {"level": level, "title": title, "total": len(chosen), "tables": tables}


def report_page(report: Report, data_dir: Path | None = None) -> str:
    """The whole validation page of one district: verdict, counts per table, errors, then warnings."""
    counts = [(TABLE_LABELS[t], t, rows, errors, warnings) for t, (rows, errors, warnings) in report.counts().items()]
    counts.append(("合计", "", sum(c[2] for c in counts), len(report.errors), len(report.warnings)))
    base = Path(data_dir).resolve().parent if data_dir is not None else None  # the project folder
    return render_page(
        "validation.html.j2",
        district=report.district,
        source=_shown_path(str(Path(data_dir) / report.district), base) if base else "",
        verdict="ok" if report.ok else "bad",
        summary=report.summary(),
        # block_html escapes every cell: the table comes in as markup, the template adds nothing to it
        counts_table=Markup(block_html(table(["数据表", "表名", "读取行数", "错误", "警告"], counts, role="summary",
                                             numeric=(2, 3, 4)))),
        sections=[_section(report, "error", "错误", base), _section(report, "warning", "警告", base)],
    )
