"""Render many bulletins (districts x periods x kinds): in parallel, incrementally, resumably.

- Parallel: a pool of worker processes on this machine (`jobs`), or an existing Dask cluster
  (`scheduler`), each rendering with warm kernels forked from a pre-imported zygote (`kernels`).
- Incremental: a bulletin whose inputs are unchanged since its last good render is skipped (`manifest`).
- Resumable: every bulletin is published atomically and recorded in the manifest as soon as it is
  done, so a batch killed at any point loses at most the bulletins in flight; the next run does the rest.
- Robust: a failure (bad data, an error in a cell, a killed kernel, a timeout) is reported with its
  cell and never stops the others; transient ones (the kernel died) are retried.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_local
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from bulletin.config import KIND_LABELS, RunSpec, kind_fits, load_district
from bulletin.errors import BulletinError, DataError, RenderError
from bulletin.run.manifest import Manifest
from bulletin.run.outputs import bulletin_dir
from bulletin.data.store import sources

STAGE_LABELS = {"check": "参数校验", "kernel": "内核启动与通信", "setup": "导入与准备", "load": "载入数据",
                "compute": "计算指标与得分", "cells": "图表与排版", "export": "导出网页与附件", "docx": "生成Word",
                "pdf": "生成PDF", "write": "写入文件"}


@dataclass(frozen=True)
class Job:
    """One bulletin to render."""

    district: str
    period: str
    kind: str

    @property
    def key(self) -> str:
        """district/period/kind, as in the manifest."""
        return f"{self.district}/{self.period}/{self.kind}"


@dataclass(frozen=True)
class Outcome:
    """How one job ended: ok, skipped (already current) or failed with the Chinese error message."""

    job: Job
    status: str  # "ok", "skipped", "failed"
    message: str = ""
    seconds: dict = field(default_factory=dict)  # stage -> seconds (rendered ones)
    outputs: dict = field(default_factory=dict)  # file name -> sha256 (rendered ones)
    attempts: int = 0

    @property
    def ok(self) -> bool:
        """Rendered now or already current."""
        return self.status != "failed"


@dataclass(frozen=True)
class Settings:
    """Where a worker finds its inputs and writes its outputs, and how long a bulletin may take."""

    data_dir: Path
    params_dir: Path
    out_dir: Path
    notebooks_dir: Path
    timeout: float | None = None  # seconds per bulletin; None = no limit
    retries: int = 1  # further tries after a transient failure (the kernel died)
    inflight: Path | None = None  # local pools: where workers mark what they are doing (see LocalPool)


def expand(spec: RunSpec, params_dir: Path) -> tuple[list[Job], list[Outcome]]:
    """The run file's jobs: each kind (listed, or else enabled for the district) for the periods it fits; and a
    failed outcome for each bulletin of a district whose params file cannot be read or that does not enable the
    kind (the other districts still render)."""
    jobs, failed = [], []
    for district in spec.districts:
        try:
            enabled, problem = load_district(params_dir, district).kinds, ""
        except BulletinError as exc:
            enabled, problem = (), str(exc)
        for period in spec.periods:
            for kind in spec.kinds or enabled or tuple(KIND_LABELS):
                if not kind_fits(kind, period):
                    continue
                job = Job(district, period, kind)
                if problem:
                    failed.append(Outcome(job, "failed", problem))
                elif kind not in enabled:
                    failed.append(Outcome(job, "failed", f"区县“{district}”未启用通报类型“{kind}”"
                                                         f"(见 params/districts/{district}.yaml 的 kinds)。"))
                else:
                    jobs.append(job)
    return jobs, failed


# --- what runs in a worker (a local process or a Dask worker) ---


def warm_up(inflight: Path | None = None) -> None:
    """Worker start-up: the kernel zygote and the page, Word and PDF renderers, loaded once per worker."""
    from bulletin.run.kernels import ZYGOTE
    from bulletin.document.formats import warm

    if inflight is not None:
        def on_terminate(*_) -> None:  # stopped by the pool, not crashed: leave no in-flight mark behind
            (inflight / str(os.getpid())).unlink(missing_ok=True)
            os._exit(128 + signal.SIGTERM)

        signal.signal(signal.SIGTERM, on_terminate)
    # A Ctrl-C during warm-up is the batch's to handle (it stops the pool): an interrupted initializer would
    # print a traceback. Warming the PDF fonts takes a second or more, so the window is not negligible.
    main = threading.current_thread() is threading.main_thread()  # only the main thread may set handlers
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        warm()
        ZYGOTE.start()
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


@contextmanager
def _in_flight(settings: Settings, label: str):
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
        with _in_flight(settings, f"check:{district}"):
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
            with _in_flight(settings, job.key):
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


# --- where the work runs ---


class LocalPool:
    """Worker processes on this machine, each with its own warm-kernel zygote; restarted if one dies.

    Each worker marks in `inflight` what it is doing; a worker stopped by the pool removes its mark
    first, so after a crash the marks left behind name the jobs that were running in the dead worker."""

    def __init__(self, workers: int):
        self.workers = workers
        self.inflight = Path(tempfile.mkdtemp(prefix="bulletin-inflight-"))
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        # spawn, not fork: a forked copy of this process would inherit its thread pools (Arrow, BLAS) mid-state.
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=warm_up,
                                   initargs=(self.inflight,))

    def submit(self, fn, *args):
        """Start fn(*args) on a worker; a future."""
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
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.kill()  # on Ctrl-C: don't wait for bulletins in flight
        self.pool.shutdown(wait=not cancel, cancel_futures=True)
        shutil.rmtree(self.inflight, ignore_errors=True)


class DaskPool:
    """The workers of an existing Dask distributed cluster; outputs go to the shared out_dir."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError as exc:
            raise BulletinError("未安装 dask distributed,无法连接集群(pip install distributed)。") from exc
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


