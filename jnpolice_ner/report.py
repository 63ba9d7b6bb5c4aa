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

import datetime as _dt
import functools
import logging
from dataclasses import dataclass
from typing import Any

import regex

from .models import Article, CaseReport, DateValue, Entity, Money, Party
from .ruleset import RuleSet, load_rules
from .textnorm import normalize
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
        self.patterns: dict[str, Any] = {}
        for r in f.rules:
            cues = r.extra("cues") or []
            self.groups[r.id] = sorted(cues, key=len, reverse=True)
            if r.compiled is not None:
                self.patterns[r.id] = r.compiled
        self.negations = f.extra("negations", [])
        self.min_events = int(f.extra("min_event_groups", 2))
        methods = f.extra("methods", [])
        self.method_re = regex.compile("|".join(regex.escape(m) for m in sorted(methods, key=len, reverse=True)))

    def hit(self, rule_id: str, text: str) -> str | None:
        """The first cue of ``rule_id`` found in ``text`` (fires the rule), or None."""
        for cue in self.groups.get(rule_id, ()):
            if cue in text:
                fire(rule_id)
                return cue
        return None


@functools.lru_cache(maxsize=4)
def _cues(rules: RuleSet) -> _Cues:
    return _Cues(rules)


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for m in _SENT_RE.finditer(text):
        if m.end() > m.start() and m.group(0).strip():
            out.append(_Sentence(m.start(), m.end(), m.group(0)))
    return out


def _sentence_of(sents: list[_Sentence], pos: int) -> _Sentence | None:
    for s in sents:
        if s.start <= pos < s.end:
            return s
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
            party.gender = "女" if title == "女士" else "男"
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


_UNIT_NAME_RE = regex.compile(r"^(?P<bureau>[\p{Han}]{2,12}?)公安(?:局|厅)(?:(?P<branch>[\p{Han}]{2,8}?)分局)?")


def _impersonated(text: str, e: Entity, cues: _Cues) -> bool:
    """A unit or person a fraudster pretends to be: 自称“北京市公安局”民警, 冒充公安局."""
    before = text[max(0, e.start - 6):e.start]
    if cues.hit("report.party.impersonated", before):
        return True
    return e.start > 0 and text[e.start - 1] in "“\"「" and cues.hit("report.party.impersonated", text[max(0, e.start - 10):e.start]) is not None


def _money(e: Entity) -> Money | None:
    if not e.value or "amount" not in e.value:
        return None
    return Money.model_validate({k: v for k, v in e.value.items() if k in Money.model_fields})


def _date(e: Entity) -> DateValue | None:
    if not e.value or "iso" not in e.value:
        return None
    return DateValue.model_validate({k: v for k, v in e.value.items() if v is not None})


def build_cases(article: Article, issue: _dt.date | None, rules: RuleSet | None = None) -> list[CaseReport]:
    """The criminal cases ``article`` reports (none for statistics, campaign and service stories)."""
    rules = rules or load_rules()
    cues = _cues(rules)
    # cues are written in simplified forms: read the normalized text (same length, same offsets)
    text = normalize(article.text)
    if not text.strip():
        return []
    sents = _sentences(text)
    events: set[str] = set()
    for s in sents:
        if cues.hit("report.statistics", s.text):
            continue
        for gid in ("report.event.reported", "report.event.loss", "report.event.arrest", "report.event.prevented"):
            if cues.hit(gid, s.text):
                events.add(gid)
    ents = article.entities
    parties = [e for e in ents if e.label == "PERSON" and e.role in ("victim", "suspect")]
    if parties:
        events.add("parties")
    if len(events) < cues.min_events:
        return []
    # a concrete anchor: a day-precise date, a named party or an amount of money
    anchored = bool(parties) or any(
        e.label == "MONEY" or (e.label == "DATE" and (e.value or {}).get("granularity") == "day")
        for e in ents
    )
    if not anchored:
        return []
    code, cue_ids = _classify(normalize(article.headline or "") + "\n" + text, ents)
    if code in ("other", None) and "report.event.loss" not in events and "report.event.arrest" not in events:
        return []
    report = CaseReport(
        case_type=code,
        headline=article.headline or None,
        issue_date=issue,
        reporters=list(article.reporters),
        correspondents=list(article.correspondents),
        case_type_cues=cue_ids,
    )
    evidence: list[Entity] = []
    report.county = _county(article, [e for e in ents if not _impersonated(text, e, cues)])
    for e in ents:
        if e.label == "UNIT" and e.value and e.value.get("name") not in report.units:
            if _impersonated(text, e, cues):
                continue
            report.units.append(e.value["name"])
            evidence.append(e)
    places = [e for e in ents if e.label == "PLACE"]
    seen: dict[str, set[str]] = {"officer": set(), "victim": set(), "suspect": set()}
    for e in ents:
        if e.label != "PERSON" or e.role not in seen:
            continue
        name = (e.value or {}).get("name") or e.text
        party = _party(e, text, cues, places) if e.role != "officer" else None
        if name in seen[e.role]:
            # a later mention may carry the description: fill what is missing
            if party is not None:
                target = next(p for p in (report.victims if e.role == "victim" else report.suspects)
                              if p.name == name)
                for f in ("gender", "age", "origin"):
                    if getattr(target, f) is None and getattr(party, f) is not None:
                        setattr(target, f, getattr(party, f))
            continue
        seen[e.role].add(name)
        evidence.append(e)
        if e.role == "officer":
            report.officers.append(name)
        elif e.role == "victim":
            report.victims.append(party)
        else:
            report.suspects.append(party)
    _fill_money(report, ents, sents, cues, evidence, events, text)
    _fill_dates(report, ents, sents, cues, evidence, text)
    _fill_outcome(report, sents, cues, events)
    report.method = _methods(text, cues)
    report.evidence = evidence
    return [report]


