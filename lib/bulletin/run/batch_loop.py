"""The batch's event loop: check each district once, then render its bulletins, as workers become free; record
each outcome in the manifest as it comes; replace a dead worker and retry what it was doing."""

from __future__ import annotations

import sys
from collections import defaultdict
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from tqdm import tqdm

from bulletin.run.batch_plan import Job, Outcome, Settings
from bulletin.run.batch_pools import DaskPool, LocalPool
from bulletin.run.batch_work import check_district, render_job
from bulletin.run.manifest import Manifest
from bulletin.run.outputs import bulletin_dir


def run_jobs(todo: dict[Job, str], settings: Settings, manifest: Manifest, jobs: int, scheduler: str | None,
             total: int, skipped: int, refused: int) -> list[Outcome]:
    """Render the jobs (each with the hash of its inputs) on a local pool of `jobs` workers or a Dask cluster,
    with a progress bar; every outcome. The workers are stopped however this ends (KeyboardInterrupt included)."""
    by_district: dict[str, list[Job]] = defaultdict(list)
    for job in todo:
        by_district[job.district].append(job)
    pool: LocalPool | DaskPool | None = None
    bar = tqdm(total=total, initial=skipped + refused, desc="渲染通报", unit="份", dynamic_ncols=True, file=sys.stderr)
    counts = {"成功": 0, "失败": refused, "跳过": skipped, "剩余": total - skipped - refused}
    bar.set_postfix(counts, refresh=False)
    pending: dict = {}  # future -> ("check", district) or ("render", job)
    outcomes: list[Outcome] = []
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

    def worker_died(what: str, subject) -> None:
        # A worker process died (not just a kernel), which breaks every future of the pool: start a new pool and
        # queue again all that was in flight; what ran in the dead worker counts as a try, and fails once it has
        # had its retries.
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

    try:
        if scheduler:
            pool = DaskPool(scheduler)
        else:
            pool = LocalPool(max(1, min(jobs, len(todo))))
            settings = replace(settings, inflight=pool.inflight)
        for district in by_district:
            resubmit("check", district)
        while pending:
            for future in pool.wait(set(pending)):
                what, subject = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    worker_died(what, subject)
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
    except BaseException:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt) or a bug: stop the workers now
        if pool is not None:
            pool.close(cancel=True)
        bar.close()
        manifest.save()
        raise
    pool.close()
    bar.close()
    return outcomes
