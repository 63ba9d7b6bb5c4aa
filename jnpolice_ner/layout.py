"""The page reader: a newspaper page → articles (headline, byline, dateline, repaired body)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .candidates import Candidate


@dataclass
class Segment:
    """One article's place in the page, before entity resolution."""

    start: int
    end: int
    headline: str = ""
    subheadline: str | None = None
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    dateline_value: dict[str, Any] | None = None
    #: byline PERSON and dateline PLACE candidates (offsets into the page)
    candidates: list[Candidate] = field(default_factory=list)
    #: body paragraphs as (start, end) page ranges, in repaired reading order, with joins
    body: list[list[tuple[int, int]]] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)


def segment(text: str) -> list[Segment]:
    """Split a page into article segments (placeholder: the whole text is one article)."""
    if not text.strip():
        return []
    return [Segment(start=0, end=len(text), body=[[(0, len(text))]])]
