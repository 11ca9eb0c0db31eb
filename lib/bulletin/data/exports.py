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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bulletin.data.schemas import TABLES

SUFFIXES = (".csv", ".xlsx", ".xls", ".parquet")
# Control characters a cell must not carry into a page or a terminal (NUL, ESC ...); tab and line breaks stay.
CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_C0 = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080-U+009F in UTF-8
_TOTAL_PREFIXES = ("合计", "小计", "总计", "共计")
_HEADER_SCAN = 30  # rows searched for the header line


class SourceProblem(Exception):
    """A file cannot be read as a table (message in Chinese); the column it concerns, if any."""

    def __init__(self, message: str, column: str | None = None, row: int | None = None):
        super().__init__(message)
        self.column = column
        self.row = row  # Excel row, when the problem is on one


@dataclass
class RawTable:
    """One source file's rows as text, with what reading it dropped."""

    path: Path
    frame: pd.DataFrame  # English column names, str cells ("" = empty), index = Excel row numbers
    ignored: list[str] = field(default_factory=list)  # headers not in the table's schema
    totals_dropped: int = 0
    header_row: int = 1  # Excel row of the header line
    cleaned: list[tuple[int, str, str]] = field(default_factory=list)  # (Excel row, column, value) freed of control chars


def source_files(district_dir: Path, table: str) -> list[Path]:
    """The files holding one table of a district, in name order (a file beside a folder both count)."""
    files = [district_dir / f"{table}{suffix}" for suffix in SUFFIXES]
    found = [p for p in files if p.is_file()]
    folder = district_dir / table
    if folder.is_dir():
        found += sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                        and not p.name.startswith((".", "~$")))
    return found


def stray_files(district_dir: Path, tables: tuple[str, ...]) -> list[Path]:
    """Files under a district folder that no table reads (a typo in a name, .txt/.docx, Excel lock files), by name."""
    used = {p for table in tables for p in source_files(district_dir, table)}
    found = []
    for path in sorted(district_dir.rglob("*")):
        if path.name == ".gitkeep" or path in used or (path.is_dir() and path.relative_to(district_dir).parts[0] in tables
                                                      and len(path.relative_to(district_dir).parts) == 1):
            continue
        if path.is_dir() and not path.is_symlink():
            continue  # an unexpected folder shows through the files in it
        found.append(path)
    return found


def outside_link(path: Path, root: Path) -> Path | None:
    """Where `path` leads when it is (or passes through) a symbolic link that leads outside `root`; else None."""
    try:
        target = path.resolve()
        target.relative_to(Path(root).resolve())
    except ValueError:
        return target
    except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
        return path
    return None


def clean_controls(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Text cells without control characters (NUL, ESC, ...), and which cells had some."""
    values = pc.fill_null(values.cast(pa.string()), "")
    hit = pc.match_substring_regex(values, CONTROL_CHARS).to_numpy(zero_copy_only=False)
    if not hit.any():
        return values, hit
    return pc.replace_substring_regex(values, CONTROL_CHARS, ""), hit


def normalize_header(text: object) -> str:
    """Header cell as compared with aliases: NFKC (full-width to half-width), no whitespace or * marks."""
    value = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    return "".join(value.split()).strip("*")


def _normalize_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Arrow text cells NFKC-normalized and stripped, "" for missing; NFKC runs once per distinct non-ASCII value."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    values = pc.fill_null(values.cast(pa.string()), "")
    if not pc.all(pc.string_is_ascii(values)).as_py():  # full-width forms, ideographic spaces ...
        encoded = pc.dictionary_encode(values)
        uniques = encoded.dictionary.to_pylist()
        joined = "\x1f".join(uniques)
        if joined.count("\x1f") == len(uniques) - 1:  # one C-level pass over all distinct values
            cleaned = unicodedata.normalize("NFKC", joined).split("\x1f")
        else:
            cleaned = [unicodedata.normalize("NFKC", u) for u in uniques]
        values = pa.array(cleaned, pa.string()).take(encoded.indices)
    return pc.utf8_trim_whitespace(values)


def alias_map(table: str) -> dict[str, str]:
    """Every accepted header (English name or Chinese alias, normalized) to the English column name."""
    return {normalize_header(a): c.name for c in TABLES[table] for a in c.aliases}


def _header_row(rows: list[list[str]], aliases: dict[str, str]) -> int:
    """Index of the row that names most of the table's columns (title rows above it are skipped)."""
    scores = [len({aliases[h] for h in map(normalize_header, row) if h in aliases}) for row in rows]
    if not scores or max(scores) == 0:
        return -1
    return scores.index(max(scores))


def _binary(sample: bytes) -> bool:
    """Whether a file's first bytes look binary: NULs among many control bytes (a stray NUL in a cell is cleaned
    later with a warning; a renamed workbook or image has many)."""
    nuls = sample.count(b"\x00")
    if not nuls:
        return False
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 13))
    return nuls > 4 or controls * 10 > len(sample)


