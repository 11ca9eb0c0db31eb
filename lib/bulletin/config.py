"""Typed settings from params/: districts, scoring schemes (考核办法) and run files."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.errors import ConfigError, ParamError
from bulletin.figures.periods import Period, parse_period
from bulletin.vocabulary import KIND_LABELS, KINDS  # noqa: F401  (re-exported for older imports)
from bulletin.params_file import ID_PATTERN, MAX_NOTE_CHARS, ParamsFile, check_id, show

SATISFACTION_MODES = ("good_rate", "satisfied_rate", "mean_rating")
SOURCES = ("metric", "inspections", "manual", "bonus")

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
    warnings: tuple[str, ...] = field(default=(), compare=False)  # unknown keys (ignored), with the closest known key

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
    warnings: tuple[str, ...] = field(default=(), compare=False)

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
    warnings: tuple[str, ...] = ()  # unknown keys, skipped district files


DISTRICT_KEYS = ("name", "scope", "issuer", "doc_prefix", "scoring", "kinds", "satisfaction", "demo", "publish_staff",
                 "notes", "targets", "doc_numbers", "cc", "printed_by")
NOTE_KEYS = ("problems", "next_steps", "date", "doc_number", "highlights")
TARGET_KEYS = ("metric", "name", "min", "max", "by")
SCHEME_KEYS = ("name", "base", "categories", "grades")
CATEGORY_KEYS = ("name", "items")
ITEM_KEYS = ("id", "name", "source", "metric", "scale", "categories", "cap", "min", "max")
GRADE_KEYS = ("name", "min")
RUN_KEYS = ("districts", "periods", "kinds", "regions")
# Figures a district target may name: 'section.name' or the bare name (first section in this order wins).
TARGET_SECTIONS = {
    "cases": ("received", "completed", "completion_rate", "instant", "instant_same_day", "instant_same_day_rate",
              "early", "on_time", "on_time_rate", "overdue_open", "hall", "yoy", "mom"),
    "catalog": ("items", "instant_share", "online_rate", "time_compression", "steps_compression", "added", "cancelled"),
    "evaluations": ("total", "good", "bad", "good_rate", "satisfaction", "rectified", "rectified_rate", "online",
                    "offline"),
    "complaints": ("total", "resolved", "resolved_rate", "callback_satisfied_rate"),
    "township_reports": ("due", "on_time", "on_time_rate"),
    "services": ("total", "departments"),
}
TARGET_METRICS: tuple[str, ...] = tuple(dict.fromkeys(
    [name for names in TARGET_SECTIONS.values() for name in names]
    + [f"{section}.{name}" for section, names in TARGET_SECTIONS.items() for name in names]
))


def district_files(params_dir: Path) -> tuple[list[str], list[str]]:
    """The district ids of params/districts/*.yaml, and a warning for each file there whose name is no valid id
    (a copy such as `c1 - 副本.yaml`), which is skipped."""
    ids, warnings = [], []
    for path in sorted((Path(params_dir) / "districts").glob("*.yaml")):
        if ID_PATTERN.match(path.stem):
            ids.append(path.stem)
        else:
            warnings.append(f"已跳过 {path}:文件名“{path.stem}”不是有效的区县代码(只能由小写字母、数字、下划线和连字符组成)。")
    return ids, warnings


# Ids no district may take: `regions` names the folder of the regional bulletins (outputs/regions/, see region.py).
RESERVED_DISTRICT_IDS = frozenset({"regions"})


def load_district(params_dir: Path, district: str) -> District:
    """The district's settings; ConfigError naming the file, line and key if malformed (unknown keys warn)."""
    check_id(district)
    if district in RESERVED_DISTRICT_IDS:
        raise ConfigError(f"区县代码“{district}”为保留字(地区通报的输出目录 outputs/{district}/),请改用其他代码。")
    path = Path(params_dir) / "districts" / f"{district}.yaml"
    if not path.exists():
        raise ConfigError(f"找不到区县参数文件 {path}。请先创建该文件(可参照 params/districts/ 下的示例)。")
    f = ParamsFile(path)
    raw = f.top()
    f.known(raw, (), DISTRICT_KEYS)
    kinds = tuple(f.items(raw, "kinds")) or KINDS
    for i, kind in enumerate(kinds):
        if not isinstance(kind, str) or kind not in KINDS:
            raise f.error(("kinds", i), f"中的“{show(kind)}”不是通报类型,应为 {' / '.join(KINDS)}。")
    scoring = raw.get("scoring")
    return District(
        id=district,
        name=f.text(raw, "name", required=True),
        scope=f.text(raw, "scope") or "全区",
        issuer=f.text(raw, "issuer"),
        doc_prefix=f.text(raw, "doc_prefix"),
        scoring=f.ident(scoring, ("scoring",), "考核办法代码") if scoring not in (None, "") else None,
        kinds=tuple(dict.fromkeys(kinds)),
        satisfaction=f.choice(raw, "satisfaction", (), SATISFACTION_MODES, "good_rate"),
        demo=f.flag(raw, "demo"),
        publish_staff=f.flag(raw, "publish_staff"),
        notes=_notes(f, raw.get("notes")),
        targets=_targets(f, raw),
        doc_numbers=_doc_numbers(f, raw.get("doc_numbers")),
        cc=_text_list(f, raw.get("cc"), ("cc",)),
        printed_by=f.text(raw, "printed_by"),
        warnings=tuple(f.warnings),
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


def _doc_numbers(f: ParamsFile, raw: Any) -> dict[str, str]:
    """kind -> 文号 pattern, each checked (a known kind, {n} present, no other placeholder)."""
    if raw is None:
        return {}
    out = {}
    for kind, pattern in f.mapping(raw, ("doc_numbers",)).items():
        if kind not in KINDS:
            raise f.error(("doc_numbers", kind), f"“{kind}”不是通报类型,应为 {' / '.join(KINDS)}。")
        text = f.as_text(pattern, ("doc_numbers", kind))
        out[kind] = check_doc_number_pattern(text, f"{f.path.name}:doc_numbers.{kind}")
    return out


def _text_list(f: ParamsFile, raw: Any, keys: tuple) -> str:
    """A text or a list of texts (joined with ，as GB/T 9704 separates 抄送机关), e.g. 抄送 addressees."""
    if raw is None:
        return ""
    if isinstance(raw, list):
        return "，".join(f.as_text(v, (*keys, i)) for i, v in enumerate(raw) if v not in (None, ""))
    if isinstance(raw, dict):
        raise f.error(keys, "应为文字或文字列表。")
    return f.as_text(raw, keys)


def _notes(f: ParamsFile, raw: Any) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    for key, value in f.mapping(raw, ("notes",)).items():
        keys = ("notes", str(key))
        period = f.period(key, keys)
        if not isinstance(value, dict):
            raise f.error(keys, "应包含 problems / next_steps 等文字。")
        f.known(value, keys, NOTE_KEYS)
        out[period] = {str(k): f.as_text(v, keys + (str(k),), MAX_NOTE_CHARS) for k, v in value.items()
                       if v is not None}
    return out


def _targets(f: ParamsFile, raw: dict) -> tuple[Target, ...]:
    out = []
    for i, entry in enumerate(f.items(raw, "targets")):
        keys = ("targets", i)
        entry = f.mapping(entry, keys)
        f.known(entry, keys, TARGET_KEYS)
        metric = f.text(entry, "metric", keys, required=True)
        if metric not in TARGET_METRICS:
            close = difflib.get_close_matches(metric, TARGET_METRICS, n=1, cutoff=0.6)
            hint = f"是否应为 {close[0]}?" if close else f"可用:{'、'.join(TARGET_METRICS[:40])} 等。"
            raise f.error(keys + ("metric",), f"“{show(metric)}”不是已知指标,{hint}")
        low, high = f.number(entry, "min", keys), f.number(entry, "max", keys)
        if low is None and high is None:
            raise f.error(keys, "需要 min(不低于)或 max(不高于)目标值。")
        by = entry.get("by")
        out.append(Target(metric=metric, name=f.text(entry, "name", keys) or metric, min=low, max=high,
                          by=f.period(by, keys + ("by",)) if by is not None else None))
    return tuple(out)


def load_scheme(params_dir: Path, scheme_id: str) -> Scheme:
    """The scoring scheme params/scoring/<id>.yaml, checked item by item (finite numbers, cap >= 0, sorted scales)."""
    check_id(scheme_id, "考核办法代码")
    path = Path(params_dir) / "scoring" / f"{scheme_id}.yaml"
    if not path.exists():
        raise ConfigError(f"找不到考核办法文件 {path}。")
    f = ParamsFile(path)
    raw = f.top()
    f.known(raw, (), SCHEME_KEYS)
    base = f.number(raw, "base", (), 100)
    categories = raw.get("categories")
    if not isinstance(categories, list) or not categories:
        raise f.error(("categories",), "应为非空列表,每类含 name 和 items。")
    items: list[ScoreItem] = []
    for c, category in enumerate(categories):
        keys = ("categories", c)
        category = f.mapping(category, keys)
        f.known(category, keys, CATEGORY_KEYS)
        cname = f.text(category, "name", keys, required=True)
        entries = category.get("items")
        if not isinstance(entries, list) or not entries:
            raise f.error(keys + ("items",), f"类别“{cname}”的 items 应为非空列表。")
        for i, entry in enumerate(entries):
            items.append(_item(f, f.mapping(entry, keys + ("items", i)), cname, keys + ("items", i)))
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"{path}:考核项目 id 重复:{'、'.join(duplicates)}。")
    grades = []
    for g, entry in enumerate(f.items(raw, "grades")):
        keys = ("grades", g)
        entry = f.mapping(entry, keys)
        f.known(entry, keys, GRADE_KEYS)
        grades.append(Grade(f.text(entry, "name", keys, required=True), f.number(entry, "min", keys, 0)))
    grades.sort(key=lambda g: -g.min)
    return Scheme(id=scheme_id, name=f.text(raw, "name") or scheme_id, base=base, items=tuple(items),
                  grades=tuple(grades), warnings=tuple(f.warnings))


def _item(f: ParamsFile, entry: dict, category: str, keys: tuple) -> ScoreItem:
    f.known(entry, keys, ITEM_KEYS)
    item_id = f.text(entry, "id", keys, required=True)
    where = f"考核项目“{item_id}”"
    source = entry.get("source")
    if not isinstance(source, str) or source not in SOURCES:
        raise f.error(keys + ("source",), f"({where})source 应为 {' / '.join(SOURCES)} 之一,而非“{show(source)}”。")
    name = f.text(entry, "name", keys) or item_id
    if source == "metric":
        metric = entry.get("metric")
        if not isinstance(metric, str) or metric not in SCORABLE_METRICS:
            raise f.error(keys + ("metric",), f"({where})metric“{show(metric)}”未知,可用:{'、'.join(SCORABLE_METRICS)}。")
        return ScoreItem(item_id, name, category, source, metric=metric, scale=_scale(f, entry.get("scale"), keys, where))
    if source == "inspections":
        cats = entry.get("categories")
        if not isinstance(cats, list) or not cats:
            raise f.error(keys + ("categories",), f"({where})需要 categories(督查问题类别列表)。")
        return ScoreItem(
            item_id, name, category, source,
            categories=tuple(f.as_text(c, keys + ("categories", i)) for i, c in enumerate(cats)),
            cap=f.number(entry, "cap", keys, minimum=0),
        )
    top = f.number(entry, "max", keys, minimum=0)
    if top is None:
        raise f.error(keys + ("max",), f"({where})需要不小于0的 max(最高分)。")
    default_min = 0.0 if source == "bonus" else -top
    low = f.number(entry, "min", keys, default_min)
    if low > top:
        raise f.error(keys + ("min",), f"({where})min 大于 max。")
    return ScoreItem(item_id, name, category, source, min=low, max=top)


def _scale(f: ParamsFile, raw: Any, keys: tuple, where: str) -> tuple[tuple[float, float], ...]:
    message = f"({where})scale 应为按数值递增的点列,如 [[0.9, -5], [0.95, 0], [1.0, 5]]。"
    keys = keys + ("scale",)
    if not isinstance(raw, list) or len(raw) < 2:
        raise f.error(keys, message)
    points = []
    for i, point in enumerate(raw):
        if not isinstance(point, list) or len(point) != 2:
            raise f.error(keys + (i,), message)
        points.append((f.as_number(point[0], keys + (i,)), f.as_number(point[1], keys + (i,))))
    for i, (a, b) in enumerate(zip(points, points[1:]), start=1):
        if b[0] <= a[0]:
            raise f.error(keys + (i,), message)
    return tuple(points)


def load_run(path: Path, params_dir: Path) -> RunSpec:
    """The run file's districts x periods x kinds; `all` expands to every district in params (a file there whose
    name is no valid id is skipped with a warning)."""
    f = ParamsFile(path)
    raw = f.top()
    f.known(raw, (), RUN_KEYS)

    def as_list(key: str) -> list[str]:
        return [f.as_text(v, (key, i)) for i, v in enumerate(f.items(raw, key))]

    districts = as_list("districts")
    if districts == ["all"]:
        districts, skipped = district_files(params_dir)
        f.warnings += skipped
    if not districts and not raw.get("regions"):  # a run file may list only regions (region.run_regions)
        raise f.error(("districts",), "不能为空。")
    districts = [f.ident(d, ("districts", i), "区县代码") for i, d in enumerate(districts)]
    periods = [f.period(p, ("periods", i)) for i, p in enumerate(as_list("periods"))]
    if not periods:
        raise f.error(("periods",), "不能为空。")
    kinds = as_list("kinds")
    if kinds in ([], ["all"]):
        return RunSpec(tuple(dict.fromkeys(districts)), tuple(dict.fromkeys(periods)), None, tuple(f.warnings))
    for i, kind in enumerate(kinds):
        try:
            check_kind(kind)
        except ParamError as exc:
            raise ConfigError(f"{f.where(('kinds', i))}:{exc}") from None
    return RunSpec(tuple(dict.fromkeys(districts)), tuple(dict.fromkeys(periods)), tuple(dict.fromkeys(kinds)),
                   tuple(f.warnings))


def params_warnings(params_dir: Path, district: str) -> tuple[District, list[str]]:
    """The district's settings and the warnings of its params files (district and scoring scheme); errors raise."""
    settings = load_district(params_dir, district)
    warnings = list(settings.warnings)
    if settings.scoring:
        warnings += load_scheme(params_dir, settings.scoring).warnings
    return settings, warnings
