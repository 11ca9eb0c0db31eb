"""Write environment.yml (conda) from constraints.txt (pip): every pinned package conda-forge has, at the same version.

Run after changing constraints.txt: `python scripts/sync_environment.py` (tests/test_environment.py keeps the two
equal). Conda-forge names a few packages differently (CONDA_NAMES); packages conda-forge does not carry, or carries
as something else, are installed by pip inside the environment (PIP_ONLY). Both lists are kept by hand: conda
cannot be queried from here, so a name is listed as pip-only whenever its conda-forge package is not known to be
the same thing."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# pip name (normalised) -> conda-forge name, where they differ.
CONDA_NAMES = {
    "dask": "dask-core",  # conda-forge's `dask` is a bundle that also pulls bokeh and jupyter-server-proxy
    "msgpack": "msgpack-python",
    "fastjsonschema": "python-fastjsonschema",
    "tzdata": "python-tzdata",  # conda's `tzdata` is the system time-zone database
    "matplotlib": "matplotlib-base",  # without the Qt back-end
    "stack-data": "stack_data",
    "typing-inspect": "typing_inspect",
    "pure-eval": "pure_eval",
    "prompt-toolkit": "prompt-toolkit",
    "send2trash": "send2trash",
}

# pip name (normalised) -> why it is installed by pip inside the conda environment.
PIP_ONLY = {
    "chinese-calendar": "not on conda-forge",
    "playwright": "conda-forge's build differs; the tests drive Debian's chromium, not a downloaded browser",
    "lazy-importer": "not known on conda-forge",
    "jupyter-builder": "not known on conda-forge",
    "nest-asyncio2": "not known on conda-forge (a fork of nest-asyncio)",
    "annotated-doc": "not known on conda-forge",
    "rfc3987-syntax": "not known on conda-forge",
    "typst": "conda-forge's typst is the command-line program; the Python binding the PDF uses comes from PyPI",
}

HEADER = """\
# Conda users: `conda env create -f environment.yml && conda activate bulletin`.
# Generated from constraints.txt by `python scripts/sync_environment.py` (tests/test_environment.py keeps them equal):
# every pinned package at the pip version, conda-forge names where they differ, pip inside the environment for the
# few conda-forge does not carry (listed with the reason in scripts/sync_environment.py).
name: bulletin
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
"""


def normalise(name: str) -> str:
    """A package name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def pins(path: Path = ROOT / "constraints.txt") -> dict[str, str]:
    """constraints.txt as {normalised name: version}."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[normalise(name)] = version.strip()
    return found


def render(pinned: dict[str, str]) -> str:
    """The text of environment.yml for these pins."""
    conda = sorted((CONDA_NAMES.get(n, n), v) for n, v in pinned.items() if n not in PIP_ONLY)
    pip = sorted((n, v) for n, v in pinned.items() if n in PIP_ONLY)
    lines = [HEADER.rstrip("\n")]
    lines += [f"  - {name}=={version}" for name, version in conda]
    lines.append("  - pip:")
    lines += [f"      - {name}=={version}  # {PIP_ONLY[name]}" for name, version in pip]
    lines.append("      - -e .[lab,cluster,dev]")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Rewrite environment.yml; 0."""
    (ROOT / "environment.yml").write_text(render(pins()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
