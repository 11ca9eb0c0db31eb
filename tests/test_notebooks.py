"""The notebooks as analysts meet them in JupyterLab: committed without outputs, in step with their paired
.py files, and runnable with their default parameters from notebooks/ (data in ../data, params in ../params)."""

from __future__ import annotations

import shutil
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from bulletin.config import KIND_LABELS
from bulletin.document.builder import FIGURES_MIMETYPE
from conftest import ROOT, make_project

NOTEBOOKS = ROOT / "notebooks"


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source.strip() for cell in nb.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("kind", list(KIND_LABELS))
def test_committed_without_outputs(kind: str):
    """Committed notebooks hold no outputs and no execution counts."""
    nb = nbformat.read(NOTEBOOKS / f"{kind}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("kind", list(KIND_LABELS))
def test_paired_script_in_step(kind: str):
    """An edit to one side of the jupytext pair without syncing the other would review one thing and run another."""
    notebook = nbformat.read(NOTEBOOKS / f"{kind}.ipynb", as_version=4)
    script = jupytext.read(NOTEBOOKS / f"{kind}.py")
    assert _code(notebook) == _code(script)


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> Path:
    """The repository's layout in a temporary folder: notebooks/, and demo data for the notebooks' default
    district over the months their default periods read."""
    root = make_project(tmp_path_factory.mktemp("lab"), ["yunhe"], "2023-01", "2024-12", 0.01)
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    return root


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KIND_LABELS))
def test_default_parameters_run_from_the_notebooks_folder(layout: Path, kind: str):
    """What happens when an analyst opens a notebook in JupyterLab and runs all cells, unchanged."""
    folder = layout / "notebooks"
    executed = papermill.execute_notebook(str(folder / f"{kind}.ipynb"), str(layout / f"{kind}-run.ipynb"),
                                          cwd=str(folder), kernel_name="python3", progress_bar=False,
                                          log_output=False)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = next(o.data[FIGURES_MIMETYPE] for o in outputs if FIGURES_MIMETYPE in o.data.keys())
    assert figures["district"] == "yunhe" and figures["kind"] == kind and figures["cases"]["received"] > 0
