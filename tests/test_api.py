"""The public surface of api.md: names, fields and dump shapes."""

from __future__ import annotations

import datetime as dt

import jnpolice_ner as jn


def test_all_names_exported():
    for name in ("load", "extract_entities", "parse_page", "extract", "extract_many", "fraud_table",
                 "Entity", "Article", "Page", "CaseReport", "Party", "Money"):
        assert name in jn.__all__ and hasattr(jn, name)


def test_entity_dump_has_the_api_fields_then_its_explanation():
    # api.md's six fields in order; the explanation (issue #14) is a real field after them, so JSON round trips
    e = jn.Entity(label="DATE", text="7月22日", start=0, end=5, value={"iso": "2016-07-22", "granularity": "day"})
    assert list(e.model_dump()) == ["label", "text", "start", "end", "role", "value", "explanation"]


def test_case_report_fields():
    fields = set(jn.CaseReport.model_fields)
    for f in ("case_type", "headline", "issue_date", "county", "units", "officers", "reporters",
              "correspondents", "victims", "suspects", "amount_lost", "amount_recovered", "reported_on",
              "occurred_on", "arrested_on", "outcome", "method", "evidence"):
        assert f in fields
    assert set(jn.Party.model_fields) == {"name", "gender", "age", "origin"}
    assert {"amount", "currency", "qualifier"} <= set(jn.Money.model_fields)


def test_article_fields():
    for f in ("headline", "subheadline", "reporters", "correspondents", "dateline", "text", "start", "end",
              "entities", "case"):
        assert f in jn.Article.model_fields


def test_issue_date_accepts_date_and_string():
    a = jn.extract_entities("今年2月份被骗", issue_date=dt.date(2016, 8, 20))
    b = jn.extract_entities("今年2月份被骗", issue_date="2016-08-20")
    assert [x.model_dump() for x in a] == [x.model_dump() for x in b]


def test_entities_carry_an_explanation():
    ents = jn.extract_entities("被骗走8万余元", issue_date="2016-08-20")
    assert ents and all(e.explanation for e in ents)


def test_import_loads_nothing_heavy():
    import subprocess
    import sys

    code = "import sys, jnpolice_ner; print('spacy' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
