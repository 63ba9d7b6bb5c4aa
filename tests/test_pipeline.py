"""The spaCy pipeline of ``jnpolice_ner.load()``: shipped pkuseg model, rule component, serialization.

Only the model shipped in ``jnpolice_ner/segmenter/`` is used (never the full pkuseg model, never
the network). Texts are our own, in the style of police news.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy
from spacy.lang.zh import Chinese, ChineseTokenizer

import jnpolice_ner
from jnpolice_ner import factories, pipeline
from jnpolice_ner.models import Entity

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "7月22日中午，金乡县公安局兴隆派出所接到报警，李某称被人骗走8万余元。",
    "民警查明，嫌疑人王某某通过网络冒充客服，先后骗取受害人3.5万元。",
    "近日，嘉祥县公安局破获一起盗窃电动车案，抓获犯罪嫌疑人2名。",
    "",
    "   ",
    "😀\x00\x07 abc 123",
]


@pytest.fixture(scope="module")
def nlp():
    return jnpolice_ner.load()


def run_py(code: str) -> str:
    """Run ``code`` in a fresh interpreter (the pipeline is cached per process)."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_load_is_a_chinese_pkuseg_pipeline(nlp):
    assert isinstance(nlp, Chinese)
    assert isinstance(nlp.tokenizer, ChineseTokenizer)
    assert nlp.tokenizer.segmenter == "pkuseg"
    assert nlp.pipe_names == [factories.ENTITY_RULER, factories.STATISTICAL_NER]
    assert jnpolice_ner.load() is nlp  # built once per process


def test_shipped_model_files_are_small_and_consistent():
    seg_dir = pipeline.SEGMENTER_DIR
    files = {p.name: p.stat().st_size for p in seg_dir.iterdir() if p.is_file()}
    assert {"features.txt.gz", "unigram.txt.gz", "weights.npz", "meta.json"} <= set(files)
    assert sum(files.values()) <= 25 * 2**20
    meta = json.loads((seg_dir / "meta.json").read_text("utf-8"))
    feature_to_idx, unigram, node, transitions, _ = pipeline._model_arrays(str(seg_dir))
    assert len(feature_to_idx) == meta["n_features"]
    assert node.shape == (meta["n_features"] + 1, meta["n_tag"])  # + the zero row of "no feature"
    assert not node[-1].any()
    assert transitions.shape == (meta["n_tag"] ** 2,)
    assert feature_to_idx["$$"] == feature_to_idx.get("$$", -1)  # the always-on feature is kept


def test_segmentation_is_sensible(nlp):
    words = [t.text for t in nlp.make_doc("警方提醒广大群众提高防范意识")]
    assert words[:2] == ["警方", "提醒"]
    assert "".join(words) == "警方提醒广大群众提高防范意识"


def test_user_dictionary_words_stay_whole():
    seg = pipeline.load_segmenter(user_words=["兴隆派出所"])
    assert seg.cut("兴隆派出所民警") == ["兴隆派出所", "民警"]


def test_user_dictionary_reads_lexicons(tmp_path):
    (tmp_path / "unit_function.txt").write_text("# source: ours\n刑侦\n经济犯罪侦查\n", "utf-8")
    (tmp_path / "admin_divisions.tsv").write_text(
        "# a comment\ncode\tname\tlevel\tparent\n370828\t金乡县\tcounty\t370800\n"
        "\t鸡黍镇\ttown\t370828\n\t华亭镇\ttown\t310114\n", "utf-8")
    (tmp_path / "place_short_common.txt").write_text("金乡县\n", "utf-8")
    words = pipeline.user_dictionary(tmp_path)
    # 2-character words are too risky to force; non-Shandong towns and excluded words are left out
    assert words == ["经济犯罪侦查", "鸡黍镇"]
    assert pipeline.user_dictionary(tmp_path / "missing") == []


