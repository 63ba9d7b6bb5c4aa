"""PLACE: the division table, lookups for other modules, recognition edge cases (seed floors: test_seed_targets.py)."""

from __future__ import annotations

import pytest

from jnpolice_ner.entities import place
from jnpolice_ner.ruleset import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_table_has_all_china_and_shandong_towns(rules):
    rows = rules.table("admin_divisions")
    levels = {}
    for r in rows:
        levels[r["level"]] = levels.get(r["level"], 0) + 1
    assert levels["province"] >= 34 and levels["city"] >= 330 and levels["county"] >= 2800
    assert levels["town"] >= 38000
    sd_towns = [r for r in rows if r["level"] == "town" and r["parent"].startswith("37")]
    assert len(sd_towns) > 1500
    assert all(len(r["code"]) in (0, 6) for r in rows)


@pytest.mark.parametrize("name,adcode,level", [
    ("金乡", "370828", "county"),
    ("金乡县", "370828", "county"),
    ("嘉祥", "370829", "county"),
    ("微山", "370826", "county"),
    ("山东省济宁市", "370800", "city"),
    ("济宁", "370800", "city"),
    ("市中", "370811", "other"),
    ("鸡黍镇", "370828", "town"),
    ("广东", "440000", "province"),
    ("内蒙古", "150000", "province"),
    ("上海市", "310000", "province"),
    ("潮州", "445100", "city"),
    ("饶平", "445122", "county"),
    ("兖州市", "370812", "county"),
    ("莱芜市", "370100", "other"),
    ("美国", None, "country"),
])
def test_lookup(name, adcode, level):
    v = place.lookup(name)
    assert v is not None and v["adcode"] == adcode and v["level"] == level


def test_lookup_uses_context():
    assert place.lookup("市中区")["adcode"] == "370811"          # the paper's own 市中 (Jining)
    assert place.lookup("市中区", "370100")["adcode"] == "370103"  # in a Jinan article
    assert place.lookup("市中区", "370400")["adcode"] == "370402"


def test_lookup_rejects_non_places():
    for s in ["", "民警", "全国", "全市", "派出所", "x", "金乡县公安局"]:
        assert place.lookup(s) is None


def test_county_and_city_of():
    assert place.county_of(place.lookup("金乡")) == "金乡县"
    assert place.county_of(place.lookup("鸡黍镇")) == "金乡县"
    assert place.county_of(place.lookup("济宁")) is None
    assert place.city_of(place.lookup("金乡")) == "济宁市"
    assert place.city_of(place.lookup("上海市嘉定区")) == "上海市"
    assert place.county_of(None) is None and place.city_of({}) is None


def test_lookup_returns_a_copy():
    v = place.lookup("金乡")
    v["name"] = "changed"
    assert place.lookup("金乡")["name"] == "山东省济宁市金乡县"


@pytest.mark.parametrize("text", ["", "济宁\ud800金乡县", "万" * 100_000, "1" * 200_000, "😀" * 1000, "\x00\x01\n" * 1000, "济"])
def test_any_input(rules, text):
    assert isinstance(place.recognize(text, rules), list)


def test_spans(rules):
    text = "张某某（男，30岁，广东省潮州市饶平县人）在微山县汽车站被抓获，济宁市民纷纷点赞。"
    got = [text[c.start:c.end] for c in place.recognize(text, rules)]
    assert got == ["广东省潮州市饶平县", "微山县", "济宁"]
