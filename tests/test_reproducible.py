"""The same inputs give byte-identical bulletins on any machine: another process, folder, hash seed, time zone,
locale and matplotlib cache render the same HTML, JSON, xlsx and notebook (its input folders are recorded
relative to the project)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TRUST_PERIODS, cli_args

pytestmark = pytest.mark.slow  # renders the trust project again in a subprocess

DISTRICT = "tongshan"


@pytest.fixture(scope="module")
def elsewhere(trust_project: Path, tmp_path_factory) -> Path:
    """The trust project's inputs copied to another folder (no validated-store cache) and rendered there in a
    separate process with a different environment."""
    root = tmp_path_factory.mktemp("elsewhere") / "another machine"
    shutil.copytree(trust_project / "data" / DISTRICT, root / "data" / DISTRICT)
    shutil.copytree(trust_project / "params", root / "params")
    runfile = root / "params" / "runs" / "again.yaml"
    runfile.write_text(f"districts: [{DISTRICT}]\nperiods: [{', '.join(TRUST_PERIODS.values())}]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONHASHSEED": "4242", "TZ": "Pacific/Auckland", "LANG": "C", "LC_ALL": "C",
           "MPLCONFIGDIR": str(root / "mplconfig"), "SOURCE_DATE_EPOCH": "1"}
    proc = subprocess.run([sys.executable, "-m", "bulletin.cli", *cli_args(root, "batch", str(runfile), "--jobs", "2")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


@pytest.mark.parametrize("suffix", ["html", "json", "xlsx", "docx", "pdf"])
@pytest.mark.parametrize("kind", list(TRUST_PERIODS))
def test_bytes_identical(trust_project: Path, elsewhere: Path, kind: str, suffix: str):
    """The page, the Word file, the PDF, the figures and the 附件 workbook are byte-for-byte the same."""
    name = Path(DISTRICT) / TRUST_PERIODS[kind] / f"{kind}.{suffix}"
    first, second = (trust_project / "outputs" / name).read_bytes(), (elsewhere / "outputs" / name).read_bytes()
    assert first == second


@pytest.mark.parametrize("kind", list(TRUST_PERIODS))
def test_notebook_identical_with_project_relative_paths(trust_project: Path, elsewhere: Path, kind: str):
    """The executed notebook is byte-identical too: it records the data/params folders relative to the project."""
    name = Path(DISTRICT) / TRUST_PERIODS[kind] / f"{kind}.ipynb"
    first = (trust_project / "outputs" / name).read_text(encoding="utf-8")
    second = (elsewhere / "outputs" / name).read_text(encoding="utf-8")
    assert str(trust_project) not in first and str(elsewhere) not in second and "Auckland" not in second
    assert 'data_dir = \\"data\\"' in first  # as JSON writes the injected line data_dir = "data"
    assert first == second
