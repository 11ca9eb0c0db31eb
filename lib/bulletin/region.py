"""Regions (市/省): params/regions/<region>.yaml names the districts one regional bulletin compares.

A region's bulletins live in their own folder, `outputs/regions/<region>/<period>/`, so a region id can
never be mistaken for a district id: `regions` itself is refused as a district id (see RESERVED_IDS),
and a region may share its id with a district without either overwriting the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.config import KINDS, RESERVED_DISTRICT_IDS, SATISFACTION_MODES, check_doc_number_pattern, check_id, load_district
from bulletin.errors import ConfigError, ParamError
from bulletin.figures.periods import Period, parse_period
from bulletin.yamlio import load_yaml

REGIONS_FOLDER = "regions"  # params/regions/ and outputs/regions/
RESERVED_IDS = RESERVED_DISTRICT_IDS  # ids no district may take: {REGIONS_FOLDER}, the regions' output folder
SCOPES = ("全市", "全省", "全州", "全盟", "全区")


@dataclass(frozen=True)
class Region:
    """One region's settings: its member districts and the one definition of 满意度 they are compared by."""

    id: str
    name: str
    districts: tuple[str, ...]
    scope: str = "全市"
    issuer: str = ""
    doc_prefix: str = ""
    kinds: tuple[str, ...] = KINDS
    satisfaction: str = "good_rate"
    scoring: str | None = None
    doc_numbers: dict[str, str] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    demo: bool = False
    cc: str = ""  # 抄送 of the 版记
    printed_by: str = ""  # 印发机关 of the 版记

    def notes_for(self, period: Period) -> dict[str, str]:
        """Analyst notes (problems, next_steps, date) written for this period, if any."""
        return dict(self.notes.get(period.text, {}))


def check_district_id(district: str) -> str:
    """The district id if it is safe and not reserved for regions, else ConfigError."""
    check_id(district)
    if district in RESERVED_IDS:
        raise ConfigError(f"区县代码“{district}”为保留字(地区通报的输出目录 outputs/{REGIONS_FOLDER}/),请改用其他代码。")
    return district


def region_path(params_dir: Path, region: str) -> Path:
    """params/regions/<region>.yaml."""
    return Path(params_dir) / REGIONS_FOLDER / f"{check_id(region, '地区代码')}.yaml"


def region_ids(params_dir: Path) -> list[str]:
    """Every region with a file in params/regions/, sorted."""
    return sorted(p.stem for p in (Path(params_dir) / REGIONS_FOLDER).glob("*.yaml"))


def load_region(params_dir: Path, region: str) -> Region:
    """The region's settings; ConfigError naming the file and key when malformed or a member is unknown."""
    path = region_path(params_dir, region)
    if not path.exists():
        raise ConfigError(f"找不到地区参数文件 {path}。请先创建该文件(可参照 params/{REGIONS_FOLDER}/ 下的示例)。")
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:内容应为键值映射(key: value)。")
    name = raw.get("name")
    if name in (None, ""):
        raise ConfigError(f"{path}:缺少必填项 name。")
    districts = _districts(raw.get("districts"), region, Path(params_dir), path)
    kinds = _list(raw.get("kinds"), path, "kinds") or list(KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise ConfigError(f"{path}:kinds 中的“{kind}”不是通报类型,应为 {' / '.join(KINDS)}。")
    satisfaction = raw.get("satisfaction") or "good_rate"
    if satisfaction not in SATISFACTION_MODES:
        raise ConfigError(f"{path}:satisfaction 应为 {' / '.join(SATISFACTION_MODES)} 之一,而非“{satisfaction}”。")
    scoring = raw.get("scoring")
    if scoring is not None:
        try:
            scoring = check_id(str(scoring), "考核办法代码")
        except ParamError as exc:  # name the file it came from
            raise ConfigError(f"{path}:scoring —— {exc}") from None
    return Region(
        id=region,
        name=str(name),
        districts=districts,
        scope=str(raw.get("scope") or "全市"),
        issuer=str(raw.get("issuer") or ""),
        doc_prefix=str(raw.get("doc_prefix") or ""),
        kinds=tuple(kinds),
        satisfaction=satisfaction,
        scoring=scoring,
        doc_numbers=_doc_numbers(raw.get("doc_numbers"), path),
        notes=_notes(raw.get("notes"), path),
        demo=raw.get("demo") is True,
        cc="，".join(str(v) for v in raw["cc"]) if isinstance(raw.get("cc"), list) else str(raw.get("cc") or ""),
        printed_by=str(raw.get("printed_by") or ""),
    )


def _list(value: Any, path: Path, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{path}:{key} 应为列表。")
    return [str(v) for v in value]


def _districts(value: Any, region: str, params_dir: Path, path: Path) -> tuple[str, ...]:
    """The member ids: a list, or `all` (every district file); each must be a known district, none repeated."""
    if value == "all":
        members = sorted(p.stem for p in (params_dir / "districts").glob("*.yaml"))
    else:
        members = _list(value, path, "districts")
    if not members:
        raise ConfigError(f"{path}:districts 不能为空,应列出本地区所辖区县代码,或写 all 表示全部区县。")
    seen: set[str] = set()
    for member in members:
        try:
            check_district_id(member)
        except (ParamError, ConfigError) as exc:
            raise ConfigError(f"{path}:districts 中的“{member}”无效——{exc}") from None
        if member == region:
            raise ConfigError(f"{path}:districts 不能包含地区自身“{region}”。")
        if member in seen:
            raise ConfigError(f"{path}:districts 中的“{member}”重复。")
        if not (params_dir / "districts" / f"{member}.yaml").exists():
            raise ConfigError(f"{path}:districts 中的“{member}”不是已知区县(找不到 params/districts/{member}.yaml)。")
        seen.add(member)
    return tuple(members)


def _doc_numbers(value: Any, path: Path) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or any(k not in KINDS for k in value):
        raise ConfigError(f"{path}:doc_numbers 应为 通报类型: 文号格式 的映射,如 monthly: \"示政服〔{{year}}〕{{n}}号\"。")
    return {str(k): check_doc_number_pattern(str(v), f"{path}:doc_numbers.{k}") for k, v in value.items()}


def _notes(value: Any, path: Path) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}:notes 应为 统计期: 文字 的映射。")
    out: dict[str, dict[str, str]] = {}
    for key, entry in value.items():
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}:notes.{key} 应包含 problems / next_steps 等文字。")
        out[parse_period(str(key)).text] = {str(k): str(v) for k, v in entry.items() if v is not None}
    return out


def member_settings(params_dir: Path, region: Region) -> dict[str, Any]:
    """Each member's District settings, by id (names and kinds for the page)."""
    return {d: load_district(params_dir, d) for d in region.districts}


def run_regions(runfile: Path) -> tuple[str, ...]:
    """The `regions:` of a run file (empty when it has none); each a safe id."""
    raw = load_yaml(Path(runfile))
    value = raw.get("regions") if isinstance(raw, dict) else None
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(check_id(str(v), "地区代码") for v in items)
