"""Typed settings from params/: districts, scoring schemes (考核办法) and run files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.errors import ConfigError, ParamError
from bulletin.figures.periods import Period, parse_period
from bulletin.yamlio import load_yaml

KINDS: tuple[str, ...] = ("monthly", "quarterly", "half_year", "annual")
KIND_LABELS = {"monthly": "月通报", "quarterly": "季度通报", "half_year": "半年运行分析", "annual": "年度工作总结"}
SATISFACTION_MODES = ("good_rate", "satisfied_rate", "mean_rating")
SOURCES = ("metric", "inspections", "manual", "bonus")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# Per-department metrics a scheme's metric item may name (see metrics.department_metrics).
SCORABLE_METRICS: tuple[str, ...] = (
    "received",
    "completed",
    "completion_rate",
    "instant",
    "instant_same_day_rate",
    "early",
    "on_time_rate",
    "overdue_open",
    "online_share",
    "evaluations",
    "good_rate",
    "satisfaction",
    "bad",
    "rectified_rate",
    "complaints",
    "complaint_resolved_rate",
)


def check_id(value: str, what: str = "区县代码") -> str:
    """The value if it is a safe id ([a-z0-9][a-z0-9_-]*), else ParamError."""
    text = str(value)
    if not _ID.match(text):
        raise ParamError(f"{what}“{text}”无效:只能由小写字母、数字、下划线和连字符组成,且以字母或数字开头。")
    return text


# Which period shapes each kind is written for.
KIND_PERIODS = {"monthly": ("month",), "quarterly": ("quarter",), "half_year": ("half",), "annual": ("year", "range")}


def kind_fits(kind: str, period: str) -> bool:
    """True if the kind is written for periods of this shape (monthly for months, annual for years or ranges)."""
    return parse_period(period).kind in KIND_PERIODS[kind]


def check_kind(value: str) -> str:
    """The value if it is a bulletin kind, else ParamError."""
    if value not in KINDS:
        raise ParamError(f"通报类型“{value}”无效,应为 {' / '.join(KINDS)} 之一。")
    return value


@dataclass(frozen=True)
class Target:
    """A district target (目标): metric at least `min` (or at most `max`) by a period."""

    metric: str
    name: str
    min: float | None = None
    max: float | None = None
    by: str | None = None


@dataclass(frozen=True)
class District:
    """One district's settings (params/districts/<id>.yaml)."""

    id: str
    name: str
    scope: str = "全区"
    issuer: str = ""
    doc_prefix: str = ""
    scoring: str | None = None
    kinds: tuple[str, ...] = KINDS
    satisfaction: str = "good_rate"
    demo: bool = False
    publish_staff: bool = False  # staff names appear in bulletins (优秀工作人员) only when the district says so
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    doc_numbers: dict[str, str] = field(default_factory=dict)  # kind -> 文号 pattern with {year} and {n}
    cc: str = ""  # 抄送 of the 版记
    printed_by: str = ""  # 印发机关 of the 版记

    def notes_for(self, period: Period) -> dict[str, str]:
        """Analyst notes (problems, next_steps) written for this period, if any."""
        return dict(self.notes.get(period.text, {}))


@dataclass(frozen=True)
class ScoreItem:
    """One item of a scoring scheme."""

    id: str
    name: str
    category: str
    source: str
    metric: str | None = None
    scale: tuple[tuple[float, float], ...] = ()
    categories: tuple[str, ...] = ()
    cap: float | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Grade:
    """An 等次: totals at or above `min` get this grade."""

    name: str
    min: float


@dataclass(frozen=True)
class Scheme:
    """A scoring scheme (考核办法)."""

    id: str
    name: str
    base: float
    items: tuple[ScoreItem, ...]
    grades: tuple[Grade, ...] = ()

    @property
    def categories(self) -> list[str]:
        """Category names in scheme order."""
        return list(dict.fromkeys(item.category for item in self.items))


@dataclass(frozen=True)
class RunSpec:
    """Which districts x periods x kinds a run file asks for."""

    districts: tuple[str, ...]
    periods: tuple[str, ...]
    kinds: tuple[str, ...] | None  # None: every kind enabled for the district


def _require(raw: dict, key: str, path: Path) -> Any:
    if key not in raw or raw[key] in (None, ""):
        raise ConfigError(f"{path}:缺少必填项 {key}。")
    return raw[key]


def _mapping(raw: Any, path: Path) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:内容应为键值映射(key: value)。")
    return raw


