"""benchmarks/ingest.py runs end to end at a small scale and prints its table (timings are never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow  # runs the ingest benchmark script


def _run_benchmark(script: str, rows: int, tmp_path: Path, timeout: int) -> str:
    """The standard output of benchmarks/<script> on 3 small districts; it must exit 0."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--rows", str(rows), "--districts", "3",
         "--dir", str(tmp_path / "bench")],
        capture_output=True, text=True, timeout=timeout, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_ingest_benchmark_runs_small(tmp_path: Path):
    """Generate, ingest, validate and load 3 small districts: exit 0, every row of the table printed, no errors."""
    out = _run_benchmark("ingest.py", 24000, tmp_path, timeout=300)
    for label in ("generate CSV exports", "ingest + validate", "peak memory", "load one district-month", "compute its figures"):
        assert label in out
    assert "24000 cases + 24000 evaluations" in out
    assert re.search(r"districts with errors\s+0\b", out)
    generated = tmp_path / "bench" / "data"
    assert (generated / "d01" / "cases" / "2023-01.csv").read_bytes().decode("gb18030").startswith("2023-01办件明细")


def test_regional_benchmark_runs_small(tmp_path: Path):
    """benchmarks/regional.py on 3 small districts: exit 0, aggregates and both regional renders printed."""
    out = _run_benchmark("regional.py", 3000, tmp_path, timeout=600)
    for label in ("aggregate every district (once)", "regional monthly bulletin 2024-06 (render)",
                  "the same in a warm batch worker"):
        assert label in out
    assert "0 failed" in out
