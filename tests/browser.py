"""Loading rendered pages in a real headless Chromium (Debian's package, driven by Playwright) with the network blocked."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

# Without the background-networking flags Chromium tries (refused) connections of its own on start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's chromium binary, if installed."""
    for candidate in (os.environ.get("BULLETIN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def require_chromium() -> str:
    """The chromium binary; skip (or fail under CI=true, where the set-up must have installed it) if absent."""
    path = chromium_path()
    if path is None:
        reason = "未安装 chromium(make setup 以 root 运行时会通过 apt-get 安装;或手动 apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI 环境中必须有浏览器:{reason}")
        pytest.skip(reason)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("缺少 playwright(pip install -c constraints.txt -e '.[dev]')")
    return path


@dataclass
class PageLoad:
    """What happened when a page was opened offline."""

    url: str
    requests: list[str] = field(default_factory=list)  # every request except the page itself and data: URIs
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)  # per <img>: decoded, naturalWidth, naturalHeight, src prefix
    text: str = ""
    pwned: object = None  # window.__pwned after load (a hostile string that ran as script sets it)
    html: str = ""  # the live DOM, serialized
    scripts: int = 0  # <script> elements in the DOM
    handlers: list[str] = field(default_factory=list)  # on* event-handler attributes on any element
    links: list[str] = field(default_factory=list)  # href of every <a>


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright `Browser`), closed on exit."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_IMAGES_JS = """async () => Promise.all(Array.from(document.images).map(async (img) => {
  let decoded = true;
  try { await img.decode(); } catch (e) { decoded = false; }
  return {decoded, width: img.naturalWidth, height: img.naturalHeight, src: img.getAttribute('src').slice(0, 30)};
}))"""


_DOM_JS = """() => ({
  scripts: document.scripts.length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)
      .filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
})"""


def load_offline(browser, path: Path) -> PageLoad:
    """Open a local HTML file with every network request refused and recorded; what loaded, ran and failed."""
    url = Path(path).resolve().as_uri()
    result = PageLoad(url)
    context = browser.new_context(offline=True, java_script_enabled=True)
    try:
        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda req: None if req.url in (url,) or req.url.startswith("data:") else result.requests.append(req.url))
        page.on("console", lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
        page.on("dialog", lambda dialog: (result.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        result.images = page.evaluate(_IMAGES_JS)
        result.text = page.evaluate("document.body ? document.body.innerText : ''")
        result.pwned = page.evaluate("window.__pwned === undefined ? null : String(window.__pwned)")
        result.html = page.content()
        dom = page.evaluate(_DOM_JS)
        result.scripts, result.handlers, result.links = dom["scripts"], dom["handlers"], dom["links"]
    finally:
        context.close()
    return result


def pages_of(out_dir: Path) -> list[Path]:
    """Every page a reader may open: each bulletin, the index, and each district's validation report if present."""
    out_dir = Path(out_dir)
    pages = sorted(out_dir.glob("*/*/*.html")) + [out_dir / "index.html"]
    pages += sorted(out_dir.glob("*/validation.html"))
    return [p for p in pages if p.is_file()]
