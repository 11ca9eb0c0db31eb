"""The validation report as one self-contained HTML page (outputs/<district>/validation.html), in Chinese.

Errors and warnings are separate sections; each problem is a table row with file, Excel row, column,
value and rule. Every data-derived string passes through `esc`. No timestamps: the same data gives
the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.document.markup import block_html, esc
from bulletin.document.model import table
from bulletin.data.validation import SECTIONS, TABLE_LABELS, Problem, Report

SHOWN_PER_TABLE = 1000  # problem rows listed per table and level; the rest are counted

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:72em;
     color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} h2{border-bottom:2px solid #999;padding-bottom:.2em;margin-top:1.6em}
h3{margin:1.2em 0 .4em}
.verdict{font-size:1.15em;padding:.6em 1em;border-radius:4px}
.verdict.ok{background:#e8f5e9;border:1px solid #66bb6a} .verdict.bad{background:#fdecea;border:1px solid #e57373}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-size:.92em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top;word-break:break-all}
th{background:#f0f0f0} td.num{text-align:right;white-space:nowrap}
section.errors h2{color:#b71c1c} section.warnings h2{color:#8d6e00}
.more{color:#555}
@media print{body{margin:0;max-width:none}}
"""


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


def _section(report: Report, level: str, title: str, base: Path | None) -> str:
    """One level's problems, per table, as tables of 文件/行/列/值/规则."""
    chosen = [p for p in report.problems if p.level == level]
    if not chosen:
        return f'<section class="{level}s"><h2>{esc(title)}</h2><p>无。</p></section>'
    parts = [f'<section class="{level}s"><h2>{esc(title)}(共{len(chosen)}处)</h2>']
    for name in SECTIONS:
        found = [p for p in chosen if p.table == name]
        if not found:
            continue
        parts.append(f"<h3>{esc(TABLE_LABELS[name])}({esc(name)}):{len(found)}处</h3>")
        parts.append(block_html(table(["文件", "Excel行", "列", "值", "规则"], _problem_rows(found[:SHOWN_PER_TABLE], base),
                                     role="problems", numeric=(1,))))
        if len(found) > SHOWN_PER_TABLE:
            parts.append(f'<p class="more">另有{len(found) - SHOWN_PER_TABLE}处未逐条列出'
                         f"(运行 bulletin validate 可在终端查看汇总)。</p>")
    parts.append("</section>")
    return "".join(parts)


def report_page(report: Report, data_dir: Path | None = None) -> str:
    """The whole validation page of one district: verdict, counts per table, errors, then warnings."""
    verdict = "ok" if report.ok else "bad"
    counts = [(TABLE_LABELS[t], t, rows, errors, warnings) for t, (rows, errors, warnings) in report.counts().items()]
    counts.append(("合计", "", sum(c[2] for c in counts), len(report.errors), len(report.warnings)))
    base = Path(data_dir).resolve().parent if data_dir is not None else None  # the project folder
    source = f"<p>数据目录:{esc(_shown_path(str(Path(data_dir) / report.district), base))}</p>" if base else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="zh-CN"><head><meta charset="utf-8"/><title>数据校验报告 - {esc(report.district)}</title>'
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>数据校验报告:{esc(report.district)}</h1>{source}"
        f'<p class="verdict {verdict}">{esc(report.summary())}</p>'
        "<p>行号为在 Excel 中打开该文件时看到的行号(表头行之前的标题行也计入)。错误须改正后才能生成通报;"
        "警告不影响生成,供核对。</p>"
        "<h2>各表汇总</h2>"
        + block_html(table(["数据表", "表名", "读取行数", "错误", "警告"], counts, role="summary", numeric=(2, 3, 4)))
        + _section(report, "error", "错误", base)
        + _section(report, "warning", "警告", base)
        + "</body></html>\n"
    )
