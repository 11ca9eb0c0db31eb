"""Standalone pages (the outputs index, the validation report) rendered from Jinja2 templates with autoescape.

The templates and their CSS live in templates/pages/, beside the bulletin's nbconvert template. Every
value passed in is escaped by the template; HTML already escaped by a block renderer comes in as `Markup`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

PAGES = Path(__file__).parent / "templates" / "pages"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """One environment per process: autoescape on, undefined names an error, no stray whitespace."""
    return Environment(
        loader=FileSystemLoader(PAGES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, **context: object) -> str:
    """The HTML of one page template (e.g. "index.html.j2") filled with the context."""
    return _environment().get_template(template).render(**context)
