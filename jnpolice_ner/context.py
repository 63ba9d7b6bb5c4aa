"""The resolution context of one article: what a resolver may know beyond its own span.

Recognition sees only the text; resolution walks the article's surviving candidates in
reading order with this context: the issue date, the dateline's place, the last date
mentioned (for ``当天``), the units and people already seen.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .candidates import Candidate
from .ruleset import RuleSet


@dataclass
class Context:
    text: str
    rules: RuleSet
    issue_date: _dt.date | None = None
    #: PLACE value of the article's dateline (``本报金乡讯`` → 金乡县), or None
    dateline: dict[str, Any] | None = None
    #: every surviving candidate of the article, in text order (all labels)
    cands: list[Candidate] = field(default_factory=list)
    #: DATE value last resolved (``当天`` takes it)
    last_date: dict[str, Any] | None = None
    #: resolved UNIT values seen so far in the article
    units: list[dict[str, Any]] = field(default_factory=list)
    #: resolved PLACE values seen so far in the article
    places: list[dict[str, Any]] = field(default_factory=list)
    #: PERSON name → role, once a role is known
    person_roles: dict[str, str] = field(default_factory=dict)
    #: article range [start, end) in the text
    start: int = 0
    end: int = 0

    def neighbours(self, cand: Candidate, label: str | None = None) -> tuple[Candidate | None, Candidate | None]:
        """The candidates just before and after ``cand`` (optionally of one label)."""
        before = after = None
        for c in self.cands:
            if label is not None and c.label != label:
                continue
            if c.end <= cand.start:
                before = c
            elif c.start >= cand.end and after is None:
                after = c
        return before, after
