"""The example corpus is the specification: one generic runner for ``corpus/examples/*.yaml``.

File format (see corpus/README.md): ``label``, a default ``issue_date``, ``groups`` (a
``value`` with whole-input ``texts``, or in-sentence ``sentences`` with ``span`` and optional
``value``/``role``) and ``negatives`` (texts that must give no entity of the label).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jnpolice_ner import extract_entities
from jnpolice_ner.ruleset import load_rules
from jnpolice_ner.trace import recording

EXAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "examples"


def _cases():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text("utf-8")) or {}
        label = spec["label"]
        default_date = spec.get("issue_date")
        for group in spec.get("groups", []):
            for text in group.get("texts", []):
                yield pytest.param("whole", label, text, group, default_date, id=f"{label}:{text}")
            for sent in group.get("sentences", []):
                yield pytest.param("sentence", label, sent["text"], sent, default_date,
                                   id=f"{label}:{sent['span']}@{sent['text'][:20]}")
        for neg in spec.get("negatives", []):
            text = neg if isinstance(neg, str) else neg["text"]
            yield pytest.param("negative", label, text, neg if isinstance(neg, dict) else {}, default_date,
                               id=f"{label}:not:{text[:24]}")


def _subset(expected: dict, actual: dict | None) -> bool:
    actual = actual or {}
    for k, v in expected.items():
        a = actual.get(k)
        if isinstance(v, dict):
            if not isinstance(a, dict) or not _subset(v, a):
                return False
        elif isinstance(v, (int, float)) and isinstance(a, (int, float)) and not isinstance(v, bool):
            if abs(v - a) > 1e-6:
                return False
        elif a != v:
            return False
    return True


CASES = list(_cases())

#: rule files whose ids are covered by their own example runners (case stories, NER validation spans)
OWN_RUNNERS = {"case_classes": "tests/test_classify.py", "report": "tests/test_report.py",
               "ner": "tests/test_ner_rules.py"}


def run_case(kind, label, text, spec, default_date):
    issue = spec.get("issue_date", default_date) if isinstance(spec, dict) else default_date
    ents = extract_entities(text, issue_date=str(issue) if issue else None)
    for e in ents:
        assert text[e.start:e.end] == e.text
    mine = [e for e in ents if e.label == label]
    if kind == "whole":
        assert len(mine) == 1 and (mine[0].start, mine[0].end) == (0, len(text)), f"got {ents}"
        assert _subset(spec["value"], mine[0].value), f"value {mine[0].value} != {spec['value']}"
        if "role" in spec:
            assert mine[0].role == spec["role"]
    elif kind == "sentence":
        start = spec.get("start", text.find(spec["span"]))
        assert start >= 0, "span not in text"
        hit = [e for e in mine if e.start == start and e.text == spec["span"]]
        assert hit, f"no {label} {spec['span']!r} at {start}; got {ents}"
        if "value" in spec:
            assert _subset(spec["value"], hit[0].value), f"value {hit[0].value} != {spec['value']}"
        if "role" in spec:
            assert hit[0].role == spec["role"], f"role {hit[0].role} != {spec['role']}"
    else:
        assert not mine, f"expected no {label}, got {mine}"


@pytest.mark.parametrize("kind,label,text,spec,default_date", CASES)
def test_example(kind, label, text, spec, default_date):
    run_case(kind, label, text, spec, default_date)


def test_every_rule_has_an_example():
    """Each rule id in rules/*.yaml fires on at least one example of corpus/examples/."""
    with recording() as fired:
        for p in CASES:
            try:
                run_case(*p.values)
            except AssertionError:
                pass
    rules = load_rules()
    ids = {r.id for name, f in rules.files.items() if name not in OWN_RUNNERS for r in f.rules}
    missing = sorted(ids - fired)
    assert not missing, f"rules without a corpus example: {missing}"
