"""The shared numeral parser (jnpolice_ner.numerals): exact values, ranges, vague amounts, bad input."""

from __future__ import annotations

import pytest

from jnpolice_ner.numerals import Quantity, has_unit, magnitude_suffix, parse_amount, parse_number

EXACT = [
    ("0", 0), ("7", 7), ("5000", 5000), ("1,000", 1000), ("12,345.5", 12345.5), ("4819.32", 4819.32),
    ("十", 10), ("十五", 15), ("二十二", 22), ("三十一", 31), ("廿三", 23), ("卅", 30),
    ("一百", 100), ("一百五", 150), ("三千五", 3500), ("两万五", 25000), ("一万零五百", 10500),
    ("一千零一", 1001), ("两", 2), ("二〇一六", 2016), ("一九九八", 1998),
    ("1万", 10000), ("1.2万", 12000), ("3千", 3000), ("1万5", 15000), ("2万5千", 25000),
    ("2亿", 200_000_000), ("一亿五千万", 150_000_000), ("5亿6千万", 560_000_000), ("壹万", 10000),
    ("捌佰", 800),
]


@pytest.mark.parametrize("text,value", EXACT, ids=[t for t, _ in EXACT])
def test_parse_number(text, value):
    assert parse_number(text) == value
    assert type(parse_number(text)) is type(value)


@pytest.mark.parametrize("text", ["", "万", "亿", "abc", "5.0.0", "1,00", ",5", "百千", "1元", "十" * 50])
def test_parse_number_rejects(text):
    assert parse_number(text) is None


AMOUNTS = [
    ("8万余", Quantity(80000, None, "more_than", "more")),
    ("两万多", Quantity(20000, None, "more_than", "more")),
    ("百余万", Quantity(1_000_000, None, "more_than", "more")),
    ("1000多万", Quantity(10_000_000, None, "more_than", "more")),
    ("上万", Quantity(10000, None, "more_than", "reaching")),
    ("上百万", Quantity(1_000_000, None, "more_than", "reaching")),
    ("三四万", Quantity(30000, 40000, "range", "pair")),
    ("三五千", Quantity(3000, 5000, "range", "pair")),
    ("一两万", Quantity(10000, 20000, "range", "pair")),
    ("十七八万", Quantity(170000, 180000, "range", "pair")),
    ("七八十万", Quantity(700000, 800000, "range", "pair")),
    ("几千", Quantity(1000, 10000, "range", "vague")),
    ("数万", Quantity(10000, 100000, "range", "vague")),
    ("数十万", Quantity(100000, 1_000_000, "range", "vague")),
    ("十几万", Quantity(100000, 200000, "range", "vague")),
    ("二十几", Quantity(20, 30, "range", "vague")),
    ("5000", Quantity(5000, None, "exact", "plain")),
    ("1.2万", Quantity(12000, None, "exact", "plain")),
]


@pytest.mark.parametrize("text,q", AMOUNTS, ids=[t for t, _ in AMOUNTS])
def test_parse_amount(text, q):
    assert parse_amount(text) == q


@pytest.mark.parametrize("text", ["", "余", "多万", "几几", "x"])
def test_parse_amount_rejects(text):
    assert parse_amount(text) is None


def test_helpers():
    assert magnitude_suffix("2万") == 10000 and magnitude_suffix("3千万") == 10_000_000
    assert magnitude_suffix("5000") == 1
    assert has_unit("十五") and not has_unit("15")


@pytest.mark.parametrize("text", ["1" * 100_000, "万" * 100_000, "1万" * 50_000, "😀", "\x00\x01", "一" * 41])
def test_long_or_odd_input_returns(text):
    parse_number(text)
    parse_amount(text)
