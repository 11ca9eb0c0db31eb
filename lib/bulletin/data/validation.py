"""Validate a district's exports once, at the edge: every problem with file, Excel row, column, value and rule.

`validate_district` reads every table (io.py), types it (convert.py), checks it with its pandera
schema (lazy: all failures at once) and across tables (departments and items must be known), and
returns the typed `Tables` with a `Report`. Nothing downstream re-checks or re-parses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc

from bulletin.data.convert import LATEST, as_arrow, convert_frame
from bulletin.errors import DataError
from bulletin.data.exports import CONTROL_CHARS, SourceProblem, outside_link, read_source, source_files, stray_files
from bulletin.data.privacy import mask_text
from bulletin.data.schemas import REFERENCES, TABLES, column, row_rule, schema
from bulletin.data.tables import TABLE_NAMES, Tables

TABLE_LABELS = {
    "departments": "单位名单",
    "townships": "乡镇街道",
    "items": "事项目录",
    "cases": "办件",
    "evaluations": "好差评",
    "complaints": "投诉",
    "inspections": "督查",
    "assessment": "考核评分",
    "services": "便民服务",
    "certificates": "电子证照",
    "staff_scores": "个人考评",
    "attendance": "考勤",
    "leader_visits": "局长进大厅",
    "township_reports": "乡镇报送",
    "files": "数据目录",
}
# Sections of a report: one per table, then the files no table reads.
SECTIONS: tuple[str, ...] = (*TABLE_NAMES, "files")
# The date column that files the rows of a monthly export: a month without rows among months with rows is a gap.
MONTHLY = {"cases": "received_at", "evaluations": "evaluated_at", "complaints": "received_at"}
# Dates that may lie after the export was saved (planned, due): the others cannot.
MAY_BE_LATER = {("items", "added_on"), ("items", "cancelled_on"), ("township_reports", "due")}
STRAY_RULE = "不是可读取的数据表文件(应为“表名.csv/.xlsx/.xls/.parquet”或放在表名文件夹中),已忽略,未读取"
OUTSIDE_RULE = "是指向数据目录之外的链接,已拒绝读取(请把文件本身复制到数据目录中)"
CONTROL_RULE = "含控制字符(如NUL、ESC),已清除;所示为清除后的值"
LATER_RULE = "晚于该导出文件的保存时间:导出时尚未发生的日期,请核对"
# Tables no bulletin can be made without: a file of them with a header and no rows is a wrong export.
NEED_ROWS = ("departments", "items", "cases")
# Free text typed by citizens (names, phone and ID numbers): a problem there names the cell, never shows its value.
PRIVATE_COLUMNS = {("complaints", alias) for alias in column("complaints", "content").aliases}
HIDDEN_VALUE = "(投诉内容,不在报告中显示)"
_SHOWN_PER_GROUP = 5  # rows listed one by one per file, column and rule before summarizing the rest


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the input, as an analyst fixes it in Excel."""

    table: str
    file: str
    row: int | None  # Excel row (header row = 1); None for a whole-file or whole-column problem
    column: str | None  # Chinese column name
    value: str | None
    rule: str
    level: str = "error"  # or "warning"

    def text(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"列“{self.column}”")
        value = f":值“{_clip(self.value)}”" if self.value not in (None, "") else ""
        return f"{' '.join(where)}{value}——{self.rule}"


def _clip(value: str | None, width: int = 40) -> str:
    text = str(value)
    return text if len(text) <= width else text[:width] + "…"


