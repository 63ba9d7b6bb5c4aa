"""Beyond one machine: case reports from a Dask DataFrame of documents (``pip install jnpolice_ner[dask]``).

    import dask.dataframe as dd
    from jnpolice_ner.dask import extract_frame

    docs = dd.read_parquet("archive/*.parquet")          # columns text, doc_id, issue_date (any others)
    cases = extract_frame(docs, source="file")            # lazy: one task per partition
    cases.to_parquet("cases/")                           # partitioned Parquet, written by the workers

``extract_frame`` returns the ``cases_table`` columns (``table.CASES_COLUMNS``), declared as the
frame's ``meta``, then ``error``: a document that fails is one row with its ``doc_id``, ``source``
and ``error`` (the other columns NA), in its place, as ``extract_many`` gives an ``ErrorRecord``.
Each worker process imports the library and loads the rules once (the first task), then reuses them
for every partition it is given. Where to run it and what to expect: docs/scale.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .models import ErrorRecord

#: the column that holds a failed document's error (NA on the rows of case reports)
ERROR_COLUMN = "error"


def cases_frame(results: Iterable[Any]):
    """``extract_many``'s results as one table: the reports' ``cases_table`` rows and, in its place, one
    row per ``ErrorRecord`` (``doc_id``, ``source``, ``error``; the rest NA).

    >>> from jnpolice_ner.models import CaseReport
    >>> df = cases_frame([[CaseReport(case_type="theft", doc_id="a")], ErrorRecord(index=1, error="x", doc_id="b")])
    >>> df[["case_type", "doc_id", "error"]].astype(object).where(df[["case_type", "doc_id", "error"]].notna(), None).values.tolist()
    [['theft', 'a', None], [None, 'b', 'x']]
    """
    import pandas as pd

    from .table import build_cases_table

    parts: list[Any] = []
    reports: list[Any] = []

    def flush() -> None:
        if reports:
            parts.append(build_cases_table(reports))
            reports.clear()

    for out in results:
        if isinstance(out, ErrorRecord):
            flush()
            row = build_cases_table([]).reindex([0])
            row["doc_id"] = pd.array([out.doc_id], dtype=row["doc_id"].dtype)
            row["source"] = pd.array([out.source], dtype=row["source"].dtype)
            row[ERROR_COLUMN] = out.error
            parts.append(row)
        else:
            reports.extend(out)
    flush()
    df = pd.concat([_with_error(p) for p in parts], ignore_index=True) if parts else _with_error(build_cases_table([]))
    return df.astype(meta().dtypes.to_dict())


def _with_error(df):
    if ERROR_COLUMN not in df.columns:
        df = df.assign(**{ERROR_COLUMN: None})
    df[ERROR_COLUMN] = df[ERROR_COLUMN].astype("string")
    return df


def meta():
    """The empty frame ``extract_frame`` declares: the ``cases_table`` columns and dtypes, then ``error``."""
    from .table import build_cases_table

    return _with_error(build_cases_table([]))


def extract_frame(ddf: Any, text: str = "text", doc_id: str | None = "doc_id", issue_date: str | None = "issue_date",
                  source: str | None = None) -> Any:
    """Case reports of a Dask DataFrame of documents, as a Dask DataFrame (one partition per input one).

    ``text`` names the column of texts; ``doc_id``, ``issue_date`` and ``source`` name the columns of
    each document's meta (as in ``extract_many``); a meta column that is absent is not used (a
    ``source`` given and absent is an error). Row for row the result is ``cases_frame(extract_many(...))``
    of the same documents in the same order.
    """
    columns = set(ddf.columns)
    if text not in columns:
        raise KeyError(f"no text column {text!r} in the frame (columns: {sorted(map(str, columns))})")
    if source is not None and source not in columns:
        raise KeyError(f"no source column {source!r} in the frame")
    names = {"doc_id": doc_id if doc_id in columns else None,
             "issue_date": issue_date if issue_date in columns else None,
             "source": source}
    return ddf.map_partitions(_partition, text, names, meta=meta(), enforce_metadata=False)


def _partition(pdf: Any, text: str, names: dict[str, str | None]):
    """One partition on a worker: its documents through ``extract_many`` (one process: the worker's)."""
    from .api import extract_many

    return cases_frame(extract_many(_items(pdf, text, names)))


def _items(pdf: Any, text: str, names: dict[str, str | None]) -> Iterator[tuple[Any, dict[str, Any]]]:
    import pandas as pd

    cols = {key: pdf[col].tolist() for key, col in names.items() if col is not None}
    for k, value in enumerate(pdf[text].tolist()):
        meta = {}
        for key, values in cols.items():
            v = values[k]
            if v is None or (not isinstance(v, str) and _missing(v)):
                continue
            meta[key] = v.date() if key == "issue_date" and isinstance(v, pd.Timestamp) else v
        if not isinstance(value, str) and _missing(value):
            value = None  # None, NaN and NA all read as "no text"
        yield (value, meta)


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not "missing", just not a text
        return False


# ---- the command line's --scheduler


@contextmanager
def client_for(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` connected to the scheduler at ``address``, closed afterwards."""
    from .errors import InputError

    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'jnpolice_ner[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def _run_job(func: Any, job: Any) -> Any:
    try:
        return func(job.text, segments=job.parts, issue_date=job.issue_date)
    except Exception as exc:  # the error goes back in the job's place
        return f"{type(exc).__name__}: {exc}"


def map_in_order(client: Any, func: Any, jobs: Iterable[Any], per_worker: int = 2) -> Iterator[tuple[Any, Any]]:
    """``(job.source, func's result or an error message)`` for every ``batch.Job``, in input order, with
    at most ``per_worker`` jobs a worker in flight (bounded memory on both sides)."""
    from collections import deque

    window = max(2, per_worker * max(1, len(client.scheduler_info().get("workers", {}))))
    pending: deque[tuple[Any, Any]] = deque()
    try:
        for job in jobs:
            pending.append((job.source, client.submit(_run_job, func, job, pure=False)))
            if len(pending) >= window:
                source, fut = pending.popleft()
                yield source, fut.result()
        while pending:
            source, fut = pending.popleft()
            yield source, fut.result()
    finally:
        for _, fut in pending:
            fut.cancel()
