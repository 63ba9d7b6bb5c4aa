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
import dataclasses
import datetime as _dt
import logging
from collections.abc import Iterator

from . import layout
from .candidates import Candidate, resolve_overlaps
from .context import Context
from .entities import BY_LABEL, MODULES
from .models import Entity
from .ruleset import RuleSet, load_rules
from .textnorm import forward_offset, normalize, strip_glosses
from .trace import fire

log = logging.getLogger("jnpolice_ner")


def as_date(value: _dt.date | str | None) -> _dt.date | None:
    """Accept a ``date`` (or ``datetime``, ``pandas.Timestamp``), an ISO string or None.

    A missing value of pandas (``pandas.NaT``, a ``datetime`` that is not a time) means no issue
    date, like None. A string is the whole ISO date (or date and time): ``2016-08-20garbage`` is
    no date (only the first ten characters used to be read).

    >>> as_date("2016-08-20"), as_date("2016-08-20T09:30")
    (datetime.date(2016, 8, 20), datetime.date(2016, 8, 20))
    """
    if value is None:
        return None
    if isinstance(value, _dt.date):
        if value != value:  # pandas.NaT (a datetime subclass unequal to itself)
            return None
        return value.date() if isinstance(value, _dt.datetime) else value
    if isinstance(value, str):
        s = value.strip()
        try:
            return _dt.date.fromisoformat(s)
        except ValueError:
            pass
        try:
            return _dt.datetime.fromisoformat(s).date()
        except ValueError:
            raise ValueError(f"issue_date must be an ISO date like 2016-08-20, not {value!r}") from None
    raise TypeError(f"issue_date must be a date or an ISO string, not {type(value).__name__}")


def recognize_all(norm: str, rules: RuleSet, modules: list | None = None) -> list[Candidate]:
    """Every module's candidates over the normalized text (overlapping, unresolved)."""
    cands: list[Candidate] = []
    for module in MODULES if modules is None else modules:
        try:
            cands.extend(module.recognize(norm, rules))
        except Exception:  # a rule bug must not lose the document
            log.exception("recognizer %s failed; continuing without it", module.LABEL)
    return cands


#: characters of page per recognition window: a page is read in chunks of whole articles of about
#: this size (plus a margin of context on each side), so memory does not grow with the page
CHUNK_CHARS = 32_768
#: context read on each side of a chunk (rounded out to whole lines): rules and resolvers look
#: at most a sentence or a few dozen characters away from a span
MARGIN_CHARS = 512


def find_candidates(
    text: str,
    issue_date: _dt.date | str | None = None,
    segments: list[layout.Segment] | None = None,
    *,
    chunk_chars: int | None = None,
) -> list[Candidate]:
    """Resolved candidates (with rule ids) for ``text``: the engine behind ``extract_entities``."""
    out: list[Candidate] = []
    late = False
    for group, furniture in iter_candidates(text, issue_date, segments, chunk_chars=chunk_chars):
        out.extend(group)
        late = late or furniture
    if late:  # page furniture is resolved last; put it back in text order
        out.sort(key=lambda c: c.start)
    return out