@dataclass
class Report:
    """All problems found in one district's data."""

    district: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # rows read per table

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Per table read or with a problem: (rows read, errors, warnings), in the tables' order."""
        out = {}
        for table in SECTIONS:
            errors = sum(1 for p in self.problems if p.table == table and p.level == "error")
            warnings = sum(1 for p in self.problems if p.table == table and p.level == "warning")
            if table in self.rows or errors or warnings:
                out[table] = (self.rows.get(table, 0), errors, warnings)
        return out

    def summary(self) -> str:
        tables = "、".join(f"{TABLE_LABELS[t]}{n}行" for t, n in self.rows.items())
        verdict = "通过" if self.ok else "未通过"
        return (f"数据校验{verdict}:{self.district},错误{len(self.errors)}处,警告{len(self.warnings)}处。"
                f"已读取:{tables or '无数据表'}。")

    def to_text(self) -> str:
        """The report in Chinese: a summary line, then per table and level the problems grouped by file, column, rule."""
        lines = [self.summary()]
        for table in SECTIONS:
            for level, label in (("error", "错误"), ("warning", "警告")):
                found = [p for p in self.problems if p.table == table and p.level == level]
                if not found:
                    continue
                lines.append(f"【{TABLE_LABELS[table]}({table})】{label}{len(found)}处")
                # Grouped by column and rule, then file: a rule broken in every monthly file of a province
                # (a 合计 row in each) lists a few files and counts the rest instead of a line per file.
                groups: dict[tuple, dict[str, list[Problem]]] = defaultdict(lambda: defaultdict(list))
                for p in found:
                    groups[(p.column, p.rule)][p.file].append(p)
                for by_file in groups.values():
                    for group in list(by_file.values())[:_SHOWN_PER_GROUP]:
                        lines.extend(f"  {p.text()}" for p in group[:_SHOWN_PER_GROUP])
                        rest = group[_SHOWN_PER_GROUP:]
                        if rest:
                            rows = "、".join(str(p.row) for p in rest[:20]) + ("等" if len(rest) > 20 else "")
                            lines.append(f"  ……同一问题另有{len(rest)}行(第{rows}行)")
                    more = list(by_file)[_SHOWN_PER_GROUP:]
                    if more:
                        count = sum(len(by_file[f]) for f in more)
                        names = "、".join(Path(f).name for f in more[:10]) + ("等" if len(more) > 10 else "")
                        lines.append(f"  ……同一问题另见{len(more)}个文件共{count}处({names})")
        return "\n".join(lines)


