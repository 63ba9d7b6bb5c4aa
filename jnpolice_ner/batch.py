"""Batch processing in input order: one bad document yields an ``ErrorRecord`` in its place.

>>> out = list(run_batch(len, ["ab", None, "c"]))
>>> out[0], out[1].index, out[2]
(2, 1, 1)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .models import ErrorRecord

log = logging.getLogger("jnpolice_ner")


def _call(args: tuple[Callable[..., Any], int, Any, dict[str, Any]]) -> Any:
    func, index, text, kwargs = args
    try:
        if not isinstance(text, str):
            raise TypeError(f"document must be str, not {type(text).__name__}")
        return func(text, **kwargs)
    except Exception as exc:  # the batch goes on; the error stands in the document's place
        log.warning("document %d failed: %s", index, exc)
        return ErrorRecord(index=index, error=f"{type(exc).__name__}: {exc}")


def run_batch(
    func: Callable[..., Any], texts: Iterable[Any], n_process: int = 1, chunksize: int = 4, **kwargs: Any
) -> Iterator[Any]:
    """Apply ``func`` to every text, streaming results in input order."""
    jobs = ((func, i, t, kwargs) for i, t in enumerate(texts))
    if n_process <= 1:
        for job in jobs:
            yield _call(job)
        return
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Pool(n_process) as pool:
        yield from pool.imap(_call, jobs, chunksize=chunksize)
