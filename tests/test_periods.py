"""Periods as SPEC writes them, their labels and their 环比/同比 bases."""

import pytest

from bulletin.errors import ParamError
from bulletin.figures.periods import parse_period


@pytest.mark.parametrize(
    ("text", "label", "previous", "year_ago"),
    [
        ("2018-01", "2018年1月", "2017-12", "2017-01"),
        ("2023-Q4", "2023年第四季度", "2023-Q3", "2022-Q4"),
        ("2023-Q1", "2023年第一季度", "2022-Q4", "2022-Q1"),
        ("2022-H1", "2022年上半年", "2021-H2", "2021-H1"),
        ("2022-H2", "2022年下半年", "2022-H1", "2021-H2"),
        ("2023", "2023年", "2022", "2022"),
        ("2018-01..2018-11", "2018年1-11月", "2017-02..2017-12", "2017-01..2017-11"),
    ],
)
def test_labels_and_bases(text, label, previous, year_ago):
    """Each period form has its Chinese label, previous period and same period a year earlier."""
    p = parse_period(text)
    assert p.text == text
    assert p.label == label
    assert p.previous().text == previous
    assert p.year_ago().text == year_ago


def test_bounds_and_months():
    """A quarter spans its three months, first day to last day."""
    p = parse_period("2024-Q1")
    assert (str(p.start), str(p.end)) == ("2024-01-01", "2024-03-31")
    assert p.months() == ["2024-01", "2024-02", "2024-03"]


def test_year_to_date():
    """累计 runs from January to the period's last month."""
    assert parse_period("2018-11").year_to_date().text == "2018-01..2018-11"
    assert parse_period("2018-01").year_to_date().text == "2018-01"


@pytest.mark.parametrize("bad", ["2023-13", "2023-Q5", "2023-H3", "23-01", "../../etc", "", "2018-11..2018-01", "0000"])
def test_invalid_periods(bad):
    """Malformed periods are refused with a Chinese message."""
    with pytest.raises(ParamError, match="统计期"):
        parse_period(bad)
