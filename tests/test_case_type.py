"""CASE_TYPE: spans and codes, verbal uses, conjuncts, robustness (seed floors: test_seed_targets.py)."""

from __future__ import annotations

import pytest
from conftest import need_shared

from jnpolice_ner.entities import case_type
from jnpolice_ner.ruleset import load_rules


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], v["code"]) for s, e, _, v in case_type.find_spans(text)]


@pytest.mark.parametrize("text,expected", [
    ("成功破获一起跨省电信诈骗案件", [("电信诈骗", "fraud.telecom")]),
    ("严厉打击金融、涉税、保险、电信网络诈骗犯罪", [("金融", "fraud.financial"), ("涉税", "fraud.tax"),
                                         ("保险", "fraud.insurance"), ("电信网络诈骗", "fraud.telecom")]),
    ("依法严防严打食品药品与环境犯罪", [("食品药品", "food_drug"), ("环境犯罪", "environment")]),
    ("建立严打食药环犯罪联勤联动机制", [("食药环犯罪", "food_drug")]),
    ("刘某被诈骗分子骗走2万元", [("诈骗", "fraud")]),
    ("以诈骗罪判处有期徒刑", [("诈骗", "fraud")]),
    ("抓获贩毒人员3名，捣毁赌博窝点1个", [("贩毒", "drugs"), ("赌博", "gambling")]),
    ("抓获网上逃犯和在逃人员", [("网上逃犯", "fugitive"), ("在逃人员", "fugitive")]),
    ("涉嫌帮信罪和洗钱罪", [("帮信", "cybercrime"), ("洗钱", "other")]),
    ("被诈骗4800余元", []),
    ("其电动车被盗，嫌疑人盗窃电动车300余辆", []),
    ("老人被骗，钱被骗走", []),
    ("开展反诈宣传，涉诈案件下降", []),
    ("这是一起刑事案件，要打击犯罪，严打违法犯罪", []),
    ("主动应对金融风险，维护金融安全", []),
    ("“公安主导，金融、税务、保险配合”", []),
    ("市局食药环侦大队", []),
    # the longest mention of a national class name or of 交通肇事逃逸 wins
    ("该中队侦破交通肇事逃逸案件3起", [("交通肇事逃逸", "traffic")]),
    ("冒充公检法诈骗、虚假网络贷款诈骗、网络游戏虚假交易诈骗和冒充电商物流客服诈骗",
     [("冒充公检法诈骗", "fraud.impersonate_official"), ("虚假网络贷款诈骗", "fraud.loan"),
      ("网络游戏虚假交易诈骗", "fraud.game_trade"), ("冒充电商物流客服诈骗", "fraud.customer_service")]),
    ("刷单返利诈骗、虚假投资理财诈骗和网络婚恋交友诈骗",
     [("刷单返利诈骗", "fraud.brushing"), ("虚假投资理财诈骗", "fraud.investment"),
      ("网络婚恋交友诈骗", "fraud.romance")]),
    # class stems that name a fraudulent act share the head: each is a conjunct
    ("冒充公检法、虚假网络贷款和冒充电商物流客服诈骗",
     [("冒充公检法", "fraud.impersonate_official"), ("虚假网络贷款", "fraud.loan"),
      ("冒充电商物流客服诈骗", "fraud.customer_service")]),
    # a generic noun of a class is no conjunct
    ("孩子沉迷网络游戏和网络赌博", [("网络赌博", "gambling")]),
    ("投资理财和刷单诈骗", [("刷单诈骗", "fraud.brushing")]),
])
def test_spans(text, expected):
    assert spans(text) == expected


def test_two_families_get_codes():
    ((_s, _e, _r, value),) = case_type.find_spans("食药环领域违法犯罪")
    assert value == {"code": "food_drug", "codes": ["food_drug", "environment"]}


def test_every_code_is_in_the_taxonomy():
    spec = need_shared("spec", "taxonomy.md").read_text("utf-8")
    rf = load_rules()["case_type"]
    for r in rf.rules:
        for code in [r.extra("code"), *(r.extra("codes") or [])]:
            if code:
                assert f"`{code}`" in spec, f"{r.id}: {code} is not a taxonomy code"


def test_no_term_in_two_rules():
    """A surface listed twice would silently keep the first rule's code."""
    rf = load_rules()["case_type"]
    seen: dict[str, str] = {}
    for r in rf.rules:
        for t in r.extra("terms", []) or []:
            key = (r.extra("kind") == "conjunct", t)
            assert key not in seen, f"{t} in {r.id} and {seen[key]}"
            seen[key] = r.id


@pytest.mark.parametrize("text", ["", "诈骗" * 50000, "金融、" * 20000 + "诈骗", "😀\x00被诈骗",
                                  "1万" * 200000, "被" * 30000 + "盗窃"])
def test_any_string(text):
    case_type.recognize(text, load_rules())


def test_pinyin_glosses_stay_inside_the_span():
    """Some pages print traditional text with pinyin glosses (網(wǎng)絡): the term is read without
    them, the span keeps those inside it and leaves out one after its last character."""
    from jnpolice_ner.textnorm import normalize
    text = "嚴打電信網(wǎng)絡詐騙和虛假網(wǎng)絡投資理財(cái)類、刷單類詐騙"
    got = [(text[s:e], v["code"]) for s, e, _, v in case_type.find_spans(normalize(text))]
    assert got[0] == ("電信網(wǎng)絡詐騙", "fraud.telecom")
    assert ("虛假網(wǎng)絡投資理財(cái)類", "fraud.investment") in got
