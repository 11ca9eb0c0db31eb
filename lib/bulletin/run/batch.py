"""Render many bulletins (districts x periods x kinds): in parallel, incrementally, resumably.

- Parallel: a pool of worker processes on this machine (`jobs`), or an existing Dask cluster
  (`scheduler`), each rendering with warm kernels forked from a pre-imported zygote (`kernels`).
- Incremental: a bulletin whose inputs are unchanged since its last good render is skipped (`manifest`).
- Resumable: every bulletin is published atomically and recorded in the manifest as soon as it is
  done, so a batch killed at any point loses at most the bulletins in flight; the next run does the rest.
- Robust: a failure (bad data, an error in a cell, a killed kernel, a timeout) is reported with its
  cell and never stops the others; transient ones (the kernel died) are retried.
- Clean: however the batch ends (done, Ctrl-C, SIGTERM, SIGKILL), its workers, zygotes and kernels end too.

The work is split by job: batch_plan (which bulletins, which are current), batch_work (what a worker does),
batch_pools (where workers run), batch_loop (the event loop), batch_summary (what is printed at the end).
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from bulletin.config import RunSpec
from bulletin.run.batch_loop import run_jobs
from bulletin.run.batch_plan import Job, Outcome, Settings, expand, plan
from bulletin.run.batch_summary import STAGE_LABELS, print_summary, profile_table, summary_text
from bulletin.run.manifest import Manifest

__all__ = ["Job", "Outcome", "Settings", "STAGE_LABELS", "render_many", "summary_text", "profile_table"]


@contextmanager
def sigterm_as_interrupt():
    """Within the block, SIGTERM stops the batch the way Ctrl-C does (workers killed, manifest kept, exit 130)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(*_) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    from bulletin.run.runner import default_notebooks_dir

    settings = Settings(Path(data_dir).resolve(), Path(params_dir).resolve(), Path(out_dir).resolve(),
                        Path(notebooks_dir or default_notebooks_dir()).resolve(), timeout, retries)
    with sigterm_as_interrupt():
        expanded = expand(spec, settings.params_dir)
        for warning in expanded.warnings:
            print(f"警告:{warning}", file=sys.stderr)
        manifest = Manifest.load(settings.out_dir)
        todo, outcomes = plan(expanded.jobs, settings, manifest, force)
        outcomes += expanded.refused
        manifest.save()  # keeps the file hashes just read, even if the batch is interrupted
        if todo:
            failed = sum(o.status == "failed" for o in outcomes)
            outcomes += run_jobs(todo, settings, manifest, jobs, scheduler, len(todo) + len(outcomes),
                                 len(outcomes) - failed, failed)
    print_summary(outcomes, profile)
    return outcomes
