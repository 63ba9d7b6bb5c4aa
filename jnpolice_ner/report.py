"""Article → ``CaseReport``: which articles report a case, and which fact fills which field.

An article reports a case when its sentences show at least two kinds of case events (a report
to the police, a loss, an arrest, a prevented fraud) outside statistics sentences, and it has
a concrete anchor (a day-precise date, a named victim or suspect, or an amount of money). Fields
are filled from the article's entities by the cue groups of ``rules/report.yaml``, each
sentence-local: a MONEY in a sentence with 被骗/转账 is the amount lost, a DATE in a sentence
with 报警 is ``reported_on``, … ``case_type`` comes from the whole story (``classify``).

>>> from jnpolice_ner import parse_page
>>> art = parse_page("3月2日，市民赵女士报警称被骗5000元。3月5日，民警将嫌疑人刘某抓获。", "2020-03-10").articles[0]
>>> r = art.case
>>> r.amount_lost.amount, r.reported_on.iso, r.arrested_on.iso, r.outcome
(5000, '2020-03-02', '2020-03-05', ['arrested'])
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as _dt
import functools
import itertools
import logging
import re
from dataclasses import dataclass
from typing import Any

import regex

from .models import Article, CaseReport, DateValue, Entity, Money, Party
from .numerals import parse_number
from .ruleset import RuleSet, load_rules
from .textnorm import normalize, strip_glosses
from .trace import fire

log = logging.getLogger("jnpolice_ner")

_SENT_RE = regex.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?")


@dataclass
class _Sentence:
    start: int
    end: int
    text: str


class _Cues:
    def __init__(self, rules: RuleSet):
        f = rules["report"]
        self.groups: dict[str, list[str]] = {}
        self.quick: dict[str, Any] = {}  # rule id → one compiled alternation of its cues (built on first use)
        self.patterns: dict[str, Any] = {}
        for r in f.rules:
            cues = r.extra("cues") or []
            self.groups[r.id] = sorted(cues, key=len, reverse=True)
            if r.compiled is not None:
                self.patterns[r.id] = r.compiled
        self.splits = [(r.id, r.compiled) for r in f.rules if r.id.startswith("report.split.") and r.compiled is not None]
        self.accomplice = tuple(f.rule("report.split.dated_paragraph").extra("accomplice") or ())
        self.new_case_openers = tuple(f.rule("report.split.another_case").extra("new_case") or ())
        self.weak_splits = frozenset(r.id for r in f.rules if r.id.startswith("report.split.") and r.extra("weak"))
        helpers = sorted(f.rule("report.party.helper").extra("cues") or (), key=len, reverse=True)
        self.helper_re = regex.compile("(?:" + "|".join(regex.escape(h) for h in helpers)
                                       + r")(?:[0-9一二两三四五六七八九十]{1,2}名)?(?:\p{Han}{1,4}、){0,3}$")
        self.negations = f.extra("negations", [])
        self.min_events = int(f.extra("min_event_groups", 2))
        self.event_groups = tuple(r.id for r in f.rules if r.id.startswith("report.event."))
        methods = f.extra("methods", [])
        self.method_re = regex.compile("|".join(regex.escape(m) for m in sorted(methods, key=len, reverse=True)))
        back = f.rule("report.party.back_reference")
        self.back_titles = tuple(back.extra("titles") or ())
        self.back_anon = tuple(back.extra("anonymous") or ())
        self.compound_surnames = frozenset(n for n in rules.lexicon("surnames") if len(n) == 2)
        ctx = f.rule("report.prevented.context")
        self.needs_context = frozenset(ctx.extra("needs") or ())
        self.prevention_context = tuple(ctx.extra("context") or ())
        self.pretext_claims = tuple(f.rule("report.outcome.pretext").extra("claims") or ())
        self.aggregate = {r.id: r.compiled for r in f.rules if r.id.startswith("report.aggregate.")}
        self.male_titles = tuple(f.rule("report.party.gender_title").extra("male") or ())
        self.female_words = frozenset({"女子", "女孩", "女青年", "老太", "姑娘", "妇女"})
        sole = f.rule("report.party.sole_culprit")
        self.sole_culprit = (tuple(sole.extra("cues") or ()), tuple(sole.extra("female") or ()))
        county = f.rule("report.county.place")
        self.rules_county = (tuple(county.extra("skip_before") or ()), tuple(county.extra("skip_after") or ()))
        goods = f.rule("report.outcome.recovered_goods")
        self.seized_money = tuple(f.rule("report.money.seized").extra("money") or ())
        self.caught_families = tuple(f.rule("report.date.caught_in_act").extra("families") or ())
        employer = f.rule("report.unit.employer")
        self.unit_posts = tuple(employer.extra("posts") or ())
        self.unit_harm = tuple(employer.extra("harm") or ())
        self.goods_needs = tuple(goods.extra("needs") or ())
        self.goods_context = tuple(goods.extra("context") or ())
        self.bulletin_generic = tuple(f.rule("report.bulletin.loss_line").extra("generic") or ())
        unfinished = f.rule("report.outcome.unfinished")
        self.unfinished_before = tuple(unfinished.extra("before") or ())
        self.unfinished_after = tuple(unfinished.extra("after") or ())

    def hit(self, rule_id: str, text: str) -> str | None:
        """The first cue of ``rule_id`` found in ``text`` (fires the rule), or None. A prevention cue that also
        fits a traffic stop or a fight (``拦下``, ``劝阻``: report.prevented.context) counts only when ``text``
        (one sentence) speaks of money or the crime."""
        quick = self.quick.get(rule_id)
        if quick is None:
            cues = self.groups.get(rule_id, ())
            quick = self.quick[rule_id] = re.compile("|".join(map(re.escape, cues))) if cues else _NEVER
        if quick.search(text) is None:  # most texts hold none of the cues: one scan instead of one per cue
            return None
        gated = rule_id in _GATED
        for cue in self.groups.get(rule_id, ()):
            if cue in text:
                if gated and cue in self.needs_context and not any(c in text for c in self.prevention_context):
                    fire("report.prevented.context")
                    continue
                fire(rule_id)
                return cue
        return None


_NEVER = re.compile("(?!)")
_GATED = frozenset({"report.event.prevented", "report.outcome.prevented", "report.money.stopped"})


@functools.lru_cache(maxsize=4)
def _cues(rules: RuleSet) -> _Cues:
    return _Cues(rules)


_FULL_SENT_RE = regex.compile(r"[^。！？!?\n]*[。！？!?\n]?")


def _aggregate(text: str, ents: list[Entity], cues: _Cues) -> list[tuple[int, int]]:
    """Stretches of ``text`` that are aggregate sentences (report.aggregate.*): a work summary's counts and
    totals, not one case. A sentence runs to 。！？ or a line break (its ；-clauses are one list of results); one
    naming a victim or suspect is never aggregate, and a count of cases is not when a day-precise date anchors it.

    >>> c = _cues(load_rules())
    >>> t = "今年以来，全市共破获诈骗案件300余起。3月2日，市民赵女士被骗5000元。"
    >>> [t[a:b] for a, b in _aggregate(t, [], c)]
    ['今年以来，全市共破获诈骗案件300余起。']
    """
    pats = cues.aggregate
    out: list[tuple[int, int]] = []
    for m in _FULL_SENT_RE.finditer(text):
        lo, hi = m.span()
        if hi <= lo:
            continue
        s = m.group(0)
        ratio = pats["report.aggregate.ratio"].search(s) is not None or cues.hit("report.statistics", s) is not None
        many = pats["report.aggregate.cases"].search(s) is not None
        wide = pats["report.aggregate.period"].search(s) is not None
        counted = wide and (pats["report.aggregate.count"].search(s) is not None
                            or pats["report.aggregate.total"].search(s) is not None)
        batch = pats["report.aggregate.batch"].search(s) is not None
        many = many or batch
        if not (ratio or many or counted):
            continue
        inside = [e for e in ents if lo <= e.start < hi]
        if any(_party_role(text, e, cues) in ("victim", "suspect") for e in inside):
            continue
        if not wide and pats["report.aggregate.ratio"].search(s) is None:
            # 一、赵某某黑社会性质组织。…公安机关共抓获犯罪嫌疑人15名，破获刑事案件18起。: the counts of one gang's case,
            # told in the paragraph that names its head (report.aggregate.own_case)
            line_lo, line_hi = text.rfind("\n", 0, lo) + 1, text.find("\n", hi)
            line_hi = len(text) if line_hi < 0 else line_hi
            if any(line_lo <= e.start < line_hi and _party_role(text, e, cues) == "suspect" for e in ents):
                fire("report.aggregate.own_case")
                continue
        day = any(e.label == "DATE" and (e.value or {}).get("granularity") == "day" for e in inside)
        if not (ratio or counted) and day:
            continue
        for rid, hit in (("report.aggregate.ratio", ratio), ("report.aggregate.cases", many and not batch),
                         ("report.aggregate.batch", batch),
                         ("report.aggregate.period", wide), ("report.aggregate.count", counted),
                         ("report.aggregate.total", counted and pats["report.aggregate.total"].search(s))):
            if hit:
                fire(rid)
        out.append((lo, hi))
    return out


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for m in _SENT_RE.finditer(text):
        if m.end() > m.start() and m.group(0).strip():
            out.append(_Sentence(m.start(), m.end(), m.group(0)))
    return out


def _sentence_of(sents: list[_Sentence], pos: int) -> _Sentence | None:
    """The sentence containing ``pos`` (``sents`` in text order, not overlapping): a binary search,
    as it is asked once per entity (a scan made an article with many entities quadratic)."""
    k = bisect.bisect_right(sents, pos, key=lambda s: s.start) - 1
    if k >= 0 and sents[k].start <= pos < sents[k].end:
        return sents[k]
    return None


def _negated(sentence: str, cue: str, cues: _Cues) -> bool:
    i = sentence.find(cue)
    window = sentence[max(0, i - 4):i]
    return any(n in window for n in cues.negations)


def _classify(text: str, ents: list[Entity]) -> tuple[str, list[str]]:
    try:
        from .classify import classify
    except ImportError:  # pragma: no cover - the classifier ships with the package
        classify = None
    if classify is not None:
        try:
            code, cue_ids = classify(text, ents)
            return code, list(cue_ids)
        except Exception:
            log.exception("case-type classification failed")
    codes = [e.value.get("code") for e in ents if e.label == "CASE_TYPE" and e.value]
    return (codes[0] if codes else "other"), []


def _party(e: Entity, text: str, cues: _Cues, origin_places: list[Entity]) -> Party:
    name = (e.value or {}).get("name") or e.text
    party = Party(name=name)
    tail = text[e.end:e.end + 64]
    m = cues.patterns["report.party.description"].match(tail)
    if m:
        fire("report.party.description")
        body = m.group("body")
        g = regex.search(r"(?<![\p{Han}])([男女])(?:性)?(?=[，,、。；\s）)]|$)", body)
        if g:
            party.gender = g.group(1)
        a = regex.search(r"(\d{1,3})岁", body)
        if a:
            party.age = int(a.group(1))
        lo, hi = e.end + m.start("body"), e.end + m.end("body")
        for p in origin_places:
            if lo <= p.start and p.end <= hi:
                party.origin = (p.value or {}).get("name") or p.text
                break
    if party.gender is None:
        title = cues.hit("report.party.gender_title", e.text)
        if title:
            party.gender = "女"
        elif any(e.text.endswith(m) for m in cues.male_titles):
            fire("report.party.gender_title")
            party.gender = "男"
    head = text[max(0, e.start - 24):e.start]
    if party.gender is None:
        g = cues.patterns["report.party.gender_before"].search(head)
        if g:
            fire("report.party.gender_before")
            party.gender = "女" if g.group("g") in cues.female_words else "男"
    if party.gender is None:
        g = cues.patterns["report.party.gender_after"].match(tail)
        if g:
            fire("report.party.gender_after")
            party.gender = g.group("g")
    if party.gender is None:
        g = cues.patterns["report.party.gender_pronoun"].match(tail)
        if g:
            fire("report.party.gender_pronoun")
            party.gender = "女" if g.group("p") == "她" else "男"
    if party.age is None:
        a = cues.patterns["report.party.age_before"].search(head) or cues.patterns["report.party.age_after"].match(tail)
        if a:
            age = parse_number(a.group("age"))
            if age and 0 < age < 120:
                fire("report.party.age_before" if a.re is cues.patterns["report.party.age_before"] else "report.party.age_after")
                party.age = int(age)
    if party.origin is None:
        # 家住X / 户籍地X right after the name
        m2 = regex.match(r"^[，,\s]{0,2}(?:家住|户籍地|住)", tail)
        if m2:
            for p in origin_places:
                if e.end + m2.end() <= p.start <= e.end + m2.end() + 2:
                    party.origin = (p.value or {}).get("name") or p.text
                    break
    if party.origin is None:
        # 家住X的… before the name: 家住兖州区新兖镇的陈女士
        head = text[max(0, e.start - 30):e.start]
        m3 = regex.search(r"(?:家住|户籍地为?|籍贯)([^，。；]{2,24}?)的$", head)
        if m3:
            lo = e.start - len(head) + m3.start(1)
            for p in origin_places:
                if lo <= p.start < e.start:
                    party.origin = (p.value or {}).get("name") or p.text
                    break
    return party


def _county(article: Article, ents: list[Entity]) -> str | None:
    try:
        from .entities import place as place_mod
    except ImportError:  # pragma: no cover
        place_mod = None
    county_of = getattr(place_mod, "county_of", None)
    if article.dateline is not None and county_of is not None:
        c = county_of(article.dateline.model_dump())
        if c:
            return c
    lookup = getattr(place_mod, "lookup", None)
    for e in ents:
        if e.label != "UNIT" or not e.value:
            continue
        m = _UNIT_NAME_RE.match(e.value.get("name", ""))
        if not m:
            continue
        for part in (m.group("branch"), m.group("bureau")):
            value = lookup(part) if (part and lookup) else None
            if value and value.get("level") == "county" and county_of is not None:
                return county_of(value)
    return None


def _place_county(text: str, ents: list[Entity], cues: _Cues) -> str | None:
    """The county of the place where the case happened (report.county.place): the first PLACE of the case at or
    below county level that is no one's origin, no place someone came from or fled to, no licence plate.

    >>> from jnpolice_ner import extract
    >>> extract("近日，滦南县柏各庄镇的张某被骗3900元，警方已立案侦查。", "2020-03-10")[0].county
    '滦南县'
    """
    from .entities import place as place_mod

    rule = cues.rules_county
    for e in sorted(ents, key=lambda e: e.start):
        if e.label != "PLACE" or not e.value:
            continue
        before, after = text[max(0, e.start - 4):e.start], text[e.end:e.end + 2]
        if any(before.endswith(w) for w in rule[0]) or any(after.startswith(w) for w in rule[1]):
            continue
        if regex.search(r"[（(][^（）()]{0,30}$", text[max(0, e.start - 30):e.start]) and \
                regex.match(r"[^（）()]{0,30}[）)]", text[e.end:e.end + 31]):
            continue  # inside a description in brackets: （男，20岁，X人）
        county = place_mod.county_of(e.value)
        if county:
            fire("report.county.place")
            return county
    return None


def _court_county(ents: list[Entity]) -> str | None:
    """The county of a case told by a court or procuratorate brief (no police unit, no dateline):
    the place of its ``郓城县人民法院`` (an ORG of kind court or procuratorate, at county level)."""
    from .entities import place as place_mod

    for e in ents:
        place = (e.value or {}).get("place") if e.label == "ORG" else None
        if place and (e.value or {}).get("kind") in ("court", "procuratorate") and place.get("level") == "county":
            return place_mod.county_of(place)
    return None


_UNIT_NAME_RE = regex.compile(r"^(?P<bureau>[\p{Han}]{2,12}?)公安(?:局|厅)(?:(?P<branch>[\p{Han}]{2,8}?)分局)?")


def _party_role(text: str, e: Entity, cues: _Cues) -> str | None:
    """The case role of PERSON ``e``: its role, except that a victim named right after a helper's title (a bank
    clerk, a relative: 大堂经理李明, 工作人员李明、周强; report.party.helper) is no party of the case (None)."""
    if e.label != "PERSON":
        return None
    if e.role not in ("victim", "suspect", "officer"):
        return None
    if e.role == "victim" and cues.helper_re.search(text[max(0, e.start - 24):e.start]):
        fire("report.party.helper")
        return None
    return e.role


def _case_roles(text: str, ents: list[Entity], cues: _Cues) -> list[tuple[Entity, str | None]]:
    """Each PERSON of the case with its case role (``_party_role``), read over the whole case: a person named once
    as a helper (大堂经理李明) is no victim wherever the name comes back (a name listed right after a suspect is
    already a suspect in the entity layer: person.py)."""
    people = sorted((e for e in ents if e.label == "PERSON"), key=lambda e: e.start)
    roles = [_party_role(text, e, cues) for e in people]
    helpers = {(e.value or {}).get("name") or e.text for e, r in zip(people, roles, strict=True)
               if r is None and e.role == "victim"}
    for i, e in enumerate(people):
        name = (e.value or {}).get("name") or e.text
        if roles[i] == "victim" and name in helpers:
            fire("report.party.helper")
            roles[i] = None
    return list(zip(people, roles, strict=True))


def _one_role(report: CaseReport, cues: _Cues) -> None:
    """A name that is both a victim and a suspect of the case is a suspect, unless it is a titled form (``张女士``)
    (report.party.both_roles)."""
    both = {p.name for p in report.victims} & {p.name for p in report.suspects}
    if not both:
        return
    fire("report.party.both_roles")
    titled = {n for n in both if cues.hit("report.party.gender_title", n) or n.endswith(cues.male_titles)}
    report.victims = [p for p in report.victims if p.name not in both or p.name in titled]
    report.suspects = [p for p in report.suspects if p.name not in titled]


def _sole_culprit_gender(report: CaseReport, body: str, cues: _Cues) -> None:
    """The one suspect of a case told as ``一名男子`` before being named (and no ``女子`` in the story) is a man
    (report.party.sole_culprit); the same for a woman."""
    if len(report.suspects) != 1 or report.suspects[0].gender is not None:
        return
    rule = cues.sole_culprit
    male = any(w in body for w in rule[0])
    female = any(w in body for w in rule[1])
    if male != female:
        fire("report.party.sole_culprit")
        report.suspects[0].gender = "男" if male else "女"


def _impersonated(text: str, e: Entity, cues: _Cues) -> bool:
    """A unit or person a fraudster pretends to be: 自称“北京市公安局”民警, 冒充公安局."""
    before = text[max(0, e.start - 6):e.start]
    if cues.hit("report.party.impersonated", before):
        return True
    return e.start > 0 and text[e.start - 1] in "“\"「" and cues.hit("report.party.impersonated", text[max(0, e.start - 10):e.start]) is not None


_CLAUSE_BREAK_RE = regex.compile(r"[，。！？；,\n]")
_FROM_RE = regex.compile(r"从[^，。！？从]{0,3}$")


def _not_acting(text: str, e: Entity, cues: _Cues) -> bool:
    """A UNIT that did not act in the case (annotation.md, "Units and county of a case"): one a fraudster claimed
    to be (``_impersonated``), a detention house holding the suspect (report.unit.holding), the reporter's source
    (report.unit.source), a ministry co-issuing a document or a wanted list (report.unit.issuer), a harmed person's
    employer (report.unit.employer).

    >>> c = _cues(load_rules())
    >>> t = "目前，周某已被羁押于汶上县看守所。"
    >>> u = Entity(label="UNIT", text="汶上县看守所", start=t.find("汶上"), end=t.find("。"), value={"kind": "detention"})
    >>> _not_acting(t, u, c)
    True
    """
    if _impersonated(text, e, cues):
        return True
    before = text[max(0, e.start - 6):e.start]
    near = _CLAUSE_BREAK_RE.split(text[max(0, e.start - 12):e.start])[-1]  # 押于X市|第一看守所: a place may stand between
    if (e.value or {}).get("kind") == "detention" and any(w in near for w in cues.groups["report.unit.holding"]):
        fire("report.unit.holding")
        return True
    after = text[e.end:e.end + 24]
    if _FROM_RE.search(before):
        if any(after[:6].find(w) >= 0 for w in cues.groups["report.unit.source"]):
            fire("report.unit.source")
            return True
    if cues.patterns["report.unit.issuer"].search(after):
        fire("report.unit.issuer")
        return True
    if after.startswith(cues.unit_posts):
        s_lo = max(text.rfind(c, 0, e.start) for c in "。！？\n") + 1
        s_hi = min((i for i in (text.find(c, e.end) for c in "。！？\n") if i >= 0), default=len(text))
        if any(w in text[s_lo:s_hi] for w in cues.unit_harm) or any(before.endswith(w) for w in
                                                                     cues.groups["report.unit.employer"]):
            fire("report.unit.employer")
            return True
    return False


def _money(e: Entity) -> Money | None:
    if not e.value or "amount" not in e.value:
        return None
    return Money.model_validate({k: v for k, v in e.value.items() if k in Money.model_fields})


def _date(e: Entity) -> DateValue | None:
    if not e.value or "iso" not in e.value:
        return None
    return DateValue.model_validate({k: v for k, v in e.value.items() if v is not None})


def build_cases(article: Article, issue: _dt.date | None, rules: RuleSet | None = None) -> list[CaseReport]:
    """The criminal cases ``article`` reports (none for statistics, campaign and service stories).

    An article that tells several cases (案例一…案例二…, 一、…二、…, 无独有偶…) gives one report
    per case; see ``_split``.

    >>> from jnpolice_ner import extract
    >>> t = ("案例一：3月2日，市民赵女士报警称被骗5000元。"
    ...      "案例二：3月5日，市民钱先生被骗2000元，民警将嫌疑人孙某抓获。")
    >>> [(r.victims[0].name, r.amount_lost.amount) for r in extract(t, "2020-03-10")]
    [('赵女士', 5000), ('钱先生', 2000)]
    """
    rules = rules or load_rules()
    cues = _cues(rules)
    # cues are written in simplified forms: read the normalized text (same length, same offsets)
    text = normalize(article.text)
    if not text.strip():
        return []
    sents = _sentences(text)
    ents = article.entities
    agg = _aggregate(text, ents, cues)
    if agg:
        # a summary's counts and totals are no case's facts: drop their sentences and entities
        starts = [a for a, _ in agg]

        def inside(pos: int) -> bool:
            i = bisect.bisect_right(starts, pos) - 1
            return i >= 0 and pos < agg[i][1]

        sents = [s for s in sents if not inside(s.start)]
        ents = [e for e in ents if not inside(e.start)]
    bulletin = _bulletin(article, issue, text, ents, cues)
    if bulletin:
        return bulletin
    headline = normalize(article.headline or "")
    stories = _split(text, sents, sorted(ents, key=lambda e: e.start), cues, headline, issue)
    if stories is None:
        whole = _Story(0, len(text), sents, ents)
        if not _qualifies(whole, text, cues, headline + "\n" + text):
            return []
        if "report.narrative.payment" not in whole.events and (whole.code or "").startswith("fraud") \
                and not article.headline and not any(_party_role(text, e, cues) == "victim" for e in whole.ents) \
                and _complaint(whole, text, cues, strict=True):
            whole.events.add("report.narrative.payment")  # a record in its own voice: its amount and date
        report = _report(article, issue, text, whole, cues, [])
        return _as_written([r for v in _per_victim(report, text, whole, cues) for r in _per_gang(v, text, whole, cues)],
                           ents)
    shared = [e for st in stories if not st.is_case for e in st.ents
              if e.label == "UNIT" and not _not_acting(text, e, cues)]
    by_start = sorted(ents, key=lambda e: e.start)
    merged = _merge(stories, sents, by_start, len(text))
    reports = [_report(article, issue, text, st, cues, shared) for st in merged]
    _publisher_units(reports, stories, article.entities, text, cues)  # a lead's news sentence may be a summary
    _one_case_per_victim(reports, merged)
    return _as_written([r for st, rep in zip(merged, reports, strict=True) for r in _per_gang(rep, text, st, cues)], ents)


def _bulletin(article: Article, issue: _dt.date | None, text: str, ents: list[Entity],
              cues: _Cues) -> list[CaseReport] | None:
    r"""A bulletin of losses (report.bulletin.loss_line): lines like ``城南街道某小区某男损失5662元。`` under headings that
    name the class (``虚假购物、服务类：``), one case per line; None when the article has fewer than two such lines.

    >>> from jnpolice_ner import extract
    >>> t = ("上周（9月1日至9月7日），全县共立电信网络诈骗案件2起。\n刷单返利类：\n城关镇某男损失3000元。\n"
    ...      "虚假网络投资理财类：\n城关镇某女损失12000元。\n")
    >>> [(r.case_type, r.amount_lost.amount, r.reported_on.iso) for r in extract(t, "2021-09-10")]
    [('fraud.brushing', 3000, '2021-09-01/2021-09-07'), ('fraud.investment', 12000, '2021-09-01/2021-09-07')]
    """
    pat = cues.patterns["report.bulletin.loss_line"]
    lines = [(m.start(), m.end()) for m in regex.finditer(r"[^\n]+", text)]
    money = [e for e in ents if e.label == "MONEY" and e.value and "amount" in e.value]
    people = [e for e in ents if e.label == "PERSON"]
    items: dict[int, Entity] = {}  # line index -> its loss
    for k, (lo, hi) in enumerate(lines):
        inside = [e for e in money if lo <= e.start < hi]
        if len(inside) != 1 or any(lo <= e.start < hi for e in people):
            continue
        m = inside[0]
        before = _plain(text[lo:m.start]).strip(" \t\u3000")
        if text[m.end:hi].strip(" \t\u3000。.；;！!") or not pat.match(before):
            continue
        if regex.search(r"[0-9一二两三四五六七八九十]{1,3}(?:起|宗)", before):
            continue  # a subtotal: 城南街道3起(损失…)
        items[k] = m
    if len(items) < 2:
        return None
    fire("report.bulletin.loss_line")
    # the bulletin's period: its first date interval, the one written out (9月1日至9月7日) before a deictic 上周
    spans = [e for e in article.entities if e.label == "DATE" and "/" in ((e.value or {}).get("iso") or "")]
    period = next((e for e in spans if regex.search(r"[0-9]", e.text)), spans[0] if spans else None)
    units = [e for e in ents if e.label == "UNIT" and not _not_acting(text, e, cues)]
    county = _county(article, units) or _place_county(text, ents, cues)
    out = []
    for k, m in items.items():
        lo, hi = lines[k]
        code, cue_ids = _classify(_plain(text[lo:m.start]), [e for e in ents if lo <= e.start < m.start])
        heading = ""
        j = k - 1
        while code in ("other", None) and j >= 0 and k - j <= 6:
            if j not in items:
                heading = _plain(text[lines[j][0]:lines[j][1]])
                code, cue_ids = _classify(heading, [e for e in ents if lines[j][0] <= e.start < lines[j][1]])
            j -= 1
        if code in ("other", None):
            code, cue_ids = "fraud", []
        elif any(g in heading for g in cues.bulletin_generic):
            code = code.split(".")[0]
        report = CaseReport(case_type=code, headline=article.headline or None, issue_date=issue,
                            reporters=list(article.reporters), correspondents=list(article.correspondents),
                            case_type_cues=cue_ids, county=county, amount_lost=_money(m), evidence=[m])
        report.units = list(dict.fromkeys(e.value["name"] for e in units if e.value and e.value.get("name")))
        if period is not None:
            report.reported_on = _date(period)
        out.append(report)
    return out


def _plain(s: str) -> str:
    """``s`` without the pinyin glosses of a mirror site (``网（wǎng）络``: textnorm.strip_glosses)."""
    cut = strip_glosses(s)
    return s if cut is None else cut[0]


def _one_case_per_victim(reports: list[CaseReport], stories: list[_Story]) -> None:
    """A victim named in two cases of one article belongs to the one that tells more of them (report.party.one_case):
    a lead quoting the victim of the second case (``市民刘先生拿到…被骗款项后激动地说`` before case one) does not make them a
    victim of case one. Ties keep both."""
    def mentions(st: _Story, name: str) -> int:
        return sum(1 for e in st.ents if e.label == "PERSON" and ((e.value or {}).get("name") or e.text) == name)

    for i, rep in enumerate(reports):
        keep = []
        for p in rep.victims:
            here = mentions(stories[i], p.name)
            elsewhere = [mentions(stories[j], p.name) for j, other in enumerate(reports)
                         if j != i and any(q.name == p.name for q in other.victims)]
            if elsewhere and max(elsewhere) > here:
                fire("report.party.one_case")
                continue
            keep.append(p)
        rep.victims = keep


def _per_gang(report: CaseReport, text: str, story: _Story, cues: _Cues) -> list[CaseReport]:
    """One report per gang when one sentence names several gangs each by its head (``侦办了甲县以陈某某为首、乙区以梁某某为首
    的涉黑犯罪团伙；打掉了丙区张某某为首的涉恶犯罪团伙``: report.gang.per_head). Each report keeps the shared facts and
    takes its head as the suspect and the county of the place named just before the head; else ``[report]``."""
    if len(report.suspects) < 2:
        return [report]
    from .entities import place as place_mod

    by_name = {p.name: p for p in report.suspects}
    head_re = cues.patterns["report.gang.per_head"]
    for m in _FULL_SENT_RE.finditer(text, story.start, story.end):
        s = _Sentence(m.start(), m.end(), m.group(0))
        heads: list[Entity] = []
        for e in story.ents:
            name = (e.value or {}).get("name") or e.text
            if e.label == "PERSON" and s.start <= e.start < s.end and name in by_name and head_re.match(text, e.end) \
                    and name not in {(h.value or {}).get("name") or h.text for h in heads}:
                heads.append(e)
        if len(heads) < 2:
            continue
        fire("report.gang.per_head")
        out = []
        lo = s.start
        for h in heads:
            r = report.model_copy(deep=True)
            r.suspects = [by_name[(h.value or {}).get("name") or h.text].model_copy()]
            places = [e for e in story.ents if e.label == "PLACE" and e.value and lo <= e.start < h.start]
            for p in reversed(places):
                county = place_mod.county_of(p.value)
                if county:
                    r.county = county
                    break
            out.append(r)
            lo = h.end
        return out
    return [report]


def _per_victim(report: CaseReport, text: str, story: _Story, cues: _Cues) -> list[CaseReport]:
    """One report per victim when one sentence lists several victims each with a loss of their own
    (``东石村的张某被骗3000元，西河村的刘某被骗1500元``: report.split.victim_list): a series of like cases told
    together. Each report keeps the shared facts and takes its victim and amount; else ``[report]``."""
    if len(report.victims) < 2:
        return [report]
    by_name = {p.name: p for p in report.victims}
    for s in story.sents:
        pairs: list[tuple[Party, Entity]] = []
        for clause_lo, clause in _clauses(s):
            inside = [e for e in story.ents if s.start + clause_lo <= e.start < s.start + clause_lo + len(clause)]
            people = [e for e in inside if e.label == "PERSON" and e.role == "victim"
                      and ((e.value or {}).get("name") or e.text) in by_name]
            money = [e for e in inside if e.label == "MONEY" and e.value and "amount" in e.value]
            if len(people) == 1 and len(money) == 1 and cues.hit("report.event.loss", clause):
                pairs.append((by_name[(people[0].value or {}).get("name") or people[0].text], money[0]))
        if len(pairs) >= 2 and len({p.name for p, _ in pairs}) == len(pairs):
            fire("report.split.victim_list")
            out = []
            for party, money in pairs:
                r = report.model_copy(deep=True)
                r.victims = [party.model_copy()]
                r.amount_lost = _money(money)
                if r.amount_recovered is not None and r.amount_recovered.amount > r.amount_lost.amount:
                    r.amount_recovered = None
                out.append(r)
            return out
    return [report]


def _clauses(s: _Sentence) -> list[tuple[int, str]]:
    """The ，/、-delimited clauses of sentence ``s`` with their offsets in it."""
    return [(m.start(), m.group(0)) for m in regex.finditer(r"[^，,]+", s.text)]


@dataclass
class _Story:
    """A stretch ``[start, end)`` of the article and what it says: its sentences and entities,
    the case-event groups seen and the case type (filled by ``_qualifies``)."""
    start: int
    end: int
    sents: list[_Sentence]
    ents: list[Entity]
    events: set[str] = dataclasses.field(default_factory=set)
    code: str | None = None
    cue_ids: list[str] = dataclasses.field(default_factory=list)
    is_case: bool = False


def _qualifies(story: _Story, text: str, cues: _Cues, classify_text: str,
               known: set[str] | None = None, fallback_text: str | None = None) -> bool:
    """Does ``story`` report a case: two kinds of case event (outside statistics sentences), a
    concrete anchor (a day-precise date, a named party, an amount) and a crime type or a loss or
    arrest. ``known``: names of parties told before (a story naming only them continues a case).
    ``fallback_text`` is classified when ``classify_text`` gives ``other``."""
    events = story.events
    for s in story.sents:
        if cues.hit("report.statistics", s.text):
            continue
        for gid in cues.event_groups:
            if cues.hit(gid, s.text):
                events.add(gid)
    parties = [e for e in story.ents if _party_role(text, e, cues) in ("victim", "suspect")]
    if known is not None:
        parties = [e for e in parties if ((e.value or {}).get("name") or e.text) not in known]
    if parties:
        events.add("parties")
    # a concrete anchor: a day-precise date, a named party or an amount of money
    anchored = bool(parties) or any(
        e.label == "MONEY" or (e.label == "DATE" and (e.value or {}).get("granularity") == "day")
        for e in story.ents
    )
    if len(events) < cues.min_events or not anchored:
        # a whole article that is one victim's complaint record is a case by itself (report.narrative.*)
        return known is None and _narrative(story, text, cues, classify_text)
    code, cue_ids = _classify(classify_text, story.ents)
    if code in ("other", None) and fallback_text is not None:
        code, cue_ids = _classify(fallback_text, story.ents)
    if code in ("other", None) and "report.event.loss" not in events and "report.event.arrest" not in events:
        return False
    story.code, story.cue_ids, story.is_case = code, cue_ids, True
    return True


def _complaint(story: _Story, text: str, cues: _Cues, strict: bool = False) -> bool:
    """Is ``story`` told as one victim's complaint: a payment or loss (report.narrative.payment) outside statistics
    sentences, told by a narrator (report.narrative.narrator: 我, 报警人, a blanked name …) with a date or an amount,
    or, unless ``strict``, by a named victim with a date or an amount, or from the fraud's side
    (report.narrative.counterpart: 对方, 受害人) with a day-precise date (a warning's 有的群众被骗数万元 gives none)."""
    if not any(cues.hit("report.narrative.payment", s.text) and not cues.hit("report.statistics", s.text)
               for s in story.sents):
        return False
    day = any(e.label == "DATE" and (e.value or {}).get("granularity") == "day" for e in story.ents)
    anchored = day or any(e.label in ("DATE", "MONEY") for e in story.ents)
    body = text[story.start:story.end]
    if cues.hit("report.narrative.narrator", body) is not None:
        return anchored
    if cues.patterns["report.narrative.narrator"].search(body) is not None:
        fire("report.narrative.narrator")
        return anchored
    if strict:
        return False
    if anchored and any(_party_role(text, e, cues) == "victim" for e in story.ents):
        return True
    return day and cues.hit("report.narrative.counterpart", body) is not None


def _narrative(story: _Story, text: str, cues: _Cues, classify_text: str) -> bool:
    """Is ``story`` (a whole article) one victim's complaint of a fraud (``_complaint``: a payment or loss, a
    narrator, a date or an amount) with a fraud type. It needs no second kind of event.

    >>> from jnpolice_ner import extract
    >>> r = extract("2022年3月4日，我在网上认识一个自称导师的人，下载了一个投资平台，先后向对方转账3000元、5000元。")[0]
    >>> r.case_type, r.amount_lost.amount, r.occurred_on.iso
    ('fraud.investment', 8000, '2022-03-04')
    """
    if not _complaint(story, text, cues):
        return False
    code, cue_ids = _classify(classify_text, story.ents)
    if not (code or "").startswith("fraud"):
        return False
    fire("report.narrative.payment")
    story.events.add("report.narrative.payment")
    story.code, story.cue_ids, story.is_case = code, cue_ids, True
    return True


def _split(text: str, sents: list[_Sentence], ents: list[Entity], cues: _Cues,
           headline: str, issue: _dt.date | None = None) -> list[_Story] | None:
    """Cut the article at the ``report.split.*`` cues (a case label, a numbered paragraph,
    无独有偶/另据, 另一起…案) and test each piece as a case of its own. None when fewer than two
    pieces qualify: the article is then read as one story, exactly as without cuts.

    The first case is classified with the headline (it usually names the lead story), later
    ones on their own text (the headline joins only when their own text gives ``other``). A
    piece naming no victim or suspect besides those of earlier pieces needs two other kinds of
    case event: ``另据民警介绍，范某已被刑事拘留`` continues the case before it.
    """
    cuts: dict[int, bool] = {}  # position -> weak (only weak rules cut there)
    content = len(text) - len(text.lstrip())  # where the text's first non-space character stands
    for rule_id, pattern in cues.splits:
        for m in pattern.finditer(text):
            if m.start() > content:  # some text stands before the cut
                fire(rule_id)
                at = m.start()
                while at > 0 and text[at - 1] in " \t\u3000":
                    at -= 1  # a paragraph flattened into spaces: its sentence starts at the spaces
                cuts[at] = cuts.get(at, True) and rule_id in cues.weak_splits
    if not cuts:
        return None
    bounds = [0, *sorted(cuts), len(text)]
    stories = []
    weak: list[bool] = []
    for lo, hi in itertools.pairwise(bounds):
        if text[lo:hi].strip():
            stories.append(_Story(lo, hi, *_within(sents, ents, lo, hi)))
            weak.append(cuts.get(lo, False))
    known: set[str] = set()
    first = True
    seized_before = False
    for st, is_weak in zip(stories, weak, strict=True):
        body = text[st.start:st.end]
        # 无独有偶，… opens a new case even when its victim was named before (report.split.another_case, new_case)
        told = set() if body.lstrip(" \t\u3000*#>\n").startswith(cues.new_case_openers) else known
        if first:
            ok = _qualifies(st, text, cues, headline + "\n" + body, told)
        else:
            ok = _qualifies(st, text, cues, body, told, headline + "\n" + body)
        if ok and is_weak and not first and not _own_case(st, text, cues, known, seized_before):
            st.is_case = ok = False
        first = first and not ok
        seized_before = seized_before or (ok and "report.event.seized" in st.events)
        known.update((e.value or {}).get("name") or e.text
                     for e in st.ents if _party_role(text, e, cues) in ("victim", "suspect"))
    _counted_lead(stories, weak, text, cues, headline)
    if len(stories) > 1 and stories[0].is_case and weak[1] and stories[1].is_case:
        lead = stories[0]
        named = any(_party_role(text, e, cues) in ("victim", "suspect") for e in lead.ents)
        # the date of a dateline (新华社某地X月X日电) or the news day (the issue date, 5月6日，X局传来消息) is not the
        # lead's own day
        news_day = issue.isoformat() if issue else None
        day = any(e.label == "DATE" and (e.value or {}).get("granularity") == "day"
                  and _cue_pos(cues, "report.date.dateline", text[e.end:e.end + 2]) != 0
                  and (e.value or {}).get("iso") != news_day
                  and not _news_day(text, e, cues) for e in lead.ents)
        if not named and not day:
            fire("report.split.summary_lead")
            lead.is_case = False  # the lead of the dated story after it (report.split.summary_lead)
    if sum(st.is_case for st in stories) < 2:
        return None
    return stories


_COUNTS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "2": 2, "3": 3, "4": 4, "5": 5}


