"""Bad input: clear errors for wrong types, empty results for empty text, valid offsets always."""

from __future__ import annotations

import pytest

import jnpolice_ner as jn

WEIRD = [
    "", " ", "\n\n\t", "诈", "1", "万", "1" * 5000, "。，、；！" * 200, "abc DEF 123 ü é",
    "😀🚓💰 被骗 😀", "\x00\x01\x02\x1b[31m民警\x7f", "＃＃ 标题\n\n□ 记者", "#" * 100, "□" * 100,
    "（" * 300 + "）" * 300, "某某" * 500, "派出所" * 300, "2016年" * 200, "１２３４５６元",
    "詐騙案件，嫌疑人張某某被抓獲，騙走８萬餘元。",
]


@pytest.mark.parametrize("func", [jn.extract_entities, jn.parse_page, jn.extract])
@pytest.mark.parametrize("bad", [None, 1, b"bytes", ["list"], 3.5])
def test_non_str_raises_type_error(func, bad):
    with pytest.raises(TypeError, match="must be str"):
        func(bad)


@pytest.mark.parametrize("text", WEIRD, ids=range(len(WEIRD)))
def test_any_string_gives_valid_offsets(text):
    for e in jn.extract_entities(text, issue_date="2016-08-20"):
        assert text[e.start:e.end] == e.text
    page = jn.parse_page(text, issue_date="2016-08-20")
    for art in page.articles:
        for e in art.entities:
            assert art.text[e.start:e.end] == e.text
    assert isinstance(jn.extract(text), list)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_gives_empty_results(text):
    assert jn.extract_entities(text) == []
    assert jn.parse_page(text).articles == []
    assert jn.extract(text) == []


def test_bad_issue_date_is_a_clear_error():
    with pytest.raises(ValueError, match="ISO date"):
        jn.extract_entities("民警", issue_date="yesterday")


def test_traditional_and_fullwidth_are_read_like_simplified():
    trad = jn.extract_entities("騙走８萬餘元", issue_date="2016-08-20")
    simp = jn.extract_entities("骗走8万余元", issue_date="2016-08-20")
    assert [(e.label, e.start, e.end, e.value) for e in trad] == [(e.label, e.start, e.end, e.value) for e in simp]
    assert trad and trad[0].text == "８萬餘元"


def test_batch_keeps_order_and_reports_bad_documents():
    texts = ["群众被骗1万元。", None, "", "嫌疑人张某某被抓获，骗走8万余元。"]
    out = list(jn.extract_many(texts))
    assert len(out) == 4
    assert isinstance(out[1], jn.ErrorRecord) and out[1].index == 1
    assert out[2] == []
    assert all(isinstance(o, list) for o in (out[0], out[2], out[3]))


def test_large_page_works():
    para = "7月22日中午，兴隆派出所接群众报警称，自己银行卡上的1万元钱被骗。民警迅速赶到现场。\n\n"
    text = para * (400_000 // len(para))  # 0.4 MB, entity-dense; 10 MB pages are measured in benchmarks
    ents = jn.extract_entities(text, issue_date="2016-08-20")
    assert len(ents) > 10_000
    assert all(text[e.start:e.end] == e.text for e in ents[:50])


def test_pathological_digits_and_wan_are_linear():
    text = "1万" * 500_000  # 1 MB
    ents = jn.extract_entities(text)
    assert all(text[e.start:e.end] == e.text for e in ents[:100])


def test_batch_with_two_processes_keeps_order():
    texts = ["3月2日，市民赵女士报警称被骗5000元。", 42, "", "嫌疑人张某某被抓获，骗走8万余元。"] * 2
    one = list(jn.extract_many(texts))
    two = list(jn.extract_many(texts, n_process=2))
    assert [type(x).__name__ for x in one] == [type(x).__name__ for x in two]
    assert [x.index for x in two if isinstance(x, jn.ErrorRecord)] == [1, 5]
    assert [[r.model_dump() for r in x] for x in one if isinstance(x, list)] == \
        [[r.model_dump() for r in x] for x in two if isinstance(x, list)]
