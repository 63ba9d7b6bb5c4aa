"""Property tests (issue #13): for any string and any issue date in range, the three entry points
raise nothing but their documented errors, and what they return is well formed.

* every entity has ``text[start:end] == entity.text`` (the article's text for ``parse_page``);
* every DATE value is a real calendar date or an ordered interval (``date.valid_value``);
* every amount is finite and non-negative (``amount_max`` not below ``amount``);
* a second run gives the same output.

Example counts are modest (CI time); ``--hypothesis-seed`` reproduces a failure.
"""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jnpolice_ner as jn
from jnpolice_ner.entities.date import valid_value

#: pieces of every pattern family: numerals, dates, money, names and cues, units, places, layout
PIECES = [
    "0", "1", "2", "9", "12", "28", "30", "31", "2016", "0000", "9999", "10000", "3.5", "１２",
    "一", "二", "十", "百", "千", "万", "亿", "两", "零", "〇", "初", "廿", "数", "几", "余", "多", "近", "约", "逾",
    "年", "月", "日", "号", "时", "分", "许", "左右", "上旬", "中旬", "下旬", "月初", "月底", "年底", "上半年",
    "至", "到", "-", "~", "—", "今年", "去年", "明年", "次年", "同年", "昨天", "明天", "当天", "次日", "上周", "下周五",
    "上月", "下月", "凌晨", "中午", "晚", "大年初一", "腊月", "正月", "春节", "以来", "至今", "每天", "每年",
    "元", "万元", "人民币", "美元", "被骗", "骗走", "转账", "止付", "冻结", "追回",
    "王", "李", "张", "某", "某某", "先生", "女士", "小", "老", "民警", "辅警", "犯罪嫌疑人", "受害人", "市民", "化名",
    "记者", "通讯员", "报道", "责任编辑", "、", "和",
    "公安局", "分局", "派出所", "大队", "反诈中心", "金乡", "济宁市", "嘉祥县", "兴隆", "银行", "诈骗", "盗窃", "案",
    "#", "## ", "**", "□", "——", "本报讯", "本报金乡讯", "（", "）", "(", ")", "“", "”", "【", "】",
    "，", "。", "：", "；", "！", "？", " ", "  ", "\u3000", "\t", "\n", "\n\n", "\r\n",
]

texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=80).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=60).map("".join),
)
issue_dates = st.one_of(
    st.none(),
    st.dates(min_value=dt.date.min, max_value=dt.date.max),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(dt.date.isoformat),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_value(label: str, value: dict | None) -> None:
    if value is None:
        return
    if label == "DATE":
        assert valid_value(value), value
    if label == "MONEY":
        check_money(value)


def check_money(m: dict | None) -> None:
    if m is None:
        return
    for key in ("amount", "amount_max"):
        v = m.get(key)
        if v is not None:
            assert isinstance(v, (int, float)) and math.isfinite(v) and v >= 0, m
    if m.get("amount_max") is not None:
        assert m["amount_max"] >= m["amount"], m


def check_report(r: jn.CaseReport) -> None:
    for f in ("reported_on", "occurred_on", "arrested_on"):
        v = getattr(r, f)
        if v is not None:
            assert valid_value(v.model_dump() if hasattr(v, "model_dump") else v), (f, v)
    for f in ("amount_lost", "amount_recovered"):
        v = getattr(r, f)
        check_money(v.model_dump() if v is not None else None)


@SETTINGS
@given(text=texts, issue=issue_dates)
def test_extract_entities_is_well_formed_and_stable(text, issue):
    ents = jn.extract_entities(text, issue_date=issue)
    for e in ents:
        assert 0 <= e.start < e.end <= len(text) and text[e.start:e.end] == e.text
        check_value(e.label, e.value)
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:], strict=False))  # flat, in order
    assert [e.model_dump() for e in jn.extract_entities(text, issue_date=issue)] == [e.model_dump() for e in ents]


@SETTINGS
@given(text=texts, issue=issue_dates)
def test_parse_page_is_well_formed_and_stable(text, issue):
    page = jn.parse_page(text, issue_date=issue)
    for art in page.articles:
        assert 0 <= art.start <= art.end <= len(text)
        for e in art.entities:
            assert art.text[e.start:e.end] == e.text
            check_value(e.label, e.value)
        for r in art.cases:
            check_report(r)
    assert jn.parse_page(text, issue_date=issue).model_dump() == page.model_dump()


@SETTINGS
@given(text=texts, issue=issue_dates)
def test_extract_is_well_formed_and_stable(text, issue):
    reports = jn.extract(text, issue_date=issue)
    for r in reports:
        check_report(r)
    assert [r.model_dump() for r in jn.extract(text, issue_date=issue)] == [r.model_dump() for r in reports]
