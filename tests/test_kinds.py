"""Every bulletin kind on demo data for two districts: figures stated in the HTML agree with the JSON and
with sums computed here from the raw exports; no template residue; the index links them all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bulletin.run.batch import render_many
from bulletin.config import RunSpec
from bulletin.document.display import pct
from bulletin.run.index_page import write_index
from conftest import ROOT, make_project, parse_when, read_raw

pytestmark = pytest.mark.slow  # renders every kind of bulletin

DISTRICTS = ["yunhe", "lanxi"]
PERIODS = {"monthly": "2024-06", "quarterly": "2024-Q2", "half_year": "2024-H1", "annual": "2024-01..2024-11"}
BOUNDS = {"monthly": ("2024-06-01", "2024-07-01"), "quarterly": ("2024-04-01", "2024-07-01"),
          "half_year": ("2024-01-01", "2024-07-01"), "annual": ("2024-01-01", "2024-12-01")}
RESIDUE = re.compile(r"\bnan\b|\bNaN\b|\bNone\b|\binf\b|\{|\}|Traceback|<function|In \[", re.I)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("kinds"), DISTRICTS, "2023-01", "2024-12", 0.02)
    spec = RunSpec(tuple(DISTRICTS), tuple(PERIODS.values()), tuple(PERIODS))
    outcomes = render_many(spec, data_dir=root / "data", params_dir=root / "params", out_dir=root / "outputs",
                           notebooks_dir=ROOT / "notebooks", jobs=2)
    assert all(o.status == "ok" for o in outcomes), [o.message for o in outcomes]
    write_index(root / "outputs")
    return root


def _page(project: Path, district: str, kind: str) -> tuple[str, str, dict]:
    folder = project / "outputs" / district / PERIODS[kind].replace("..", "..")
    html = (folder / f"{kind}.html").read_text(encoding="utf-8")
    body = html[html.index("<body"):]
    text = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return html, text, json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("district", DISTRICTS)
@pytest.mark.parametrize("kind", list(PERIODS))
def test_stated_figures_match_raw_exports(project: Path, district: str, kind: str):
    """Each kind's received and complaint counts equal sums over the raw exports, and the page states them."""
    _, text, figures = _page(project, district, kind)
    cases = read_raw(project / "data" / district / "cases")
    received = parse_when(cases["受理时间"])
    start, stop = BOUNDS[kind]
    n = int(((received >= start) & (received < stop)).sum())
    assert figures["cases"]["received"] == n > 0
    assert f"共受理办件{n}件" in text
    assert f"办结率{pct(figures['cases']['completion_rate'])}" in text
    complaints = read_raw(project / "data" / district / "complaints.csv")
    when = parse_when(complaints["受理时间"])
    n_complaints = int(((when >= start) & (when < stop)).sum())
    assert figures["complaints"]["total"] == n_complaints
    if n_complaints:
        assert f"共受理投诉{n_complaints}件" in text
    assert "示例数据" in text and figures["demo"] is True


@pytest.mark.parametrize("district", DISTRICTS)
@pytest.mark.parametrize("kind", list(PERIODS))
def test_no_residue_and_self_contained(project: Path, district: str, kind: str):
    """No kind's page shows template residue, scripts or remote links, and its figures are numbered 图1..图N."""
    html, text, _ = _page(project, district, kind)
    assert not RESIDUE.search(text), RESIDUE.search(text).group(0)
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
    assert html.count("<img") == html.count('src="data:image/png;base64,')
    numbers = re.findall(r"图(\d+) ", text)
    assert numbers and [int(x) for x in dict.fromkeys(numbers)] == list(range(1, len(dict.fromkeys(numbers)) + 1))


def test_each_kind_has_its_sections(project: Path):
    """Each kind's page has the section headings of its seed bulletin."""
    expect = {
        "monthly": ["一、总体运行情况", "二、单位绩效考核排名", "先进单位", "三、好差评工作情况", "四、投诉办理情况", "五、督查发现问题",
                    "存在问题", "下步工作安排"],
        "quarterly": ["一、考核结果", "考核结果按等次划分", "事项清单管理", "（一）好差评", "（二）投诉办理", "督查情况"],
        "half_year": ["一、总体运行情况", "二、运行分析", "（一）申办渠道", "（二）乡镇（街道）办件", "同比分析", "意见建议"],
        "annual": ["一、主要成效", "目标完成情况", "工作亮点", "下步打算", "2024年1-11月"],
    }
    for kind, headings in expect.items():
        _, text, _ = _page(project, "yunhe", kind)
        for h in headings:
            assert h in text, (kind, h)


def test_half_year_has_four_charts_and_analysis(project: Path):
    """The half-year analysis has at least four charts and compares with the same half a year earlier."""
    html, text, figures = _page(project, "yunhe", "half_year")
    assert html.count('<figure class="chart">') >= 4
    base = figures["cases"]["year_ago"]
    assert base["period"] == "2023-H1" and f"与{base['period_label']}相比" in text


def test_annual_targets_table_states_each_target(project: Path):
    """The annual summary names every target with a value and states how many were met."""
    _, text, figures = _page(project, "lanxi", "annual")
    for t in figures["targets"]:
        if t["value"] is not None:
            assert t["name"] in text
    met = sum(1 for t in figures["targets"] if t["met"])
    assert f"已达标{met}项" in text


def test_quarterly_grades_follow_the_scheme(project: Path):
    """The quarterly bulletin counts units per grade as the scheme grades their totals."""
    _, text, figures = _page(project, "yunhe", "quarterly")
    by_grade = figures["scores"]["by_grade"]
    for grade, names in by_grade.items():
        assert f"{grade}等次{len(names)}个" in text
    ranking = figures["scores"]["ranking"]
    assert all(r["grade"] == "好" for r in ranking if r["total"] >= 105)


def test_index_lists_every_bulletin_with_working_links(project: Path):
    """The index links every rendered bulletin and each district's validation report, and every link resolves."""
    out = project / "outputs"
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.html)"', index)
    bulletins = [link for link in links if not link.endswith("/validation.html")]
    assert len(bulletins) == len(DISTRICTS) * len(PERIODS)
    assert sorted(set(links) - set(bulletins)) == sorted(f"{d}/validation.html" for d in DISTRICTS)
    assert all((out / link).is_file() for link in links)
    assert "受理" in index and "办结率" in index


def test_index_is_newest_first(project: Path):
    """The index lists the newest period first, a month before the quarter and half-year that end with it."""
    index = (project / "outputs" / "index.html").read_text(encoding="utf-8")
    order = [m.split("/")[1] for m in re.findall(r'href="([^"]+\.html)"', index) if not m.endswith("/validation.html")]
    assert list(dict.fromkeys(order)) == ["2024-01..2024-11", "2024-06", "2024-Q2", "2024-H1"]