def _counted_lead(stories: list[_Story], weak: list[bool], text: str, cues: _Cues, headline: str) -> None:
    """A lead that counts its cases (``连续破获两起毒品案``) followed only by dated paragraphs (weak cuts), no more of them
    than it counts, each telling a case event or naming a party: each paragraph is a case, the lead is none
    (report.lead.counted)."""
    if len(stories) < 3 or not all(weak[1:]):
        return
    lead = stories[0]
    m = cues.patterns["report.lead.counted"].search(text, lead.start, lead.end)
    if m is None or len(stories) - 1 > _COUNTS[m.group(0)[0]]:
        return
    if not all(st.is_case or st.events for st in stories[1:]):
        return
    fire("report.lead.counted")
    lead.is_case = False
    for st in stories[1:]:
        if not st.is_case:
            body = text[st.start:st.end]
            code, cue_ids = _classify(body, st.ents)
            if code in ("other", None):
                code, cue_ids = _classify(headline + "\n" + text[lead.start:lead.end] + body, st.ents)
            st.code, st.cue_ids, st.is_case = code, cue_ids, True


def _own_case(story: _Story, text: str, cues: _Cues, known: set[str], seized_before: bool) -> bool:
    """Is a piece cut off by a weak cue (report.split.dated_paragraph) after a case a case of its own: it names a victim not
    named before (and no party named before: a lead's suspect told again continues the lead's case), or it names
    nobody and tells an arrest and a seizure after a case that told a seizure."""
    roles = [(_party_role(text, e, cues), (e.value or {}).get("name") or e.text) for e in story.ents]
    if any(role in ("victim", "suspect") and name in known for role, name in roles):
        return False
    if any(role == "victim" and name not in known for role, name in roles):
        return True
    body = text[story.start:story.end]
    if any(role == "suspect" for role, _ in roles) and not any(w in body for w in cues.accomplice) \
            and _classify(body, story.ents)[0] not in ("other", None):
        fire("report.split.dated_paragraph")
        return True  # 同一天中午，…还抓获了今年1月在商场内盗窃手表的嫌疑人马某: a new suspect with a crime of his own
    return (seized_before and not any(role in ("victim", "suspect") for role, _ in roles)
            and {"report.event.arrest", "report.event.seized"} <= story.events)


