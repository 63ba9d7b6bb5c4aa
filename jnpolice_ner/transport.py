"""A lighter way back from ``nlp.pipe(n_process=N)`` workers for the jnpolice_ner pipeline.

spaCy sends every finished ``Doc`` from a worker to the parent as ``doc.to_bytes()``: 15 token
attributes, their strings and the user data, about 100 bytes per character. The parent rebuilds it
with ``Doc.from_bytes`` on its own core, which it shares with the workers; that was ≈ 10% of the
work and kept two processes under 1.7× one (docs/benchmarks.md). Our components only set the
tokens (they may split some), ``doc.ents`` and user data, so a worker here sends just that:
the words, their spaces, the entity spans and ``doc.user_data``. A doc with anything more
(``doc.spans``, ``doc.cats``, a tensor) goes back as spaCy's bytes. A pipeline with any other
component uses spaCy's own transport unchanged.

``JnChinese`` is ``spacy.lang.zh.Chinese`` with this one private method replaced. It keeps spaCy
3.7–3.8's per-batch error handling (``Language._multiprocessing_pipe`` / ``_apply_pipes``) and
output order, and changes two things: what crosses the pipe, and how batches reach the workers.
spaCy deals batches to the workers in turn and reads results in the same turn, about two batches
ahead, so a worker that finishes early waits for the other one. Here the workers take the next
batch from one shared queue, and the parent puts the results back in input order.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import srsly
from spacy import util
from spacy.attrs import ENT_IOB, ORTH, SPACY
from spacy.errors import Errors, Warnings
from spacy.lang.zh import Chinese
from spacy.tokens import Doc, Span
from spacy.tokens.underscore import Underscore

try:  # private helpers of spacy.language (3.7, 3.8)
    from spacy.language import _WORK_DONE_SENTINEL, _WorkDoneSentinel
except ImportError:  # pragma: no cover - another spaCy: use its own transport
    _WorkDoneSentinel = None

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


def _apply_pipes_compact(ensure_doc: Callable, pipes: Iterable[Callable], tasks, results,
                         underscore_state: tuple) -> None:
    """A worker: take the next ``(batch number, texts)`` from the shared ``tasks`` queue, run the
    pipes, put ``(batch number, pack``-ed docs``)`` on ``results``; stop at the sentinel.

    The per-batch error handling is spaCy's (``spacy.language._apply_pipes``): a batch that raises
    sends the traceback in place of its first doc."""
    Underscore.load_state(underscore_state)
    while True:
        task = tasks.get()
        if isinstance(task, _WorkDoneSentinel):
            return
        number, texts_with_ctx = task
        try:
            docs = (ensure_doc(doc_like, context) for doc_like, context in texts_with_ctx)
            for pipe in pipes:
                docs = pipe(docs)
            packed = [(pickle.dumps(pack(doc), protocol=pickle.HIGHEST_PROTOCOL), doc._context, None)
                      for doc in docs]
            data = packed + [(None, None, None)] * (len(texts_with_ctx) - len(packed))
        except Exception:
            error_msg = [(None, None, srsly.msgpack_dumps(traceback.format_exc()))]
            data = error_msg + [(None, None, None)] * (len(texts_with_ctx) - 1)
        results.put((number, data))


#: batches handed out ahead of the one the parent yields next, per worker
LOOKAHEAD_PER_WORKER = 4


class JnChinese(Chinese):
    """``spacy.lang.zh.Chinese`` whose ``nlp.pipe(n_process=N)`` workers share one task queue and
    send compact docs."""

    def _multiprocessing_pipe(self, texts: Iterable[Any], pipes: Iterable[Callable], n_process: int,
                              batch_size: int) -> Iterator[Doc]:
        """Like spaCy's, but batches go to whichever worker is free (spaCy deals them out in turn,
        so one slow batch idles the other worker), and the parent restores the input order."""
        if _WorkDoneSentinel is None or not set(self.pipe_names) <= OUR_COMPONENTS:
            yield from super()._multiprocessing_pipe(texts, pipes, n_process, batch_size)
            return

        def prepare_input(texts: Iterable[Any]) -> Iterator[tuple]:
            for doc_like in texts:
                if isinstance(doc_like, Doc):
                    yield (doc_like.to_bytes(), doc_like._context)
                else:
                    yield (doc_like, None)

        batches = enumerate(util.minibatch(prepare_input(texts), batch_size))
        tasks, results = mp.Queue(), mp.Queue()
        procs = [mp.Process(target=_apply_pipes_compact,
                            args=(self._ensure_doc_with_context, pipes, tasks, results, Underscore.get_state()),
                            daemon=True)
                 for _ in range(n_process)]
        sent = 0
        for number, batch in itertools.islice(batches, LOOKAHEAD_PER_WORKER * n_process):
            tasks.put((number, batch))
            sent += 1
        for proc in procs:
            proc.start()
        done: dict[int, list] = {}
        try:
            for next_number in itertools.count():
                if next_number >= sent:
                    break
                while next_number not in done:
                    done.update([self._next_result(results, procs)])
                for number, batch in itertools.islice(batches, 1):  # keep the workers fed
                    tasks.put((number, batch))
                    sent += 1
                for byte_doc, context, byte_error in done.pop(next_number):
                    if byte_doc is not None:
                        doc = unpack(self.vocab, pickle.loads(byte_doc))
                        doc._context = context
                        yield doc
                    elif byte_error is not None:
                        error = srsly.msgpack_loads(byte_error)
                        self.default_error_handler(None, None, None, ValueError(Errors.E871.format(error=error)))
        finally:
            for _ in procs:
                tasks.put(_WORK_DONE_SENTINEL)
            for proc in procs:
                proc.join(timeout=5)
                if proc.is_alive():  # the caller stopped early: the worker may still hold queued batches
                    proc.terminate()
                    proc.join()
            tasks.close()
            results.close()
            if not all(proc.exitcode in (0, -15) for proc in procs):
                import warnings

                warnings.warn(Warnings.W127, stacklevel=2)

    @staticmethod
    def _next_result(results: Any, procs: list) -> tuple[int, list]:
        """The next finished batch from any worker; an error if a worker died."""
        import queue

        while True:
            try:
                return results.get(timeout=1.0)
            except queue.Empty:
                dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"an nlp.pipe worker process died (exit code {dead[0]})") from None
