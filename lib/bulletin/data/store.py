"""The one loader of validated tables: exports are parsed and validated once, then read back from Parquet.

`load_tables(data_dir, district)` is what the runner and every notebook call. The store lives in
`<data_dir>/.store/<district>/<fingerprint>/`, where the fingerprint covers every source file's
path, size and modification time and the schema version; a changed export re-validates.

Layout of one stored district: the large, dated tables are split by month,
`cases/<YYYY-MM>.parquet` (by received_at), `evaluations/<YYYY-MM>.parquet` (by evaluated_at),
`complaints/<YYYY-MM>.parquet` (by received_at); every other table is one `<table>.parquet`.
`rows.json` holds the rows stored per table, and `COMPLETE` marks a finished store.
`load_tables(..., months=("2023-06", "2024-06"))` reads only that window (plus the cases received
earlier that were still open at its start), which is all one bulletin's figures need.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from bulletin.errors import DataError
from bulletin.data.exports import SUFFIXES
from bulletin.data.schemas import DTYPES, TABLES
from bulletin.data.tables import TABLE_NAMES, Tables
from bulletin.data.validation import Problem, Report, validate_district

STORE_VERSION = "5"  # bump when conversion, schemas or the layout change what a stored table holds
STORE_DIR = ".store"
# Tables stored one file per month, and the date column that files them.
PARTITIONS = {"cases": "received_at", "evaluations": "evaluated_at", "complaints": "received_at"}

Months = tuple[str, str]  # first and last month of a window, 'YYYY-MM'


def sources(data_dir: Path, district: str) -> list[Path]:
    """Every export file of a district, in a stable order."""
    folder = Path(data_dir) / district
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def fingerprint(data_dir: Path, district: str) -> str:
    """Hash of the district's source files (relative path, size, mtime) and the store version."""
    folder = Path(data_dir) / district
    digest = hashlib.sha256(STORE_VERSION.encode())
    for path in sources(data_dir, district):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def store_path(data_dir: Path, district: str) -> Path:
    """The folder of the district's current store (it exists only once validated and complete)."""
    return Path(data_dir) / STORE_DIR / district / fingerprint(data_dir, district)


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A stored frame with the typed contract's dtypes and column order."""
    return pd.DataFrame({c.name: frame[c.name].astype(DTYPES[c.kind]) for c in TABLES[table]}, index=frame.index)


def _write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    if name not in PARTITIONS:
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        return
    (folder / name).mkdir()
    months = frame[PARTITIONS[name]].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")  # partition of each row
    order = np.argsort(months, kind="stable")
    months, frame = months[order], frame.iloc[order]
    bounds = np.flatnonzero(np.r_[True, months[1:] != months[:-1]]) if len(months) else np.array([], dtype=int)
    for start, stop in zip(bounds, np.r_[bounds[1:], len(months)]):
        frame.iloc[start:stop].to_parquet(folder / name / f"{months[start]}.parquet", index=False)


def write_store(root: Path, key: str, tables: Tables, report: Report | None = None) -> None:
    """Write the tables (and the report of their validation, warnings only) to root/key atomically (temp folder,
    then rename); drop older keys."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        for name in tables.present():
            _write_table(tmp, name, getattr(tables, name))
        rows = {name: int(len(getattr(tables, name))) for name in tables.present()}
        (tmp / "rows.json").write_text(json.dumps(rows, ensure_ascii=False, sort_keys=True))
        if report is not None:
            problems = [dataclasses.asdict(p) for p in report.problems]
            (tmp / "report.json").write_text(json.dumps({"rows": report.rows, "problems": problems}, ensure_ascii=False,
                                                           default=str))
        (tmp / "COMPLETE").write_text(key)
        os.replace(tmp, root / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process stored the same key first, or disk trouble
        return
    for old in root.iterdir():
        if old.name != key and not old.name.startswith(".tmp-"):
            shutil.rmtree(old, ignore_errors=True)


def stored_report(folder: Path, district: str) -> Report | None:
    """The validation report kept with a complete store folder (None for a store written without one)."""
    path = folder / "report.json"
    if not path.is_file():
        return None
    saved = json.loads(path.read_text(encoding="utf-8"))
    return Report(district, [Problem(**p) for p in saved["problems"]], saved["rows"])


def stored_rows(folder: Path) -> dict[str, int]:
    """Rows stored per table in a complete store folder."""
    return json.loads((folder / "rows.json").read_text())


def _month_start(month: str) -> pd.Timestamp:
    return pd.Timestamp(f"{month}-01")


def _read_partitioned(folder: Path, name: str, months: Months | None) -> pd.DataFrame:
    """The monthly files of a table within the window; for cases also the earlier ones still open at its start."""
    files = sorted((folder / name).glob("*.parquet"))
    parts = []
    for path in files:
        month = path.stem
        if months is None or months[0] <= month <= months[1]:
            parts.append(pq.read_table(path))
        elif name == "cases" and month < months[0]:
            start = _month_start(months[0])
            open_then = pc.field("completed_at").is_null() | (pc.field("completed_at") >= start)
            parts.append(ds.dataset(path, format="parquet").to_table(filter=open_then))
    if not parts:
        return pd.read_parquet(files[0]).iloc[0:0] if files else pd.DataFrame(columns=[c.name for c in TABLES[name]])
    frames = [p.to_pandas() for p in parts if p.num_rows] or [parts[0].to_pandas()]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def read_store(folder: Path, months: Months | None = None) -> Tables:
    """The tables of a complete store folder, only the window's months of the monthly tables when `months` is given."""
    frames = {}
    for name in TABLE_NAMES:
        if name in PARTITIONS and (folder / name).is_dir():
            frames[name] = conform(_read_partitioned(folder, name, months), name)
        elif (folder / f"{name}.parquet").exists():
            frames[name] = conform(pd.read_parquet(folder / f"{name}.parquet"), name)
    return Tables(**frames)