def _within(sents: list[_Sentence], ents: list[Entity], lo: int, hi: int) -> tuple[list[_Sentence], list[Entity]]:
    """The sentences and entities starting in ``[lo, hi)`` (both lists are in text order)."""
    s0, s1 = bisect.bisect_left(sents, lo, key=lambda s: s.start), bisect.bisect_left(sents, hi, key=lambda s: s.start)
    e0, e1 = bisect.bisect_left(ents, lo, key=lambda e: e.start), bisect.bisect_left(ents, hi, key=lambda e: e.start)
    return sents[s0:s1], ents[e0:e1]


def _publisher_units(reports: list[CaseReport], stories: list[_Story], ents: list[Entity], text: str,
                     cues: _Cues) -> None:
    """Units that published the article act in each of its cases (annotation.md, "Units and county of a case"): those
    named in the first paragraph of a lead that is no case of its own (``5月6日，X县公安局传来消息，…端掉两个赌博窝点``,
    even a summary sentence) and of a credit line
    (``供图：X分局``, ``来源：X``), added to every report (report.unit.publisher)."""
    lead = stories[0] if stories and not stories[0].is_case else None
    lead_end = -1
    if lead is not None:  # the lead's first paragraph
        body = len(text[lead.start:lead.end]) - len(text[lead.start:lead.end].lstrip())
        lead_end = text.find("\n", lead.start + body, lead.end)
        lead_end = lead.end if lead_end < 0 else lead_end
    credit = cues.patterns["report.unit.publisher"]
    units = [e for e in ents if e.label == "UNIT" and e.value and e.value.get("name")
             and (e.start < lead_end or credit.search(text, max(0, text.rfind("\n", 0, e.start) + 1), e.start))
             and not _not_acting(text, e, cues)]
    if not units or len(reports) < 2:
        return
    for rep in reports:
        for e in units:
            if e.value["name"] not in rep.units:
                fire("report.unit.publisher")
                rep.units.append(e.value["name"])


