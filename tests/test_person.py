"""PERSON: name reading, roles, robustness (seed floors: test_seed_targets.py)."""

from __future__ import annotations

import pytest

from jnpolice_ner.entities import person
from jnpolice_ner.recognizer import find_candidates
from jnpolice_ner.ruleset import load_rules


def _people(text: str) -> list[tuple[str, str | None]]:
    return [(text[c.start:c.end], c.role) for c in find_candidates(text, "2016-08-20") if c.label == "PERSON"]


def test_surname_lexicon_has_single_and_compound():
    names = load_rules().lexicon("surnames")
    assert {"王", "李", "张", "欧阳", "司马"} <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("text,expected", [
    ("民警王力在现场", "王力"),
    ("政委李志峰为主要责任人", "李志峰"),
    ("民警张伟立即赶到", "张伟"),
    ("犯罪嫌疑人欧阳某某落网", "欧阳某某"),
    ("被告人刘某甲、刘某乙", "刘某甲"),
])
def test_name_after_cue(text, expected):
    assert expected in [t for t, _ in _people(text)]


@pytest.mark.parametrize("text", ["民警迅速赶到现场。", "民警及时处置。", "全体民警全部参与。", "群众满意度提升",
                                  "高新区派出所民警", "嫌疑人于当日落网", "犯罪嫌疑人已被刑事拘留。"])
def test_no_name(text):
    assert _people(text) == []


def test_role_kept_for_later_mentions():
    text = "报案人吴某某称被骗。民警带着吴某某赶到银行，吴某某卡上的钱已被转走。"
    assert {r for t, r in _people(text) if t == "吴某某"} == {"victim"}


def test_role_propagates_backwards_in_article():
    text = "陆某某打开链接后输入了密码。随后陆某某报警。"
    assert [r for t, r in _people(text)] == ["victim", "victim"]


def test_pretended_official_is_other():
    assert ("张某", "other") in _people("骗子冒充副局长张某打来电话。")


def test_given_name_needs_full_name():
    assert _people("大力弘扬广泉精神。") == []


@pytest.mark.parametrize("text", ["", " ", "某" * 5000, "民警" * 3000, "😀民警\x00张\x01某", "王" * 10000,
                                  "（化名）" * 100, "老王" * 2000])
def test_any_string(text):
    person.recognize(text, load_rules())
    find_candidates(text)
