"""The docs travel with the code: the tables reference is generated from the schemas, and every link stays in the repo."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from conftest import ROOT

LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _write_docs():
    spec = importlib.util.spec_from_file_location("write_docs", ROOT / "scripts" / "write_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tables_reference_is_up_to_date():
    """docs/tables.md is what scripts/write_docs.py writes from data/schemas.py (run it after changing a column)."""
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == _write_docs().tables_markdown()


def test_tables_reference_lists_every_column_with_its_chinese_header():
    """Every declared column of every table appears with its Chinese header and each other accepted header."""
    from bulletin.data.schemas import TABLES

    text = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        assert f"## {table} — " in text
        for col in columns:
            assert f"| `{col.name}` | {col.alias} |" in text, (table, col.name)
            assert all(alias in text for alias in col.extra_aliases)


def test_links_stay_inside_the_repository():
    """Every relative link of the README and docs/ points at a file of this repository (no ../shared/SPEC.md)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    checked = 0
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            path = (page.parent / target).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{page.name}: {target}"
            checked += 1
    assert checked >= 5
    assert "shared/SPEC.md" not in (ROOT / "README.md").read_text(encoding="utf-8")


def test_licences_are_in_the_repository():
    """The project's LICENSE and the font's OFL text are committed beside the code."""
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (ROOT / "licenses" / "OFL-1.1-NotoSansCJK.txt").read_text(encoding="utf-8")
