"""A batch's processes end with it, however it ends (SIGKILL or SIGTERM of the batch process alone, at start-up or
mid-render), and two batches writing one out-dir at once keep every entry of both in the manifest and the index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from bulletin.run.manifest import MANIFEST_NAME, Manifest
from conftest import ROOT, make_project

DISTRICT = "tongshan"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A small district over a year of months (monthly bulletins render in seconds)."""
    return make_project(tmp_path_factory.mktemp("procs"), [DISTRICT], "2023-06", "2024-06", 0.01)


def _batch(project: Path, out: Path, periods: list[str], mark: str, jobs: int = 2) -> subprocess.Popen:
    """`bulletin batch` of monthly bulletins as a separate process whose every descendant carries `mark` in its
    environment (kernels too: they get the requester's environment)."""
    runfile = project / f"run-{uuid.uuid4().hex[:8]}.yaml"
    runfile.write_text(f"districts: [{DISTRICT}]\nperiods: [{', '.join(periods)}]\nkinds: [monthly]\n", encoding="utf-8")
    args = [sys.executable, "-m", "bulletin.cli", "batch", str(runfile), "--jobs", str(jobs), "--data-dir",
            str(project / "data"), "--params-dir", str(project / "params"), "--out-dir", str(out),
            "--notebooks-dir", str(ROOT / "notebooks")]
    env = {**os.environ, "BULLETIN_TEST_MARK": mark}
    # Default Ctrl-C handling as in a terminal, even when the tests themselves run in the background (where the
    # shell starts them with SIGINT ignored, which children would inherit).
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _marked(mark: str) -> list[int]:
    """Live (not zombie) processes whose environment carries the mark."""
    import psutil

    found = []
    for proc in psutil.process_iter(["status"]):
        try:
            if proc.info["status"] != psutil.STATUS_ZOMBIE and proc.environ().get("BULLETIN_TEST_MARK") == mark:
                found.append(proc.pid)
        except psutil.Error:
            continue
    return found


def _none_left(mark: str, within: float = 8.0) -> list[int]:
    """[] once no process of the batch is left within the given seconds; else the ones still there."""
    deadline = time.monotonic() + within
    left = _marked(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = _marked(mark)
    return left


def _wait_for(condition, within: float = 240.0) -> None:
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["start-up", "workers-starting", "rendering"])
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_batch_killed_leaves_no_process(project: Path, tmp_path: Path, moment: str, signum: int):
    """Killing the batch process alone (SIGKILL or SIGTERM, at any moment) leaves none of its processes running."""
    mark = uuid.uuid4().hex
    out = tmp_path / "out"
    process = _batch(project, out, ["2024-03", "2024-04", "2024-05", "2024-06"], mark)
    if moment == "start-up":
        time.sleep(0.5)
    elif moment == "workers-starting":
        _wait_for(lambda: len(_marked(mark)) >= 3, within=60)  # the batch and at least two children
    else:
        _wait_for(lambda: (out / MANIFEST_NAME).exists() and any(
            "failed" not in e for e in Manifest.load(out).bulletins.values()))
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert _none_left(mark) == []
    if signum == signal.SIGTERM and moment != "start-up":
        assert process.returncode == 130 and "已中断" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


@pytest.mark.slow
def test_ctrl_c_while_workers_start_prints_no_child_traceback(project: Path, tmp_path: Path):
    """Ctrl-C while the workers start exits 130 with no traceback from any process and nothing left running."""
    mark = uuid.uuid4().hex
    process = _batch(project, tmp_path / "out", ["2024-05", "2024-06"], mark)
    _wait_for(lambda: len(_marked(mark)) >= 3, within=60)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert _none_left(mark) == []


