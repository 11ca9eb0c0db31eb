"""The install paths stay in step: environment.yml (conda) with constraints.txt (pip), extras with their jobs."""

import re
import runpy
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SYNC = runpy.run_path(str(ROOT / "scripts" / "sync_environment.py"))


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return SYNC["normalise"](re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])


def test_conda_pins_every_pip_pin_at_the_same_version():
    """Every package constraints.txt pins is pinned in environment.yml at that version: by conda, or by pip for the
    documented pip-only names."""
    pins = SYNC["pins"]()
    conda_to_pip = {conda: pip for pip, conda in SYNC["CONDA_NAMES"].items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if "==" in entry:
                name, version = entry.split("==")
                key = SYNC["normalise"](name)
                found[conda_to_pip.get(key, key)] = version.split("#")[0].strip()
    assert found == pins, "environment.yml is out of step: run `python scripts/sync_environment.py`"
    assert "jupyter-client" in found  # kernels.py overrides private methods of jupyter_client: never floating
    pip_section = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    pip_pinned = {SYNC["normalise"](e.split("==")[0]) for e in pip_section if "==" in e}
    assert pip_pinned == set(SYNC["PIP_ONLY"]) & set(pins)


def test_project_dependencies_are_pinned():
    """Each dependency of pyproject.toml, core and every extra, has a pin in constraints.txt."""
    project = _project()
    pins = SYNC["pins"]()
    names = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    missing = [n for n in names if _name(n) not in pins]
    assert not missing


def test_core_install_leaves_out_lab_cluster_and_test_tools():
    """The core install renders bulletins; JupyterLab, jupytext, Dask and the test tools come only with an extra."""
    project = _project()
    core = {_name(r) for r in project["dependencies"]}
    extras = {name: {_name(r) for r in reqs} for name, reqs in project["optional-dependencies"].items()}
    assert {"papermill", "nbconvert", "ipykernel", "jupyter-client", "pandas", "typer"} <= core
    assert not core & {"jupyterlab", "jupytext", "dask", "distributed", "pytest", "playwright", "hypothesis"}
    assert {"jupyterlab", "jupytext"} <= extras["lab"]
    assert {"dask", "distributed"} <= extras["cluster"]
    assert {"pytest", "hypothesis", "playwright", "nbstripout"} <= extras["dev"]


def test_package_data_lives_inside_the_package():
    """Every package-data pattern names files that exist under lib/bulletin/ (an installed bulletin finds them)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    for pattern in patterns["bulletin"]:
        assert list((ROOT / "lib" / "bulletin").glob(pattern)), pattern
