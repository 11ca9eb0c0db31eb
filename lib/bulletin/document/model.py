"""A bulletin as a sequence of typed blocks: the one description every format (HTML, Word, PDF) renders.

The notebook builds the blocks (through `document.builder.Bulletin`), emits them as JSON from the
kernel, and the runner hands them to each renderer. Text in a block is plain text, never markup:
each renderer escapes it for its own format.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Union

BLOCKS_MIMETYPE = "application/vnd.bulletin.blocks+json"


@dataclass(frozen=True)
class TitleBlock:
    """版头 and title: 发文机关标志 (red), 发文字号, the red rule, the title and the period line."""

    issuer: str
    doc_number: str
    title: str
    period_label: str
    demo: bool = False


@dataclass(frozen=True)
class Heading:
    """A numbered heading; level 1 is 一、 (黑体), 2 is （一） (楷体), 3 is 1. and 4 is （1） (仿宋 bold).

    `text` carries its number (一、总体运行情况)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of body text; role `body` (generated), `note` (analyst text verbatim) or `lead`."""

    text: str
    role: str = "body"


@dataclass(frozen=True)
class Table:
    """A table: header row(s), body rows of display strings, columns in `numeric` align right.

    `caption` is the 表N line without its number (the renderer numbers tables in order);
    `role` names the kind of table (ranking, findings, targets ...) for styling."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()
    role: str = "data"


@dataclass(frozen=True)
class Figure:
    """A chart: PNG bytes, its number (图N) and caption."""

    png: bytes
    number: int
    caption: str


# Printed charts fit within 150 x 60 mm: under a third of the 225 mm 版心, so one that moves to the next page leaves
# no large gap. Word and PDF both size charts with chart_width_mm.
CHART_MAX_MM = (150.0, 60.0)


def chart_width_mm(png: bytes) -> float:
    """The printed width of a chart: as wide as the 版心 allows while its height stays within CHART_MAX_MM."""
    from bulletin.errors import RenderError

    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise RenderError("图表不是有效的 PNG 图片,无法生成 Word 或 PDF 文件。")
    width, height = struct.unpack(">II", png[16:24])
    max_width, max_height = CHART_MAX_MM
    return round(min(max_width, max_height * width / max(height, 1)), 2)


@dataclass(frozen=True)
class AttachmentNote:
    """附件说明 after the body: one line per attachment (附件：1. ...), with the file it is also in."""

    items: tuple[str, ...]
    file: str = ""


@dataclass(frozen=True)
class Signature:
    """发文机关署名 and 成文日期 (2024年7月5日)."""

    issuer: str
    date: str


@dataclass(frozen=True)
class Attachment:
    """One 附件 as pages of its own: 附件N at the top left, a title, its tables (表1..表N)."""

    number: int
    title: str
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Imprint:
    """版记 at the foot of the last page: 抄送, 印发机关 and 印发日期 (left out when not given)."""

    cc: str = ""
    printed_by: str = ""
    printed_date: str = ""


Block = Union[TitleBlock, Heading, Paragraph, Table, Figure, AttachmentNote, Signature, Attachment, Imprint]
BLOCK_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (TitleBlock, Heading, Paragraph, Table, Figure, AttachmentNote, Signature, Attachment, Imprint)
}


def to_json(block: Block) -> dict[str, Any]:
    """A block as a JSON-ready dict with its `type` (PNG bytes as base64)."""
    out: dict[str, Any] = {"type": type(block).__name__}
    for f in fields(block):
        value = getattr(block, f.name)
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        elif isinstance(block, Attachment) and f.name == "tables":
            value = [to_json(t) for t in value]
        elif isinstance(value, tuple):
            value = asdict(block)[f.name]
        out[f.name] = value
    return out


def from_json(data: dict[str, Any]) -> Block:
    """The block a `to_json` dict describes."""
    data = dict(data)
    cls = BLOCK_TYPES[data.pop("type")]
    if cls is Figure:
        data["png"] = base64.b64decode(data["png"])
    if cls is Table:
        data["header"] = tuple(str(h) for h in data["header"])
        data["rows"] = tuple(tuple(str(c) for c in row) for row in data["rows"])
        data["numeric"] = tuple(data.get("numeric") or ())
    if cls is Attachment:
        data["tables"] = tuple(from_json(t) for t in data.get("tables") or ())
    if cls is AttachmentNote:
        data["items"] = tuple(data["items"])
    return cls(**data)


def table(header: Iterable[object], rows: Iterable[Iterable[object]], *, caption: str = "",
          numeric: Iterable[int] = (), role: str = "data") -> Table:
    """A Table with every cell as display text."""
    return Table(tuple(str(h) for h in header), tuple(tuple(str(c) for c in row) for row in rows),
                 caption, tuple(numeric), role)


def paragraphs(text: str, role: str = "note") -> list[Paragraph]:
    """Analyst text verbatim: one paragraph per non-empty line."""
    return [Paragraph(line.strip(), role) for line in str(text).splitlines() if line.strip()]


@dataclass
class Document:
    """The blocks of one bulletin, in reading order."""

    blocks: list[Block] = field(default_factory=list)

    def to_json(self) -> list[dict[str, Any]]:
        """Every block as JSON."""
        return [to_json(b) for b in self.blocks]

    @classmethod
    def from_json(cls, data: Iterable[dict[str, Any]]) -> "Document":
        """The document a `to_json` list describes."""
        return cls([from_json(d) for d in data])
