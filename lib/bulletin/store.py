"""The one loader of validated tables: exports are parsed and validated once, then read back from Parquet.

`load_tables(data_dir, district)` is what the runner and every notebook call. The store lives in
`<data_dir>/.store/<district>/<fingerprint>/`, where the fingerprint covers every source file's
path, size and modification time and the schema version; a changed export re-validates.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .errors import DataError
from .io import SUFFIXES
from .schemas import DTYPES, TABLES
from .tables import TABLE_NAMES, Tables
from .validation import validate_district

STORE_VERSION = "1"  # bump when conversion or schemas change what a stored table holds
STORE_DIR = ".store"


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


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A stored frame with the typed contract's dtypes and column order."""
    return pd.DataFrame({c.name: frame[c.name].astype(DTYPES[c.kind]) for c in TABLES[table]}, index=frame.index)


def _read_store(folder: Path) -> Tables:
    frames = {}
    for name in TABLE_NAMES:
        path = folder / f"{name}.parquet"
        if path.exists():
            frames[name] = conform(pd.read_parquet(path), name)
    return Tables(**frames)


def _write_store(root: Path, key: str, tables: Tables) -> None:
    """Write the tables to root/key atomically (temp folder, then rename); drop older keys."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        for name in tables.present():
            getattr(tables, name).to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "COMPLETE").write_text(key)
        os.replace(tmp, root / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process stored the same key first, or disk trouble
        return
    for old in root.iterdir():
        if old.name != key and not old.name.startswith(".tmp-"):
            shutil.rmtree(old, ignore_errors=True)


def load_tables(data_dir: Path, district: str) -> Tables:
    """The district's validated tables; DataError carrying the full report when the data has errors."""
    data_dir = Path(data_dir)
    key = fingerprint(data_dir, district)
    root = data_dir / STORE_DIR / district
    if (root / key / "COMPLETE").exists():
        return _read_store(root / key)
    tables, report = validate_district(data_dir, district)
    if tables is None:
        raise DataError(f"{district} 的数据有{len(report.errors)}处错误,未生成通报。请按上面的校验报告修改后重试"
                        f"(bulletin validate --district {district})。", report)
    try:
        _write_store(root, key, tables)
    except OSError:
        pass  # a read-only data folder still renders; it only re-validates next time
    return tables
