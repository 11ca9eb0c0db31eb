"""Where bulletins go (outputs/<district>/<period>/<kind>.*) and how they are written: atomically."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from bulletin.data.validation import Report
from bulletin.document.validation_page import report_page

from bulletin.errors import OutputError

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


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write bytes so that a reader sees the old file or the whole new one, never a part (temp, fsync, rename);
    only inside `root` (the --out-dir) when given."""
    publish(Path(path).parent, {Path(path).name: data}, root=root)


def check_inside(folder: Path, root: Path) -> None:
    """OutputError unless `folder`, with every link on its way followed, lies inside `root` (the --out-dir):
    an outputs/<district> link to elsewhere must not carry bulletins out of the project."""
    try:
        Path(folder).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):  # outside, or a link loop
        raise OutputError(f"输出目录 {folder} 经由符号链接指向 --out-dir({root})之外,已拒绝写入。"
                          "请删除该链接,或用 --out-dir 直接指定输出位置。") from None


def publish(folder: Path, files: dict[str, bytes], root: Path | None = None) -> list[Path]:
    """Write every file of a finished bulletin: all are staged as temp files first, renamed only once all are on disk.

    A failure while staging (disk full, permission) leaves every previous file as it was and no temp file behind,
    and is raised as OutputError with a Chinese message. With `root` (the --out-dir), a folder that a link leads
    outside it is refused before anything is written.
    """
    folder = Path(folder)
    if root is not None:
        check_inside(folder, root)
    staged: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = folder / name
            staged.append((_stage(target, data), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"写入 {folder} 失败:{_reason(exc)}。本次未生成通报,原有文件保持不变。") from exc
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)
    return [target for _, target in staged]


def _reason(exc: OSError) -> str:
    """Why a write failed, in Chinese."""
    reasons = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已满", errno.EACCES: "没有写入权限",
               errno.EPERM: "没有写入权限", errno.EROFS: "文件系统为只读"}
    return reasons.get(exc.errno, f"系统错误({exc.strerror or exc})")


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


def write_report_page(report: Report, data_dir: Path, out_dir: Path) -> Path:
    """Write out_dir/<district>/validation.html atomically; its path."""
    path = Path(out_dir) / report.district / "validation.html"
    write_atomic(path, report_page(report, data_dir).encode("utf-8"), root=out_dir)
    return path
