"""The public functions of api.md: thin glue over the recognizer, page reader and reports."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import require_text
from .models import Article, CaseReport, Entity, ErrorRecord, Page

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from spacy.language import Language

DateLike = _dt.date | str | None


def load(ner: bool = True) -> Language:
    """The spaCy pipeline (pkuseg tokenizer, the rules, the trained NER), built once per process.

    ``ner=False`` leaves out the statistical NER: faster (see docs/benchmarks.md), rules only.
    """
    from .pipeline import get_pipeline

    return get_pipeline(statistical=ner)


def extract_entities(text: str, issue_date: DateLike = None, *, use_ner: bool = False) -> list[Entity]:
    """Flat, non-overlapping entities with offsets into ``text`` and normalized values.

    ``use_ner=True`` adds the trained NER's validated proposals where the rules found nothing
    (explanation ``ner.statistical``; slower). ``load()``'s pipeline always includes them.

    >>> [e.text for e in extract_entities("7月22日中午，报案人被骗1万元", issue_date="2016-08-20")]
    ['7月22日中午', '1万元']
    """
    from .recognizer import find_entities

    ents = find_entities(require_text(text), issue_date)
    if use_ner:
        from .ner import propose

        ents = sorted([*ents, *propose(text, ents)], key=lambda e: e.start)
    return ents


def parse_page(text: str, issue_date: DateLike = None) -> Page:
    """Read a page: its articles in reading order, bylines, datelines, repaired text, entities, cases."""
    from .page import build_page

    return build_page(require_text(text), issue_date)


def iter_articles(text: str, issue_date: DateLike = None) -> Iterator[Article]:
    """``parse_page(text).articles`` one at a time: each article is built when it is asked for.

    Memory stays bounded by the largest article, whatever the size of the page (keep what you need).

    >>> [a.headline for a in iter_articles("## 民警追回被骗款\\n\\n昨日，群众报警称被骗1万元。")]
    ['民警追回被骗款']
    """
    from .page import iter_articles as _iter

    return _iter(require_text(text), issue_date)


def extract(text: str, issue_date: DateLike = None) -> list[CaseReport]:
    """Every criminal case the text reports, as ``CaseReport`` objects, in order."""
    from .page import iter_cases

    return list(iter_cases(require_text(text), issue_date))


def extract_many(
    items: Iterable[Any], n_process: int = 1, issue_date: DateLike = None, *, progress: bool = False
) -> Iterator[list[CaseReport] | ErrorRecord]:
    """Stream ``extract`` over many documents, in input order; a bad one yields an ``ErrorRecord``.

    An item is a text, a ``(text, meta)`` pair or a dict with a ``text`` key; ``meta`` may give
    ``doc_id``, ``issue_date`` (beating the call's) and ``source``, which every ``CaseReport`` and
    ``ErrorRecord`` of the item carries. ``progress=True`` shows a tqdm bar on stderr (if installed).
    ``issue_date`` and ``n_process`` (an int >= 1, or -1 for one process per CPU) are checked here,
    when called: a bad one is one clear error, not an ``ErrorRecord`` per document.

    >>> [r.doc_id for r in next(extract_many([("群众报警称被骗1万元，嫌疑人已被抓获。", {"doc_id": "a1"})]))]
    ['a1']
    """
    from .batch import document_job, run_batch
    from .recognizer import as_date

    return run_batch(extract, items, n_process=n_process, prepare=document_job(as_date(issue_date)),
                     progress=progress)


def fraud_table(reports: Iterable[CaseReport | Any], lists: str = "join") -> pd.DataFrame:
    """One row per fraud report, with api.md's columns in order (amounts in yuan; lists joined
    with 、, or kept as lists with ``lists="keep"``; a gap is NA)."""
    from .table import build_fraud_table

    return build_fraud_table(reports, lists)


# --------------------------------------------------------------------------- tables (api.md "Additions")

def cases_table(reports: Iterable[CaseReport | Any], lists: str = "join") -> pd.DataFrame:
    """Every report, one row each, with ``fraud_table``'s columns (lists joined with 、, or kept as
    lists with ``lists="keep"``; a gap is NA)."""
    from .table import build_cases_table

    return build_cases_table(reports, lists)


def entities_table(items: Any) -> pd.DataFrame:
    """One row per entity: ``doc_id``, ``label``, ``text``, ``start``, ``end``, ``role``, the value flattened."""
    from .table import build_entities_table

    return build_entities_table(items)


def parties_table(reports: Iterable[CaseReport | Any]) -> pd.DataFrame:
    """One row per victim or suspect of each report."""
    from .table import build_parties_table

    return build_parties_table(reports)


def make_doc(nlp: Language, text: str, issue_date: DateLike = None) -> Any:
    """A tokenized spaCy ``Doc`` carrying ``issue_date``, for ``nlp(doc)`` or ``nlp.pipe(docs)``
    (``nlp(text)`` alone has no issue date: dates without a year keep an unknown year)."""
    from .pipeline import make_doc as _make_doc

    return _make_doc(nlp, text, issue_date)