def _merge(stories: list[_Story], sents: list[_Sentence], ents: list[Entity], n: int) -> list[_Story]:
    """One story per case: a piece that is no case joins the case before it (the lead joins the
    first case)."""
    groups: list[list[_Story]] = []
    for st in stories:
        if st.is_case or not groups:
            groups.append([st])
        else:
            groups[-1].append(st)
    if not groups[0][0].is_case:  # the lead joins the first case
        lead = groups.pop(0)
        groups[0] = lead + groups[0]
    out = []
    for i, group in enumerate(groups):
        case = next(st for st in group if st.is_case)
        lo = 0 if i == 0 else group[0].start
        hi = groups[i + 1][0].start if i + 1 < len(groups) else n
        events = set().union(*(st.events for st in group))
        out.append(_Story(lo, hi, *_within(sents, ents, lo, hi), events, case.code, case.cue_ids, True))
    return out


def _report(article: Article, issue: _dt.date | None, text: str, story: _Story, cues: _Cues,
            shared_units: list[Entity]) -> CaseReport:
    """Fill a CaseReport from ``story``'s sentences and entities. Article-level facts: headline,
    issue date, reporters, correspondents and the dateline county; a case naming no police unit
    takes the units of the article's non-case stretches (``shared_units``: the lead of a
    警方提醒 piece)."""
    ents, sents, events = story.ents, story.sents, story.events
    body = text[story.start:story.end]
    report = CaseReport(
        case_type=story.code,
        headline=article.headline or None,
        issue_date=issue,
        reporters=list(article.reporters),
        correspondents=list(article.correspondents),
        case_type_cues=story.cue_ids,
    )
    evidence: list[Entity] = []
    own_units = [e for e in ents if e.label == "UNIT" and not _not_acting(text, e, cues)]
    report.county = (_county(article, own_units or shared_units) or _court_county(ents)
                     or _place_county(text, ents, cues))
    for e in ents if own_units else shared_units:
        if e.label == "UNIT" and e.value and e.value.get("name") not in report.units:
            if _not_acting(text, e, cues):
                continue
            report.units.append(e.value["name"])
            evidence.append(e)
    places = [e for e in ents if e.label == "PLACE"]
    seen: dict[str, set[str]] = {"officer": set(), "victim": set(), "suspect": set()}
    parties: dict[str, dict[str, Party]] = {"victim": {}, "suspect": {}}  # role → name → first party
    for e, role in _case_roles(text, ents, cues):
        if role not in seen:
            continue
        name = (e.value or {}).get("name") or e.text
        party = _party(e, text, cues, places) if role != "officer" else None
        if name in seen[role]:
            # a later mention may carry the description: fill what is missing
            if party is not None:
                target = parties[role][name]
                for f in ("gender", "age", "origin"):
                    if getattr(target, f) is None and getattr(party, f) is not None:
                        setattr(target, f, getattr(party, f))
            continue
        seen[role].add(name)
        evidence.append(e)
        if role == "officer":
            report.officers.append(name)
        elif role == "victim":
            report.victims.append(party)
            parties["victim"][name] = party
        else:
            report.suspects.append(party)
            parties["suspect"][name] = party
    _one_role(report, cues)
    _sole_culprit_gender(report, text[story.start:story.end], cues)
    report.victims = _merge_back_references(report.victims, cues)
    report.suspects = _merge_back_references(report.suspects, cues)
    at_risk = _fill_money(report, ents, sents, cues, evidence, events, body)
    _fill_dates(report, ents, sents, cues, evidence, text)
    if "report.narrative.payment" in events:
        _narrative_fields(report, ents, sents, cues, evidence, text)
    _fill_outcome(report, sents, cues, events, at_risk)
    report.method = _methods(body, cues)
    report.evidence = evidence
    return report


