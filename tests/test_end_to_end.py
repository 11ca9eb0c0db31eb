"""One real run of the CLI on a small generated district: figures in JSON and HTML against independent sums."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from conftest import make_project, parse_when, read_raw

pytestmark = pytest.mark.slow  # real notebook renders through the CLI

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = "tongshan"
PERIOD = "2024-06"
NETWORK = re.compile(r"""(<script[^>]*\ssrc=|<link[^>]*\shref=|(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import)""", re.I)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder with the repo's scoring scheme and a small demo district."""
    return make_project(tmp_path_factory.mktemp("project"), [DISTRICT], "2023-05", "2024-06", 0.02)


def _args(project: Path, *extra: str) -> list[str]:
    return [*extra, "--data-dir", str(project / "data"), "--params-dir", str(project / "params"),
            "--out-dir", str(project / "outputs"), "--notebooks-dir", str(ROOT / "notebooks")]


@pytest.fixture(scope="module")
def rendered(project: Path) -> Path:
    """The monthly bulletin rendered through the CLI."""
    result = CliRunner().invoke(app, _args(project, "run", "--district", DISTRICT, "--period", PERIOD, "--kind", "monthly"))
    assert result.exit_code == 0, result.output
    return project / "outputs" / DISTRICT / PERIOD


def _expected(project: Path) -> dict:
    """受理, 办结, 同比 and 好评率 computed here with plain pandas from the generated export files."""
    cases = read_raw(project / "data" / DISTRICT / "cases")
    received = parse_when(cases["受理时间"])
    completed = parse_when(cases["办结时间"])
    june = (received >= "2024-06-01") & (received < "2024-07-01")
    june_last_year = (received >= "2023-06-01") & (received < "2023-07-01")
    evaluations = read_raw(project / "data" / DISTRICT / "evaluations")
    when = parse_when(evaluations["评价时间"])
    in_june = evaluations[(when >= "2024-06-01") & (when < "2024-07-01")]
    labels = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}
    ratings = in_june["评价等级"].map(lambda v: labels.get(v, v)).astype(int)
    return {
        "received": int(june.sum()),
        "completed": int((june & (completed < "2024-07-01")).sum()),
        "yoy": (june.sum() - june_last_year.sum()) / june_last_year.sum(),
        "evaluations": len(in_june),
        "good_rate": float((ratings >= 3).mean()),
    }


def test_files_written(rendered: Path):
    """html, docx, pdf, json, xlsx and the executed notebook are all there."""
    assert {p.name for p in rendered.iterdir()} == {"monthly.html", "monthly.docx", "monthly.pdf", "monthly.json",
                                                    "monthly.xlsx", "monthly.ipynb"}


def test_json_figures_match_independent_sums(project: Path, rendered: Path):
    """The JSON's case and evaluation figures equal sums computed from the raw export files."""
    figures = json.loads((rendered / "monthly.json").read_text(encoding="utf-8"))
    expected = _expected(project)
    assert figures["cases"]["received"] == expected["received"] > 0
    assert figures["cases"]["completed"] == expected["completed"]
    assert figures["cases"]["yoy"] == pytest.approx(expected["yoy"])
    assert figures["evaluations"]["total"] == expected["evaluations"]
    assert figures["evaluations"]["good_rate"] == pytest.approx(expected["good_rate"])
    assert figures["period_label"] == "2024年6月" and figures["district"] == DISTRICT
    for key in ("received", "completed", "completion_rate", "instant", "instant_same_day_rate", "early",
                "on_time_rate", "overdue_open", "by_channel", "by_township", "overdue_by_township", "by_department", "yoy", "mom"):
        assert key in figures["cases"]
    scores = figures["scores"]
    assert [r["rank"] for r in scores["ranking"]] == sorted(r["rank"] for r in scores["ranking"])
    assert scores["spread"] == pytest.approx(scores["max"] - scores["min"])


def test_html_states_the_figures(project: Path, rendered: Path):
    """The page's text states the same numbers, with no code, prompts or template residue."""
    html = (rendered / "monthly.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    expected = _expected(project)
    assert f"共受理办件{expected['received']}件" in text
    assert f"办结{expected['completed']}件" in text
    assert "示例数据" in text
    for heading in ("一、总体运行情况", "二、单位绩效考核排名", "三、好差评工作情况"):
        assert heading in text
    figures = json.loads((rendered / "monthly.json").read_text(encoding="utf-8"))
    top = figures["scores"]["ranking"][0]
    assert top["department"] in text
    assert html.count('<figure class="chart">') >= 2
    for residue in ("import ", "open_bulletin", "In [", "nan", "None", "{{", "Traceback"):
        assert residue not in text


def test_html_is_self_contained(rendered: Path):
    """No script, stylesheet, image or font is fetched from anywhere: zero external references."""
    html = (rendered / "monthly.html").read_text(encoding="utf-8")
    assert not NETWORK.search(html)
    assert "<script" not in html.lower()


def test_bad_data_is_refused_and_old_output_kept(project: Path, rendered: Path, tmp_path: Path):
    """An unknown department in the cases: exit 1, a Chinese message with file, row and column; nothing overwritten."""
    bad = tmp_path / "project"
    shutil.copytree(project / "params", bad / "params")
    shutil.copytree(project / "data" / DISTRICT, bad / "data" / DISTRICT)
    shutil.copytree(rendered, bad / "outputs" / DISTRICT / PERIOD)
    before = {p.name: p.read_bytes() for p in (bad / "outputs" / DISTRICT / PERIOD).iterdir()}
    month_file = sorted((bad / "data" / DISTRICT / "cases").glob("*.csv"))[-1]
    encoding = "gb18030"
    raw = month_file.read_bytes().decode(encoding).splitlines()
    header = raw[0].split(",")
    cells = raw[1].split(",")
    cells[header.index("受理单位")] = "不存在的局"
    raw[1] = ",".join(cells)
    month_file.write_bytes(("\n".join(raw) + "\n").encode(encoding))
    proc = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", *_args(bad, "run", "--district", DISTRICT, "--period", PERIOD, "--kind", "monthly")],
        capture_output=True, text=True, cwd=bad, timeout=300,
    )
    assert proc.returncode != 0
    assert month_file.name in proc.stderr and "第2行" in proc.stderr and "受理单位" in proc.stderr
    assert "Traceback" not in proc.stderr
    after = {p.name: p.read_bytes() for p in (bad / "outputs" / DISTRICT / PERIOD).iterdir()}
    assert after == before


def test_no_personal_data_in_any_output(project: Path, rendered: Path):
    """Staff names (the district does not publish them) and complaint text never reach the bulletin files."""
    staff = pd.read_csv(project / "data" / DISTRICT / "staff_scores.csv", encoding="gb18030", dtype=str)["姓名"]
    complaints = pd.read_csv(project / "data" / DISTRICT / "complaints.csv", encoding="gb18030", dtype=str)
    phones = complaints["内容"].str.extract(r"(1\d{10})")[0].dropna()
    assert len(staff) and len(phones)
    for name in ("monthly.html", "monthly.json", "monthly.ipynb"):
        text = (rendered / name).read_text(encoding="utf-8")
        assert not [s for s in set(staff) if s in text], name
        assert not [p for p in set(phones) if p in text], name
        assert not [c for c in complaints["内容"] if c in text], name
