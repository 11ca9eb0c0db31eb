"""What each bulletin was last rendered from: content hashes of its inputs, so a batch skips what is current.

`outputs/.manifest.json` maps `<district>/<period>/<kind>` to the hash of everything its render
reads (the district's data files, its params, the calendar, the notebook, this package's code and
the versions of the libraries that draw it) and the hashes of the files it wrote. A bulletin is
current when both still match; a changed export, an edited notebook or a deleted page re-renders it.
File contents are hashed once and remembered by (size, mtime), so an unchanged re-run reads no data.
Two batches writing one out-dir at once keep every entry of both: each save takes a file lock, reads the
manifest as the other left it, and writes it back with only this batch's own entries replaced.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from bulletin.run.outputs import write_atomic

MANIFEST_NAME = ".manifest.json"
LOCK_NAME = ".manifest.lock"
MANIFEST_VERSION = 1
# Libraries whose version can change a rendered byte.
DRAWING_LIBRARIES = ("pandas", "numpy", "matplotlib", "seaborn", "nbconvert", "nbformat", "papermill", "ipykernel",
                     "openpyxl", "pyarrow", "pandera", "chinese-calendar", "python-docx", "typst")
PACKAGE_DIR = Path(__file__).parent.parent  # the whole bulletin package


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of this package's code and templates and of the drawing libraries' versions."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css", ".json", ".tpl") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in DRAWING_LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\n".encode())
    return digest.hexdigest()


@dataclass
class Manifest:
    """The manifest of one output folder: bulletins' input and output hashes, and a cache of file hashes."""

    path: Path
    bulletins: dict[str, dict] = field(default_factory=dict)
    file_hashes: dict[str, list] = field(default_factory=dict)  # path -> [size, mtime_ns, sha256]
    changed: set[str] = field(default_factory=set)  # bulletin keys this process recorded (merged into the file)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The manifest in out_dir; an empty one when absent, unreadable or of another version."""
        path = Path(out_dir) / MANIFEST_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("version") == MANIFEST_VERSION:
                return cls(path, dict(raw.get("bulletins", {})), dict(raw.get("files", {})))
        except (OSError, ValueError, AttributeError, TypeError):
            pass
        return cls(path)

    def failures(self) -> dict[str, str]:
        """Bulletins whose latest render failed: `<district>/<period>/<kind>` -> the failure message."""
        return {key: str(entry["failed"]) for key, entry in sorted(self.bulletins.items())
                if isinstance(entry, dict) and entry.get("failed")}

    def save(self) -> None:
        """Write the manifest atomically (a killed batch leaves the previous one whole), merged under a lock with
        what other processes wrote since it was loaded: their entries stay, this one's own entries win."""
        with _locked(self.path.parent / LOCK_NAME):
            on_disk = Manifest.load(self.path.parent)
            bulletins = on_disk.bulletins
            for key in self.changed:
                if key in self.bulletins:
                    bulletins[key] = self.bulletins[key]
                else:
                    bulletins.pop(key, None)
            self.bulletins = bulletins
            self.file_hashes = {**on_disk.file_hashes, **self.file_hashes}
            raw = {"version": MANIFEST_VERSION, "bulletins": self.bulletins, "files": self.file_hashes}
            write_atomic(self.path, (json.dumps(raw, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    def file_hash(self, path: Path) -> str:
        """Content hash of a file, read only when its size or mtime changed since last time."""
        stat = path.stat()
        key = str(path.resolve())
        known = self.file_hashes.get(key)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            return known[2]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        self.file_hashes[key] = [stat.st_size, stat.st_mtime_ns, digest.hexdigest()]
        return digest.hexdigest()

    def inputs_hash(self, files: list[tuple[str, Path | None]], parameters: dict[str, str]) -> str:
        """Hash of a render's inputs: named files (None = absent) and its parameters, with the code version."""
        digest = hashlib.sha256(code_version().encode())
        digest.update(json.dumps(parameters, sort_keys=True).encode())
        for name, path in files:
            digest.update(f"\n{name}\0{self.file_hash(path) if path is not None else '-'}".encode())
        return digest.hexdigest()

    def is_current(self, key: str, inputs: str, folder: Path) -> bool:
        """True if the bulletin was rendered from these inputs and its files are still as written."""
        entry = self.bulletins.get(key)
        if not entry or entry.get("inputs") != inputs or not entry.get("outputs"):
            return False
        for name, expected in entry["outputs"].items():
            path = Path(folder) / name
            if not path.is_file() or self.file_hash(path) != expected:
                return False
        return True

    def record(self, key: str, inputs: str, folder: Path, outputs: dict[str, str], seconds: dict[str, float]) -> None:
        """Remember a successful render: its inputs, the hashes of the files it wrote, its stage timings."""
        for name, digest in outputs.items():  # the writer knows the hashes: spare the next run reading the files
            path = Path(folder) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            self.file_hashes[str(path.resolve())] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed.add(key)
        self.bulletins[key] = {"inputs": inputs, "outputs": dict(sorted(outputs.items())),
                               "seconds": {k: round(v, 3) for k, v in sorted(seconds.items())}}

    def clear_failure(self, key: str) -> None:
        """Forget a failed render once the bulletin rendered again outside a batch (`bulletin run`)."""
        entry = self.bulletins.get(key)
        if entry and entry.pop("failed", None) is not None:
            self.changed.add(key)
            if not entry:
                del self.bulletins[key]

    def record_failure(self, key: str, message: str) -> None:
        """Remember that the latest render of a bulletin failed (its earlier good files, if any, stay recorded)."""
        entry = self.bulletins.setdefault(key, {})
        entry["failed"] = message
        self.changed.add(key)


@contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on the file at path (created if needed) for the block; released if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
