"""`bulletin preview` as an analyst meets it: a local page that follows every save, errors shown in Chinese."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from conftest import ROOT, make_project

SENTENCE = "预览测试句子:本月受理{{ cases.received|count }}。"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


def _poll(url: str, check, what: str, timeout: float = 240) -> str:
    """The page once check(page) holds; fails naming what was awaited (no timing is asserted)."""
    end, page = time.monotonic() + timeout, ""
    while time.monotonic() < end:
        try:
            page = _get(url)
        except OSError:
            page = ""
        if check(page):
            return page
        time.sleep(0.2)
    raise AssertionError(f"preview never showed {what}; last page:\n{page[:2000]}")


def _set_prose(notebook: Path, text: str | None) -> None:
    """Put (or replace) one Markdown cell after the title cell, as an analyst saving in JupyterLab does."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and "预览测试" in c.source)]
    if text is not None:
        at = next(i for i, c in enumerate(nb.cells) if "b.title_block()" in c.source) + 1
        nb.cells.insert(at, nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, notebook)


def test_watcher_follows_only_this_bulletins_inputs(tmp_path: Path):
    """The kind's notebook and .py, the district's params and wording and its exports trigger; others do not."""
    from bulletin.run.preview import Renderer, Watcher

    r = Renderer("yunhe", "2024-06", "monthly", tmp_path / "data", tmp_path / "params", tmp_path / "notebooks")
    try:
        w = Watcher(r)
        p, d, n = r.params_dir, r.data_dir, r.notebooks_dir
        for path in (n / "monthly.ipynb", n / "monthly.py", p / "districts" / "yunhe.yaml", p / "calendar.yaml",
                     p / "wording" / "monthly" / "overview.j2", p / "wording" / "yunhe" / "monthly" / "overview.j2",
                     d / "yunhe" / "cases.csv"):
            assert w.relevant(path), path
        for path in (n / "quarterly.ipynb", p / "districts" / "lanxi.yaml", p / "wording" / "lanxi" / "monthly" / "a.j2",
                     d / "lanxi" / "cases.csv", d / ".store" / "yunhe" / "x.parquet"):
            assert not w.relevant(path), path
        assert w.touches_data(d / "yunhe" / "cases.csv") and w.touches_data(p / "districts" / "yunhe.yaml")
        assert not w.touches_data(p / "wording" / "monthly" / "overview.j2") and not w.touches_data(n / "monthly.ipynb")
    finally:
        r.stop()


def test_preview_reads_the_paired_script_when_saved_later(tmp_path: Path):
    """An edit saved to notebooks/<kind>.py (jupytext) is what the preview runs when it is newer than the .ipynb."""
    from bulletin.run.preview import Renderer

    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "monthly.ipynb").write_bytes((ROOT / "notebooks" / "monthly.ipynb").read_bytes())
    script = (ROOT / "notebooks" / "monthly.py").read_text(encoding="utf-8") + "\n# %%\nb.prose('脚本里的新段落')\n"
    (folder / "monthly.py").write_text(script, encoding="utf-8")
    os.utime(folder / "monthly.ipynb", ns=(1, 1))
    r = Renderer("yunhe", "2024-06", "monthly", tmp_path, tmp_path, folder)
    try:
        assert "脚本里的新段落" in r.notebook().cells[-1].source
        os.utime(folder / "monthly.py", ns=(0, 0))
        assert "脚本里的新段落" not in r.notebook().cells[-1].source
    finally:
        r.stop()


def test_error_page_escapes_the_message():
    """A message quoting a template is shown as text, never as markup."""
    from bulletin.run.preview import error_page

    page = error_page("第3个单元 第1行:<script>x</script>", "")
    assert "&lt;script&gt;" in page and "<script>x" not in page and "通报预览生成失败" in page


