"""MONEY: amounts of money with their unit, currency word and qualifiers (rules/money.yaml).

Surface forms it handles (annotation.md): ``1万元`` (10000 exact), ``8万余元`` (more_than),
``三四万元`` (range 30000–40000), ``人民币3190元``, ``5000元人民币``, ``近10万元`` (about),
``不到1000元`` (less_than), ``数千元`` (range 1000–10000), ``3000美元`` (USD) and, next to a money
cue such as 被骗/转账/涉案金额, bare ``58万`` or ``两万多``. Counts (``三四百人``, ``58万人``),
durations (``十余天``) and dates never match: a money span needs a money unit, a currency word
or a money cue and no classifier after it.

>>> from jnpolice_ner.ruleset import load_rules
>>> [(c.start, c.end, c.data["value"]["amount"]) for c in recognize("他被骗走8万余元。", load_rules())]
[(4, 8, 80000)]
"""

from __future__ import annotations

import functools
import re
from typing import Any

import regex

from .. import numerals
from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, fast_compile
from ..trace import fire

LABEL = "MONEY"
ORDER = 50

_SENTENCE_END = "。！？；\n"


def _alternation(words: list[str]) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


class _Compiled:
    """The money rules of one RuleSet, with macros expanded and word tables indexed."""

    def __init__(self, rules: RuleSet):
        f = rules["money"]
        self.lq: dict[str, str] = dict(f.extra("leading_qualifiers") or {})
        self.tq: dict[str, str] = dict(f.extra("trailing_qualifiers") or {})
        self.units: dict[str, str] = dict(f.extra("units") or {})
        self.cur_pre: dict[str, str] = dict(f.extra("currency_prefix") or {})
        self.cur_post: dict[str, str] = dict(f.extra("currency_postfix") or {})
        self.connectors = tuple(f.extra("connectors") or ("至", "到"))
        self.kuai_follow = set(f.extra("kuai_follow") or "")
        self.yuan_stop = set(f.extra("yuan_stop") or "")
        self.classifiers = set(f.extra("classifiers") or "")
        self.adverb_words = frozenset(f.extra("adverb_words") or ())
        self.adverb_follow = tuple(sorted(f.extra("adverb_follow") or (), key=len, reverse=True))
        self.adverb_amount_follow = set(f.extra("adverb_amount_follow") or "")
        self.denominations = frozenset(f.extra("denominations") or ())
        self.denomination_follow = tuple(f.extra("denomination_follow") or ())
        cues = list(f.extra("context_cues") or [])
        self.cue_re = fast_compile(_alternation(cues)) if cues else None
        # what may follow a numeral run for it to be worth trying (units, currency, qualifiers, ranges)
        self.after = tuple(sorted({*self.units, *self.cur_post, *self.tq, *self.connectors}, key=len, reverse=True))
        self.lq_words = _suffix_index(list(self.lq))
        self.cp_words = _suffix_index(list(self.cur_pre))
        macros = {
            "TQ": _alternation(list(self.tq)),
            "UNIT": _alternation(list(self.units)),
            "CURPOST": _alternation(list(self.cur_post)),
        }
        # a plain character class: the standard library scans it fastest
        self.run_re = re.compile(numerals.macros(rules)["RUN"])
        self.patterns: list[tuple[str, Any, Any]] = []
        for r in f.rules:
            if r.pattern:
                self.patterns.append((r.id, fast_compile(numerals.expand_macros(r.pattern, macros, rules)), r))
        self.bare_mags = set()
        for _, _, r in self.patterns:
            self.bare_mags |= set(r.extra("magnitudes") or ())
        self.rules = rules


@functools.lru_cache(maxsize=4)
def _compiled(rules: RuleSet) -> _Compiled:
    return _Compiled(rules)


