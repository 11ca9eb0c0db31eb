"""Executed notebook -> self-contained HTML with the bulletin template (no code, no prompts, no external reference)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

TEMPLATES = Path(__file__).parent / "templates"
REMOVE_TAG = "remove"


@lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """One exporter per process: template loading is the slow part of nbconvert."""
    exporter = HTMLExporter(template_name="bulletin", extra_template_basedirs=[str(TEMPLATES)])
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
    return exporter


def warm_exporter() -> None:
    """Load the page template now, so a batch worker pays for it at start-up rather than in its first bulletin."""
    _exporter()


def export_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """The bulletin page of an executed notebook."""
    body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body
