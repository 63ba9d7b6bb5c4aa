"""Article → CaseReport objects (placeholder until the case-report issue lands)."""

from __future__ import annotations

import datetime as _dt

from .models import Article, CaseReport


def build_cases(article: Article, issue: _dt.date | None) -> list[CaseReport]:
    return []
