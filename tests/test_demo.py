"""The demo generator: deterministic bytes, the export quirks it promises, and data that validates."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from bulletin.config import load_district
from bulletin.demo import DEMO_DISTRICTS, PROFILES, write_demo
from bulletin.data.validation import validate_district

MONTHS = {"first_month": "2024-05", "last_month": "2024-07", "scale": 0.02}
ENCODING = {"yunhe": "utf-8-sig", "tongshan": "gb18030", "lanxi": "utf-8"}
HEADERS = {
    "departments": ["单位名称", "是否进驻", "窗口数", "工作人员数"],
    "townships": ["乡镇街道", "类型"],
    "items": ["事项编码", "事项名称", "实施单位", "办件类型", "法定时限", "承诺时限", "原环节数", "办理环节数", "网上可办",
              "新增日期", "取消日期"],
    "cases": ["办件编号", "受理单位", "事项编码", "乡镇街道", "申办渠道", "受理时间", "办结时间"],
    "evaluations": ["评价编号", "办件编号", "被评价单位", "评价渠道", "评价等级", "评价时间", "整改时间"],
    "complaints": ["投诉编号", "来源", "涉及单位", "类别", "内容", "受理时间", "办结时间", "回访满意"],
    "inspections": ["日期", "单位", "类别", "问题描述", "扣分", "人员"],
    "assessment": ["单位", "考核项目", "得分", "月份"],
    "services": ["日期", "单位", "服务类型", "次数"],
    "certificates": ["月份", "证照类型", "入库数量"],
    "staff_scores": ["月份", "姓名", "单位", "得分"],
    "attendance": ["日期", "姓名", "单位", "类型"],
    "leader_visits": ["日期", "单位", "领导", "接待人数", "现场办件"],
    "township_reports": ["乡镇街道", "月份", "报送事项", "应报日期", "报送日期"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    assert write_demo(root / "data", root / "params", **MONTHS) == list(DEMO_DISTRICTS)
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _raw(demo: Path, district: str, table: str) -> pd.DataFrame:
    """A table as exported, all text: the CSV (or the folder of monthly CSVs) or the .xlsx under its title row."""
    folder = demo / "data" / district
    if (folder / f"{table}.xlsx").exists():
        return pd.read_excel(folder / f"{table}.xlsx", header=1, dtype=str, engine="openpyxl").fillna("")
    paths = sorted((folder / table).glob("*.csv")) if (folder / table).is_dir() else [folder / f"{table}.csv"]
    parts = [pd.read_csv(io.StringIO(p.read_bytes().decode(ENCODING[district])), dtype=str, keep_default_na=False)
             for p in paths]
    return pd.concat(parts, ignore_index=True)


def _times(values: pd.Series) -> pd.Series:
    """Export datetimes of any demo style (ISO, 2024/06/03 09:12, 2024年6月3日 09:12); empty as NaT."""
    text = values.str.replace("年", "-").str.replace("月", "-").str.replace("日", "").str.replace("/", "-")
    return pd.to_datetime(text.where(text != ""), format="mixed")


def test_same_arguments_same_bytes(demo: Path, tmp_path: Path):
    """The same demo arguments write the same bytes, and a re-run over a shorter range leaves no stale files."""
    write_demo(tmp_path / "data", tmp_path / "params", **MONTHS)
    assert _files(tmp_path / "data") == _files(demo / "data")
    assert _files(tmp_path / "params") == _files(demo / "params")
    # Re-running over the same folders is clean: a shorter range leaves no stale monthly files behind.
    write_demo(tmp_path / "data", tmp_path / "params", first_month="2024-06", last_month="2024-06", scale=0.02)
    assert sorted(p.name for p in (tmp_path / "data" / "yunhe" / "cases").iterdir()) == ["2024-06.csv"]


def test_committed_district_files_are_what_the_demo_writes(demo: Path):
    """make demo on a fresh clone rewrites params/districts/*.yaml; it must leave the committed files unchanged."""
    for district in DEMO_DISTRICTS:
        name = f"districts/{district}.yaml"
        assert (demo / "params" / name).read_bytes() == (ROOT / "params" / name).read_bytes(), name


def test_run_file_written_only_when_absent(tmp_path: Path):
    """The demo never overwrites an existing run file and writes only the districts asked for."""
    runs = tmp_path / "params" / "runs" / "demo.yaml"
    runs.parent.mkdir(parents=True)
    runs.write_text("districts: [yunhe]\nperiods: [2024-06]\n", encoding="utf-8")
    write_demo(tmp_path / "data", tmp_path / "params", districts=["yunhe"], first_month="2024-06", last_month="2024-06",
               scale=0.01)
    assert runs.read_text(encoding="utf-8") == "districts: [yunhe]\nperiods: [2024-06]\n"
    assert not (tmp_path / "data" / "tongshan").exists()


@pytest.mark.parametrize("district", DEMO_DISTRICTS)
def test_tables_have_the_chinese_headers(demo: Path, district: str):
    """Every demo export carries the Chinese headers a real export has."""
    for table, header in HEADERS.items():
        assert list(_raw(demo, district, table).columns) == header, (district, table)


def test_each_district_exports_its_own_way(demo: Path):
    """Each demo district exports differently: UTF-8 BOM, GB18030 with slashed dates and rating words, xlsx tables."""
    yunhe = (demo / "data" / "yunhe" / "cases" / "2024-06.csv").read_bytes()
    assert yunhe.startswith(b"\xef\xbb\xbf") and "受理时间" in yunhe.decode("utf-8-sig")
    assert _raw(demo, "yunhe", "evaluations")["评价等级"].isin(list("12345")).all()
    tongshan = (demo / "data" / "tongshan" / "cases" / "2024-06.csv").read_bytes()
    text = tongshan.decode("gb18030")
    assert "受理时间" in text and "2024/06/" in text and "/2024" not in text
    with pytest.raises(UnicodeDecodeError):
        tongshan.decode("utf-8")
    assert _raw(demo, "tongshan", "evaluations")["评价等级"].isin(["非常满意", "满意", "基本满意", "不满意", "非常不满意"]).all()
    lanxi = (demo / "data" / "lanxi" / "cases" / "2024-06.csv").read_bytes()
    assert not lanxi.startswith(b"\xef\xbb\xbf") and "2024年6月" in lanxi.decode("utf-8")
    for table in ("departments", "townships", "items", "inspections", "assessment"):
        assert (demo / "data" / "lanxi" / f"{table}.xlsx").exists()
    assert sorted(p.name for p in (demo / "data" / "yunhe" / "cases").iterdir()) == ["2024-05.csv", "2024-06.csv", "2024-07.csv"]


@pytest.mark.parametrize("district", DEMO_DISTRICTS)
def test_raw_exports_are_consistent(demo: Path, district: str):
    """The raw demo exports hold together: unique ids, completed after received, known departments, items and channels."""
    cases = _raw(demo, district, "cases")
    assert cases["办件编号"].is_unique
    received, completed = _times(cases["受理时间"]), _times(cases["办结时间"])
    assert received.notna().all() and not (completed < received).any()
    departments = _raw(demo, district, "departments")
    items = _raw(demo, district, "items")
    assert set(cases["受理单位"]) <= set(departments["单位名称"])
    assert set(cases["事项编码"]) <= set(items["事项编码"])
    owner = items.set_index("事项编码")["实施单位"]
    assert (cases["事项编码"].map(owner) == cases["受理单位"]).all()  # an item belongs to the accepting department
    assert set(cases["申办渠道"]) <= {"窗口", "一网通办", "全程网办", "掌上办"}
    assert items["事项编码"].is_unique and set(items["实施单位"]) <= set(departments.loc[departments["是否进驻"] == "是", "单位名称"])
    evaluations = _raw(demo, district, "evaluations")
    assert evaluations["评价编号"].is_unique and set(evaluations["办件编号"]) <= set(cases["办件编号"])
    assert set(_raw(demo, district, "complaints")["回访满意"]) <= {"是", "否", ""}


@pytest.mark.parametrize("district", DEMO_DISTRICTS)
def test_demo_data_validates_and_is_consistent(demo: Path, district: str):
    """Every demo district validates without errors and fills every optional table at a realistic size."""
    tables, report = validate_district(demo / "data", district)
    assert report.ok, report.to_text()
    cases = tables.cases
    assert cases["case_id"].is_unique
    assert not (cases["completed_at"] < cases["received_at"]).any()
    assert set(cases["department"]) <= set(tables.departments["department"])
    assert set(cases["item_code"]) <= set(tables.items["item_code"])
    assert (~tables.departments["stationed"]).sum() >= 2
    assert 25 <= len(tables.departments) <= 40 and 8 <= len(tables.townships) <= 12
    assert 400 <= len(tables.items) <= 600
    for name in ("complaints", "inspections", "assessment", "services", "certificates", "leader_visits",
                 "staff_scores", "attendance", "township_reports"):
        assert getattr(tables, name) is not None and len(getattr(tables, name)) > 0, name
    bad = tables.evaluations.loc[tables.evaluations["rectified_at"].notna(), "rating"]
    assert (bad <= 2).all()  # 整改 only for 差评
    per_month = cases["received_at"].dt.strftime("%Y-%m").value_counts()
    expected = PROFILES[district].cases_per_month * MONTHS["scale"]  # volume scales linearly from 5k-12k a month
    assert ((per_month > 0.6 * expected) & (per_month < 1.5 * expected)).all(), per_month


@pytest.mark.parametrize("district", DEMO_DISTRICTS)
def test_district_settings_load(demo: Path, district: str):
    """The demo's district files load as settings with notes for every demo period and targets."""
    settings = load_district(demo / "params", district)
    profile = PROFILES[district]
    assert settings.demo and settings.scoring == "demo" and settings.name == profile.name
    assert settings.satisfaction == profile.satisfaction and settings.doc_prefix == profile.doc_prefix
    assert {"2024-06", "2024-12", "2024-Q2", "2024-Q4", "2024-H1", "2024-H2", "2024"} <= set(settings.notes)
    assert all(note["problems"].startswith("一是") and note["next_steps"] for note in settings.notes.values())
    assert settings.targets


def test_complaint_content_holds_fake_personal_data(demo: Path):
    """Demo complaint texts carry well-formed fake phone and ID numbers, so masking is tested on realistic input."""
    content = _raw(demo, "yunhe", "complaints")["内容"]
    assert content.str.contains(r"1\d{10}").all()
    ids = content.str.extract(r"(\d{17}[\dX])")[0].dropna()
    assert len(ids) > 0
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for number in ids:  # well-formed (valid check digit), so the bulletin's redaction is tested on realistic input
        assert "10X98765432"[sum(int(d) * w for d, w in zip(number, weights)) % 11] == number[-1]