def window(tables: Tables, months: Months | None) -> Tables:
    """The same rows `read_store` returns for the window, taken from tables in memory."""
    if months is None:
        return tables
    start, stop = _month_start(months[0]), _month_start(months[1]) + pd.offsets.MonthBegin(1)
    frames = {name: getattr(tables, name) for name in tables.present()}
    for name, column in PARTITIONS.items():
        frame = frames.get(name)
        if frame is None:
            continue
        when = frame[column]
        keep = (when >= start) & (when < stop)
        if name == "cases":
            keep |= (when < start) & ~(frame["completed_at"] < start)
        frames[name] = frame.loc[keep].reset_index(drop=True)
    return Tables(**frames)


def ensure_store(data_dir: Path, district: str) -> tuple[Path | None, Report | None, Tables | None]:
    """(store folder, report, tables): validates and stores the district when its exports changed.

    The report is None when the store was already current; the folder is None when the data has
    errors or the store could not be written (the tables are then returned from memory)."""
    data_dir = Path(data_dir)
    key = fingerprint(data_dir, district)
    root = data_dir / STORE_DIR / district
    if (root / key / "COMPLETE").exists():
        return root / key, None, None
    tables, report = validate_district(data_dir, district)
    if tables is None:
        return None, report, None
    try:
        write_store(root, key, tables, report)
    except OSError:
        pass  # a read-only data folder still renders; it only re-validates next time
    done = (root / key / "COMPLETE").exists()
    return (root / key if done else None), report, tables


def _data_error(district: str, report: Report) -> DataError:
    return DataError(f"{district} 的数据有{len(report.errors)}处错误,未生成通报。请按上面的校验报告修改后重试"
                     f"(bulletin validate --district {district})。", report)


def require_valid(data_dir: Path, district: str) -> Report | None:
    """Validate and store the district's exports if they changed, reading no table back: the validation report
    (from the store when it was current); DataError with the report when the data has errors."""
    folder, report, tables = ensure_store(data_dir, district)
    if folder is None and tables is None:
        raise _data_error(district, report)
    return report if report is not None else stored_report(folder, district)


def load_tables(data_dir: Path, district: str, months: Months | None = None) -> Tables:
    """The district's validated tables (only the `months` window of the monthly tables when given);
    DataError carrying the full report when the data has errors."""
    folder, report, tables = ensure_store(data_dir, district)
    if folder is not None:
        return read_store(folder, months)
    if tables is None:
        raise _data_error(district, report)
    return window(tables, months)


# --- aggregates kept with the store (per-district monthly sums, see figures.aggregates) -----------

AGGREGATES_DIR = "aggregates"


def read_aggregates(folder: Path, key: str) -> dict[str, pd.DataFrame] | None:
    """The aggregate frames stored under `key` in a complete store folder (by file stem), None if not stored yet."""
    where = Path(folder) / AGGREGATES_DIR / key
    if not (where / "COMPLETE").exists():
        return None
    # Small files, read by the hundred: one thread each (a thread pool per file costs more than the read).
    return {p.stem: pq.ParquetFile(p).read(use_threads=False).to_pandas() for p in sorted(where.glob("*.parquet"))}


def write_aggregates(folder: Path, key: str, frames: dict[str, pd.DataFrame]) -> None:
    """Keep aggregate frames beside the stored tables, atomically (temp folder, then rename); older keys dropped.
    A read-only store is left as it is: the aggregates are then recomputed next time."""
    root = Path(folder) / AGGREGATES_DIR
    try:
        root.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    except OSError:
        return
    try:
        for name, frame in frames.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "COMPLETE").write_text(key)
        os.replace(tmp, root / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process wrote the same key first
        return
    for old in root.iterdir():
        if old.name != key and not old.name.startswith(".tmp-"):
            shutil.rmtree(old, ignore_errors=True)
