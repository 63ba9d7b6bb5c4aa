"""ORG: recognition, canonical names and places, robustness (seed floors: test_seed_targets.py)."""

from __future__ import annotations

import pytest

from jnpolice_ner import extract_entities
from jnpolice_ner.entities import org
from jnpolice_ner.ruleset import load_rules


@pytest.mark.parametrize("text,spans", [
    ("这笔钱已被转到深圳市兴业银行一个账户上", ["深圳市兴业银行"]),
    ("是上海银联交易平台代扣了", ["上海银联"]),
    ("他在上海某信息科技有限公司工作", ["上海某信息科技有限公司"]),
    ("组织赴中国刑警学院、西南政法大学开展培训", ["中国刑警学院", "西南政法大学"]),
    ("主动加强与食药监、工商、环保等部门的协作", []),
    ("通过充值QQ币、支付宝转账等方式", []),
])
def test_spans(text, spans):
    rules = load_rules()
    got = sorted((c.start, text[c.start:c.end]) for c in org.recognize(text, rules))
    assert [s for _, s in got] == spans


def test_table_has_header_and_kinds():
    from jnpolice_ner.labels import ORG_KINDS

    for row in load_rules().table("org_canonical"):
        assert row["kind"] in ORG_KINDS, row


def test_value_of_branch_place():
    (e,) = [e for e in extract_entities("钱被转到深圳市兴业银行", issue_date="2016-08-20") if e.label == "ORG"]
    assert e.value["name"] == "兴业银行" and e.value["place"]["adcode"] == "440300"


@pytest.mark.parametrize("text", ["", "银行" * 5000, "有限公司" * 5000, "😀法院", "\x00人民检察院",
                                  "1万" * 200000, "某" * 30000 + "有限公司"])
def test_any_string(text):
    org.recognize(text, load_rules())
