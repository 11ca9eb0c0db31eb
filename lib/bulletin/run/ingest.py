"""Ingest many districts: validate each changed district's exports once and store them, two at a time.

Each district is handled by one worker process from start to end (read, type, check, write Parquet),
so memory stays bounded by the largest district and the parent never holds the data.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from bulletin.errors import BulletinError
from bulletin.data.store import STORE_DIR, ensure_store, stored_rows
from bulletin.data.tables import TABLE_NAMES
from bulletin.data.validation import Report
from bulletin.run.batch_work import STOP_SIGNALS, children_start_quiet, die_with_parent
from bulletin.vocabulary import ID_PATTERN


@dataclass(frozen=True)
class Ingested:
    """What ingesting one district did."""

    district: str
    rows: dict[str, int] = field(default_factory=dict)  # rows stored per table
    report: Report | None = None  # None when the store was already current
    message: str | None = None  # why the district could not be read at all
    seconds: float = 0.0
    stored: bool = True  # False when valid data could not be written (read-only data folder)

    @property
    def ok(self) -> bool:
        """True when the district was read and has no error."""
        return self.message is None and (self.report is None or self.report.ok)

    @property
    def errors(self) -> int:
        """Errors found (1 when the district could not be read at all)."""
        return len(self.report.errors) if self.report is not None else (1 if self.message else 0)

    @property
    def warnings(self) -> int:
        """Warnings found."""
        return len(self.report.warnings) if self.report is not None else 0


def district_ids(data_dir: Path) -> list[str]:
    """Every district folder under data_dir (names as SPEC allows), sorted."""
    folder = Path(data_dir)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name != STORE_DIR and ID_PATTERN.match(p.name))


def ingest_district(data_dir: Path, district: str) -> Ingested:
    """Validate and store one district if its exports changed; its stored rows, report and time taken."""
    started = time.perf_counter()
    try:
        folder, report, tables = ensure_store(Path(data_dir), district)
    except BulletinError as exc:
        return Ingested(district, message=str(exc), seconds=time.perf_counter() - started)
    if folder is not None:
        stored = stored_rows(folder)
        rows = {name: stored[name] for name in TABLE_NAMES if name in stored}
    elif tables is not None:
        rows = {name: len(getattr(tables, name)) for name in tables.present()}
    else:
        rows = {}
    return Ingested(district, rows, report, seconds=time.perf_counter() - started,
                    stored=folder is not None or tables is None)


def ingest_many(data_dir: Path, districts: Sequence[str], jobs: int = 2) -> Iterator[Ingested]:
    """Ingest districts in `jobs` worker processes, yielding each result as it finishes."""
    if jobs <= 1 or len(districts) <= 1:
        for district in districts:
            yield ingest_district(data_dir, district)
        return
    # spawn, not fork: Arrow's thread pools do not survive a fork of a process that already used them.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(districts)), mp_context=context,
                               initializer=_worker_start, initargs=(os.getpid(),))
    finished = False
    try:
        with children_start_quiet():  # a worker interrupted while it starts prints no traceback
            futures = [pool.submit(ingest_district, Path(data_dir), d) for d in districts]
        for future in as_completed(futures):
            yield future.result()
        finished = True
    finally:
        if not finished:  # Ctrl-C, or the caller stopped reading: don't wait for the districts in flight
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
        pool.shutdown(wait=finished, cancel_futures=True)


def _worker_start(parent: int) -> None:
    """An ingest worker's start-up: it dies with the ingest process however that ends (even SIGKILL), and leaves
    Ctrl-C to it (as a batch worker, see run.batch_work)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked while starting (children_start_quiet)
