"""文号: the district's pattern per kind, {year} of the 成文日期, no two bulletins of a district alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.config import KIND_PERIODS, KINDS, District, load_district
from bulletin.errors import ConfigError
from bulletin.figures.compute import issue_date
from bulletin.figures.periods import parse_period
from bulletin.figures.workdays import load_calendar
from bulletin.document.numbering import doc_number


def _write(params: Path, extra: str) -> None:
    (params / "districts").mkdir(parents=True, exist_ok=True)
    (params / "districts" / "d1.yaml").write_text(f"name: 云河区\nissuer: 云河区政务服务和数据管理局\ndoc_prefix: 云政务通\n{extra}",
                                                  encoding="utf-8")


def _every_bulletin(years: tuple[int, ...]) -> list[tuple[str, str]]:
    """(period, kind) of every kind over the years, year-to-date ranges included."""
    out = []
    for year in years:
        out += [(f"{year}-{m:02d}", "monthly") for m in range(1, 13)]
        out += [(f"{year}-Q{q}", "quarterly") for q in range(1, 5)]
        out += [(f"{year}-H{h}", "half_year") for h in (1, 2)]
        out += [(f"{year}", "annual")] + [(f"{year}-01..{year}-{m:02d}", "annual") for m in (6, 11)]
    return out


@pytest.mark.parametrize("doc_numbers", [
    "",  # the default: one pattern shared by every kind
    "doc_numbers: {monthly: '云政务通〔{year}〕{n}号', quarterly: '云政务考〔{year}〕{n}号'}\n",  # quarterly own
    "doc_numbers: {monthly: 'X〔{year}〕{n}号', quarterly: 'X〔{year}〕{n}号', half_year: 'X〔{year}〕{n}号', "
    "annual: 'X〔{year}〕{n}号'}\n",  # one pattern written out for all
])
def test_no_two_bulletins_share_a_number_over_two_years(tmp_path, doc_numbers):
    """Every kind over 2024-2025, numbered with the 成文日期 the bulletin prints, gives distinct 文号."""
    _write(tmp_path, doc_numbers)
    district = load_district(tmp_path, "d1")
    calendar = load_calendar(tmp_path)
    numbers = {}
    for period, kind in _every_bulletin((2024, 2025)):
        parsed = parse_period(period)
        assert parsed.kind in KIND_PERIODS[kind]
        number = doc_number(district, parsed, kind, issue_date(calendar, parsed))
        assert number not in numbers, f"{period} {kind} and {numbers.get(number)} share {number}"
        numbers[number] = (period, kind)
    assert len(numbers) == len(_every_bulletin((2024, 2025)))


def test_year_is_the_year_of_issue():
    """The December monthly and the annual bulletin, issued in January, carry the next year."""
    district = District(id="d1", name="云河区", doc_prefix="云政务通")
    assert doc_number(district, parse_period("2024-12"), "monthly", "2025-01-08") == "云政务通〔2025〕12号"
    assert doc_number(district, parse_period("2024"), "annual", "2025-01-08") == "云政务通〔2025〕19号"
    assert doc_number(district, parse_period("2024-06"), "monthly", "2024-07-05") == "云政务通〔2024〕6号"


def test_quarterly_never_equals_a_monthly_with_the_default():
    """With the shared default pattern, kinds number in separate ranges."""
    district = District(id="d1", name="云河区", doc_prefix="云政务通")
    q1 = doc_number(district, parse_period("2024-Q1"), "quarterly", "2024-04-08")
    m1 = doc_number(district, parse_period("2024-01"), "monthly", "2024-02-05")
    assert q1 != m1 and q1 == "云政务通〔2024〕13号"


def test_own_pattern_numbers_within_its_kind():
    """A kind with a pattern of its own counts 1..N in it."""
    district = District(id="d1", name="云河区", doc_prefix="云政务通", doc_numbers={"quarterly": "云政务考〔{year}〕{n}号"})
    assert doc_number(district, parse_period("2024-Q2"), "quarterly", "2024-07-05") == "云政务考〔2024〕2号"


def test_analyst_sets_one_number(tmp_path):
    """notes.<period>.doc_number replaces the computed number for that bulletin only."""
    _write(tmp_path, "notes:\n  2024-06:\n    doc_number: 云政务通〔2024〕特1号\n")
    district = load_district(tmp_path, "d1")
    assert doc_number(district, parse_period("2024-06"), "monthly", "2024-07-05") == "云政务通〔2024〕特1号"
    assert doc_number(district, parse_period("2024-07"), "monthly", "2024-08-07") == "云政务通〔2024〕7号"


def test_pattern_without_n_is_refused_in_chinese(tmp_path):
    """A pattern with no {n} would repeat itself: refused with a message naming the file and key."""
    _write(tmp_path, "doc_numbers: {monthly: '云政务通〔{year}〕号'}\n")
    with pytest.raises(ConfigError, match=r"d1.yaml:doc_numbers.monthly 缺少序号占位符 \{n\}"):
        load_district(tmp_path, "d1")


def test_unknown_placeholder_is_refused_and_never_evaluated(tmp_path):
    """Only {year} and {n} are placeholders; anything else (e.g. an attribute lookup) is refused, not run."""
    _write(tmp_path, "doc_numbers: {monthly: '{n.__class__}〔{year}〕{n}号'}\n")
    with pytest.raises(ConfigError, match="占位符"):
        load_district(tmp_path, "d1")


def test_unknown_kind_in_doc_numbers_is_refused(tmp_path):
    """doc_numbers keys are bulletin kinds."""
    _write(tmp_path, "doc_numbers: {weekly: '周〔{year}〕{n}号'}\n")
    with pytest.raises(ConfigError, match="weekly"):
        load_district(tmp_path, "d1")


def test_cc_and_printed_by_are_read(tmp_path):
    """cc (a text or a list) and printed_by feed the 版记; both optional."""
    _write(tmp_path, "cc: [区委办公室, 区政府办公室]\nprinted_by: 云河区政务服务和数据管理局办公室\n")
    district = load_district(tmp_path, "d1")
    assert district.cc == "区委办公室，区政府办公室" and district.printed_by.endswith("办公室")
    assert set(KINDS) >= set(district.doc_numbers)


@pytest.mark.slow
def test_rendered_bulletins_around_a_year_turn_print_their_own_numbers(tmp_path):
    """Every kind around the turn of 2024 to 2025 rendered by `batch`, one pattern shared by all kinds: the 文号
    printed in each Word file and PDF are the same, and no two bulletins print the same one (every bulletin of two
    years is numbered without rendering above)."""
    import re

    from docx import Document as read_docx
    from pypdf import PdfReader

    from bulletin.config import RunSpec
    from bulletin.run.batch import render_many
    from conftest import ROOT, make_project, set_district_key

    project = make_project(tmp_path, ["yunhe"], "2024-01", "2025-12", 0.01)
    set_district_key(project / "params", "yunhe", "doc_numbers", {k: "云政务〔{year}〕{n}号" for k in KINDS})
    turn = {"2024-11", "2024-12", "2025-01", "2024-Q4", "2025-Q1", "2024-H2", "2024", "2024-01..2024-11", "2025-12"}
    wanted = [(p, k) for p, k in _every_bulletin((2024, 2025)) if p in turn]
    spec = RunSpec(("yunhe",), tuple(dict.fromkeys(p for p, _ in wanted)), None)
    outcomes = render_many(spec, data_dir=project / "data", params_dir=project / "params",
                           out_dir=project / "outputs", notebooks_dir=ROOT / "notebooks", jobs=2)
    assert {(o.job.period, o.job.kind) for o in outcomes if o.status == "ok"} == set(wanted), \
        [(o.job.period, o.job.kind, o.message) for o in outcomes if o.status != "ok"]
    pattern = re.compile(r"云政务〔\d{4}〕\d+号")
    printed = {}
    for period, kind in wanted:
        folder = project / "outputs" / "yunhe" / period
        in_word = [m for p in read_docx(folder / f"{kind}.docx").paragraphs for m in pattern.findall(p.text)]
        in_pdf = pattern.findall(re.sub(r"\s", "", PdfReader(folder / f"{kind}.pdf").pages[0].extract_text()))
        assert len(in_word) == 1 and in_pdf == in_word, (period, kind, in_word, in_pdf)
        assert in_word[0] not in printed, f"{period} {kind} and {printed.get(in_word[0])} both print {in_word[0]}"
        printed[in_word[0]] = (period, kind)
    assert printed["云政务〔2026〕12号"] == ("2025-12", "monthly")  # issued in January: the year of issue
