"""Batch rendering: warm kernels give the same bytes as a fresh one and leak nothing between bulletins;
failures, killed kernels and timeouts stop only their own bulletin; unchanged bulletins are skipped;
a killed batch resumes; the same tasks run on a Dask cluster."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from bulletin.run.batch import Job, Outcome, render_many, summary_text
from bulletin.config import RunSpec
from bulletin.run.manifest import MANIFEST_NAME, Manifest
from bulletin.run.runner import run_bulletin
from conftest import ROOT, make_project

DISTRICT = "tongshan"
FILES = ("html", "json", "xlsx", "ipynb")
# A notebook cell that leaves every kind of state behind: globals, rcParams, monkey-patches of the
# library and of pandas. If any of it reached the next bulletin, that bulletin's bytes would change.
POLLUTER = """
import matplotlib, pandas, bulletin.document.narrative, bulletin.document.charts
matplotlib.rcParams["figure.dpi"] = 20
matplotlib.rcParams["font.sans-serif"] = ["DejaVu Serif"]
bulletin.document.narrative.overview = lambda *a, **k: "<p>泄漏的文字</p>"
bulletin.document.charts.apply_style = lambda: None
pandas.DataFrame.sum = lambda self, *a, **k: 0
f = None
LEAKED = True
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A small district over 2024-01..2024-06 and a copy of the notebooks to tamper with."""
    root = make_project(tmp_path_factory.mktemp("batch"), [DISTRICT], "2023-06", "2024-06", 0.02)
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    return root


def _dirs(project: Path, out: str, notebooks: Path | None = None) -> dict:
    return {"data_dir": project / "data", "params_dir": project / "params", "out_dir": project / out,
            "notebooks_dir": notebooks or project / "notebooks"}


def _notebooks(project: Path, name: str, **extra_cells: str) -> Path:
    """A copy of the notebooks where each named kind gets an extra code cell at its end."""
    folder = project / name
    shutil.copytree(project / "notebooks", folder, dirs_exist_ok=True)
    for kind, source in extra_cells.items():
        nb = nbformat.read(folder / f"{kind}.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(source))
        nbformat.write(nb, folder / f"{kind}.ipynb")
    return folder


def _bytes(out: Path, period: str, kind: str) -> dict[str, bytes]:
    return {ext: (out / DISTRICT / period / f"{kind}.{ext}").read_bytes() for ext in FILES}


@pytest.fixture(scope="module")
def alone(project: Path) -> Path:
    """The monthly and half-year bulletins, each rendered alone in a fresh kernel."""
    for period, kind in (("2024-06", "monthly"), ("2024-H1", "half_year")):
        run_bulletin(DISTRICT, period, kind, **_dirs(project, "alone"))
    return project / "alone"


@pytest.fixture(scope="module")
def polluted_batch(project: Path, alone: Path) -> tuple[Path, list]:
    """One worker renders: a quarterly that pollutes its kernel, the monthly, a half-year whose cell
    fails (over a copy of the good one), and an annual whose kernel is killed."""
    out = project / "polluted"
    shutil.copytree(alone, out)
    notebooks = _notebooks(project, "nb-polluted", quarterly=POLLUTER,
                           half_year="raise ValueError('单元格故障')",
                           annual="import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    spec = RunSpec((DISTRICT,), ("2024-Q2", "2024-06", "2024-H1", "2024-01..2024-06"), None)
    outcomes = render_many(spec, **_dirs(project, "polluted", notebooks), jobs=1, retries=1)
    return out, outcomes


def _by_kind(outcomes: list) -> dict:
    return {o.job.kind: o for o in outcomes}


@pytest.mark.slow
def test_batch_bulletin_is_byte_identical_to_one_rendered_alone(polluted_batch, alone: Path):
    """After a notebook that patched pandas, the library and rcParams, the next bulletin is unchanged to the byte."""
    out, outcomes = polluted_batch
    assert _by_kind(outcomes)["quarterly"].status == "ok"
    assert _by_kind(outcomes)["monthly"].status == "ok"
    assert _bytes(out, "2024-06", "monthly") == _bytes(alone, "2024-06", "monthly")


@pytest.mark.slow
def test_failed_cell_is_reported_and_keeps_the_previous_good_bulletin(polluted_batch, alone: Path):
    """A cell error fails only its bulletin, names the cell, and leaves the earlier good files as they were."""
    out, outcomes = polluted_batch
    failed = _by_kind(outcomes)["half_year"]
    assert failed.status == "failed"
    assert "ValueError: 单元格故障" in failed.message and "raise ValueError" in failed.message
    assert _bytes(out, "2024-H1", "half_year") == _bytes(alone, "2024-H1", "half_year")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_killed_kernel_is_retried_then_reported(polluted_batch):
    """A kernel killed mid-notebook is a transient failure: tried again, then reported; the others render."""
    out, outcomes = polluted_batch
    killed = _by_kind(outcomes)["annual"]
    assert killed.status == "failed" and killed.attempts == 2
    assert "内核意外退出" in killed.message
    assert not (out / DISTRICT / "2024-01..2024-06" / "annual.html").exists()


@pytest.mark.slow
def test_index_marks_failed_bulletins_until_they_render_again(project: Path, polluted_batch):
    """After the batch, the index says which bulletins failed (keeping the earlier good one where there is one);
    once `bulletin run` renders one again, its failure mark goes."""
    from typer.testing import CliRunner

    from bulletin.cli import app
    from bulletin.run.index_page import render_index

    out, _ = polluted_batch
    rows = {row.split("</td>")[2]: row for row in render_index(out).split("<tr>")[2:]}
    assert "最近一次更新失败,仍为上次的版本" in rows["<td>半年运行分析"] and "单元格故障" in rows["<td>半年运行分析"]
    assert "生成失败" in rows["<td>年度工作总结"] and "2024年1-6月" in rows["<td>年度工作总结"]
    assert "已生成" in rows["<td>月通报"]
    result = CliRunner().invoke(app, ["run", "--district", DISTRICT, "--period", "2024-H1", "--kind", "half_year",
                                      "--data-dir", str(project / "data"), "--params-dir", str(project / "params"),
                                      "--out-dir", str(out), "--notebooks-dir", str(project / "notebooks")])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "单元格故障" not in index and "生成失败" in index


@pytest.mark.slow
def test_timeout_stops_only_the_slow_bulletin(project: Path):
    """A bulletin over its time limit is killed and reported; the other bulletin of the batch renders."""
    notebooks = _notebooks(project, "nb-slow", quarterly="import time\ntime.sleep(120)")
    spec = RunSpec((DISTRICT,), ("2024-Q2", "2024-05"), None)
    outcomes = render_many(spec, **_dirs(project, "slow", notebooks), jobs=2, timeout=8, retries=0)
    by_kind = _by_kind(outcomes)
    assert by_kind["quarterly"].status == "failed" and "超过单份时限8秒" in by_kind["quarterly"].message
    assert by_kind["monthly"].status == "ok"


WORKER_KILLER = """
import os, signal
zygote = os.getppid()
with open(f"/proc/{zygote}/stat") as stat:
    worker = int(stat.read().rsplit(")", 1)[1].split()[1])
