"""Blocks -> HTML through Jinja2 templates (autoescape on): the bulletin page, and fragments for notebook outputs.

`render_page` is the public entry for any HTML of a bulletin (the runner's <kind>.html, the PDF's source,
an nbconvert exporter): it takes a `Document` or a list of blocks, never notebook outputs.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bulletin.document.model import Block, Document, Table

TEMPLATES = Path(__file__).parent / "templates" / "bulletin"
SCREEN_CSS = "bulletin.css"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the bulletin templates (autoescape for every template, loaded once per process)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True,
                      default_for_string=True), trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    env.filters["kind"] = lambda block: type(block).__name__
    return env


@lru_cache(maxsize=4)
def stylesheet(name: str) -> str:
    """A stylesheet beside the templates, as text."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _blocks(document: Document | Iterable[Block]) -> list[Block]:
    return list(document.blocks if isinstance(document, Document) else document)


class TableNumbers:
    """表N of captioned tables (body and 附件 alike) in the order a renderer meets them: call it once per table."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, t: Table) -> int | None:
        if not t.caption:
            return None
        self.count += 1
        return self.count


def _context(blocks: list[Block]) -> dict:
    return {"blocks": blocks, "number_of": TableNumbers()}


def render_blocks(document: Document | Iterable[Block]) -> str:
    """The HTML fragment of blocks in order (no page around them)."""
    blocks = _blocks(document)
    return environment().get_template("blocks.html.j2").render(_context(blocks))


def render_page(document: Document | Iterable[Block], title: str, css: str | None = None) -> str:
    """The self-contained bulletin page of a document; `css` replaces the screen stylesheet (e.g. the PDF's)."""
    blocks = _blocks(document)
    # The stylesheet is the package's own file, not data: inserted as it is (escaping would break its quotes).
    context = {**_context(blocks), "title": title, "css": Markup(stylesheet(SCREEN_CSS) if css is None else css)}
    return environment().get_template("page.html.j2").render(context)
