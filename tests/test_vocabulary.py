"""One vocabulary: the words and rules every stage shares are defined once and agree with the SPEC."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bulletin.vocabulary import (
    CHANNELS, ID_PATTERN, KIND_LABELS, KINDS, ONLINE_CHANNELS, RATING_LABELS, RATING_NUMBERS, RATINGS, WINDOW,
    bulletin_title, half_up,
)

LIB = Path(__file__).resolve().parents[1] / "lib" / "bulletin"


def test_ratings_and_their_words_go_both_ways():
    """Ratings 5..1 map to 非常满意..非常不满意 and back."""
    assert RATINGS == (5, 4, 3, 2, 1)
    assert RATING_LABELS[5] == "非常满意" and RATING_LABELS[1] == "非常不满意"
    assert {RATING_NUMBERS[label]: label for label in RATING_NUMBERS} == RATING_LABELS


def test_channels_are_the_window_and_the_online_ones():
    """The channels are 窗口 and the three online channels, in the SPEC's order."""
    assert CHANNELS == ("窗口", "一网通办", "全程网办", "掌上办")
    assert (WINDOW, *ONLINE_CHANNELS) == CHANNELS


@pytest.mark.parametrize(("value", "digits", "shown"), [(0.125, 2, "0.13"), (2.5, 0, "3"), (64.475, 2, "64.48"),
                                                        (-0.125, 2, "-0.13"), (128.0365, 3, "128.037")])
def test_half_up_is_never_bankers_rounding(value: float, digits: int, shown: str):
    """Half-up rounds ties away from zero as the decimal reads (0.125 -> 0.13, 2.5 -> 3)."""
    assert str(half_up(value, digits)) == shown


def test_id_pattern_accepts_folder_safe_ids_only():
    """District ids are lower-case letters, digits, - and _, starting with a letter or digit."""
    assert all(ID_PATTERN.match(v) for v in ("yunhe", "a1", "xin-zheng_2"))
    assert not any(ID_PATTERN.match(v) for v in ("", "-a", "A", "../etc", "a b", "云河"))


def test_title_names_district_period_and_kind():
    """The title reads 云河区2024年6月政务服务工作月通报 (the period optional)."""
    assert KINDS == tuple(KIND_LABELS) == ("monthly", "quarterly", "half_year", "annual")
    assert bulletin_title("云河区", "monthly", "2024年6月") == "云河区2024年6月政务服务工作月通报"
    assert bulletin_title("云河区", "half_year") == "云河区政务服务工作半年运行分析"


def test_no_second_copy_of_the_vocabulary_in_the_package():
    """No module but vocabulary.py spells out the rating words, the channel list, the id pattern or ROUND_HALF_UP."""
    copies = re.compile(r"非常满意\W+\d|\d\W+非常满意|\"窗口\", \"一网通办\"|\[a-z0-9\]\[a-z0-9_-\]\*\$|ROUND_HALF_UP")
    offenders = [p.relative_to(LIB).as_posix() for p in LIB.rglob("*.py")
                 if p.name != "vocabulary.py" and copies.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
