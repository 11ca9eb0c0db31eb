"""Typing text cells by column kind: dates in the usual export forms, 是/否, rating labels, numbers.

A cell that cannot be converted becomes missing and is reported as a `CellProblem`; the pandera
schema then checks rules on the typed frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bulletin.data.privacy import IDENTIFIERS, mask_series
from bulletin.data.schemas import DTYPES, Col
from bulletin.vocabulary import RATING_LABELS, RATING_NUMBERS

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y.%m.%d",
    "%Y%m%d",
)
MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y年%m月", "%Y%m", "%Y.%m")
MAX_CELL_CHARS = 32767  # Excel's limit per cell: a longer cell is no real export
TOO_LONG = f"内容过长(超过{MAX_CELL_CHARS}个字符,Excel单元格上限)"
EARLIEST, LATEST = pd.Timestamp("1990-01-01"), pd.Timestamp("2100-01-01")
MAX_NUMBER = 1e9  # no count, score or deduction of a service center comes near: a larger one is a wrong cell
# A number may group thousands with commas (1,234,567.5); any other comma ("0,5", "1,2,3,4") is ambiguous.
_GROUPED = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"
# Year, month and day as written (2024-06-31, 2024/6/31, 2024年6月31日, 20240631): compared with what was parsed.
_YMD = r"^(?P<y>\d{4})\D?(?P<m>\d{1,2})\D?(?P<d>\d{1,2})"
NOT_A_DAY = "日期不存在(该月没有这一天,如6月31日、2月30日)"
DATE_RULE = "日期无法识别或超出合理范围(1990-2099年;可写作2024-06-03、2024/06/03 09:12、2024年6月3日)"

TRUE_WORDS = ("是", "Y", "y", "YES", "Yes", "yes", "TRUE", "True", "true", "1", "1.0", "√", "进驻", "满意")
FALSE_WORDS = ("否", "N", "n", "NO", "No", "no", "FALSE", "False", "false", "0", "0.0", "×", "未进驻", "不满意")
BOOLS = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}


@dataclass(frozen=True)
class CellProblem:
    """A cell whose text is not of its column's kind."""

    row: int  # index label of the frame
    column: str
    value: str
    rule: str


def _first_format(text: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Datetimes from text, each value parsed by the first of `formats` that fits it; NaT where none does."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text != ""
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna() & (parsed >= EARLIEST) & (parsed < LATEST)  # beyond pandas' ns range (2263) too
        out.loc[ok[ok].index] = parsed[ok].astype("datetime64[ns]")
        todo.loc[ok[ok].index] = False
    return out


def as_arrow(text: pd.Series) -> pa.Array:
    """The text cells as one Arrow string array (no copy when they already live in Arrow)."""
    arr = pa.array(text.array, type=pa.string()) if text.dtype.kind == "O" else pa.array(text.array)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return arr.cast(pa.string())


def _arrow_formats(text: pd.Series, formats: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(datetimes, positions still unparsed): each non-empty value parsed by the first format that fits it
    entirely, with Arrow's vectorized strptime; the formats the sample uses are tried first."""
    arr = as_arrow(text)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = np.flatnonzero(pc.fill_null(pc.not_equal(arr, ""), False).to_numpy(zero_copy_only=False))
    sample = arr.take(pa.array(todo[:50]))
    fits = {f: len(sample) - pc.strptime(sample, format=f, unit="us", error_is_null=True).null_count for f in formats}
    ranked = sorted(formats, key=lambda f: -fits[f])  # stable: ties keep the declared order
    for fmt in ranked:
        if not len(todo):
            break
        parsed = pc.strptime(arr.take(pa.array(todo)), format=fmt, unit="us", error_is_null=True)
        ok = parsed.is_valid().to_numpy(zero_copy_only=False)
        if ok.any():
            out[todo[ok]] = parsed.filter(parsed.is_valid()).to_numpy()
            todo = todo[~ok]
    return out, todo


def parse_datetimes(text: pd.Series) -> pd.Series:
    """Datetimes from text in any of DATETIME_FORMATS (each value may use its own); NaT where none fits."""
    fast = tuple(f for f in DATETIME_FORMATS if "%f" not in f)  # Arrow's strptime has no fractions of a second
    values, todo = _arrow_formats(text, fast)
    inside = (values >= np.datetime64(EARLIEST)) & (values < np.datetime64(LATEST))  # ns would wrap past 2262
    values = np.where(inside, values, np.datetime64("NaT"))
    out = pd.Series(values.astype("datetime64[ns]"), index=text.index)
    if len(todo):  # the rare rest (fractions of seconds, typos) goes through pandas, value by format
        rest = _first_format(text.iloc[todo], DATETIME_FORMATS)
        out.iloc[todo] = rest.to_numpy()
    return out


def _months(text: pd.Series) -> pd.Series:
    """'YYYY-MM' from month text ('2024-06', '2024年6月', '202406') or from a date; NA where unreadable."""
    parsed = _first_format(text, MONTH_FORMATS + DATETIME_FORMATS)
    return parsed.dt.strftime("%Y-%m").astype("string").where(parsed.notna())


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers from text, NaN where unreadable, ambiguous (a comma that is not a thousands separator),
    not finite (nan, inf, 1e400) or beyond MAX_NUMBER."""
    commas = pc.match_substring(as_arrow(text), ",").to_numpy(zero_copy_only=False)
    if commas.any():
        grouped = text[commas].str.match(_GROUPED, na=False).astype(bool)
        ambiguous = pd.Series(False, index=text.index)
        ambiguous[commas] = ~grouped.to_numpy()
        text = text.str.replace(",", "", regex=False).where(~ambiguous, "")
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    numbers = numbers.astype("float64")
    return numbers.where(np.isfinite(numbers) & (numbers.abs() <= MAX_NUMBER))


def _number_rule(kind: str) -> str:
    """Why cells of a number column failed, naming the usual causes."""
    base = "应为整数" if kind == "int" else "应为数字"
    return f"{base}(不能是nan/inf,绝对值不超过{MAX_NUMBER:.0e};逗号只能作千分位,如1,234;小数点写作“.”)"


def impossible_days(text: pd.Series, values: pd.Series) -> pd.Series:
    """Cells whose written year-month-day is not the parsed one: a day the month does not have, rolled over
    by the parser (2024-06-31 read as 2024-07-01). Only parsed days 1-3 can be such a roll-over."""
    out = pd.Series(False, index=text.index)
    suspect = np.flatnonzero((values.dt.day <= 3).fillna(False).to_numpy(dtype=bool))
    if not len(suspect):
        return out
    parts = pc.extract_regex(as_arrow(text.iloc[suspect]), _YMD)  # null where the text has no y-m-d
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    parsed = pa.array(values.to_numpy()[suspect])
    moved = np.zeros(len(suspect), dtype=bool)
    for name, part in (("y", pc.year), ("m", pc.month), ("d", pc.day)):
        written = pc.fill_null(pc.cast(parts.field(name), pa.int64()), 0)
        moved |= pc.not_equal(written, part(parsed)).to_numpy(zero_copy_only=False)
    moved &= matched
    out.iloc[suspect[moved]] = True
    return out


def convert_column(text: pd.Series, col: Col) -> tuple[pd.Series, pd.Series, str]:
    """(typed values, mask of non-empty cells that failed, rule text for those)."""
    filled = text != ""
    kind = col.kind
    if kind == "text":
        too_long = text.str.len() > MAX_CELL_CHARS
        shown = text if col.name in IDENTIFIERS else mask_series(text)  # personal numbers never pass the edge
        return shown.where(filled & ~too_long).astype("string"), too_long, TOO_LONG
    if kind == "bool":
        values = text.map(BOOLS).astype("boolean")
        return values, filled & values.isna(), "应为“是”或“否”"
    if kind in ("int", "number"):
        numbers = _numbers(text)
        bad = filled & numbers.isna()
        if kind == "number":
            return numbers, bad, _number_rule(kind)
        fractional = numbers.notna() & (numbers % 1 != 0)
        return numbers.where(~fractional).round().astype("Int64"), bad | fractional, _number_rule(kind)
    if kind == "rating":
        words = text.map(RATING_NUMBERS)
        numbers = _numbers(text.where(words.isna(), ""))
        values = words.astype("float64").fillna(numbers)
        fractional = values.notna() & (values % 1 != 0)
        values = values.where(~fractional)
        return values.round().astype("Int64"), filled & values.isna(), f"应为1-5的整数或“{'/'.join(RATING_LABELS.values())}”"
    if kind in ("datetime", "date"):
        values = parse_datetimes(text)
        bad = filled & values.isna()
        outside = values.notna() & ((values < EARLIEST) | (values >= LATEST))
        values = values.where(~outside)
        if kind == "date":
            values = values.dt.normalize()
        return values, bad | outside, DATE_RULE
    if kind == "month":
        values = _months(text)
        return values, filled & values.isna(), "月份无法识别(应写作如2024-06或2024年6月)"
    raise ValueError(f"unknown column kind {kind}")


def convert_frame(raw: pd.DataFrame, cols: tuple[Col, ...]) -> tuple[pd.DataFrame, list[CellProblem], dict[str, pd.Series]]:
    """Typed frame of all declared columns (absent optional columns filled with their default),
    the cells that failed, and per column the mask of those cells."""
    typed: dict[str, pd.Series] = {}
    problems: list[CellProblem] = []
    failed: dict[str, pd.Series] = {}
    for col in cols:
        if col.name not in raw.columns:
            default = col.default if col.default is not None else pd.NA
            typed[col.name] = pd.Series(default, index=raw.index).astype(DTYPES[col.kind])
            continue
        text = raw[col.name]
        values, bad, rule = convert_column(text, col)
        if col.kind in ("datetime", "date"):
            rolled = impossible_days(text, values)
            if rolled.any():
                values = values.where(~rolled)
                problems.extend(CellProblem(int(r), col.name, str(v), NOT_A_DAY) for r, v in text[rolled].items())
                bad = bad | rolled
        if col.default is not None:
            values = values.where(text != "", col.default).astype(DTYPES[col.kind])
        typed[col.name] = values
        if bad.any():
            failed[col.name] = bad
            fresh = bad & ~rolled if col.kind in ("datetime", "date") else bad
            problems.extend(CellProblem(int(r), col.name, str(v), rule) for r, v in text[fresh].items())
    return pd.DataFrame(typed, index=raw.index), problems, failed

