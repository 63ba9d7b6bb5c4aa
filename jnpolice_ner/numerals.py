"""Chinese and Arabic numerals → numbers, shared by MONEY and DATE.

The character tables (digits, units, vague words) live in ``rules/numerals.yaml``.

>>> parse_number("两万五")
25000
>>> parse_number("1.2万")
12000
>>> parse_number("二〇一六")
2016
>>> parse_number("1,000")
1000
>>> parse_amount("三四万")
Quantity(low=30000, high=40000, qualifier='range', kind='pair')
>>> parse_amount("8万余")
Quantity(low=80000, high=None, qualifier='more_than', kind='more')
>>> parse_amount("几千")
Quantity(low=1000, high=10000, qualifier='range', kind='vague')
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from .ruleset import RuleSet, load_rules


class Quantity(NamedTuple):
    """A parsed amount: ``low`` (the value), ``high`` for ranges, and how it was read.

    ``qualifier`` is ``exact``, ``more_than`` (余/多/上万) or ``range`` (三四万, 几千);
    ``kind`` names the reading (``plain``, ``more``, ``reaching``, ``pair``, ``vague``).
    """

    low: int | float
    high: int | float | None
    qualifier: str
    kind: str


class _Tables(NamedTuple):
    digits: dict[str, int]
    units: dict[str, int]
    tens: dict[str, int]
    vague: frozenset[str]
    reaching: frozenset[str]
    more: frozenset[str]
    macros: dict[str, str]


@functools.lru_cache(maxsize=4)
def _tables_for(rules: RuleSet) -> _Tables:
    f = rules["numerals"]
    return _Tables(
        digits={str(k): int(v) for k, v in (f.extra("digits") or {}).items()},
        units={str(k): int(v) for k, v in (f.extra("units") or {}).items()},
        tens={str(k): int(v) for k, v in (f.extra("tens") or {}).items()},
        vague=frozenset(f.extra("vague") or ()),
        reaching=frozenset(f.extra("reaching") or ()),
        more=frozenset(f.extra("more") or ()),
        macros={str(k): str(v) for k, v in (f.extra("macros") or {}).items()},
    )


def tables(rules: RuleSet | None = None) -> _Tables:
    """The numeral tables of ``rules`` (default: the package rules)."""
    return _tables_for(rules if rules is not None else load_rules())


def macros(rules: RuleSet | None = None) -> dict[str, str]:
    """Regex macros (``{AMOUNT}``…) of rules/numerals.yaml.

    >>> "AMOUNT" in macros()
    True
    """
    return tables(rules).macros


def tidy(x: float) -> int | float:
    """An int when whole: ``12000.0`` → ``12000``.

    >>> tidy(12000.0), tidy(0.5)
    (12000, 0.5)
    """
    r = round(x, 6)
    return int(r) if r == int(r) else r


def _arabic(run: str) -> float | None:
    """``1,000`` / ``1.5`` / ``3190`` → number; badly placed separators → None."""
    if "," in run:
        head, _, rest = run.partition(".") if "." in run else (run, "", "")
        groups = head.split(",")
        if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            return None
        run = "".join(groups) + ("." + rest if rest else "")
    if run.count(".") > 1 or run.startswith(".") or run.endswith("."):
        return None
    try:
        return float(run)
    except ValueError:
        return None


def _tokens(s: str, t: _Tables, fill: dict[int, int] | None = None) -> list[tuple[str, float, bool]] | None:
    """Tokens ``(kind, value, flag)``: kind ``n`` (number; flag = may be scaled) or ``u`` (unit)."""
    out: list[tuple[str, float, bool]] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if fill is not None and i in fill:
            out.append(("n", fill[i], False))
            i += 1
        elif ch.isascii() and ch.isdigit():
            j = i
            while j < n and s[j].isascii() and (s[j].isdigit() or s[j] in ",."):
                j += 1
            run = s[i:j].rstrip(",")
            v = _arabic(run)
            if v is None:
                return None
            out.append(("n", v, len(run) == 1))
            i = j
        elif ch in t.digits:
            # a run of Chinese digits without units is positional: 二〇一六, 零五
            j = i
            while j < n and s[j] in t.digits and not (fill and j in fill):
                j += 1
            run = s[i:j]
            if len(run) == 1:
                out.append(("n", t.digits[ch], True))
            else:
                v = int("".join(str(t.digits[c]) for c in run))
                out.append(("n", v, False))
            i = j
        elif ch in t.tens:
            out.append(("n", t.tens[ch] // 10, False))
            out.append(("u", 10, False))
            i += 1
        elif ch in t.units:
            out.append(("u", t.units[ch], False))
            i += 1
        else:
            return None
    return out


def _evaluate(toks: list[tuple[str, float, bool]]) -> float | None:
    """Value of a token list: ``[n1, u10000, n5]`` (一万五) → 15000."""
    if not toks:
        return None
    total = 0.0  # 亿 part
    wan = 0.0  # 万 part
    sec = 0.0  # below 万
    num: float | None = None
    scalable = False
    last_unit = 0
    small_unit = 100000  # last unit below 万 in the current section (must descend)
    prev_kind = ""
    for kind, v, flag in toks:
        if kind == "n":
            if prev_kind == "n":
                return None
            num, scalable = v, flag
        else:
            u = int(v)
            if u < 10000:
                if u >= small_unit:
                    return None
                sec += (1 if num is None else num) * u
                small_unit = u
            elif u == 10000:
                if num is None and sec == 0:
                    return None
                wan += (sec + (num or 0)) * 10000
                sec, small_unit = 0.0, 100000
            else:
                if num is None and sec == 0 and wan == 0 and total == 0:
                    return None
                total = (total + wan + sec + (num or 0)) * u
                wan, sec, small_unit = 0.0, 0.0, 100000
            num, last_unit = None, u
        prev_kind = kind
    if num is not None:
        # colloquial abbreviation: 两万五 = 25000, 三千五 = 3500, 1万5 = 15000
        if scalable and last_unit >= 100 and num < 10:
            num = num * last_unit / 10
        sec += num
    return total + wan + sec


def parse_number(s: str, rules: RuleSet | None = None) -> int | float | None:
    """An exact numeral (Chinese, Arabic or mixed) → int/float, else None.

    >>> parse_number("十五"), parse_number("二十二"), parse_number("廿三"), parse_number("一万零五百")
    (15, 22, 23, 10500)
    >>> parse_number("3千"), parse_number("2亿"), parse_number("一亿五千万"), parse_number("4819.32")
    (3000, 200000000, 150000000, 4819.32)
    >>> parse_number("三四"), parse_number("abc"), parse_number("")
    (34, None, None)
    """
    if not s or len(s) > 40:
        return None
    if s.isdigit() and s.isascii():
        return int(s)
    t = tables(rules)
    toks = _tokens(s, t)
    if toks is None:
        return None
    v = _evaluate(toks)
    return None if v is None else tidy(v)


def _pair_index(s: str, t: _Tables) -> int | None:
    """Index of the first char of an adjacent-digit range (三四万, 十七八万, 一两千)."""
    for i in range(len(s) - 1):
        a, b = s[i], s[i + 1]
        if a in t.digits and b in t.digits and a not in "〇○零" and b not in "〇○零":
            da, db = t.digits[a], t.digits[b]
            nxt = s[i + 2] if i + 2 < len(s) else ""
            prev_digit = i > 0 and s[i - 1] in t.digits
            if 0 < db - da <= 2 and not prev_digit and (nxt in t.units or nxt == "" or nxt in t.more):
                return i
    return None


def parse_amount(s: str, rules: RuleSet | None = None) -> Quantity | None:
    """An amount as written in money (and counts): exact, 余/多, 上万, 三四万 or 几千.

    >>> parse_amount("两万多")
    Quantity(low=20000, high=None, qualifier='more_than', kind='more')
    >>> parse_amount("上万")
    Quantity(low=10000, high=None, qualifier='more_than', kind='reaching')
    >>> parse_amount("十几万")
    Quantity(low=100000, high=200000, qualifier='range', kind='vague')
    >>> parse_amount("数十万")
    Quantity(low=100000, high=1000000, qualifier='range', kind='vague')
    >>> parse_amount("七八十万")
    Quantity(low=700000, high=800000, qualifier='range', kind='pair')
    >>> parse_amount("5000")
    Quantity(low=5000, high=None, qualifier='exact', kind='plain')
    """
    if not s or len(s) > 40:
        return None
    if s.isdigit() and s.isascii():  # the common case: 5000
        return Quantity(int(s), None, "exact", "plain")
    return _parse_amount(s, rules if rules is not None else load_rules())


@functools.lru_cache(maxsize=8192)
def _parse_amount(s: str, rules: RuleSet) -> Quantity | None:
    t = tables(rules)
    kind, qualifier = "plain", "exact"
    if s[0] in t.reaching:
        s = "一" + s[1:]
        kind, qualifier = "reaching", "more_than"
    if any(c in t.more for c in s):
        if s[0] in t.more:
            return None
        s = "".join(c for c in s if c not in t.more)
        if kind == "plain":
            kind, qualifier = "more", "more_than"
    vague = [i for i, c in enumerate(s) if c in t.vague]
    if vague:
        if len(vague) > 1:
            return None
        i = vague[0]
        nxt = s[i + 1] if i + 1 < len(s) else ""
        prv = s[i - 1] if i > 0 else ""
        # 几十 / 数万: a multiplier (1×–10×); 十几 / 二十几万: the units digit (0–10)
        lo_fill = 1 if nxt in t.units and t.units.get(prv) != 10 and prv not in t.tens else 0
        lo = _value(s, t, {i: lo_fill})
        hi = _value(s, t, {i: 10})
        if lo is None or hi is None:
            return None
        return Quantity(tidy(max(lo, 1)), tidy(hi), "range", "vague")
    p = _pair_index(s, t)
    if p is not None:
        lo = _value(s[:p + 1] + s[p + 2:], t)
        hi = _value(s[:p] + s[p + 1:], t)
        if lo is not None and hi is not None and hi > lo:
            return Quantity(tidy(lo), tidy(hi), "range", "pair")
    v = _value(s, t)
    if v is None:
        return None
    return Quantity(tidy(v), None, qualifier, kind)


def _value(s: str, t: _Tables, fill: dict[int, int] | None = None) -> float | None:
    toks = _tokens(s, t, fill)
    return None if toks is None else _evaluate(toks)


def magnitude_suffix(s: str, rules: RuleSet | None = None) -> int:
    """The multiplier a numeral ends with (``2万`` → 10000, ``5000`` → 1): for ``1至2万`` ranges.

    >>> magnitude_suffix("2万"), magnitude_suffix("3千万"), magnitude_suffix("5000")
    (10000, 10000000, 1)
    """
    t = tables(rules)
    s = "".join(c for c in s if c not in t.more)
    mult = 1
    i = len(s) - 1
    while i >= 0 and s[i] in t.units:
        mult *= t.units[s[i]]
        i -= 1
    return mult


def has_unit(s: str, rules: RuleSet | None = None) -> bool:
    """Whether a numeral contains a multiplier character (十百千万亿).

    >>> has_unit("1"), has_unit("1万")
    (False, True)
    """
    t = tables(rules)
    return any(c in t.units or c in t.tens for c in s)


def expand_macros(pattern: str, extra: dict[str, Any] | None = None, rules: RuleSet | None = None) -> str:
    """Replace ``{NAME}`` macros in ``pattern`` (numeral macros plus ``extra``).

    >>> expand_macros("{X}元", {"X": "[0-9]{1,3}"})
    '[0-9]{1,3}元'
    """
    table = dict(macros(rules))
    table.update(extra or {})
    # longest names first so {AMOUNT2} is not hit by {AMOUNT}
    for name in sorted(table, key=len, reverse=True):
        pattern = pattern.replace("{" + name + "}", str(table[name]))
    return pattern
