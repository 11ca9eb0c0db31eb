"""`bulletin ingest` leaves no worker behind when it is killed (issue 14 item 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_ingest import _good

SCRIPT = """
import sys, time
from pathlib import Path
from bulletin.run.ingest import ingest_many
results = ingest_many(Path(sys.argv[1]), ["a1", "b2", "c3"], jobs=2)
print(next(results).district, flush=True)  # one district done; another worker is stuck reading a pipe
time.sleep(600)
"""


def _children(pid: int) -> list[int]:
    """The live child processes of pid (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ingest_workers_die_with_a_killed_parent(tmp_path: Path):
    """After SIGKILL of the ingesting process, its worker processes (one busy, one idle) are gone within seconds."""
    data = tmp_path / "data"
    _good(data, "a1")
    _good(data, "b2")
    stuck = _good(data, "c3") / "cases" / "2024-07.csv"
    os.mkfifo(stuck)  # reading it blocks: a worker busy for as long as the test wants
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, str(data)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert parent.stdout.readline().strip() in ("a1", "b2", "c3")
        workers = [p for p in _children(parent.pid)]
        assert workers, "the pool's workers run as children of the ingesting process"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if _alive(w)]
    finally:
        parent.kill()
        for w in _children(parent.pid):
            os.kill(w, signal.SIGKILL)
