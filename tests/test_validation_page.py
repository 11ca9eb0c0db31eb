"""validation.html: written by `bulletin validate` for good and bad data, self-contained, escaped, errors apart from warnings."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.data.validation import validate_district
from bulletin.document.validation_page import report_page

SCRIPT = "<script>alert(1)</script>"


def _district(data: Path, department: str, cases: str) -> Path:
    folder = data / "d1"
    folder.mkdir(parents=True)
    (folder / "departments.csv").write_text(f"单位名称\n公安局\n{department}\n", encoding="utf-8")
    (folder / "cases.csv").write_text("办件编号,受理单位,事项编码,申办渠道,受理时间,办结时间\n" + cases + "合计,1,,,,\n",
                                      encoding="gb18030")
    return folder


def test_validate_writes_the_page_for_bad_data_with_escaped_values(tmp_path: Path):
    """Errors: exit 1, the page lists each with file, row, column, value, rule; a hostile name shows as text."""
    data, out = tmp_path / "data", tmp_path / "out"
    _district(data, "税务局", f"c1,{SCRIPT},A1,窗口,2024-06-03 09:00,2024-06-02 09:00\n")
    result = CliRunner().invoke(app, ["validate", "--district", "d1", "--data-dir", str(data), "--out-dir", str(out)])
    assert result.exit_code == 1
    page = (out / "d1" / "validation.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page)
    errors, warnings = page.split('<section class="errors">')[1].split('<section class="warnings">')
    assert "办结时间早于受理时间" in errors and "不在单位名单" in errors and "cases.csv" in errors
    assert "<td class=\"num\">2</td>" in errors and "受理单位" in errors
    assert "合计" in warnings and "合计" not in errors
    assert "校验报告页" in result.output


def test_validate_writes_the_page_for_good_data(tmp_path: Path):
    """No errors: exit 0 (warnings alone do not fail) and the page says 通过 with counts per table."""
    data, out = tmp_path / "data", tmp_path / "out"
    _district(data, SCRIPT, f"c1,{SCRIPT},A1,窗口,2024-06-03 09:00,\n")
    result = CliRunner().invoke(app, ["validate", "--district", "d1", "--data-dir", str(data), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "d1" / "validation.html").read_text(encoding="utf-8")
    assert "数据校验通过" in page and "警告1处" in page
    assert re.search(r"<td>办件</td><td>cases</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td>", page)
    assert '<section class="errors"><h2>错误</h2><p>无。</p>' in page


def test_page_is_deterministic(tmp_path: Path):
    """The same data gives the same bytes (no timestamps)."""
    data = tmp_path / "data"
    _district(data, "税务局", "c1,公安局,A1,窗口,2024-06-03 09:00,\n")
    first = report_page(validate_district(data, "d1")[1])
    assert first == report_page(validate_district(data, "d1")[1])


def test_complaint_text_is_never_shown(tmp_path: Path):
    """A problem in a complaint's 内容 (free text with phone and ID numbers) names its cell, not its value, on the
    page and in the terminal."""
    data, out = tmp_path / "data", tmp_path / "out"
    _district(data, "税务局", "c1,公安局,A1,窗口,2024-06-03 09:00,\n")
    secret = "张三13912345678,身份证110101199003071234"
    (data / "d1" / "complaints.csv").write_text(
        "投诉编号,来源,涉及单位,类别,内容,受理时间,办结时间,回访满意\n"
        f"T1,现场,税务局,服务态度,{secret}{'长' * 40_000},2024-06-03 09:00,,\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--district", "d1", "--data-dir", str(data), "--out-dir", str(out)])
    assert result.exit_code == 1
    page = (out / "d1" / "validation.html").read_text(encoding="utf-8")
    assert "内容过长" in page and "complaints.csv" in page and "不在报告中显示" in page
    assert "13912345678" not in page and "110101199003071234" not in page and "张三" not in page
    assert "内容过长" in result.output and "13912345678" not in result.output and "张三" not in result.output


def test_page_names_files_from_the_project_folder(tmp_path: Path):
    """Files are shown as data/<district>/..., so the same data in another folder gives the same bytes."""
    pages = []
    for where in ("one", "two/deeper"):
        data = tmp_path / where / "data"
        _district(data, "税务局", f"c1,{SCRIPT},A1,窗口,2024-06-03 09:00,\n")
        page = report_page(validate_district(data.resolve(), "d1")[1], data)
        assert "data/d1/cases.csv" in page and str(tmp_path) not in page
        pages.append(page)
    assert pages[0] == pages[1]
