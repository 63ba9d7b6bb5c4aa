"""The case-type classifier: the stories of corpus/classify/ and coverage of every cue id.

Each story in ``corpus/classify/*.yaml`` (written for this project) names the code that
``classify()`` must return; every cue and preference id of ``rules/case_classes.yaml`` must fire
on at least one story. The seed page's two case articles classify from general cues.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import need_shared

from jnpolice_ner.classify import classify, scheme, scores
from jnpolice_ner.trace import recording

STORIES = Path(__file__).resolve().parent.parent / "corpus" / "classify"


def _stories():
    for path in sorted(STORIES.glob("*.yaml")):
        for n, st in enumerate((yaml.safe_load(path.read_text("utf-8")) or {}).get("stories", [])):
            yield pytest.param(st["text"], st["code"], id=f"{path.stem}:{n}:{st['code']}")


STORY_CASES = list(_stories())


@pytest.mark.parametrize("text,code", STORY_CASES)
def test_story(text, code):
    got, why = classify(text)
    assert got == code, f"{got} ({why}) != {code}; scores: {scores(text)}"
    assert why, "a classified story must be explained by its cues"


def test_every_cue_has_a_story():
    with recording() as fired:
        for p in STORY_CASES:
            classify(p.values[0])
    missing = sorted(set(scheme().all_cue_ids()) - fired)
    assert not missing, f"cues without a story in corpus/classify/: {missing}"


@pytest.mark.parametrize("text", ["", " ", "万" * 100000, "😀\x00\x07" * 50, "1" * 100000])
def test_odd_input(text):
    code, why = classify(text)
    assert isinstance(code, str) and isinstance(why, list)


def test_spans_given_or_found():
    """Spans may come as Entities, dicts or find_spans tuples; they add their codes."""
    text = "一起诈骗案告破，受害人被骗。"
    assert classify(text)[0] == "fraud"
    assert classify(text, spans=[])[0] == "fraud"
    assert classify(text, spans=[{"label": "CASE_TYPE", "value": {"code": "fraud.online"}}])[0] == "fraud.online"
    assert classify(text, spans=[(0, 2, "case_type.term.电信诈骗", {"code": "fraud.telecom"})])[0] == "fraud.telecom"


def _article(seed_text_doc: dict, headline: str) -> str:
    text = seed_text_doc["text"]
    start = text.index(headline)
    nxt = text.find("\n## ", start + len(headline))
    return text[start: nxt if nxt > 0 else len(text)]


@pytest.mark.parametrize("headline,code", [
    ("金乡民警3小时追回被骗钱款", "fraud.customer_service"),
    ("嘉祥警方赴广州 抓获网络诈骗案嫌疑人", "fraud.game_trade"),
])
def test_seed_cases(headline, code):
    doc = json.loads(need_shared("data", "seed_entities.jsonl").read_text("utf-8").splitlines()[0])
    got, why = classify(_article(doc, headline))
    assert got == code, why


def test_a_preference_naming_an_unknown_cue_is_an_error(tmp_path):
    """``requires`` / ``unless`` ids of rules/case_classes.yaml must name real cues (checked at load)."""
    import shutil

    from jnpolice_ner import classify
    from jnpolice_ner.ruleset import RuleError, RuleSet, rules_dir

    shutil.copytree(rules_dir(), tmp_path / "rules")
    path = tmp_path / "rules" / "case_classes.yaml"
    text = path.read_text("utf-8")
    assert "unless:" in text
    path.write_text(text.replace("unless: [", "unless: [classify.no_such.cue, ", 1), "utf-8")
    with pytest.raises(RuleError, match="classify.no_such.cue"):
        classify.scheme(RuleSet(tmp_path / "rules"))
