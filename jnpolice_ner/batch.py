"""Batch processing in input order: one bad document yields an ``ErrorRecord`` in its place.

Items are texts, ``(text, meta)`` pairs or dicts with a ``text`` key (``document_job``); ``meta`` may
give ``doc_id``, ``issue_date`` and ``source``, which every result and ``ErrorRecord`` carries.

With ``n_process > 1`` the documents go to worker processes in chunks of about ``CHUNK_CHARS``
characters, and the results come back in input order as they are ready. Workers are spawned, or,
with ``JNPOLICE_NER_WORKERS=forkserver``, forked from a fork server that has loaded the rules once
(``_context``; docs/benchmarks.md). The same input gives the same output with one process or
several, also when it goes wrong:

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

import datetime as _dt
import logging
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

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


class Job(NamedTuple):
    """One document ready to go: its text, its issue date and who it is (``doc_id``, ``source``)."""

    index: int
    text: str
    issue_date: _dt.date | None = None
    doc_id: str | None = None
    source: str | None = None
    #: more for ``func``, passed as ``segments=`` (the page reader's segments of a piece of a page)
    parts: Any = None


def _error(index: int, exc: BaseException, doc_id: str | None = None, source: str | None = None) -> ErrorRecord:
    log.warning("document %d%s failed: %s", index, f" ({doc_id})" if doc_id is not None else "", exc)
    return ErrorRecord(index=index, error=f"{type(exc).__name__}: {exc}", doc_id=doc_id, source=source)


def text_job(index: int, item: Any) -> Job | ErrorRecord:
    """A plain text is a ``Job``; anything else is the ``ErrorRecord`` standing in its place."""
    if isinstance(item, str):
        return Job(index, str.__str__(item))  # a plain str: a subclass may not pickle
    return _error(index, TypeError(f"document must be str, not {type(item).__name__}"))


def _ident(value: Any) -> str | None:
    return None if value is None else str(value)


def document_job(default_issue: _dt.date | None) -> Callable[[int, Any], Job | ErrorRecord]:
    """The reader of ``extract_many``'s items: a text, a ``(text, meta)`` pair or a dict with ``text``.

    ``meta`` may give ``doc_id``, ``issue_date`` (beating the call's) and ``source``; other keys are
    ignored. A bad item (no text, a text that is not ``str``, a bad issue date) is an ``ErrorRecord``
    carrying whatever ``doc_id`` and ``source`` it did give.

    >>> read = document_job(None)
    >>> read(0, ("民警走访。", {"doc_id": 7, "issue_date": "2016-08-20"})).issue_date
    datetime.date(2016, 8, 20)
    >>> read(1, {"doc_id": "a", "text": None}).error
    'TypeError: document text must be str, not NoneType'
    """
    from .recognizer import as_date

    def read(index: int, item: Any) -> Job | ErrorRecord:
        if isinstance(item, str):
            return Job(index, str.__str__(item), default_issue)
        if isinstance(item, Mapping):
            meta, has_text, text = item, "text" in item, item.get("text")
        elif isinstance(item, tuple) and len(item) == 2 and (item[1] is None or isinstance(item[1], Mapping)):
            meta, has_text, text = item[1] or {}, True, item[0]
        else:
            return _error(index, TypeError(
                f"document must be a str, a (text, meta) pair or a dict with 'text', not {type(item).__name__}"))
        doc_id, source = _ident(meta.get("doc_id")), _ident(meta.get("source"))
        if not has_text:
            return _error(index, KeyError("document has no 'text'"), doc_id, source)
        if not isinstance(text, str):
            return _error(index, TypeError(f"document text must be str, not {type(text).__name__}"), doc_id, source)
        issue = default_issue
        if meta.get("issue_date") is not None:
            try:
                issue = as_date(meta["issue_date"])
            except (TypeError, ValueError) as exc:
                return _error(index, exc, doc_id, source)
        return Job(index, str.__str__(text), issue, doc_id, source)

    return read


def _call(func: Callable[..., Any], job: Job, kwargs: dict[str, Any]) -> Any:
    try:
        if job.issue_date is not None:
            kwargs = {**kwargs, "issue_date": job.issue_date}
        if job.parts is not None:
            kwargs = {**kwargs, "segments": job.parts}
        out = func(job.text, **kwargs)
    except Exception as exc:  # the batch goes on; the error stands in the document's place
        return _error(job.index, exc, job.doc_id, job.source)
    if (job.doc_id is not None or job.source is not None) and isinstance(out, list):
        for r in out:
            if hasattr(r, "doc_id"):
                r.doc_id, r.source = job.doc_id, job.source
    return out


def _call_chunk(func: Callable[..., Any], chunk: list[Job], kwargs: dict[str, Any]) -> list[Any]:
    return [_call(func, job, kwargs) for job in chunk]


def _worker_init(package_file: str | None = None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the workers
    if package_file is not None and os.path.realpath(__file__) != package_file:
        # a fork server started elsewhere imported another copy of the package: never mix two versions
        raise RuntimeError(f"worker runs {__file__}, the caller {package_file}")


#: characters per chunk sent to a worker: ~0.05 s of work (a chunk's trip costs a few ms); 2,000 short
#: records make ~20 chunks, so the last one leaves the other worker idle for ~5% of the run at most
CHUNK_CHARS = 6_000
#: at most this many documents a chunk (very short documents)
CHUNK_DOCS = 256


def run_batch(
    func: Callable[..., Any], items: Iterable[Any], n_process: int = 1, *,
    prepare: Callable[[int, Any], Job | ErrorRecord] = text_job, chunk_chars: int = CHUNK_CHARS,
    progress: bool = False, **kwargs: Any,
) -> Iterator[Any]:
    """Apply ``func`` to every item, streaming results in input order (``n_process`` is checked here,
    before the first document: the returned iterator does the work).

    ``prepare(index, item)`` turns an item into a ``Job`` (or an ``ErrorRecord``); with ``n_process > 1``
    jobs go to the workers in chunks of about ``chunk_chars`` characters."""
    n = check_n_process(n_process)
    if n == 1:
        out: Iterator[Any] = (_run_one(func, prepare, i, item, kwargs) for i, item in enumerate(items))
    else:
        import multiprocessing as mp

        if getattr(mp.current_process(), "_inheriting", False):
            raise RuntimeError(_GUARD_HINT)  # we are a worker being started, running an unguarded script
        out = _run_parallel(func, iter(items), n, max(1, chunk_chars), prepare, kwargs)
    return with_progress(out, items) if progress else out


def _run_one(func: Callable[..., Any], prepare: Callable[[int, Any], Job | ErrorRecord], index: int, item: Any,
             kwargs: dict[str, Any]) -> Any:
    job = prepare(index, item)
    return job if isinstance(job, ErrorRecord) else _call(func, job, kwargs)


def with_progress(results: Iterator[Any], items: Any) -> Iterator[Any]:
    """``results`` with a progress bar on stderr (``tqdm``, the ``progress`` extra); without tqdm, as is."""
    try:
        from tqdm import tqdm
    except ImportError:
        log.warning("progress=True needs tqdm (pip install 'jnpolice_ner[progress]'); going on without it")
        return results
    total = len(items) if hasattr(items, "__len__") else None
    return _ticking(results, tqdm(total=total, unit="doc", desc="jnpolice_ner", file=sys.stderr))


def _ticking(results: Iterator[Any], bar: Any) -> Iterator[Any]:
    try:
        for r in results:
            bar.update(1)
            yield r
    finally:
        bar.close()
        close = getattr(results, "close", None)
        if close is not None:
            close()  # an early stop reaches the workers now, not at garbage collection


def _context() -> tuple[Any, str | None]:
    """Where workers come from, and the package file they must run.

    By default workers are spawned: each imports the library and loads the rules (~1.5 s of CPU).
    With ``JNPOLICE_NER_WORKERS=forkserver`` in the environment, a fork server that has loaded the
    rules once (it imports ``jnpolice_ner._warm``) forks the workers, which then start in
    milliseconds: two processes pay off on short batches (docs/benchmarks.md). It is not the default
    yet: ``tests/test_batch_faults.py::test_ctrl_c_leaves_no_orphan_workers`` timed out (the script
    did not exit within 60 s of Ctrl-C) in each of three full-suite runs with the fork server on a
    machine at load 12-19, and in none of ~35 runs of that test file alone (docs/scale.md). The server is started with
    this package's folder first on ``PYTHONPATH`` (Python 3.11's fork server does not take the
    caller's ``sys.path``), and each worker checks it runs the caller's copy.
    """
    import multiprocessing as mp

    if os.environ.get("JNPOLICE_NER_WORKERS", "spawn") != "forkserver" or \
            "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn"), None
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    server = forkserver._forkserver
    if getattr(server, "_forkserver_pid", None) is None:  # not running yet: start it with our preload
        ctx.set_forkserver_preload(["jnpolice_ner._warm"])
        root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        old = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = root + (os.pathsep + old if old else "")
        try:
            server.ensure_running()
        finally:
            if old is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = old
    return ctx, os.path.realpath(__file__)


def _run_parallel(func: Callable[..., Any], items: Iterator[Any], n: int, chunk_chars: int,
                  prepare: Callable[[int, Any], Job | ErrorRecord], kwargs: dict[str, Any]) -> Iterator[Any]:
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx, package_file = _context()
    executor = ProcessPoolExecutor(n, mp_context=ctx, initializer=_worker_init, initargs=(package_file,))
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

    size = 0

    def submit(chunk: list[Job]) -> None:
        nonlocal size
        if chunk:
            pending.append(executor.submit(_call_chunk, func, list(chunk), kwargs))
            chunk.clear()
            size = 0

    try:
        chunk: list[Job] = []
        index = 0
        while True:
            try:
                item = next(items)
            except StopIteration:
                break
            except Exception as exc:  # the input failed: the results before it are still yielded
                failed = exc
                break
            job = prepare(index, item)
            if isinstance(job, ErrorRecord):
                submit(chunk)
                pending.append([job])
            else:
                chunk.append(job)
                size += len(job.text)
                if size >= chunk_chars or len(chunk) >= CHUNK_DOCS:
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
    # Chunks still queued for the workers sit in a pipe that no one will read once they are gone; the
    # queue's feeder thread may be blocked writing into it. Neither the executor nor the interpreter
    # at exit may wait for that thread. (Closing the pipe here raced with the executor's own
    # clean-up: "Bad file descriptor".)
    calls = getattr(executor, "_call_queue", None)
    if calls is not None:
        calls.cancel_join_thread()
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            p.kill()
            p.join(timeout=5)

