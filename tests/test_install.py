"""The offline install: a wheelhouse of the core install, a fresh venv installed from it with no index, and an
office's own project rendered there with nothing from this repository."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = "fengcheng"


def _env() -> dict[str, str]:
    """This environment without anything that would let the installed tool see the repository or an index."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PIP_FIND_LINKS", "VIRTUAL_ENV", "PYTHONHOME", "BULLETIN_NO_FORK")}
    env["PIP_NO_INDEX"] = "1"
    return env


def _run(args: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env or _env(), capture_output=True, text=True)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_core_wheelhouse_installs_offline_and_renders_a_new_project(tmp_path: Path):
    """Built wheelhouse -> fresh venv with --no-index -> `bulletin init` -> one monthly bulletin, all outside the repo."""
    wheelhouse, venv, work = tmp_path / "wheelhouse", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    build_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_FIND_LINKS")}
    _run(["sh", ROOT / "scripts" / "build-wheelhouse.sh", wheelhouse, "--extras", "", "--no-windows", "--no-fonts",
          "--python", sys.executable], ROOT, build_env)
    wheels = {p.name.split("-")[0].lower() for p in (wheelhouse / "wheels").glob("*.whl")}
    assert {"bulletin", "papermill", "pandas"} <= wheels
    assert not wheels & {"jupyterlab", "distributed", "pytest", "playwright"}  # the core install only

    # The machine without network: only the copied bundle, pip told never to look at an index.
    _run(["sh", wheelhouse / "install-offline.sh", wheelhouse, venv, ""], work, {**_env(), "PYTHON": sys.executable})
    python, bulletin = venv / "bin" / "python", venv / "bin" / "bulletin"
    where = _run([python, "-c", "import bulletin; print(bulletin.__file__)"], work).stdout.strip()
    assert where.startswith(str(venv)) and not where.startswith(str(ROOT))

    _run([bulletin, "init", "office", "--district", DISTRICT, "--name", "凤城县"], work)
    office = work / "office"
    _run([python, "-c", "from pathlib import Path; from bulletin.demo import write_demo; "
          "write_demo(Path('gen/data'), Path('gen/params'), districts=['yunhe'], first_month='2024-05', "
          "last_month='2024-06', scale=0.02)"], work)
    for path in (work / "gen" / "data" / "yunhe").iterdir():
        (shutil.copytree if path.is_dir() else shutil.copy2)(path, office / "data" / DISTRICT / path.name)

    _run([bulletin, "run", "--district", DISTRICT, "--period", "2024-06", "--kind", "monthly"], office)
    out = office / "outputs" / DISTRICT / "2024-06"
    html = (out / "monthly.html").read_text(encoding="utf-8")
    assert "凤城县" in html
    assert {p.name for p in out.iterdir()} >= {"monthly.html", "monthly.json", "monthly.xlsx", "monthly.ipynb"}
    assert str(ROOT) not in (out / "monthly.ipynb").read_text(encoding="utf-8")


def test_windows_only_dependencies_are_found_in_wheel_metadata(tmp_path: Path):
    """Dependencies marked for Windows only are listed for the wheelhouse; unconditional and extra-only ones are not."""
    import runpy
    import zipfile

    metadata = ("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
                "Requires-Dist: colorama>=0.4; sys_platform == \"win32\"\n"
                "Requires-Dist: pywinpty>=2; os_name == \"nt\"\n"
                "Requires-Dist: pexpect; sys_platform != \"win32\"\n"
                "Requires-Dist: pandas\n"
                "Requires-Dist: pytest; extra == \"dev\" and sys_platform == \"win32\"\n")
    with zipfile.ZipFile(tmp_path / "demo-1.0-py3-none-any.whl", "w") as archive:
        archive.writestr("demo-1.0.dist-info/METADATA", metadata)
    windows_only = runpy.run_path(str(ROOT / "scripts" / "windows_requirements.py"))["windows_only"]
    assert windows_only(tmp_path) == ["colorama>=0.4", "pywinpty>=2"]


def test_core_modules_import_no_extra():
    """The command line, runner and batch import neither Dask, JupyterLab, jupytext nor a test tool (core install)."""
    code = ("import sys, bulletin.cli, bulletin.run.batch, bulletin.run.runner, bulletin.project; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'dask', 'distributed', 'jupyterlab', 'jupytext', 'pytest', 'hypothesis', 'playwright', 'psutil'}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_scheduler_without_cluster_extra_says_what_to_install(monkeypatch):
    """`batch --scheduler` without dask distributed installed fails with a Chinese message naming bulletin[cluster]."""
    from bulletin.errors import BulletinError
    from bulletin.run.batch_pools import DaskPool

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(BulletinError, match=r"bulletin\[cluster\]"):
        DaskPool("tcp://127.0.0.1:8786")
