"""Batch processing in input order: one bad document yields an ``ErrorRecord`` in its place.

With ``n_process > 1`` the documents go to worker processes (``spawn``), a few at a time, and the
results come back in input order as they are ready. The same input gives the same output with one
process or several, also when it goes wrong:

* a document that is not a ``str`` (an unpicklable object included) is an ``ErrorRecord`` in its
  place; it is never sent to a worker;
* an input iterator that raises: the results of the documents before are yielded, then its
  exception is raised;
* the consumer stops early, or an interrupt (Ctrl-C): the workers are stopped, none is left behind
  (workers ignore SIGINT, the parent ends them);
* workers that die while starting (a script calling ``extract_many(n_process=2)`` without an
  ``if __name__ == "__main__":`` guard re-runs itself in every worker) give one clear
  ``RuntimeError`` instead of respawning endlessly.

>>> out = list(run_batch(len, ["ab", None, "c"]))
>>> out[0], out[1].index, out[2]
(2, 1, 1)
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .models import ErrorRecord

log = logging.getLogger("jnpolice_ner")

_GUARD_HINT = (
    "worker processes of extract_many(n_process>1) died while starting; a script that uses several "
    "processes must call it under `if __name__ == \"__main__\":` (workers are started with 'spawn' and "
    "import the script)"
)


def check_n_process(n_process: Any) -> int:
    """The number of processes: an int >= 1, or -1 for one per CPU; anything else is a clear error.

    >>> check_n_process(2), check_n_process(-1) >= 1
    (2, True)
    """
    if isinstance(n_process, bool) or not isinstance(n_process, int):
        raise TypeError(f"n_process must be an int (1, 2, ... or -1 for every CPU), not {n_process!r}")
    if n_process == -1:
        return os.cpu_count() or 1
    if n_process < 1:
        raise ValueError(f"n_process must be >= 1 (or -1 for every CPU), not {n_process}")
    return n_process


def _error(index: int, exc: BaseException) -> ErrorRecord:
    log.warning("document %d failed: %s", index, exc)
    return ErrorRecord(index=index, error=f"{type(exc).__name__}: {exc}")


def _as_document(index: int, text: Any) -> str | ErrorRecord:
    """The text to send (a plain ``str``), or the ``ErrorRecord`` standing in for a non-text."""
    if isinstance(text, str):
        return str.__str__(text)  # a plain str: a subclass may not pickle
    return _error(index, TypeError(f"document must be str, not {type(text).__name__}"))


def _call(args: tuple[Callable[..., Any], int, Any, dict[str, Any]]) -> Any:
    func, index, text, kwargs = args
    try:
        if not isinstance(text, str):
            raise TypeError(f"document must be str, not {type(text).__name__}")
        return func(text, **kwargs)
    except Exception as exc:  # the batch goes on; the error stands in the document's place
        return _error(index, exc)


def _call_chunk(func: Callable[..., Any], chunk: list[tuple[int, str]], kwargs: dict[str, Any]) -> list[Any]:
    return [_call((func, i, t, kwargs)) for i, t in chunk]


def _worker_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the workers


def run_batch(
    func: Callable[..., Any], texts: Iterable[Any], n_process: int = 1, chunksize: int = 4, **kwargs: Any
) -> Iterator[Any]:
    """Apply ``func`` to every text, streaming results in input order (``n_process`` is checked here,
    before the first document: the returned iterator does the work)."""
    n = check_n_process(n_process)
    if n == 1:
        return (_call((func, i, t, kwargs)) for i, t in enumerate(texts))
    import multiprocessing as mp

    if getattr(mp.current_process(), "_inheriting", False):
        raise RuntimeError(_GUARD_HINT)  # we are a worker being started, running an unguarded script
    return _run_parallel(func, iter(texts), n, max(1, chunksize), kwargs)


def _run_parallel(func: Callable[..., Any], texts: Iterator[Any], n: int, chunksize: int,
                  kwargs: dict[str, Any]) -> Iterator[Any]:
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(n, mp_context=mp.get_context("spawn"), initializer=_worker_init)
    # in input order: a chunk in flight (a Future of its results) or results already known (a list)
    pending: deque[Future | list[Any]] = deque()
    window = 2 * n  # chunks in flight: enough to keep every worker busy, with bounded memory
    failed: Exception | None = None
    clean = False

    def take(block: bool) -> Iterator[Any]:
        """Yield the results at the head of ``pending`` that are ready (waiting for the head if ``block``)."""
        while pending and (block or isinstance(pending[0], list) or pending[0].done()):
            head = pending.popleft()
            if isinstance(head, list):
                yield from head
                continue
            try:
                yield from head.result()
            except BrokenProcessPool:
                raise RuntimeError(_GUARD_HINT) from None
            block = False

    def submit(chunk: list[tuple[int, str]]) -> None:
        if chunk:
            pending.append(executor.submit(_call_chunk, func, list(chunk), kwargs))
            chunk.clear()

    try:
        chunk: list[tuple[int, str]] = []
        index = 0
        while True:
            try:
                text = next(texts)
            except StopIteration:
                break
            except Exception as exc:  # the input failed: the results before it are still yielded
                failed = exc
                break
            doc = _as_document(index, text)
            if isinstance(doc, ErrorRecord):
                submit(chunk)
                pending.append([doc])
            else:
                chunk.append((index, doc))
                if len(chunk) >= chunksize:
                    submit(chunk)
            index += 1
            yield from take(block=False)
            while sum(isinstance(p, Future) for p in pending) >= window:
                yield from take(block=True)
        submit(chunk)
        while pending:
            yield from take(block=True)
        clean = True
    finally:
        if clean:
            executor.shutdown(wait=True)
        else:  # an error, an interrupt, or the consumer stopped early: no worker is left behind
            _stop(executor)
    if failed is not None:
        raise failed


def _stop(executor: Any) -> None:
    """End the workers now (cancel what is queued, terminate the running ones)."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            p.kill()
            p.join(timeout=5)
