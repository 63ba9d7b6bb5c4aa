"""The statistical fraud-story classifier (jnpolice_ner/textcat.py) and how classify() combines it with the rules."""

from __future__ import annotations

import json
from pathlib import Path

from jnpolice_ner import textcat
from jnpolice_ner.classify import classify

NARRATIVES = Path(__file__).resolve().parent.parent / "corpus" / "narratives"


def _stories(split: str) -> list[dict]:
    out = []
    for f in sorted(NARRATIVES.glob("*.jsonl")):
        out += [r for r in map(json.loads, f.read_text("utf-8").splitlines()) if r["split"] == split]
    return out


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for c in sorted(set(gold)):
        tp = sum(g == p == c for g, p in zip(gold, pred, strict=True))
        pr = tp / max(1, pred.count(c))
        rc = tp / max(1, gold.count(c))
        f1s.append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    return sum(f1s) / len(f1s)


def test_narratives_are_many_per_class_and_held_back():
    train, held = _stories("train"), _stories("held")
    codes = {r["code"] for r in train}
    assert len(codes) == 12
    for c in codes:
        assert sum(r["code"] == c for r in train) >= 25 and sum(r["code"] == c for r in held) >= 8
        assert {r["register"] for r in train if r["code"] == c} == {"record", "news"}
    assert not {r["text"] for r in train} & {r["text"] for r in held}


def test_held_back_macro_f1():
    """The held part was never trained on (scripts/train_textcat.py): the issue's bar is 0.90."""
    held = _stories("held")
    model = textcat.load()
    pred = [model.proba(r["text"])[0][0] for r in held]
    assert _macro_f1([r["code"] for r in held], pred) >= 0.90
    combined = [classify(r["text"])[0] for r in held]
    assert _macro_f1([r["code"] for r in held], combined) >= 0.90


def test_model_is_small_and_says_what_it_was_trained_on():
    assert textcat.MODEL_PATH.stat().st_size < 5_000_000
    meta = textcat.load().meta
    assert meta["trained_on"].startswith("corpus/narratives") and meta["n_held"] >= 96


def test_both_explanations_are_kept():
    code, why = classify("对方自称快递客服，说我的包裹丢了要理赔，让我下载会议软件共享屏幕，转走了5000元。")
    assert code == "fraud.customer_service"
    assert "classify.customer_service.快递丢失" in why and "textcat.customer_service" in why
    assert any(w.startswith("textcat.ngram.") for w in why)
    assert classify("一起诈骗案告破，受害人被骗。")[0] == "fraud"  # no scheme named: the classifier does not guess
    assert classify("张某盗窃电动车一辆，被当场抓获。")[0] == "theft.vehicle"  # not a fraud: rules only


def test_rules_alone():
    code, why = classify("对方自称快递客服，说我的包裹丢了要理赔。", statistical=False)
    assert code == "fraud.customer_service" and not any(w.startswith("textcat.") for w in why)
