"""Render one bulletin: check parameters, validate data, execute the notebook with papermill, export, publish."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from .attachments import workbook_bytes
from .calendar import load_calendar
from .config import KIND_LABELS, check_id, check_kind, load_district, load_scheme
from .errors import ParamError, RenderError
from .outputs import bulletin_dir, publish
from .periods import parse_period
from .render import export_html
from .report import FIGURES_MIMETYPE
from .store import load_tables

KERNEL = "python3"
# Errors raised by our own library inside the notebook: their message is meant for the user as it is.
_USER_ERRORS = {"ConfigError", "ParamError", "DataError", "CalendarError", "BulletinError"}


@dataclass(frozen=True)
class RunResult:
    """A rendered bulletin: where its files are and the figures it states."""

    district: str
    period: str
    kind: str
    files: tuple[Path, ...]
    figures: dict


# The kernel listens on localhost only; its start-up warning about unencrypted TCP is noise to analysts.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def default_notebooks_dir() -> Path:
    """notebooks/ of the working directory (the project root)."""
    return Path("notebooks")


# Which period shapes each kind is written for.
KIND_PERIODS = {"monthly": ("month",), "quarterly": ("quarter",), "half_year": ("half",), "annual": ("year", "range")}


def kind_fits(kind: str, period: str) -> bool:
    """True if the kind is written for periods of this shape (monthly for months, annual for years or ranges)."""
    return parse_period(period).kind in KIND_PERIODS[kind]


def check_parameters(district: str, period: str, kind: str, params_dir: Path) -> tuple[str, str, str]:
    """Validated (district, period text, kind); ParamError/ConfigError with a Chinese message otherwise."""
    check_id(district)
    check_kind(kind)
    text = parse_period(period).text
    if not kind_fits(kind, text):
        raise ParamError(f"统计期“{text}”不适用于通报类型“{kind}”。")
    settings = load_district(params_dir, district)
    if kind not in settings.kinds:
        raise ParamError(f"区县“{district}”未启用通报类型“{kind}”(见 params/districts/{district}.yaml 的 kinds)。")
    return district, text, kind


def run_bulletin(
    district: str,
    period: str,
    kind: str,
    *,
    data_dir: Path = Path("data"),
    params_dir: Path = Path("params"),
    out_dir: Path = Path("outputs"),
    notebooks_dir: Path | None = None,
) -> RunResult:
    """Render outputs/<district>/<period>/<kind>.{html,json,xlsx,ipynb}; nothing is written unless every step succeeds."""
    data_dir, params_dir, out_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(out_dir).resolve()
    district, period, kind = check_parameters(district, period, kind, params_dir)
    settings = load_district(params_dir, district)
    if settings.scoring:
        load_scheme(params_dir, settings.scoring)
    load_calendar(params_dir)
    load_tables(data_dir, district)  # refuse bad data before any kernel starts; fills the validated store
    notebook = Path(notebooks_dir or default_notebooks_dir()) / f"{kind}.ipynb"
    if not notebook.exists():
        raise ParamError(f"找不到通报模板笔记本 {notebook}。")
    parameters = {
        "district": district,
        "period": period,
        "kind": kind,
        "data_dir": str(data_dir),
        "params_dir": str(params_dir),
    }
    executed = _execute(notebook, parameters)
    figures = _figures_of(executed)
    title = f"{settings.name}{parse_period(period).label}政务服务工作{KIND_LABELS[kind]}"
    html = export_html(executed, title)
    _strip_volatile(executed)
    files = {
        f"{kind}.html": html.encode("utf-8"),
        f"{kind}.json": (json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        f"{kind}.xlsx": workbook_bytes(figures),
        f"{kind}.ipynb": (nbformat.writes(executed) + "\n").encode("utf-8"),
    }
    written = publish(bulletin_dir(out_dir, district, period), files)
    return RunResult(district, period, kind, tuple(written), figures)


def _execute(notebook: Path, parameters: dict) -> nbformat.NotebookNode:
    with tempfile.TemporaryDirectory(prefix="bulletin-") as tmp:
        output = Path(tmp) / notebook.name
        try:
            return papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=tmp,
                progress_bar=False,
                log_output=False,
                extra_arguments=KERNEL_ARGUMENTS,
            )
        except PapermillExecutionError as exc:
            if exc.ename in _USER_ERRORS:
                raise RenderError(exc.evalue) from None
            raise RenderError(
                f"通报笔记本 {notebook.name} 第{exc.exec_count}个单元执行出错:{exc.ename}: {exc.evalue}"
            ) from None
        except DeadKernelError:
            raise RenderError(f"通报笔记本 {notebook.name} 执行时 Python 内核意外退出(可能内存不足或进程被终止),"
                              "本次未生成通报,原有通报保持不变。") from None
        except CellTimeoutError:
            raise RenderError(f"通报笔记本 {notebook.name} 有单元执行超时,本次未生成通报,原有通报保持不变。") from None


def _figures_of(executed: nbformat.NotebookNode) -> dict:
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIMETYPE in data:
                return dict(data[FIGURES_MIMETYPE])
    raise RenderError("通报笔记本未输出统计数据(缺少 b.emit_figures() 单元)。")


def _strip_volatile(executed: nbformat.NotebookNode) -> None:
    """Drop run timestamps and temp paths so the same inputs give the same .ipynb bytes."""
    executed.metadata.pop("papermill", None)
    for cell in executed.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives the cell it adds a random id
