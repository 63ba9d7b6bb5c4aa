"""The statistical NER layer (jnpolice_ner.ner): loads offline, proposes only valid, non-overlapping spans,
never loses a document. Sentences are written for these tests (fictional people and places)."""

from __future__ import annotations

import logging

import pytest

from jnpolice_ner import extract_entities, ner
from jnpolice_ner.models import Entity


def _check_offsets(text: str, ents: list[Entity]) -> None:
    for e in ents:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.text


def test_model_ships_in_package_and_loads():
    assert (ner.MODEL_DIR / "meta.json").exists()
    assert (ner.MODEL_DIR / "ner" / "model").exists()
    nlp = ner.model()
    assert nlp is not None and "ner" in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG"}
    size = sum(p.stat().st_size for p in ner.MODEL_DIR.rglob("*") if p.is_file())
    assert size < 8_000_000


def test_model_meta_records_shippable_sources():
    """Issue #17: the weights say what they were trained on and under which terms; none is research-only."""
    import json

    meta = json.loads((ner.MODEL_DIR / "meta.json").read_text("utf-8"))
    assert "research" not in meta["license"].lower()
    assert meta["sources"] and all(src.get("name") and src.get("licence") for src in meta["sources"])
    for src in meta["sources"]:
        assert "research" not in src["licence"].lower(), src
        assert not any(w in src["name"] for w in ("People's Daily", "MSRA", "CAIL", "CCL")), src


@pytest.mark.parametrize(
    "text,name",
    [
        ("民警邵明远带领辅警连夜赶到现场。", "邵明远"),
        ("当天上午，社区民警邹卫航接到群众求助。", "邹卫航"),
    ],
)
def test_proposes_person_when_rules_are_absent(text, name):
    got = ner.propose(text, [])
    people = [e for e in got if e.label == "PERSON"]
    assert [e.text for e in people] == [name]
    e = people[0]
    assert e.explanation == "ner.statistical"
    assert e.value == {"name": name, "anonymized": False}
    assert e.role == "officer"  # the PERSON module's cue logic gives the role
    _check_offsets(text, got)


def test_never_overlaps_rule_entities():
    text = "民警邵明远带领辅警赶到宁都县湛田乡，在上海某网络科技有限公司门口将嫌疑人抓获。"
    rules = extract_entities(text)
    got = ner.propose(text, rules)
    for p in got:
        assert not any(r.start < p.end and p.start < r.end for r in rules), p
    _check_offsets(text, got)
    merged = ner.extract_entities_with_ner(text)
    assert [(e.start, e.end) for e in merged] == sorted((e.start, e.end) for e in merged)
    assert {(e.label, e.start, e.end) for e in rules} <= {(e.label, e.start, e.end) for e in merged}


def test_invalid_spans_are_dropped(monkeypatch):
    text = "思明在辖区内的公安局和长江边转了一圈，赵某某说阿里巴巴有限公司在金湖县。"
    def at(word: str, lab: str) -> tuple[int, int, str]:
        return (text.index(word), text.index(word) + len(word), lab)

    spans = [
        at("思明", "PER"),             # no surname
        at("辖区", "LOC"),             # a place-like word, no admin code
        at("公安局", "ORG"),           # not an ORG suffix (a UNIT)
        at("长江", "LOC"),             # a river (only a town short form resolves)
        at("赵某某", "PER"),           # a 某-form → kept
        at("阿里巴巴有限公司", "ORG"),  # → kept
        at("金湖县", "LOC"),           # a county → kept
    ]
    monkeypatch.setattr(ner, "tag", lambda norm, *_: spans)
    got = ner.propose(text, [])
    assert [(e.label, e.text) for e in got] == [("PERSON", "赵某某"), ("ORG", "阿里巴巴有限公司"), ("PLACE", "金湖县")]
    assert got[0].value == {"name": "赵某某", "anonymized": True}
    assert got[1].value == {"name": "阿里巴巴有限公司", "kind": "company", "place": None}
    assert got[2].value["adcode"]