def test_manifest_saves_merge_with_another_batch(tmp_path: Path):
    """Two manifests of one out-dir saved in turn keep both entries, each with its own last word on its keys."""
    first, second = Manifest.load(tmp_path), Manifest.load(tmp_path)
    first.record_failure("a/2024-05/monthly", "坏了")
    first.save()
    second.record("b/2024-06/monthly", "h2", tmp_path, {}, {})
    second.save()
    first.record("a/2024-06/monthly", "h1", tmp_path, {}, {})
    first.save()
    raw = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(raw["bulletins"]) == {"a/2024-05/monthly", "a/2024-06/monthly", "b/2024-06/monthly"}
    second.clear_failure("a/2024-05/monthly")  # a later `bulletin run` rendered it: it no longer failed
    second.save()
    assert "a/2024-05/monthly" not in Manifest.load(tmp_path).bulletins


@pytest.mark.slow
def test_two_batches_on_one_out_dir_keep_both(project: Path, tmp_path: Path):
    """Two batches into one out-dir at once both succeed, and the manifest and index hold all their bulletins."""
    out = tmp_path / "shared"
    first = _batch(project, out, ["2024-03", "2024-04"], uuid.uuid4().hex, jobs=1)
    second = _batch(project, out, ["2024-05", "2024-06"], uuid.uuid4().hex, jobs=1)
    for process in (first, second):
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stdout + stderr
    keys = {f"{DISTRICT}/2024-0{m}/monthly" for m in (3, 4, 5, 6)}
    assert keys <= set(Manifest.load(out).bulletins)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"2024-0{m}/monthly.html" in index for m in (3, 4, 5, 6))


def test_bad_params_fail_only_their_district(tmp_path: Path):
    """A district with `kinds: 5` or a scheme with `grades: 5` fails alone; unknown keys come back as warnings."""
    from bulletin.config import RunSpec
    from bulletin.run.batch_plan import expand

    params = tmp_path / "params"
    (params / "districts").mkdir(parents=True)
    (params / "scoring").mkdir()
    (params / "districts" / "good.yaml").write_text("name: 好区\nkinds: [monthly]\nsatisfation: x\n", encoding="utf-8")
    (params / "districts" / "bad.yaml").write_text("name: 坏区\nkinds: 5\n", encoding="utf-8")
    (params / "districts" / "badscheme.yaml").write_text("name: 坏区\nscoring: s\n", encoding="utf-8")
    (params / "scoring" / "s.yaml").write_text("name: 办法\ncategories:\n  - name: 类\n    items:\n"
                                                "      - {id: x, source: manual, max: 5}\ngrades: 5\n", encoding="utf-8")
    expanded = expand(RunSpec(("good", "bad", "badscheme"), ("2024-06",), None), params)
    assert [j.key for j in expanded.jobs] == ["good/2024-06/monthly"]
    messages = {o.job.district: o.message for o in expanded.refused}
    assert "kinds 应为列表" in messages["bad"] and "grades 应为列表" in messages["badscheme"]
    assert any("是否应为 satisfaction" in w for w in expanded.warnings)


def test_unlistable_district_inputs_fail_only_that_district(tmp_path: Path, monkeypatch):
    """When a district's exports cannot even be listed (e.g. a refused link), only its bulletins fail in planning."""
    from bulletin.errors import DataError
    from bulletin.run import batch_plan

    def listing(data_dir, district):
        if district == "bad":
            raise DataError("数据文件夹 bad 无法读取。")
        return []

    monkeypatch.setattr(batch_plan, "sources", listing)
    params = tmp_path / "params"
    (params / "districts").mkdir(parents=True)
    for name in ("good", "bad"):
        (params / "districts" / f"{name}.yaml").write_text("name: 区\nkinds: [monthly]\n", encoding="utf-8")
    settings = batch_plan.Settings(tmp_path / "data", params, tmp_path / "out", ROOT / "notebooks")
    jobs = [batch_plan.Job("good", "2024-06", "monthly"), batch_plan.Job("bad", "2024-06", "monthly")]
    todo, others = batch_plan.plan(jobs, settings, Manifest.load(tmp_path / "out"), force=False)
    assert [j.district for j in todo] == ["good"]
    assert [(o.job.district, o.status) for o in others] == [("bad", "failed")] and "无法读取" in others[0].message
