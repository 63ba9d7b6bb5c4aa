"""DATE: values in article context (当天, year inference, anchors), no issue date, robustness."""

from __future__ import annotations

import pytest

from jnpolice_ner import extract_entities
from jnpolice_ner.entities.date import parse_date, recognize
from jnpolice_ner.ruleset import load_rules


def dates(text: str, issue: str | None = "2016-08-20") -> list[tuple[str, dict | None]]:
    return [(e.text, e.value) for e in extract_entities(text, issue_date=issue) if e.label == "DATE"]


def test_issue_year_or_the_year_before():
    assert parse_date("7月22日", "2016-08-20")["iso"] == "2016-07-22"
    assert parse_date("8月21日", "2016-08-20")["iso"] == "2015-08-21"
    assert parse_date("9月份", "2016-08-20") == {"iso": "2015-09", "granularity": "month"}


def test_no_issue_date_gives_open_year():
    assert parse_date("7月22日") == {"iso": "--07-22", "granularity": "day"}
    assert parse_date("7月") == {"iso": "--07", "granularity": "month"}
    assert parse_date("2016年7月22日")["iso"] == "2016-07-22"


def test_year_in_text_anchors_later_dates_without_issue_date():
    got = dates("2015年3月5日，周某首次作案。8月10日，他再次作案。", issue=None)
    assert got[1] == ("8月10日", {"iso": "2015-08-10", "granularity": "day"})


def test_dangtian_takes_the_date_last_mentioned():
    got = dates("7月20日，李某接到电话。7月22日，他报警。据了解，他在当天中午收到短信。")
    assert got[-1] == ("当天中午", {"iso": "2016-07-22", "granularity": "day", "part_of_day": "noon"})


def test_ciri_is_the_next_day():
    got = dates("8月11日晚，民警布控。次日凌晨，嫌疑人落网。")
    assert got[-1] == ("次日凌晨", {"iso": "2016-08-12", "granularity": "day", "part_of_day": "night"})


def test_dangtian_without_an_earlier_date_has_no_value():
    assert dates("当天中午，他接到一个电话。") == [("当天中午", None)]


def test_boundaries_leave_out_zi_yilai_qi():
    assert [t for t, _ in dates("自2015年以来，今年以来，自今年2月份起。")] == ["2015年", "今年", "今年2月份"]


def test_age_phrase_keeps_jinnian():
    assert dates("受害人今年24岁。") == [("今年", {"iso": "2016", "granularity": "year"})]


def test_publication_stamp():
    assert parse_date("2025年04月02日 20:02") == {"iso": "2025-04-02", "granularity": "day", "time": "20:02"}


def test_clock_with_part_of_day_is_24h():
    assert parse_date("4月9日晚8时许", "2016-08-20")["time"] == "20:00"
    assert parse_date("4月9日凌晨2时", "2016-08-20")["time"] == "02:00"


def test_interval_across_years():
    assert parse_date("2017年7月至2018年6月")["iso"] == "2017-07/2018-06"


@pytest.mark.parametrize(
    "text",
    ["十余天", "3小时", "近日", "日前", "每天", "第二天", "“十三五”", "春节", "中秋节", "拘留10日",
     "每月25日和26日", "3个月", "30岁", "今日头条"],
)
def test_not_dates(text):
    assert dates(text) == []


@pytest.mark.parametrize("text", ["", "年", "月日", "1" * 10000 + "年", "😀7月1日", "\x00今年\x01", "8月" * 3000,
                                  "2016-13-45", "2月30日", "二〇一六年十三月"])
def test_odd_input(text):
    for c in recognize(text, load_rules()):
        assert 0 <= c.start < c.end <= len(text)
    for e in extract_entities(text, issue_date="2016-08-20"):
        assert text[e.start:e.end] == e.text


def test_invalid_calendar_day_is_dropped():
    assert parse_date("2月30日", "2016-08-20") is None
    assert dates("2月30日，他报警。") == []


def test_weeks_from_the_issue_date():
    """上周/本周/下周 are the Monday–Sunday weeks around the issue date (a day interval, like 上旬)."""
    assert parse_date("上周", "2025-03-21") == {"iso": "2025-03-10/2025-03-16", "granularity": "day"}
    assert parse_date("上个星期", "2025-03-17") == {"iso": "2025-03-10/2025-03-16", "granularity": "day"}
    assert parse_date("本周", "2025-03-23") == {"iso": "2025-03-17/2025-03-23", "granularity": "day"}
    assert parse_date("下周", "2024-12-30") == {"iso": "2025-01-06/2025-01-12", "granularity": "day"}
    assert parse_date("上周日晚上", "2025-03-21") == {"iso": "2025-03-16", "granularity": "day",
                                                   "part_of_day": "evening"}
    # without an issue date the span stays, with no value (as for 昨天)
    assert dates("上周，他在网上被骗。", issue=None) == [("上周", None)]


def test_week_words_inside_other_words():
    assert dates("他在楼下周围转了一圈，这周边都是农田。") == []
    assert [t for t, _ in dates("上周五名嫌疑人落网，上周一直下雨。")] == ["上周", "上周"]
    assert [t for t, _ in dates("民警找上周某了解情况。")] == []


def test_year_counted_from_the_issue_date_stops_at_a_recent_day():
    """date.year_anchor.recent_day: 去年10月 anchors later month-days, except a day within 31 days
    before the issue date (the story has come up to the present); an explicit year always anchors."""
    text = "去年10月，王某开始在网上推销假冒保健品。12月1日凌晨，民警在其住处将其抓获。"
    assert dates(text, issue="2024-12-06")[1] == ("12月1日凌晨", {"iso": "2024-12-01", "granularity": "day",
                                                              "part_of_day": "night"})
    text = "去年10月，张某在网上认识了一名网友。11月，他又被骗走3万元。"
    assert dates(text, issue="2024-12-06")[1] == ("11月", {"iso": "2023-11", "granularity": "month"})
    text = "去年10月，张某在网上认识了一名网友。11月20日，他又被骗走3万元。"
    assert dates(text, issue="2025-03-01")[1][1]["iso"] == "2024-11-20"
    text = "前年10月，张某开始作案。11月30日，他被抓获。"
    assert dates(text, issue="2024-12-06")[1][1]["iso"] == "2024-11-30"
    text = "2023年10月，王某开始在网上推销假冒保健品。12月1日凌晨，民警在其住处将其抓获。"
    assert dates(text, issue="2024-12-06")[1][1]["iso"] == "2023-12-01"
    # after the story reached the present, the anchor is gone
    text = "去年10月，王某开始推销假冒保健品。12月1日凌晨，他被抓获。11月2日，同伙已先行落网。"
    assert dates(text, issue="2024-12-06")[2][1]["iso"] == "2024-11-02"