def iter_candidates(
    text: str,
    issue_date: _dt.date | str | None = None,
    segments: list[layout.Segment] | None = None,
    *,
    chunk_chars: int | None = None,
) -> Iterator[tuple[list[Candidate], bool]]:
    """``find_candidates`` a chunk at a time: ``(resolved candidates in text order, is_furniture)``.

    The page is cut between articles into chunks of about ``chunk_chars`` characters; each
    chunk is recognized and resolved on its own window of text (the chunk plus ``MARGIN_CHARS``
    of context), so only one chunk's candidates are held at once. The result is the same as
    reading the whole page at once: an article's candidates are resolved together, as before,
    and PERSON recognition (which finds later mentions of a full name anywhere in the text)
    still reads the whole page. Candidates outside every article (page furniture) share one
    context over the whole page, as before; they come last, flagged ``True``.

    >>> [[c.rule_id for c in g] for g, _ in iter_candidates("被骗1万元")]
    [['money.amount.unit']]
    """
    rules = load_rules()
    issue = as_date(issue_date)
    if not text.strip():
        return
    glossed = strip_glosses(text)
    if glossed is not None:  # read the text without pinyin glosses, map the spans back
        plain, back = glossed
        if segments is not None:
            segments = [_segment_without_glosses(s, back) for s in segments]
        for group, furniture in iter_candidates(plain, issue, segments, chunk_chars=chunk_chars):
            for c in group:
                c.start, c.end = back[c.start], back[c.end - 1] + 1
            yield group, furniture
        return
    if segments is None:
        segments = layout.segment(text)
    bounds = sorted(((s.start, s.end, s) for s in segments), key=lambda b: b[0])
    del segments
    starts = [b[0] for b in bounds]
    ends = [b[1] for b in bounds]
    datelines = [b[2].dateline_value for b in bounds]
    # the page reader's candidates (bylines, datelines), by article; the segments are let go
    extra: list[list[Candidate]] = [b[2].candidates for b in bounds]
    del bounds
    n = len(text)
    windows = _windows(text, starts, chunk_chars or CHUNK_CHARS)
    # PERSON recognition reads the whole page (a full name found in one place is looked for
    # everywhere); its candidates are handed out window by window
    others = [m for m in MODULES if m.LABEL != "PERSON"]
    person: list[Candidate | None] = []
    # one window (an article, a short page): the page's normalized text is the window's
    whole = normalize(text) if len(windows) == 1 else None
    if len(others) < len(MODULES):
        found = recognize_all(whole or normalize(text), rules, [m for m in MODULES if m.LABEL == "PERSON"])
        person = sorted(found, key=lambda c: c.start)
        del found
    pstarts = [c.start for c in person if c is not None]
    p_free = e_free = 0  # entries before these are let go
    furniture: list[Candidate] = []
    for k, (lo_c, hi_c, lo, hi) in enumerate(windows):
        norm = whole if whole is not None and lo == 0 and hi == n else normalize(text[lo:hi])
        cands = recognize_all(norm, rules, others)
        for c in cands:
            c.start += lo
            c.end += lo
        # page-level candidates are copied: a window's overlap contest must see them unresolved
        for j in range(max(p_free, bisect.bisect_left(pstarts, lo - MARGIN_CHARS)), bisect.bisect_left(pstarts, hi)):
            c = person[j]
            if c is not None and c.end > lo:
                cands.append(dataclasses.replace(c))
        for i in range(max(0, bisect.bisect_right(starts, lo) - 1), bisect.bisect_left(starts, hi)):
            cands.extend(dataclasses.replace(c) for c in extra[i])
        kept = [c for c in resolve_overlaps(cands) if lo_c <= c.start < hi_c]
        del cands
        # every candidate belongs to the article that contains it, or to the page "furniture" group
        groups: dict[int, list[Candidate]] = {}
        for c in kept:
            i = bisect.bisect_right(starts, c.start) - 1
            if i >= 0 and c.start < ends[i]:
                groups.setdefault(i, []).append(c)
            else:
                furniture.append(c)
        out: list[Candidate] = []
        for i, group in groups.items():
            for c in group:
                c.start -= lo
                c.end -= lo
            ctx = Context(text=norm, rules=rules, issue_date=issue, dateline=datelines[i], cands=group,
                          start=starts[i] - lo, end=ends[i] - lo)
            res = resolve_group(group, ctx)
            for c in group:
                c.start += lo
                c.end += lo
            out.extend(res)
        out.sort(key=lambda c: c.start)
        # let go of what no later window reads
        nxt = windows[k + 1][2] if k + 1 < len(windows) else n
        stop = bisect.bisect_left(pstarts, nxt - MARGIN_CHARS)
        for j in range(p_free, stop):
            person[j] = None
        p_free = max(p_free, stop)
        while e_free < len(ends) and ends[e_free] <= nxt:
            extra[e_free] = []
            e_free += 1
        yield out, False
    if furniture:
        ctx = Context(text=whole if whole is not None else normalize(text), rules=rules, issue_date=issue, dateline=None, cands=furniture,
                      start=0, end=n)
        yield sorted(resolve_group(furniture, ctx), key=lambda c: c.start), True


