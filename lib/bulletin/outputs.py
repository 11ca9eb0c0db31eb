"""Where bulletins go (outputs/<district>/<period>/<kind>.*) and how they are written: atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def bulletin_dir(out_dir: Path, district: str, period: str) -> Path:
    """The folder of one district-period's bulletins."""
    return Path(out_dir) / district / period


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes so that a reader sees the old file or the whole new one, never a part (temp, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file of a finished bulletin atomically; called only once all of them are built."""
    written = []
    for name, data in files.items():
        target = Path(folder) / name
        write_atomic(target, data)
        written.append(target)
    return written
