"""Issue #13: every DATE value is a real calendar date or an interval whose start is not after its end."""

from __future__ import annotations

import datetime as dt

import pytest

import jnpolice_ner as jn
from jnpolice_ner.entities.date import valid_value


def dates(text: str, issue=None) -> list[tuple[str, dict | None]]:
    return [(e.text, e.value) for e in jn.extract_entities(text, issue_date=issue) if e.label == "DATE"]


def test_xun_without_year_ends_on_a_day_the_month_has():
    assert dates("9月下旬，他报警。") == [("9月下旬", {"iso": "--09-21/--09-30", "granularity": "day"})]
    assert dates("2月下旬，他报警。") == [("2月下旬", {"iso": "--02-21/--02-29", "granularity": "day"})]


def test_no_such_day_without_year_is_no_date():
    assert dates("2月30日，他报警。") == []
    assert dates("4月31日，他报警。") == []
    assert dates("2月29日，他报警。") == [("2月29日", {"iso": "--02-29", "granularity": "day"})]


def test_range_into_next_year_is_ordered():
    assert dates("12月28日至1月3日，他报警。", "2016-01-20") == [
        ("12月28日至1月3日", {"iso": "2015-12-28/2016-01-03", "granularity": "day"})]
    assert dates("去年11月至2月，他报警。", "2016-08-20") == [
        ("去年11月至2月", {"iso": "2015-11/2016-02", "granularity": "month"})]


def test_range_written_backwards_has_no_value():
    assert dates("8月10日至8日，他报警。", "2016-09-20") == [("8月10日至8日", None)]
    assert dates("2017年7月至2016年6月，他报警。", "2016-09-20") == [("2017年7月至2016年6月", None)]


@pytest.mark.parametrize("issue", [dt.date.min, dt.date(1, 1, 5), dt.date(1, 2, 1), dt.date.max, dt.date(9999, 12, 1)])
def test_extreme_issue_dates_give_no_year_out_of_range(issue, caplog):
    text = "12月5日，昨天，明天，当天，次日，上周五，下周，上月，下月，明年3月，去年，1日，大年初一，今年下旬。"
    with caplog.at_level("ERROR", logger="jnpolice_ner"):
        found = dates(text, issue)
    assert not caplog.records  # no OverflowError logged (the entity used to be dropped)
    assert found  # the spans are kept
    for span, value in found:
        assert value is None or valid_value(value), (span, value)
        if value is not None:
            assert not value["iso"].startswith(("0000", "10000")), (span, value)


def test_valid_value_rejects_what_issue_13_saw():
    for iso in ("--09-21/--09-31", "--02-30", "2015-12-28/2015-01-03", "0000-03", "10000-03", "2016-08-10/2016-08-08"):
        assert not valid_value({"iso": iso, "granularity": "day"}), iso
    for iso in ("--02-29", "2016-02-29", "2015-12-28/2016-01-03", "2016", "--12-28/--01-03", "2016-08-10/2016-08"):
        assert valid_value({"iso": iso, "granularity": "day"}), iso
