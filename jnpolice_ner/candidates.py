"""Candidates (recognized, not yet resolved spans) and the overlap policy.

The policy of annotation.md: spans are flat; when two candidates overlap the longest
contiguous one wins; on equal length the higher ``priority`` then ``score`` wins, then the
earlier one.

>>> a = Candidate("PLACE", 0, 3, "place.lexicon"); b = Candidate("UNIT", 0, 8, "unit.suffix.派出所")
>>> [c.label for c in resolve_overlaps([a, b])]
['UNIT']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Candidate:
    """A span found by a rule. ``data`` carries partial values for the resolver."""

    label: str
    start: int
    end: int
    rule_id: str
    score: float = 0.5
    priority: int = 0
    value: dict[str, Any] | None = None
    role: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Keep a flat, non-overlapping subset: longest first, then priority, score, position."""
    ordered = sorted(
        (c for c in cands if c.end > c.start and c.score > 0),
        key=lambda c: (-c.priority, -c.length, -c.score, c.start),
    )
    taken: list[tuple[int, int]] = []
    kept: list[Candidate] = []
    import bisect

    starts: list[int] = []
    for c in ordered:
        i = bisect.bisect_right(starts, c.start)
        # neighbour before may extend into c; neighbour after may start before c.end
        if i > 0 and taken[i - 1][1] > c.start:
            continue
        if i < len(taken) and taken[i][0] < c.end:
            continue
        taken.insert(i, (c.start, c.end))
        starts.insert(i, c.start)
        kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept
