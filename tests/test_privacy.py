"""Personal data never reaches a bulletin: complaint text, phone and ID numbers never; staff names only where
the district file publishes them (publish_staff: true, as seed 002 does for 优秀工作人员)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import TRUST_DISTRICTS, TRUST_PERIODS, read_raw

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
# Any ID-number-shaped string (region, birth date 19xx/20xx, valid check digit), not a float's digits.
ID_LIKE = re.compile(r"(?<![\d.])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX](?![\d])")
SUFFIXES = ("html", "json", "xlsx", "ipynb", "docx", "pdf")


def _text(path: Path) -> str:
    """A bulletin file as searchable text (every XML part of an xlsx or docx, the text of every PDF page)."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8")


def _files(project: Path, district: str) -> dict[str, str]:
    out = project / "outputs" / district
    files = {f"{kind}.{s}": _text(out / period / f"{kind}.{s}") for kind, period in TRUST_PERIODS.items() for s in SUFFIXES}
    assert len(files) == len(TRUST_PERIODS) * len(SUFFIXES)
    return files


def _id_check_digit_ok(number: str) -> bool:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(number, weights)) % 11] == number[-1]


@pytest.mark.parametrize("district", TRUST_DISTRICTS)
def test_complaint_text_phones_and_ids_never_appear(trust_project: Path, district: str):
    """No complaint content, phone number or ID number from the complaints table is in any file of any kind."""
    content = read_raw(trust_project / "data" / district / "complaints.csv")["内容"]
    phones = set(content.str.findall(PHONE.pattern).sum())
    ids = set(content.str.findall(ID_NUMBER.pattern).sum())
    assert phones and ids and all(_id_check_digit_ok(i) for i in ids)
    for name, text in _files(trust_project, district).items():
        assert not [p for p in phones if p in text], name
        assert not [i for i in ids if i in text], name
        assert not [c for c in set(content) if c and c in text], name
        assert not [i for i in ID_LIKE.findall(text) if _id_check_digit_ok(i)], name


def _staff_names(project: Path, district: str) -> set[str]:
    return set(read_raw(project / "data" / district / "staff_scores.csv")["姓名"])


def test_staff_names_left_out_unless_published(trust_project: Path):
    """tongshan (no publish_staff): no staff name in any file of any kind."""
    names = _staff_names(trust_project, "tongshan")
    assert names
    for name, text in _files(trust_project, "tongshan").items():
        assert not [n for n in names if n in text], name


def test_staff_names_shown_where_published(trust_project: Path):
    """lanxi (publish_staff: true): the monthly and quarterly bulletins name their 优秀工作人员."""
    names = _staff_names(trust_project, "lanxi")
    files = _files(trust_project, "lanxi")
    for kind in ("monthly", "quarterly"):
        html = files[f"{kind}.html"]
        assert "优秀工作人员" in html, kind
        assert [n for n in names if n in html], kind
