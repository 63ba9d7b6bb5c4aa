"""The spaCy pipeline of ``jnpolice_ner.load()``: pkuseg tokenizer + the rules + the trained NER.

The tokenizer is spaCy's ``ChineseTokenizer`` with pkuseg, initialized from the segmentation
model shipped in ``jnpolice_ner/segmenter/`` (a pruned copy of pkuseg 0.0.25's default model,
see docs/model.md and scripts/build_segmenter.py) with the project's unit, place and
organisation lexicons as user dictionary. Nothing is loaded at import time and nothing is
ever fetched from the network. The statistical component (``jnpolice_ner/ner.py``, weights in
``jnpolice_ner/ner_model/``) follows the rules and only adds validated spans where they found none.

>>> nlp = get_pipeline()
>>> nlp.pipe_names
['jnpolice_ner_entity_ruler', 'jnpolice_ner_statistical_ner']
>>> [t.text for t in nlp("兴隆派出所民警")]
['兴隆', '派出所', '民警']
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

SEGMENTER_DIR = Path(__file__).resolve().parent / "segmenter"

#: Lexicons whose entries become pkuseg user-dictionary words (files in ``rules/lexicons/``):
#: (name, column or None for a .txt list, {column: allowed prefixes} row filter or None).
#: pkuseg forces these words greedily, left to right, without context, so only full names of
#: three or more characters are used (no short forms like 市中, which would split 城市中心).
USER_DICT_SOURCES: tuple[tuple[str, str | None, dict[str, tuple[str, ...]] | None], ...] = (
    ("admin_divisions", "name", {"level": ("province", "city", "county", "zone")}),
    ("admin_divisions", "name", {"level": ("town",), "parent": ("37",)}),  # Shandong towns
    ("place_extra", "name", None),
    ("place_world", "name", None),
    ("org_canonical", "alias", None),
    ("org_government", "alias", None),
    ("unit_function", None, None),
    ("unit_area_generic", None, None),
    ("unit_names", None, None),
    ("case_terms", None, None),
)
#: Lexicons of words that must NOT be forced as tokens (ambiguous short place names).
USER_DICT_EXCLUDE: tuple[str, ...] = ("place_short_common",)
USER_DICT_MIN_LEN = 3

_LOCK = threading.Lock()


def _is_han_word(word: str) -> bool:
    """A user-dictionary word: 2–16 CJK characters.

    >>> _is_han_word("兴隆派出所"), _is_han_word("王"), _is_han_word("110指挥中心")
    (True, False, False)
    """
    return 2 <= len(word) <= 16 and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def _lexicon_words(directory: Path, name: str, column: str | None, where: dict | None) -> list[str]:
    """Entries of ``<name>.txt``, or the ``column`` of the ``<name>.tsv`` rows that pass ``where``.

    Same file format as ``RuleSet.lexicon`` / ``RuleSet.table`` (``#`` comments, a header row),
    read directly so that building the tokenizer does not parse every rule file. A missing
    file gives no words.
    """
    path = directory / (name + (".txt" if column is None else ".tsv"))
    if not path.is_file():
        return []
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    if column is None:
        return [ln.strip() for ln in lines]
    header = lines[0].split("\t") if lines else []
    if column not in header:
        return []
    col = header.index(column)
    tests = [(header.index(k), v) for k, v in (where or {}).items() if k in header]
    out = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        if len(cells) == len(header) and all(cells[i].startswith(v) for i, v in tests):
            out.append(cells[col].strip())
    return out


def user_dictionary(directory: str | os.PathLike | None = None) -> list[str]:
    """Sorted user-dictionary words from the lexicons of ``USER_DICT_SOURCES`` that exist.

    >>> words = user_dictionary()
    >>> all(len(w) >= USER_DICT_MIN_LEN for w in words)
    True
    """
    from .ruleset import rules_dir

    lex = Path(directory) if directory is not None else rules_dir() / "lexicons"
    words: set[str] = set()
    for name, column, where in USER_DICT_SOURCES:
        words.update(_lexicon_words(lex, name, column, where))
    for name in USER_DICT_EXCLUDE:
        words.difference_update(_lexicon_words(lex, name, None, None))
    return sorted(w for w in words if len(w) >= USER_DICT_MIN_LEN and _is_han_word(w))


@functools.lru_cache(maxsize=2)
def _model_arrays(directory: str) -> tuple[dict[str, int], frozenset[str], Any, Any, dict]:
    """The shipped model, inflated once per process: features, words, node weights (one row per
    feature plus a last zero row for "no feature"), transition weights, meta."""
    import numpy as np

    path = Path(directory)
    meta = json.loads((path / "meta.json").read_text("utf-8"))
    names = gzip.decompress((path / "features.txt.gz").read_bytes()).decode("utf-8").split("\n")
    feature_to_idx = dict(zip(names, range(len(names)), strict=True))
    unigram = frozenset(gzip.decompress((path / "unigram.txt.gz").read_bytes()).decode("utf-8").split("\n"))
    n_tag = int(meta["n_tag"])
    with np.load(path / "weights.npz", allow_pickle=False) as npz:
        rel, over_pos, over_val, trans = npz["rel"], npz["over_pos"], npz["over_val"], npz["transitions"]
    if rel.shape != (len(names), n_tag - 1) or trans.shape != (n_tag * n_tag,):
        raise ValueError(f"segmenter model in {path} is inconsistent: {rel.shape} vs {len(names)} features")
    node = np.zeros((len(names) + 1, n_tag), dtype=np.float64)
    node[:-1, 1:] = rel
    if len(over_pos):  # the few weights beyond int16
        rows, cols = np.divmod(over_pos, n_tag - 1)
        node[rows, cols + 1] = over_val
    node /= float(meta["scale"])
    node.setflags(write=False)
    transitions = np.asarray(trans, dtype=np.float64) / float(meta["scale"])
    transitions.setflags(write=False)
    return feature_to_idx, unigram, node, transitions, meta


@functools.lru_cache(maxsize=1)
def _model_class() -> type:
    """``spacy_pkuseg``'s ``Model`` whose flat weight vector ``w`` is built only when asked for
    (by ``to_disk``): ``FastPkuseg`` reads ``node_ext`` and ``transitions`` instead."""
    from spacy_pkuseg.model import Model

    class ShippedModel(Model):
        @property
        def w(self) -> Any:
            import numpy as np

            return np.concatenate([self.node_ext[:-1].ravel(), self.transitions])

    return ShippedModel


def load_segmenter(directory: str | os.PathLike = SEGMENTER_DIR, user_words: Iterable[str] = ()) -> Any:
    """A pkuseg segmenter (``pkuseg_fast.FastPkuseg``) from the compressed model files in ``directory``.

    >>> seg = load_segmenter(user_words=["兴隆派出所"])
    >>> seg.cut("兴隆派出所民警")
    ['兴隆派出所', '民警']
    """
    import spacy_pkuseg
    from spacy_pkuseg.feature_extractor import FeatureExtractor

    from .pkuseg_fast import FastPkuseg

    feature_to_idx, unigram, node, transitions, meta = _model_arrays(str(Path(directory).resolve()))
    seg = spacy_pkuseg.pkuseg.__new__(spacy_pkuseg.pkuseg)
    seg.postag = False
    seg.preprocesser = spacy_pkuseg.Preprocesser(list(user_words))
    # pkuseg's own "default" post-processing dictionary ships inside spacy_pkuseg
    default_dict = os.path.join(os.path.dirname(spacy_pkuseg.__file__), "dicts", "default.pkl")
    seg.postprocesser = spacy_pkuseg.Postprocesser(None, [default_dict])
    fe = FeatureExtractor.__new__(FeatureExtractor)
    fe.unigram = set(unigram)  # a set, as spacy_pkuseg's own feature extractor requires
    fe.bigram = set()  # not used at inference
    fe.feature_to_idx = feature_to_idx
    fe.tag_to_idx = dict(meta["tag_to_idx"])
    seg.feature_extractor = fe
    model = _model_class().__new__(_model_class())
    model.n_tag = int(meta["n_tag"])
    model.n_feature = len(feature_to_idx)
    model.n_transition_feature = model.n_tag * (model.n_feature + model.n_tag)
    model.node_ext, model.transitions = node, transitions
    seg.model = model
    seg.idx_to_tag = {idx: tag for tag, idx in fe.tag_to_idx.items()}
    seg.n_feature = model.n_feature
    seg.n_tag = model.n_tag
    return FastPkuseg.wrap(seg)


def _fast_msgpack_registries() -> None:
    """Make srsly's msgpack plugin lookup cheap (it runs on every ``doc.to_bytes``/``from_bytes``).

    srsly's msgpack encoders/decoders are catalogue registries: every call scans the installed
    distributions' entry points and copies catalogue's global registry (≈ 1 ms each). With
    ``nlp.pipe(n_process=2)`` the parent deserializes every doc, and this cost made two processes
    slower than one. Here the entry-point scan is switched off when no installed package declares
    such a plugin (same result), and ``get_all`` is cached until something new is registered.
    """
    try:
        import catalogue
        from srsly.msgpack import msgpack_decoders, msgpack_encoders
    except ImportError:  # pragma: no cover
        return
    for reg in (msgpack_encoders, msgpack_decoders):
        if getattr(reg, "_jn_cached", False):
            continue
        if getattr(reg, "entry_points", False) and not reg.get_entry_points():
            reg.entry_points = False
        if reg.entry_points:
            continue
        original = reg.get_all
        cache: dict[str, Any] = {"size": -1, "value": None}

        def get_all(original=original, cache=cache) -> dict:
            size = len(catalogue.REGISTRY)
            if size != cache["size"]:
                cache["value"], cache["size"] = original(), size
            return cache["value"]

        reg.get_all = get_all
        reg._jn_cached = True


def pipeline_config() -> dict:
    """The spaCy config overrides of the pipeline (tokenizer registered in ``factories``)."""
    from .factories import TOKENIZER

    return {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER, "segmenter": "pkuseg"}}}


def build_pipeline(user_words: Iterable[str] | None = None, statistical: bool = True) -> Language:
    """A new ``spacy.lang.zh.Chinese`` pipeline: pkuseg tokenizer + ``jnpolice_ner_entity_ruler``
    (+ ``jnpolice_ner_statistical_ner`` unless ``statistical=False``)."""
    from spacy.lang.zh import Chinese

    from .factories import ENTITY_RULER, STATISTICAL_NER
    from .transport import JnChinese

    _fast_msgpack_registries()
    nlp = Chinese.from_config(pipeline_config())
    nlp.__class__ = JnChinese  # Chinese, with a lighter return path from nlp.pipe(n_process=N) workers
    words = user_dictionary() if user_words is None else list(user_words)
    nlp.tokenizer.pkuseg_seg = load_segmenter(user_words=words)
    nlp.add_pipe(ENTITY_RULER)
    if statistical:
        nlp.add_pipe(STATISTICAL_NER, after=ENTITY_RULER)
    nlp.meta["name"] = "jnpolice_ner"
    from . import __version__

    nlp.meta["version"] = __version__
    return nlp


_PIPELINES: dict[bool, Language] = {}


def get_pipeline(statistical: bool = True) -> Language:
    """The process-wide pipeline, built on first use (``jnpolice_ner.load()``); one per variant."""
    nlp = _PIPELINES.get(statistical)
    if nlp is None:
        with _LOCK:
            nlp = _PIPELINES.get(statistical)
            if nlp is None:
                nlp = _PIPELINES[statistical] = build_pipeline(statistical=statistical)
    return nlp


def make_doc(nlp: Language, text: str, issue_date: Any = None) -> Doc:
    """A tokenized Doc carrying ``issue_date``, ready for ``nlp(doc)`` or ``nlp.pipe(docs)``.

    >>> nlp = get_pipeline()
    >>> doc = nlp(make_doc(nlp, "7月22日中午，他被骗1万元。", "2016-08-20"))
    >>> [(e.label_, e._.jn_entity.value.get("iso")) for e in doc.ents][0]
    ('DATE', '2016-07-22')
    """
    doc = nlp.make_doc(text)
    doc._.issue_date = issue_date
    return doc