@pytest.mark.parametrize("text", TEXTS)
def test_ents_have_the_exact_entity_offsets(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    exact = [(e.start, e.end, e.label) for e in doc._.jn_entities]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.ents] == exact
    for e in doc._.jn_entities:
        assert isinstance(e, Entity) and e.text == text[e.start:e.end] and e.explanation
    for span in doc.ents:
        assert span._.jn_entity is not None and span._.jn_entity.text == span.text


def test_same_entities_as_extract_entities(nlp):
    for text in TEXTS:
        want = [(e.label, e.start, e.end, e.value) for e in jnpolice_ner.extract_entities(text)]
        assert [(e.label, e.start, e.end, e.value) for e in nlp(text)._.jn_entities] == want


def test_expand_alignment_keeps_exact_offsets_aside():
    nlp = Chinese()  # character tokens: also check with tokens that are too coarse
    nlp.add_pipe(factories.ENTITY_RULER, config={"align": "expand"})
    words = ["民警", "查明他被骗走8万余", "元。"]
    doc = spacy.tokens.Doc(nlp.vocab, words=words, spaces=[False] * 3)
    doc = nlp(doc)
    (ent,) = doc._.jn_entities
    assert (ent.label, ent.text) == ("MONEY", "8万余元")
    (span,) = doc.ents
    assert span.start_char <= ent.start and ent.end <= span.end_char and span.label_ == "MONEY"
    assert len(doc) == 3  # tokens untouched


def test_split_alignment_splits_only_inside_tokens(nlp):
    doc = nlp.make_doc("他被骗走8万余元。")
    before = len(doc)
    doc = nlp(doc)
    assert len(doc) >= before
    assert "".join(t.text_with_ws for t in doc) == "他被骗走8万余元。"
    assert [s.text for s in doc.ents] == ["8万余元"]


def test_issue_date_reaches_the_rules(nlp):
    text = "7月22日中午，李某报警称被骗1万元。"
    for issue in ("2016-08-20", dt.date(2016, 8, 20)):
        doc = nlp(pipeline.make_doc(nlp, text, issue))
        date = next(e for e in doc._.jn_entities if e.label == "DATE")
        assert date.value["iso"] == "2016-07-22"
        assert doc._.issue_date == "2016-08-20"
    with pytest.raises(TypeError):
        nlp(pipeline.make_doc(nlp, text, 20160820))


def test_to_disk_from_disk_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert isinstance(loaded, Chinese) and loaded.pipe_names == nlp.pipe_names
    for text in TEXTS[:3]:
        a, b = nlp(text), loaded(text)
        assert [t.text for t in a] == [t.text for t in b]
        assert [(e.start_char, e.end_char, e.label_) for e in a.ents] == [
            (e.start_char, e.end_char, e.label_) for e in b.ents
        ]
    again = pipeline.build_pipeline(user_words=[]).from_disk(tmp_path / "model")
    assert [t.text for t in again.make_doc(TEXTS[0])] == [t.text for t in nlp.make_doc(TEXTS[0])]


def test_saved_pipeline_loads_without_importing_the_package(nlp, tmp_path):
    """The entry points of pyproject.toml let spaCy find our tokenizer and components by name."""
    nlp.to_disk(tmp_path / "model")
    out = run_py(f"""
        import sys
        import spacy
        nlp = spacy.load({str(tmp_path / "model")!r})
        doc = nlp("7月22日，金乡县公安局兴隆派出所民警查明，李某被骗走8万余元。")
        print(type(nlp.tokenizer.pkuseg_seg).__name__, "jnpolice_ner.factories" in sys.modules)
        print([(e.text, e.label_) for e in doc.ents if e.label_ == "MONEY"])
    """)
    first, second = out.strip().splitlines()[-2:]
    assert first == "FastPkuseg True"
    assert second == "[('8万余元', 'MONEY')]"


def test_doc_bytes_round_trip(nlp):
    doc = nlp(TEXTS[0])
    back = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert back._.jn_entities == doc._.jn_entities
    assert [e.explanation for e in back._.jn_entities] == [e.explanation for e in doc._.jn_entities]


