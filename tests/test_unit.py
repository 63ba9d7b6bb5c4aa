"""UNIT: recognition boundaries, completion from context, robustness (seed floors: test_seed_targets.py)."""

from __future__ import annotations

import pytest

from jnpolice_ner import extract_entities
from jnpolice_ner.entities import unit
from jnpolice_ner.ruleset import load_rules


def _units(text: str, issue: str = "2016-08-20"):
    return [(e.text, e.value) for e in extract_entities(text, issue_date=issue) if e.label == "UNIT"]


@pytest.mark.parametrize("text,spans", [
    ("嘉祥县公安局网安大队会同高新区派出所赴广东", ["嘉祥县公安局网安大队", "高新区派出所"]),
    ("民警赶到兴隆派出所说明情况", ["兴隆派出所"]),
    ("济宁市公安局市中分局全力打造", ["济宁市公安局市中分局"]),
    ("派出所民警立即会同网安大队开展侦查", ["网安大队"]),
    ("在每个派出所建立勤务指挥室", []),
    ("分局党委召开会议", []),
    ("巡逻防控队、案件办理队和社区警务队", []),
])
def test_spans(text, spans):
    rules = load_rules()
    assert [text[c.start:c.end] for c in unit.recognize(text, rules)] == spans


def test_completion_chain_of_an_article():
    text = ("**本报嘉祥讯** 嘉祥县公安局网安大队会同高新区派出所成功破获一起网络诈骗案。"
            "接警后，派出所民警立即会同网安大队开展侦查。")
    got = _units(text)
    assert [v["name"] for _, v in got] == ["嘉祥县公安局网安大队", "嘉祥县公安局高新区派出所", "嘉祥县公安局网安大队"]


def test_short_form_before_its_full_form():
    got = _units("开发区派出所帮老人找到家。微山县公安局开发区派出所民警上前询问。")
    assert got[0][1]["name"] == "微山县公安局开发区派出所"


def test_city_bureau_parent_is_province_department():
    (_, v), = _units("济宁市公安局")
    assert v == {"name": "济宁市公安局", "kind": "bureau", "parent": "山东省公安厅"}


@pytest.mark.parametrize("text", ["", " ", "派出所" * 5000, "1万" * 200000, "😀分局😀", "\x00\x01公安局\x7f",
                                  "公安局" * 3000, "市" * 10000 + "公安局"])
def test_any_string(text):
    unit.recognize(text, load_rules())