def load_district(params_dir: Path, district: str) -> District:
    """The district's settings; ConfigError naming the file and key if malformed."""
    check_id(district)
    path = Path(params_dir) / "districts" / f"{district}.yaml"
    if not path.exists():
        raise ConfigError(f"找不到区县参数文件 {path}。请先创建该文件(可参照 params/districts/ 下的示例)。")
    raw = _mapping(load_yaml(path), path)
    kinds = tuple(raw.get("kinds") or KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise ConfigError(f"{path}:kinds 中的“{kind}”不是通报类型,应为 {' / '.join(KINDS)}。")
    satisfaction = raw.get("satisfaction") or "good_rate"
    if satisfaction not in SATISFACTION_MODES:
        raise ConfigError(f"{path}:satisfaction 应为 {' / '.join(SATISFACTION_MODES)} 之一,而非“{satisfaction}”。")
    scoring = raw.get("scoring")
    if scoring is not None:
        scoring = check_id(str(scoring), "考核办法代码")
    return District(
        id=district,
        name=str(_require(raw, "name", path)),
        scope=str(raw.get("scope") or "全区"),
        issuer=str(raw.get("issuer") or ""),
        doc_prefix=str(raw.get("doc_prefix") or ""),
        scoring=scoring,
        kinds=kinds,
        satisfaction=satisfaction,
        demo=bool(raw.get("demo", False)),
        publish_staff=raw.get("publish_staff") is True,
        notes=_notes(raw.get("notes"), path),
        targets=_targets(raw.get("targets"), path),
        doc_numbers=_doc_numbers(raw.get("doc_numbers"), path),
        cc=_text_list(raw.get("cc"), "cc", path),
        printed_by=str(raw.get("printed_by") or ""),
    )


DOC_NUMBER_FIELDS = ("year", "n")


def check_doc_number_pattern(pattern: str, where: str) -> str:
    """The 文号 pattern if it holds {n} and no placeholder but {year} and {n}; ConfigError naming `where` otherwise."""
    names = re.findall(r"\{([^{}]*)\}", pattern)
    unknown = [n for n in names if n not in DOC_NUMBER_FIELDS]
    if unknown:
        raise ConfigError(f"{where} 中的占位符 {{{unknown[0]}}} 无效:文号格式只能使用 {{year}}(成文年份)和 {{n}}(序号)。")
    if "n" not in names:
        raise ConfigError(f"{where} 缺少序号占位符 {{n}}:没有序号的文号会让不同通报重号,"
                          "请写成如“云政务通〔{year}〕{n}号”。")
    return pattern


def _doc_numbers(raw: Any, path: Path) -> dict[str, str]:
    if raw is None:
        return {}
    out = {}
    for kind, pattern in _mapping(raw, path).items():
        if kind not in KINDS:
            raise ConfigError(f"{path}:doc_numbers 中的“{kind}”不是通报类型,应为 {' / '.join(KINDS)}。")
        out[kind] = check_doc_number_pattern(str(pattern or ""), f"{path}:doc_numbers.{kind}")
    return out


def _text_list(raw: Any, key: str, path: Path) -> str:
    """A text or a list of texts (joined with ，as GB/T 9704 separates 抄送机关), e.g. 抄送 addressees."""
    if raw is None:
        return ""
    if isinstance(raw, list):
        return "，".join(str(v) for v in raw if v not in (None, ""))
    if isinstance(raw, dict):
        raise ConfigError(f"{path}:{key} 应为文字或文字列表。")
    return str(raw)


def _notes(raw: Any, path: Path) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    for key, value in _mapping(raw, path).items():
        period = parse_period(str(key)).text
        if not isinstance(value, dict):
            raise ConfigError(f"{path}:notes.{key} 应包含 problems / next_steps 等文字。")
        out[period] = {str(k): str(v) for k, v in value.items() if v is not None}
    return out


def _targets(raw: Any, path: Path) -> tuple[Target, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}:targets 应为列表。")
    out = []
    for i, entry in enumerate(raw, start=1):
        entry = _mapping(entry, path)
        metric = str(_require(entry, "metric", path))
        by = entry.get("by")
        out.append(
            Target(
                metric=metric,
                name=str(entry.get("name") or metric),
                min=_number(entry.get("min"), path, f"targets 第{i}项 min"),
                max=_number(entry.get("max"), path, f"targets 第{i}项 max"),
                by=parse_period(str(by)).text if by is not None else None,
            )
        )
    return tuple(out)


def _number(value: Any, path: Path, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path}:{what} 应为数字,而非“{value}”。")
    return float(value)


def load_scheme(params_dir: Path, scheme_id: str) -> Scheme:
    """The scoring scheme params/scoring/<id>.yaml, checked item by item."""
    check_id(scheme_id, "考核办法代码")
    path = Path(params_dir) / "scoring" / f"{scheme_id}.yaml"
    if not path.exists():
        raise ConfigError(f"找不到考核办法文件 {path}。")
    raw = _mapping(load_yaml(path), path)
    base = _number(raw.get("base", 100), path, "base")
    categories = raw.get("categories")
    if not isinstance(categories, list) or not categories:
        raise ConfigError(f"{path}:categories 应为非空列表,每类含 name 和 items。")
    items: list[ScoreItem] = []
    for category in categories:
        category = _mapping(category, path)
        cname = str(_require(category, "name", path))
        entries = category.get("items")
        if not isinstance(entries, list) or not entries:
            raise ConfigError(f"{path}:类别“{cname}”的 items 应为非空列表。")
        for entry in entries:
            items.append(_item(_mapping(entry, path), cname, path))
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"{path}:考核项目 id 重复:{'、'.join(duplicates)}。")
    grades = []
    for entry in raw.get("grades") or []:
        entry = _mapping(entry, path)
        grades.append(Grade(str(_require(entry, "name", path)), _number(entry.get("min", 0), path, "grades.min")))
    grades.sort(key=lambda g: -g.min)
    return Scheme(
        id=scheme_id,
        name=str(raw.get("name") or scheme_id),
        base=base,
        items=tuple(items),
        grades=tuple(grades),
    )


