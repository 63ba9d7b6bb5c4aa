"""ORG: recognition and normalization (to be written; see entities/__init__.py for the interface)."""

from __future__ import annotations

from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet

LABEL = "ORG"
ORDER = 30


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    return []


def resolve(cand: Candidate, ctx: Context) -> bool:
    return True