def _utf8(data: bytes) -> bytes:
    """CSV bytes as UTF-8 without BOM: UTF-8 as it is, GB18030/GBK transcoded."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceProblem("文件编码为 UTF-16(Unicode 文本),不受支持:请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV")
    if _binary(data[:8192]):
        raise SourceProblem("不是文本格式的CSV文件(可能是二进制文件或改了扩展名的Excel文件)")
    try:
        data.decode("utf-8")
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        raise SourceProblem("无法识别文件编码(应为 UTF-8 或 GB18030/GBK)") from None


def _head(data: bytes) -> tuple[list[list[str]], list[int]]:
    """The first CSV records of the file and, for each, the byte offset where the next one starts."""
    lines = data[: 1 << 16].splitlines(keepends=True)
    ends = list(itertools.accumulate(len(line) for line in lines))
    consumed = 0

    def feed():
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line.decode("utf-8", errors="ignore")

    rows, offsets = [], []
    reader = csv.reader(feed())
    for row in itertools.islice(reader, _HEADER_SCAN):
        rows.append(row)
        offsets.append(ends[consumed - 1])  # a quoted cell may span several lines: one record, one Excel row
    return rows, offsets


def _grid_csv(path: Path, aliases: dict[str, str]) -> tuple[list[str], list[pa.Array], int, bool]:
    """(header cells, one text array per column, header row index, whether any control character occurs) of a
    CSV export."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceProblem("文件为空")
    data = _utf8(data)
    return (*_grid_csv_text(data, aliases), _has_controls(data))


def _has_controls(data: bytes) -> bool:
    """Whether UTF-8 bytes hold a control character (bytes.translate runs at memory speed; regex only if needed)."""
    return bool(data.translate(None, _NOT_C0)) or (b"\xc2" in data and _C1.search(data) is not None)


def _grid_csv_text(data: bytes, aliases: dict[str, str]) -> tuple[list[str], list[pa.Array], int]:
    head, offsets = _head(data)
    h = _header_row(head, aliases)
    if h < 0:
        return [], [], -1
    header, body = head[h], data[offsets[h]:]
    try:
        return header, _arrow_csv(body, len(header)), h
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass  # short rows, blank lines, line breaks inside cells: the slower, more forgiving reader below
    names = [f"c{i}" for i in range(len(header))]
    try:
        frame = pd.read_csv(io.BytesIO(body), header=None, names=names, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, on_bad_lines="error", engine="c", encoding="utf-8")
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=names)
    except (pd.errors.ParserError, ValueError) as exc:
        raise _format_problem(str(exc), h) from None
    return header, [pa.array(frame[c].to_numpy(dtype=object), pa.string(), from_pandas=True) for c in names], h


