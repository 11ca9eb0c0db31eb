"""Hostile text in the data and the district file (department and township names, complaint text, analyst notes,
the district's own name) renders as text: nothing runs in the browser, nothing is interpreted as markup,
template or spreadsheet formula."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from browser import chromium, load_offline
from bulletin.cli import app
from conftest import cli_args, make_project

pytestmark = pytest.mark.slow  # a real render, opened in a browser

DISTRICT = "tongshan"
PERIOD = "2024-06"
ENCODING = "gb18030"  # tongshan's exports
DEPARTMENTS = {
    "公安局": "<script>window.__pwned=1</script>公安局",
    "税务局": '<img src=x onerror="window.__pwned=1">税务局',
    "民政局": "{{7*7}}民政局",
    "教育局": "**bold** [link](http://x) 教育局",
    "司法局": "\"引号'局 & <b>粗</b>",
    "医疗保障局": "=cmd|' /C calc'!A0",
}
TOWNSHIPS = {"城关镇": "<svg onload=\"window.__pwned=1\">城关镇", "桐林镇": "{% raw %}{{ 7*7 }}桐林镇"}
# 督查 findings (问题描述) that a spreadsheet would run as formulas or DDE calls.
FINDINGS = {"窗口工作人员上班时间未按时到岗": "=HYPERLINK(\"http://x\",\"点我\")",
            "工作人员未按规定统一着装": "+cmd|' /C calc'!A0", "办件卷宗材料不齐全": "@SUM(1+1)*cmd|' /C calc'!A0"}
NOTES = {
    "problems": "<script>window.__pwned=1</script>**存在问题** [点我](http://x) {{7*7}} \"双引号\" '单引号'",
    "next_steps": "<img src=x onerror=\"window.__pwned=1\">下步工作 ${7*7} __import__('os').system('id')",
}
NAME = "桐山县<script>window.__pwned=1</script>"
COMPLAINT = "<script>window.__pwned=1</script>投诉内容 <img src=x onerror=alert(1)>"


def _rewrite_csvs(folder: Path, renames: dict[str, str]) -> None:
    """Rename values in every CSV of the district (cells equal to an old name), keeping the data consistent."""
    for path in sorted(folder.rglob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODING)
        frame = frame.replace(renames)
        if path.name == "complaints.csv":
            frame.loc[frame.index[::2], "内容"] = COMPLAINT
        path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode(ENCODING))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A small demo district rewritten with hostile names and notes, its monthly bulletin rendered."""
    root = make_project(tmp_path_factory.mktemp("hostile"), [DISTRICT], "2024-01", "2024-06", 0.02)
    _rewrite_csvs(root / "data" / DISTRICT, {**DEPARTMENTS, **TOWNSHIPS, **FINDINGS})
    path = root / "params" / "districts" / f"{DISTRICT}.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings.update(name=NAME, issuer=NAME + "政务服务中心")
    settings["notes"][PERIOD] = NOTES
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, cli_args(root, "run", "--district", DISTRICT, "--period", PERIOD, "--kind", "monthly"))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def loads(hostile: Path) -> dict:
    """The bulletin page and the index, opened in Chromium with the network blocked."""
    out = hostile / "outputs"
    with chromium() as browser:
        return {"bulletin": load_offline(browser, out / DISTRICT / PERIOD / "monthly.html"),
                "index": load_offline(browser, out / "index.html")}


def test_no_script_runs(loads: dict):
    """window.__pwned stays undefined; no dialog, no <script> element, no on* handler, no request."""
    for name, load in loads.items():
        assert load.pwned is None, name
        assert load.dialogs == [] and load.page_errors == [] and load.requests == [], name
        assert load.scripts == 0 and load.handlers == [], name


def test_no_injected_elements(loads: dict):
    """Only the bulletin's own images (PNG data URIs) exist; markdown links never become links."""
    load = loads["bulletin"]
    assert all(img["src"].startswith("data:image/png;base64,") for img in load.images)
    assert "http://x" not in load.links and "x" not in load.links
    assert "<strong>bold</strong>" not in load.html and "<strong>存在问题</strong>" not in load.html


def test_hostile_text_shown_literally(loads: dict):
    """Each hostile department name the page states, the township names and both notes appear verbatim in the
    visible text (the body shows an excerpt of long tables, so not every department is named)."""
    text = loads["bulletin"].text
    for value in [NOTES["problems"], NOTES["next_steps"], NAME]:
        assert value in text, value
    for plain, value in DEPARTMENTS.items():
        assert plain not in text or value in text, value
    assert sum(value in text for value in DEPARTMENTS.values()) >= 3
    assert any(name in text for name in TOWNSHIPS.values())
    assert "49民政局" not in text
    assert NAME in loads["index"].text


def test_complaint_text_not_shown(hostile: Path, loads: dict):
    """Complaint content stays out of the page even when it is hostile."""
    assert "投诉内容" not in loads["bulletin"].text
    html = (hostile / "outputs" / DISTRICT / PERIOD / "monthly.html").read_text(encoding="utf-8")
    assert "投诉内容" not in html


def test_json_and_xlsx_carry_plain_names(hostile: Path):
    """The JSON holds the names unchanged; in the 附件 they are plain text cells, never formulas."""
    folder = hostile / "outputs" / DISTRICT / PERIOD
    figures = json.loads((folder / "monthly.json").read_text(encoding="utf-8"))
    ranked = {r["department"] for r in figures["scores"]["ranking"]}
    assert set(DEPARTMENTS.values()) <= ranked
    assert figures["district_name"] == NAME
    wb = load_workbook(io.BytesIO((folder / "monthly.xlsx").read_bytes()))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value: c for c in cells}
    assert set(DEPARTMENTS.values()) <= set(values)
    assert values[DEPARTMENTS["医疗保障局"]].quotePrefix
    findings = [f["finding"] for f in figures["inspections"]["findings"] if f["finding"] in FINDINGS.values()]
    assert findings and all(values[f].quotePrefix and values[f].data_type == "s" for f in findings)
