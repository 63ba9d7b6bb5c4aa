"""The statistical layer: a small char-level spaCy NER that proposes what the rules missed.

The model (``jnpolice_ner/ner_model/``, trained by ``scripts/train_ner.py``; model card: docs/ner.md)
tags PER / LOC / ORG. ``propose`` keeps only spans that overlap no rule entity and pass a validation
(a PLACE resolves to an admin code or ends in a place suffix; a PERSON starts with a known surname
and is 2–4 characters, or is a 某-form; an ORG ends in an organization suffix). Each proposal's
explanation is ``ner.statistical``. Any failure of the model logs a warning and proposes nothing:
the document keeps its rule entities.

>>> from jnpolice_ner.models import Entity
>>> propose("", [])
[]
>>> valid_person("潘明思"), valid_person("思明"), valid_person("王某某")
(True, False, True)
>>> valid_org("上海某信息科技有限公司"), valid_org("公安局")
(True, False)
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import Any

from .models import Entity

log = logging.getLogger("jnpolice_ner")

RULE_ID = "ner.statistical"
MODEL_DIR = Path(__file__).resolve().parent / "ner_model"
LABEL_MAP = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}
#: chunks the model sees: a text is cut after these characters (and hard-cut at MAX_CHUNK)
_CUT = "。！？；\n"
MAX_CHUNK = 256

# Short validation tables (suffix → ORG kind; place suffixes). Kept here, next to the model they
# filter; the ORG kinds are annotation.md's (bank, company, school, court, procuratorate, government).
ORG_SUFFIX_KIND: tuple[tuple[str, str], ...] = (
    ("检察院", "procuratorate"), ("法院", "court"), ("银行", "bank"), ("信用社", "bank"),
    ("公司", "company"), ("集团", "company"),
    ("大学", "school"), ("学院", "school"), ("学校", "school"), ("中学", "school"), ("小学", "school"),
    ("幼儿园", "school"), ("委员会", "government"), ("协会", "government"), ("政府", "government"),
)
PLACE_SUFFIXES = ("省", "市", "县", "区", "乡", "镇", "村", "街道", "自治州", "自治县", "盟", "旗")
#: levels a place written without its suffix may have (town short forms are too ambiguous: ``红石``)
PLACE_SHORT_LEVELS = ("country", "province", "city", "county")
#: a PERSON does not end in a place / building character (``陈楼村``, ``花木店``) …
PERSON_BAD_LAST = "村镇乡县市区省路街巷楼店厂湾桥河园里内外城包牌号室栋"
#: … nor run on into a place, brand or object word (``黄鹤楼|牌``, ``黄金项|链``, ``杨树河|村``) …
PERSON_BAD_NEXT = "牌村镇乡县市区路街巷楼店厂城湾桥链环戒坠镯"
#: … nor follow a possessive or a brand word (``的黄金项链``)
PERSON_BAD_PREV = "的牌"
#: an ORG name does not start with a bare place suffix (a fragment: ``**市奥克斯公司`` → ``市奥克斯公司``)
ORG_BAD_FIRST = "省市县区乡镇村"
#: a PLACE proposal must not be a word that only ends like a place (``城区``, ``辖区``, ``小区``)
PLACE_STOP_ENDINGS = ("辖区", "城区", "小区", "景区", "园区", "社区", "市区", "郊区", "街区", "山区", "灾区",
                      "农村", "城市", "都市", "城乡", "同乡", "老乡", "家乡")


@functools.lru_cache(maxsize=1)
def _not_name_starts() -> frozenset[str]:
    """Bigrams that start with a surname but almost never start a name in the training text (``黄金``)."""
    import json

    path = MODEL_DIR / "name_filters.json"
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text("utf-8")).get("first", []))


@functools.lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    from .ruleset import load_rules

    names = [s.strip() for s in load_rules().lexicon("surnames") if s.strip()]
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def valid_person(name: str, before: str = "", after: str = "") -> bool:
    """A name: known surname + 1–2 (compound: 1–2) Han characters, or a 某-form (``王某``, ``王某某``);
    ``before`` / ``after`` are the characters around it.

    >>> valid_person("黄金项", "的", "链"), valid_person("陈楼村"), valid_person("黄鹤楼", "", "1")
    (False, False, False)
    """
    if not name or not all(_is_han(c) for c in name):
        return False
    if (before and before in PERSON_BAD_PREV) or (after and (after in PERSON_BAD_NEXT or after.isascii()
                                                           and after.isalnum())):
        return False
    if "某" not in name and (name[-1] in PERSON_BAD_LAST or name[:2] in _not_name_starts()):
        return False
    single, double = _surnames()
    if len(name) >= 3 and name[:2] in double:
        return len(name) <= 4
    if name[0] not in single:
        return False
    if "某" in name:
        return 2 <= len(name) <= 4 and name[1] == "某" or (len(name) == 3 and name[2] == "某")
    return 2 <= len(name) <= 3


def org_kind(name: str) -> str | None:
    """The ORG kind of a name by its suffix, or None (``XX有限公司`` → company)."""
    for suffix, kind in ORG_SUFFIX_KIND:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def valid_org(name: str) -> bool:
    """An organization name: ends in an organization suffix after at least one character."""
    return (bool(name) and org_kind(name) is not None and name[0] not in ORG_BAD_FIRST
            and all(_is_han(c) or c.isalnum() for c in name) and len(name) <= 30)


def valid_place(name: str, value: dict[str, Any] | None) -> bool:
    """A place: Han text that ends in a place suffix (3+ characters unless it resolves), or a short form
    that resolves to a county or higher division (``宁都``; not a town short form like ``红石``).

    >>> valid_place("湛田乡", None), valid_place("红石", {"adcode": "222403", "level": "town"})
    (True, False)
    """
    if not name or len(name) < 2 or not all(_is_han(c) for c in name) or name.endswith(PLACE_STOP_ENDINGS):
        return False
    if name.endswith(PLACE_SUFFIXES):
        return len(name) >= 3 or bool(value and value.get("adcode"))
    return bool(value) and value.get("level") in PLACE_SHORT_LEVELS


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


def tag(text: str) -> list[tuple[int, int, str]]:
    """Raw model spans ``(start, end, PER|LOC|ORG)`` over ``text`` (no validation)."""
    nlp = model()
    if nlp is None or not text:
        return []
    from spacy.tokens import Doc

    ner = nlp.get_pipe("ner")
    spans = _chunks(text)
    docs = (Doc(nlp.vocab, words=list(text[s:e]), spaces=[False] * (e - s)) for s, e in spans)
    out = []
    for (s, _), doc in zip(spans, ner.pipe(docs, batch_size=128), strict=True):
        for ent in doc.ents:
            out.append((s + ent.start, s + ent.end, ent.label_))
    return out


def _person_role(norm: str, start: int, end: int, rule_entities: list[Entity]) -> str:
    """The role the PERSON module would give a name at ``start:end`` (cue words, known names)."""
    from .candidates import Candidate
    from .context import Context
    from .entities import person
    from .ruleset import load_rules

    cands = []
    roles: dict[str, str] = {}
    for e in rule_entities:
        if e.label != "PERSON":
            continue
        c = Candidate("PERSON", e.start, e.end, e.explanation or "person", role=e.role,
                      value=e.value, data={"role_src": "known" if e.role and e.role != "other" else "default"})
        cands.append(c)
        if e.role and e.role != "other":
            roles.setdefault((e.value or {}).get("name") or e.text, e.role)
    mine = Candidate("PERSON", start, end, RULE_ID, data={})
    cands.append(mine)
    cands.sort(key=lambda c: c.start)
    ctx = Context(text=norm, rules=load_rules(), cands=cands, person_roles=roles, start=0, end=len(norm))
    if not person.resolve(mine, ctx):
        return "other"
    return mine.role or "other"


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


def _propose(text: str, rule_entities: list[Entity]) -> list[Entity]:
    if not isinstance(text, str) or not text.strip():
        return []
    from .entities import place
    from .textnorm import normalize

    norm = normalize(text)
    taken = [(e.start, e.end) for e in rule_entities]
    dateline = next((e.value.get("adcode") for e in rule_entities
                     if e.label == "PLACE" and e.value and e.value.get("adcode")), None)
    out: list[Entity] = []
    for s, e, lab in tag(norm):
        label = LABEL_MAP.get(lab)
        if label is None or e <= s or _overlaps(s, e, taken):
            continue
        name = norm[s:e]
        value: dict[str, Any] | None
        role = None
        if label == "PERSON":
            if not valid_person(name, norm[s - 1:s], norm[e:e + 1]):
                continue
            value = {"name": name, "anonymized": "某" in name}
            role = _person_role(norm, s, e, rule_entities)
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
        ent = Entity(label=label, text=text[s:e], start=s, end=e, role=role, value=value)
        ent._rule_id = RULE_ID
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
