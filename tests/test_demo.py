"""The demo generator: deterministic bytes, the export quirks it promises, and data that validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.config import load_district
from bulletin.demo import DEMO_DISTRICTS, PROFILES, write_demo
from bulletin.validation import validate_district


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root / "data", root / "params", first_month="2024-05", last_month="2024-07", scale=0.01)
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_arguments_same_bytes(demo: Path, tmp_path: Path):
    write_demo(tmp_path / "data", tmp_path / "params", first_month="2024-05", last_month="2024-07", scale=0.01)
    assert _files(tmp_path / "data") == _files(demo / "data")
    assert _files(tmp_path / "params") == _files(demo / "params")


def test_each_district_exports_its_own_way(demo: Path):
    yunhe = (demo / "data" / "yunhe" / "cases" / "2024-06.csv").read_bytes()
    assert yunhe.startswith(b"\xef\xbb\xbf") and "受理时间" in yunhe.decode("utf-8-sig")
    tongshan = (demo / "data" / "tongshan" / "cases" / "2024-06.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        tongshan.decode("utf-8")
    assert "/2024" not in tongshan.decode("gb18030") and "2024/06/" in tongshan.decode("gb18030")
    lanxi = (demo / "data" / "lanxi" / "cases" / "2024-06.csv").read_text(encoding="utf-8")
    assert "2024年6月" in lanxi
    assert (demo / "data" / "lanxi" / "departments.xlsx").exists()
    assert sorted(p.name for p in (demo / "data" / "yunhe" / "cases").iterdir()) == ["2024-05.csv", "2024-06.csv", "2024-07.csv"]


@pytest.mark.parametrize("district", DEMO_DISTRICTS)
def test_demo_data_validates_and_is_consistent(demo: Path, district: str):
    tables, report = validate_district(demo / "data", district)
    assert report.ok, report.to_text()
    cases = tables.cases
    assert cases["case_id"].is_unique
    assert not (cases["completed_at"] < cases["received_at"]).any()
    assert set(cases["department"]) <= set(tables.departments["department"])
    assert set(cases["item_code"]) <= set(tables.items["item_code"])
    assert (~tables.departments["stationed"]).sum() >= 2
    assert 25 <= len(tables.departments) <= 40 and 8 <= len(tables.townships) <= 12
    for name in ("complaints", "inspections", "assessment", "services", "certificates", "leader_visits"):
        assert getattr(tables, name) is not None and len(getattr(tables, name)) > 0, name
    settings = load_district(demo / "params", district)
    assert settings.demo and settings.scoring == "demo" and settings.notes
    per_month = cases["received_at"].dt.strftime("%Y-%m").value_counts()
    expected = PROFILES[district].cases_per_month * 0.01  # volume scales linearly from 5k-12k cases a month
    assert ((per_month > 0.6 * expected) & (per_month < 1.5 * expected)).all(), per_month

