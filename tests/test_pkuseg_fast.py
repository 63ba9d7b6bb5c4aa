"""``FastPkuseg`` gives exactly the words of ``spacy_pkuseg``'s own inference, with the same model.

The reference is spacy_pkuseg's ``pkuseg._cut`` (per-character feature strings, its Cython
feature extractor and decoder) run on the shipped model; the texts are our own pages and examples,
plus odd strings (digits, letters, pkuseg's keyword characters, emoji, control characters).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import spacy_pkuseg
from spacy_pkuseg.model import Model

from jnpolice_ner import pipeline
from jnpolice_ner.pkuseg_fast import FastPkuseg, FastPostprocesser

ROOT = Path(__file__).resolve().parent.parent


def _our_texts() -> list[str]:
    lines = []
    for path in sorted((ROOT / "corpus" / "pages").glob("*.txt")):
        lines += [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]
    rnd = random.Random(7)
    pool = "".join(lines)
    odd = "0123456789ＡＢａｂ％.-_,|/*:十万余元😀\x00\x07 \t"
    for _ in range(200):  # shuffled fragments, with odd characters mixed in
        k = rnd.randint(1, 60)
        s = rnd.randrange(max(1, len(pool) - k))
        chars = list(pool[s: s + k])
        for _ in range(rnd.randint(0, 4)):
            chars.insert(rnd.randint(0, len(chars)), rnd.choice(odd))
        lines.append("".join(chars))
    return lines


@pytest.fixture(scope="module")
def segmenters():
    fast = pipeline.load_segmenter(user_words=["兴隆派出所"])
    assert isinstance(fast, FastPkuseg)
    plain = spacy_pkuseg.pkuseg.__new__(spacy_pkuseg.pkuseg)
    plain.__dict__.update({k: v for k, v in fast.__dict__.items() if not k.startswith("_")})
    plain.postprocesser = spacy_pkuseg.Postprocesser(None, None)
    plain.postprocesser.__dict__.update(fast.postprocesser.__dict__)
    model = Model.__new__(Model)
    model.__dict__.update({"n_tag": fast.model.n_tag, "n_feature": fast.model.n_feature,
                           "n_transition_feature": fast.model.n_transition_feature, "w": fast.model.w})
    plain.model = model
    return fast, plain


def test_same_words_as_spacy_pkuseg(segmenters):
    fast, plain = segmenters
    texts = _our_texts()
    assert len(texts) > 250
    differ = [(t, fast.cut(t), plain.cut(t)) for t in texts if fast.cut(t) != plain.cut(t)]
    assert differ == []


def test_same_node_scores_as_spacy_pkuseg(segmenters):
    from spacy_pkuseg.inference import getLogYY

    fast, plain = segmenters
    text = "7月22日，兴隆派出所民警查明：王某某（男，30岁）骗取8.5万元。"
    examples = list(plain.feature_extractor.normalize_text(text))
    feats = [plain.feature_extractor.get_node_features_idx(i, examples) for i in range(len(examples))]
    node, edge = getLogYY(feats, plain.model.n_tag, plain.model.n_feature * plain.model.n_tag, plain.model.w, 1.0)
    assert np.allclose(fast._node_scores(text), node, rtol=0, atol=1e-9)
    assert np.array_equal(fast._edge, edge)


def test_post_processing_is_pkuseg_s():
    words = {"派出所", "公安局", "金乡县公安局"}
    fast, plain = FastPostprocesser(None, None), spacy_pkuseg.Postprocesser(None, None)
    for post in (fast, plain):
        post.do_process, post.common_words, post.other_words = True, set(), set(words)
    for sent in (["兴隆", "派", "出所"], ["金乡县", "公安", "局", "派出所"], ["公安局"], [], ["金乡县", "公安局"]):
        assert fast(list(sent)) == plain(list(sent))


def test_empty_and_blank_text(segmenters):
    fast, _ = segmenters
    assert fast.cut("") == [] and fast.cut("   ") == []
    assert "".join(fast.cut("😀\x00 民警")) == "😀\x00民警"
