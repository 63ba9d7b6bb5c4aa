"""The statistical layer: a small char-level spaCy NER that proposes what the rules missed.

The model (``jnpolice_ner/ner_model/``, trained by ``scripts/train_ner.py``; model card: docs/ner.md)
tags PER / LOC / ORG. ``propose`` keeps only spans that overlap no rule entity and pass a validation
(a PLACE resolves to a county-or-higher division or ends in a place suffix; a PERSON starts with a
known surname and looks like a name, or is a 某-form; an ORG ends in an organization suffix). The checks
and their tables are the rules of ``rules/ner.yaml`` (read on first use); a check that rejects a span
fires its id (``ner.person.bad_last``, ``ner.place.stop_ending``, …). Each proposal's explanation is
``ner.statistical``. Any failure of the model logs a warning and proposes nothing:
the document keeps its rule entities.

>>> from jnpolice_ner.models import Entity
>>> propose("", [])
[]
>>> valid_person("周秀兰"), valid_person("思明"), valid_person("王某某")
(True, False, True)
>>> valid_org("上海某信息科技有限公司"), valid_org("公安局")
(True, False)
"""

from __future__ import annotations

import bisect
import functools
import logging
import threading
from pathlib import Path
from typing import Any, NamedTuple

from . import trace
from .models import Entity

log = logging.getLogger("jnpolice_ner")

RULE_ID = "ner.statistical"
MODEL_DIR = Path(__file__).resolve().parent / "ner_model"
LABEL_MAP = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}
#: chunks the model sees: a text is cut after these characters (and hard-cut at MAX_CHUNK). Clauses,
#: not sentences: a name never spans a comma, the model's context is a few characters wide, and
#: a clause with no trigger (``trigger_positions``) is not run at all (docs/ner.md, "Speed")
_CUT = "。！？；\n，"
MAX_CHUNK = 256

#: every validation check, in the order the checks run (rule ids of ``rules/ner.yaml``)
CHECKS = ("ner.person.shape", "ner.person.bad_prev", "ner.person.bad_next", "ner.person.bad_last",
          "ner.person.not_name_start", "ner.person.surname", "ner.person.uncued",
          "ner.place.shape", "ner.place.stop_ending", "ner.place.suffix", "ner.place.short_level",
          "ner.org.suffix", "ner.org.bad_first", "ner.org.shape")
#: the validation tables live in ``rules/ner.yaml`` (one rule per check; its id fires when the check
#: rejects a span); ``_tables()`` reads them on first use
_TABLE_KEYS = {
    "ner.person.bad_prev": "chars", "ner.person.bad_next": "chars", "ner.person.bad_last": "chars",
    "ner.place.stop_ending": "endings", "ner.place.suffix": "suffixes", "ner.place.short_level": "levels",
    "ner.org.suffix": "kinds", "ner.org.bad_first": "chars", "ner.org.shape": "max_len",
}
#: the old module constants, still readable (``ner.PLACE_SUFFIXES``), now read from the rules
_LEGACY = {"ORG_SUFFIX_KIND": "org_suffix_kind", "PLACE_SUFFIXES": "place_suffixes",
           "PLACE_SHORT_LEVELS": "place_short_levels", "PERSON_BAD_LAST": "person_bad_last",
           "PERSON_BAD_NEXT": "person_bad_next", "PERSON_BAD_PREV": "person_bad_prev",
           "ORG_BAD_FIRST": "org_bad_first", "PLACE_STOP_ENDINGS": "place_stop_endings"}


class _Tables(NamedTuple):
    """The validation tables of ``rules/ner.yaml``, in the types the checks use."""

    person_bad_prev: str
    person_bad_next: str
    person_bad_last: str
    place_stop_endings: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    place_short_levels: tuple[str, ...]
    org_suffix_kind: tuple[tuple[str, str], ...]
    org_bad_first: str
    org_max_len: int


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    """``rules/ner.yaml`` as tables, validated and cached (loaded on first use, never at import).

    >>> _tables().org_suffix_kind[0], "辖区" in _tables().place_stop_endings
    (('检察院', 'procuratorate'), True)
    """
    from .errors import RuleError
    from .ruleset import load_rules

    rf = load_rules()["ner"]
    known = {r.id for r in rf.rules}
    missing = [rid for rid in CHECKS if rid not in known]
    if missing:
        raise RuleError(f"rules/ner.yaml: rule {missing[0]} is missing")
    data: dict[str, Any] = {}
    for rid, key in _TABLE_KEYS.items():
        value = rf.rule(rid).extra(key)
        if not _well_formed(key, value):
            raise RuleError(f"rules/ner.yaml: rule {rid}: `{key}` is missing or malformed")
        data[rid] = value
    return _Tables(
        person_bad_prev=data["ner.person.bad_prev"], person_bad_next=data["ner.person.bad_next"],
        person_bad_last=data["ner.person.bad_last"],
        place_stop_endings=tuple(data["ner.place.stop_ending"]), place_suffixes=tuple(data["ner.place.suffix"]),
        place_short_levels=tuple(data["ner.place.short_level"]),
        org_suffix_kind=tuple(data["ner.org.suffix"].items()), org_bad_first=data["ner.org.bad_first"],
        org_max_len=data["ner.org.shape"],
    )