def _format_problem(message: str, header_row: int) -> SourceProblem:
    """pandas' tokenizer message as Chinese, with the Excel row (its line count starts below the header)."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if not found:
        if "EOF inside string" in message:
            return SourceProblem("CSV格式错误:引号不配对(某个单元格以引号开头却没有结束引号)")
        return SourceProblem("CSV格式错误:文件无法按CSV解析(请在Excel中打开检查后另存为CSV)")
    expected, line, saw = map(int, found.groups())
    row = header_row + 1 + line
    return SourceProblem(f"CSV格式错误:第{row}行有{saw}列,而表头只有{expected}列(单元格中的逗号须用英文双引号括起)",
                         row=row)


def _arrow_csv(body: bytes, width: int) -> list[pa.Array]:
    """The records below the header row as text columns, parsed by Arrow (multi-threaded, no type guessing)."""
    names = [f"c{i}" for i in range(width)]
    if not body.strip():
        return [pa.array([], pa.string()) for _ in names]
    table = pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
        parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False),
    )
    return [table.column(n).combine_chunks() if table.num_rows else pa.array([], pa.string()) for n in names]


def _excel_cells(path: Path) -> pd.DataFrame:
    """The first sheet as a grid of cells from A1 (calamine, ~15x faster than openpyxl; openpyxl if it fails)."""
    try:
        return pd.read_excel(path, header=None, dtype=str, engine="calamine")
    except Exception:  # not installed, or a file calamine cannot read: openpyxl decides
        pass
    try:
        return pd.read_excel(path, header=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise SourceProblem(f"无法读取Excel文件({type(exc).__name__})") from None


def _grid_excel(path: Path, aliases: dict[str, str]) -> tuple[list[str], list[pa.Array], int]:
    grid = _excel_cells(path)
    grid = grid.fillna("").astype(object)
    h = _header_row(grid.head(_HEADER_SCAN).to_numpy().tolist(), aliases)
    if h < 0:
        return [], [], -1
    body = grid.iloc[h + 1:]
    return ([str(c) for c in grid.iloc[h]], [pa.array(body[c].to_numpy(dtype=object), pa.string()) for c in body.columns], h)


def _grid_parquet(path: Path) -> tuple[list[str], list[pa.Array], int]:
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise SourceProblem(f"无法读取Parquet文件({type(exc).__name__})") from None
    columns = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            column = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
        columns.append(pc.fill_null(column.cast(pa.string()), "").combine_chunks())
    return list(table.column_names), columns, 0


def read_source(path: Path, table: str) -> RawTable:
    """One file of a table as text cells under English names; SourceProblem if it cannot be read."""
    aliases = alias_map(table)
    suffix = path.suffix.lower()
    dirty = True  # unknown for workbooks and Parquet: every column is checked
    if suffix == ".csv":
        header, cells, h, dirty = _grid_csv(path, aliases)
    elif suffix in (".xlsx", ".xls"):
        header, cells, h = _grid_excel(path, aliases)
    else:
        header, cells, h = _grid_parquet(path)
    if h < 0:
        wanted = "、".join(c.alias for c in TABLES[table] if c.required)
        raise SourceProblem(f"找不到表头行(前{_HEADER_SCAN}行中没有本表的列名,应包含:{wanted})")
    n = len(cells[0]) if cells else 0
    # Excel row of each record: title rows, then the header row, then data from the next row.
    index = pd.RangeIndex(h + 2, h + 2 + n)
    columns: dict[str, pa.Array] = {}
    cleaned_at: dict[str, np.ndarray] = {}
    ignored = []
    for raw_name, values in zip(header, cells):
        name = aliases.get(normalize_header(raw_name))
        if name is None or name in columns:
            ignored.append(str(raw_name))
            continue
        if dirty:
            values, hit = clean_controls(values)  # before anything else sees the cell
            if hit.any():
                cleaned_at[name] = hit
        columns[name] = _normalize_array(values)
    if not columns:
        wanted = "、".join(c.alias for c in TABLES[table] if c.required)
        raise SourceProblem(f"找不到本表的任何列(应包含:{wanted})")
    totals = np.zeros(n, dtype=bool)
    for values in cells[:2]:  # 合计/小计 rows name themselves in the first or second cell
        first = pc.utf8_trim_whitespace(pc.fill_null(values, ""))
        for prefix in _TOTAL_PREFIXES:
            totals |= pc.starts_with(first, pattern=prefix).to_numpy(zero_copy_only=False)
    empty = np.ones(n, dtype=bool)
    for values in columns.values():
        empty &= pc.equal(values, "").to_numpy(zero_copy_only=False)
    keep = ~totals & ~empty
    frame = pd.DataFrame({name: pd.Series(values.filter(pa.array(keep)), dtype="str") for name, values in columns.items()})
    frame.index = index[keep]
    cleaned = [(int(index[i]), name, columns[name][int(i)].as_py())
               for name, hit in cleaned_at.items() for i in np.flatnonzero(hit & keep)]
    ignored = [re.sub(CONTROL_CHARS, "", c) for c in ignored if c and not c.startswith("Unnamed")]
    return RawTable(path=path, frame=frame, ignored=ignored, totals_dropped=int(totals.sum()), header_row=h + 1,
                    cleaned=sorted(cleaned))