os.kill(worker, signal.SIGKILL)
"""


@pytest.mark.slow
def test_dead_worker_process_fails_only_its_bulletin(project: Path):
    """A notebook that kills the worker process itself: that bulletin fails, the others render on a new worker."""
    notebooks = _notebooks(project, "nb-worker-killer", quarterly=WORKER_KILLER)
    spec = RunSpec((DISTRICT,), ("2024-Q2", "2024-05", "2024-06"), None)
    outcomes = render_many(spec, **_dirs(project, "worker-killed", notebooks), jobs=2, retries=0)
    by_period = {o.job.period: o for o in outcomes}
    assert by_period["2024-Q2"].status == "failed" and "渲染进程意外退出" in by_period["2024-Q2"].message
    assert by_period["2024-05"].status == "ok" and by_period["2024-06"].status == "ok"


@pytest.mark.slow
def test_unchanged_bulletins_are_skipped_and_changes_rerender(project: Path, alone: Path):
    """A re-run skips current bulletins; a changed export, a deleted page or --force renders again."""
    out = project / "incremental"
    spec = RunSpec((DISTRICT,), ("2024-05", "2024-06"), ("monthly",))
    first = render_many(spec, **_dirs(project, "incremental"), jobs=2)
    assert [o.status for o in first] == ["ok", "ok"]
    assert _bytes(out, "2024-06", "monthly") == _bytes(alone, "2024-06", "monthly")
    assert [o.status for o in render_many(spec, **_dirs(project, "incremental"))] == ["skipped", "skipped"]

    (out / DISTRICT / "2024-05" / "monthly.html").unlink()
    again = {o.job.period: o.status for o in render_many(spec, **_dirs(project, "incremental"))}
    assert again == {"2024-05": "ok", "2024-06": "skipped"}

    forced = render_many(spec, **_dirs(project, "incremental"), force=True)
    assert [o.status for o in forced] == ["ok", "ok"]

    district_file = project / "params" / "districts" / f"{DISTRICT}.yaml"
    original = district_file.read_bytes()
    try:
        district_file.write_bytes(original + b"\n# an analyst's edit\n")
        assert [o.status for o in render_many(spec, **_dirs(project, "incremental"))] == ["ok", "ok"]
    finally:
        district_file.write_bytes(original)


def test_manifest_tracks_content_not_timestamps(tmp_path: Path):
    """Touching a file keeps its hash; changing a byte changes the inputs hash."""
    data = tmp_path / "cases.csv"
    data.write_bytes(b"a,b\n1,2\n")
    manifest = Manifest.load(tmp_path)
    before = manifest.inputs_hash([("cases", data)], {"period": "2024-06"})
    os.utime(data, ns=(1, 1))
    assert manifest.inputs_hash([("cases", data)], {"period": "2024-06"}) == before
    data.write_bytes(b"a,b\n1,3\n")
    assert manifest.inputs_hash([("cases", data)], {"period": "2024-06"}) != before
    assert manifest.inputs_hash([("cases", None)], {"period": "2024-06"}) != before
    assert manifest.inputs_hash([("cases", data)], {"period": "2024-05"}) != manifest.inputs_hash(
        [("cases", data)], {"period": "2024-06"})


def _six_months_cli(project: Path, out: Path, jobs: int) -> list[str]:
    """The command line of a `bulletin batch` over six monthly bulletins into out, as a separate process."""
    runfile = project / "six-months.yaml"
    runfile.write_text(f"districts: [{DISTRICT}]\nperiods: [2024-01, 2024-02, 2024-03, 2024-04, 2024-05, 2024-06]\n"
                       "kinds: [monthly]\n", encoding="utf-8")
    return [sys.executable, "-m", "bulletin.cli", "batch", str(runfile), "--jobs", str(jobs),
            "--data-dir", str(project / "data"), "--params-dir", str(project / "params"), "--out-dir", str(out),
            "--notebooks-dir", str(project / "notebooks")]


@pytest.mark.slow
def test_killed_batch_resumes_where_it_stopped(project: Path):
    """SIGKILL in the middle of a batch: no half-written file; the next run renders only what is missing."""
    out = project / "resumed"
    args = _six_months_cli(project, out, jobs=1)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                               env=_MARKED_ENV)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        manifest = Manifest.load(out)
        if len(manifest.bulletins) >= 2:
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _zygotes_and_kernels_gone()
    done = set(Manifest.load(out).bulletins)
    assert 2 <= len(done) < 6
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]
    json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))  # whole, not half-written

    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = int(result.stdout.split("未变跳过")[1].split("份")[0])
    assert skipped >= len(done)
    assert "失败0份" in result.stdout
    assert len(Manifest.load(out).bulletins) == 6


# Every process of the batches these tests start carries this in its environment (kernels get the requester's),
# so other batches running on the machine at the same time are not mistaken for leftovers.
_MARK = f"test-batch-{os.getpid()}"
_MARKED_ENV = {**os.environ, "BULLETIN_TEST_MARK": _MARK}


def _zygotes_and_kernels_gone(within: float = 10.0) -> bool:
    """True once no zygote or kernel forked from one (same command line) of these tests' batches is left running."""
    import psutil

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        left = []
        for proc in psutil.process_iter(["cmdline", "status"]):
            try:
                if ("bulletin.run.zygote" in " ".join(proc.info["cmdline"] or []) and proc.info["status"] != "zombie"
                        and proc.environ().get("BULLETIN_TEST_MARK") == _MARK):
                    left.append(proc.pid)
            except psutil.Error:
                continue
        if not left:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_ctrl_c_stops_the_batch_cleanly(project: Path):
    """Ctrl-C (SIGINT to the whole process group): exit 130 with a Chinese message, no traceback, no temp file,
    no zygote or kernel left behind; what was done stays done."""
    out = project / "interrupted"
    args = _six_months_cli(project, out, jobs=2)
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env=_MARKED_ENV,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as in a terminal
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(Manifest.load(out).bulletins) < 1:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stdout + stderr
    assert "已中断" in stderr and "Traceback" not in stderr
    assert _zygotes_and_kernels_gone()
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]
    assert len(Manifest.load(out).bulletins) >= 1


