"""A zygote of bulletin kernels: one process pays the imports once, then forks a fresh kernel per bulletin.

Started by `bulletin.run.kernels` as `python -m bulletin.run.zygote SOCKET`. It imports everything a bulletin
notebook uses (ipykernel, pandas, matplotlib, seaborn, the CJK font, this package), then serves
requests on a Unix socket: each request is a kernel command line, and the answer is the pid of a
forked child that runs that kernel. The connection stays open while the child lives and carries
its exit code when it ends, so the requesting side can poll, wait and signal it like a Popen.

Every kernel is a fork of the same untouched, pre-imported process: whatever a notebook changes
(globals, rcParams, monkey-patches) dies with its kernel and never reaches the next bulletin.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import shutil
import signal
import socket
import sys

_PR_SET_PDEATHSIG = 1


def preload() -> None:
    """Import what every bulletin kernel needs, and load the CJK font once, before any fork."""
    import ipykernel.debugger  # noqa: F401 - imports debugpy: 50 ms a kernel otherwise
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    import seaborn  # noqa: F401

    from bulletin.data import store  # noqa: F401
    from bulletin.document import builder, charts, narrative  # noqa: F401
    from bulletin.figures import compute  # noqa: F401

    charts.apply_style()  # registers the font files and reads their metadata
    fig = charts.month_bars(["2024-01"], {"受理": [1]})
    charts.png_bytes(fig)  # first draw: glyph cache, PNG writer
    charts.matplotlib.rcdefaults()

    from bulletin.document import wording

    wording.warm()  # the sentence templates, checked and compiled once for every kernel forked from here


def _child(request: dict, listener: socket.socket, others: list[socket.socket]) -> None:
    """In the forked child: become the kernel the request describes; never returns."""
    code = 1
    try:
        listener.close()
        for conn in others:
            conn.close()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupts reach the kernel, as usual
        os.setsid()  # its own process group, as jupyter_client's launcher does, so signals reach only it
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote gone (batch killed): the kernel goes too
        if os.getppid() == 1:
            os._exit(1)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.chdir(request.get("cwd") or os.getcwd())
        os.environ.clear()
        os.environ.update(request.get("env") or {})
        argv = list(request["argv"])
        if "ipykernel_launcher" not in argv:
            os.execv(argv[0], argv)  # not an ipykernel command: run it as given
        from ipykernel.kernelapp import IPKernelApp

        args = argv[argv.index("ipykernel_launcher") + 1:]
        sys.argv = [argv[0], *args]
        app = IPKernelApp.instance()
        app.initialize(args)
        app.start()
        code = 0
    except BaseException:  # noqa: BLE001 - a child must never fall back into the zygote's loop
        code = 1
    finally:
        os._exit(code)


def _read_request(conn: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("request cut short")
        data += chunk
    return json.loads(data)


def serve(path: str) -> None:
    """Accept kernel requests on the Unix socket at path until the parent process is gone."""
    parent = os.getppid()
    preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(64)
    os.rename(path + ".tmp", path)  # the socket appears only once the imports are done
    children: dict[int, socket.socket] = {}
    try:
        while os.getppid() == parent:
            readable, _, _ = select.select([listener, *children.values()], [], [], 0.05)
            for ready in readable:
                if ready is listener:
                    conn, _ = listener.accept()
                    try:
                        request = _read_request(conn)
                    except (OSError, ValueError):
                        conn.close()
                        continue
                    pid = os.fork()
                    if pid == 0:
                        _child(request, listener, [c for c in children.values()] + [conn])
                    children[pid] = conn
                    conn.sendall(f"{pid}\n".encode())
                else:  # the requester hung up (it died or gave the kernel up): the kernel goes too
                    if not ready.recv(1):
                        pid = next(p for p, c in children.items() if c is ready)
                        _kill(pid)
            _reap(children)
    finally:
        for pid in list(children):
            _kill(pid)
        listener.close()
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)  # its folder, also when the worker was killed


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(children: dict[int, socket.socket]) -> None:
    """Tell each requester whose kernel ended its exit code, then close its connection."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is not None:
            try:
                conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
            except OSError:
                pass
            conn.close()


def die_with_parent(parent: int) -> None:
    """Be killed by the kernel when the worker that started this zygote dies (even while still importing)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the batch; the zygote ends with its parent
    if len(sys.argv) > 2:
        die_with_parent(int(sys.argv[2]))
    serve(sys.argv[1])
