"""What runs in a batch worker (a local process or a Dask worker): start-up, checking a district, rendering a
bulletin within its time limit with retries, and dying with the batch.

A local worker ends with the batch however the batch ends: it ignores Ctrl-C (the batch process handles it
and kills its workers; a KeyboardInterrupt traceback from a child would only confuse), and it is killed by the
kernel when the batch process dies, even by SIGKILL (PR_SET_PDEATHSIG), with a watch thread as a second line.
Its zygote and kernels follow it the same way (see kernels and zygote)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bulletin.errors import BulletinError, DataError, RenderError
from bulletin.run.batch_plan import Job, Outcome, Settings

_PR_SET_PDEATHSIG = 1
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def die_with_parent(parent: int) -> None:
    """End this process as soon as the process `parent` is gone: SIGKILL from the kernel on Linux
    (PR_SET_PDEATHSIG), and a thread that checks every half second (other systems, or a parent that died before
    this call)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextmanager
def children_start_quiet():
    """Start child processes with Ctrl-C and SIGTERM blocked (the mask is inherited through fork and exec), so a
    worker interrupted while it starts up never prints a traceback; it ignores them once it runs (warm_up).
    In this process the signals wait until the block ends, then act as usual."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def warm_up(inflight: Path | None = None, parent: int | None = None) -> None:
    """Worker start-up: die with the batch, ignore Ctrl-C, then load the kernel zygote and the HTML exporter once."""
    from bulletin.document.formats import warm
    from bulletin.run.prestart import start_warm_kernels
    from bulletin.run.runner import KERNEL, KERNEL_ARGUMENTS

    if parent is not None:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the batch process, which stops the workers
    if inflight is not None:
        def on_terminate(*_) -> None:  # stopped by the pool, not crashed: leave no in-flight mark behind
            (inflight / str(os.getpid())).unlink(missing_ok=True)
            os._exit(128 + signal.SIGTERM)

        signal.signal(signal.SIGTERM, on_terminate)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked while starting (children_start_quiet)
    warm()  # the page, Word and PDF renderers with their fonts
    start_warm_kernels(KERNEL, KERNEL_ARGUMENTS)  # forked from a zygote, or (without fork) started ahead


@contextmanager
def in_flight(settings: Settings, label: str):
    """Mark (in a local pool) that this worker process is busy with label until the block ends."""
    if settings.inflight is None:
        yield
        return
    mark = settings.inflight / str(os.getpid())
    mark.write_text(label, encoding="utf-8")
    try:
        yield
    finally:
        mark.unlink(missing_ok=True)


def check_district(district: str, settings: Settings) -> str:
    """Validate a district's params and data once for all its bulletins: '' if good, else the Chinese message."""
    from bulletin.run.runner import check_inputs

    try:
        with in_flight(settings, f"check:{district}"):
            check_inputs(district, settings.data_dir, settings.params_dir, settings.out_dir)
        return ""
    except DataError as exc:
        report = exc.report.to_text() + "\n" if exc.report is not None else ""
        return f"{report}{exc}"
    except BulletinError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - reported, never raised into the batch
        return f"{type(exc).__name__}: {exc}"


def render_job(job: Job, settings: Settings) -> Outcome:
    """Render one bulletin with a warm kernel, within the time limit, retrying transient failures."""
    from bulletin.run.kernels import kill_kernels, live_kernels
    from bulletin.run.runner import run_bulletin

    seconds: dict[str, float] = {}
    for attempt in range(1, settings.retries + 2):
        expired = threading.Event()
        timer = None
        if settings.timeout:
            kernels = live_kernels()

            def expire(kernels=kernels, expired=expired) -> None:
                expired.set()
                kill_kernels(kernels)

            timer = threading.Timer(settings.timeout, expire)
            timer.daemon = True
            timer.start()
        try:
            with in_flight(settings, job.key):
                result = run_bulletin(job.district, job.period, job.kind, data_dir=settings.data_dir,
                                      params_dir=settings.params_dir, out_dir=settings.out_dir,
                                      notebooks_dir=settings.notebooks_dir, warm=True, checked=True, timings=seconds)
            return Outcome(job, "ok", seconds=seconds, outputs=result.digests, attempts=attempt)
        except RenderError as exc:
            if expired.is_set():
                return Outcome(job, "failed", f"超过单份时限{settings.timeout:g}秒,已终止。", seconds, attempts=attempt)
            if exc.transient and attempt <= settings.retries:
                continue
            return Outcome(job, "failed", str(exc), seconds, attempts=attempt)
        except BulletinError as exc:
            return Outcome(job, "failed", str(exc), seconds, attempts=attempt)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the other bulletins; it is reported
            return Outcome(job, "failed", f"{type(exc).__name__}: {exc}", seconds, attempts=attempt)
        finally:
            if timer is not None:
                timer.cancel()
    raise AssertionError("unreachable")
