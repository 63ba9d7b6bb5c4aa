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
    # shops named by a trade name (org.shop.trade) and the generic uses that are not names
    ("她在附近的聚源祥超市买完菜", ["聚源祥超市"]),
    ("一家名叫隆盛汽修厂的维修店", ["隆盛汽修厂"]),
    ("从宏达五金店和红星食品厂各盗走一批货", ["宏达五金店", "红星食品厂"]),
    ("在一家超市、该超市、附近超市和大型超市", []),
    ("进入超市后，他把车开进修理厂里，又去了这家饭店", []),
    ("他在小卖部门口等人，门店和工厂都已关门", []),
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


@pytest.mark.parametrize("text,adcode", [
    # a place at the start of a company name is a city or county, not a same-named town (微山县南阳镇)
    ("南阳启明信息科技有限公司", "411300"),
    ("南阳启明物流公司", "411300"),
    ("家住卧龙区的陈女士在南阳启明信息科技有限公司做出纳。", "411300"),
    # same-named counties are told apart by the article's places (北京 → 朝阳区, not 长春 or 朝阳市)
    ("家住北京市海淀区的李某在朝阳恒信科技有限公司上班。", "110105"),
])
def test_company_place_prefix_is_county_or_higher(text, adcode):
    (e,) = [e for e in extract_entities(text, issue_date="2025-03-21") if e.label == "ORG"]
    assert e.value["place"]["adcode"] == adcode, e.value




def test_pinyin_glosses_stay_inside_the_span():
    from jnpolice_ner.textnorm import normalize
    text = "家住某地的劉先生到深圳市興業銀(yín)行辦理業務(wù)"
    got = [(text[c.start:c.end], c.data["name"]) for c in org.recognize(normalize(text), load_rules())]
    assert ("深圳市興業銀(yín)行", "兴业银行") in got