def _as_written(reports: list[CaseReport], ents: list[Entity]) -> list[CaseReport]:
    """Party and officer names in the script the article writes them (annotation.md: person names as written): a
    traditional-script copy (``張先生``) keeps ``張先生``, not the simplified form the rules read (report.party.as_written)."""
    written: dict[str, str] = {}
    for e in ents:
        name = (e.value or {}).get("name")
        if e.label == "PERSON" and name and e.text != name and normalize(e.text) == name:
            written.setdefault(name, e.text)
    if not written:
        return reports
    fire("report.party.as_written")
    for report in reports:
        for p in (*report.victims, *report.suspects):
            p.name = written.get(p.name, p.name)
        report.officers = [written.get(n, n) for n in report.officers]
    return reports


def _back_surname(name: str, cues: _Cues) -> str | None:
    """The surname of a short back-reference form (``王女士`` → ``王``, ``赵某`` → ``赵``), else None."""
    for t in cues.back_titles:
        if name.endswith(t) and 1 <= len(name) - len(t) <= 2:
            return name[:-len(t)]
    for t in cues.back_anon:
        if name.endswith(t) and not name.endswith(t + t) and 1 <= len(name) - len(t) <= 2:
            return name[:-len(t)]
    return None


def _merge_back_references(parties: list[Party], cues: _Cues) -> list[Party]:
    """``王小明`` and ``王女士`` (same case, same role): one party, the full name, with the gender the title gives.
    Only when exactly one full name of the list has that surname.

    >>> c = _cues(load_rules())
    >>> [(p.name, p.gender) for p in _merge_back_references([Party(name="王小明"), Party(name="王女士", gender="女")], c)]
    [('王小明', '女')]
    >>> [p.name for p in _merge_back_references([Party(name="王小明"), Party(name="王浩"), Party(name="王女士")], c)]
    ['王小明', '王浩', '王女士']
    """
    def full_surname(name: str) -> str | None:
        if "某" in name or "*" in name or _back_surname(name, cues) is not None or not 2 <= len(name) <= 4:
            return None
        return name[:2] if name[:2] in cues.compound_surnames and len(name) >= 3 else name[:1]

    fulls: dict[str, list[Party]] = {}
    for p in parties:
        sur = full_surname(p.name)
        if sur:
            fulls.setdefault(sur, []).append(p)
    out: list[Party] = []
    for p in parties:
        sur = _back_surname(p.name, cues)
        target = fulls.get(sur) if sur else None
        if target and len(target) == 1:
            fire("report.party.back_reference")
            for f in ("gender", "age", "origin"):
                if getattr(target[0], f) is None and getattr(p, f) is not None:
                    setattr(target[0], f, getattr(p, f))
            continue
        out.append(p)
    return out


