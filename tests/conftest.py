"""Shared helpers: a project folder with demo data, and raw export reading done independently of the library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


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