#: how far past its start a money expression is matched (``regex`` matching is bounded by it)
_WINDOW = 80
#: the longest numeral run tried (an amount is at most 21 characters; longer runs: their tail)
_MAX_RUN = 24


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """MONEY candidates with their value in ``data["value"]`` (see module docstring).

    A fast pre-scan finds numeral runs; only runs that a unit, currency word, qualifier or range
    connector follows (or that end in a magnitude, for bare amounts) are parsed by the rules.
    """
    comp = _compiled(rules)
    t = numerals.tables(rules)
    out: list[Candidate] = []
    last_end = 0
    for run in comp.run_re.finditer(text):
        s, e = run.span()
        if e <= last_end:
            continue
        tail = text[e:e + 5]
        core = run.group().rstrip(",.")
        core = core.rstrip("".join(t.more))
        if not (tail.startswith(comp.after) or (core and core[-1] in comp.bare_mags)
                or _ends_with(text, s, comp.cp_words)):
            continue
        s = max(s, e - _MAX_RUN, last_end)
        # rules worth trying for this run: a range needs a connector after a number, a bare
        # amount a magnitude, a currency-prefix amount a currency word before it
        has_conn = any(c in text[s:e + 8] for c in comp.connectors)
        bare_ok = bool(core) and core[-1] in comp.bare_mags
        for p in range(s, e):
            best: Candidate | None = None
            for rule_id, pat, rule in comp.patterns:
                kind = rule_id.rsplit(".", 1)[-1]
                if (kind == "range" and not has_conn) or (kind == "bare" and not bare_ok):
                    continue
                if best is not None and kind in ("bare", "currency_prefix"):
                    continue
                m = pat.match(text, p, min(len(text), p + _WINDOW))
                if m is None:
                    continue
                cand = _candidate(text, m, rule_id, rule, comp, rule_id.endswith(".bare"))
                if cand is not None and (best is None or cand.length > best.length):
                    best = cand
            if best is not None:
                out.append(best)
                last_end = best.end
                break
    return out


def _ends_with(text: str, pos: int, index: tuple[tuple[int, ...], frozenset[str]]) -> str:
    """The longest word of ``index`` (see ``_suffix_index``) that ends right at ``pos`` ('' when none)."""
    for n in index[0]:
        if pos >= n and text[pos - n:pos] in index[1]:
            return text[pos - n:pos]
    return ""


def _suffix_index(words: list[str]) -> tuple[tuple[int, ...], frozenset[str]]:
    return tuple(sorted({len(w) for w in words}, reverse=True)), frozenset(words)


def _strip_num(m: Any, group: str) -> tuple[str, int]:
    """The numeral text of ``group`` without trailing separators, and its end offset."""
    s = m.group(group)
    end = m.end(group)
    while s and s[-1] in ",.":
        s, end = s[:-1], end - 1
    return s, end


def _candidate(text: str, m: Any, rule_id: str, rule: Any, comp: _Compiled, bare: bool) -> Candidate | None:
    t = numerals.tables(comp.rules)
    num, num_end = _strip_num(m, "num")
    if not num:
        return None
    gd = dict(m.groupdict())
    start, end = m.start(), m.end()
    if num_end != m.end("num"):
        # a separator dangled after the number: only acceptable when the number ends the span
        if any(gd.get(g) for g in ("unit", "num2", "unit2", "cpost", "tq")):
            return None
        end = num_end
    # a currency word and a leading qualifier right before the number: 近10万元, 人民币3190元
    cp = _ends_with(text, start, comp.cp_words)
    if not cp and rule.extra("needs_currency_prefix"):
        return None
    lq = _ends_with(text, start - len(cp), comp.lq_words)
    gd["cp"], gd["lq"] = cp or None, lq or None
    start -= len(cp) + len(lq)
    unit = gd.get("unit2") or gd.get("unit")
    if (text[m.start():end] in comp.denominations and not lq and not cp
            and text.startswith(comp.denomination_follow, end)):
        fire("money.negative.denomination")  # 百元纸币: the note's face value
        return None
    # 元旦 / 元宵: 元 starts a word; 3块手表: 块 is a classifier
    for g in ("unit", "unit2"):
        u = gd.get(g)
        if u is None:
            continue
        nxt = text[m.end(g)] if m.end(g) < len(text) else ""
        if u == "元" and nxt and nxt in comp.yuan_stop:
            fire("money.negative.yuan_word")
            return None
        if u == "块" and ((nxt and nxt not in comp.kuai_follow) or not _has_cue(text, start, 14, comp)):
            fire("money.negative.kuai")
            return None
    if bare:
        core = "".join(c for c in num if c not in t.more)
        if not core or core[-1] not in comp.bare_mags:
            return None
        if _adverb(text, num, end, gd, comp):
            fire("money.negative.adverb")
            return None
        nxt = text[end] if end < len(text) else ""
        if nxt and (nxt in comp.classifiers or nxt.isdigit() or nxt in t.digits or nxt in t.units):
            fire("money.negative.classifier")
            return None
        if not _has_cue(text, start, int(rule.extra("window") or 14), comp):
            return None
        fire("money.context.cue")
    q = numerals.parse_amount(num, comp.rules)
    if q is None:
        return None
    low, high = q.low, q.high
    qualifier = q.qualifier
    kinds = [q.kind]
    if gd.get("num2") is not None:
        num2, _ = _strip_num(m, "num2")
        q2 = numerals.parse_amount(num2, comp.rules)
        if q2 is None:
            return None
        if gd.get("unit") is None and not numerals.has_unit(num, comp.rules):
            mult = numerals.magnitude_suffix(num2, comp.rules)
            if mult > 1 and low * mult <= q2.low:
                low = low * mult
        high = q2.high if q2.high is not None else q2.low
        if not high > low:
            return None
        qualifier = "range"
        kinds.append(q2.kind)
    if low <= 0:
        return None
    if qualifier != "range":
        lead = comp.lq.get(gd.get("lq") or "")
        trail = comp.tq.get(gd.get("tq") or "")
        qualifier = lead or trail or qualifier
    currency = comp.units.get(unit or "", "CNY")
    if gd.get("cp"):
        cp_cur = comp.cur_pre[gd["cp"]]
        if currency == "CNY" or unit is None:
            currency = cp_cur
    if gd.get("cpost"):
        currency = comp.cur_post[gd["cpost"]]
    fire(rule_id)
    if qualifier in ("more_than", "about", "less_than"):
        fire("money.qualifier.reaching" if "reaching" in kinds else f"money.qualifier.{qualifier}")
    if "pair" in kinds:
        fire("money.range.pair")
    if "vague" in kinds:
        fire("money.range.vague")
    if currency != "CNY":
        fire("money.currency.foreign")
    value: dict[str, Any] = {"amount": numerals.tidy(low), "currency": currency, "qualifier": qualifier}
    if qualifier == "range" and high is not None:
        value["amount_max"] = numerals.tidy(high)
    return Candidate(LABEL, start, end, rule_id, score=rule.score, data={"value": value})