# --- the batch ---


def _district_inputs(district: str, settings: Settings, manifest: Manifest) -> str:
    """Hash of what every bulletin of a district reads: its exports, its params, the scheme and the calendar."""
    params = settings.params_dir
    files: list[tuple[str, Path | None]] = [
        (f"data/{p.relative_to(settings.data_dir / district).as_posix()}", p) for p in sources(settings.data_dir, district)
    ]
    scoring = load_district(params, district).scoring
    named = {
        "district": params / "districts" / f"{district}.yaml",
        "scoring": params / "scoring" / f"{scoring}.yaml" if scoring else None,
        "calendar": params / "calendar.yaml",
    }
    files += [(name, p if p is not None and p.is_file() else None) for name, p in named.items()]
    return manifest.inputs_hash(files, {"district": district})


def plan(jobs: list[Job], settings: Settings, manifest: Manifest, force: bool) -> tuple[dict[Job, str], list[Outcome]]:
    """Jobs to render (with the hash of their inputs) and the ones skipped because their outputs are current."""
    districts = {d: _district_inputs(d, settings, manifest) for d in sorted({j.district for j in jobs})}
    todo: dict[Job, str] = {}
    skipped: list[Outcome] = []
    for job in jobs:
        notebook = settings.notebooks_dir / f"{job.kind}.ipynb"
        inputs = manifest.inputs_hash([("notebook", notebook if notebook.is_file() else None)],
                                      {"district": districts[job.district], "period": job.period, "kind": job.kind})
        if not force and manifest.is_current(job.key, inputs, bulletin_dir(settings.out_dir, job.district, job.period)):
            skipped.append(Outcome(job, "skipped"))
        else:
            todo[job] = inputs
    return todo, skipped


def render_many(
    spec: RunSpec,
    *,
    data_dir: Path,
    params_dir: Path,
    out_dir: Path,
    notebooks_dir: Path | None = None,
    jobs: int = 1,
    force: bool = False,
    timeout: float | None = None,
    retries: int = 1,
    scheduler: str | None = None,
    profile: bool = False,
) -> list[Outcome]:
    """Render every job of the run spec not already current, with a progress bar and a summary; every outcome."""
    settings = Settings(Path(data_dir).resolve(), Path(params_dir).resolve(), Path(out_dir).resolve(),
                        Path(notebooks_dir or "notebooks").resolve(), timeout, retries)
    all_jobs, refused = expand(spec, settings.params_dir)
    manifest = Manifest.load(settings.out_dir)
    todo, outcomes = plan(all_jobs, settings, manifest, force)
    outcomes += refused
    manifest.save()  # keeps the file hashes just read, even if the batch is interrupted
    if todo:
        outcomes += _run(todo, settings, manifest, jobs, scheduler, len(all_jobs) + len(refused),
                         len(outcomes) - len(refused), len(refused))
    _summary(outcomes, profile)
    return outcomes


