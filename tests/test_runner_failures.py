"""A run that fails (bad data, an error in a cell, the kernel killed, the disk full) leaves the previous good
bulletin byte-identical, no temp file in outputs/, and a Chinese message without a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from bulletin.run import outputs
from bulletin.cli import app
from conftest import ROOT, TRUST_PERIODS, fill_disk_on_write

pytestmark = pytest.mark.slow  # real renders that fail at each stage

DISTRICT = "tongshan"
PERIOD = TRUST_PERIODS["monthly"]


@pytest.fixture
def project(trust_project: Path, tmp_path: Path) -> Path:
    """A copy of the trust project's inputs with its good monthly bulletin (and index) already in outputs/."""
    root = tmp_path / "project"
    shutil.copytree(trust_project / "params", root / "params")
    shutil.copytree(trust_project / "data" / DISTRICT, root / "data" / DISTRICT, symlinks=True)
    shutil.copytree(trust_project / "outputs" / DISTRICT / PERIOD, root / "outputs" / DISTRICT / PERIOD)
    shutil.copy2(trust_project / "outputs" / "index.html", root / "outputs" / "index.html")
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under outputs/ but the district's validation page (a run writes it whenever it validates)."""
    out = root / "outputs"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "validation.html"}


def _notebooks_with(tmp_path: Path, source: str) -> Path:
    """A notebooks folder whose monthly notebook runs `source` in a cell right after the figures are computed."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "monthly.ipynb", as_version=4)
    at = next(i for i, cell in enumerate(nb.cells) if "emit_figures" in cell.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, folder / "monthly.ipynb")
    return folder


def _run(root: Path, notebooks: Path) -> str:
    args = ["run", "--district", DISTRICT, "--period", PERIOD, "--kind", "monthly", "--data-dir", str(root / "data"),
            "--params-dir", str(root / "params"), "--out-dir", str(root / "outputs"), "--notebooks-dir", str(notebooks)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.output


def _assert_kept(root: Path, before: dict[str, bytes]) -> None:
    after = _snapshot(root)
    assert [name for name in after if name.endswith(outputs.TMP_SUFFIX) or "/." in name] == []
    assert after == before


def test_error_in_a_cell(project: Path, tmp_path: Path):
    """A cell that raises: the message names the notebook and the error; the old bulletin stays."""
    before = _snapshot(project)
    output = _run(project, _notebooks_with(tmp_path, "raise RuntimeError('单元出错了')"))
    assert "monthly.ipynb" in output and "单元出错了" in output
    _assert_kept(project, before)


def test_kernel_killed(project: Path, tmp_path: Path):
    """The kernel killed mid-run (SIGKILL): a Chinese message that the kernel died; the old bulletin stays."""
    before = _snapshot(project)
    output = _run(project, _notebooks_with(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    assert "内核" in output
    _assert_kept(project, before)


def test_disk_full_while_publishing(project: Path, monkeypatch):
    """Disk full while the files are written: the message says so in Chinese; the old bulletin stays."""
    fill_disk_on_write(monkeypatch, 3)
    before = _snapshot(project)
    output = _run(project, ROOT / "notebooks")
    assert "磁盘空间不足" in output
    _assert_kept(project, before)


def test_bad_data(project: Path):
    """Data that fails validation after a good run: refused before any kernel starts; the old bulletin stays."""
    before = _snapshot(project)
    target = project / "data" / DISTRICT / "complaints.csv"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\nX,,,,,,,\n", 1))
    output = _run(project, ROOT / "notebooks")
    assert "complaints.csv" in output and "第2行" in output
    _assert_kept(project, before)
    page = (project / "outputs" / DISTRICT / "validation.html").read_text(encoding="utf-8")
    assert "数据校验未通过" in page and "complaints.csv" in page
