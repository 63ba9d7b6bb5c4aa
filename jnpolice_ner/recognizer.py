"""Recognize → resolve: the rule path from a text to flat, normalized entities.

1. ``textnorm.normalize`` maps the text (same length) to the forms rules are written in;
2. every label module proposes candidates; the page reader adds bylines and datelines;
3. ``resolve_overlaps`` keeps a flat set (longest wins);
4. per article, each label's resolver fills values and roles with the article's context.

>>> [(e.label, e.text) for e in find_entities("7月22日中午，兴隆派出所接到报警，被骗1万元。", issue_date="2016-08-20")][:1]
[('DATE', '7月22日中午')]
"""

from __future__ import annotations

import bisect
import datetime as _dt
import logging

from . import layout
from .candidates import Candidate, resolve_overlaps
from .context import Context
from .entities import BY_LABEL, MODULES
from .models import Entity
from .ruleset import RuleSet, load_rules
from .textnorm import normalize
from .trace import fire

log = logging.getLogger("jnpolice_ner")


def as_date(value: _dt.date | str | None) -> _dt.date | None:
    """Accept a ``date``, an ISO string or None.

    >>> as_date("2016-08-20")
    datetime.date(2016, 8, 20)
    """
    if value is None or isinstance(value, _dt.date):
        return value.date() if isinstance(value, _dt.datetime) else value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"issue_date must be an ISO date like 2016-08-20, not {value!r}") from None
    raise TypeError(f"issue_date must be a date or an ISO string, not {type(value).__name__}")


def recognize_all(norm: str, rules: RuleSet) -> list[Candidate]:
    """Every module's candidates over the normalized text (overlapping, unresolved)."""
    cands: list[Candidate] = []
    for module in MODULES:
        try:
            cands.extend(module.recognize(norm, rules))
        except Exception:  # a rule bug must not lose the document
            log.exception("recognizer %s failed; continuing without it", module.LABEL)
    return cands


def find_candidates(
    text: str,
    issue_date: _dt.date | str | None = None,
    segments: list[layout.Segment] | None = None,
) -> list[Candidate]:
    """Resolved candidates (with rule ids) for ``text``: the engine behind ``extract_entities``."""
    rules = load_rules()
    issue = as_date(issue_date)
    if not text.strip():
        return []
    norm = normalize(text)
    if segments is None:
        segments = layout.segment(text)
    cands = recognize_all(norm, rules)
    for seg in segments:
        cands.extend(seg.candidates)
    kept = resolve_overlaps(cands)
    out: list[Candidate] = []
    bounds = sorted(((s.start, s.end, s) for s in segments), key=lambda b: b[0])
    starts = [b[0] for b in bounds]
    # every candidate belongs to the article that contains it, or to the page "furniture" group
    groups: dict[int, list[Candidate]] = {}
    for c in kept:
        i = bisect.bisect_right(starts, c.start) - 1
        idx = i if i >= 0 and c.start < bounds[i][1] else -1
        groups.setdefault(idx, []).append(c)
    for idx, group in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        seg = bounds[idx][2] if idx >= 0 else None
        ctx = Context(
            text=norm,
            rules=rules,
            issue_date=issue,
            dateline=seg.dateline_value if seg else None,
            cands=group,
            start=seg.start if seg else 0,
            end=seg.end if seg else len(text),
        )
        out.extend(resolve_group(group, ctx))
    out.sort(key=lambda c: c.start)
    return out


def resolve_group(group: list[Candidate], ctx: Context) -> list[Candidate]:
    """Resolve one article's candidates, label by label in module order."""
    dropped: set[int] = set()
    for module in MODULES:
        mine = [c for c in group if c.label == module.LABEL]
        for c in mine:
            try:
                if not module.resolve(c, ctx):
                    dropped.add(id(c))
            except Exception:
                log.exception("resolver %s failed on %r", module.LABEL, ctx.text[c.start:c.end])
                dropped.add(id(c))
        ctx.cands = [c for c in group if id(c) not in dropped]
    for module in MODULES:
        fin = getattr(module, "finalize", None)
        if fin is not None:
            try:
                fin([c for c in ctx.cands if c.label == module.LABEL], ctx)
            except Exception:
                log.exception("finalize %s failed", module.LABEL)
    return [c for c in ctx.cands if c.label in BY_LABEL]


def to_entity(c: Candidate, text: str, shift: int = 0) -> Entity:
    e = Entity(
        label=c.label,
        text=text[c.start:c.end],
        start=c.start - shift,
        end=c.end - shift,
        role=c.role if c.label == "PERSON" else None,
        value=c.value,
    )
    e._rule_id = c.rule_id
    fire(c.rule_id)
    return e


def find_entities(text: str, issue_date: _dt.date | str | None = None) -> list[Entity]:
    """``extract_entities`` without the type check: see ``jnpolice_ner.extract_entities``."""
    return [to_entity(c, text) for c in find_candidates(text, issue_date)]