def _fill_money(report: CaseReport, ents: list[Entity], sents: list[_Sentence], cues: _Cues,
                evidence: list[Entity], events: set[str], text: str) -> str | None:
    """Amounts lost and recovered. A sum the victim was about to send (``准备…汇往``) in a case that
    tells it was stopped (``劝阻``, ``保住``) is at risk, not taken: with no real loss beside it, it is
    both ``amount_lost`` and ``amount_recovered`` (a prevented fraud, annotation.md); beside a real
    loss it is left out. Returns ``"prevented"`` or ``"partial"`` when an at-risk sum was seen, else None.

    >>> from jnpolice_ner import extract
    >>> r = extract("5月3日，居民孔某被骗2万元。5月4日，孔某准备再向对方转账5万元，被民警劝阻。", "2021-06-30")[0]
    >>> r.amount_lost.amount, r.amount_recovered, r.outcome
    (20000, None, ['prevented'])
    """
    lost: list[Entity] = []
    recovered: list[Entity] = []
    at_risk: list[Entity] = []
    seized: list[Entity] = []
    intent = cues.patterns["report.money.intent"]
    stopped = any(cues.hit("report.money.stopped", s.text) for s in sents)
    for e in ents:
        if e.label != "MONEY" or not e.value:
            continue
        s = _sentence_of(sents, e.start)
        if s is None or cues.hit("report.statistics", s.text):
            continue
        # the clause holding the amount decides first; the sentence is the fallback
        clause = _without_pretext(_clause(s, e), cues)  # 平台说资金冻结、要交解冻费: no freeze by the police
        own = _own_clause(s, e)
        if any(w in own for w in cues.seized_money) and cues.hit("report.money.seized", own):
            seized.append(e)
        elif cues.hit("report.money.recovered", clause):
            recovered.append(e)
        elif stopped and intent.search(clause):
            fire("report.money.intent")
            at_risk.append(e)
        elif cues.hit("report.money.claimed", own):
            continue  # 说事主卷入一宗百万元的洗钱案 (report.money.claimed)
        elif cues.hit("report.money.not_lost", own) and not cues.hit("report.money.lost", own):
            continue  # 申请贷款5万元 / 账面收益一度显示200余万元 (the amount's own clause)
        elif cues.hit("report.money.lost", clause) or cues.hit("report.money.lost", s.text):
            lost.append(e)
    if lost:
        # a laundering case (cybercrime) tells no loss of its own: its totals (report.money.laundering) are none
        if (report.case_type or "").split(".")[0] == "cybercrime":
            own = [e for e in lost if not cues.hit("report.money.laundering", _own_clause(_sentence_of(sents, e.start), e))]
            if len(own) < len(lost):
                fire("report.money.laundering")
            lost = own
    if lost and report.victims:
        # a named victim's own loss beats a series' or a ring's total (report.money.case_total)
        own_losses = [e for e in lost if not _case_total(_sentence_of(sents, e.start), e, cues)]
        if own_losses and len(own_losses) < len(lost):
            fire("report.money.case_total")
            lost = own_losses
    if lost:
        best = max(lost, key=lambda e: e.value.get("amount", 0))
        report.amount_lost = _money(best)
        evidence.append(best)
    if seized:  # the last seizure told (report.money.seized): a lead's total comes before each raid's own figure
        recovered.append(seized[-1])
    if recovered:
        best = max(recovered, key=lambda e: e.value.get("amount", 0))
        report.amount_recovered = _money(best)
        evidence.append(best)
    if report.amount_recovered is None and report.amount_lost is not None:
        if cues.hit("report.money.full_recovery", text):
            report.amount_recovered = report.amount_lost.model_copy()
    state = None
    if at_risk:
        best = max(at_risk, key=lambda e: e.value.get("amount", 0))
        evidence.append(best)
        if report.amount_lost is None:
            state = "prevented"
            report.amount_lost = _money(best)
            if report.amount_recovered is None:
                report.amount_recovered = _money(best)
        else:
            state = "partial"
    if "report.event.prevented" in events and report.amount_lost is None and recovered:
        report.amount_lost = report.amount_recovered.model_copy() if report.amount_recovered else None
    return state


