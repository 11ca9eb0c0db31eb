"""Blocks as HTML fragments for the bulletin page; every text passes through `esc`."""

from __future__ import annotations

import base64
import html
from functools import singledispatch
from typing import Iterable

from bulletin.document.model import (
    Attachment, AttachmentNote, Block, Figure, Heading, Imprint, Paragraph, Signature, Table, TitleBlock,
)


def esc(value: object) -> str:
    """The value as HTML-escaped text (quotes included)."""
    return html.escape(str(value), quote=True)


def blocks_html(blocks: Iterable[Block]) -> str:
    """The HTML of blocks in order."""
    return "".join(block_html(b) for b in blocks)


@singledispatch
def block_html(block: Block) -> str:
    """The HTML of one block."""
    raise TypeError(f"no HTML for {type(block).__name__}")


@block_html.register
def _(b: Paragraph) -> str:
    attr = "" if b.role == "body" else f' class="{esc(b.role)}"'
    return f"<p{attr}>{esc(b.text)}</p>"


@block_html.register
def _(b: Heading) -> str:
    level = min(b.level + 1, 6)  # 一、 is <h2> (the title is <h1>)
    return f"<h{level}>{esc(b.text)}</h{level}>"


@block_html.register
def _(b: Table) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in b.header)
    body = []
    for row in b.rows:
        cells = "".join(
            f'<td class="num">{esc(c)}</td>' if i in b.numeric else f"<td>{esc(c)}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{esc(b.caption)}</caption>" if b.caption else ""
    return f'<table class="{esc(b.role)}">{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


@block_html.register
def _(b: Figure) -> str:
    data = base64.b64encode(b.png).decode("ascii")
    return (
        f'<figure class="chart"><img alt="图{b.number} {esc(b.caption)}" src="data:image/png;base64,{data}"/>'
        f"<figcaption>图{b.number} {esc(b.caption)}</figcaption></figure>"
    )


@block_html.register
def _(b: TitleBlock) -> str:
    demo = '<div class="demo-mark">示例数据</div>' if b.demo else ""
    return (
        f'<header class="title-block">{demo}'
        f'<div class="issuer-red">{esc(b.issuer)}</div>'
        f'<div class="doc-number">{esc(b.doc_number)}</div><hr class="red-rule"/>'
        f'<h1 class="doc-title">{esc(b.title)}</h1>'
        f'<div class="doc-period">({esc(b.period_label)})</div></header>'
    )


@block_html.register
def _(b: AttachmentNote) -> str:
    lines = "".join(
        f'<a href="{esc(b.file)}">{esc(item)}({esc(b.file)})</a>' if b.file else esc(item) for item in b.items
    )
    return f'<p class="attachment-line">附件:{lines}</p>'


@block_html.register
def _(b: Signature) -> str:
    return f'<footer class="signature"><div>{esc(b.issuer)}</div><div>{esc(b.date)}</div></footer>'


@block_html.register
def _(b: Attachment) -> str:
    return (f'<section class="attachment"><div class="attachment-title">附件{b.number}</div>'
            f"<h2>{esc(b.title)}</h2>{blocks_html(b.tables)}</section>")


@block_html.register
def _(b: Imprint) -> str:
    parts = [f"<div>抄送:{esc(b.cc)}</div>" if b.cc else "",
             f"<div>{esc(b.printed_by)} {esc(b.printed_date)}印发</div>" if b.printed_by else ""]
    return f'<footer class="imprint">{"".join(parts)}</footer>' if any(parts) else ""
