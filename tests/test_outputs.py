"""Publishing a bulletin's files: all or nothing, no temp file left behind."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from bulletin.run import outputs
from bulletin.errors import OutputError
from bulletin.run.outputs import bulletin_dir, publish, write_atomic
from conftest import fill_disk_on_write

OLD = {"monthly.html": b"<p>old</p>", "monthly.json": b"{}", "monthly.xlsx": b"PK-old", "monthly.ipynb": b"{\"old\": 1}"}
NEW = {name: data + b"-new" for name, data in OLD.items()}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A bulletin folder holding a previous good bulletin."""
    target = bulletin_dir(tmp_path / "outputs", "yunhe", "2024-06")
    publish(target, OLD)
    return target


def test_publish_writes_every_file(folder: Path):
    """A successful publish replaces every file and leaves nothing else in the folder."""
    written = publish(folder, NEW)
    assert [p.name for p in written] == list(NEW)
    assert _snapshot(folder) == dict(sorted(NEW.items()))


def test_disk_full_while_staging_keeps_previous_files(folder: Path, monkeypatch):
    """Disk full on the third file: the previous bulletin stays byte-identical and no .tmp file is left."""
    fill_disk_on_write(monkeypatch, 3)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        publish(folder, NEW)
    assert _snapshot(folder) == dict(sorted(OLD.items()))


def test_failed_rename_removes_staged_files(folder: Path, monkeypatch):
    """A failure before any rename (e.g. permission) leaves the old files and removes every staged temp file."""

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outputs.os, "replace", refuse)
    with pytest.raises(OutputError, match="没有写入权限"):
        publish(folder, NEW)
    assert _snapshot(folder) == dict(sorted(OLD.items()))


def test_interrupt_while_staging_leaves_no_temp(folder: Path, monkeypatch):
    """Ctrl-C during staging is cleaned up like any error."""
    real_stage = outputs._stage
    calls = {"n": 0}

    def stage(path, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_stage(path, data)

    monkeypatch.setattr(outputs, "_stage", stage)
    with pytest.raises(KeyboardInterrupt):
        publish(folder, NEW)
    assert _snapshot(folder) == dict(sorted(OLD.items()))


def test_write_atomic_replaces_one_file(tmp_path: Path):
    """write_atomic creates missing folders and leaves only the target file."""
    target = tmp_path / "a" / "index.html"
    write_atomic(target, b"1")
    write_atomic(target, b"2")
    assert target.read_bytes() == b"2"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]
