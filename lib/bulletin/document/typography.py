"""Chinese typography (GB/T 15834): half-width , ; : ? ! ( ) become full-width in Chinese context.

Numbers and Latin text keep their half-width marks (1,234 件, 12:30, Noto (SC)). Applied once, where blocks
are made (`builder.Bulletin.show`), so HTML, Word and PDF print the same characters.
"""

from __future__ import annotations

import dataclasses
import re

from bulletin.document.model import (
    Attachment, AttachmentNote, Block, Figure, Heading, Imprint, Paragraph, Table, TitleBlock,
)

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# Han characters, CJK and full-width punctuation, and the quotes, dashes and ellipsis Chinese text uses.
_CJK = re.compile(r"[\u2014\u2018-\u201d\u2026\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK.match(ch) is not None


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest non-space character from position i in direction step ('' at the edge)."""
    i += step
    while 0 <= i < len(text) and text[i] == " ":
        i += step
    return text[i] if 0 <= i < len(text) else ""


def full_width(text: str) -> str:
    """The text with , ; : ? ! ( ) full-width where they stand in Chinese context (GB/T 15834).

    A mark is in Chinese context when the character before or after it is Chinese, except , and : between
    two digits (1,234 and 12:30); a pair of parentheses is when it encloses Chinese or touches it outside.
    Spaces are kept as written (data text is never reflowed)."""
    if not text or not any(c in FULL_WIDTH for c in text):
        return text
    chars = list(text)
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append(i)
        elif ch == ")" and opened:
            start = opened.pop()
            inner = text[start + 1:i]
            outside = (text[start - 1] if start else "", text[i + 1] if i + 1 < len(text) else "")
            if any(_is_cjk(c) for c in inner) or any(_is_cjk(c) for c in outside):
                chars[start], chars[i] = "（", "）"
        elif ch in ",;:?!":
            before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
            if ch in ",:" and before.isdigit() and after.isdigit() and before.isascii() and after.isascii():
                continue
            if _is_cjk(before) or _is_cjk(after):
                chars[i] = FULL_WIDTH[ch]
    return "".join(chars)


def _table(t: Table) -> Table:
    return dataclasses.replace(
        t, header=tuple(full_width(h) for h in t.header),
        rows=tuple(tuple(full_width(c) for c in row) for row in t.rows), caption=full_width(t.caption))


def typeset(block: Block) -> Block:
    """The block with its Chinese text in full-width punctuation (headings, paragraphs, table cells, captions)."""
    if isinstance(block, (Paragraph, Heading)):
        return dataclasses.replace(block, text=full_width(block.text))
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return dataclasses.replace(block, caption=full_width(block.caption))
    if isinstance(block, AttachmentNote):
        return dataclasses.replace(block, items=tuple(full_width(i) for i in block.items))
    if isinstance(block, Attachment):
        return dataclasses.replace(block, title=full_width(block.title), tables=tuple(_table(t) for t in block.tables))
    if isinstance(block, Imprint):
        return dataclasses.replace(block, cc=full_width(block.cc))
    if isinstance(block, TitleBlock):
        return dataclasses.replace(block, title=full_width(block.title), period_label=full_width(block.period_label))
    return block