def _case_total(s: _Sentence, e: Entity, cues: _Cues) -> bool:
    """Is MONEY ``e`` a series' or a ring's total (report.money.case_total: 串并案件20余起，涉案价值5万余元)?"""
    clause = _clause(s, e)
    return cues.hit("report.money.case_total", clause) is not None or \
        cues.patterns["report.money.case_total"].search(clause) is not None


def _narrative_fields(report: CaseReport, ents: list[Entity], sents: list[_Sentence], cues: _Cues,
                      evidence: list[Entity], text: str) -> None:
    """A complaint record's amount and date: a total the record states (report.narrative.total: 共计损失…) is
    ``amount_lost``; else several transfers add up (report.narrative.transfer; each distinct amount once, as a record
    tells a transfer in the story and again in its list of transfers; a larger single loss wins),
    and with no incident date found, the record's earliest day-precise date (not after the report) is ``occurred_on``.

    >>> from jnpolice_ner import extract
    >>> r = extract("2022年5月6日，我接到自称快递客服的电话，称快递丢失要理赔。第一笔转账2000元，第二笔转账3000元。")[0]
    >>> r.amount_lost.amount, r.occurred_on.iso
    (5000, '2022-05-06')
    >>> extract("2022年5月6日，我在网上认识的导师让我投资，我转账2000元，又转账3000元，共计转账5000元。")[0].amount_lost.amount
    5000
    """
    total_re = cues.patterns["report.narrative.total"]
    money = [e for e in ents if e.label == "MONEY" and e.value and e.value.get("amount")]
    transfers: list[Entity] = []
    stated: list[Entity] = []
    prev_end: dict[int, int] = {}
    for e in money:
        s = _sentence_of(sents, e.start)
        if s is None or cues.hit("report.statistics", s.text):
            continue
        own = _own_clause(s, e)
        if cues.hit("report.money.recovered", own) or (cues.hit("report.money.not_lost", own)
                                                        and not cues.hit("report.money.lost", own)):
            continue
        # the words since the previous amount of the sentence (or its start) tell a total: 共计转账5000元
        lead = s.text[prev_end.get(s.start, 0):e.start - s.start]
        prev_end[s.start] = e.end - s.start
        if total_re.search(lead[-12:]):
            stated.append(e)
        elif cues.hit("report.narrative.transfer", _clause(s, e)):
            transfers.append(e)
    # a record tells each transfer twice (the story, then the list of transfers): one amount counts once
    distinct = list({e.value["amount"]: e for e in transfers}.values())
    if stated:
        fire("report.narrative.total")
        best = max(stated, key=lambda e: e.value["amount"])
        report.amount_lost = _money(best)
        evidence.append(best)
    elif len(distinct) >= 2:
        total = sum(e.value["amount"] for e in distinct)
        if report.amount_lost is None or total > report.amount_lost.amount:
            fire("report.narrative.transfer")
            more = any(e.value.get("qualifier") not in (None, "exact") for e in distinct)
            report.amount_lost = Money(amount=total, currency=distinct[0].value.get("currency", "CNY"),
                                       qualifier="more_than" if more else "exact")
            evidence.extend(e for e in distinct if e not in evidence)
    def born(e: Entity) -> bool:  # 1985年3月2日出生: the narrator's birth, no incident
        return _cue_pos(cues, "report.narrative.occurred", text[e.end:e.end + 3]) == 0

    if report.occurred_on is not None and any(
            e.label == "DATE" and (e.value or {}).get("iso") == report.occurred_on.iso and born(e) for e in ents):
        evidence[:] = [e for e in evidence if not (e.label == "DATE" and born(e))]
        report.occurred_on = None
    if report.occurred_on is None:
        limit = report.reported_on.iso[:10] if report.reported_on else None
        days = [e for e in ents if e.label == "DATE" and e.value and e.value.get("iso")
                and e.value.get("granularity") == "day" and (limit is None or e.value["iso"][:10] <= limit)
                and not born(e)]
        if days:
            first = min(days, key=lambda e: e.value["iso"])
            report.occurred_on = _date(first)
            evidence.append(first)


def _clause_cuts(s: _Sentence, e: Entity) -> tuple[int, int]:
    """Offsets in ``s.text`` of the commas around entity ``e`` (-1 / len when there is none)."""
    rel_start, rel_end = e.start - s.start, e.end - s.start
    left = max(s.text.rfind("，", 0, rel_start), s.text.rfind(",", 0, rel_start))
    right = s.text.find("，", rel_end)
    return left, right if right >= 0 else len(s.text)


def _own_clause(s: _Sentence, e: Entity) -> str:
    """The comma-delimited clause of sentence ``s`` that holds entity ``e``."""
    left, right = _clause_cuts(s, e)
    return s.text[left + 1:right]


def _clause(s: _Sentence, e: Entity) -> str:
    """The comma-delimited clause of sentence ``s`` around entity ``e`` (and the one before it)."""
    left, right = _clause_cuts(s, e)
    left2 = max(s.text.rfind("，", 0, max(left, 0)), -1) if left > 0 else -1
    return s.text[left2 + 1:right]


def _cue_pos(cues: _Cues, rule_id: str, text: str, after: int = 0) -> int:
    """Position of the first cue of ``rule_id`` in ``text`` at or after ``after`` (fires the rule), or -1."""
    best = -1
    for cue in cues.groups.get(rule_id, ()):
        i = text.find(cue, after)
        if i >= 0 and (best < 0 or i < best):
            best = i
    if best >= 0:
        fire(rule_id)
    return best


def _fill_dates(report: CaseReport, ents: list[Entity], sents: list[_Sentence], cues: _Cues,
                evidence: list[Entity], text: str) -> None:
    """Report date: a date standing before 报警/报案 in its sentence (what follows 称 is the
    victim's account). Arrest date: a date in a sentence with 抓获/刑事拘留. Occurrence: the
    earliest incident date up to the report date, leaving out the suspect's history."""
    reported = arrested = None
    occurred: list[Entity] = []
    dates = [e for e in ents if e.label == "DATE" and e.value and e.value.get("iso")]
    for e in ents:
        if e.label != "DATE" or not e.value or not e.value.get("iso"):
            continue
        s = _sentence_of(sents, e.start)
        if s is None:
            continue
        if _cue_pos(cues, "report.date.dateline", text[e.end:e.end + 2]) == 0:
            continue
        if cues.patterns["report.date.age_phrase"].match(text, e.end):
            fire("report.date.age_phrase")
            continue  # 今年41岁: an age (report.date.age_phrase)
        if _news_day(text, e, cues):
            continue  # 5月6日，X县公安局传来消息: the news day (report.date.news)
        rel = e.start - s.start
        rep = _cue_pos(cues, "report.date.reported", s.text)
        rep_after = _cue_pos(cues, "report.date.reported", s.text, rel)
        if reported is None and rep_after >= 0 and "称" not in s.text[rel:rep_after]:
            reported = e
            continue
        arr_after = _cue_pos(cues, "report.date.arrested", s.text, rel)
        # the date nearest before the arrest cue: a stamp or an earlier date of the same sentence is not the arrest's
        nearer = arr_after >= 0 and any(d is not e and e.end <= d.start < s.start + arr_after for d in dates)
        if arrested is None and arr_after >= 0 and not nearer and (rep_after < 0 or arr_after < rep_after):
            arrested = e
            continue
        sus = _cue_pos(cues, "report.date.suspect_activity", s.text)
        if sus >= 0 and rep < 0:
            continue
        if cues.hit("report.date.occurred", s.text):
            occurred.append(e)
    if arrested is None:
        arrested = _arrest_in_paragraph(sents, dates, cues, text)
    if reported is not None:
        report.reported_on = _date(reported)
        evidence.append(reported)
    if arrested is not None:
        report.arrested_on = _date(arrested)
        evidence.append(arrested)
    limit = report.reported_on.iso[:10] if report.reported_on else None
    cands = [e for e in occurred if limit is None or e.value["iso"][:10] <= limit]
    if cands:
        first = min(cands, key=lambda e: e.value["iso"])
        report.occurred_on = _date(first)
        evidence.append(first)
    elif arrested is not None and _caught_in_act(report, sents, arrested, cues):
        report.occurred_on = _date(arrested)
    elif reported is not None:
        # 8月7日，…接到群众报警，称…手机被盗: the report of an incident that just happened dates it
        # (report.date.occurred_at_report)
        # 6月28日晚，王某…遭歹徒抢劫，…报警: the incident may also be told before the report cue, after the date
        s = _sentence_of(sents, reported.start)
        rel = reported.end - s.start
        tail = s.text[rel:]
        others = [d for d in dates if reported.end <= d.start < s.end]
        if tail and not others and cues.hit("report.date.occurred_at_report", tail):
            report.occurred_on = _date(reported)


