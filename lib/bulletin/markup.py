"""Small HTML builders for bulletin text; every data-derived string passes through `esc`."""

from __future__ import annotations

import base64
import html
from typing import Iterable, Sequence


def esc(value: object) -> str:
    """The value as HTML-escaped text (quotes included)."""
    return html.escape(str(value), quote=True)


def para(text_html: str, cls: str = "") -> str:
    """A paragraph of already-escaped HTML."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<p{attr}>{text_html}</p>"


def heading(text: str, level: int = 2) -> str:
    """A section heading (一、总体情况 at level 2, (一) at level 3)."""
    return f"<h{level}>{esc(text)}</h{level}>"


def lines(text: str, cls: str = "note") -> str:
    """Analyst text verbatim: escaped, one paragraph per non-empty line."""
    return "".join(para(esc(line.strip()), cls) for line in str(text).splitlines() if line.strip())


def table(header: Sequence[str], rows: Iterable[Sequence[object]], cls: str = "data", numeric: Sequence[int] = ()) -> str:
    """An HTML table with escaped cells; columns listed in `numeric` align right."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def figure(png: bytes, number: int, caption: str) -> str:
    """A numbered chart (图N caption) with the PNG embedded as a data URI."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="chart"><img alt="图{number} {esc(caption)}" src="data:image/png;base64,{data}"/>'
        f"<figcaption>图{number} {esc(caption)}</figcaption></figure>"
    )