def test_pipe_with_two_processes_matches_one(nlp):
    texts = TEXTS * 3

    def key(docs):
        return [([t.text for t in d], [(e.start, e.end, e.label, e.value) for e in d._.jn_entities]) for d in docs]

    assert key(nlp.pipe(texts, n_process=2, batch_size=4)) == key(nlp.pipe(texts))


def test_ner_can_follow_the_rules():
    nlp = pipeline.build_pipeline(user_words=[], statistical=False)
    ner = nlp.add_pipe("ner", after=factories.ENTITY_RULER)
    for label in ("UNIT", "PERSON", "MONEY", "DATE", "PLACE", "ORG", "CASE_TYPE"):
        ner.add_label(label)
    nlp.initialize()  # re-initializes the tokenizer from the shipped model, offline
    assert nlp.pipe_names == [factories.ENTITY_RULER, "ner"]
    assert nlp.tokenizer.pkuseg_seg is not None
    doc = nlp("民警查明，他被骗走8万余元。")
    assert ("8万余元", "MONEY") in [(e.text, e.label_) for e in doc.ents]


def test_import_loads_nothing():
    out = run_py("""
        import sys
        import jnpolice_ner
        print(sorted(m for m in ("spacy", "spacy_pkuseg", "numpy") if m in sys.modules))
    """)
    assert out.strip() == "[]"


def test_load_needs_no_network():
    out = run_py("""
        import socket
        def _no_network(*args, **kwargs):
            raise OSError("network access attempted")
        class _NoNetSocket(socket.socket):
            connect = connect_ex = sendto = _no_network
        socket.socket = _NoNetSocket
        socket.create_connection = socket.getaddrinfo = _no_network
        import jnpolice_ner
        nlp = jnpolice_ner.load()
        print([t.text for t in nlp("兴隆派出所民警")])
    """)
    assert "派出所" in out


def test_statistical_ner_adds_what_rules_missed():
    nlp = jnpolice_ner.load()
    text = "王秀英和李建华一起来到现场。"
    assert not [e for e in jnpolice_ner.extract_entities(text) if e.label == "PERSON"]
    doc = nlp(text)
    found = {(e.text, e.label_, e._.jn_entity.explanation) for e in doc.ents}
    assert ("王秀英", "PERSON", "ner.statistical") in found
    with_ner = jnpolice_ner.extract_entities(text, use_ner=True)
    assert "王秀英" in [e.text for e in with_ner if e.label == "PERSON"]


def test_load_without_ner_is_rules_only():
    nlp = jnpolice_ner.load(ner=False)
    assert nlp.pipe_names == [factories.ENTITY_RULER]
    assert jnpolice_ner.load(ner=False) is nlp and jnpolice_ner.load() is not nlp
    assert [e.text for e in nlp("王秀英和李建华一起来到现场。").ents] == []


def test_a_segmenter_failure_keeps_the_document(nlp, monkeypatch, caplog):
    """A text that makes pkuseg fail is tokenized character by character, with a warning: the
    rules still run on it and nothing is lost."""
    def boom(text):
        raise RuntimeError("segmenter exploded")

    monkeypatch.setattr(nlp.tokenizer.pkuseg_seg, "cut", boom)
    with caplog.at_level("WARNING", logger="jnpolice_ner"):
        docs = list(nlp.pipe([TEXTS[0], TEXTS[1]]))
    assert "segmenter failed" in caplog.text
    assert [d.text for d in docs] == TEXTS[:2]
    assert all(len(t) == 1 for t in docs[0] if not t.ent_type_)
    assert ("8万余元", "MONEY") in [(e.text, e.label_) for e in docs[0].ents]


