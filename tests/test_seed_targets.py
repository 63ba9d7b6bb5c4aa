"""The seed-page floors of the entity issue, in one place (gold in ../shared).

Every label F1 ≥ 0.90 and micro-F1 ≥ 0.95 (exact spans); MONEY and DATE value accuracy 1.0;
PLACE adcode and UNIT name accuracy ≥ 0.95; CASE_TYPE code accuracy ≥ 0.9; PERSON role
accuracy ≥ 0.95; ORG full values (name, kind, place) right on ≥ 90% of the gold spans.
"""

from __future__ import annotations

import pytest

from jnpolice_ner.labels import LABELS


@pytest.mark.parametrize("label", LABELS)
def test_label_f1(seed_scores, label):
    assert seed_scores[label]["f1"] >= 0.9, seed_scores[label]


def test_micro_f1(seed_scores):
    assert seed_scores["micro"]["f1"] >= 0.95, seed_scores["micro"]


@pytest.mark.parametrize("label,floor", [("MONEY", 1.0), ("DATE", 1.0), ("PLACE", 0.95), ("UNIT", 0.95),
                                         ("CASE_TYPE", 0.9)])
def test_value_accuracy(seed_scores, label, floor):
    assert seed_scores[label]["value_acc"] >= floor, seed_scores[label]


def test_person_role_accuracy(seed_scores):
    assert seed_scores["PERSON"]["role_acc"] >= 0.95, seed_scores["PERSON"]


def test_org_full_values(seed_doc, seed_predictions):
    gold = {(s["start"], s["end"]): s["value"] for s in seed_doc["spans"] if s["label"] == "ORG"}
    ok = sum(1 for p in seed_predictions if p["label"] == "ORG" and gold.get((p["start"], p["end"])) == p["value"])
    assert ok / len(gold) >= 0.9