def _segment_without_glosses(seg: layout.Segment, back: list[int]) -> layout.Segment:
    """A page reader's segment with its offsets moved into the text without glosses."""
    cands = []
    for c in seg.candidates:
        s, e = forward_offset(back, c.start), forward_offset(back, c.end)
        cands.append(dataclasses.replace(c, start=s, end=max(e, s + 1)))
    return dataclasses.replace(seg, start=forward_offset(back, seg.start), end=forward_offset(back, seg.end),
                               candidates=cands)


def _windows(text: str, starts: list[int], size: int) -> list[tuple[int, int, int, int]]:
    """``(chunk_start, chunk_end, window_start, window_end)``: chunks of whole articles of about
    ``size`` characters, each read in a window with ``MARGIN_CHARS`` more, rounded to whole lines.

    >>> _windows("ab\\ncd\\nef", [0, 3, 6], 3)[1]
    (3, 6, 0, 8)
    """
    n = len(text)
    cuts = [0]
    for s in starts:
        if s - cuts[-1] >= size:
            cuts.append(s)
    cuts.append(n)
    out = []
    for lo_c, hi_c in zip(cuts, cuts[1:], strict=False):
        lo = text.rfind("\n", 0, max(0, lo_c - MARGIN_CHARS)) + 1 if lo_c > 0 else 0
        hi = text.find("\n", min(n, hi_c + MARGIN_CHARS)) if hi_c < n else n
        out.append((lo_c, hi_c, lo, n if hi < 0 else hi + 1))
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


#: the fields and private attributes ``to_entity`` fills itself (when ``Entity`` still has exactly these)
_ENTITY_FIELDS = ("label", "text", "start", "end", "role", "value", "explanation")
_FAST_ENTITY: bool | None = None


def _fast_entity_ok() -> bool:
    """``Entity`` has exactly the fields and private attribute ``to_entity``'s fast path fills."""
    global _FAST_ENTITY
    if _FAST_ENTITY is None:
        _FAST_ENTITY = (tuple(Entity.model_fields) == _ENTITY_FIELDS
                        and not Entity.__private_attributes__
                        and Entity.model_config.get("extra") in (None, "ignore"))
    return _FAST_ENTITY


def to_entity(c: Candidate, text: str, shift: int = 0) -> Entity:
    """The public ``Entity`` of a resolved candidate (``Entity(...)`` without re-validating what
    the rules built: the same object, about four times faster; the hot path of ``extract_entities``)."""
    fire(c.rule_id)
    fields = {
        "label": c.label,
        "text": text[c.start:c.end],
        "start": int(c.start - shift),
        "end": int(c.end - shift),
        "role": c.role if c.label == "PERSON" else None,
        "value": dict(c.value) if c.value is not None else None,
        "explanation": c.rule_id,
    }
    if not _fast_entity_ok() or not (type(c.label) is str and (c.value is None or type(c.value) is dict)
                                     and (fields["role"] is None or type(fields["role"]) is str)):
        return Entity(**fields)
    e = object.__new__(Entity)
    object.__setattr__(e, "__dict__", fields)
    object.__setattr__(e, "__pydantic_fields_set__", set(_ENTITY_FIELDS))
    object.__setattr__(e, "__pydantic_extra__", None)
    object.__setattr__(e, "__pydantic_private__", None)
    return e


def find_entities(text: str, issue_date: _dt.date | str | None = None) -> list[Entity]:
    """``extract_entities`` without the type check: see ``jnpolice_ner.extract_entities``.

    Candidates become entities a chunk at a time (``iter_candidates``), so a long page holds
    its entities and one chunk's working state, not every candidate of the page.
    """
    out: list[Entity] = []
    late = False
    for group, furniture in iter_candidates(text, issue_date):
        out.extend(to_entity(c, text) for c in group)
        late = late or furniture
    if late:
        out.sort(key=lambda e: e.start)
    return out
