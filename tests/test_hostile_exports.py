"""Exports with random text, bytes, dates and numbers in every column: `bulletin validate` passes or names its
errors, never a traceback, and nothing it shows or stores carries an unmasked ID or phone number."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.data.privacy import IDENTIFIERS
from bulletin.data.schemas import TABLES
from bulletin.data.store import load_tables
from conftest import cli_args, make_project, read_raw

# Bounded by anything but ASCII letters, digits and the marks of floats and base64 (charts embed PNG as base64).
PHONE = re.compile(r"(?<![0-9A-Za-z.+/])1[3-9]\d{9}(?![0-9A-Za-z+/])")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z.+/])\d{17}[\dXx](?![0-9A-Za-z+/])")
PERSONAL = ["13812345555", "110101199003071234", "11010119900307123X", "身份证110101199003071234,电话13912345555"]
BASE = {
    "departments": [["单位名称", "是否进驻"], ["公安局", "是"], ["税务局", "是"]],
    "items": [["事项编码", "事项名称", "实施单位", "办件类型", "法定时限", "承诺时限"], ["A1", "户籍证明", "公安局", "即办件", "0", "0"]],
    "cases": [["办件编号", "受理单位", "事项编码", "乡镇街道", "申办渠道", "受理时间", "办结时间"],
              ["c1", "公安局", "A1", "", "窗口", "2024-06-03 09:00", "2024-06-03 09:30"]],
}
# Cell values an attacker or a tired analyst writes: impossible days, ambiguous and non-finite numbers,
# control characters, formulas, personal numbers, markup, huge values.
NASTY = st.sampled_from([
    "", "2024-06-31", "2024/02/30 09:00", "2023年2月29日", "20240631", "0,5", "1,2,3,4", "1,234", "1e400", "nan",
    "inf", "-inf", "-1", "1e30", "=1+1", "<script>x</script>", "\x1b[31m红\x1b[0m", "a\x00b", "是", "否", "非常满意",
    "2024-06-03 09:00", "2024-06", "2099-12-31", "1900-01-01", "公安局", "A1", "窗口", "线上", "\u202e反向",
    "５", "１３８１２３４５５５５", *PERSONAL,
])
CELL = st.one_of(NASTY, st.text(max_size=30), st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
                 st.integers(-10**20, 10**20).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                 st.dates().map(str))
# The free-text and numeric tables a hostile cell reaches: every column of each gets random cells.
TARGETS = ["complaints", "inspections", "services", "staff_scores", "cases", "evaluations", "leader_visits"]


def _rows(table: str, cells: list[list[str]]) -> list[list[str]]:
    header = [c.alias for c in TABLES[table]]
    rows = BASE.get(table, [header])
    return rows + [(row + [""] * len(header))[: len(header)] for row in cells]


def _write(folder: Path, table: str, rows: list[list[str]], raw: bytes | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, base in BASE.items():
        if name != table:
            _write_csv(folder / f"{name}.csv", base)
    if raw is not None:
        (folder / f"{table}.csv").write_bytes(raw)
    else:
        _write_csv(folder / f"{table}.csv", rows)


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8", errors="surrogatepass").replace(b"\xed", b"?"))


def _unmasked(text: str) -> list[str]:
    return PHONE.findall(text) + ID_NUMBER.findall(text)


def _check(root: Path) -> None:
    """validate exits 0 or 1 with a report, no traceback; no unmasked number in its output, page or stored tables."""
    result = CliRunner().invoke(app, ["validate", "--district", "d1", "--data-dir", str(root / "data"),
                                      "--out-dir", str(root / "outputs")])
    assert result.exit_code in (0, 1) and isinstance(result.exception, (SystemExit, type(None))), result.output
    assert "Traceback" not in result.output and "数据校验" in result.output
    shown = result.output + "".join(p.read_text(encoding="utf-8") for p in (root / "outputs").rglob("*.html"))
    assert not _unmasked(shown), _unmasked(shown)
    if result.exit_code == 0:
        tables = load_tables(root / "data", "d1")
        for name in tables.present():
            frame = getattr(tables, name)
            for col in TABLES[name]:
                if col.kind == "text" and col.name not in IDENTIFIERS:
                    assert not _unmasked(" ".join(frame[col.name].dropna().astype(str))), (name, col.name)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(table=st.sampled_from(TARGETS), cells=st.lists(st.lists(CELL, min_size=0, max_size=10), min_size=1, max_size=4))
def test_random_cells_are_validated_never_crash_never_leak(table: str, cells: list[list[str]]):
    """Random text, dates, numbers and personal numbers in every column of a table: a report, never a traceback."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root / "data" / "d1", table, _rows(table, cells))
        _check(root)


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.sampled_from(TARGETS), body=st.binary(max_size=300))
def test_random_bytes_are_validated_never_crash(table: str, body: bytes):
    """Random bytes after a valid header line: a report (perhaps an error naming the file), never a traceback."""
    header = ",".join(c.alias for c in TABLES[table]).encode("utf-8") + b"\n"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root / "data" / "d1", table, [], raw=header + body)
        _check(root)


PRIVATE_CELLS = {  # column alias -> text with personal numbers, for every free-text column a bulletin may show
    "inspections.csv": {"问题描述": "群众13812345555反映,身份证110101199003071234", "人员": "王五13912345555"},
    "complaints.csv": {"来源": "12345热线13812345555", "类别": "态度110101199003071234", "内容": "电话13712345555"},
    "services.csv": {"服务类型": "帮办代办13612345555"},
    "leader_visits.csv": {"领导": "张局长13512345555"},
}


PLANTED = ["13812345555", "110101199003071234", "13912345555", "13712345555", "13612345555", "13512345555"]


@pytest.mark.slow
def test_a_passing_run_shows_no_unmasked_number(tmp_path: Path):
    """Personal numbers written into every free-text column of a good district: the rendered bulletin's html,
    json, xlsx and ipynb hold none of them unmasked."""
    import zipfile

    root = make_project(tmp_path, ["tongshan"], "2024-05", "2024-06", 0.005)
    folder = root / "data" / "tongshan"
    for name, cells in PRIVATE_CELLS.items():
        path = folder / name
        if not path.exists():
            continue
        frame = read_raw(path)
        for column, value in cells.items():
            if column in frame.columns:
                frame[column] = value
        frame.to_csv(path, index=False, encoding="utf-8")
    result = CliRunner().invoke(app, cli_args(root, "run", "--district", "tongshan", "--period", "2024-06",
                                              "--kind", "monthly"))
    assert result.exit_code == 0, result.output
    files = sorted((root / "outputs" / "tongshan" / "2024-06").glob("monthly.*"))
    assert {p.suffix for p in files} >= {".html", ".json", ".xlsx", ".ipynb"}
    for path in files:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist())
        elif path.suffix in (".html", ".json", ".ipynb"):
            text = path.read_text(encoding="utf-8")
        else:
            continue
        assert not _unmasked(text), (path.name, _unmasked(text)[:5])
        assert not [raw for raw in PLANTED if raw in text], path.name
    assert not _unmasked(result.output)
    html = (root / "outputs" / "tongshan" / "2024-06" / "monthly.html").read_text(encoding="utf-8")
    assert "138****5555" in html  # the 督查 finding is stated, masked
