"""Every spaCy registration of the package: the tokenizer, the rule component, the extensions.

Importing this module (``jnpolice_ner.load()`` does) registers:

- the tokenizer ``jnpolice_ner.pkuseg_tokenizer.v1``: spaCy's ``ChineseTokenizer`` with the
  pkuseg segmenter, whose ``initialize`` reads the model shipped in ``jnpolice_ner/segmenter/``
  (never the network) and the project's lexicons as user dictionary;
- the component ``jnpolice_ner_entity_ruler`` (spaCy allows no "." in factory names): runs ``recognizer.find_candidates`` on
  ``doc.text`` (with ``doc._.issue_date``) and sets ``doc.ents``; the exact entities, with values
  and roles, are in ``doc._.jn_entities``;
- the component ``jnpolice_ner_statistical_ner``: adds the trained NER's validated proposals where
  the rules found nothing (explanation ``ner.statistical``); ``load()`` puts it after the rules;
- ``Doc._.issue_date`` (``date``, ISO string or None), ``Doc._.jn_entities`` (a list of
  ``jnpolice_ner.models.Entity``, computed from the JSON-safe ``Doc._.jn_entity_data``, so docs
  survive ``to_bytes`` and ``nlp.pipe(n_process=2)``) and ``Span._.jn_entity`` (the entity a
  ``doc.ents`` span stands for).

>>> from spacy.lang.zh import Chinese
>>> nlp = Chinese()                       # character tokenizer: boundaries fall inside no token
>>> _ = nlp.add_pipe("jnpolice_ner_entity_ruler")
>>> doc = nlp("民警查明，他被骗走8万余元。")
>>> [(e.text, e.label_) for e in doc.ents], doc._.jn_entities[0].value["amount"]
([('8万余元', 'MONEY')], 80000)
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from bisect import bisect_left, bisect_right
from typing import Any

from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, get_words_and_spaces, registry

from .models import Entity

log = logging.getLogger("jnpolice_ner")
_SURROGATE = re.compile("[\ud800-\udfff]")

ENTITY_RULER = "jnpolice_ner_entity_ruler"  # spaCy forbids "." in factory names
STATISTICAL_NER = "jnpolice_ner_statistical_ner"
TOKENIZER = "jnpolice_ner.pkuseg_tokenizer.v1"


# --------------------------------------------------------------------------- extensions

def _get_entities(doc: Doc) -> list[Entity]:
    return [Entity(**d) for d in doc._.jn_entity_data or ()]


def _get_span_entity(span: Span) -> Entity | None:
    """The entity whose characters the span covers (the span may be wider after ``expand``)."""
    best = None
    for e in span.doc._.jn_entities:
        if e.label == span.label_ and span.start_char <= e.start and e.end <= span.end_char:
            if best is None or e.end - e.start > best.end - best.start:
                best = e
    return best


def register_extensions() -> None:
    """Idempotent: set the Doc/Span extensions once per process."""
    if not Doc.has_extension("issue_date"):
        Doc.set_extension("issue_date", default=None)
    if not Doc.has_extension("jn_entity_data"):
        Doc.set_extension("jn_entity_data", default=None)
    if not Doc.has_extension("jn_entities"):
        Doc.set_extension("jn_entities", getter=_get_entities)
    if not Span.has_extension("jn_entity"):
        Span.set_extension("jn_entity", getter=_get_span_entity)


register_extensions()


# --------------------------------------------------------------------------- tokenizer

class JnChineseTokenizer(ChineseTokenizer):
    """``ChineseTokenizer`` (pkuseg) that initializes from the in-package segmentation model.

    ``pkuseg_model`` None or ``"jnpolice_ner"`` means the shipped model; any other value is
    handed to spaCy's own loader (a directory in pkuseg's format).
    """

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model=None, pkuseg_user_dict="default"):
        if self.segmenter == Segmenter.pkuseg and pkuseg_model in (None, "jnpolice_ner"):
            from .pipeline import load_segmenter, user_dictionary

            words = user_dictionary() if pkuseg_user_dict in ("default", "jnpolice_ner") else []
            self.pkuseg_seg = load_segmenter(user_words=words)
            return
        super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)
        self._use_fast_segmenter()

    def __call__(self, text: str) -> Doc:
        """Segment with pkuseg; if the segmenter fails on a text, log a warning and fall back to
        one token per character, so the document still gets its rule entities (never lost)."""
        if isinstance(text, str) and _SURROGATE.search(text):
            # spaCy stores strings as UTF-8, which a lone surrogate cannot be: replace each by U+FFFD,
            # one code point for one, so every offset into the caller's text stays valid
            log.warning("a %d-char text has lone surrogate code points; each is read as U+FFFD", len(text))
            text = _SURROGATE.sub("\ufffd", text)
        try:
            return super().__call__(text)
        except Exception as exc:
            if not isinstance(text, str):
                raise
            log.warning("segmenter failed on a %d-char text (%s); using one token per character",
                        len(text), exc)
            words, spaces = get_words_and_spaces(list(text), text)
            return Doc(self.vocab, words=words, spaces=spaces)

    def _use_fast_segmenter(self) -> None:
        """Run a plain ``spacy_pkuseg.pkuseg`` (one read back by ``from_disk``) through ``FastPkuseg``:
        same words, several times faster."""
        from .pkuseg_fast import FastPkuseg

        if self.pkuseg_seg is not None and not isinstance(self.pkuseg_seg, FastPkuseg):
            self.pkuseg_seg = FastPkuseg.wrap(self.pkuseg_seg)

    def from_disk(self, path, **kwargs):
        out = super().from_disk(path, **kwargs)
        self._use_fast_segmenter()
        return out

    def from_bytes(self, data, **kwargs):
        out = super().from_bytes(data, **kwargs)
        self._use_fast_segmenter()
        return out


@registry.tokenizers(TOKENIZER)
def create_jn_tokenizer(segmenter: str = "pkuseg"):
    def tokenizer_factory(nlp: Language) -> JnChineseTokenizer:
        return JnChineseTokenizer(nlp.vocab, segmenter=segmenter)

    return tokenizer_factory


# --------------------------------------------------------------------------- rule component

def _iso(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"doc._.issue_date must be a date or an ISO string, not {type(value).__name__}")


class EntityRulerComponent:
    """Sets ``doc.ents`` from the rule path; see the module docstring.

    ``align="split"`` (default) splits tokens at entity boundaries that fall inside a token, so
    ``doc.ents`` has the entities' exact offsets; ``align="expand"`` keeps the tokens and widens
    each span to whole tokens (overlaps are then resolved longest-first). Either way
    ``doc._.jn_entities`` keeps the exact character offsets.
    """

    def __init__(self, name: str = ENTITY_RULER, align: str = "split"):
        if align not in ("split", "expand"):
            raise ValueError(f"align must be 'split' or 'expand', not {align!r}")
        self.name = name
        self.align = align

    def __call__(self, doc: Doc) -> Doc:
        from .recognizer import find_candidates, to_entity

        issue = _iso(doc._.issue_date)
        doc._.issue_date = issue  # a plain string survives doc.to_bytes
        text = doc_text(doc)
        cands = find_candidates(text, issue_date=issue)
        ents = [to_entity(c, text) for c in cands]
        doc._.jn_entity_data = [e.model_dump(mode="json") for e in ents]
        _set_ents(doc, ents, self.align)
        return doc


def _set_ents(doc: Doc, ents: list[Entity], align: str) -> None:
    """Make ``doc.ents`` the spans of ``ents`` (splitting tokens at boundaries when ``align='split'``)."""
    if align == "split":
        _split_at(doc, {p for e in ents for p in (e.start, e.end)})
    starts, ends = _token_offsets(doc)
    spans = []
    for e in ents:
        i = bisect_right(starts, e.start) - 1  # token holding the first character
        j = bisect_left(ends, e.end)  # token holding the last character
        if 0 <= i <= j < len(starts):
            spans.append(Span(doc, i, j + 1, label=e.label))
    doc.ents = filter_spans(spans)


class StatisticalNerComponent:
    """Adds what the trained NER finds where the rules found nothing (``jnpolice_ner.ner``).

    Runs after ``jnpolice_ner_entity_ruler``; each added entity's explanation is
    ``ner.statistical``. A failure of the model leaves the rule entities untouched (logged).
    """

    def __init__(self, name: str = STATISTICAL_NER, align: str = "split"):
        self.name = name
        self.align = align

    def _apply(self, doc: Doc, rule_entities: list[Entity], added: list[Entity]) -> Doc:
        if not added:
            return doc
        ents = sorted([*rule_entities, *added], key=lambda e: e.start)
        doc._.jn_entity_data = [e.model_dump(mode="json") for e in ents]
        _set_ents(doc, ents, self.align)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        from .ner import propose

        rules = doc._.jn_entities  # built from the JSON-safe data on every read: read it once
        return self._apply(doc, rules, propose(doc_text(doc), rules))

    def pipe(self, docs, batch_size: int = 64):
        from .ner import propose_many

        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._pipe_batch(batch, propose_many)
                batch = []
        if batch:
            yield from self._pipe_batch(batch, propose_many)

    def _pipe_batch(self, batch: list[Doc], propose_many) -> list[Doc]:
        rules = [d._.jn_entities for d in batch]  # built from the JSON-safe data on every read
        added = propose_many([doc_text(d) for d in batch], rules)
        return [self._apply(d, r, a) for d, r, a in zip(batch, rules, added, strict=True)]


def doc_text(doc: Doc) -> str:
    """``doc.text``, read from the token array (``doc.text`` makes a Token object per token).

    >>> from spacy.lang.zh import Chinese
    >>> doc_text(Chinese()("民警 查明"))
    '民警 查明'
    """
    if not len(doc):
        return ""
    strings = doc.vocab.strings
    return "".join([strings[orth] + " " if space else strings[orth]
                    for orth, space in doc.to_array([ORTH, SPACY]).tolist()])


def _token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character offsets of every token (without creating Token objects)."""
    if not len(doc):
        return [], []
    arr = doc.to_array([IDX, LENGTH])
    return arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist()


def _split_at(doc: Doc, cuts: set[int]) -> None:
    """Split every token that a character offset in ``cuts`` falls strictly inside."""
    starts, ends = _token_offsets(doc)
    inside: dict[int, list[int]] = {}
    for c in sorted(cuts):
        i = bisect_right(starts, c) - 1
        if i >= 0 and starts[i] < c < ends[i]:
            inside.setdefault(i, []).append(c)
    if not inside:
        return
    text = doc_text(doc)
    with doc.retokenize() as retok:
        for i, inner in inside.items():
            tok = doc[i]
            bounds = [starts[i], *inner, ends[i]]
            orths = [text[x:y] for x, y in zip(bounds, bounds[1:], strict=False)]
            retok.split(tok, orths, heads=[(tok, 0)] * len(orths))


@Language.factory(ENTITY_RULER, default_config={"align": "split"})
def make_entity_ruler(nlp: Language, name: str, align: str) -> EntityRulerComponent:
    return EntityRulerComponent(name, align)


@Language.factory(STATISTICAL_NER, default_config={"align": "split"})
def make_statistical_ner(nlp: Language, name: str, align: str) -> StatisticalNerComponent:
    return StatisticalNerComponent(name, align)
