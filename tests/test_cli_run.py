"""`bulletin run` without --kind renders the enabled kinds that fit the period and refreshes the index."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from conftest import cli_args, make_project

DISTRICT = "tongshan"


@pytest.mark.slow
def test_run_without_kind_renders_the_kinds_that_fit_and_the_index(tmp_path: Path):
    """For a month, only the monthly bulletin is rendered (no failure on quarterly), and the index lists it."""
    root = make_project(tmp_path, [DISTRICT], "2024-04", "2024-06", 0.005)
    result = CliRunner().invoke(app, cli_args(root, "run", "--district", DISTRICT, "--period", "2024-06"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (root / "outputs" / DISTRICT / "2024-06").iterdir())
    assert written == ["monthly.docx", "monthly.html", "monthly.ipynb", "monthly.json", "monthly.pdf", "monthly.xlsx"]
    assert "2024-06/monthly.html" in (root / "outputs" / "index.html").read_text(encoding="utf-8")
    notebook = (root / "outputs" / DISTRICT / "2024-06" / "monthly.ipynb").read_text(encoding="utf-8")
    assert str(root) not in notebook  # folders recorded relative to the project
