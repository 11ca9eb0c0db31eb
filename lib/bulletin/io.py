"""Reading export files as text: encodings, title rows above the header, Chinese aliases, 合计 rows, full-width forms.

A source is `data/<district>/<table>.{csv,xlsx,parquet}` or any such file inside a folder `<table>/`.
`read_source` returns the file's rows as text cells under English column names, indexed by the row
number the user sees in Excel (header row = 1 when it is the first row); typing is convert.py's job.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .schemas import TABLES

SUFFIXES = (".csv", ".xlsx", ".parquet")
_TOTAL_PREFIXES = ("合计", "小计", "总计", "共计")
_HEADER_SCAN = 30  # rows searched for the header line


class SourceProblem(Exception):
    """A file cannot be read as a table (message in Chinese); the column it concerns, if any."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


@dataclass
class RawTable:
    """One source file's rows as text, with what reading it dropped."""

    path: Path
    frame: pd.DataFrame  # English column names, str cells ("" = empty), index = Excel row numbers
    ignored: list[str] = field(default_factory=list)  # headers not in the table's schema
    totals_dropped: int = 0


def source_files(district_dir: Path, table: str) -> list[Path]:
    """The files holding one table of a district, in name order (a file beside a folder both count)."""
    files = [district_dir / f"{table}{suffix}" for suffix in SUFFIXES]
    found = [p for p in files if p.is_file()]
    folder = district_dir / table
    if folder.is_dir():
        found += sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                        and not p.name.startswith((".", "~$")))
    return found


def normalize_header(text: object) -> str:
    """Header cell as compared with aliases: NFKC (full-width to half-width), no whitespace or * marks."""
    value = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    return "".join(value.split()).strip("*")


def normalize_cells(values: pd.Series) -> pd.Series:
    """Text cells NFKC-normalized and stripped; empty and missing cells become ""."""
    values = values.fillna("").astype(str)
    codes, uniques = pd.factorize(values)
    uniques = list(uniques)
    if not uniques:
        return values
    joined = "\x1f".join(uniques)
    if joined.count("\x1f") == len(uniques) - 1:  # one C-level pass over all distinct values
        cleaned = unicodedata.normalize("NFKC", joined).split("\x1f")
    else:
        cleaned = [unicodedata.normalize("NFKC", u) for u in uniques]
    cleaned = pd.Series([c.strip() for c in cleaned], dtype=object)
    return pd.Series(cleaned.to_numpy()[codes], index=values.index, dtype=object)


def alias_map(table: str) -> dict[str, str]:
    """Every accepted header (English name or Chinese alias, normalized) to the English column name."""
    return {normalize_header(a): c.name for c in TABLES[table] for a in c.aliases}


def decode(path: Path, data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM) or GB18030/GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceProblem("文件编码为 UTF-16(Unicode 文本),不受支持:请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV")
    if b"\x00" in data[:8192]:
        raise SourceProblem("不是文本格式的CSV文件(可能是二进制文件或改了扩展名的Excel文件)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceProblem("无法识别文件编码(应为 UTF-8 或 GB18030/GBK)")


def _header_row(rows: list[list[str]], aliases: dict[str, str]) -> int:
    """Index of the row that names most of the table's columns (title rows above it are skipped)."""
    scores = [len({aliases[h] for h in map(normalize_header, row) if h in aliases}) for row in rows]
    if not scores or max(scores) == 0:
        return -1
    return scores.index(max(scores))


def _grid_csv(path: Path, aliases: dict[str, str]) -> tuple[pd.DataFrame, int]:
    data = path.read_bytes()
    if not data.strip():
        raise SourceProblem("文件为空")
    text = decode(path, data)
    head = list(itertools.islice(csv.reader(io.StringIO(text[: 1 << 16])), _HEADER_SCAN))
    h = _header_row(head, aliases)
    if h < 0:
        return pd.DataFrame(), -1
    try:
        frame = pd.read_csv(io.StringIO(text), skiprows=h, header=0, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, on_bad_lines="error", engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceProblem(f"CSV格式错误:{_csv_error_text(str(exc))}") from None
    return frame, h


def _csv_error_text(message: str) -> str:
    """pandas' CSV parser error in Chinese, with the file's line where it can tell (pandas counts from the file's start)."""
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, saw = map(int, fields.groups())
        return f"第{line}行有{saw}列,而表头只有{expected}列(多了逗号或缺少引号)"
    if "EOF inside string" in message:
        return "引号不配对(某个单元格以引号开头却没有结束引号)"
    return "文件无法按CSV解析(请在Excel中打开检查后另存为CSV)"


def _grid_excel(path: Path, aliases: dict[str, str]) -> tuple[pd.DataFrame, int]:
    try:
        grid = pd.read_excel(path, header=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise SourceProblem(f"无法读取Excel文件({type(exc).__name__})") from None
    grid = grid.fillna("")
    h = _header_row(grid.head(_HEADER_SCAN).to_numpy().tolist(), aliases)
    if h < 0:
        return pd.DataFrame(), -1
    frame = grid.iloc[h + 1:].copy()
    frame.columns = [str(c) for c in grid.iloc[h]]
    return frame.reset_index(drop=True), h


def _grid_parquet(path: Path) -> tuple[pd.DataFrame, int]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise SourceProblem(f"无法读取Parquet文件({type(exc).__name__})") from None
    return frame.astype("string").fillna(""), 0


def read_source(path: Path, table: str) -> RawTable:
    """One file of a table as text cells under English names; SourceProblem if it cannot be read."""
    aliases = alias_map(table)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        grid, h = _grid_csv(path, aliases)
    elif suffix == ".xlsx":
        grid, h = _grid_excel(path, aliases)
    else:
        grid, h = _grid_parquet(path)
    if h < 0:
        wanted = "、".join(c.alias for c in TABLES[table] if c.required)
        raise SourceProblem(f"找不到表头行(前{_HEADER_SCAN}行中没有本表的列名,应包含:{wanted})")
    # Excel row of each record: title rows, then the header row, then data from the next row.
    grid.index = pd.RangeIndex(h + 2, h + 2 + len(grid))
    columns: dict[str, pd.Series] = {}
    ignored = []
    for position, raw_name in enumerate(grid.columns):
        name = aliases.get(normalize_header(raw_name))
        if name is None or name in columns:
            ignored.append(str(raw_name))
            continue
        columns[name] = normalize_cells(grid.iloc[:, position])
    if not columns:
        wanted = "、".join(c.alias for c in TABLES[table] if c.required)
        raise SourceProblem(f"找不到本表的任何列(应包含:{wanted})")
    frame = pd.DataFrame(columns, index=grid.index)
    first = grid.iloc[:, :2].astype(str).apply(lambda s: s.str.strip())
    totals = first.apply(lambda s: s.str.startswith(_TOTAL_PREFIXES)).any(axis=1) if len(grid) else pd.Series(dtype=bool)
    empty = (frame == "").all(axis=1) if len(frame.columns) else pd.Series(True, index=frame.index)
    keep = ~(totals.to_numpy() if len(grid) else empty.to_numpy()) & ~empty.to_numpy()
    return RawTable(path=path, frame=frame.loc[keep], ignored=[c for c in ignored if c and not c.startswith("Unnamed")],
                    totals_dropped=int(totals.sum()) if len(grid) else 0)