def _alias(table: str, name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return column(table, name).alias
    except StopIteration:
        return name


def _read_table(folder: Path, table: str, problems: list[Problem], root: Path) -> tuple[pd.DataFrame, pd.Series, pd.Series] | None:
    """All files of one table concatenated (global RangeIndex), with each row's file and Excel row; None if absent."""
    files = source_files(folder, table)
    if not files:
        return None
    parts, file_of, row_of = [], [], []
    for path in files:
        if outside_link(path, root) is not None:
            problems.append(Problem(table, str(path), None, None, None, OUTSIDE_RULE))
            continue
        try:
            raw = read_source(path, table)
        except SourceProblem as exc:
            problems.append(Problem(table, str(path), exc.row, _alias(table, exc.column), None, str(exc)))
            continue
        missing = [c.alias for c in TABLES[table] if c.required and c.name not in raw.frame.columns]
        if missing:
            problems.append(Problem(table, str(path), 1, "、".join(missing), None, "缺少必需的列"))
            continue
        if raw.totals_dropped:
            problems.append(Problem(table, str(path), None, None, None,
                                    f"已忽略{raw.totals_dropped}行合计/小计行", level="warning"))
        if raw.ignored:
            problems.append(Problem(table, str(path), raw.header_row, "、".join(raw.ignored), None,
                                    "不是本表的列,已忽略", level="warning"))
        for row, name, value in raw.cleaned:
            problems.append(Problem(table, str(path), row, _alias(table, name), value, CONTROL_RULE, level="warning"))
        if raw.frame.empty and path.parent.name == table:
            problems.append(Problem(table, str(path), None, None, None,
                                    "没有数据行(只有表头或空行):这一份导出的数据缺失,请核对", level="warning"))
        parts.append(raw.frame)
        file_of.append(pd.Series(str(path), index=raw.frame.index))
        row_of.append(pd.Series(raw.frame.index, index=raw.frame.index))
    if not parts:
        return pd.DataFrame(columns=[c.name for c in TABLES[table]]), pd.Series(dtype=object), pd.Series(dtype="int64")
    frame = pd.concat(parts, ignore_index=True).fillna("")
    return frame, pd.concat(file_of, ignore_index=True), pd.concat(row_of, ignore_index=True)


def _schema_problems(table: str, typed: pd.DataFrame, failed: dict[str, pd.Series]) -> list[tuple[int | None, str | None, str, str]]:
    """(frame index, column, value, rule) of every pandera failure, skipping cells conversion already reported."""
    try:
        schema(table).validate(typed, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    out, seen = [], set()
    for case in cases.itertuples(index=False):
        index = None if pd.isna(case.index) else int(case.index)
        pair = row_rule(table, str(case.check)) if case.schema_context == "DataFrameSchema" else None
        if pair is not None and index is not None:
            if (index, case.check) not in seen:
                seen.add((index, case.check))
                value = ",".join(f"{column(table, c).alias} {_cell(typed[c].iloc[index])}" for c in pair)
                out.append((index, pair[1], value, str(case.check)))
            continue
        col = case.column if isinstance(case.column, str) and case.column in typed.columns else None
        if col and index is not None and col in failed and bool(failed[col].iloc[index]):
            continue
        rule = _rule_text(str(case.check), table, col)
        if rule is None:
            continue
        value = None if pd.isna(case.failure_case) else str(case.failure_case)
        if col is None and index is not None:
            value = None
        out.append((index, col, value, rule))
    return out


def _cell(value) -> str:
    if pd.isna(value):
        return "(空)"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    return str(value)


def _rule_text(check: str, table: str, col: str | None) -> str | None:
    if check == "not_nullable":
        return "不能为空"
    if check == "field_uniqueness":
        return "不能重复(同一编号出现多次)"
    if check.startswith(("column_in_dataframe", "dtype(")):
        return None  # conversion guarantees columns and types
    return check


def _reference_problems(tables: dict[str, pd.DataFrame]) -> list[tuple[str, int, str, str, str]]:
    out = []
    for table, refs in REFERENCES.items():
        frame = tables.get(table)
        if frame is None:
            continue
        for col, parent, key in refs:
            known = tables.get(parent)
            if known is None:
                continue
            values = frame[col]
            unknown = values.notna() & ~_isin(values, known[key])
            for index, value in values[unknown].items():
                out.append((table, int(index), col, str(value), f"不在{TABLE_LABELS[parent]}({parent})中"))
    return out


def _isin(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Which values occur among the keys, by Arrow's hash join (pandas' isin on Arrow strings goes value by value)."""
    found = pc.is_in(as_arrow(values.astype("string")), value_set=as_arrow(keys.dropna().astype("string")).unique())
    return pd.Series(pc.fill_null(found, False).to_numpy(zero_copy_only=False), index=values.index)


def _orphan_evaluations(tables: dict[str, pd.DataFrame]) -> list[tuple[str, int, str, str, str]]:
    """Evaluations naming a 办件编号 that the cases table does not hold (a warning: they still count)."""
    evaluations, cases = tables.get("evaluations"), tables.get("cases")
    if evaluations is None or cases is None:
        return []
    ids = evaluations["case_id"]
    unknown = ids.notna() & ~_isin(ids, cases["case_id"])
    return [("evaluations", int(i), "case_id", str(v), "办件编号不在办件表中(该评价仍计入好差评)")
            for i, v in ids[unknown].items()]


def _duplicate_rows(table: str, frame: pd.DataFrame) -> list[tuple[int, int]]:
    """(row, first row) of rows identical to an earlier one, in tables without an identifying column."""
    if any(c.unique for c in TABLES[table]) or frame.empty:
        return []
    again = frame.duplicated(keep="first")
    if not again.any():
        return []
    first = frame.reset_index().groupby(list(frame.columns), dropna=False, sort=False)["index"].transform("min")
    return [(int(i), int(first.iloc[i])) for i in np.flatnonzero(again.to_numpy())]


def _masked(problem: Problem) -> Problem:
    """The problem without its value when the cell is citizens' free text: reports name the cell, never show it;
    any ID or phone number elsewhere in it (a value shifted into the wrong column) masked."""
    problem = replace(problem, file=_printable(problem.file), column=_printable(mask_text(problem.column)),
                      rule=_printable(mask_text(problem.rule)))
    if (problem.table, problem.column) in PRIVATE_COLUMNS and problem.value not in (None, ""):
        return replace(problem, value=HIDDEN_VALUE)
    return replace(problem, value=_printable(mask_text(problem.value)))


def _printable(text: str | None) -> str | None:
    """The text without control characters (a file name or value with ESC must not steer the terminal)."""
    return text if text is None else re.sub(CONTROL_CHARS, "", text)


def _month_gaps(frame: pd.DataFrame, column: str) -> list[str]:
    """Months ('YYYY-MM') without a row between the first and the last month with rows."""
    held = np.unique(frame[column].dropna().to_numpy(dtype="datetime64[ns]").astype("datetime64[M]"))
    if not len(held):
        return []
    span = np.arange(held[0], held[-1] + 1)
    return [str(m) for m in np.setdiff1d(span, held)]


def _later_than_export(table: str, frame: pd.DataFrame, file_of: pd.Series) -> list[tuple[int, str]]:
    """(row index, column) of dates later than their export file was saved (a day of slack for time zones)."""
    codes, files = pd.factorize(file_of)
    saved = []
    for file in files:
        try:
            saved.append(pd.Timestamp(Path(file).stat().st_mtime, unit="s") + pd.Timedelta(days=1))
        except OSError:
            saved.append(LATEST)
    limit = pd.Series(np.array(saved, dtype="datetime64[ns]")[codes] if len(codes) else np.array([], "datetime64[ns]"),
                      index=frame.index)
    out = []
    for col in TABLES[table]:
        if col.kind not in ("date", "datetime") or (table, col.name) in MAY_BE_LATER:
            continue
        later = (frame[col.name] > limit).fillna(False).astype(bool)
        out.extend((int(i), col.name) for i in np.flatnonzero(later.to_numpy()))
    return out


def validate_district(data_dir: Path, district: str) -> tuple[Tables | None, Report]:
    """Read, type and check every table of a district; the Tables only when there is no error."""
    folder = Path(data_dir) / district
    if not folder.is_dir():
        raise DataError(f"找不到区县数据目录 {folder}。请把导出的数据表放在该目录下(或先运行 bulletin demo 生成示例数据)。")
    if outside_link(folder, data_dir) is not None:
        raise DataError(f"区县数据目录 {folder} 是指向数据目录 {data_dir} 之外的链接,已拒绝读取。"
                        "请把数据复制到该目录中。")
    report = Report(district)
    for path in stray_files(folder, TABLE_NAMES):
        report.problems.append(Problem("files", str(path), None, None, None, STRAY_RULE, level="warning"))
    typed: dict[str, pd.DataFrame] = {}
    where: dict[str, tuple[pd.Series, pd.Series]] = {}
    for table in TABLE_NAMES:
        read = _read_table(folder, table, report.problems, Path(data_dir))
        if read is None:
            continue
        raw, file_of, row_of = read
        if table in NEED_ROWS and raw.empty and not any(p.table == table and p.level == "error" for p in report.problems):
            files = "、".join(str(p) for p in source_files(folder, table))
            rule = f"没有数据行(只有表头或空行):{TABLE_LABELS[table]}是生成通报必需的"
            report.problems.append(Problem(table, files, None, None, None, rule))
        frame, cell_problems, failed = convert_frame(raw, TABLES[table])
        typed[table], where[table] = frame, (file_of, row_of)
        report.rows[table] = len(frame)
        for p in cell_problems:
            report.problems.append(Problem(table, file_of.iloc[p.row], int(row_of.iloc[p.row]), _alias(table, p.column),
                                           p.value, p.rule))
        for index, col, value, rule in _schema_problems(table, frame, failed):
            file = file_of.iloc[index] if index is not None else str(folder / table)
            row = int(row_of.iloc[index]) if index is not None else None
            report.problems.append(Problem(table, file, row, _alias(table, col), value, rule))
        for index, col in _later_than_export(table, frame, file_of):
            report.problems.append(Problem(table, file_of.iloc[index], int(row_of.iloc[index]), _alias(table, col),
                                           _cell(frame[col].iloc[index]), LATER_RULE, level="warning"))
        if table in MONTHLY and not frame.empty:
            gaps = _month_gaps(frame, MONTHLY[table])
            if gaps:
                listed = "、".join(gaps[:12]) + (f"等{len(gaps)}个月" if len(gaps) > 12 else "")
                rule = (f"{listed}没有任何数据行(前后月份都有数据):该月导出可能缺失,"
                        "通报不计算与该月相比的同比、环比")
                report.problems.append(Problem(table, str(folder / table), None, _alias(table, MONTHLY[table]), None,
                                               rule, level="warning"))
    for table, index, col, value, rule in _reference_problems(typed):
        file_of, row_of = where[table]
        report.problems.append(Problem(table, file_of.iloc[index], int(row_of.iloc[index]), _alias(table, col), value, rule))
    for table, index, col, value, rule in _orphan_evaluations(typed):
        file_of, row_of = where[table]
        report.problems.append(Problem(table, file_of.iloc[index], int(row_of.iloc[index]), _alias(table, col), value,
                                       rule, level="warning"))
    for table, frame in typed.items():
        file_of, row_of = where[table]
        for index, first in _duplicate_rows(table, frame):
            same_file = file_of.iloc[first] == file_of.iloc[index]
            where_first = f"第{int(row_of.iloc[first])}行" if same_file else f"{file_of.iloc[first]} 第{int(row_of.iloc[first])}行"
            report.problems.append(Problem(table, file_of.iloc[index], int(row_of.iloc[index]), None, None,
                                           f"与{where_first}完全相同(重复行,仍按两行计)", level="warning"))
    report.problems[:] = sorted((_masked(p) for p in report.problems),
                                key=lambda p: (SECTIONS.index(p.table), p.level, p.file, p.row or 0))
    if not report.ok:
        return None, report
    return Tables(**{name: frame.reset_index(drop=True) for name, frame in typed.items()}), report
