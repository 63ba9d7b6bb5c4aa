"""A lighter way back from ``nlp.pipe(n_process=N)`` workers for the jnpolice_ner pipeline.

spaCy sends every finished ``Doc`` from a worker to the parent as ``doc.to_bytes()``: 15 token
attributes, their strings and the user data, about 100 bytes per character. The parent rebuilds it
with ``Doc.from_bytes`` on its own core, which it shares with the workers; that was ≈ 10% of the
work and kept two processes under 1.7× one (docs/benchmarks.md). Our components only set the
tokens (they may split some), ``doc.ents`` and user data, so a worker here sends just that:
the words, their spaces, the entity spans and ``doc.user_data``. A doc with anything more
(``doc.spans``, ``doc.cats``, a tensor) goes back as spaCy's bytes. A pipeline with any other
component uses spaCy's own transport unchanged.

``JnChinese`` is ``spacy.lang.zh.Chinese`` with this one private method replaced; it follows
spaCy 3.7–3.8's ``Language._multiprocessing_pipe`` / ``_apply_pipes`` step by step (same ordering,
flow control, error handling), changing only what crosses the pipe.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, cycle
from typing import Any

import srsly
from spacy import util
from spacy.attrs import ENT_IOB, ORTH, SPACY
from spacy.errors import Errors, Warnings
from spacy.lang.zh import Chinese
from spacy.tokens import Doc, Span
from spacy.tokens.underscore import Underscore

try:  # private helpers of spacy.language (3.7, 3.8)
    from spacy.language import _WORK_DONE_SENTINEL, _Sender, _WorkDoneSentinel
except ImportError:  # pragma: no cover - another spaCy: use its own transport
    _Sender = None

#: the components whose output the compact form carries in full
OUR_COMPONENTS = frozenset(("jnpolice_ner_entity_ruler", "jnpolice_ner_statistical_ner"))


def pack(doc: Doc) -> tuple:
    """What the parent needs to rebuild ``doc``: ``("c", words, spaces, ents, user_data)`` (``ents``
    None when no token has an entity status), or ``("b", doc.to_bytes())`` when the doc carries more
    than tokens, entities and user data."""
    if len(doc.spans) or doc.cats or getattr(doc.tensor, "size", 0):
        return ("b", doc.to_bytes())
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SPACY, ENT_IOB]).tolist() if len(doc) else []
    missing = sum(1 for _, _, iob in rows if iob == 0)  # tokens whose entity status is unset
    if 0 < missing < len(rows):
        return ("b", doc.to_bytes())
    words = [strings[orth] for orth, _, _ in rows]
    spaces = [bool(space) for _, space, _ in rows]
    ents = None if missing else [(e.start, e.end, e.label_) for e in doc.ents]
    return ("c", words, spaces, ents, dict(doc.user_data))


def unpack(vocab: Any, packed: tuple) -> Doc:
    """The ``Doc`` that ``pack`` described.

    >>> from spacy.lang.zh import Chinese
    >>> nlp = Chinese()
    >>> doc = nlp("民警查明")
    >>> unpack(nlp.vocab, pack(doc)).text
    '民警查明'
    """
    if packed[0] == "b":
        return Doc(vocab).from_bytes(packed[1])
    _, words, spaces, ents, user_data = packed
    doc = Doc(vocab, words=words, spaces=spaces)
    if ents is not None:  # entities were set: the other tokens are "outside", as after ``doc.ents = …``
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    doc.user_data.update(user_data)
    return doc


def _apply_pipes_compact(ensure_doc: Callable, pipes: Iterable[Callable], receiver, sender,
                         underscore_state: tuple) -> None:
    """spaCy's worker loop (``spacy.language._apply_pipes``), sending ``pack``-ed docs."""
    Underscore.load_state(underscore_state)
    while True:
        try:
            texts_with_ctx = receiver.get()
            if isinstance(texts_with_ctx, _WorkDoneSentinel):
                sender.close()
                receiver.close()
                return
            docs = (ensure_doc(doc_like, context) for doc_like, context in texts_with_ctx)
            for pipe in pipes:
                docs = pipe(docs)
            packed = [(pickle.dumps(pack(doc), protocol=pickle.HIGHEST_PROTOCOL), doc._context, None)
                      for doc in docs]
            data = packed + [(None, None, None)] * (len(texts_with_ctx) - len(packed))
        except Exception:
            error_msg = [(None, None, srsly.msgpack_dumps(traceback.format_exc()))]
            data = error_msg + [(None, None, None)] * (len(texts_with_ctx) - 1)
        try:
            sender.send(data)
        except BrokenPipeError:
            sender.close()
            receiver.close()
            return


class JnChinese(Chinese):
    """``spacy.lang.zh.Chinese`` whose ``nlp.pipe(n_process=N)`` workers send compact docs."""

    def _multiprocessing_pipe(self, texts: Iterable[Any], pipes: Iterable[Callable], n_process: int,
                              batch_size: int) -> Iterator[Doc]:
        if _Sender is None or not set(self.pipe_names) <= OUR_COMPONENTS:
            yield from super()._multiprocessing_pipe(texts, pipes, n_process, batch_size)
            return

        def prepare_input(texts: Iterable[Any]) -> Iterator[tuple]:
            for doc_like in texts:
                if isinstance(doc_like, Doc):
                    yield (doc_like.to_bytes(), doc_like._context)
                else:
                    yield (doc_like, None)

        texts, raw_texts = itertools.tee(prepare_input(texts))
        texts_q = [mp.Queue() for _ in range(n_process)]
        bytedocs_recv_ch, bytedocs_send_ch = zip(*[mp.Pipe(False) for _ in range(n_process)], strict=True)
        sender = _Sender(util.minibatch(texts, batch_size), texts_q, chunk_size=n_process)
        sender.send()
        sender.send()
        procs = [
            mp.Process(target=_apply_pipes_compact,
                       args=(self._ensure_doc_with_context, pipes, rch, sch, Underscore.get_state()))
            for rch, sch in zip(texts_q, bytedocs_send_ch, strict=True)
        ]
        for proc in procs:
            proc.start()
        for tx in bytedocs_send_ch:
            tx.close()
        byte_tuples = chain.from_iterable(recv.recv() for recv in cycle(bytedocs_recv_ch))
        try:
            for i, (_, (byte_doc, context, byte_error)) in enumerate(zip(raw_texts, byte_tuples, strict=False), 1):
                if byte_doc is not None:
                    doc = unpack(self.vocab, pickle.loads(byte_doc))
                    doc._context = context
                    yield doc
                elif byte_error is not None:
                    error = srsly.msgpack_loads(byte_error)
                    self.default_error_handler(None, None, None, ValueError(Errors.E871.format(error=error)))
                if i % batch_size == 0:
                    sender.step()
        finally:
            for q in texts_q:
                q.put(_WORK_DONE_SENTINEL)
                q.close()
            for r in bytedocs_recv_ch:
                r.close()
            for proc in procs:
                proc.join()
            if not all(proc.exitcode == 0 for proc in procs):
                import warnings

                warnings.warn(Warnings.W127, stacklevel=2)
