"""`bulletin preview`: one bulletin served on 127.0.0.1, re-rendered whenever its inputs change.

Watched (watchfiles): the kind's notebook and its paired .py, the params folder (the district file, scoring,
calendar, wording templates; other districts' files are ignored) and the district's exports. A render runs
the notebook in one kernel forked from the warm zygote and kept between renders, with the preview cache on
(`document.builder.PREVIEW_CACHE_ENV`): while no export or params file changes, a re-render reuses the tables
and figures, so a wording or notebook edit only re-runs the cells. `bulletin run` always renders in a fresh
kernel; the preview is a draft view and writes nothing under outputs/ (it works in a temporary folder).

The page polls `/version` and reloads itself when a render finished. A failed render shows a Chinese error
page naming the failing cell or template and line; the next good render replaces it.
"""

from __future__ import annotations

import asyncio
import html
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import nbformat

from bulletin.document.builder import PREVIEW_CACHE_ENV
from bulletin.document.html import export_html, page_title
from bulletin.document.prose import figures_of, fill_notebook
from bulletin.errors import BulletinError, DataError

HOST = "127.0.0.1"  # never the network
POLL_MS = 250
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
# Errors raised by this package inside the notebook: their message is written for the analyst as it is.
_USER_ERRORS = {"ConfigError", "ParamError", "DataError", "CalendarError", "BulletinError", "WordingError", "ProseError"}

# The names a fresh kernel has; before each render every other public global is deleted (`%reset -f` would do it
# too but costs ~0.6 s here: it collects garbage and clears the output history).
_REMEMBER = "_bulletin_fresh_names = set(globals())"
_FORGET = ("for _bulletin_name in [n for n in globals() if not n.startswith('_') and n not in _bulletin_fresh_names]:\n"
           "    del globals()[_bulletin_name]")

_RELOAD_SCRIPT = """<script>
(function(){var v=%s;setInterval(function(){fetch('/version',{cache:'no-store'}).then(function(r){return r.text()})
.then(function(t){if(t.trim()!==String(v)){location.reload()}}).catch(function(){})},%d)})();
</script>"""


@dataclass
class Page:
    """What the server shows: the latest render (or its error) and a version that grows with each render."""

    version: int = 0
    html: str = ""
    error: str | None = None
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, body: str | None, error: str | None, seconds: float) -> None:
        """A finished render: the page (kept when the render failed) or the error, and a new version."""
        with self.lock:
            if body is not None:
                self.html = body
            self.error = error
            self.seconds = seconds
            self.version += 1


def error_page(message: str, title: str) -> str:
    """The Chinese error page of a failed render (escaped)."""
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>预览出错:"
            f"{html.escape(title)}</title></head><body style=\"font-family:sans-serif;margin:2em\">"
            "<h1 style=\"color:#b00\">通报预览生成失败</h1>"
            f"<pre class=\"preview-error\" style=\"white-space:pre-wrap;font-size:1.1em\">{html.escape(message)}</pre>"
            "<p>修改并保存后将自动重新生成本页。</p></body></html>")


def _with_reload(page: str, version: int) -> str:
    script = _RELOAD_SCRIPT % (version, POLL_MS)
    return page.replace("</body>", script + "</body>", 1) if "</body>" in page else page + script


