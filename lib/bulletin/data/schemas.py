"""The input tables of SPEC, declared once: columns, Chinese aliases, kinds and rules, and their pandera schemas.

Everything else derives from `TABLES`: the loader maps aliases with it, the converter types columns by
`kind`, and `schema(table)` builds the pandera checks that run after conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandera.pandas as pa

from bulletin.vocabulary import CHANNELS, EVAL_CHANNELS, ITEM_TYPES, RATING_LABELS

# Column kinds: how a raw text cell is converted (see convert.py) and the dtype it ends with.
DTYPES = {
    "text": "string",
    "bool": "boolean",
    "int": "Int64",
    "number": "float64",
    "rating": "Int64",
    "datetime": "datetime64[ns]",
    "date": "datetime64[ns]",
    "month": "string",
}


@dataclass(frozen=True)
class Col:
    """One column of a SPEC table."""

    name: str
    alias: str
    kind: str = "text"
    required: bool = True  # the column must be in the file
    nullable: bool = False  # a cell may be empty
    unique: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    default: object = None  # value of empty cells (and of the whole column when it is absent)
    extra_aliases: tuple[str, ...] = ()

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.name, self.alias, *self.extra_aliases)


def _opt(name: str, alias: str, kind: str = "text", **kw) -> Col:
    """An optional column: may be absent from the file, cells may be empty."""
    return Col(name, alias, kind, required=False, nullable=True, **kw)


TOWNSHIP_KINDS = ("镇", "乡", "街道", "管委会")
ATTENDANCE_KINDS = ("迟到", "早退", "脱岗", "空岗", "请假未及时")

TABLES: dict[str, tuple[Col, ...]] = {
    "departments": (
        Col("department", "单位名称", unique=True, extra_aliases=("单位", "部门名称", "部门")),
        Col("stationed", "是否进驻", "bool", required=False, default=True),
        _opt("windows", "窗口数", "int", min=0),
        _opt("staff", "工作人员数", "int", min=0),
    ),
    "townships": (
        Col("township", "乡镇街道", unique=True, extra_aliases=("乡镇(街道)", "乡镇")),
        _opt("kind", "类型", choices=TOWNSHIP_KINDS),
    ),
    "items": (
        Col("item_code", "事项编码", unique=True),
        Col("item_name", "事项名称"),
        Col("department", "实施单位", extra_aliases=("实施部门",)),
        Col("item_type", "办件类型", choices=ITEM_TYPES, extra_aliases=("事项类型",)),
        # Working days; ten years of them is already no real time limit (and would outrun every calendar).
        Col("legal_days", "法定时限", "int", min=0, max=2500, extra_aliases=("法定办结时限",)),
        Col("promised_days", "承诺时限", "int", min=0, max=2500, extra_aliases=("承诺办结时限",)),
        _opt("steps_before", "原环节数", "int", min=1),
        _opt("steps", "办理环节数", "int", min=1),
        _opt("online", "网上可办", "bool"),
        _opt("added_on", "新增日期", "date"),
        _opt("cancelled_on", "取消日期", "date"),
    ),
    "cases": (
        Col("case_id", "办件编号", unique=True, extra_aliases=("申办流水号", "办件流水号")),
        Col("department", "受理单位", extra_aliases=("受理部门",)),
        Col("item_code", "事项编码"),
        _opt("township", "乡镇街道", extra_aliases=("乡镇(街道)",)),
        Col("channel", "申办渠道", choices=CHANNELS, extra_aliases=("办理渠道",)),
        Col("received_at", "受理时间", "datetime"),
        Col("completed_at", "办结时间", "datetime", nullable=True),
    ),
    "evaluations": (
        Col("eval_id", "评价编号", unique=True),
        _opt("case_id", "办件编号"),
        Col("department", "被评价单位", extra_aliases=("评价单位",)),
        Col("channel", "评价渠道", choices=EVAL_CHANNELS),
        Col("rating", "评价等级", "rating", min=1, max=5, extra_aliases=("评价结果",)),
        Col("evaluated_at", "评价时间", "datetime"),
        _opt("rectified_at", "整改时间", "datetime"),
    ),
    "complaints": (
        Col("complaint_id", "投诉编号", unique=True),
        Col("source", "来源", extra_aliases=("投诉来源",)),
        _opt("department", "涉及单位", extra_aliases=("被投诉单位",)),
        _opt("category", "类别", extra_aliases=("投诉类别",)),
        _opt("content", "内容", extra_aliases=("投诉内容",)),
        Col("received_at", "受理时间", "datetime"),
        _opt("resolved_at", "办结时间", "datetime"),
        _opt("callback_satisfied", "回访满意", "bool"),
    ),
    "inspections": (
        Col("date", "日期", "date", extra_aliases=("督查日期",)),
        Col("department", "单位", extra_aliases=("被督查单位",)),
        Col("category", "类别", extra_aliases=("问题类别",)),
        Col("finding", "问题描述", nullable=True),
        Col("deduction", "扣分", "number", min=0, default=0.0),
        _opt("staff", "人员"),
    ),
    "assessment": (
        Col("department", "单位"),
        Col("item", "考核项目"),
        Col("points", "得分", "number"),
        Col("month", "月份", "month"),
    ),
    "services": (
        Col("date", "日期", "date"),
        Col("department", "单位"),
        Col("service", "服务类型"),
        Col("count", "次数", "int", min=0),
    ),
    "certificates": (
        Col("month", "月份", "month"),
        Col("cert_type", "证照类型"),
        Col("count", "入库数量", "int", min=0),
    ),
    "staff_scores": (
        Col("month", "月份", "month"),
        Col("staff", "姓名"),
        Col("department", "单位"),
        Col("score", "得分", "number"),
    ),
    "attendance": (
        Col("date", "日期", "date"),
        Col("staff", "姓名"),
        Col("department", "单位"),
        Col("kind", "类型", choices=ATTENDANCE_KINDS),
    ),
    "leader_visits": (
        Col("date", "日期", "date"),
        _opt("department", "单位"),
        Col("leader", "领导"),
        _opt("people_served", "接待人数", "int", min=0),
        _opt("cases_handled", "现场办件", "int", min=0),
    ),
    "township_reports": (
        Col("township", "乡镇街道"),
        Col("month", "月份", "month"),
        Col("report", "报送事项"),
        Col("due", "应报日期", "date"),
        _opt("submitted", "报送日期", "date"),
    ),
}

# Which tables' columns must name a known department / item / township (referential checks).
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # table: ((column, parent table, parent key), ...)
    "items": (("department", "departments", "department"),),
    "cases": (("department", "departments", "department"), ("item_code", "items", "item_code"),
              ("township", "townships", "township")),
    "evaluations": (("department", "departments", "department"),),
    "complaints": (("department", "departments", "department"),),
    "inspections": (("department", "departments", "department"),),
    "assessment": (("department", "departments", "department"),),
    "services": (("department", "departments", "department"),),
    "staff_scores": (("department", "departments", "department"),),
    "attendance": (("department", "departments", "department"),),
    "leader_visits": (("department", "departments", "department"),),
    "township_reports": (("township", "townships", "township"),),
}

# How each column kind reads for an analyst (docs/tables.md is generated from these by scripts/write_docs.py).
TYPE_LABELS = {
    "text": "文字",
    "bool": "是/否",
    "int": "整数",
    "number": "数字",
    "rating": f"评价等级(1-5或{'/'.join(RATING_LABELS.values())})",
    "datetime": "日期时间",
    "date": "日期",
    "month": "月份(如2024-06)",
}


def column(table: str, name: str) -> Col:
    """One declared column by its English name."""
    return next(c for c in TABLES[table] if c.name == name)


def _checks(col: Col) -> list[pa.Check]:
    checks = []
    if col.choices:
        checks.append(pa.Check.isin(list(col.choices), error=f"取值应为 {'/'.join(col.choices)} 之一"))
    if col.min is not None:
        checks.append(pa.Check.ge(col.min, error=f"应不小于{col.min:g}"))
    if col.max is not None:
        checks.append(pa.Check.le(col.max, error=f"应不大于{col.max:g}"))
    if col.kind == "month":
        checks.append(pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$", error="月份应写作如 2024-06"))
    return checks


# Rules across two columns of one row: table -> (check name, (columns), message, row test).
ROW_RULES: dict[str, tuple[tuple[str, tuple[str, str], str, object], ...]] = {
    "cases": (("completed_after_received", ("received_at", "completed_at"), "办结时间早于受理时间",
               lambda df: ~(df["completed_at"] < df["received_at"])),),
    "complaints": (("resolved_after_received", ("received_at", "resolved_at"), "办结时间早于受理时间",
                    lambda df: ~(df["resolved_at"] < df["received_at"])),),
    "items": (
        ("promised_le_legal", ("legal_days", "promised_days"), "承诺时限大于法定时限",
         lambda df: ~(df["promised_days"] > df["legal_days"]).fillna(False)),
        ("steps_le_before", ("steps_before", "steps"), "办理环节数大于原环节数",
         lambda df: ~(df["steps"] > df["steps_before"]).fillna(False)),
        ("cancelled_after_added", ("added_on", "cancelled_on"), "取消日期早于新增日期",
         lambda df: ~(df["cancelled_on"] < df["added_on"])),
    ),
    "evaluations": (("rectified_only_bad", ("rating", "rectified_at"), "整改时间只适用于差评(评价等级1-2)",
                     lambda df: ~(df["rectified_at"].notna() & (df["rating"] > 2).fillna(False))),),
}


def _frame_checks(table: str) -> list[pa.Check]:
    """Rules across columns of one row."""
    return [pa.Check(test, name=name, error=message) for name, _, message, test in ROW_RULES.get(table, ())]


def row_rule(table: str, message: str) -> tuple[str, str] | None:
    """The two columns a row rule compares, found by its message."""
    return next((cols for _, cols, msg, _ in ROW_RULES.get(table, ()) if msg == message), None)


@cache
def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a converted SPEC table (types are set by conversion; rules are checked here)."""
    cols = {
        c.name: pa.Column(DTYPES[c.kind], checks=_checks(c), nullable=c.nullable, unique=c.unique, coerce=False)
        for c in TABLES[table]
    }
    return pa.DataFrameSchema(cols, checks=_frame_checks(table), name=table, strict=False)