def _item(entry: dict, category: str, path: Path) -> ScoreItem:
    item_id = str(_require(entry, "id", path))
    where = f"{path}:考核项目“{item_id}”"
    source = entry.get("source")
    if source not in SOURCES:
        raise ConfigError(f"{where} 的 source 应为 {' / '.join(SOURCES)} 之一,而非“{source}”。")
    name = str(entry.get("name") or item_id)
    if source == "metric":
        metric = entry.get("metric")
        if metric not in SCORABLE_METRICS:
            raise ConfigError(f"{where} 的 metric“{metric}”未知,可用:{'、'.join(SCORABLE_METRICS)}。")
        return ScoreItem(item_id, name, category, source, metric=metric, scale=_scale(entry.get("scale"), where))
    if source == "inspections":
        cats = entry.get("categories")
        if not isinstance(cats, list) or not cats:
            raise ConfigError(f"{where} 需要 categories(督查问题类别列表)。")
        return ScoreItem(
            item_id, name, category, source,
            categories=tuple(str(c) for c in cats),
            cap=_number(entry.get("cap"), path, f"考核项目“{item_id}”的 cap"),
        )
    top = _number(entry.get("max"), path, f"考核项目“{item_id}”的 max")
    if top is None or top < 0:
        raise ConfigError(f"{where} 需要不小于0的 max(最高分)。")
    default_min = 0.0 if source == "bonus" else -top
    low = _number(entry.get("min", default_min), path, f"考核项目“{item_id}”的 min")
    if low > top:
        raise ConfigError(f"{where} 的 min 大于 max。")
    return ScoreItem(item_id, name, category, source, min=low, max=top)


def _scale(raw: Any, where: str) -> tuple[tuple[float, float], ...]:
    message = f"{where} 的 scale 应为按数值递增的点列,如 [[0.9, -5], [0.95, 0], [1.0, 5]]。"
    if not isinstance(raw, list) or len(raw) < 2:
        raise ConfigError(message)
    points = []
    for point in raw:
        if (
            not isinstance(point, list)
            or len(point) != 2
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in point)
        ):
            raise ConfigError(message)
        points.append((float(point[0]), float(point[1])))
    if any(b[0] <= a[0] for a, b in zip(points, points[1:])):
        raise ConfigError(message)
    return tuple(points)


def load_run(path: Path, params_dir: Path) -> RunSpec:
    """The run file's districts x periods x kinds; `all` expands to every district in params."""
    path = Path(path)
    raw = _mapping(load_yaml(path), path)

    def as_list(key: str) -> list[str]:
        value = raw.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    districts = as_list("districts")
    if districts == ["all"]:
        districts = sorted(p.stem for p in (Path(params_dir) / "districts").glob("*.yaml"))
    if not districts:
        raise ConfigError(f"{path}:districts 不能为空。")
    for d in districts:
        check_id(d)
    periods = [parse_period(p).text for p in as_list("periods")]
    if not periods:
        raise ConfigError(f"{path}:periods 不能为空。")
    kinds = as_list("kinds")
    if kinds in ([], ["all"]):
        return RunSpec(tuple(districts), tuple(periods), None)
    for kind in kinds:
        check_kind(kind)
    return RunSpec(tuple(districts), tuple(periods), tuple(kinds))