def _run(todo: dict[Job, str], settings: Settings, manifest: Manifest, jobs: int, scheduler: str | None,
         total: int, skipped: int, refused: int) -> list[Outcome]:
    by_district: dict[str, list[Job]] = defaultdict(list)
    for job in todo:
        by_district[job.district].append(job)
    if scheduler:
        pool: LocalPool | DaskPool = DaskPool(scheduler)
    else:
        pool = LocalPool(max(1, min(jobs, len(todo))))
        settings = replace(settings, inflight=pool.inflight)
    pending: dict = {}  # future -> ("check", district) or ("render", job)
    outcomes: list[Outcome] = []
    bar = tqdm(total=total, initial=skipped + refused, desc="渲染通报", unit="份", dynamic_ncols=True, file=sys.stderr)
    counts = {"成功": 0, "失败": refused, "跳过": skipped, "剩余": total - skipped - refused}
    bar.set_postfix(counts, refresh=False)

    crashes: dict = defaultdict(int)  # job or district -> worker deaths while it was in flight

    def resubmit(what: str, subject) -> None:
        if what == "check":
            pending[pool.submit(check_district, subject, settings)] = ("check", subject)
        else:
            pending[pool.submit(render_job, subject, settings)] = ("render", subject)

    def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        job = outcome.job
        if outcome.status == "ok":
            manifest.record(job.key, todo[job], bulletin_dir(settings.out_dir, job.district, job.period),
                            outcome.outputs, outcome.seconds)
        else:
            manifest.record_failure(job.key, outcome.message)
        manifest.save()
        counts["成功" if outcome.ok else "失败"] += 1
        counts["剩余"] -= 1
        bar.set_postfix(counts, refresh=False)
        bar.update(1)

    try:
        for district in by_district:
            resubmit("check", district)
        while pending:
            for future in pool.wait(set(pending)):
                what, subject = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    # A worker process died (not just a kernel), which breaks every future of the pool: start
                    # a new pool and queue again all that was in flight; what ran in the dead worker counts
                    # as a try, and fails once it has had its retries.
                    lost = [(what, subject)] + list(pending.values())
                    pending.clear()
                    culprits = pool.restart()
                    for kind, item in lost:
                        label = item.key if kind == "render" else f"check:{item}"
                        crashes[item] += label in culprits
                        if crashes[item] <= settings.retries or label not in culprits:
                            resubmit(kind, item)
                        elif kind == "render":
                            finish(Outcome(item, "failed", "渲染进程意外退出(内存不足或被终止)。", attempts=crashes[item]))
                        else:
                            for job in by_district[item]:
                                finish(Outcome(job, "failed", "校验进程意外退出(内存不足或被终止)。"))
                    break
                except Exception as exc:  # noqa: BLE001 - e.g. a Dask worker lost: this job fails, the others go on
                    reason = f"{type(exc).__name__}: {exc}"
                    for job in ([subject] if what == "render" else by_district[subject]):
                        finish(Outcome(job, "failed", f"任务在集群上未完成:{reason}"))
                    continue
                if what == "check":
                    if result:
                        for job in by_district[subject]:
                            finish(Outcome(job, "failed", result))
                    else:
                        for job in by_district[subject]:
                            resubmit("render", job)
                else:
                    finish(result)
    except KeyboardInterrupt:
        pool.close(cancel=True)
        bar.close()
        manifest.save()
        raise
    pool.close()
    bar.close()
    return outcomes


def _summary(outcomes: list[Outcome], profile: bool) -> None:
    """Print the summary (see summary_text) and, with profile, the time per stage."""
    print(summary_text(outcomes))
    if profile:
        print(profile_table([o for o in outcomes if o.status == "ok"]))


def summary_text(outcomes: list[Outcome]) -> str:
    """The counts, a table per district, and each failure reason once with the bulletins it stopped."""
    done = sum(o.status == "ok" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    failed = sorted((o for o in outcomes if o.status == "failed"), key=lambda o: o.job.key)
    lines = [f"完成:共{len(outcomes)}份,新渲染{done}份,未变跳过{skipped}份,失败{len(failed)}份。"]
    per_district: dict[str, dict[str, int]] = defaultdict(lambda: {"ok": 0, "skipped": 0, "failed": 0})
    for outcome in outcomes:
        per_district[outcome.job.district][outcome.status] += 1
    if len(per_district) > 1:
        width = max(len(d) for d in per_district) + 2
        lines.append(f"  {'区县':<{width - 2}}{'新渲染':>6}{'未变跳过':>6}{'失败':>6}")
        for district, n in sorted(per_district.items()):  # the header's Chinese characters are two columns wide
            lines.append(f"  {district:<{width}}{n['ok']:>9}{n['skipped']:>10}{n['failed']:>8}")
    reasons: dict[tuple[str, str], list[Job]] = defaultdict(list)  # a district's bad data fails all its bulletins alike
    for outcome in failed:
        reasons[(outcome.job.district, outcome.message)].append(outcome.job)
    for (district, message), jobs in reasons.items():
        names = "、".join(f"{j.period} {j.kind}" for j in jobs)
        count = f"(共{len(jobs)}份)" if len(jobs) > 1 else ""
        lines.append(f"失败 {district} {names}{count}:")
        lines += [f"    {line}" for line in message.splitlines()]
    return "\n".join(lines)


def profile_table(outcomes: list[Outcome]) -> str:
    """Seconds per stage over the rendered bulletins: mean per bulletin and total."""
    if not outcomes:
        return "各环节耗时:本次没有新渲染的通报。"
    lines = [f"各环节耗时(新渲染{len(outcomes)}份,秒):", f"  {'环节':<10}{'平均每份':>10}{'合计':>10}"]
    for stage, label in STAGE_LABELS.items():
        values = [o.seconds.get(stage, 0.0) for o in outcomes]
        lines.append(f"  {label:<10}{sum(values) / len(values):>10.3f}{sum(values):>10.2f}")
    return "\n".join(lines)

