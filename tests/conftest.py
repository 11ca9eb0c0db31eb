"""Shared helpers: a project folder with demo data, and raw export reading done independently of the library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def repository_untouched():
    """No test writes into the repository's own data/, params/ or outputs/ (tests work in temporary folders)."""

    def snapshot() -> dict[str, int]:
        folders = [ROOT / "outputs", ROOT / "params", ROOT / "data"]
        return {str(p): p.stat().st_mtime_ns for folder in folders for p in folder.rglob("*")
                if p.is_file() and ".store" not in p.parts}

    before = snapshot()
    yield
    assert snapshot() == before, "a test wrote into the repository's own data/, params/ or outputs/"


def make_project(root: Path, districts: list[str], first_month: str, last_month: str, scale: float) -> Path:
    """A project folder with the repo's scoring scheme and small demo districts."""
    from bulletin.demo import write_demo

    shutil.copytree(ROOT / "params" / "scoring", root / "params" / "scoring")
    write_demo(root / "data", root / "params", districts=districts, first_month=first_month, last_month=last_month, scale=scale)
    return root


def read_raw(folder_or_file: Path) -> pd.DataFrame:
    """CSV export files as text, trying UTF-8 (with BOM) then GB18030, with plain pandas only."""
    paths = sorted(folder_or_file.glob("*.csv")) if folder_or_file.is_dir() else [folder_or_file]
    frames = []
    for path in paths:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                frames.append(pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False))
                break
            except UnicodeDecodeError:
                continue
    return pd.concat(frames, ignore_index=True)


def parse_when(values: pd.Series) -> pd.Series:
    """Dates in any of the demo's export styles (ISO, 2024/06/03, 2024年6月3日)."""
    text = values.replace("", None).str.replace(r"(\d+)年(\d+)月(\d+)日", r"\1-\2-\3", regex=True)
    return pd.to_datetime(text, format="mixed")


# --- one rendered project shared by the trust tests (offline pages, personal data, reproducibility) ---

TRUST_DISTRICTS = ("tongshan", "lanxi")  # lanxi publishes staff names (publish_staff: true), tongshan does not
TRUST_PERIODS = {"monthly": "2024-06", "quarterly": "2024-Q2", "half_year": "2024-H1", "annual": "2024-01..2024-06"}


def cli_args(root: Path, *extra: str) -> list[str]:
    """CLI arguments with the project's data, params and outputs folders and the repo's notebooks."""
    return [*extra, "--data-dir", str(root / "data"), "--params-dir", str(root / "params"),
            "--out-dir", str(root / "outputs"), "--notebooks-dir", str(ROOT / "notebooks")]


def set_district_key(params_dir: Path, district: str, key: str, value) -> None:
    """Set one key of params/districts/<district>.yaml."""
    import yaml

    path = params_dir / "districts" / f"{district}.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings[key] = value
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")


BROKEN_DISTRICT = "broken"  # a copy of a trust district whose cases export has errors (validation page only)


@pytest.fixture(scope="session")
def trust_project(tmp_path_factory) -> Path:
    """Two small demo districts with every kind rendered through `bulletin batch`, and the index."""
    from typer.testing import CliRunner

    from bulletin.cli import app

    root = make_project(tmp_path_factory.mktemp("trust"), list(TRUST_DISTRICTS), "2023-06", "2024-06", 0.02)
    set_district_key(root / "params", "lanxi", "publish_staff", True)
    runfile = root / "params" / "runs" / "trust.yaml"
    runfile.write_text(f"districts: [{', '.join(TRUST_DISTRICTS)}]\nperiods: [{', '.join(TRUST_PERIODS.values())}]\n",
                       encoding="utf-8")
    result = CliRunner().invoke(app, cli_args(root, "batch", str(runfile), "--jobs", "2"))
    assert result.exit_code == 0, result.output
    # The validation report pages: each good district's, and one of a district whose cases have errors.
    shutil.copytree(root / "data" / TRUST_DISTRICTS[0], root / "data" / BROKEN_DISTRICT)
    cases = sorted((root / "data" / BROKEN_DISTRICT / "cases").iterdir())[-1]
    lines = read_raw(cases).head(3)
    lines.loc[0, "受理时间"] = "2024年13月45日"
    lines.loc[1, "事项编码"] = "<script>window.__pwned=1</script>"
    lines.to_csv(cases, index=False, encoding="utf-8")
    for district in (*TRUST_DISTRICTS, BROKEN_DISTRICT):
        args = ["validate", "--district", district, "--data-dir", str(root / "data"), "--out-dir", str(root / "outputs")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == (1 if district == BROKEN_DISTRICT else 0), result.output
    result = CliRunner().invoke(app, ["index", "--out-dir", str(root / "outputs")])  # now with the reports
    assert result.exit_code == 0, result.output
    return root


def fill_disk_on_write(monkeypatch, nth: int) -> None:
    """Simulate a full disk: the nth file bulletin.run.outputs opens for writing fails with ENOSPC on write."""
    import errno
    import os

    from bulletin.run import outputs

    real_fdopen = os.fdopen
    calls = {"n": 0}

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()
            return False

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        calls["n"] += 1
        handle = real_fdopen(fd, *args, **kwargs)
        return FullDisk(handle) if calls["n"] == nth else handle

    monkeypatch.setattr(outputs.os, "fdopen", fdopen)
