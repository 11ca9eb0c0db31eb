"""Numbers as bulletins print them: half-up rounding, no trailing zeros, 万, 3-decimal scores."""

import pytest

from bulletin.document.display import change_phrase, count, pct, point_change_phrase, score


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.978, "97.8%"), (1.0, "100%"), (1 - 769 / 2165, "64.48%"), (0.00125, "0.13%"), (0.12345, "12.35%"), (None, "—")],
)
def test_pct(value, text):
    """Percentages keep up to 2 decimals, half-up, without trailing zeros."""
    assert pct(value) == text


def test_counts_and_wan():
    """Counts are integers with a unit; 万 only when asked and from 10万."""
    assert count(71073) == "71073件"
    assert count(349000, wan=True) == "34.9万件"
    assert count(71073, wan=True) == "71073件"


def test_scores_three_decimals():
    """Scores show exactly three decimals, half-up."""
    assert score(128.037) == "128.037分"
    assert score(98.3045) == "98.305分"
    assert score(100) == "100.000分"


def test_change_wording():
    """Changes are worded 增加/减少 with one decimal, 持平 when they round to zero."""
    assert change_phrase(0.123) == "增加12.3%"
    assert change_phrase(-0.25) == "减少25.0%"
    assert change_phrase(0.0001) == "持平"
    assert change_phrase(None) == ""
    assert point_change_phrase(0.981, 0.979) == "增加0.2个百分点"
    assert point_change_phrase(0.95, 0.96) == "减少1个百分点"
