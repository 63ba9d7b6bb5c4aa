"""Case reports: the seed page's two cases (gold in ../shared) and the project's own stories."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jnpolice_ner import extract, parse_page
from jnpolice_ner.ruleset import load_rules
from jnpolice_ner.trace import recording

STORIES = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "corpus" / "cases" / "stories.yaml").read_text("utf-8"))

SEED_FIELDS = ["case_type", "county", "units", "victims", "suspects", "amount_lost", "amount_recovered",
               "reported_on", "occurred_on", "arrested_on", "outcome", "headline", "reporters", "correspondents"]


def _drop_none(v):
    if isinstance(v, dict):
        return {k: _drop_none(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_none(x) for x in v]
    return v


@pytest.fixture(scope="module")
def seed_reports(seed_text):
    return [r.model_dump(mode="json") for r in extract(seed_text, issue_date="2016-08-20")]


def test_seed_has_exactly_the_gold_cases(seed_reports, seed_cases):
    assert [r["headline"] for r in seed_reports] == [c["headline"] for c in seed_cases]


@pytest.mark.parametrize("field", SEED_FIELDS)
@pytest.mark.parametrize("i", [0, 1])
def test_seed_case_field(seed_reports, seed_cases, i, field):
    assert len(seed_reports) > i
    assert _drop_none(seed_reports[i][field]) == _drop_none(seed_cases[i][field])


def _subset(expected, actual) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_subset(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            _subset(e, a) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(expected - actual) < 1e-6
    return expected == actual


def _run(story):
    reports = [r.model_dump(mode="json") for r in extract(story["text"], issue_date=STORIES["issue_date"])]
    exp = dict(story["expect"])
    assert len(reports) == exp.pop("count"), reports
    for field, want in exp.items():
        assert _subset(want, reports[0][field]), f"{field}: {reports[0][field]!r} != {want!r}"


@pytest.mark.parametrize("story", STORIES["stories"], ids=[s["id"] for s in STORIES["stories"]])
def test_story(story):
    _run(story)


def test_every_report_rule_has_a_story():
    with recording() as fired:
        for story in STORIES["stories"]:
            try:
                _run(story)
            except AssertionError:
                pass
    ids = {r.id for r in load_rules()["report"].rules}
    assert not sorted(ids - fired)


def test_article_case_and_cases_agree(seed_text):
    page = parse_page(seed_text, issue_date="2016-08-20")
    for art in page.articles:
        assert art.case == (art.cases[0] if art.cases else None)


def test_case_report_json_and_repr(seed_text):
    reports = extract(seed_text, issue_date="2016-08-20")
    for r in reports:
        import json

        json.dumps(r.model_dump(mode="json"), ensure_ascii=False)
        assert r.case_type in repr(r)
        assert "<table>" in r._repr_html_()