def _arrest_in_paragraph(sents: list[_Sentence], dates: list[Entity], cues: _Cues, text: str) -> Entity | None:
    """The arrest date when no sentence with an arrest cue holds a date (report.date.arrest_in_paragraph): the last
    date before the first arrest sentence in the same paragraph (``5月3日晚，…查到一名在逃人员。随后民警将其控制。``)."""
    for s in sents:
        if cues.hit("report.statistics", s.text) or _cue_pos(cues, "report.date.arrested", s.text) < 0:
            continue
        para = text.rfind("\n", 0, s.start) + 1
        before = [d for d in dates if para <= d.start < s.start
                  and _cue_pos(cues, "report.date.dateline", text[d.end:d.end + 2]) != 0
                  and not cues.patterns["report.date.age_phrase"].match(text, d.end) and not _news_day(text, d, cues)]
        if before:
            fire("report.date.arrest_in_paragraph")
            return before[-1]
        return None
    return None


_NEWS_TAIL_RE = regex.compile(r"[^。！？\n]{0,24}")


def _news_day(text: str, e: Entity, cues: _Cues) -> bool:
    """Is DATE ``e`` the day news came out (``5月6日，X县公安局传来消息``: a report.date.news cue right after it)?"""
    return cues.hit("report.date.news", _NEWS_TAIL_RE.match(text, e.end).group(0)) is not None


def _caught_in_act(report: CaseReport, sents: list[_Sentence], arrested: Entity, cues: _Cues) -> bool:
    """Was the offence caught in progress on the arrest date (report.date.caught_in_act): a den raided
    (``当场抓获参赌人员``), or a case of a family always caught in progress (gambling)."""
    if (report.case_type or "").split(".")[0] in cues.caught_families:
        fire("report.date.caught_in_act")
        return True
    s = _sentence_of(sents, arrested.start)
    return s is not None and cues.hit("report.date.caught_in_act", s.text) is not None


def _fill_outcome(report: CaseReport, sents: list[_Sentence], cues: _Cues, events: set[str],
                  at_risk: str | None = None) -> None:
    """Outcomes from the cues; a sum at risk that was stopped (``_fill_money``) is a prevented fraud.

    Only what happened in this case: a solving still to come (``加紧侦破``, ``尽快破案``: report.outcome.unfinished)
    is none; ``挽回`` in the sentence of a prevention is the sum that never left (report.outcome.saved_not_recovered);
    a confession of the caught suspect alone solves nothing; goods seized back from the thief
    are recovered (report.outcome.recovered_goods); ``拦截`` beside a stopped payment is a freeze, not a prevention
    (report.outcome.intercepted_payment).

    >>> from jnpolice_ner import extract
    >>> extract("3月2日，市民赵女士报警称被盗现金5000元。警方正加紧对案件的侦破工作。", "2020-03-10")[0].outcome
    []
    >>> extract("3月2日，市民赵女士报警称被骗。3月5日，民警将嫌疑人刘某抓获，刘某对其诈骗的犯罪事实供认不讳。", "2020-03-10")[0].outcome
    ['arrested']
    """
    found: set[str] = {"prevented"} if at_risk else set()
    intercepted: set[str] = set()
    prevent_cues: set[str] = set()  # every prevention cue seen (report.outcome.kept_by_freeze)
    for s in sents:
        said = _without_pretext(s.text, cues)
        said = _blank(said, cues.groups.get("report.outcome.idiom", ()), "report.outcome.idiom")
        said = cues.patterns["report.outcome.idiom"].sub(lambda m: (fire("report.outcome.idiom"), "＿" * len(m.group(0)))[1], said)
        for rid in ("report.outcome.recovery_wished", "report.outcome.confiscated"):
            said = cues.patterns[rid].sub(lambda m, rid=rid: (fire(rid), "＿" * len(m.group(0)))[1], said)
        for name in ("prevented", "recovered", "frozen", "arrested", "detained", "prosecuted", "solved"):
            cue = cues.hit(f"report.outcome.{name}", said)
            if not cue or _negated(said, cue, cues):
                continue
            if name == "solved" and not _finished(said, cues):
                continue
            if name == "recovered" and cue == "挽回" and cues.hit("report.outcome.saved_not_recovered", said):
                continue
            if name == "prevented" and cue in cues.groups.get("report.outcome.intercepted_payment", ()) and \
                    not any(c in said for c in cues.groups["report.outcome.prevented"] if c not in
                            cues.groups["report.outcome.intercepted_payment"]):
                intercepted.add(cue)
                continue
            if name == "prevented":
                prevent_cues.update(c for c in cues.groups["report.outcome.prevented"] if c in said)
            found.add(name)
        if any(c in said for c in cues.goods_needs) and any(c in said for c in cues.goods_context):
            fire("report.outcome.recovered_goods")
            found.add("recovered")
    if "prevented" in found and "frozen" in found and not at_risk and prevent_cues and \
            prevent_cues <= set(cues.groups["report.outcome.kept_by_freeze"]):
        fire("report.outcome.kept_by_freeze")
        found.discard("prevented")
        if report.amount_recovered is None and report.amount_lost is not None:
            report.amount_recovered = report.amount_lost.model_copy()  # the freeze kept the money
    if intercepted:
        if "frozen" in found:
            fire("report.outcome.intercepted_payment")
        else:
            found.add("prevented")
    order = ("prevented", "recovered", "frozen", "arrested", "detained", "prosecuted", "solved")
    report.outcome = [o for o in order if o in found]
    if "prevented" in found and report.amount_lost is not None and report.amount_recovered is None and at_risk != "partial":
        report.amount_recovered = report.amount_lost.model_copy()


def _blank(sentence: str, words: tuple[str, ...] | list[str], rule_id: str) -> str:
    """``sentence`` with each of ``words`` blanked out (same length), firing ``rule_id`` when one was."""
    for w in words:
        if w in sentence:
            fire(rule_id)
            sentence = sentence.replace(w, "＿" * len(w))
    return sentence


def _finished(sentence: str, cues: _Cues) -> bool:
    """Does ``sentence`` tell a case solved: some solved cue not led by ``尽快``/``加紧`` and not followed by
    ``工作``/``中`` (report.outcome.unfinished: 加紧对案件的侦破工作, 以帮助尽快破案)."""
    for cue in cues.groups.get("report.outcome.solved", ()):
        start = 0
        while (i := sentence.find(cue, start)) >= 0:
            start = i + 1
            before, after = sentence[max(0, i - 5):i], sentence[i + len(cue):i + len(cue) + 2]
            if any(b in before for b in cues.unfinished_before) or any(after.startswith(a) for a in cues.unfinished_after):
                fire("report.outcome.unfinished")
                continue
            return True
    return False


def _without_pretext(sentence: str, cues: _Cues) -> str:
    """``sentence`` without the freezes a fraudster claims (report.outcome.pretext: ``称货款被冻结``, ``需要解冻``),
    blanked out (same length) when the sentence tells a claim; else ``sentence`` itself.

    >>> c = _cues(load_rules())
    >>> _without_pretext("对方称其账户被冻结，需交纳解冻金。", c).count("冻结")
    0
    >>> _without_pretext("民警立即冻结了涉案账户。", c).count("冻结")
    1
    """
    if not any(w in sentence for w in cues.pretext_claims):
        return sentence
    out = sentence
    for cue in cues.groups.get("report.outcome.pretext", ()):
        if cue in out:
            fire("report.outcome.pretext")
            out = out.replace(cue, "＿" * len(cue))
    return out


def _methods(text: str, cues: _Cues) -> list[str]:
    out: list[str] = []
    for m in cues.method_re.finditer(text):
        if m.group(0) not in out:
            out.append(m.group(0))
    return out
