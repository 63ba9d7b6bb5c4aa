"""CASE_TYPE: noun phrases naming a crime category, valued ``{"code": taxonomy code}``.

Cue terms, their kinds and the context blockers are data in ``rules/case_type.yaml``. One
compiled alternation (longest term first) finds every term at every position; the longest
claims its span, blockers drop verbal uses, and conjuncts before a span are split off.

Surface forms handled (span ← text):

- ``电信诈骗`` ← ``跨省电信诈骗案件``, ``诈骗`` ← ``诈骗分子``, ``涉嫌诈骗``, ``诈骗罪``
- ``环境犯罪``, ``食品药品违法犯罪``, ``食药环犯罪`` (head kept: the rest names only a domain)
- ``金融``, ``涉税``, ``保险``, ``电信网络诈骗`` ← ``金融、涉税、保险、电信网络诈骗犯罪``
- ``冒充公检法``, ``虚假网络贷款诈骗`` ← ``冒充公检法、虚假网络贷款诈骗`` (a ★ class stem that names
  a fraudulent act by itself is a conjunct too; ``stem_conjunct_marks``)
- none in ``被诈骗``, ``诈骗4800余元``, ``盗窃电动车300余辆``, ``反诈宣传``

>>> [(s, e, c["code"]) for s, e, _, c in find_spans("严防金融、保险、电信网络诈骗犯罪")]
[(2, 4, 'fraud.financial'), (5, 7, 'fraud.insurance'), (8, 14, 'fraud.telecom')]
>>> find_spans("被诈骗4800余元")
[]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, load_rules
from ..textnorm import span_back, strip_glosses
from ..trace import fire

LABEL = "CASE_TYPE"
ORDER = 60

_WINDOW = 12  # characters of left context a "before" blocker sees


@dataclass
class _Term:
    rule_id: str
    kind: str
    code: str
    codes: list[str] | None


@dataclass
class _Blocker:
    rule_id: str
    where: str
    applies_to: frozenset[str]
    pattern: Any
    keep: bool = False

    def applies(self, term: _Term) -> bool:
        return term.kind in self.applies_to or term.rule_id in self.applies_to


@dataclass
class _Compiled:
    terms: dict[str, _Term] = field(default_factory=dict)
    finder: Any = None
    conjuncts: dict[str, _Term] = field(default_factory=dict)
    conj_lengths: list[int] = field(default_factory=list)
    separators: list[str] = field(default_factory=list)
    blockers: list[_Blocker] = field(default_factory=list)
    #: fraud class stems (stem → term) and the bounds of a category label (case_type.label.category)
    stems: dict[str, _Term] = field(default_factory=dict)
    label_stops: str = ""
    label_after: str = ""
    label_determiners: tuple[str, ...] = ()
    label_stem_starts: tuple[str, ...] = ()
    channel_prefixes: tuple[str, ...] = ()
    #: object/means words before a bare crime word (case_type.modifier): word → code or ""
    modifiers: dict[str, str] = field(default_factory=dict)
    modifier_heads: frozenset[str] = frozenset()
    modifier_max: int = 0
    #: crime words that take an object before a case head (case_type.object): 盗窃农机具案
    object_heads: frozenset[str] = frozenset()
    object_re: Any = None
    object_stops: str = ""
    #: rule id → the blockers that apply to its terms (filled on first use)
    by_rule: dict[str, list[_Blocker]] = field(default_factory=dict)


def _compile(rules: RuleSet) -> _Compiled:
    rf = rules["case_type"]
    out = _Compiled()
    suffixes = rf.extra("stem_suffixes", [])
    heads = rf.extra("domain_heads", [])
    out.separators = sorted(rf.extra("conjunct_separators", []), key=len, reverse=True)
    out.modifiers = {str(k): str(v or "") for k, v in (rf.extra("modifiers") or {}).items()}
    out.modifier_heads = frozenset(rf.extra("modifier_heads") or ())
    out.modifier_max = max((len(k) for k in out.modifiers), default=0)
    out.object_heads = frozenset(rf.extra("object_heads") or ())
    if rf.extra("object_pattern"):
        out.object_re = re.compile(rf.extra("object_pattern"))
    out.object_stops = str(rf.extra("object_stops") or "")
    marks = list(rf.extra("stem_conjunct_marks", []) or [])
    min_len = int(rf.extra("stem_conjunct_min_length", 4) or 4)
    for r in rf.rules:
        kind = r.extra("kind")
        if r.pattern is not None:
            out.blockers.append(_Blocker(r.id, r.extra("where", "after"), frozenset(r.extra("applies_to", [])),
                                         r.compiled, bool(r.extra("keep", False))))
            continue
        term = _Term(r.id, kind, r.extra("code"), r.extra("codes"))
        if kind == "stem":
            surfaces = [s + suf for s in r.extra("stems", []) for suf in suffixes]
            for s in r.extra("stems", []):
                out.stems.setdefault(s, term)
            # a class name standing alone (case_type.stem.standalone): the class of its stem
            for s in r.extra("alone", []) or []:
                st = out.stems.get(s)
                alone = _Term(r.id, "stem", st.code if st else r.extra("code"), None)
                out.terms.setdefault(s, alone)
            # a stem naming a fraudulent act by itself is a conjunct too (冒充公检法、虚假网络贷款诈骗)
            for s in r.extra("stems", []):
                if len(s) >= min_len and any(mk in s for mk in marks):
                    out.conjuncts.setdefault(s, term)
        elif kind == "domain":
            surfaces = [s + h for s in r.extra("stems", []) for h in r.extra("heads", heads)]
        else:
            surfaces = list(r.extra("terms", []))
        table = out.conjuncts if kind == "conjunct" else out.terms
        for s in surfaces:
            # the first rule that lists a surface keeps it (crime terms before domains)
            table.setdefault(s, term)
    # a prefix trie as one regex: the stdlib engine fails fast on characters no term starts with
    out.finder = re.compile(_trie_pattern(list(out.terms))) if out.terms else None
    out.conj_lengths = sorted({len(t) for t in out.conjuncts}, reverse=True)
    label = rf.rule("case_type.label.category")
    out.label_stops, out.label_after = label.extra("left_stops", ""), label.extra("right_bounds", "")
    out.label_determiners = tuple(label.extra("determiners", []) or ())
    out.label_stem_starts = tuple(label.extra("stem_starts", []) or ())
    out.channel_prefixes = tuple(rf.rule("case_type.label.channel").extra("prefixes", []))
    return out


def _label_start(text: str, end: int, comp: _Compiled, limit: int = 12) -> int:
    """Start of a category label ending at ``end`` (办理贷款|类诈骗): the Han run back to a stop character."""
    s = end
    while s > 0 and end - s < limit and "\u4e00" <= text[s - 1] <= "\u9fff" and text[s - 1] not in comp.label_stops:
        s -= 1
    if text[s - 1:s + 1] == "其他" and s > 0:  # 其他类诈骗
        s -= 1
    return s


def _label_code(label: str, comp: _Compiled) -> tuple[_Term, int] | None:
    """The fraud class named inside a label: the longest stem it contains, and where it starts."""
    best = None
    for i in range(len(label)):
        for j in range(len(label), i + 1, -1):
            t = comp.stems.get(label[i:j])
            if t is not None and (best is None or j - i > best[0]):
                best = (j - i, t, i)
    return (best[1], best[2]) if best else None


def _category_labels(text: str, kept: list[tuple[int, int, _Term]], comp: _Compiled) -> list[tuple[int, int, _Term]]:
    """Category labels of bulletins are one span (case_type.label.category): ``网上刷单类诈骗``,
    ``办理贷款类诈骗``, and ``刷单返利类`` / ``冒充客服类`` closed by a list mark, with the class found inside."""
    out = []
    for s, e, term in kept:
        if term.kind == "stem" and text[s:e].endswith("类") and text[e:e + 1] not in comp.label_after:
            continue  # 贷款类业务: a stem + 类 is a label only when a list mark closes it
        if text[e:e + 1] == "类" and (e + 1 == len(text) or text[e + 1] in comp.label_after) and term.kind in ("stem", "noun"):
            e += 1  # 刷单返利类、 (a stem's class label without 诈骗)
        if term.kind == "stem" and text[max(0, s - 2):s] in comp.channel_prefixes:
            fire("case_type.label.channel")
            s -= 2  # 网上购物诈骗: the channel is part of the class name
        if text[s:e].endswith("类诈骗") or text[s:e] == "诈骗" and text[s - 1:s] == "类":
            lab_end = e - 3 if text[s:e].endswith("类诈骗") else s - 1
        elif text[s:e].endswith("类"):
            lab_end = e - 1
        else:
            out.append((s, e, term))
            continue
        ls = _label_start(text, lab_end, comp)
        if text[ls:lab_end].endswith(comp.label_determiners) and text[lab_end:lab_end + 1] == "类":
            out.append((s, e, term))  # 同类诈骗, 此类诈骗: no label
            continue
        hit = _label_code(text[ls:lab_end], comp) if ls < lab_end else None
        found = hit[0] if hit else None
        if hit is None:  # no class inside: a short label only (充值返利类诈骗)
            ls = max(ls, lab_end - 6)
        elif text[ls + hit[1]:lab_end].startswith(comp.label_stem_starts):
            ls += hit[1]  # 拆解虚假投资类诈骗 → 虚假投资类诈骗
        if ls >= lab_end:
            out.append((s, e, term))
            continue
        fire("case_type.label.category")
        out.append((min(ls, s), e, found or term))
    return out


def _trie_pattern(terms: list[str]) -> str:
    """A regex matching the longest of ``terms`` at a position, factored by common prefixes.

    >>> _trie_pattern(["诈骗", "诈骗罪", "电诈"])
    '(?:电诈|诈骗(?:罪)?)'
    """
    trie: dict = {}
    for t in terms:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if optional else group

    return build(trie)


@functools.lru_cache(maxsize=4)
def compiled(rules: RuleSet) -> _Compiled:
    """The compiled finder for a RuleSet (cached per RuleSet object)."""
    return _compile(rules)


def _blocked(text: str, start: int, end: int, term: _Term, comp: _Compiled) -> bool:
    """True when a blocker says this occurrence is not a crime-category noun."""
    hits: list[str] = []
    keep = False
    blockers = comp.by_rule.get(term.rule_id)
    if blockers is None:
        blockers = comp.by_rule[term.rule_id] = [b for b in comp.blockers if b.applies(term)]
    for b in blockers:
        if b.where == "before":
            window = text[max(0, start - _WINDOW):start]
            m = b.pattern.search(window)
        else:
            m = b.pattern.match(text[end:end + 24])
        if m is None:
            continue
        fire(b.rule_id)
        if b.keep:
            keep = True
        else:
            hits.append(b.rule_id)
    return bool(hits) and not keep


def _conjuncts_before(text: str, start: int, comp: _Compiled) -> list[tuple[int, int, _Term]]:
    """Conjuncts coordinated before a span: ``金融、涉税、`` before ``保险诈骗``."""
    found: list[tuple[int, int, _Term]] = []
    pos = start
    while True:
        sep = next((s for s in comp.separators if text.startswith(s, pos - len(s)) and pos - len(s) >= 0), None)
        if sep is None:
            break
        p = pos - len(sep)
        hit = None
        for n in comp.conj_lengths:
            if p - n >= 0 and text[p - n:p] in comp.conjuncts:
                hit = (p - n, p, comp.conjuncts[text[p - n:p]])
                break
        if hit is None:
            break
        found.append(hit)
        pos = hit[0]
    return found


def find_spans(text: str, rules: RuleSet | None = None) -> list[tuple[int, int, str, dict[str, Any]]]:
    """CASE_TYPE spans ``(start, end, rule_id, value)`` in ``text`` (normalized), in text order.

    >>> t = "跨省电信诈骗案件中的诈骗分子"
    >>> [t[s:e] for s, e, _, _ in find_spans(t)]
    ['电信诈骗', '诈骗']
    >>> [v["code"] for *_, v in find_spans("食品药品与环境犯罪")]
    ['food_drug', 'environment']
    """
    rules = rules or load_rules()
    comp = compiled(rules)
    if comp.finder is None or not text:
        return []
    glossed = strip_glosses(text)
    if glossed is not None:  # 電信網(wǎng)絡詐騙: read without the pinyin, spans keep it inside
        plain, index = glossed
        return [(*span_back(index, s, e), rid, v) for s, e, rid, v in _find_spans(plain, comp)]
    return _find_spans(text, comp)


def _find_spans(text: str, comp: _Compiled) -> list[tuple[int, int, str, dict[str, Any]]]:
    finder = comp.finder
    matches = []
    for m in finder.finditer(text):
        s, e = m.span()
        matches.append((s, e))
        for j in range(s + 1, e):  # a longer term starting inside this one (rare)
            inner = finder.match(text, j)
            if inner is not None and inner.end() > e:
                matches.append(inner.span())
    matches.sort(key=lambda se: (se[0] - se[1], se[0]))
    claimed = bytearray(len(text))  # 1 where a longer term already claimed the character
    kept: list[tuple[int, int, _Term]] = []
    for s, e in matches:
        if any(claimed[s:e]):
            continue
        claimed[s:e] = b"\x01" * (e - s)
        term = comp.terms[text[s:e]]
        if _blocked(text, s, e, term, comp):
            continue
        fire(term.rule_id)
        kept.append((s, e, term))
    for s, _e, _t in list(kept):
        for cs, ce, term in _conjuncts_before(text, s, comp):
            if any(claimed[cs:ce]):
                break
            claimed[cs:ce] = b"\x01" * (ce - cs)
            fire(term.rule_id)
            kept.append((cs, ce, term))
    kept.sort(key=lambda x: x[0])
    if comp.modifiers:
        kept = [_with_modifier(text, s, e, term, comp) for s, e, term in kept]
    if comp.object_re is not None:
        kept = _with_objects(text, kept, comp)
    kept = _category_labels(text, kept, comp)
    out = []
    for s, e, term in kept:
        value: dict[str, Any] = {"code": term.code}
        if term.codes:
            value["codes"] = list(term.codes)
        out.append((s, e, term.rule_id, value))
    return out


def _with_modifier(text: str, s: int, e: int, term: _Term, comp: _Compiled) -> tuple[int, int, _Term]:
    """``摩托车盗窃``: object or means words right before a bare crime word join its span
    (case_type.modifier; 系列 only between two of them: 入户系列盗窃); a word with a code sets it."""
    if text[s:e] not in comp.modifier_heads:
        return s, e, term
    start, code, n = s, "", 0
    while True:
        hit = next((k for k in range(min(comp.modifier_max, start), 1, -1)
                    if text[start - k:start] in comp.modifiers), 0)
        if not hit:
            break
        word = text[start - hit:start]
        start -= hit
        n += 1
        code = code or comp.modifiers[word]
    while start < s and n and text[start:start + 2] == "系列":  # 系列盗窃: no modifier before 系列
        start += 2
        n -= 1
    if start == s:
        return s, e, term
    fire("case_type.modifier")
    if code and code != term.code:
        term = _Term(term.rule_id, term.kind, code, None)
    return start, e, term


def _with_objects(text: str, kept: list[tuple[int, int, _Term]], comp: _Compiled) -> list[tuple[int, int, _Term]]:
    """``盗窃农机具案`` → 盗窃农机具: the object between a theft/robbery word and 案 joins its span
    (case_type.object); never across another span or a word that opens a new phrase (盗窃团伙作案)."""
    out = []
    for i, (s, e, term) in enumerate(kept):
        if text[s:e] in comp.object_heads or (text[s:e].endswith(tuple(comp.object_heads))
                                              and term.code.split(".")[0] in ("theft", "robbery")):
            m = comp.object_re.match(text, e)
            nxt = kept[i + 1][0] if i + 1 < len(kept) else len(text)
            if m and m.end() <= nxt and not any(c in comp.object_stops for c in m.group("obj")):
                fire("case_type.object")
                e = m.end()
        out.append((s, e, term))
    return out


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """CASE_TYPE candidates; the code travels in ``data`` until ``resolve``."""
    return [
        Candidate(LABEL, s, e, rid, score=0.8, data={"value": value})
        for s, e, rid, value in find_spans(text, rules)
    ]


@functools.lru_cache(maxsize=4)
def _story_cues(rules: RuleSet) -> tuple[Any, Any, str]:
    r = rules["case_type"].rule("case_type.story.杀猪盘")
    return re.compile(r.extra("investment")), re.compile(r.extra("romance")), r.extra("code")


def resolve(cand: Candidate, ctx: Context) -> bool:
    """The value is the code of the rule that found the span; 杀猪盘 takes the code of the story
    (case_type.story.杀猪盘: fraud.investment when the article tells of a fake investment)."""
    value = cand.data.get("value")
    if not value:
        return False
    cand.value = dict(value)
    if cand.rule_id == "case_type.term.杀猪盘":
        inv, rom, code = _story_cues(ctx.rules)
        article = ctx.text[ctx.start:ctx.end] if ctx.end > ctx.start else ctx.text
        lo = ctx.text.rfind("\n", 0, cand.start) + 1
        hi = ctx.text.find("\n", cand.end)
        para = ctx.text[lo:hi if hi >= 0 else len(ctx.text)]
        if inv.search(para) or (inv.search(article) and not rom.search(article)):
            fire("case_type.story.杀猪盘")
            cand.value["code"] = code
    return True
