"""Where a batch's work runs: worker processes on this machine (restarted when one dies) or a Dask cluster."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_local
from pathlib import Path

from bulletin.errors import BulletinError
from bulletin.run.batch_work import children_start_quiet, warm_up


class LocalPool:
    """Worker processes on this machine, each with its own warm-kernel zygote; restarted if one dies.

    Each worker marks in `inflight` what it is doing; a worker stopped by the pool removes its mark
    first, so after a crash the marks left behind name the jobs that were running in the dead worker.
    Workers die with this process, however it ends (see batch_work.die_with_parent)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.inflight = Path(tempfile.mkdtemp(prefix="bulletin-inflight-"))
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        # spawn, not fork: a forked copy of this process would inherit its thread pools (Arrow, BLAS) mid-state.
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=warm_up,
                                   initargs=(self.inflight, os.getpid()))

    def submit(self, fn, *args):
        """Start fn(*args) on a worker (spawning one if needed, with Ctrl-C held back while it starts); a future."""
        with children_start_quiet():
            return self.pool.submit(fn, *args)

    def wait(self, pending: set):
        """The futures done among pending (blocks until at least one is)."""
        done, _ = wait_local(pending, return_when=FIRST_COMPLETED)
        return done

    def restart(self) -> set[str]:
        """A fresh pool after a worker process died; the labels of what was running in the dead worker."""
        self.pool.shutdown(wait=True, cancel_futures=True)  # the other workers are stopped and unmark
        culprits = set()
        for mark in self.inflight.iterdir():
            culprits.add(mark.read_text(encoding="utf-8"))
            mark.unlink()
        self.pool = self._new()
        return culprits

    def close(self, cancel: bool = False) -> None:
        """Stop the workers (and with them their zygotes and kernels)."""
        if cancel:
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.kill()  # on Ctrl-C: don't wait for bulletins in flight
        self.pool.shutdown(wait=not cancel, cancel_futures=True)
        if cancel:
            _forget_wakeup(self.pool)
        shutil.rmtree(self.inflight, ignore_errors=True)


def _forget_wakeup(pool) -> None:
    """After killing a pool's workers: let its manager thread finish, then drop its wake-up pipe from the list
    Python's exit hook writes to; on 3.11 the hook writes to the pipe the thread has closed and prints a
    traceback (OSError: Bad file descriptor) when the batch exits on a signal."""
    from concurrent.futures import process as futures_process

    thread = getattr(pool, "_executor_manager_thread", None)
    if thread is None:
        return
    thread.join(timeout=10)
    getattr(futures_process, "_threads_wakeups", {}).pop(thread, None)


class DaskPool:
    """The workers of an existing Dask distributed cluster; outputs go to the shared out_dir."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError as exc:
            raise BulletinError("未安装 Dask 集群组件,无法使用 --scheduler:请安装 pip install 'bulletin[cluster]'(即 dask 与 distributed)。") from exc
        try:
            self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise BulletinError(f"无法连接 Dask 调度器 {address}:{exc}") from None

    def submit(self, fn, *args):
        """Start fn(*args) on some worker of the cluster; a future."""
        return self.client.submit(fn, *args, pure=False)

    def wait(self, pending: set):
        """The futures done among pending."""
        from distributed import wait

        return wait(list(pending), return_when="FIRST_COMPLETED").done

    def restart(self) -> set[str]:
        """Nothing to do: the cluster replaces lost workers itself."""
        return set()

    def close(self, cancel: bool = False) -> None:
        """Disconnect (the cluster stays up)."""
        self.client.close()
