"""Render one bulletin: check parameters, validate data, execute the notebook with papermill, export, publish."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from bulletin.document.attachments import workbook_bytes
from bulletin.figures.workdays import load_calendar
from bulletin.config import check_id, check_kind, kind_fits, load_district, load_scheme
from bulletin.errors import DataError, ParamError, RenderError
from bulletin.run.manifest import sha256_bytes
from bulletin.run.outputs import bulletin_dir, publish
from bulletin.figures.periods import parse_period
from bulletin.document.html import export_html
from bulletin.document.prose import fill_notebook
from bulletin.document.builder import FIGURES_MIMETYPE, TIMINGS_MIMETYPE
from bulletin.data.store import require_valid
from bulletin.run.outputs import write_report_page
from bulletin.vocabulary import KIND_LABELS, bulletin_title

KERNEL = "python3"
# Errors raised by our own library inside the notebook: their message is meant for the user as it is.
_USER_ERRORS = {"ConfigError", "ParamError", "DataError", "CalendarError", "BulletinError", "WordingError"}


@dataclass(frozen=True)
class RunResult:
    """A rendered bulletin: where its files are and the figures it states."""

    district: str
    period: str
    kind: str
    files: tuple[Path, ...]
    figures: dict
    digests: dict[str, str]  # file name -> sha256 of the bytes written


# The kernel listens on localhost only; its start-up warning about unencrypted TCP is noise to analysts.
# No IPython history: parallel kernels would contend for one sqlite file, and a bulletin needs none.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]


PACKAGED_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def default_notebooks_dir() -> Path:
    """notebooks/ of the working directory (the project root) when it exists, else the notebooks installed with the
    package: a project edits its own copies (`bulletin init` writes them), a bare folder still renders."""
    project = Path("notebooks")
    return project if project.is_dir() else PACKAGED_NOTEBOOKS


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
    warm: bool = False,
    checked: bool = False,
    timings: dict[str, float] | None = None,
) -> RunResult:
    """Render outputs/<district>/<period>/<kind>.{html,json,xlsx,ipynb}; nothing is written unless every step succeeds.

    warm: fork the kernel from this process's pre-imported zygote (batch workers) instead of starting
    a fresh interpreter; the bulletin is the same byte for byte. checked: the caller has already
    validated the params and data (a batch does it once per district). timings, if given, receives
    the seconds spent per stage (see batch.STAGE_LABELS: check, kernel, setup, load, compute, cells,
    export, write)."""
    clock = _Stopwatch(timings)
    data_dir, params_dir, out_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(out_dir).resolve()
    district, period, kind = check_parameters(district, period, kind, params_dir)
    settings = load_district(params_dir, district)
    if not checked:
        check_inputs(district, data_dir, params_dir, out_dir)
    notebook = Path(notebooks_dir or default_notebooks_dir()) / f"{kind}.ipynb"
    if not notebook.exists():
        raise ParamError(f"找不到通报模板笔记本 {notebook}。")
    # The kernel runs in the project folder (the one holding data/ and params/) and the notebook records the
    # folders relative to it: the executed notebook has the same bytes wherever the project lies.
    root = Path(os.path.commonpath([data_dir, params_dir]))
    parameters = {
        "district": district,
        "period": period,
        "kind": kind,
        "data_dir": Path(os.path.relpath(data_dir, root)).as_posix(),
        "params_dir": Path(os.path.relpath(params_dir, root)).as_posix(),
    }
    clock.lap("check")
    executed = _execute(notebook, parameters, warm, cwd=root)
    clock.lap("execute")
    # What papermill did not spend inside a cell is kernel start-up and messaging.
    clock.split("execute", _cell_seconds(executed, _take_timings(executed)), rest="kernel")
    executed = fill_notebook(executed, f"通报笔记本 {notebook.name} ")  # Markdown prose -> paragraph blocks
    figures = _figures_of(executed)
    title = bulletin_title(settings.name, kind, parse_period(period).label)
    files = bulletin_files(executed, kind, title, figures, workbook_bytes)
    clock.lap("export")
    written = publish(bulletin_dir(out_dir, district, period), files, root=out_dir)
    clock.lap("write")
    digests = {name: sha256_bytes(data) for name, data in files.items()}
    return RunResult(district, period, kind, tuple(written), figures, digests)


def bulletin_files(executed: nbformat.NotebookNode, kind: str, title: str, figures: dict, workbook) -> dict[str, bytes]:
    """Every file of one bulletin (district or regional) from its executed notebook: <kind>.html, .json, .xlsx, .ipynb."""
    html = export_html(executed, title)
    _strip_volatile(executed)
    return {
        f"{kind}.html": html.encode("utf-8"),
        f"{kind}.json": (json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        f"{kind}.xlsx": workbook(figures),
        f"{kind}.ipynb": (nbformat.writes(executed) + "\n").encode("utf-8"),
    }


def run_region(
    region: str,
    period: str,
    kind: str,
    *,
    data_dir: Path = Path("data"),
    params_dir: Path = Path("params"),
    out_dir: Path = Path("outputs"),
    notebooks_dir: Path | None = None,
    warm: bool = False,
) -> RunResult:
    """Render outputs/regions/<region>/<period>/<kind>.* from notebooks/regional.ipynb, published like a district's."""
    from bulletin.document.regional import region_dir, regional_workbook_bytes
    from bulletin.region import REGIONS_FOLDER, load_region

    data_dir, params_dir, out_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(out_dir).resolve()
    check_kind(kind)
    text = parse_period(period).text
    if not kind_fits(kind, text):
        raise ParamError(f"统计期“{text}”不适用于通报类型“{kind}”。")
    settings = load_region(params_dir, region)
    if kind not in settings.kinds:
        raise ParamError(f"地区“{region}”未启用通报类型“{kind}”(见 params/{REGIONS_FOLDER}/{region}.yaml 的 kinds)。")
    if settings.scoring:
        load_scheme(params_dir, settings.scoring)
    load_calendar(params_dir)
    notebook = Path(notebooks_dir or default_notebooks_dir()) / "regional.ipynb"
    if not notebook.exists():
        raise ParamError(f"找不到地区通报模板笔记本 {notebook}。")
    parameters = {"region": region, "period": text, "kind": kind, "data_dir": str(data_dir),
                  "params_dir": str(params_dir)}
    executed = _execute(notebook, parameters, warm, cwd=Path(os.path.commonpath([data_dir, params_dir])))
    _take_timings(executed)
    figures = _figures_of(executed)
    title = f"{settings.name}{parse_period(text).label}各县(市、区)政务服务工作{KIND_LABELS[kind]}"
    files = bulletin_files(executed, kind, title, figures, regional_workbook_bytes)
    written = publish(region_dir(out_dir, region, text), files)
    digests = {name: sha256_bytes(data) for name, data in files.items()}
    return RunResult(f"{REGIONS_FOLDER}/{region}", text, kind, tuple(written), figures, digests)


