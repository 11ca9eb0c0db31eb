"""`bulletin ingest`: every (or the chosen) district validated once and stored; errors give exit 1 and the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.run.ingest import district_ids, ingest_many
from bulletin.data.store import STORE_DIR, store_path

DEPARTMENTS = "单位名称\n公安局\n"
ITEMS = "事项编码,事项名称,实施单位,办件类型,法定时限,承诺时限\nA1,户籍证明,公安局,即办件,0,0\n"
CASES = "办件编号,受理单位,事项编码,申办渠道,受理时间,办结时间\n"


def _district(data: Path, name: str, cases: str) -> Path:
    folder = data / name
    (folder / "cases").mkdir(parents=True)
    (folder / "departments.csv").write_text(DEPARTMENTS, encoding="utf-8")
    (folder / "items.csv").write_text(ITEMS, encoding="gb18030")
    (folder / "cases" / "2024-06.csv").write_text(CASES + cases, encoding="utf-8")
    return folder


def _good(data: Path, name: str) -> Path:
    return _district(data, name, "c1,公安局,A1,窗口,2024-06-03 09:00,2024-06-03 09:10\n"
                                 "c2,公安局,A1,窗口,2024-07-01 09:00,\n")


def test_ingest_stores_every_district_and_reports_rows(tmp_path: Path):
    """Without --district every district folder is ingested; rows stored per table are printed; exit 0."""
    data, out = tmp_path / "data", tmp_path / "outputs"
    _good(data, "a1")
    _good(data, "b2")
    result = CliRunner().invoke(app, ["ingest", "--data-dir", str(data), "--out-dir", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "a1:已入库" in result.output and "办件2行" in result.output and "b2:已入库" in result.output
    assert "共2个区县,成功2个,失败0个" in result.output
    assert sorted(p.stem for p in (store_path(data, "a1") / "cases").iterdir()) == ["2024-06", "2024-07"]
    assert (out / "a1" / "validation.html").is_file()
    again = CliRunner().invoke(app, ["ingest", "--data-dir", str(data), "--out-dir", str(out), "--district", "a1"])
    assert again.exit_code == 0 and "a1:数据未变化,已是最新" in again.output


def test_ingest_with_errors_exits_non_zero_and_prints_the_report(tmp_path: Path):
    """A district with errors is not stored; its report is printed and the command exits 1; others still ingest."""
    data, out = tmp_path / "data", tmp_path / "outputs"
    _good(data, "a1")
    bad = _district(data, "b2", "c1,民政局,A1,窗口,2024-06-03 09:00,\n")
    result = CliRunner().invoke(app, ["ingest", "--data-dir", str(data), "--out-dir", str(out), "--jobs", "1"])
    assert result.exit_code == 1
    assert "b2:未入库,错误1处" in result.output
    assert f"{bad / 'cases' / '2024-06.csv'} 第2行 列“受理单位”" in result.output
    assert not (data / STORE_DIR / "b2").exists() or not any((data / STORE_DIR / "b2").iterdir())
    assert "a1:已入库" in result.output and "失败1个" in result.output
    assert "Traceback" not in result.output


def test_ingest_unknown_district_is_a_clear_message(tmp_path: Path):
    """A district without a folder fails with a Chinese message naming it, no traceback."""
    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(app, ["ingest", "--data-dir", str(tmp_path / "data"), "--district", "nowhere"])
    assert result.exit_code == 1
    assert "nowhere" in result.output and "找不到区县数据目录" in result.output and "Traceback" not in result.output


@pytest.mark.slow  # a pool of worker processes
def test_ingest_many_in_two_processes(tmp_path: Path):
    """Two worker processes give the same results as one; store folders only, never hidden folders, count as districts."""
    data = tmp_path / "data"
    for name in ("a1", "b2", "c3"):
        _good(data, name)
    (data / ".store").mkdir()
    assert district_ids(data) == ["a1", "b2", "c3"]
    results = {r.district: r for r in ingest_many(data, ["a1", "b2", "c3"], jobs=2)}
    assert all(r.ok and r.rows["cases"] == 2 for r in results.values())