def _adverb(text: str, num: str, end: int, gd: dict[str, Any], comp: _Compiled) -> bool:
    """Whether a bare amount is the adverb 千万/万万 (rules/money.yaml, ``money.negative.adverb``).

    >>> from jnpolice_ner.ruleset import load_rules
    >>> [c.start for c in recognize("诈骗套路千万别信，被骗千万。", load_rules())]
    [11]
    """
    t = numerals.tables(comp.rules)
    word = num.lstrip("".join(t.reaching))
    if word not in comp.adverb_words:
        return False
    after = text[end:end + 4]
    if after.startswith(comp.adverb_follow):
        return True
    # a bare 千万 with nothing before or after it that makes it a number: the adverb
    plain = word == num and not (gd.get("tq") or gd.get("lq") or gd.get("cp"))
    return plain and bool(after) and after[0] not in comp.adverb_amount_follow


def _has_cue(text: str, start: int, window: int, comp: _Compiled) -> bool:
    """A money cue word in the same sentence, within ``window`` characters before ``start``."""
    if comp.cue_re is None:
        return False
    lo = max(0, start - window)
    left = text[lo:start]
    for ch in _SENTENCE_END:
        k = left.rfind(ch)
        if k >= 0:
            left = left[k + 1:]
    return comp.cue_re.search(left) is not None


def resolve(cand: Candidate, ctx: Context) -> bool:
    """Copy the value computed at recognition (a money value needs no article context)."""
    value = cand.data.get("value")
    if not value:
        return False
    cand.value = dict(value)
    return True


def parse_money(text: str, rules: RuleSet | None = None) -> dict[str, Any] | None:
    """The value of a money expression that fills ``text``, or None.

    >>> parse_money("三四万元")
    {'amount': 30000, 'currency': 'CNY', 'qualifier': 'range', 'amount_max': 40000}
    >>> parse_money("人民币3190元")
    {'amount': 3190, 'currency': 'CNY', 'qualifier': 'exact'}
    >>> parse_money("30岁") is None
    True
    """
    from ..ruleset import load_rules

    rules = rules or load_rules()
    best = None
    for c in recognize(text, rules):
        if c.start == 0 and c.end == len(text) and not c.rule_id.endswith(".bare"):
            best = c.data["value"]
            break
    return best
