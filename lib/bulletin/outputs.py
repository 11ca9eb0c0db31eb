"""Where bulletins go (outputs/<district>/<period>/<kind>.*) and how they are written: atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_SUFFIX = ".tmp"


def bulletin_dir(out_dir: Path, district: str, period: str) -> Path:
    """The folder of one district-period's bulletins."""
    return Path(out_dir) / district / period


def _stage(path: Path, data: bytes) -> Path:
    """A hidden temp file beside `path` holding `data`, flushed to disk (fsync); removed again if writing fails."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes so that a reader sees the old file or the whole new one, never a part (temp, fsync, rename)."""
    publish(Path(path).parent, {Path(path).name: data})


def publish(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file of a finished bulletin: all are staged as temp files first, renamed only once all are on disk.

    A failure while staging (disk full, permission) leaves every previous file as it was and no temp file behind.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            target = folder / name
            staged.append((_stage(target, data), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)
    return [target for _, target in staged]


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
