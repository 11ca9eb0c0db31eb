"""Blocks as HTML fragments for notebook outputs (what JupyterLab shows); the same templates as the page."""

from __future__ import annotations

import html
from typing import Iterable

from bulletin.document.model import Block
from bulletin.document.page import render_blocks


def blocks_html(blocks: Iterable[Block]) -> str:
    """The HTML of blocks in order, as the bulletin page shows them."""
    return render_blocks(blocks)


def block_html(block: Block) -> str:
    """The HTML of one block."""
    return render_blocks([block])


def esc(value: object) -> str:
    """The value as HTML-escaped text (quotes included), for pages not yet made from templates."""
    return html.escape(str(value), quote=True)