def test_lone_surrogates_keep_offsets(nlp):
    """spaCy cannot store a lone surrogate: it is read as U+FFFD, so offsets into the text hold."""
    text = "\ud800民警查明，他被骗走8万余元。\udfff"
    doc = nlp(text)
    assert len(doc.text) == len(text) and doc.text[1:-1] == text[1:-1]
    money = [e for e in doc._.jn_entities if e.label == "MONEY"]
    assert [text[e.start:e.end] for e in money] == ["8万余元"]
    assert len(list(nlp.pipe([text, "民警", text], n_process=2))) == 3


def _doc_key(doc):
    return ([(t.text, t.whitespace_, t.ent_iob_, t.ent_type_) for t in doc],
            [(e.start_char, e.end_char, e.label_) for e in doc.ents],
            doc._.issue_date, doc._.jn_entity_data)


def test_two_process_docs_equal_one_process_docs_on_our_pages(nlp):
    """The compact transport (jnpolice_ner.transport) gives the parent the same docs as one process."""
    texts = [ln for p in sorted((ROOT / "corpus" / "pages").glob("*.txt"))
             for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    docs = [pipeline.make_doc(nlp, t, "2016-08-20") for t in texts]
    one = [_doc_key(d) for d in nlp.pipe([pipeline.make_doc(nlp, t, "2016-08-20") for t in texts])]
    two = [_doc_key(d) for d in nlp.pipe(docs, n_process=2, batch_size=16)]
    assert len(one) == len(texts) > 80
    assert two == one


def test_transport_falls_back_to_bytes_and_to_spacy():
    from jnpolice_ner import transport

    plain = Chinese()
    doc = plain("民警查明")
    doc.spans["x"] = [doc[0:1]]
    assert transport.pack(doc)[0] == "b"  # more than tokens, ents, user data: spaCy's bytes
    back = transport.unpack(plain.vocab, transport.pack(doc))
    assert [s.text for s in back.spans["x"]] == [doc[0:1].text]
    mixed = pipeline.build_pipeline(user_words=[])
    mixed.add_pipe("sentencizer")  # a component we do not know: spaCy's own transport
    texts = ["民警查明。他被骗走8万余元。", "民警赶到现场。"]
    assert [_doc_key(d) for d in mixed.pipe(texts, n_process=2)] == [_doc_key(d) for d in mixed.pipe(texts)]
    assert [[s.text for s in d.sents] for d in mixed.pipe(texts, n_process=2)][0] == ["民警查明。", "他被骗走8万余元。"]


def test_two_processes_keep_input_order_when_batches_finish_out_of_order(nlp):
    """Workers take batches from one queue, so a long batch can finish after later short ones;
    the parent still yields the docs in input order."""
    long_text = "民警查明，他被骗走8万余元。" * 400
    texts = [long_text if i % 7 == 0 else f"第{i}号：民警赶到现场。" for i in range(60)]
    docs = list(nlp.pipe(texts, n_process=2, batch_size=3))
    assert [d.text for d in docs] == texts


def test_two_processes_stop_cleanly_when_the_caller_stops_early(nlp):
    import multiprocessing as mp

    gen = nlp.pipe(["民警查明，他被骗走8万余元。"] * 200, n_process=2, batch_size=2)
    assert next(gen).text == "民警查明，他被骗走8万余元。"
    gen.close()
    assert not [p for p in mp.active_children() if p.is_alive()]


def test_a_worker_error_reaches_the_parent_error_handler(nlp, monkeypatch):
    """A batch that raises in a worker (here: packing a doc) is reported as spaCy reports it (E871)."""
    from jnpolice_ner import transport

    real_pack = transport.pack

    def pack(doc):
        if "坏" in doc.text:
            raise RuntimeError("cannot pack")
        return real_pack(doc)

    monkeypatch.setattr(transport, "pack", pack)  # workers are forked: they see the patch
    with pytest.raises(ValueError, match="cannot pack"):
        list(nlp.pipe(["民警查明。", "坏", "民警赶到。"], n_process=2, batch_size=1))