@pytest.mark.slow
def test_dask_cluster_renders_the_same_bytes(project: Path, alone: Path):
    """The same tasks on a Dask LocalCluster write the same bulletin as a local render."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        spec = RunSpec((DISTRICT,), ("2024-06",), ("monthly",))
        outcomes = render_many(spec, **_dirs(project, "dask"), scheduler=cluster.scheduler_address)
    assert [o.status for o in outcomes] == ["ok"]
    assert _bytes(project / "dask", "2024-06", "monthly") == _bytes(alone, "2024-06", "monthly")


@pytest.mark.slow
def test_bad_data_fails_its_district_only(project: Path, tmp_path: Path):
    """A district whose data fails validation fails each of its bulletins with the report; nothing is written."""
    broken = tmp_path / "data"
    shutil.copytree(project / "data", broken)
    cases = sorted((broken / DISTRICT / "cases").iterdir())[0]
    text = cases.read_bytes().decode("gb18030").splitlines()
    text[1] = text[1].replace(text[1].split(",")[0], "", 1)  # an empty 办件编号
    cases.write_bytes(("\n".join(text) + "\n").encode("gb18030"))
    spec = RunSpec((DISTRICT,), ("2024-05", "2024-06"), ("monthly",))
    dirs = _dirs(project, "broken") | {"data_dir": broken}
    outcomes = render_many(spec, **dirs, jobs=1)
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert all(cases.name in o.message for o in outcomes)
    # No bulletin; the district's validation page shows the error (the index links it).
    assert [p.name for p in (project / "broken" / DISTRICT).iterdir()] == ["validation.html"]
    page = (project / "broken" / DISTRICT / "validation.html").read_text(encoding="utf-8")
    assert "数据校验未通过" in page and cases.name in page and "办件编号" in page


@pytest.mark.slow
def test_batch_writes_the_validation_page_of_its_data(project: Path, tmp_path: Path):
    """A batch writes each district's validation page beside its bulletins: from the validation when the exports
    changed, and the same bytes from the report kept in the store when they did not."""
    data = tmp_path / "data"
    shutil.copytree(project / "data", data, ignore=shutil.ignore_patterns(".store"))
    (data / DISTRICT / "cases" / "2024-06.csv").write_bytes(
        (data / DISTRICT / "cases" / "2024-06.csv").read_bytes() + "合计,,,,,,\n".encode("gb18030"))
    spec = RunSpec((DISTRICT,), ("2024-06",), ("monthly",))
    dirs = _dirs(project, "pages") | {"data_dir": data}
    assert [o.status for o in render_many(spec, **dirs, jobs=1)] == ["ok"]
    page = project / "pages" / DISTRICT / "validation.html"
    first = page.read_bytes()
    assert "数据校验通过" in first.decode("utf-8") and "合计" in first.decode("utf-8")  # with its warning
    page.unlink()
    assert [o.status for o in render_many(spec, **dirs, jobs=1, force=True)] == ["ok"]
    assert page.read_bytes() == first


@pytest.mark.slow
def test_district_without_params_fails_alone(project: Path):
    """A run file naming a district with no params file: its bulletins fail saying so; the others render."""
    spec = RunSpec((DISTRICT, "nosuch"), ("2024-06",), ("monthly",))
    outcomes = {o.job.district: o for o in render_many(spec, **_dirs(project, "partial"), jobs=1)}
    assert outcomes[DISTRICT].status == "ok"
    assert outcomes["nosuch"].status == "failed" and "nosuch" in outcomes["nosuch"].message


def test_job_keys_name_the_bulletin():
    """The manifest key of a job is district/period/kind."""
    assert Job("yunhe", "2024-06", "monthly").key == "yunhe/2024-06/monthly"


@pytest.mark.slow
def test_batch_command_reports_failures_and_profile(project: Path):
    """`bulletin batch` exits 1 when a bulletin failed, names it and its cell in the summary, and --profile
    prints the seconds per stage; the index still lists the bulletin that rendered."""
    from typer.testing import CliRunner

    from bulletin.cli import app

    notebooks = _notebooks(project, "nb-cli", quarterly="raise RuntimeError('坏单元')")
    runfile = project / "cli-run.yaml"
    runfile.write_text(f"districts: [{DISTRICT}]\nperiods: [2024-Q2, 2024-06]\n", encoding="utf-8")
    out = project / "cli-out"
    result = CliRunner().invoke(app, ["batch", str(runfile), "--jobs", "2", "--profile", "--timeout", "120",
                                      "--data-dir", str(project / "data"), "--params-dir", str(project / "params"),
                                      "--out-dir", str(out), "--notebooks-dir", str(notebooks)])
    assert result.exit_code == 1, result.output
    assert "新渲染1份,未变跳过0份,失败1份" in result.output
    assert f"失败 {DISTRICT} 2024-Q2 quarterly" in result.output and "raise RuntimeError('坏单元')" in result.output
    assert "各环节耗时(新渲染1份,秒)" in result.output and "载入数据" in result.output
    assert "2024-06/monthly.html" in (out / "index.html").read_text(encoding="utf-8")


def test_summary_gives_each_failure_reason_once():
    """A district with bad data fails all its bulletins with one message: the summary prints it once, with the
    bulletins it stopped, and a table counts each district's outcomes."""

    report = "数据校验未通过:b\n  cases.csv 第2行 列“受理单位”:值“甲”——不在单位名单中"
    outcomes = [Outcome(Job("a", "2024-06", "monthly"), "ok"), Outcome(Job("a", "2024-05", "monthly"), "skipped"),
                Outcome(Job("b", "2024-06", "monthly"), "failed", report),
                Outcome(Job("b", "2024-Q2", "quarterly"), "failed", report),
                Outcome(Job("a", "2024-Q2", "quarterly"), "failed", "单元格出错")]
    text = summary_text(outcomes)
    assert text.splitlines()[0] == "完成:共5份,新渲染1份,未变跳过1份,失败3份。"
    assert text.count("不在单位名单中") == 1
    assert "失败 b 2024-06 monthly、2024-Q2 quarterly(共2份):" in text
    assert "失败 a 2024-Q2 quarterly:\n    单元格出错" in text
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[2:4]}
    assert rows == {"a": ["1", "1", "1"], "b": ["0", "0", "2"]}