class Renderer:
    """Renders one bulletin's page in a kernel kept between renders (forked from the zygote)."""

    def __init__(self, district: str, period: str, kind: str, data_dir: Path, params_dir: Path, notebooks_dir: Path):
        self.district, self.period, self.kind = district, period, kind
        self.data_dir, self.params_dir = Path(data_dir).resolve(), Path(params_dir).resolve()
        self.notebooks_dir = Path(notebooks_dir).resolve()
        self.work = Path(tempfile.mkdtemp(prefix="bulletin-preview-"))
        self.loop = asyncio.new_event_loop()
        self.km = None
        self.kc = None
        self.checked = False

    # --- the kernel ---

    def _start_kernel(self) -> None:
        from bulletin.run.kernels import ForkKernelManager

        os.environ[PREVIEW_CACHE_ENV] = "1"  # the forked kernel inherits it
        self.km = ForkKernelManager(kernel_name="python3")
        self.loop.run_until_complete(self.km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=str(self.work)))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.loop.run_until_complete(self.kc.wait_for_ready(timeout=120))
        self._execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_REMEMBER)]), "预览内核")

    def stop(self) -> None:
        """End the kernel and remove the temporary folder (the zygote is stopped by the caller)."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.loop.run_until_complete(self.km.is_alive()):
                self.loop.run_until_complete(self.km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001 - stopping: the zygote's end kills the kernel anyway
            pass
        self.km = self.kc = None
        shutil.rmtree(self.work, ignore_errors=True)

    def _alive(self) -> bool:
        return self.km is not None and self.loop.run_until_complete(self.km.is_alive())

    # --- one render ---

    def notebook(self) -> nbformat.NotebookNode:
        """The kind's notebook, from its paired .py when that was saved later (jupytext), else the .ipynb."""
        ipynb = self.notebooks_dir / f"{self.kind}.ipynb"
        script = self.notebooks_dir / f"{self.kind}.py"
        if script.exists() and (not ipynb.exists() or script.stat().st_mtime_ns > ipynb.stat().st_mtime_ns):
            import jupytext

            nb = jupytext.read(script)
        elif ipynb.exists():
            nb = nbformat.read(ipynb, as_version=4)
        else:
            raise BulletinError(f"找不到通报模板笔记本 {ipynb}。")
        # What papermill's parameterize expects, as its own notebook loader sets it up.
        nb.metadata.setdefault("papermill", {"default_parameters": {}, "parameters": {}, "environment_variables": {}})
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
        return nb

    def render(self, data_changed: bool = True) -> str:
        """The page of the bulletin (BulletinError with a Chinese message naming the cell when it fails)."""
        from papermill.parameterize import parameterize_notebook

        from bulletin.run.runner import check_inputs, check_parameters

        district, period, kind = check_parameters(self.district, self.period, self.kind, self.params_dir)
        if data_changed or not self.checked:
            self.checked = False
            check_inputs(district, self.data_dir, self.params_dir, self.work / "outputs")
            self.checked = True
        nb = self.notebook()
        name = f"{kind}.ipynb"
        nb = parameterize_notebook(nb, {"district": district, "period": period, "kind": kind,
                                        "data_dir": str(self.data_dir), "params_dir": str(self.params_dir)},
                                   kernel_name="python3", language="python")
        if not self._alive():
            self._start_kernel()
        else:  # the last render's globals go: each render sees only what its own cells define, as in `bulletin run`
            self._execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_FORGET)]), name)
        self._execute(nb, name)
        nb = fill_notebook(nb, f"通报笔记本 {name} ")
        figures = figures_of(nb) or {}
        return export_html(nb, page_title(figures) or name)

    def _execute(self, nb: nbformat.NotebookNode, name: str) -> None:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        client = NotebookClient(nb, km=self.km, kernel_name="python3", timeout=600, allow_errors=False)
        client.kc = self.kc  # this kernel's one client: a client per render would leave its sockets open
        try:
            self.loop.run_until_complete(client.async_execute())
        except CellExecutionError as exc:
            number, source = _failing_cell(nb)
            if exc.ename in _USER_ERRORS:
                raise BulletinError(f"通报笔记本 {name} 第{number}个单元({source}):{exc.evalue}") from None
            raise BulletinError(f"通报笔记本 {name} 第{number}个单元({source})执行出错:{exc.ename}: {exc.evalue}") from None
        except DeadKernelError:
            raise BulletinError(f"通报笔记本 {name} 执行时内核意外退出,将在下次保存时重启内核。") from None


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int, str]:
    """The number (counting every cell, from 1) and first line of the cell whose output is an error."""
    for number, cell in enumerate(nb.cells, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            line = next((s.strip() for s in cell.source.splitlines() if s.strip()), "")
            return number, line if len(line) <= 60 else line[:57] + "..."
    return 0, ""


class Watcher:
    """Which changed paths matter for one bulletin, and whether they touch its data (exports and params)."""

    def __init__(self, renderer: Renderer):
        self.r = renderer

    def roots(self) -> list[Path]:
        """Folders to watch (those that exist)."""
        r = self.r
        return [p for p in (r.notebooks_dir, r.params_dir, r.data_dir / r.district) if p.is_dir()]

    def relevant(self, path: Path) -> bool:
        """True for the kind's notebook or .py, the params that concern the district, and the district's exports."""
        r = self.r
        path = Path(path)
        if path.parent == r.notebooks_dir:
            return path.name in (f"{r.kind}.ipynb", f"{r.kind}.py")
        if _under(path, r.data_dir / r.district):
            return ".ipynb_checkpoints" not in path.parts
        if _under(path, r.params_dir):
            rel = path.relative_to(r.params_dir).parts
            if rel[:1] == ("districts",):
                return path.stem == r.district
            if rel[:1] == ("wording",) and len(rel) >= 3 and rel[1] not in ("monthly", "quarterly", "half_year",
                                                                              "annual"):
                return rel[1] == r.district  # params/wording/<district>/...: only ours
            return True
        return False

    def touches_data(self, path: Path) -> bool:
        """A change that may change the figures or the validation (anything but wording and notebooks)."""
        r = self.r
        path = Path(path)
        if _under(path, r.data_dir / r.district):
            return True
        return _under(path, r.params_dir) and path.relative_to(r.params_dir).parts[:1] != ("wording",)


def _under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


class Preview:
    """The preview of one bulletin: renderer, watcher thread and HTTP server; `serve` blocks until Ctrl-C."""

    def __init__(self, district: str, period: str, kind: str, *, data_dir: Path, params_dir: Path,
                 notebooks_dir: Path, port: int = 0, log: Callable[[str], None] = print):
        self.page = Page()
        self.server = ThreadingHTTPServer((HOST, port), _handler(self.page))  # first: a taken port leaves nothing behind
        self.renderer = Renderer(district, period, kind, data_dir, params_dir, notebooks_dir)
        self.watcher = Watcher(self.renderer)
        self.stop_event = threading.Event()
        self.log = log
        self.server.daemon_threads = True
        self.title = f"{district} {period} {kind}"

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.server.server_address[1]}/"

    def render_once(self, data_changed: bool = True) -> None:
        """Render now and publish the page or the error."""
        started = time.perf_counter()
        try:
            body, error = self.renderer.render(data_changed), None
        except DataError as exc:
            report = exc.report.to_text() if exc.report is not None else ""
            body, error = None, f"{exc}\n\n{report}".strip()
        except BulletinError as exc:
            body, error = None, str(exc)
        except Exception as exc:  # noqa: BLE001 - the preview keeps serving; the analyst sees what broke
            body, error = None, f"预览出错:{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        self.page.set(body, error, seconds)
        if error:
            self.log(f"[预览] 生成失败({seconds:.2f} 秒):{error.splitlines()[0] if error else ''}")
        else:
            self.log(f"[预览] 已更新({seconds:.2f} 秒)")

    def _watch(self) -> None:
        import watchfiles

        asyncio.set_event_loop(self.renderer.loop)  # the kernel client's sockets live on this thread's loop
        self.render_once(True)
        roots = self.watcher.roots()
        for changes in watchfiles.watch(*roots, stop_event=self.stop_event, debounce=30, step=10,
                                        rust_timeout=200, yield_on_timeout=False, raise_interrupt=False):
            paths = [Path(p) for _, p in changes]
            paths = [p for p in paths if self.watcher.relevant(p)]
            if paths and not self.stop_event.is_set():
                self.render_once(any(self.watcher.touches_data(p) for p in paths))

    def serve(self) -> None:
        """Serve until Ctrl-C (KeyboardInterrupt) or `close`; then stop the kernel, the zygote and the server."""
        import signal

        if threading.current_thread() is threading.main_thread():
            # Ctrl-C, and a plain `kill`, stop cleanly even when started in the background (SIGINT ignored there).
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.default_int_handler)
        thread = threading.Thread(target=self._guarded_watch, name="bulletin-preview", daemon=True)
        server = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        server.start()
        thread.start()
        try:
            while not self.stop_event.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
            thread.join(timeout=10)
            server.join(timeout=5)
            if not thread.is_alive():  # else a render is stuck in the kernel: the zygote's end takes it down
                self.renderer.stop()
            from bulletin.run.kernels import ZYGOTE

            ZYGOTE.stop()
            shutil.rmtree(self.renderer.work, ignore_errors=True)

    def _guarded_watch(self) -> None:
        try:
            self._watch()
        except Exception as exc:  # noqa: BLE001
            self.page.set(None, f"预览监视出错:{type(exc).__name__}: {exc}", 0.0)

    def close(self) -> None:
        """Stop watching and serving (serve returns)."""
        self.stop_event.set()
        self.server.shutdown()
        self.server.server_close()


def _handler(page: Page) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """/ the page (or its error, or a waiting page), /version the render count."""

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            with page.lock:
                version, body, error = page.version, page.html, page.error
            if path == "/version":
                self._send(str(version), "text/plain; charset=utf-8")
            elif path in ("/", "/index.html"):
                if error is not None:
                    text = error_page(error, "")
                elif body:
                    text = body
                else:
                    text = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>正在生成</title>"
                            "</head><body><p>正在生成通报预览……</p></body></html>")
                self._send(_with_reload(text, version), "text/html; charset=utf-8")
            else:
                self._send("未找到", "text/plain; charset=utf-8", 404)

        def _send(self, text: str, ctype: str, status: int = 200) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args) -> None:  # noqa: A002 - quiet: the poll would fill the terminal
            pass

    return Handler
