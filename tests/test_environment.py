"""environment.yml (conda) stays in step with constraints.txt (pip)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[re.sub(r"[-_.]+", "-", name.strip().lower())] = version.strip()
    return pins


def test_conda_versions_match_pip_pins():
    """Every versioned conda dependency has the version pinned for pip."""
    pins = _pins()
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    checked = 0
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            entries = [p for p in dep["pip"] if "==" in p]
            pairs = [p.split("==") for p in entries]
        elif "=" in dep and not dep.startswith("python="):
            pairs = [dep.split("=")]
        else:
            continue
        for name, version in pairs:
            key = re.sub(r"[-_.]+", "-", name.lower())
            assert pins.get(key) == version, f"{name}: environment.yml {version}, constraints.txt {pins.get(key)}"
            checked += 1
    assert checked >= 15


def test_project_dependencies_are_pinned():
    """Each runtime dependency of pyproject.toml has a pin in constraints.txt."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    missing = [n for n in names if re.sub(r"[-_.]+", "-", n.lower()) not in pins]
    assert not missing