def _fill_money(report: CaseReport, ents: list[Entity], sents: list[_Sentence], cues: _Cues,
                evidence: list[Entity], events: set[str], text: str) -> None:
    lost: list[Entity] = []
    recovered: list[Entity] = []
    for e in ents:
        if e.label != "MONEY" or not e.value:
            continue
        s = _sentence_of(sents, e.start)
        if s is None or cues.hit("report.statistics", s.text):
            continue
        # the clause holding the amount decides first; the sentence is the fallback
        clause = _clause(s, e)
        if cues.hit("report.money.recovered", clause):
            recovered.append(e)
        elif cues.hit("report.money.lost", clause) or cues.hit("report.money.lost", s.text):
            lost.append(e)
    if lost:
        best = max(lost, key=lambda e: e.value.get("amount", 0))
        report.amount_lost = _money(best)
        evidence.append(best)
    if recovered:
        best = max(recovered, key=lambda e: e.value.get("amount", 0))
        report.amount_recovered = _money(best)
        evidence.append(best)
    if report.amount_recovered is None and report.amount_lost is not None:
        if cues.hit("report.money.full_recovery", text):
            report.amount_recovered = report.amount_lost.model_copy()
    if "report.event.prevented" in events and report.amount_lost is None and recovered:
        report.amount_lost = report.amount_recovered.model_copy() if report.amount_recovered else None


def _clause(s: _Sentence, e: Entity) -> str:
    """The comma-delimited clause of sentence ``s`` around entity ``e`` (and the one before it)."""
    rel_start, rel_end = e.start - s.start, e.end - s.start
    left = max(s.text.rfind("，", 0, rel_start), s.text.rfind(",", 0, rel_start))
    left2 = max(s.text.rfind("，", 0, max(left, 0)), -1) if left > 0 else -1
    right = s.text.find("，", rel_end)
    return s.text[left2 + 1: right if right >= 0 else len(s.text)]


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
    for e in ents:
        if e.label != "DATE" or not e.value or not e.value.get("iso"):
            continue
        s = _sentence_of(sents, e.start)
        if s is None:
            continue
        if _cue_pos(cues, "report.date.dateline", text[e.end:e.end + 1]) == 0:
            continue
        rel = e.start - s.start
        rep = _cue_pos(cues, "report.date.reported", s.text)
        rep_after = _cue_pos(cues, "report.date.reported", s.text, rel)
        if reported is None and rep_after >= 0 and "称" not in s.text[rel:rep_after]:
            reported = e
            continue
        arr_after = _cue_pos(cues, "report.date.arrested", s.text, rel)
        if arrested is None and arr_after >= 0 and (rep_after < 0 or arr_after < rep_after):
            arrested = e
            continue
        sus = _cue_pos(cues, "report.date.suspect_activity", s.text)
        if sus >= 0 and rep < 0:
            continue
        if cues.hit("report.date.occurred", s.text):
            occurred.append(e)
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


def _fill_outcome(report: CaseReport, sents: list[_Sentence], cues: _Cues, events: set[str]) -> None:
    found: set[str] = set()
    for s in sents:
        for name in ("prevented", "recovered", "frozen", "arrested", "detained", "prosecuted", "solved"):
            cue = cues.hit(f"report.outcome.{name}", s.text)
            if cue and not _negated(s.text, cue, cues):
                found.add(name)
    order = ("prevented", "recovered", "frozen", "arrested", "detained", "prosecuted", "solved")
    report.outcome = [o for o in order if o in found]
    if "prevented" in found and report.amount_lost is not None and report.amount_recovered is None:
        report.amount_recovered = report.amount_lost.model_copy()


def _methods(text: str, cues: _Cues) -> list[str]:
    out: list[str] = []
    for m in cues.method_re.finditer(text):
        if m.group(0) not in out:
            out.append(m.group(0))
    return out
