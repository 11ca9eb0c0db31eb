"""Executed notebook -> self-contained HTML with the bulletin template (no code, no prompts, no external reference)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from bulletin.config import KIND_LABELS
from bulletin.document.prose import figures_of, fill_notebook

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


def page_title(figures: dict) -> str | None:
    """The page title a bulletin's figures name (云河区2024年6月政务服务工作月通报), None when they do not."""
    kind = KIND_LABELS.get(figures.get("kind", ""))
    if not kind or not figures.get("district_name") or not figures.get("period_label"):
        return None
    return f"{figures['district_name']}{figures['period_label']}政务服务工作{kind}"


class BulletinExporter(HTMLExporter):
    """`jupyter nbconvert --to bulletin OUT.ipynb`: the official page of any executed bulletin notebook.

    Registered under the `nbconvert.exporters` entry point `bulletin`. Markdown prose is filled from the
    figures the notebook emitted (as `bulletin run` does), cells tagged `remove` and all code are left out,
    and the title comes from the figures."""

    export_from_notebook = "bulletin"

    def __init__(self, **kwargs):
        kwargs.setdefault("template_name", "bulletin")
        kwargs.setdefault("extra_template_basedirs", [str(TEMPLATES)])
        super().__init__(**kwargs)
        self.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        """The page: prose filled, then the bulletin template."""
        nb = fill_notebook(nb)
        resources = dict(resources or {})
        title = page_title(figures_of(nb) or {})
        if title:
            resources["metadata"] = {**dict(resources.get("metadata") or {}), "name": title}
        return super().from_notebook_node(nb, resources, **kw)
