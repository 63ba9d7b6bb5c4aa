"""``Extractor(extra_rules=PATH)``: the API with the user's own rules and lexicons on top of the shipped ones.

PATH is a folder laid out like ``rules/`` (``org.yaml``, ``lexicons/org_canonical.tsv``, ...); it is
read and validated when the ``Extractor`` is made (a bad file is a ``RuleError`` naming it), and the
installed package is never changed. ``Extractor()`` without extra rules gives what the module-level
functions give. See docs/analyst.md, "Own rules".

>>> ex = Extractor()
>>> [e.label for e in ex.extract_entities("被骗走8万余元")]
['MONEY']
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .models import Article, CaseReport, Entity, ErrorRecord, Page
from .ruleset import RuleSet, load_extended, load_rules, using

DateLike = _dt.date | str | None


def _extract_in(extra: str | None, text: str, issue_date: DateLike = None) -> list[CaseReport]:
    """``extract`` under the rules of ``extra`` (a module-level function: worker processes can run it)."""
    from .api import extract

    if extra is None:
        return extract(text, issue_date)
    with using(load_extended(extra)):
        return extract(text, issue_date)


class Extractor:
    """A configured instance of the API: ``extract``, ``extract_entities``, ``parse_page``,
    ``iter_articles`` and ``extract_many``, reading ``extra_rules`` on top of the shipped rules."""

    def __init__(self, extra_rules: str | Path | None = None):
        self.extra_rules: str | None = str(Path(extra_rules).resolve()) if extra_rules is not None else None
        self.rules: RuleSet = load_extended(self.extra_rules) if self.extra_rules else load_rules()

    def __repr__(self) -> str:
        return f"Extractor(extra_rules={self.extra_rules!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Extractor) and other.extra_rules == self.extra_rules

    def __hash__(self) -> int:
        return hash(self.extra_rules)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its folder (a Dask or multiprocessing worker reads the rules again)."""
        return (Extractor, (self.extra_rules,))

    def _active(self):
        return using(self.rules) if self.extra_rules else contextlib.nullcontext()

    def extract_entities(self, text: str, issue_date: DateLike = None, *, use_ner: bool = False) -> list[Entity]:
        """As ``jn.extract_entities``; the trained NER (``use_ner``) validates with the shipped rules."""
        from .api import extract_entities

        with self._active():
            ents = extract_entities(text, issue_date)
        if use_ner:
            from .ner import propose

            ents = sorted([*ents, *propose(text, ents)], key=lambda e: e.start)
        return ents

    def parse_page(self, text: str, issue_date: DateLike = None) -> Page:
        """As ``jn.parse_page``."""
        from .api import parse_page

        with self._active():
            return parse_page(text, issue_date)

    def iter_articles(self, text: str, issue_date: DateLike = None) -> Iterator[Article]:
        """As ``jn.iter_articles``: each article is built, under these rules, when it is asked for."""
        from .api import iter_articles

        with self._active():
            articles = iter_articles(text, issue_date)  # a bad issue_date fails here
        return self._under_rules(articles)

    def _under_rules(self, it: Iterator[Any]) -> Iterator[Any]:
        while True:
            with self._active():
                try:
                    item = next(it)
                except StopIteration:
                    return
            yield item

    def extract(self, text: str, issue_date: DateLike = None) -> list[CaseReport]:
        """As ``jn.extract``."""
        return _extract_in(self.extra_rules, text, issue_date)

    def extract_many(self, texts: Iterable[str], issue_date: DateLike = None,
                     n_process: int = 1) -> Iterator[list[CaseReport] | ErrorRecord]:
        """As ``jn.extract_many``: in input order, a bad text yields an ``ErrorRecord``; worker processes
        (``n_process > 1``) read the same extra rules."""
        from .batch import run_batch
        from .recognizer import as_date

        func = functools.partial(_extract_in, self.extra_rules)
        return run_batch(func, texts, issue_date=as_date(issue_date), n_process=n_process)