def _well_formed(key: str, value: Any) -> bool:
    if key == "chars":
        return isinstance(value, str) and value != ""
    if key == "max_len":
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    if key == "kinds":
        return isinstance(value, dict) and bool(value) and all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in value.items())
    return isinstance(value, list) and bool(value) and all(isinstance(x, str) and x for x in value)


def __getattr__(name: str) -> Any:
    if name in _LEGACY:
        return getattr(_tables(), _LEGACY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=1)
def _not_name_starts() -> frozenset[str]:
    """Bigrams that start with a surname but are not the start of a name (``周年``; ``name_filters.json``)."""
    import json

    path = MODEL_DIR / "name_filters.json"
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text("utf-8")).get("first", []))


@functools.lru_cache(maxsize=1)
def _given_chars() -> frozenset[str]:
    """Characters common in given names (``rules/lexicons/person_given_chars.txt``, the PERSON module's list)."""
    from .ruleset import load_rules

    try:
        lines = load_rules().lexicon("person_given_chars")
    except Exception:  # the list is optional: without it only cue-backed names pass
        return frozenset()
    return frozenset(ch for line in lines for ch in line.split() if len(ch) == 1)


@functools.lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    from .ruleset import load_rules

    names = [s.strip() for s in load_rules().lexicon("surnames") if s.strip()]
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def valid_person(name: str, before: str = "", after: str = "", cued: bool = False) -> bool:
    """A name: known surname + 1–2 (compound: 1–2) Han characters, or a 某-form (``王某``, ``王某某``);
    ``before`` / ``after`` are the characters around it. Without a role cue word right before it
    (``cued``), a full name needs every given-name character in the common given-name list and a
    two-character name (``钱财``, ``包保``) is not accepted.

    >>> valid_person("黄金项", "的", "链"), valid_person("陈楼村"), valid_person("黄鹤楼", "", "1")
    (False, False, False)
    >>> valid_person("付平台"), valid_person("钱财"), valid_person("周秀兰"), valid_person("邵明远", cued=True)
    (False, False, True, True)
    """
    if not name or not all(_is_han(c) for c in name):
        return _reject("ner.person.shape")
    t = _tables()
    if before and before in t.person_bad_prev:
        return _reject("ner.person.bad_prev")
    if after and (after in t.person_bad_next or after.isascii() and after.isalnum()):
        return _reject("ner.person.bad_next")
    if "某" not in name:
        if name[-1] in t.person_bad_last:
            return _reject("ner.person.bad_last")
        if name[:2] in _not_name_starts():
            return _reject("ner.person.not_name_start")
    single, double = _surnames()
    if len(name) >= 3 and name[:2] in double:
        if len(name) > 4:
            return _reject("ner.person.shape")
        return cued or "某" in name or all(c in _given_chars() for c in name[2:]) or _reject("ner.person.uncued")
    if name[0] not in single:
        return _reject("ner.person.surname")
    if "某" in name:
        return (2 <= len(name) <= 4 and name[1] == "某" or (len(name) == 3 and name[2] == "某")
                or _reject("ner.person.shape"))
    if not 2 <= len(name) <= 3:
        return _reject("ner.person.shape")
    return cued or (len(name) == 3 and all(c in _given_chars() for c in name[1:])) or _reject("ner.person.uncued")


def _reject(rule_id: str) -> bool:
    """Record that the check ``rule_id`` of ``rules/ner.yaml`` rejected a span; always False."""
    trace.fire(rule_id)
    return False


