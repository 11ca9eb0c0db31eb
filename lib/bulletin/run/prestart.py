"""Warm kernels where fork is not available (Windows; macOS, where forking a process that has imported these
libraries is unsafe), or where `BULLETIN_NO_FORK=1` asks for it: kernels started the standard way, one started
ahead per process while the current bulletin runs, so the next bulletin finds its kernel already up.

`warm_kernel_manager_class()` chooses between these and the forked kernels of `bulletin.run.kernels`; either way
each bulletin gets a fresh kernel and the same bytes.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.launcher import launch_kernel
from jupyter_client.provisioning import LocalProvisioner

from bulletin.run.kernels import ZYGOTE, ForkKernelManager, IpcKernelManager, live_kernels

NO_FORK_ENV = "BULLETIN_NO_FORK"


def fork_available() -> bool:
    """Whether warm kernels are forked from a zygote: on Linux, unless BULLETIN_NO_FORK is set (to test the fallback)."""
    if os.environ.get(NO_FORK_ENV, "").strip() not in ("", "0"):
        return False
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def warm_kernel_manager_class() -> type[IpcKernelManager]:
    """The kernel manager of warm kernels here: forked from the zygote, or started ahead where fork is unavailable."""
    return ForkKernelManager if fork_available() else PrestartKernelManager


def start_warm_kernels(kernel_name: str, extra_arguments: list[str]) -> None:
    """Worker start-up: the zygote, or (without fork) the first kernel started ahead."""
    if fork_available():
        ZYGOTE.start()
    elif SPARES.empty():
        SPARES.put(asyncio.run(_start_spare(kernel_name, extra_arguments)))


class Spare:
    """A kernel process started ahead, with the connection info it was started with."""

    def __init__(self, process: subprocess.Popen, info: KernelConnectionInfo, signature: tuple, env: dict | None,
                 folder: Path):
        self.process, self.info, self.signature, self.env, self.folder = process, info, signature, env, folder

    def discard(self) -> None:
        """Kill the kernel and remove its folder."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class Spares:
    """This process's kernel started ahead (at most one), killed at exit."""

    def __init__(self) -> None:
        self.spare: Spare | None = None
        self.lock = threading.Lock()
        self.adopted = 0  # kernels that were ready ahead when a bulletin asked (tests check the fallback is warm)
        atexit.register(self.clear)

    def empty(self) -> bool:
        """No kernel waiting."""
        return self.spare is None

    def put(self, spare: Spare) -> None:
        """Keep spare for the next bulletin (replacing any other)."""
        with self.lock:
            old, self.spare = self.spare, spare
        if old is not None:
            old.discard()

    def take(self, signature: tuple, env: dict | None) -> Spare | None:
        """The waiting kernel if it is alive and was started as this one would be (same kernel, arguments and
        environment), else None (a mismatched one is discarded)."""
        with self.lock:
            spare, self.spare = self.spare, None
        if spare is None:
            return None
        if spare.process.poll() is not None or spare.signature != signature or spare.env != env:
            spare.discard()
            return None
        self.adopted += 1
        return spare

    def clear(self) -> None:
        """Kill the waiting kernel."""
        with self.lock:
            spare, self.spare = self.spare, None
        if spare is not None:
            spare.discard()


SPARES = Spares()


async def _start_spare(kernel_name: str, extra_arguments: list[str], cwd: str | None = None) -> Spare:
    """Start a kernel the standard way with its own connection file and sockets, for a later bulletin that runs
    in `cwd` (the project folder; by default the kernel's own folder)."""
    folder = Path(tempfile.mkdtemp(prefix="bulletin-spare-"))
    helper = IpcKernelManager(kernel_name=kernel_name)  # prepares the command, env and connection file as usual
    helper.connection_file = str(folder / "kernel.json")
    cmd, kwargs = await helper._async_pre_start_kernel(extra_arguments=list(extra_arguments), cwd=str(cwd or folder))
    env = dict(kwargs["env"]) if kwargs.get("env") is not None else None  # launch_kernel adds JPY_PARENT_PID to it
    process = launch_kernel(cmd, **LocalProvisioner._scrub_kwargs(kwargs))
    return Spare(process, helper.get_connection_info(), (kernel_name, tuple(extra_arguments), cwd), env, folder)


class PrestartProvisioner(LocalProvisioner):
    """LocalProvisioner that takes the kernel started ahead when there is one, and starts the next one ahead."""

    spare_folder: Path | None = None
    extra_arguments: list[str] = []

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Remember the kernel arguments (a kernel started ahead must have had the same)."""
        self.extra_arguments = list(kwargs.get("extra_arguments") or [])
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Adopt the waiting kernel (its connection info becomes this manager's) or start one; then start the next."""
        name = self.parent.kernel_name
        cwd = str(kwargs.get("cwd") or os.getcwd())  # papermill runs the kernel in its cwd by changing into it
        spare = SPARES.take((name, tuple(self.extra_arguments), cwd), kwargs.get("env"))
        if spare is None:
            info = await super().launch_kernel(cmd, **kwargs)
        else:
            self.process = spare.process
            self.pid = spare.process.pid
            self.pgid = os.getpgid(self.pid) if hasattr(os, "getpgid") else None
            self.cwd = cwd or spare.folder
            self.spare_folder = spare.folder
            self.connection_info = spare.info
            info = spare.info
        self.launched = self.process
        live_kernels().add(self.launched)  # killed with the others when a bulletin runs over its time
        SPARES.put(await _start_spare(name, self.extra_arguments, cwd))
        return info

    async def cleanup(self, restart: bool = False) -> None:
        """Forget the kernel; remove the folder it was started ahead in."""
        await super().cleanup(restart)
        live_kernels().discard(getattr(self, "launched", None))
        if self.spare_folder is not None and not restart:
            shutil.rmtree(self.spare_folder, ignore_errors=True)
            self.spare_folder = None


class PrestartKernelManager(IpcKernelManager):
    """Kernel manager for papermill where fork is unavailable: a fresh kernel per bulletin, started ahead."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = PrestartProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)
