"""Personal data never reaches a bulletin: complaint text, phone and ID numbers never; staff names only where
the district file publishes them (publish_staff: true, as seed 002 does for 优秀工作人员)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.data.privacy import has_personal_number, mask_series, mask_text
from bulletin.data.validation import validate_district
from bulletin.document.validation_page import report_page
from conftest import TRUST_DISTRICTS, TRUST_PERIODS, read_raw

pytestmark = pytest.mark.slow  # reads the rendered trust project (real batch render)

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


# --- one masking rule, applied where tables are typed and where problems are made (issue 14)

SMALL = {
    "departments.csv": "单位名称,是否进驻\n公安局,是\n税务局,是\n",
    "items.csv": "事项编码,事项名称,实施单位,办件类型,法定时限,承诺时限\nA1,户籍证明,公安局,即办件,0,0\n",
    "cases.csv": "办件编号,受理单位,事项编码,乡镇街道,申办渠道,受理时间,办结时间\n"
                 "110101199003071234,公安局,A1,,窗口,2024-06-03 09:00,2024-06-03 09:30\n",
}


@pytest.mark.parametrize(("text", "masked"), [
    ("身份证11010119900307123X", "身份证110101********123X"),
    ("ID 110101199003071234;", "ID 110101********1234;"),
    ("旧证110101900307123", "旧证110101*****7123"),
    ("电话13812345555", "电话138****5555"),
    ("手机 138-1234-5555 或 +86 139 1234 5555", "手机 138****5555 或 +86 139****5555"),
    ("金额12345678901234567890元", "金额12345678901234567890元"),
    ("12345热线", "12345热线"),
])
def test_mask_text_masks_ids_and_phones_only(text: str, masked: str):
    """ID numbers keep 6+4 digits, phone numbers 3+4; longer digit runs and short numbers stay as written."""
    assert mask_text(text) == masked
    assert not has_personal_number(mask_text(text))


def test_mask_series_rewrites_only_cells_with_numbers():
    """A Series is masked cell by cell; missing cells stay missing."""
    values = pd.Series(["a 13812345555", None, "plain"], dtype="string")
    assert mask_series(values).tolist() == ["a 138****5555", pd.NA, "plain"]


def _small(root: Path, extra: dict[str, str]) -> Path:
    folder = root / "data" / "d1"
    folder.mkdir(parents=True)
    for name, text in {**SMALL, **extra}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_free_text_is_masked_when_typed(tmp_path: Path):
    """IDs and phones in 督查 问题描述/人员, complaint 来源/类别 are masked in the typed tables (so in the store);
    record identifiers (办件编号) stay as exported."""
    folder = _small(tmp_path, {
        "inspections.csv": "日期,单位,类别,问题描述,扣分,人员\n2024-06-03,公安局,到岗,群众13812345555反映脱岗,1,王某 110101199003071234\n",
        "complaints.csv": "投诉编号,来源,涉及单位,类别,内容,受理时间\nK1,12345热线(来电13912345555),公安局,态度 13812345555,x,2024-06-03 09:00\n",
    })
    tables, report = validate_district(folder.parent, folder.name)
    assert report.ok, report.to_text()
    assert tables.inspections.loc[0, "finding"] == "群众138****5555反映脱岗"
    assert tables.inspections.loc[0, "staff"] == "王某 110101********1234"
    assert tables.complaints.loc[0, "source"] == "12345热线(来电139****5555)"
    assert tables.complaints.loc[0, "category"] == "态度 138****5555"
    assert tables.cases.loc[0, "case_id"] == "110101199003071234"


def test_numbers_in_the_wrong_column_are_masked_in_the_report_and_terminal(tmp_path: Path):
    """A complaint row shifted so its ID and phone land in 受理时间/涉及单位: the errors name the cells, and neither the
    terminal report nor validation.html shows the raw numbers."""
    folder = _small(tmp_path, {"complaints.csv": "投诉编号,来源,涉及单位,类别,内容,受理时间\n"
                                                  "K1,现场,13812345555,态度,张三,身份证110101199003071234\n"})
    _, report = validate_district(folder.parent, folder.name)
    assert {(p.row, p.column) for p in report.errors} == {(2, "受理时间"), (2, "涉及单位")}
    page = report_page(report, folder.parent)
    result = CliRunner().invoke(app, ["validate", "--district", "d1", "--data-dir", str(folder.parent),
                                      "--out-dir", str(tmp_path / "outputs")])
    assert result.exit_code != 0 and "受理时间" in result.output
    for shown in (report.to_text(), page, result.output, (tmp_path / "outputs" / "d1" / "validation.html").read_text()):
        assert "13812345555" not in shown and "110101199003071234" not in shown
        assert "138****5555" in shown and "110101********1234" in shown