def org_kind(name: str) -> str | None:
    """The ORG kind of a name by its suffix (``ner.org.suffix``), or None (``XX有限公司`` → company)."""
    for suffix, kind in _tables().org_suffix_kind:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def valid_org(name: str) -> bool:
    """An organization name: ends in an organization suffix after at least one character, does not start
    with a bare place suffix, Han / digits / letters only, not too long.

    >>> valid_org("市奥克斯公司"), valid_org("金湖县第二中学")
    (False, True)
    """
    if not name or org_kind(name) is None:
        return _reject("ner.org.suffix")
    t = _tables()
    if name[0] in t.org_bad_first:
        return _reject("ner.org.bad_first")
    if not all(_is_han(c) or c.isalnum() for c in name) or len(name) > t.org_max_len:
        return _reject("ner.org.shape")
    return True


def valid_place(name: str, value: dict[str, Any] | None) -> bool:
    """A place: Han text that ends in a place suffix (3+ characters unless it resolves), or a short form
    that resolves to a county or higher division (``宁都``; not a town short form like ``红石``).

    >>> valid_place("湛田乡", None), valid_place("红石", {"adcode": "222403", "level": "town"})
    (True, False)
    """
    if not name or len(name) < 2 or not all(_is_han(c) for c in name):
        return _reject("ner.place.shape")
    t = _tables()
    if name.endswith(t.place_stop_endings):
        return _reject("ner.place.stop_ending")
    if name.endswith(t.place_suffixes):
        return len(name) >= 3 or bool(value and value.get("adcode")) or _reject("ner.place.suffix")
    return bool(value) and value.get("level") in t.place_short_levels or _reject("ner.place.short_level")


_lock = threading.Lock()
_model: Any = None
_failed = False


def model() -> Any:
    """The spaCy NER pipeline, loaded from the package on first use (None if it cannot be loaded)."""
    global _model, _failed
    if _model is None and not _failed:
        with _lock:
            if _model is None and not _failed:
                try:
                    import spacy

                    _model = spacy.load(MODEL_DIR)
                except Exception as exc:  # pragma: no cover - a broken install
                    _failed = True
                    log.warning("statistical NER unavailable (%s); using rules only", exc)
    return _model


