"""Warm kernels for batch rendering: each bulletin gets a fresh kernel forked from a pre-imported zygote.

A fresh `ipykernel` costs about 4 CPU-seconds before the first cell (interpreter, imports, font). A
batch worker instead starts one zygote (`bulletin.run.zygote`) that pays that once; every bulletin's
kernel is a fork of it, so kernels start in a fraction of a second and still share nothing: a
notebook's globals, rcParams and monkey-patches die with its kernel.

`ForkKernelManager` is a jupyter_client kernel manager (papermill takes it as `kernel_manager_class`)
whose provisioner asks the zygote for the process instead of spawning one. Every kernel of ours, forked
or fresh (`IpcKernelManager`), talks over IPC sockets in a private folder, not TCP ports, so parallel
processes cannot race for the same port.

Where fork is not available, `bulletin.run.prestart` gives kernels started ahead instead (same bytes).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from bulletin.errors import RenderError

ZYGOTE_START_TIMEOUT = 120.0  # seconds; imports on a cold disk can be slow


class Zygote:
    """This process's zygote: started on first use, stopped at exit."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self.lock = threading.Lock()

    def start(self) -> str:
        """The zygote's socket, starting (or restarting) the zygote when it is not running."""
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self._start()
            return str(self.folder / "zygote.sock")

    def _start(self) -> None:
        self.stop()
        self.folder = Path(tempfile.mkdtemp(prefix="bulletin-zygote-"))
        path = self.folder / "zygote.sock"
        log = open(self.folder / "zygote.log", "wb")  # noqa: SIM115 - the child keeps it
        command = [sys.executable, "-m", "bulletin.run.zygote", str(path), str(os.getpid())]  # it dies with us
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.folder)
        log.close()
        deadline = time.monotonic() + ZYGOTE_START_TIMEOUT
        while not path.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.folder / "zygote.log").read_text(encoding="utf-8", errors="replace")[-2000:]
                self.stop()
                raise RenderError(f"预热内核进程启动失败:{tail.strip() or '无输出'}")
            time.sleep(0.02)
        atexit.register(self.stop)

    def stop(self) -> None:
        """End the zygote (its kernels die with it) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


ZYGOTE = Zygote()
_live = threading.local()  # the kernels started by this thread, for the batch's per-bulletin timeout


def live_kernels() -> set[ForkedProcess]:
    """The forked kernels this thread started that are still running."""
    if not hasattr(_live, "kernels"):
        _live.kernels = set()
    return _live.kernels


class ForkedProcess:
    """A kernel forked by the zygote, with the part of the Popen interface jupyter_client uses."""

    stdin = stdout = stderr = None

    def __init__(self, argv: list[str], cwd: str | None, env: dict[str, str]):
        self.conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.conn.connect(ZYGOTE.start())
        self.conn.sendall((json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n").encode())
        self.buffer = b""
        line = self._line(timeout=ZYGOTE_START_TIMEOUT)
        if line is None:
            raise RenderError("预热内核进程未响应。")
        self.pid = int(line)
        self.returncode: int | None = None
        live_kernels().add(self)

    def _line(self, timeout: float | None) -> str | None:
        """The next line the zygote sends ('' once it hung up), None if nothing came within timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            wait = None if end is None else max(0.0, end - time.monotonic())
            if not select.select([self.conn], [], [], wait)[0]:
                return None
            chunk = self.conn.recv(64)
            if not chunk:
                return ""
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def _finish(self, line: str) -> int:
        self.returncode = int(line) if line else -signal.SIGKILL  # no code: the zygote itself is gone
        self.conn.close()
        live_kernels().discard(self)
        return self.returncode

    def poll(self) -> int | None:
        """The exit code, or None while the kernel runs."""
        if self.returncode is None:
            line = self._line(timeout=0)
            if line is not None:
                self._finish(line)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end; its exit code."""
        if self.returncode is None:
            line = self._line(timeout)
            if line is None:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._finish(line)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel (nothing once it has ended)."""
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernel process is forked by the zygote instead of spawned."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Fork the kernel; the connection file was written by pre_launch as usual."""
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd") or os.getcwd()  # papermill runs the kernel in its cwd by changing into it
        self.process = ForkedProcess(list(cmd), str(cwd) if cwd else None, env)
        self.pid = self.pgid = self.process.pid  # the child calls setsid: its own process group
        self.cwd = cwd or Path.cwd()
        await self._sockets_bound()
        return self.connection_info

    async def _sockets_bound(self) -> None:
        """Wait until the kernel has bound its IPC sockets: a client connecting before that would only retry
        after ZeroMQ's reconnect interval (100 ms)."""
        info = self.connection_info
        if info.get("transport") != "ipc":
            return
        paths = [Path(f"{info['ip']}-{info[f'{name}_port']}") for name in ("shell", "iopub", "stdin", "control", "hb")]
        deadline = time.monotonic() + 30
        while not all(p.exists() for p in paths) and self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    async def wait(self) -> int | None:
        """Wait for the kernel to end, polling every 5 ms (LocalProvisioner polls every 100 ms)."""
        if self.process is None:
            return 0
        while self.process.poll() is None:
            await asyncio.sleep(0.005)
        code = self.process.returncode
        self.process = None
        return code


_IPC_DIR: Path | None = None


def _ipc_dir() -> Path:
    global _IPC_DIR
    if _IPC_DIR is None:
        _IPC_DIR = Path(tempfile.mkdtemp(prefix="bulletin-ipc-"))
        atexit.register(shutil.rmtree, _IPC_DIR, True)
    return _IPC_DIR


class ForkKernelClient(AsyncKernelClient):
    """A kernel client that checks readiness in steps of tens of milliseconds, not 0.2 s (forked kernels are up in
    ~0.1 s). Ready still means what jupyter_client means: a kernel_info reply and a message seen on IOPub."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else 60.0)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=0.05)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)  # IOPub subscribed: no output will be lost
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # drop the start-up messages still on IOPub
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready  # AsyncKernelClient binds the base class's function under this name


class IpcKernelManager(AsyncKernelManager):
    """Kernel manager whose kernel talks over IPC sockets in a private folder: unlike TCP ports picked by each
    process on its own, two kernels started at once by different processes can never collide."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        if os.name != "nt":  # ZeroMQ has no ipc transport on Windows: TCP on localhost there
            self.transport = "ipc"
            self.ip = str(_ipc_dir() / uuid.uuid4().hex[:12])
            self.cache_ports = False


class ForkKernelManager(IpcKernelManager):
    """Kernel manager for papermill (`kernel_manager_class=`): kernels forked from the zygote, on IPC sockets."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.client_factory = ForkKernelClient

    async def _async_wait(self, pollinterval: float = 0.005) -> None:
        """Wait for the kernel to end, polling every 5 ms instead of 100 ms (a killed fork ends at once)."""
        await super()._async_wait(pollinterval=pollinterval)

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def kill_kernels(kernels: set[ForkedProcess]) -> int:
    """SIGKILL the kernels of a set from `live_kernels()` that still run (a bulletin over its time); how many."""
    victims = list(kernels)
    for kernel in victims:
        kernel.kill()
    return len(victims)
