"""Print the requirements the wheels in a folder have only on Windows (e.g. colorama, pywin32, pywinpty).

`pip download --platform win_amd64` evaluates environment markers for the machine it runs on, so dependencies
marked `sys_platform == "win32"` are never fetched from Linux; build-wheelhouse.sh asks for these explicitly.
Usage: python scripts/windows_requirements.py WHEELS_DIR"""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import Path

try:
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # the builder's Python may lack packaging; pip always vendors it
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement

WINDOWS = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
           "python_version": "3.11", "python_full_version": "3.11.9", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "extra": ""}


def windows_only(folder: Path) -> list[str]:
    """Requirement strings that hold on Windows x86-64 but not on this machine, over every wheel in folder."""
    found: dict[str, str] = {}
    for wheel in sorted(folder.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            name = next((n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None)
            if name is None:
                continue
            metadata = Parser().parsestr(archive.read(name).decode("utf-8", "replace"))
        for line in metadata.get_all("Requires-Dist") or []:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            marker = requirement.marker
            if marker is None or "extra" in str(marker):
                continue
            if marker.evaluate(WINDOWS) and not marker.evaluate():
                requirement.marker = None
                found.setdefault(requirement.name.lower(), str(requirement))
    return sorted(found.values())


if __name__ == "__main__":
    print("\n".join(windows_only(Path(sys.argv[1]))))
