"""A regional bulletin whose render fails is recorded in outputs/.manifest.json and marked on the index, like a district's."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import ROOT, make_project

from bulletin.errors import RenderError
from bulletin.run.manifest import Manifest

KEY = "regions/shili/2024-06/monthly"


def _region_outputs(out: Path, exist_ok: bool = False) -> Path:
    folder = out / "regions" / "shili" / "2024-06"
    folder.mkdir(parents=True, exist_ok=exist_ok)
    (folder / "monthly.json").write_text(json.dumps({"region_name": "示例市", "period_label": "2024年6月",
                                                     "members": []}), encoding="utf-8")
    (folder / "monthly.html").write_text("<html></html>", encoding="utf-8")
    return folder


def test_index_marks_a_failed_region_with_no_earlier_version(tmp_path: Path):
    """A failure recorded for a region never rendered shows as 生成失败 with the reason, without a link."""
    from bulletin.run.index_page import render_index

    manifest = Manifest.load(tmp_path)
    manifest.record_failure(KEY, "笔记本第3格出错")
    manifest.save()
    page = render_index(tmp_path)
    assert "地区通报" in page and "生成失败" in page and 'title="笔记本第3格出错"' in page
    assert "regions/shili/2024-06/monthly.html" not in page


def test_index_keeps_the_earlier_region_version_after_a_failed_update(tmp_path: Path):
    """A failed update of a rendered region keeps its link and says the page is the previous version."""
    from bulletin.run.index_page import render_index

    _region_outputs(tmp_path)
    assert "已生成" in render_index(tmp_path)
    manifest = Manifest.load(tmp_path)
    manifest.record_failure(KEY, "超时")
    manifest.save()
    page = render_index(tmp_path)
    assert "最近一次更新失败,仍为上次的版本" in page and 'href="regions/shili/2024-06/monthly.html"' in page


def test_district_rows_ignore_region_failures(tmp_path: Path):
    """A region's failure key (four parts) never appears as a district row."""
    from bulletin.run.index_page import collect, collect_regions

    manifest = Manifest.load(tmp_path)
    manifest.record_failure(KEY, "出错")
    manifest.save()
    assert collect(tmp_path) == [] and [e["region"] for e in collect_regions(tmp_path)] == ["shili"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("regionfail"), ["yunhe", "tongshan", "lanxi"], "2024-05", "2024-06",
                        0.005)


def test_batch_records_a_failed_region_and_clears_it_once_rendered(project: Path, tmp_path: Path, monkeypatch):
    """render_regions records a region that fails in the manifest (the index marks it); a later success clears it."""
    import bulletin.run.runner as runner
    from bulletin.run.regional import render_regions

    def fail(*args, **kwargs):
        raise RenderError("地区通报笔记本执行出错")

    monkeypatch.setattr(runner, "run_region", fail)
    out = tmp_path / "outputs"
    dirs = {"data_dir": project / "data", "params_dir": project / "params", "out_dir": out,
            "notebooks_dir": ROOT / "notebooks"}
    outcomes = render_regions(("shili",), ("2024-06",), ("monthly",), **dirs, echo=lambda *_: None)
    assert [o.ok for o in outcomes] == [False]
    assert Manifest.load(out).failures() == {KEY: "地区通报笔记本执行出错"}

    class Done:
        digests = {"monthly.json": "0" * 64}

    monkeypatch.setattr(runner, "run_region", lambda *a, **k: Done())
    render_regions(("shili",), ("2024-06",), ("monthly",), **dirs, echo=lambda *_: None)
    assert Manifest.load(out).failures() == {}


def test_a_regional_wording_override_makes_the_region_render_again(project: Path, tmp_path: Path, monkeypatch):
    """Adding params/wording/regional/<name>.j2 changes the region's inputs, so the batch renders it again."""
    import bulletin.run.runner as runner
    from bulletin.run.regional import render_regions

    out = tmp_path / "outputs"

    class Done:
        digests = {"monthly.json": hashlib.sha256(b"{}").hexdigest()}

    def render(*args, **kwargs):
        calls.append(args)
        _region_outputs(out, exist_ok=True).joinpath("monthly.json").write_bytes(b"{}")
        return Done()

    calls = []
    monkeypatch.setattr(runner, "run_region", render)
    dirs = {"data_dir": project / "data", "params_dir": project / "params", "out_dir": out,
            "notebooks_dir": ROOT / "notebooks"}
    render_regions(("shili",), ("2024-06",), ("monthly",), **dirs, echo=lambda *_: None)
    render_regions(("shili",), ("2024-06",), ("monthly",), **dirs, echo=lambda *_: None)
    assert len(calls) == 1  # nothing changed: skipped
    override = project / "params" / "wording" / "regional" / "named.j2"
    override.parent.mkdir(parents=True)
    try:
        override.write_text("{{ named.reason }}", encoding="utf-8")
        render_regions(("shili",), ("2024-06",), ("monthly",), **dirs, echo=lambda *_: None)
    finally:
        override.unlink()
    assert len(calls) == 2
