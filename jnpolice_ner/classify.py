"""Case type of a whole story: the most specific taxonomy code the text supports, explained.

Weighted cues per family and per class are data in ``rules/case_classes.yaml``; CASE_TYPE
spans (found here when not given) add their codes. The family with the highest score wins,
then its best subclass (``fraud.customer_service`` …), else the fraud channel
(``fraud.online`` / ``fraud.telecom``), else the family code. ``docs/case_types.md`` explains
what separates neighbouring classes.

>>> code, why = classify("她买的奶粉质量不达标，对方称需要退款，随后她被骗1万元。")
>>> code, why
('fraud.customer_service', ['classify.fraud.被骗', 'classify.customer_service.退款', 'classify.customer_service.质量问题'])
>>> classify("他在网上找人代刷游戏装备，被骗走8万余元。")[0]
'fraud.game_trade'
>>> classify("一起网络诈骗案告破，受害人被骗2万元。")[0]
'fraud.online'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import regex

from .errors import RuleError
from .ruleset import RuleSet, load_rules
from .textnorm import normalize
from .trace import fire

_ID_RE = regex.compile(r"^classify\.[^\s.]+\.[^\s.]+$")


@dataclass
class Cue:
    id: str
    code: str
    weight: float
    terms: list[str] = field(default_factory=list)
    patterns: list[Any] = field(default_factory=list)


@dataclass
class Scheme:
    families: dict[str, list[Cue]]
    classes: dict[str, list[Cue]]
    channels: dict[str, list[Cue]]
    preferences: list[dict[str, Any]]
    params: dict[str, float]
    #: families that win outright when one of their listed cues fires (``family_overrides``)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    #: class code → cue ids of which one must fire for the class to win
    requires: dict[str, list[str]] = field(default_factory=dict)
    #: first character → the lengths of the terms that start with it (longest first)
    index: dict[str, list[int]] = field(default_factory=dict)
    terms: frozenset[str] = frozenset()
    #: term → the cues that list it; cues with patterns; family → its subclass / channel codes
    term_cues: dict[str, list[Cue]] = field(default_factory=dict)
    pattern_cues: list[Cue] = field(default_factory=list)
    subclasses: dict[str, list[str]] = field(default_factory=dict)
    family_channels: dict[str, list[str]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    def build_index(self) -> None:
        index: dict[str, set[int]] = {}
        for g in (self.families, self.classes, self.channels):
            for cues in g.values():
                for c in cues:
                    for t in c.terms:
                        self.term_cues.setdefault(t, []).append(c)
                        index.setdefault(t[0], set()).add(len(t))
                    if c.patterns:
                        self.pattern_cues.append(c)
        self.index = {ch: sorted(ls, reverse=True) for ch, ls in index.items()}
        self.terms = frozenset(self.term_cues)
        self.subclasses = {f: [c for c in self.classes if _family(c) == f] for f in self.families}
        self.family_channels = {f: [c for c in self.channels if _family(c) == f] for f in self.families}
        self.order = {cid: i for i, cid in enumerate(self.all_cue_ids())}

    def cue_counts(self, text: str) -> dict[str, tuple[Cue, int]]:
        """cue id → (cue, occurrences of its terms and patterns) for the cues that fire."""
        out: dict[str, tuple[Cue, int]] = {}
        for t, n in self.count_terms(text).items():
            for c in self.term_cues[t]:
                prev = out.get(c.id)
                out[c.id] = (c, n + (prev[1] if prev else 0))
        for c in self.pattern_cues:
            n = sum(1 for p in c.patterns for _ in p.finditer(text))
            if n:
                prev = out.get(c.id)
                out[c.id] = (c, n + (prev[1] if prev else 0))
        return out

    def count_terms(self, text: str) -> dict[str, int]:
        """Occurrences of every cue term in ``text`` (overlapping, nested terms all count)."""
        counts: dict[str, int] = {}
        index, terms = self.index, self.terms
        for i, ch in enumerate(text):
            lengths = index.get(ch)
            if lengths is None:
                continue
            for n in lengths:
                t = text[i:i + n]
                if t in terms:
                    counts[t] = counts.get(t, 0) + 1
        return counts

    def all_cue_ids(self) -> list[str]:
        groups = [*self.families.values(), *self.classes.values(), *self.channels.values()]
        return [c.id for g in groups for c in g] + [p["id"] for p in self.preferences] + [o["id"] for o in self.overrides]


def _cues(entries: list[dict], where: str) -> dict[str, list[Cue]]:
    out: dict[str, list[Cue]] = {}
    for entry in entries or []:
        code = entry.get("code")
        if not code:
            raise RuleError(f"rules/case_classes.yaml: {where} entry without a code")
        cues = []
        for c in entry.get("cues", []):
            cid = c.get("id", "")
            if not _ID_RE.match(cid):
                raise RuleError(f"rules/case_classes.yaml: cue id {cid!r} is not classify.<class>.<name>")
            if not c.get("terms") and not c.get("patterns"):
                raise RuleError(f"rules/case_classes.yaml: cue {cid} has neither terms nor patterns")
            pats = []
            for p in c.get("patterns", []):
                if "\\b" in p or "\\W" in p:
                    raise RuleError(f"rules/case_classes.yaml: cue {cid}: \\b and \\W do not work in Chinese")
                try:
                    pats.append(regex.compile(p))
                except regex.error as exc:
                    raise RuleError(f"rules/case_classes.yaml: cue {cid}: bad pattern: {exc}") from None
            cues.append(Cue(cid, code, float(c.get("weight", 1.0)), list(dict.fromkeys(c.get("terms", []))), pats))
        out[code] = cues
    return out


@functools.lru_cache(maxsize=4)
def scheme(rules: RuleSet | None = None) -> Scheme:
    """The validated cue scheme of ``rules/case_classes.yaml`` (cached)."""
    rf = (rules or load_rules())["case_classes"]
    params = {k: float(rf.extra(k, d)) for k, d in (
        ("min_family", 3.0), ("min_subclass", 3.0), ("min_channel", 2.0), ("subclass_share", 0.5),
        ("span_weight", 3.0), ("repeat_bonus", 0.25), ("repeat_cap", 3),
        ("stat_fallback", 0.5), ("stat_override", 0.9), ("stat_margin", 0.0), ("stat_support", 3.0))}
    prefs = list(rf.extra("preferences", []) or [])
    for p in prefs:
        if not _ID_RE.match(p.get("id", "")):
            raise RuleError(f"rules/case_classes.yaml: preference id {p.get('id')!r} is not classify.<x>.<y>")
    s = Scheme(_cues(rf.extra("families"), "families"), _cues(rf.extra("classes"), "classes"),
               _cues(rf.extra("channels"), "channels"), prefs, params)
    s.overrides = list(rf.extra("family_overrides", []) or [])
    for o in s.overrides:
        if not _ID_RE.match(o.get("id", "")) or o.get("family") not in s.families:
            raise RuleError(f"rules/case_classes.yaml: family override {o.get('id')!r} is malformed")
    s.requires = {e["code"]: list(e["requires"]) for e in rf.extra("classes", []) if e.get("requires")}
    s.build_index()
    seen: set[str] = set()
    for cid in s.all_cue_ids():
        if cid in seen:
            raise RuleError(f"rules/case_classes.yaml: cue id {cid} is defined twice")
        seen.add(cid)
    named = [(p["id"], key, ref) for p in prefs for key in ("requires", "unless") for ref in p.get(key) or ()]
    named += [(code, "requires", ref) for code, refs in s.requires.items() for ref in refs]
    named += [(o["id"], "requires", ref) for o in s.overrides for ref in o.get("requires") or ()]
    for owner, key, ref in named:  # a misspelt id would silently never match
        if ref not in seen:
            raise RuleError(f"rules/case_classes.yaml: {owner}: {key} names {ref!r}, which is no cue id")
    return s




def _family(code: str) -> str:
    return code.split(".", 1)[0]


def _span_codes(spans: list | None, text: str) -> list[tuple[str, str]]:
    """``(code, rule_id)`` of the CASE_TYPE spans (entities, candidates, dicts or tuples)."""
    if spans is None:
        from .entities.case_type import find_spans

        return [(v["code"], rid) for _s, _e, rid, v in find_spans(text)]
    out = []
    for sp in spans:
        if isinstance(sp, tuple):
            value, rid = sp[3], sp[2]
        elif isinstance(sp, dict):
            if sp.get("label", "CASE_TYPE") != "CASE_TYPE":
                continue
            value, rid = sp.get("value"), sp.get("rule_id")
        else:
            if getattr(sp, "label", "CASE_TYPE") != "CASE_TYPE":
                continue
            value = getattr(sp, "value", None)
            rid = getattr(sp, "rule_id", None) or getattr(sp, "explanation", None)
        if value and value.get("code"):
            out.append((value["code"], rid or "case_type.span"))
    return out


def scores(text: str, spans: list | None = None) -> dict[str, tuple[float, list[str]]]:
    """Score of every family, class and channel code with the cue ids that fired.

    >>> scores("他因为刷单被骗")["fraud.brushing"]
    (5.0, ['classify.brushing.刷单'])
    """
    sch = scheme()
    text = normalize(text or "")
    p = sch.params
    out: dict[str, tuple[float, list[str]]] = {
        code: (0.0, []) for g in (sch.families, sch.classes, sch.channels) for code in g}
    fired = sorted(sch.cue_counts(text).values(), key=lambda cn: sch.order[cn[0].id])
    for cue, n in fired:
        fire(cue.id)
        extra = min(n - 1, int(p["repeat_cap"])) * p["repeat_bonus"]
        s, ids = out[cue.code]
        out[cue.code] = (s + cue.weight * (1.0 + extra), ids + [cue.id])
    for code, rid in _span_codes(spans, text):
        for target in {code, _family(code)}:
            s, ids = out.get(target, (0.0, []))
            out[target] = (s + p["span_weight"], ids if rid in ids else ids + [rid])
    return out


def classify(text: str, spans: list | None = None, statistical: bool = True) -> tuple[str, list[str]]:
    """The most specific taxonomy code for a case story and the ids of the cues that decided it.

    ``spans``: the story's CASE_TYPE entities (Entity, Candidate, dict or ``find_spans`` tuple);
    None finds them. A story with no cue at all is ``other``. The cue rules decide; for a fraud
    story the statistical classifier (``textcat.py``, trained on the project's own narratives) then
    names the scheme the rules left open or overrules a weakly supported class (``_combine``);
    ``statistical=False`` gives the rules alone.

    >>> classify("张某盗窃电动车一辆，被当场抓获。")[0]
    'theft.vehicle'
    >>> classify("")
    ('other', [])
    """
    code, ids, sc = _rules(text, spans)
    if statistical and code.split(".", 1)[0] == "fraud":
        code, ids = _combine(text, code, ids, sc)
    return code, ids


def _combine(text: str, code: str, ids: list[str], sc: dict[str, tuple[float, list[str]]]) -> tuple[str, list[str]]:
    """The rules' fraud code weighed with the statistical classifier's best ★ class (both explanations kept:
    the cue ids, then ``textcat.<class>`` and ``textcat.ngram.<n-gram>`` of its strongest n-grams).

    - they agree: the rules' code, with the classifier's explanation added;
    - the rules gave only the family or a channel (``fraud``, ``fraud.online``, ``fraud.telecom``): the
      classifier's class when its probability is at least ``stat_fallback`` and the rules' own cues of that class
      score at least ``stat_support`` (a class its ``requires`` kept out) (``classify.statistical.fallback``);
    - two ★ classes disagree: the classifier's class when its probability is at least ``statistical.override``
      and the rules' support for it is within ``statistical.margin`` of the winner's (0: the rules tie; the
      ``requires`` of a class can leave the best-scored class out) (``classify.statistical.override``),
      unless a preference of the rules decided between the two (``classify.prefer.*``: a distinction made on purpose).
    """
    from . import textcat

    preds = textcat.predict(text)
    if not preds:
        return code, ids
    best, prob, grams = preds[0]
    p = scheme().params
    why = [f"textcat.{best.split('.', 1)[1]}", *(f"textcat.ngram.{g}" for g in grams)]
    if best == code:
        return code, ids + why
    if code in _OPEN:
        # cues of its class must have fired too (``stat_support``; one generic word such as 公安局 is not enough):
        # a story naming no scheme stays open
        if prob >= p["stat_fallback"] and sc[best][0] >= p["stat_support"]:
            fire("classify.statistical.fallback")
            return best, ids + sc[best][1] + why + ["classify.statistical.fallback"]
        return code, ids
    if code not in _STAR:
        return code, ids  # fraud.financial, fraud.tax …: a kind the classifier does not know
    if any(i.startswith("classify.prefer.") for i in ids):
        return code, ids  # the rules told these two neighbours apart on purpose (a preference)
    if prob >= p["stat_override"] and sc[best][0] + p["stat_margin"] >= sc[code][0]:
        fire("classify.statistical.override")
        family = [i for i in ids if not i.startswith(("classify.", "textcat.")) or i.startswith("classify.fraud.")]
        return best, family + sc[best][1] + why + ["classify.statistical.override"]
    return code, ids


#: codes the rules give when they name no scheme; the twelve ★ codes the classifier knows
_OPEN = frozenset({"fraud", "fraud.online", "fraud.telecom"})
_STAR = frozenset({"fraud.brushing", "fraud.customer_service", "fraud.investment", "fraud.loan", "fraud.credit",
                   "fraud.shopping", "fraud.impersonate_official", "fraud.impersonate_acquaintance",
                   "fraud.game_trade", "fraud.romance", "fraud.impersonate_military", "fraud.sextortion"})


def _rules(text: str, spans: list | None) -> tuple[str, list[str], dict[str, tuple[float, list[str]]]]:
    """The cue rules' decision: ``(code, cue ids, scores)``."""
    sch = scheme()
    p = sch.params
    sc = scores(text, spans)
    # family score: own cues + spans + a share of the best subclass's evidence
    fam: dict[str, tuple[float, list[str]]] = {}
    for code in sch.families:
        s, ids = sc.get(code, (0.0, []))
        best_sub = max((sc[c][0] for c in sch.subclasses[code]), default=0.0)
        fam[code] = (s + p["subclass_share"] * best_sub, ids)
    order = list(sch.families)
    family = max(order, key=lambda c: (fam[c][0], -order.index(c)))
    override = None
    for o in sch.overrides:
        if o["family"] != family and set(o.get("requires") or ()) & set(sc[o["family"]][1]):
            fire(o["id"])
            family, override = o["family"], o["id"]
            break
    if fam[family][0] < p["min_family"]:
        return "other", [], sc
    explanation = list(fam[family][1]) + ([override] if override else [])
    subs = [c for c in sch.subclasses[family]
            if c not in sch.requires or set(sch.requires[c]) & set(sc[c][1])]
    if subs:
        best = max(subs, key=lambda c: (sc[c][0], -subs.index(c)))
        fired = {i for _s, ids in sc.values() for i in ids}
        for pref in sch.preferences:
            other_score, other_ids = sc.get(pref["prefer"], (0.0, []))
            if pref.get("requires") and not set(pref["requires"]) & set(other_ids):
                continue
            if pref.get("unless") and set(pref["unless"]) & fired:
                continue
            if best == pref["if_best"] and other_score >= float(pref["min"]):
                fire(pref["id"])
                explanation.append(pref["id"])
                best = pref["prefer"]
        if sc[best][0] >= p["min_subclass"]:
            return (*_done(best, explanation + sc[best][1]), sc)
    chans = sch.family_channels[family]
    if chans:
        best = max(chans, key=lambda c: (sc[c][0], -chans.index(c)))
        if sc[best][0] >= p["min_channel"]:
            return (*_done(best, explanation + sc[best][1]), sc)
    return (*_done(family, explanation), sc)


def _done(code: str, ids: list[str]) -> tuple[str, list[str]]:
    ids = list(dict.fromkeys(ids))
    for i in ids:
        fire(i)
    return code, ids
