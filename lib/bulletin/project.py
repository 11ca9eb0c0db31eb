"""A project folder of one office (`bulletin init`), written from the files installed with the package.

The notebooks (`bulletin/notebooks/`), the scoring scheme, calendar and README templates (`bulletin/project_files/`)
are package data, so an installed `bulletin` writes and renders a project with nothing from the source repository.
The demo uses the same scheme text (`scheme_text`)."""

from __future__ import annotations

import os
import shutil
import string
import tempfile
import unicodedata
from pathlib import Path

import yaml

from bulletin.config import check_id
from bulletin.data.schemas import TYPE_LABELS as COLUMN_KINDS
from bulletin.data.schemas import TABLES
from bulletin.data.tables import TABLE_NAMES
from bulletin.data.validation import TABLE_LABELS
from bulletin.errors import ParamError

PACKAGE = Path(__file__).resolve().parent
NOTEBOOKS = PACKAGE / "notebooks"
PROJECT_FILES = PACKAGE / "project_files"
KINDS = ["monthly", "quarterly", "half_year", "annual"]
DATA_NOTE = "导出说明.md"
NAME_MAX = 40
# The tables every bulletin needs; the others only feed the sections that use them.
CORE_TABLES = ("departments", "items", "cases")


def scheme_text(title: str | None = None, header: str | None = None) -> str:
    """The packaged scoring scheme (考核办法) as YAML text, with its name and first comment line replaced if given."""
    lines = (PROJECT_FILES / "scoring.yaml").read_text(encoding="utf-8").splitlines()
    if header is not None:
        lines[0] = f"# {header}"
    if title is not None:
        lines = [f"name: {title}" if line.startswith("name: ") else line for line in lines]
    return "\n".join(lines) + "\n"


def check_name(name: str) -> str:
    """The display name (e.g. 云河区) stripped, or ParamError in Chinese when it is empty, too long or has control
    characters."""
    text = str(name).strip()
    if not text:
        raise ParamError("单位名称不能为空(--name,如 --name 云河区)。")
    if len(text) > NAME_MAX:
        raise ParamError(f"单位名称“{text[:NAME_MAX]}…”过长:最多{NAME_MAX}个字。")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ParamError("单位名称含有换行或控制字符,请只写名称本身(如 --name 云河区)。")
    return text


def scope_of(name: str) -> str:
    """全市 / 全县 / 全旗 / 全区 from the last character of the name (全区 when it says nothing)."""
    return {"市": "全市", "县": "全县", "旗": "全旗"}.get(name[-1], "全区")


def district_text(district: str, name: str, scope: str, issuer: str) -> str:
    """params/districts/<district>.yaml for a new office: the settings, then commented examples of the optional keys."""
    settings = {"name": name, "scope": scope, "issuer": issuer, "scoring": district, "kinds": KINDS,
                "satisfaction": "good_rate"}
    body = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=1000)
    return (
        f"# {name}的通报参数(由 bulletin init 生成,按本单位情况修改)。\n"
        "# name 名称;scope 句中所用范围(全市/全区/全县);issuer 发文单位;scoring 考核办法(params/scoring/ 下的文件名);\n"
        "# kinds 启用的通报类型;satisfaction 满意度口径:good_rate 好评率 / satisfied_rate 满意率 / mean_rating 平均评分。\n"
        f"{body}"
        "# 每期的分析文字,原样写入通报的“存在问题”“下步工作安排”:\n"
        "# notes:\n"
        "#   2024-06:\n"
        "#     problems: 一是……;二是……。\n"
        "#     next_steps: 一是……;二是……。\n"
    )


