"""发文字号 (文号): the district's pattern per kind, `{year}` = year of the 成文日期, `{n}` a number no other
bulletin of the district shares.

`{n}` is the bulletin's place in its series. When a kind has a pattern of its own, the series is that kind
(monthly 1..12 by month, quarterly 1..4, half_year 1..2, annual 1, year-to-date ranges after it). When kinds
share a pattern (the default `<doc_prefix>〔{year}〕{n}号` is shared by all), the series are laid end to end
(monthly 1..12, quarterly 13..16, half_year 17..18, annual 19, ranges from 20), so no two kinds meet.
A bulletin is issued after its period ends and before the same period a year later ends, so within one 成文
year each place is taken once. An analyst may set one bulletin's number in `notes.<period>.doc_number`.
"""

from __future__ import annotations

from bulletin.config import KINDS, District, check_doc_number_pattern
from bulletin.figures.periods import Period

DEFAULT_PATTERN = "{prefix}〔{year}〕{n}号"
# Where each kind's series starts when kinds share one pattern.
SHARED_OFFSETS = {"monthly": 0, "quarterly": 12, "half_year": 16, "annual": 18}


def pattern_of(district: District, kind: str) -> str:
    """The kind's 文号 pattern: the district's `doc_numbers.<kind>`, else the shared default from doc_prefix."""
    if kind in district.doc_numbers:
        return district.doc_numbers[kind]
    prefix = district.doc_prefix or district.name
    return DEFAULT_PATTERN.replace("{prefix}", prefix)


def _place(period: Period, kind: str) -> int:
    """The bulletin's place in its kind's own series (1-based)."""
    month = period.last % 12 + 1
    if kind == "monthly":
        return month
    if kind == "quarterly":
        return (month - 1) // 3 + 1
    if kind == "half_year":
        return 1 if month <= 6 else 2
    if period.kind == "year":
        return 1
    # A range: ordered by its last month, then its first, then its length in years (ranges over a year are rare).
    first = period.first % 12
    return 2 + (month - 1) * 12 + first + 144 * ((period.last - period.first) // 12)


def sequence(district: District, period: Period, kind: str) -> int:
    """{n}: the bulletin's number in its series (see the module docstring)."""
    own = pattern_of(district, kind)
    shared = any(pattern_of(district, other) == own for other in KINDS if other != kind)
    return _place(period, kind) + (SHARED_OFFSETS[kind] if shared else 0)


def doc_number(district: District, period: Period, kind: str, issue_date: str) -> str:
    """The bulletin's 文号, e.g. 云政务通〔2025〕12号 for the 2024-12 monthly issued in January 2025."""
    manual = district.notes_for(period).get("doc_number")
    if manual:
        return manual
    pattern = check_doc_number_pattern(pattern_of(district, kind), f"doc_numbers.{kind}")
    year = issue_date[:4] if issue_date and len(issue_date) >= 4 else str(period.last // 12)
    # Plain replacement, never str.format: the pattern is analyst text and is not evaluated.
    return pattern.replace("{year}", year).replace("{n}", str(sequence(district, period, kind)))
