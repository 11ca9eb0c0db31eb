"""Every rendered page opens in headless Chromium with the network blocked: no request, no console error,
charts decoded, Chinese text shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import chromium, load_offline, pages_of
from conftest import BROKEN_DISTRICT, TRUST_DISTRICTS, TRUST_PERIODS

HAN = range(0x4E00, 0xA000)


@pytest.fixture(scope="module")
def loads(trust_project: Path) -> dict[str, object]:
    """Each page of the rendered project (relative path -> PageLoad), opened once."""
    out = trust_project / "outputs"
    with chromium() as browser:
        return {p.relative_to(out).as_posix(): load_offline(browser, p) for p in pages_of(out)}


@pytest.mark.slow
def test_every_page_is_checked(loads: dict):
    """Each kind's page of each district, the index and the validation reports are among the pages loaded."""
    expected = {f"{d}/{p}/{k}.html" for d in TRUST_DISTRICTS for k, p in TRUST_PERIODS.items()} | {"index.html"}
    expected |= {f"{d}/validation.html" for d in (*TRUST_DISTRICTS, BROKEN_DISTRICT)}
    assert expected <= set(loads)


@pytest.mark.slow
def test_no_network_request(loads: dict):
    """Loading any page asks the network for nothing (fonts, scripts, styles and images are all inline)."""
    assert {name: load.requests for name, load in loads.items() if load.requests} == {}


@pytest.mark.slow
def test_no_console_or_script_error(loads: dict):
    """No page logs a console error or throws, and none opens a dialog."""
    bad = {name: load.console_errors + load.page_errors + load.dialogs for name, load in loads.items()
           if load.console_errors or load.page_errors or load.dialogs}
    assert bad == {}


@pytest.mark.slow
def test_charts_decode_with_size(loads: dict):
    """Every chart image decodes to a non-empty bitmap; bulletins have charts (half-year analysis at least 4)."""
    for name, load in loads.items():
        broken = [img for img in load.images if not (img["decoded"] and img["width"] > 0 and img["height"] > 0)]
        assert not broken, name
        assert all(img["src"].startswith("data:image/png;base64,") for img in load.images), name
        if name.endswith("half_year.html"):
            assert len(load.images) >= 4, name
        elif name != "index.html" and not name.endswith("validation.html"):
            assert load.images, name


@pytest.mark.slow
def test_chinese_text_is_shown(loads: dict):
    """Each page shows Chinese text: the bulletin's headings or the index title."""
    for name, load in loads.items():
        han = sum(1 for ch in load.text if ord(ch) in HAN)
        assert han > 20, name
        assert ("政务服务" in load.text) or ("校验" in load.text), name
        if name != "index.html" and not name.endswith("validation.html"):
            assert "示例数据" in load.text and "一、" in load.text, name


@pytest.mark.slow
def test_checker_sees_what_it_must_refuse(tmp_path: Path):
    """The browser check itself catches a remote image, a stylesheet, a console error and script that runs."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '</head><body><p>中文</p><img src="http://example.com/x.png"><script>window.__pwned=1;console.error("boom")</script>'
        "</body></html>", encoding="utf-8")
    with chromium() as browser:
        load = load_offline(browser, page)
    assert any("cdn.example.com" in url for url in load.requests)
    assert any("example.com/x.png" in url for url in load.requests)
    assert any("boom" in text for text in load.console_errors)
    assert load.pwned == "1"
    assert [img["decoded"] for img in load.images] == [False]


def test_missing_browser_fails_under_ci(monkeypatch):
    """Without chromium the browser tests skip on a workstation but fail under CI=true, where set-up must install it."""
    import browser

    monkeypatch.setattr(browser, "chromium_path", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI 环境中必须有浏览器"):
        browser.require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="未安装 chromium"):
        browser.require_chromium()


@pytest.mark.slow
def test_validation_report_shows_bad_values_as_text(loads: dict):
    """A validation page lists the bad cells' values as literal text; a value that is markup does not run."""
    load = loads[f"{BROKEN_DISTRICT}/validation.html"]
    assert "<script>window.__pwned=1</script>" in load.text and "2024年13月45日" in load.text
    assert load.pwned is None and load.scripts == 0 and not load.handlers


@pytest.mark.slow
def test_index_links_each_validation_report(loads: dict):
    """The index links every district's validation report page."""
    links = loads["index.html"].links
    for district in (*TRUST_DISTRICTS, BROKEN_DISTRICT):
        assert any(link.endswith(f"{district}/validation.html") for link in links), links
