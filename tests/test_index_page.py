"""outputs/index.html from its template: rows from the bulletins' JSON, failures from the manifest's reader, all escaped."""

from __future__ import annotations

import json
from pathlib import Path

from bulletin.run.index_page import render_index
from bulletin.run.manifest import Manifest

HOSTILE = "<script>alert(1)</script>"


def _bulletin(out: Path, district: str, period: str, kind: str, figures: dict) -> None:
    folder = out / district / period
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{kind}.json").write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    (folder / f"{kind}.html").write_text("<html></html>", encoding="utf-8")


def _failed(out: Path, key: str, message: str) -> None:
    manifest = Manifest.load(out)
    manifest.record_failure(key, message)
    manifest.save()


def test_rows_show_name_period_kind_link_status_and_figures(tmp_path: Path):
    """A rendered bulletin is one row: district name (示例数据), period, kind, linked title, 已生成, key figures."""
    _bulletin(tmp_path, "yunhe", "2024-06", "monthly", {"district_name": "云河区", "period": "2024-06", "demo": True,
                                                        "period_label": "2024年6月",
                                                        "cases": {"received": 1234, "completion_rate": 0.9876}})
    page = render_index(tmp_path)
    assert ('<tr><td>云河区(示例数据)</td><td>2024年6月</td><td>月通报</td><td><a href="yunhe/2024-06/monthly.html">'
            "云河区政务服务工作月通报(2024年6月)</a></td><td>已生成</td><td>受理1234件;办结率98.76%</td></tr>") in page


def test_failed_bulletins_are_marked_with_their_reason(tmp_path: Path):
    """A failure in the manifest marks the row (the earlier version kept, or 生成失败) with its last line on hover."""
    _bulletin(tmp_path, "yunhe", "2024-06", "monthly", {"district_name": "云河区", "period": "2024-06"})
    _failed(tmp_path, "yunhe/2024-06/monthly", "Traceback\n单元格故障")
    _failed(tmp_path, "yunhe/2024-Q2/quarterly", "超过单份时限8秒")
    assert Manifest.load(tmp_path).failures() == {"yunhe/2024-06/monthly": "Traceback\n单元格故障",
                                                  "yunhe/2024-Q2/quarterly": "超过单份时限8秒"}
    page = render_index(tmp_path)
    assert '<span class="failed" title="单元格故障">最近一次更新失败,仍为上次的版本</span>' in page
    assert '<span class="failed" title="超过单份时限8秒">生成失败</span>' in page


def test_data_derived_text_is_escaped_and_nothing_is_remote(tmp_path: Path):
    """A hostile district name or failure message is shown as text; the page loads nothing from elsewhere."""
    _bulletin(tmp_path, "d1", "2024-06", "monthly", {"district_name": HOSTILE, "period": "2024-06"})
    _failed(tmp_path, "d1/2024-06/monthly", f'"{HOSTILE}')
    (tmp_path / "d1" / "validation.html").write_text("", encoding="utf-8")
    page = render_index(tmp_path)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page
    assert '<a href="d1/validation.html">&lt;script&gt;' in page


def test_empty_or_broken_manifest_gives_a_page(tmp_path: Path):
    """No bulletins and an unreadable manifest still give a page that says none was made."""
    (tmp_path / ".manifest.json").write_text('{"version": 1, "bulletins": ["not", "a", "dict"]}', encoding="utf-8")
    assert "尚未生成任何通报。" in render_index(tmp_path)
