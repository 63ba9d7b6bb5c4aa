"""MONEY: recognition and values beyond the example corpus; the parse_money helper; robustness."""

from __future__ import annotations

import pytest

from jnpolice_ner import extract_entities
from jnpolice_ner.entities.money import parse_money, recognize
from jnpolice_ner.ruleset import load_rules


def money(text: str, issue: str | None = "2016-08-20") -> list[tuple[str, dict]]:
    return [(e.text, e.value) for e in extract_entities(text, issue_date=issue) if e.label == "MONEY"]


@pytest.mark.parametrize(
    "text,amount,qualifier",
    [
        ("1万元", 10000, "exact"),
        ("8万余元", 80000, "more_than"),
        ("近10万元", 100000, "about"),
        ("逾2亿元", 200_000_000, "more_than"),
        ("不到1000元", 1000, "less_than"),
        ("5000元左右", 5000, "about"),
    ],
)
def test_parse_money(text, amount, qualifier):
    v = parse_money(text)
    assert v["amount"] == amount and v["qualifier"] == qualifier and v["currency"] == "CNY"


def test_amount_is_int_when_whole():
    v = parse_money("1.2万元")
    assert v["amount"] == 12000 and isinstance(v["amount"], int)
    assert isinstance(parse_money("4819.32元")["amount"], float)


def test_range_has_amount_max():
    assert parse_money("三四万元") == {"amount": 30000, "currency": "CNY", "qualifier": "range", "amount_max": 40000}
    assert "amount_max" not in parse_money("3万元")


def test_currency_words_are_inside_the_span():
    assert money("他取出人民币3190元后离开。") == [("人民币3190元", {"amount": 3190, "currency": "CNY", "qualifier": "exact"})]
    assert money("共窃得5000元人民币。")[0][0] == "5000元人民币"
    assert money("卡内的1万元钱被转走。")[0][0] == "1万元"  # 钱 stays outside


def test_other_currencies():
    assert money("被骗3000美元。")[0][1]["currency"] == "USD"
    assert money("窃得港币1000元。")[0][1]["currency"] == "HKD"


def test_bare_amount_needs_a_money_cue():
    assert money("他先后被骗58万，才醒悟。") == [("58万", {"amount": 580000, "currency": "CNY", "qualifier": "exact"})]
    assert money("全市共有58万户居民。") == []
    assert money("该平台被骗用户58万人。") == []


@pytest.mark.parametrize("text", ["十余天", "30岁", "三四百人", "36次", "2000个", "8月10日", "2016年", "元旦", "3块手表"])
def test_never_money(text):
    assert money(text) == []


def test_several_amounts_in_one_sentence():
    got = money("民警查明，王某被骗8万余元，其中3万元已被冻结，另有几千到几万元不等的转账。")
    assert [t for t, _ in got] == ["8万余元", "3万元", "几千到几万元"]


@pytest.mark.parametrize("text", ["", "元", "万元", "1" * 10000 + "元", "😀1元", "\x001万元\x01", "至1" * 2000, "人民币"])
def test_odd_input(text):
    for c in recognize(text, load_rules()):
        assert 0 <= c.start < c.end <= len(text)


def test_qianwan_adverb_is_no_amount():
    """money.negative.adverb: 千万/万万 before a negation or an imperative, or with nothing after it
    that ends an amount, is the adverb "by all means"; an amount in the same words stays money."""
    assert money("诈骗套路再多，千万不要转账。") == []
    assert money("防范诈骗，千万记住不转账。") == []
    assert money("骗子话术多，转账路上千万小心。") == []
    assert money("诈骗分子狡猾，千万提高警惕。") == []
    assert money("该案涉案金额达千万。") == [("千万", {"amount": 10_000_000, "currency": "CNY", "qualifier": "exact"})]
    assert money("诈骗团伙骗取资金上千万，受害人众多。")[0][0] == "上千万"
    assert money("被骗千万元的案件告破。")[0][0] == "千万元"
    assert money("被骗近千万，他追悔莫及。")[0][0] == "近千万"