def _chunks(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _CUT or i - start + 1 >= MAX_CHUNK:
            out.append((start, i + 1))
            start = i + 1
        i += 1
    if start < n:
        out.append((start, n))
    return [(s, e) for s, e in out if any(_is_han(c) for c in text[s:e])]


def tag(text: str, rule_entities: list[Entity] | None = None) -> list[tuple[int, int, str]]:
    """Raw model spans ``(start, end, PER|LOC|ORG)`` over ``text`` (no validation); with
    ``rule_entities``, only over the clauses that ``tag_many`` sends to the model."""
    return tag_many([text], None if rule_entities is None else [rule_entities])[0]


def tag_many(texts: list[str], rule_entities: list[list[Entity]] | None = None) -> list[list[tuple[int, int, str]]]:
    """``tag`` over many texts, their chunks batched together (faster for short texts).

    With ``rule_entities`` (one list per text), a chunk is sent to the model only if a proposal
    from it could pass validation outside those entities (``chunk_needs_model``): the spans kept
    by ``propose`` are the same, and the model sees far less text.
    """
    nlp = model()
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    if nlp is None:
        return out
    from spacy.tokens import Doc

    ner = nlp.get_pipe("ner")
    where = []
    for i, text in enumerate(texts):
        if not text:
            continue
        chunks = _chunks(text)
        if rule_entities is not None and chunks:
            live = trigger_positions(text, rule_entities[i])
            chunks = [(s, e) for s, e in chunks if _any_between(live, s, e)]
        where += [(i, s, e) for s, e in chunks]
    docs = (Doc(nlp.vocab, words=list(texts[i][s:e]), spaces=[False] * (e - s)) for i, s, e in where)
    for (i, s, _), doc in zip(where, ner.pipe(docs, batch_size=256), strict=True):
        for ent in doc.ents:
            out[i].append((s + ent.start, s + ent.end, ent.label_))
    return out


def _any_between(sorted_positions: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(sorted_positions, start)
    return k < len(sorted_positions) and sorted_positions[k] < end


@functools.lru_cache(maxsize=1)
def _trigger_patterns() -> tuple[Any, Any, Any, Any, frozenset[str]]:
    """The patterns of ``trigger_positions``, built once from the same tables as the validation."""
    import regex

    single, double = _surnames()
    given = "".join(sorted(_given_chars()))
    sur = "".join(sorted(single))
    esc = regex.escape
    person = regex.compile(f"[{esc(sur)}](?=某|.某|[{esc(given)}]{{2}})" if given else f"[{esc(sur)}](?=某|.某)")
    alts = sorted({w for w, _ in _cue_words()} | set(double), key=len, reverse=True)
    # a cue word right before a surname (``民警|张伟``), or a compound surname: the name starts at the end
    cued = regex.compile("(?:" + "|".join(map(esc, (w for w in alts if w not in double))) + f")(?=[{esc(sur)}])"
                         if alts else "(?!)")
    compound = regex.compile("|".join(map(esc, sorted(double, key=len, reverse=True))) or "(?!)")
    t = _tables()
    suffixes = sorted({*t.place_suffixes, *(sfx for sfx, _ in t.org_suffix_kind)}, key=len, reverse=True)
    ending = regex.compile("|".join(map(esc, suffixes)))
    return person, cued, compound, ending, _short_place_starts()


@functools.lru_cache(maxsize=1)
def _short_place_starts() -> frozenset[str]:
    """First two characters of every place name that resolves at a level a short form may have."""
    from .entities import place
    from .ruleset import load_rules

    idx = place._index(load_rules())
    out = set()
    for surface, hits in idx.surf.items():
        if len(surface) >= 2 and idx.first2.get(surface[:2], (0,))[0] != 0 and any(
                idx.entries[eid].value_level in _tables().place_short_levels for eid, _ in hits):
            out.add(surface[:2])
    return frozenset(out)


def trigger_positions(norm: str, rule_entities: list[Entity]) -> list[int]:
    """Sorted positions, outside every rule entity, where a valid proposal could start or end:
    a surname that can start a name (``张|某``, ``周|秀兰``, after a cue word ``民警|``), a place or
    organization suffix (``…县``, ``…公司``; not ``辖区``), or the start of a county-or-higher name
    (``宁都``). Every proposal that ``propose`` keeps has one of these inside its span, so a chunk
    without any needs no model run.

    >>> trigger_positions("他在宁都县湛田乡被骗", [])
    [2, 4, 7]
    >>> trigger_positions("今年以来，该辖区发案下降", [])
    []
    """
    person, cued, compound, ending, short_starts = _trigger_patterns()
    stop_endings = _tables().place_stop_endings
    covered = bytearray(len(norm) + 1)
    for e in rule_entities:
        covered[max(e.start, 0): max(e.end, 0)] = b"\x01" * (max(e.end, 0) - max(e.start, 0))
    found = {m.start() for m in person.finditer(norm)}
    found.update(m.end() for m in cued.finditer(norm, overlapped=True))
    found.update(m.start() for m in compound.finditer(norm, overlapped=True))
    for m in ending.finditer(norm, overlapped=True):
        if not norm.endswith(stop_endings, 0, m.end()):
            found.add(m.end() - 1)
    found.update(i for i in range(len(norm) - 1) if norm[i:i + 2] in short_starts)
    return sorted(p for p in found if p < len(norm) and not covered[p])


@functools.lru_cache(maxsize=1)
def _cue_words() -> tuple[tuple[str, str], ...]:
    """``(cue word, role)`` of ``rules/person.yaml``'s ``cues``, longest first (``犯罪嫌疑人`` → suspect)."""
    from .ruleset import load_rules

    cues = load_rules()["person"].extra("cues") or {}
    pairs = {(w, role) for role, words in cues.items() for w in words or [] if w}
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _cue_before(text: str, start: int) -> str | None:
    """The role of a PERSON cue word ending right at ``start`` (``民警|张伟`` → officer), or None."""
    for word, role in _cue_words():
        if text.endswith(word, 0, start):
            return role
    return None


class _People:
    """The article's PERSON candidates (rules + accepted proposals), for the PERSON resolver's role logic."""

    def __init__(self, norm: str, rule_entities: list[Entity]):
        from .candidates import Candidate
        from .context import Context
        from .ruleset import load_rules

        self.cands = []
        roles: dict[str, str] = {}
        for e in rule_entities:
            if e.label != "PERSON":
                continue
            known = bool(e.role and e.role != "other")
            self.cands.append(Candidate("PERSON", e.start, e.end, e.explanation or "person", role=e.role,
                                        value=e.value, data={"role_src": "known" if known else "default"}))
            if known:
                roles.setdefault((e.value or {}).get("name") or e.text, e.role)
        self.ctx = Context(text=norm, rules=load_rules(), person_roles=roles, start=0, end=len(norm))

    def role(self, start: int, end: int) -> str:
        """The role the PERSON module gives a name at ``start:end`` (cue word before it, coordination,
        a name already known in the article, context words); ``other`` when nothing says more."""
        from .candidates import Candidate
        from .entities import person

        text = self.ctx.text
        data: dict[str, Any] = {}
        cue = _cue_before(text, start)
        if cue:
            data["role"] = cue
        mine = Candidate("PERSON", start, end, RULE_ID, data=data)
        self.cands.append(mine)
        self.cands.sort(key=lambda c: c.start)
        self.ctx.cands = self.cands
        if not person.resolve(mine, self.ctx):
            return "other"
        return mine.role or "other"


def _merge_places(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Adjacent LOC spans form one chain, as annotation.md wants (``江西省`` + ``宁都县`` → ``江西省宁都县``)."""
    out: list[tuple[int, int, str]] = []
    for s, e, lab in spans:
        if out and lab == "LOC" and out[-1][2] == "LOC" and out[-1][1] == s:
            out[-1] = (out[-1][0], e, lab)
        else:
            out.append((s, e, lab))
    return out


def _overlaps(s: int, e: int, taken: list[tuple[int, int]]) -> bool:
    return any(a < e and s < b for a, b in taken)


def propose(text: str, rule_entities: list[Entity]) -> list[Entity]:
    """Validated NER spans that overlap no rule entity, as ``Entity`` objects (``ner.statistical``).

    Never raises: a failure of the model logs a warning and returns ``[]``.
    """
    try:
        return _propose(text, rule_entities)
    except Exception as exc:
        log.warning("statistical NER failed on a %d-char text (%s); keeping rule entities only",
                    len(text) if isinstance(text, str) else -1, exc)
        return []


def propose_many(texts: list[str], rule_entities: list[list[Entity]]) -> list[list[Entity]]:
    """``propose`` for many texts at once (the model sees their chunks in shared batches).

    A failure of the batch falls back to ``propose`` text by text, so one bad text loses nothing else.
    """
    from .textnorm import normalize

    try:
        norms = [normalize(t) if isinstance(t, str) and t.strip() else "" for t in texts]
        tagged = tag_many(norms, rule_entities)
    except Exception as exc:
        log.warning("statistical NER batch failed (%s); proposing text by text", exc)
        return [propose(t, r) for t, r in zip(texts, rule_entities, strict=True)]
    out = []
    for text, norm, rules, spans in zip(texts, norms, rule_entities, tagged, strict=True):
        try:
            out.append(_propose(text, rules, norm, spans) if norm else [])
        except Exception as exc:
            log.warning("statistical NER failed on a %d-char text (%s); keeping rule entities only",
                        len(text), exc)
            out.append([])
    return out


def _propose(text: str, rule_entities: list[Entity], norm: str | None = None,
             spans: list[tuple[int, int, str]] | None = None) -> list[Entity]:
    if not isinstance(text, str) or not text.strip():
        return []
    from .entities import place
    from .textnorm import normalize

    if norm is None:
        norm = normalize(text)
    if spans is None:
        spans = tag(norm, rule_entities)
    taken = [(e.start, e.end) for e in rule_entities]
    dateline = next((e.value.get("adcode") for e in rule_entities
                     if e.label == "PLACE" and e.value and e.value.get("adcode")), None)
    out: list[Entity] = []
    people: _People | None = None
    for s, e, lab in _merge_places(spans):
        label = LABEL_MAP.get(lab)
        if label is None or e <= s or _overlaps(s, e, taken):
            continue
        name = norm[s:e]
        value: dict[str, Any] | None
        role = None
        if label == "PERSON":
            if not valid_person(name, norm[s - 1:s], norm[e:e + 1], cued=_cue_before(norm, s) is not None):
                continue
            value = {"name": name, "anonymized": "某" in name}
            if people is None:
                people = _People(norm, rule_entities)
            role = people.role(s, e)
        elif label == "PLACE":
            value = place.lookup(name, dateline)
            if not valid_place(name, value):
                continue
            if value is None:
                value = {"name": name, "adcode": None, "level": "other"}
        else:
            if not valid_org(name):
                continue
            value = {"name": name, "kind": org_kind(name), "place": None}
        ent = Entity(label=label, text=text[s:e], start=s, end=e, role=role, value=value, explanation=RULE_ID)
        out.append(ent)
        taken.append((s, e))
    return out


def extract_entities_with_ner(text: str, issue_date: Any = None) -> list[Entity]:
    """Rule entities plus the NER's validated proposals, sorted by offset.

    >>> [e.text for e in extract_entities_with_ner("被骗走8万余元")]
    ['8万余元']
    """
    from .api import extract_entities

    rules = extract_entities(text, issue_date=issue_date)
    return sorted([*rules, *propose(text, rules)], key=lambda e: (e.start, e.end))