def check_inputs(district: str, data_dir: Path, params_dir: Path, out_dir: Path) -> None:
    """Refuse bad params or data before any kernel starts (DataError/ConfigError); fills the validated store.
    The district's validation page is written to out_dir (from the report kept in the store when the exports are
    unchanged), so the index links the report of the data the bulletins come from."""
    settings = load_district(params_dir, district)
    if settings.scoring:
        load_scheme(params_dir, settings.scoring)
    load_calendar(params_dir)
    try:
        report = require_valid(data_dir, district)
    except DataError as exc:
        if exc.report is not None:
            write_report_page(exc.report, data_dir, out_dir)
        raise
    if report is not None:
        write_report_page(report, data_dir, out_dir)


class _Stopwatch:
    """Seconds per stage into a dict (or nowhere)."""

    def __init__(self, into: dict[str, float] | None):
        self.into, self.last = into, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now

    def split(self, stage: str, parts: dict[str, float], rest: str) -> None:
        """Replace a stage by finer ones: the parts measured inside it, and what is left under the name rest."""
        if self.into is not None and stage in self.into:
            left = self.into.pop(stage)
            for name, seconds in {**parts, rest: 0.0}.items():
                self.into[name] = self.into.get(name, 0.0) + seconds
                left -= seconds
            self.into[rest] += max(left, 0.0)


def _cell_seconds(executed: nbformat.NotebookNode, inside: dict[str, float]) -> dict[str, float]:
    """Seconds papermill measured in the cells: the setup cell (split into imports, data load and figures by what
    the notebook measured inside it) and all the others (charts and text)."""
    parts = {"setup": 0.0, "cells": 0.0}
    for cell in executed.cells:
        duration = (cell.metadata.get("papermill") or {}).get("duration")
        if cell.cell_type != "code" or not duration:
            continue
        emits = any(FIGURES_MIMETYPE in o.get("data", {}) for o in cell.get("outputs", []))
        parts["setup" if emits else "cells"] += float(duration)
    for name in ("load", "compute"):
        seconds = min(float(inside.get(name, 0.0)), parts["setup"])
        parts[name] = seconds
        parts["setup"] -= seconds
    return parts


def _take_timings(executed: nbformat.NotebookNode) -> dict[str, float]:
    """Remove the notebook's own timings from its outputs (they vary between runs); what they said."""
    found: dict[str, float] = {}
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if TIMINGS_MIMETYPE in data:
                found.update(data.pop(TIMINGS_MIMETYPE))
    return found


def _execute(notebook: Path, parameters: dict, warm: bool, cwd: Path) -> nbformat.NotebookNode:
    # The kernel is killed as soon as the last cell ran: its graceful shutdown costs ~0.6 s and buys nothing.
    from bulletin.run.kernels import IpcKernelManager, warm_kernel_manager_class

    manager = warm_kernel_manager_class() if warm else IpcKernelManager
    engine = {"shutdown_kernel": "immediate", "kernel_manager_class": manager}
    try:
        return papermill.execute_notebook(
            str(notebook),
            None,  # the runner publishes the result itself; papermill need not save after every cell
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            extra_arguments=KERNEL_ARGUMENTS,
            **engine,
        )
    except PapermillExecutionError as exc:
        if exc.ename in _USER_ERRORS:
            raise RenderError(exc.evalue) from None
        cell = _first_line(exc.source)
        raise RenderError(
            f"通报笔记本 {notebook.name} 第{exc.exec_count}个单元({cell})执行出错:{exc.ename}: {exc.evalue}",
            cell=cell,
        ) from None
    except DeadKernelError:
        raise RenderError(f"通报笔记本 {notebook.name} 执行时 Python 内核意外退出(可能内存不足或进程被终止),"
                          "本次未生成通报,原有通报保持不变。", transient=True) from None
    except CellTimeoutError:
        raise RenderError(f"通报笔记本 {notebook.name} 有单元执行超时,本次未生成通报,原有通报保持不变。") from None
    except (RuntimeError, TimeoutError, OSError) as exc:  # the kernel did not start or answer: worth another try
        raise RenderError(f"通报笔记本 {notebook.name} 的内核未能启动:{exc}", transient=True) from None


def _first_line(source: str) -> str:
    """A cell's first non-blank line, shortened, to name it in an error message."""
    line = next((s.strip() for s in (source or "").splitlines() if s.strip()), "")
    return line if len(line) <= 60 else line[:57] + "..."


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
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives the cell it inserts a random id
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