def data_note(district: str, name: str) -> str:
    """data/<district>/导出说明.md: the tables to export and their columns, from the schemas."""
    lines = [
        f"# {name}:需要导出的表",
        "",
        f"把服务平台导出的表放在本文件夹(data/{district}/):每张表一个文件(`cases.xlsx`、`items.csv` ……),",
        "或一个同名文件夹存放多个文件(如 `cases/2024-06.xlsx`,按月导出),程序会合并。",
        "支持 Excel(.xlsx)、CSV(UTF-8 或 GBK)和 Parquet;表头写中文(导出时的样子)或英文列名均可,多余的列不影响。",
        "缺少某张表时,通报只略去用到它的段落;单位名单、事项目录和办件三张表是必需的。",
        f"放好后运行 `bulletin validate --district {district}` 检查,问题会逐条列出文件、行号、列和规则。",
        "",
    ]
    for table in TABLE_NAMES:
        need = "必需" if table in CORE_TABLES else "可选"
        lines.append(f"## {TABLE_LABELS[table]}:`{table}`({need})")
        lines.append("")
        lines.append("| 列(中文表头) | 英文列名 | 类型 | 必填 |")
        lines.append("|---|---|---|---|")
        for col in TABLES[table]:
            kind = COLUMN_KINDS.get(col.kind, col.kind)
            if col.choices:
                kind += ":" + " / ".join(col.choices)
            lines.append(f"| {col.alias} | {col.name} | {kind} | {'是' if col.required else '否'} |")
        lines.append("")
    return "\n".join(lines)


def project_files(district: str, name: str, scope: str, issuer: str) -> dict[str, bytes]:
    """Every file of a new project, by path relative to its folder."""
    fields = {"district": district, "name": name}
    readme = string.Template((PROJECT_FILES / "README.md").read_text(encoding="utf-8")).safe_substitute(fields)
    files = {
        "README.md": readme,
        f"params/districts/{district}.yaml": district_text(district, name, scope, issuer),
        f"params/scoring/{district}.yaml": scheme_text(),
        "params/calendar.yaml": (PROJECT_FILES / "calendar.yaml").read_text(encoding="utf-8"),
        f"data/{district}/{DATA_NOTE}": data_note(district, name),
        "outputs/.gitkeep": "",
    }
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(NOTEBOOKS.glob("*.py")):
        encoded[f"notebooks/{notebook.name}"] = notebook.read_bytes()
    return encoded


# Files an office edits: `init --force` into an existing project keeps them and refreshes the rest (the notebooks).
def _kept(path: str) -> bool:
    return path.startswith(("params/", "data/")) or path == "README.md"


def init_project(folder: Path, district: str, name: str, *, scope: str | None = None, issuer: str | None = None,
                 force: bool = False) -> tuple[list[Path], list[Path]]:
    """Write a new project into folder; (files written, files kept as they were).

    A folder that exists and is not empty is refused unless force; with force, the office's params, data note and
    README already there are kept and the notebooks replaced. Files are written into a temporary folder beside the
    target first and moved into place at the end, so a failure leaves nothing half-written."""
    district = check_id(district)
    name = check_name(name)
    scope = check_name(scope) if scope else scope_of(name)
    issuer = check_name(issuer) if issuer else f"{name}政务服务中心"
    folder = Path(folder).absolute()
    if folder.exists() and not folder.is_dir():
        raise ParamError(f"“{folder}”已存在且不是文件夹,未写入任何内容。")
    occupied = folder.is_dir() and any(folder.iterdir())
    if occupied and not force:
        raise ParamError(f"文件夹“{folder}”不是空的,为免覆盖已有文件,未写入任何内容。"
                         "如确需写入,请加 --force(保留已有的参数、数据和说明,只更新笔记本)。")
    files = project_files(district, name, scope, issuer)
    parent = folder.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-init-", dir=parent))
    except OSError as exc:
        raise ParamError(f"无法在“{parent}”下创建文件夹:{exc.strerror or exc}") from None
    written, kept = [], []
    try:
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if not folder.exists():
            os.replace(staging, folder)  # the whole project appears in one rename
            written = [folder / relative for relative in files]
        elif not occupied:  # an empty folder (perhaps the current one): its few top-level entries are renamed in
            for entry in sorted(staging.iterdir()):
                os.replace(entry, folder / entry.name)
            written = [folder / relative for relative in files]
        else:
            for relative in files:
                target = folder / relative
                if _kept(relative) and target.exists():
                    kept.append(target)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / relative, target)
                written.append(target)
    except OSError as exc:
        raise ParamError(f"写入“{folder}”失败:{exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written, kept