@pytest.mark.slow
def test_preview_follows_edits_shows_errors_and_stops_cleanly(tmp_path: Path):
    """Start on a free port, GET the page, save a new sentence, break it, fix it, Ctrl-C: nothing left running."""
    root = make_project(tmp_path, ["yunhe"], "2023-06", "2024-06", 0.02)
    (root / "notebooks").mkdir()
    notebook = root / "notebooks" / "monthly.ipynb"
    notebook.write_bytes((ROOT / "notebooks" / "monthly.ipynb").read_bytes())
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "bulletin.cli", "preview", "--district", "yunhe", "--period",
                             "2024-06", "--kind", "monthly", "--port", str(port), "--data-dir", "data", "--params-dir",
                             "params", "--notebooks-dir", "notebooks"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = _poll(url, lambda p: "一、总体运行情况" in p, "the bulletin")
        assert "<title>云河区2024年6月政务服务工作月通报</title>" in page and "/version" in page
        assert not list((root / "outputs").glob("yunhe/2024-06/*")), "the preview wrote into outputs/"

        _set_prose(notebook, SENTENCE)
        page = _poll(url, lambda p: "预览测试句子" in p, "the new sentence")
        assert re.search(r"<p>预览测试句子:本月受理\d+件。</p>", page)

        _set_prose(notebook, "预览测试\n{{ cases.received|count }")
        page = _poll(url, lambda p: "通报预览生成失败" in p, "the error page")
        assert "monthly.ipynb" in page and "单元" in page and "第2行" in page

        _set_prose(notebook, SENTENCE.replace("句子", "句子二"))
        _poll(url, lambda p: "预览测试句子二" in p and "通报预览生成失败" not in p, "the page back")

        departments = root / "data" / "yunhe" / "departments.csv"
        good = departments.read_bytes()
        departments.write_bytes(good + good.splitlines(keepends=True)[1])  # a department twice: the export is wrong
        page = _poll(url, lambda p: "通报预览生成失败" in p, "the data error")
        assert "departments.csv" in page
        departments.write_bytes(good)
        _poll(url, lambda p: "预览测试句子二" in p and "通报预览生成失败" not in p, "the page after the data is fixed")

        family = psutil.Process(proc.pid).children(recursive=True)
        assert family, "no kernel or zygote was started"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "预览已停止" in out and "Traceback" not in out
        gone, alive = psutil.wait_procs(family, timeout=10)
        assert not alive, [p.cmdline() for p in alive]
        with pytest.raises(OSError):
            _get(url)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_preview_follows_a_wording_override(tmp_path: Path):
    """Saving params/wording/<district>/monthly/overview.j2 changes the served sentence; a broken one names its line."""
    pytest.importorskip("bulletin.document.wording", reason="the wording engine (issue 18 item 1) is not merged yet")
    root = make_project(tmp_path, ["yunhe"], "2023-06", "2024-06", 0.02)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "monthly.ipynb").write_bytes((ROOT / "notebooks" / "monthly.ipynb").read_bytes())
    override = root / "params" / "wording" / "yunhe" / "monthly" / "overview.j2"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "bulletin.cli", "preview", "--district", "yunhe", "--period",
                             "2024-06", "--port", str(port)], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _poll(url, lambda p: "一、总体运行情况" in p, "the bulletin")
        override.parent.mkdir(parents=True)
        override.write_text("措辞覆盖测试:本月受理{{ cases.received|count }}。\n", encoding="utf-8")
        _poll(url, lambda p: "措辞覆盖测试" in p, "the overridden sentence")
        override.write_text("措辞覆盖测试\n{{ cases.received|count }\n", encoding="utf-8")
        page = _poll(url, lambda p: "通报预览生成失败" in p, "the error page")
        assert "overview.j2" in page and "第2行" in page
        override.write_text("措辞覆盖测试二。\n", encoding="utf-8")
        _poll(url, lambda p: "措辞覆盖测试二" in p and "通报预览生成失败" not in p, "the page back")
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_port_in_use_is_a_chinese_message(tmp_path: Path):
    """A taken port stops `bulletin preview` at once with exit 1 and a Chinese message, no traceback, no kernel."""
    from typer.testing import CliRunner

    from bulletin.cli import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["preview", "--district", "yunhe", "--period", "2024-06", "--port", str(port),
                                          "--params-dir", str(tmp_path), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "端口" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_each_render_starts_from_empty_globals(tmp_path: Path):
    """The kernel kept between renders forgets the last render's globals: a name defined only then is an error now."""
    import asyncio

    from bulletin.run.kernels import ZYGOTE
    from bulletin.run.preview import Renderer

    root = make_project(tmp_path, ["yunhe"], "2023-06", "2024-06", 0.02)
    (root / "notebooks").mkdir()
    notebook = root / "notebooks" / "monthly.ipynb"
    nb = nbformat.read(ROOT / "notebooks" / "monthly.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("leftover = 1"))
    nbformat.write(nb, notebook)
    r = Renderer("yunhe", "2024-06", "monthly", root / "data", root / "params", root / "notebooks")
    asyncio.set_event_loop(r.loop)
    try:
        assert "一、总体运行情况" in r.render()
        nb.cells[-1].source = "print(leftover)"
        nbformat.write(nb, notebook)
        with pytest.raises(Exception, match="NameError"):
            r.render(False)
    finally:
        r.stop()
        ZYGOTE.stop()
        asyncio.set_event_loop(None)
