"""The analyst's view (issue #14): render(), _repr_html_, JSON round trips and the JSON schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import jnpolice_ner as jn
from jnpolice_ner.labels import CASE_TYPE_CODES, LABELS, OUTCOMES, ROLES
from jnpolice_ner.render import COLORS

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "pages" / "sample_page.txt"


@pytest.fixture(scope="module")
def page():
    return jn.parse_page(SAMPLE.read_text("utf-8"), issue_date="2016-10-20")


def _marks(html: str) -> list[tuple[str, str]]:
    """(background colour, label) of every displaCy mark in ``html``."""
    found = re.findall(r'<mark class="entity" style="background: ([^;]+);.*?<span[^>]*>([^<]+)</span>', html, re.S)
    return [(bg, label.strip()) for bg, label in found]


def test_seven_distinct_colours_and_roles_in_a_page(page):
    html = jn.render(page)
    marks = _marks(html)
    labels = {label.split("·")[0] for _, label in marks}
    assert labels >= {"UNIT", "PERSON", "DATE", "MONEY", "PLACE", "CASE_TYPE"}
    for bg, label in marks:
        assert bg == COLORS[label.split("·")[0]]
    assert len(set(COLORS.values())) == 7
    roles = {label.split("·")[1] for _, label in marks if "·" in label}
    assert {"victim", "suspect"} <= roles  # (bylines lie outside the article texts)
    assert "兼职刷单被骗 民警追回五万元" in html


def test_render_text_doc_and_entity():
    text = "7月22日，金乡县兴隆派出所接群众王某报警，称遭遇电信诈骗，在中国农业银行转账被骗8万余元。"
    html = jn.render(text, issue_date="2016-08-20")
    marks = _marks(html)
    assert {label for _, label in marks} >= {"DATE", "UNIT", "PERSON·victim", "ORG", "MONEY", "CASE_TYPE"}
    assert {bg for bg, _ in marks} >= {COLORS[x] for x in ("DATE", "UNIT", "PERSON", "ORG", "MONEY", "CASE_TYPE")}
    assert "&lt;" in jn.render("<b>被骗1万元</b>")  # text is escaped
    doc = jn.load(ner=False)(text)
    assert _marks(jn.render(doc)) and "PERSON·victim" in jn.render(doc)
    with pytest.raises(TypeError, match="not int"):
        jn.render(3)


def test_case_report_html_marks_each_fields_evidence(page):
    art = page.articles[2]
    case = art.case
    table = case._repr_html_()
    assert "[" not in table and "Party(" not in table  # values flattened, no raw Python lists
    assert "刘某某（男，26岁，福建省龙岩市新罗区）" in table
    assert "arrested、detained、solved" in table
    assert "PERSON·suspect" in table  # the evidence column
    full = jn.render(case, text=art.text)
    labels = {label for _, label in _marks(full)}
    assert {"PERSON·suspect → suspects", "MONEY → amount_lost", "DATE → arrested_on"} <= labels


def test_short_reprs(page):
    assert len(repr(page)) < 300 and "3 article(s)" in repr(page)
    assert len(page._repr_html_()) < 3000 and "兼职刷单被骗" in page._repr_html_()
    art = page.articles[1]
    assert repr(art).startswith("<Article '兼职刷单被骗") and "<mark" in art._repr_html_()
    ent = art.entities[0]
    assert "<table" in ent._repr_html_() and ent.text in ent._repr_html_()


def test_json_round_trip_keeps_explanations(page):
    reports = [c for a in page.articles for c in a.cases]
    assert reports
    for r in reports:
        back = jn.CaseReport.model_validate_json(r.model_dump_json())
        assert back == r
        assert [e.explanation for e in back.evidence] == [e.explanation for e in r.evidence]
        assert all(e.explanation for e in back.evidence)
    assert jn.Page.model_validate_json(page.model_dump_json()) == page


def test_json_schema_has_descriptions_and_enums():
    schema = jn.CaseReport.model_json_schema()
    props = schema["properties"]
    assert all(p.get("description") for p in props.values())
    assert props["case_type"]["enum"] == list(CASE_TYPE_CODES)
    assert props["outcome"]["items"]["enum"] == list(OUTCOMES)
    ent = schema["$defs"]["Entity"]["properties"]
    assert ent["label"]["enum"] == list(LABELS) and ent["role"]["enum"] == [*ROLES, None]
    assert jn.UnitValue.model_json_schema()["properties"]["kind"]["enum"][0] == "ministry"
    assert schema["$defs"]["Party"]["properties"]["gender"]["enum"] == ["男", "女", None]


def test_every_code_the_classifier_gives_is_in_the_enum():
    from jnpolice_ner.classify import scheme
    from jnpolice_ner.ruleset import load_rules

    s = scheme(load_rules())
    codes = {*s.families, *s.classes, *s.channels}
    assert "fraud.brushing" in codes and codes <= set(CASE_TYPE_CODES)