def test_failure_is_logged_and_rules_survive(monkeypatch, caplog):
    def boom(norm, *_):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(ner, "tag", boom)
    text = "民警王力在银行门口拦下了老人，被骗8万余元。"
    with caplog.at_level(logging.WARNING, logger="jnpolice_ner"):
        got = ner.extract_entities_with_ner(text)
    assert "statistical NER failed" in caplog.text
    assert [(e.label, e.start, e.end) for e in got] == [(e.label, e.start, e.end) for e in extract_entities(text)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀🚓👮‍♂️报警🙏" * 50,
        "\x00\x01\x02民警\x1b[0m张\x7f伟\u200b\ufeff赶到",
        "民警张伟赶到现场，" * 11_200,  # ≈ 100k characters
        "万" * 5000 + "1" * 5000,
        "ＡＢＣ１２３臺灣省臺北市",
    ],
)
def test_garbage_input_returns_valid_offsets(text):
    got = ner.propose(text, [])
    _check_offsets(text, got)
    for e in got:
        assert e.label in ("PERSON", "PLACE", "ORG")


def test_no_load_at_import():
    import subprocess
    import sys

    code = "import jnpolice_ner, jnpolice_ner.ner as n; assert n._model is None; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_propose_many_matches_propose():
    texts = ["民警邵明远带领辅警连夜赶到现场。", "", "据邻居周秀兰介绍，老人独自居住。", "😀" * 10]
    rules = [extract_entities(t) if t.strip() else [] for t in texts]
    many = ner.propose_many(texts, rules)
    one = [ner.propose(t, r) for t, r in zip(texts, rules, strict=True)]
    assert [[(e.label, e.start, e.end, e.role) for e in x] for x in many] == \
        [[(e.label, e.start, e.end, e.role) for e in x] for x in one]


def _page_texts() -> list[str]:
    from pathlib import Path

    pages = sorted((Path(__file__).resolve().parent.parent / "corpus" / "pages").glob("*.txt"))
    return [p.read_text("utf-8") for p in pages]


def test_every_valid_span_holds_a_trigger():
    """The clause gate loses nothing: any span that would pass validation outside the rule entities
    holds a trigger position, so a clause without one cannot give a proposal."""
    from jnpolice_ner.entities import place
    from jnpolice_ner.textnorm import normalize

    checked = 0
    for page in _page_texts():
        text = normalize(page[:1500])
        rules = extract_entities(text)
        live = set(ner.trigger_positions(text, rules))
        taken = [(e.start, e.end) for e in rules]
        for s in range(len(text)):
            for n in range(2, 11):
                e = s + n
                if e > len(text) or ner._overlaps(s, e, taken):
                    continue
                name = text[s:e]
                ok = (n <= 4 and ner.valid_person(name, text[s - 1:s], text[e:e + 1],
                                                  cued=ner._cue_before(text, s) is not None)
                      or ner.valid_org(name) or ner.valid_place(name, place.lookup(name)))
                if ok:
                    checked += 1
                    assert live & set(range(s, e)), (name, s, e)
    assert checked > 20


def test_gated_proposals_equal_ungated(monkeypatch):
    """Same proposals with and without the gate (the model run on every clause)."""
    texts = [t for page in _page_texts() for t in page.split("\n") if t.strip()]
    rules = [extract_entities(t) for t in texts]
    gated = ner.propose_many(texts, rules)
    raw = ner.tag_many
    monkeypatch.setattr(ner, "tag_many", lambda norms, rule_entities=None: raw(norms))
    ungated = ner.propose_many(texts, rules)
    key = [[(e.label, e.start, e.end, e.role) for e in x] for x in gated]
    assert key == [[(e.label, e.start, e.end, e.role) for e in x] for x in ungated]
    assert sum(map(len, key)) > 0
