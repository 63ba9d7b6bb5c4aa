"""Extractor(extra_rules=PATH): the user's own rules and lexicons on top of the shipped ones (issue #14)."""

from __future__ import annotations

import pytest

import jnpolice_ner as jn
from jnpolice_ner.errors import RuleError

TEXT = "8月2日，王某在青禾云链的客服以直播打赏返现为由诱导下转账2万元，被骗后到栖霞派出所报警。"


@pytest.fixture()
def own_rules(tmp_path):
    lex = tmp_path / "lexicons"
    lex.mkdir()
    # a company the shipped lexicon does not know, by its short name
    (lex / "org_canonical.tsv").write_text("alias\tname\tkind\n# my own\n青禾云链\t青禾云链科技有限公司\tcompany\n", "utf-8")
    # a cue list extended through the shipped org.yaml's keys, and a rule of its own (validated like the shipped)
    (tmp_path / "org.yaml").write_text("rules:\n  - id: org.user.example\n    score: 0.5\n", "utf-8")
    # a method word: report.yaml's `methods` list is extended
    (tmp_path / "report.yaml").write_text("methods: [直播打赏]\n", "utf-8")
    return tmp_path


def _orgs(ents):
    return [(e.text, e.value["name"]) for e in ents if e.label == "ORG"]


def test_own_lexicon_entry_is_found_only_by_that_extractor(own_rules):
    ex = jn.Extractor(extra_rules=own_rules)
    assert _orgs(ex.extract_entities(TEXT, issue_date="2020-09-01")) == [("青禾云链", "青禾云链科技有限公司")]
    assert _orgs(jn.extract_entities(TEXT, issue_date="2020-09-01")) == []  # the module-level API is unchanged
    assert _orgs(jn.Extractor().extract_entities(TEXT)) == []
    page = ex.parse_page(TEXT, issue_date="2020-09-01")
    assert ("青禾云链", "青禾云链科技有限公司") in _orgs(page.articles[0].entities)
    assert [_orgs(a.entities) for a in ex.iter_articles(TEXT)] == [[("青禾云链", "青禾云链科技有限公司")]]
    assert "org.user.example" in ex.rules.all_rule_ids()
    assert "org.user.example" not in jn.Extractor().rules.all_rule_ids()


def test_default_extractor_gives_what_the_module_functions_give():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "corpus" / "pages" / "sample_page.txt").read_text("utf-8")
    ex = jn.Extractor()
    assert ex.extract(text, "2016-10-20") == jn.extract(text, "2016-10-20")
    assert ex.extract_entities(TEXT) == jn.extract_entities(TEXT)


def test_extract_many_with_own_rules_keeps_order_and_errors(own_rules):
    ex = jn.Extractor(own_rules)
    out = list(ex.extract_many([TEXT, 5, "被骗1万元"], issue_date="2020-09-01"))
    assert isinstance(out[0], list) and isinstance(out[1], jn.ErrorRecord) and out[1].index == 1
    assert "直播打赏" in out[0][0].method and out[2] == []
    assert all("直播打赏" not in r.method for r in jn.extract(TEXT, issue_date="2020-09-01"))


def test_extract_many_in_worker_processes_reads_the_same_rules(own_rules):
    ex = jn.Extractor(own_rules)
    text = TEXT
    one = [[r.model_dump() for r in x] for x in ex.extract_many([text, text], n_process=1)]
    two = [[r.model_dump() for r in x] for x in ex.extract_many([text, text], n_process=2)]
    assert one == two and "直播打赏" in two[1][0]["method"]


@pytest.mark.parametrize("files, message", [
    ({"org.yaml": "rules:\n  - id: org.alias.table\n"}, "already defined"),
    ({"org.yaml": "rules:\n  - id: bad id\n"}, "not of the form"),
    ({"org.yaml": "rules:\n  - id: org.user.x\n    pattern: '银行\\b'\n"}, "do not work in Chinese"),
    ({"mine.yaml": "rules: []\n"}, "no shipped rules/mine.yaml"),
    ({"lexicons/mine.txt": "甲\n"}, "no shipped lexicon"),
    ({"lexicons/org_canonical.tsv": "alias\tname\n甲\t乙\n"}, "header must be the shipped one"),
    ({"lexicons/org_canonical.tsv": "alias\tname\tkind\n甲\t乙\n"}, "row 2 has 2 cells"),
])
def test_bad_own_rules_fail_when_the_extractor_is_made(tmp_path, files, message):
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")
    with pytest.raises(RuleError, match=message):
        jn.Extractor(extra_rules=tmp_path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RuleError, match="not a folder"):
        jn.Extractor(extra_rules=tmp_path / "nope")


def test_yaml_keys_are_merged_not_replaced(tmp_path):
    from jnpolice_ner.ruleset import load_rules

    shipped = load_rules()["org"].extra("company_generic")
    (tmp_path / "org.yaml").write_text("company_generic: [青禾]\n", "utf-8")
    merged = jn.Extractor(tmp_path).rules["org"].extra("company_generic")
    assert merged == [*shipped, "青禾"] and load_rules()["org"].extra("company_generic") == shipped
