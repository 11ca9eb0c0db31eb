"""Warm kernels without fork (Windows, macOS): kernels started ahead the standard way give the fork path's bytes."""

from pathlib import Path

import pytest

from bulletin.config import RunSpec
from bulletin.run import kernels, prestart
from bulletin.run.batch import render_many
from bulletin.run.runner import run_bulletin
from conftest import ROOT, make_project

DISTRICT = "yunhe"
FILES = ("html", "json", "xlsx", "ipynb")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The demo district yunhe, small, over a year up to 2024-06."""
    return make_project(tmp_path_factory.mktemp("nofork"), [DISTRICT], "2023-06", "2024-06", 0.02)


def _dirs(project: Path, out: str) -> dict:
    return {"data_dir": project / "data", "params_dir": project / "params", "out_dir": project / out,
            "notebooks_dir": ROOT / "notebooks"}


def _bytes(out: Path, period: str, kind: str) -> dict[str, bytes]:
    return {ext: (out / DISTRICT / period / f"{kind}.{ext}").read_bytes() for ext in FILES}


def test_fork_is_used_on_linux_unless_forced_off(monkeypatch):
    """On Linux warm kernels fork from the zygote; BULLETIN_NO_FORK=1 switches to kernels started ahead."""
    monkeypatch.delenv(prestart.NO_FORK_ENV, raising=False)
    assert prestart.warm_kernel_manager_class() is kernels.ForkKernelManager
    monkeypatch.setenv(prestart.NO_FORK_ENV, "1")
    assert prestart.warm_kernel_manager_class() is prestart.PrestartKernelManager
    monkeypatch.setenv(prestart.NO_FORK_ENV, "0")
    assert prestart.fork_available()


@pytest.mark.slow
def test_no_fork_path_renders_the_fork_paths_bytes(project: Path, monkeypatch):
    """The demo district's monthly rendered with kernels started ahead equals the forked render byte for byte, and
    the second bulletin of a process takes the kernel started ahead for it."""
    monkeypatch.delenv(prestart.NO_FORK_ENV, raising=False)
    run_bulletin(DISTRICT, "2024-06", "monthly", **_dirs(project, "fork"), warm=True)
    kernels.ZYGOTE.stop()
    monkeypatch.setenv(prestart.NO_FORK_ENV, "1")
    adopted = prestart.SPARES.adopted
    try:
        run_bulletin(DISTRICT, "2024-06", "monthly", **_dirs(project, "nofork"), warm=True)
        run_bulletin(DISTRICT, "2024-05", "monthly", **_dirs(project, "nofork"), warm=True)
        assert prestart.SPARES.adopted == adopted + 1
        assert not prestart.SPARES.empty()  # the next one is already starting
    finally:
        prestart.SPARES.clear()
    assert _bytes(project / "nofork", "2024-06", "monthly") == _bytes(project / "fork", "2024-06", "monthly")


@pytest.mark.slow
def test_batch_without_fork_renders_the_same_bytes(project: Path, monkeypatch):
    """A batch whose workers cannot fork renders the same bulletins as the fork path."""
    monkeypatch.delenv(prestart.NO_FORK_ENV, raising=False)
    spec = RunSpec((DISTRICT,), ("2024-06",), ("monthly",))
    assert all(o.ok for o in render_many(spec, **_dirs(project, "batch-fork"), jobs=1))
    monkeypatch.setenv(prestart.NO_FORK_ENV, "1")  # inherited by the worker processes
    assert all(o.ok for o in render_many(spec, **_dirs(project, "batch-nofork"), jobs=1))
    assert _bytes(project / "batch-nofork", "2024-06", "monthly") == _bytes(project / "batch-fork", "2024-06", "monthly")
