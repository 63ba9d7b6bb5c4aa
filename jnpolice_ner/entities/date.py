"""DATE: calendar expressions and the deictic words resolvable from the issue date (rules/date.yaml).

Surface forms it handles (annotation.md): ``7月22日中午`` (day, part_of_day noon), ``今年2月份``
(month), ``2015年`` (year), ``8月8日至10日`` (``2016-08-08/2016-08-10``), ``4月9日11时许`` (time 11:00,
approximate), ``2025年04月02日 20:02``, ``今年``/``去年``, ``当天``/``次日`` (the date last mentioned),
``昨天`` (from the issue date), ``5月中旬`` (a day interval), ``大年初一`` (a lunar day), ``上周``
(the Monday–Sunday week before the issue date's, a day interval; ``上周五`` a day).

Year choices (documented in rules/date.yaml and the report):

* a date without a year takes the year of the last date in the same article that gave a year
  together with a month (``2015年3月5日…8月10日`` → 2015-08-10; ``date.year_anchor``), unless
  that would fall after the issue date; otherwise the issue date's year, or the year before when
  that would fall after the issue date; with neither, ``--MM-DD`` / ``--MM``;
* a year counted from the issue date (``去年10月``) anchors too, except for a month-day that in the
  issue year lies within ``recent_days`` before the issue date: the story has come up to the
  present (``去年10月…12月1日凌晨收网``, issue 2024-12-06 → 2024-12-01; ``date.year_anchor.recent_day``);
* a year alone (``自2015年以来``) does not anchor later dates;
* an anaphoric word (``当天``) with no earlier day in the article, a deictic word with no issue date,
  and a bare day (``10日``) with no month to take keep their span with ``value`` None;
* lunar days convert through the Chinese New Year table: exact for 正月 and 大年初N; other lunar
  months are approximated (29.53 days a month, 腊月 taken as 30 days) and marked ``approximate``;
* ``昨天``/``今天`` inside quotes resolve from the day last mentioned in the same paragraph (the
  scene), else from the issue date; a quoted one does not become the "last date";
* ``年初/年底/年末`` keep year granularity, ``月初/月底/月末`` month granularity; ``上半年`` is a
  month interval, ``上旬/中旬/下旬`` day intervals; ``1至7月`` is a month interval.

Every value is valid (``valid_value``): a real calendar date, or an interval whose start is not after
its end. ``2月30日`` is no date (also without a year); ``9月下旬`` without a year ends on ``--09-30``
(``2月下旬`` on ``--02-29``, the day a leap year has); an interval whose end names an earlier month
and no year runs into the next year (``12月28日至1月3日``, issue 2016-01-20 →
``2015-12-28/2016-01-03``); one written backwards (``8月10日至8日``) keeps its span with ``value``
None; so does a date counted past the calendar's ends (years 1–9999, e.g. ``明天`` on issue date
9999-12-31).

>>> from jnpolice_ner.ruleset import load_rules
>>> [c.rule_id for c in recognize("7月22日中午，他报警。", load_rules())]
['date.month_day']
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
from typing import Any

import regex

from .. import numerals
from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, fast_compile
from ..trace import fire

LABEL = "DATE"
ORDER = 40

_CONNECTORS = "至到~～-—－"
#: the named groups the resolver reads (rules/date.yaml documents them)
_GROUPS = ("y", "m", "m2", "d", "dy", "ay", "amo", "dd", "dmo", "dw", "wd", "wend", "ad", "ld", "lm", "lnewyear",
           "xun", "medge", "yedge", "yx", "pod", "hh", "mi", "half", "approx")
#: how far past its start a date expression is matched (``regex`` matching is bounded by it)
_WINDOW = 80
_QUOTE_OPEN, _QUOTE_CLOSE = "“「『", "”」』"


def _alternation(words: list[str]) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


class _Compiled:
    """The date rules of one RuleSet: one combined regex (a named group per rule) and the tables."""

    def __init__(self, rules: RuleSet):
        f = rules["date"]
        self.f = f
        self.rules = rules
        self.deictic_years: dict[str, int] = dict(f.extra("deictic_years") or {})
        self.anaphoric_years: dict[str, int] = dict(f.extra("anaphoric_years") or {})
        self.deictic_days: dict[str, int] = dict(f.extra("deictic_days") or {})
        self.deictic_months: dict[str, int] = dict(f.extra("deictic_months") or {})
        self.deictic_weeks: dict[str, int] = dict(f.extra("deictic_weeks") or {})
        self.weekdays: dict[str, int] = dict(f.extra("weekdays") or {})
        self.recent_days = int(f.extra("recent_days") or 31)
        self.since = tuple(f.extra("period_since") or ())
        self.anaphoric_days: dict[str, int] = dict(f.extra("anaphoric_days") or {})
        self.anaphoric_months: dict[str, int] = dict(f.extra("anaphoric_months") or {})
        self.anaphoric_pod: dict[str, str] = dict(f.extra("anaphoric_part_of_day") or {})
        self.deictic_pod: dict[str, str] = dict(f.extra("deictic_part_of_day") or {})
        self.word_stops: dict[str, list[str]] = dict(f.extra("word_stops") or {})
        self.pod: dict[str, str] = dict(f.extra("part_of_day") or {})
        self.approx = list(f.extra("approximate") or [])
        self.xun: dict[str, list[int]] = dict(f.extra("xun") or {})
        self.month_edge_days: dict[str, list[int]] = dict(f.extra("month_edge_days") or {})
        self.half_years: dict[str, list[int]] = dict(f.extra("half_years") or {})
        self.lunar_months: dict[str, int] = dict(f.extra("lunar_months") or {})
        self.lunar_new_year: dict[int, _dt.date] = {
            int(k): _dt.date.fromisoformat(str(v)) for k, v in (f.extra("lunar_new_year") or {}).items()
        }
        self.bare_before = set(f.extra("bare_day_before") or "")
        self.bare_not_after = list(f.extra("bare_day_not_after") or [])
        self.habitual_re = fast_compile(_alternation(list(f.extra("habitual_cues") or ["每天"])))
        self.hab_win_ana = int(f.extra("habitual_window_anaphoric") or 30)
        self.hab_win_cal = int(f.extra("habitual_window_calendar") or 4)
        self.clause_breaks = str(f.extra("clause_breaks") or "，。；！？\n")
        words = {
            "DEICTIC_YEAR": _alternation(list(self.deictic_years)),
            "ANAPHORIC_YEAR": _alternation(list(self.anaphoric_years)),
            "DEICTIC_DAY": _alternation(list(self.deictic_days)),
            "DEICTIC_MONTH": _alternation(list(self.deictic_months)),
            "DEICTIC_WEEK": _alternation(list(self.deictic_weeks)),
            "WEEK_NOT_BEFORE": regex.escape(str(f.extra("week_not_before") or "")),
            "WEEK_NOT_AFTER": regex.escape(str(f.extra("week_not_after") or "")),
            "WEEKDAY_NOT_AFTER": regex.escape(str(f.extra("weekday_not_after") or "")),
            "ANAPHORIC_DAY": _alternation(list(self.anaphoric_days)),
            "ANAPHORIC_MONTH": _alternation(list(self.anaphoric_months)),
            "LUNAR_MONTH": _alternation(list(self.lunar_months)),
            "POD": _alternation(list(self.pod)),
            "APPROX": _alternation(self.approx),
            "XUN": _alternation(list(self.xun)),
            "MEDGE": _alternation(list(f.extra("month_edges") or ["底"])),
            "HALF": _alternation(list(self.half_years)),
            "YEDGE": _alternation(list(f.extra("year_edges") or ["底"])),
        }
        # date macros may use each other ({DTAIL} uses {CLOCK}): expand until stable
        own = {str(k): str(v) for k, v in (f.extra("macros") or {}).items()}
        for _ in range(4):
            own = {k: numerals.expand_macros(v, {**words, **own}, rules) for k, v in own.items()}
        table = {**words, **own}
        parts, self.ids = [], []
        for n, r in enumerate(f.rules):
            if r.pattern:
                parts.append(f"(?P<r{n}>{numerals.expand_macros(r.pattern, table, rules)})")
                self.ids.append((f"r{n}", r.id, r.score))
        self.master = fast_compile("|".join(parts))
        words = [*self.deictic_years, *self.anaphoric_years, *self.deictic_days, *self.deictic_months,
                 *self.deictic_weeks,
                 *self.anaphoric_days, *self.anaphoric_months]
        self.prefilter = fast_compile(str(f.extra("prefilter")) + "|" + _alternation(words)[3:-1])
        self.prefilter_dotted = fast_compile(str(f.extra("prefilter_dotted") or "(?!)"))


@functools.lru_cache(maxsize=4)
def _compiled(rules: RuleSet) -> _Compiled:
    return _Compiled(rules)


# ---------------------------------------------------------------------------------------------
# recognition


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """DATE candidates; ``data`` holds the parsed fields for ``resolve``."""
    comp = _compiled(rules)
    out: list[Candidate] = []
    n = len(text)
    pos = 0
    hits = list(comp.prefilter.finditer(text))
    if "." in text:  # 23.03.2015 22:10
        hits = sorted(hits + list(comp.prefilter_dotted.finditer(text)), key=lambda h: h.start())
    for hit in hits:
        if hit.start() < pos:
            continue
        first = None
        for p in range(hit.start(), hit.end()):
            m = comp.master.match(text, p, min(n, p + _WINDOW))
            if m is not None:
                first = _parse_match(text, m, comp, bare_ok=False)
                if first is not None:
                    break
        if first is None:
            continue
        start, end, rule_id, score, fields = first
        data: dict[str, Any] = {"a": fields}
        if "m_end" in fields:  # 1至7月: a month interval
            data["b"] = {"kind": "calendar", "m": fields["m_end"]}
            fire("date.interval")
        # an interval: 8月8日至10日, 2017年7月至2018年6月
        if end < n - 1 and text[end] in _CONNECTORS and fields["kind"] == "calendar":
            m2 = comp.master.match(text, end + 1, min(n, end + 1 + _WINDOW))
            second = _parse_match(text, m2, comp, bare_ok=True) if m2 else None
            if second is not None and second[4]["kind"] == "calendar" and _compatible(fields, second[4]):
                data["b"] = second[4]
                end = second[1]
                fire("date.interval")
        if _habitual(text, start, fields, comp):
            fire("date.negative.habitual")
            pos = end
            continue
        if start < pos:
            continue
        fire(rule_id)
        out.append(Candidate(LABEL, start, end, rule_id, score=score, data=data))
        pos = end
    return out


def _parse_match(text: str, m: Any, comp: _Compiled, bare_ok: bool) -> tuple | None:
    """(start, end, rule_id, score, fields) for a match of the master regex, or None to skip."""
    rule_id, score = "", 0.5
    for group, rid, sc in comp.ids:
        if m.group(group) is not None:
            rule_id, score = rid, sc
            break
    if not rule_id or m.end() <= m.start():
        return None
    g = dict(zip(_GROUPS, m.group(*_GROUPS), strict=True))
    start, end = m.start(), m.end()
    fields: dict[str, Any] = {"kind": "calendar"}
    word = g.get("dd") or g.get("ad") or g.get("dy") or g.get("dmo") or g.get("ay") or g.get("dw")
    if word:
        for stop in comp.word_stops.get(word, ()):
            if text.startswith(stop, m.start() + len(word)):
                fire("date.negative.word")
                return None
    if rule_id == "date.day_only" and not bare_ok:
        before = text[start - 1] if start > 0 else "\n"
        after = text[end:end + 3]
        if before not in comp.bare_before or any(after.startswith(w) for w in comp.bare_not_after):
            fire("date.negative.bare_day")
            return None
    if rule_id == "date.day_only" and bare_ok and any(text.startswith(w, end) for w in comp.bare_not_after):
        return None
    t = numerals.tables(comp.rules)

    def num(s: str | None) -> int | None:
        if not s:
            return None
        if s == "元":
            return 1
        v = numerals.parse_number(s, comp.rules)
        return int(v) if isinstance(v, (int, float)) and v == int(v) else None

    if g.get("y"):
        y = g["y"]
        fields["y"] = int(y) if y.isdigit() else num("".join(c for c in y))
        if len(y) == 2 and y.isdigit():  # 16年10月份: a two-digit year of this century (or the last)
            fields["y"] += 2000 if fields["y"] <= 50 else 1900
    if g.get("dy"):
        fields["dy"] = comp.deictic_years[g["dy"]]
    if g.get("ay"):
        fields["ay"] = comp.anaphoric_years[g["ay"]]
    if g.get("amo"):
        fields["amo"] = comp.anaphoric_months[g["amo"]]
    if g.get("m"):
        fields["m"] = num(g["m"])
        if not fields["m"] or not 1 <= fields["m"] <= 12:
            return None
    if g.get("m2"):
        m2 = num(g["m2"])
        if g.get("d") or not m2 or not fields["m"] < m2 <= 12:
            return None
        fields["m_end"] = m2
    if g.get("d"):
        fields["d"] = num(g["d"])
        if not fields["d"] or not 1 <= fields["d"] <= 31:
            return None
    if g.get("dd"):
        fields.update(kind="deictic_day", off=comp.deictic_days[g["dd"]])
        if g["dd"] in comp.deictic_pod and not fields.get("pod"):
            fields["pod"] = comp.deictic_pod[g["dd"]]  # 昨晚 → the evening of the day before
    if g.get("dmo"):
        fields.update(kind="deictic_month", off=comp.deictic_months[g["dmo"]])
    if g.get("dw"):
        fields.update(kind="deictic_week", off=comp.deictic_weeks[g["dw"]])
        if g.get("wd"):
            fields["wd"] = comp.weekdays[g["wd"]]
        elif g.get("wend"):
            fields["wend"] = True
    if g.get("ad"):
        fields.update(kind="anaphoric_day", off=comp.anaphoric_days[g["ad"]])
        if g["ad"] in comp.anaphoric_pod:
            fields["pod"] = comp.anaphoric_pod[g["ad"]]
    if g.get("ld"):
        ld = g["ld"]
        ln = num(ld[1:]) if ld.startswith("初") else num(ld)
        if not ln or not 1 <= ln <= 30:
            return None
        fields.update(kind="lunar", lm=comp.lunar_months.get(g.get("lm") or "正", 1), ld=ln)
        if g.get("lnewyear") and ld == "三十":
            fields.update(lm=12, ld=30)
    if g.get("xun"):
        fields["xun"] = comp.xun[g["xun"]]
        fire("date.xun")
    if g.get("medge") or g.get("yedge"):
        fire("date.month_edge")
    if g.get("medge") in comp.month_edge_days:  # 月初 is days 1–10, 月底 21 to the month's end
        fields["xun"] = comp.month_edge_days[g["medge"]]
    if g.get("yx"):
        fields["half"] = comp.half_years[g["yx"]]
        fire("date.month_edge")
    if g.get("pod"):
        fields["pod"] = comp.pod[g["pod"]]
    if g.get("pod") or fields.get("pod"):
        fire("date.part_of_day")
    if g.get("hh"):
        hh = num(g["hh"]) if not g["hh"].isdigit() else int(g["hh"])
        mi = 0
        if g.get("mi"):
            mi = int(g["mi"]) if g["mi"].isdigit() else (num(g["mi"]) or 0)
        elif g.get("half"):
            mi = 30
        if hh is None or hh > 24 or mi > 59:
            return None
        fields["hh"], fields["mi"] = hh, mi
        fire("date.clock")
    if g.get("approx"):
        fields["approx"] = True
    del t
    return start, end, rule_id, score, fields


def _compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether ``b`` can close an interval opened by ``a`` (8月8日 … 10日; 2017年7月 … 2018年6月)."""
    if "d" in b and "m" not in b and "d" not in a:
        return False
    if "m" in b and "m" not in a:
        return False
    return "y" in b or "m" in b or "d" in b


def _habitual(text: str, start: int, fields: dict[str, Any], comp: _Compiled) -> bool:
    """A recurring date: 每年8月10日, or 当天 after 每天 in the same clause."""
    window = comp.hab_win_ana if fields["kind"] == "anaphoric_day" else comp.hab_win_cal
    left = text[max(0, start - window):start]
    for ch in comp.clause_breaks:
        k = left.rfind(ch)
        if k >= 0:
            left = left[k + 1:]
    return comp.habitual_re.search(left) is not None


# ---------------------------------------------------------------------------------------------
# resolution


#: the year whose calendar a date without a year is checked against: a leap year, so ``--02-29``
#: is a day (some year has it) and ``--02-30`` is not
_ANY_YEAR = 2000


def _last_day(month_len_year: int | None, month: int) -> int:
    """The last day of ``month`` in that year (in a leap year when the year is unknown)."""
    return calendar.monthrange(_ANY_YEAR if month_len_year is None else month_len_year, month)[1]


def _safe_date(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _in_range(y: int | None) -> bool:
    """Whether year ``y`` can be written as a date (``datetime`` years 1–9999; None: no year)."""
    return y is None or _dt.MINYEAR <= y <= _dt.MAXYEAR


def _shift(base: _dt.date, days: int) -> _dt.date | None:
    """``base`` moved by ``days``, or None past the ends of the calendar (issue date 0001-01-01)."""
    try:
        return base + _dt.timedelta(days=days)
    except OverflowError:
        return None


def _part_bounds(iso: str) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """The first and last day ``(y, m, d)`` of one ISO part (``2016``, ``2016-08``, ``2016-08-10``,
    ``--08``, ``--08-10``; year 0 stands for "no year"), or None when it is no real date."""
    m = regex.fullmatch(r"(?:(\d{4})|--)(?:-?(\d{2})(?:-(\d{2}))?)?", iso)
    if m is None or (m.group(1) is None and m.group(2) is None):
        return None
    y = int(m.group(1)) if m.group(1) else 0
    if m.group(1) and not _in_range(y):
        return None
    if m.group(2) is None:
        return (y, 1, 1), (y, 12, 31)
    mo = int(m.group(2))
    if not 1 <= mo <= 12:
        return None
    last = _last_day(y or None, mo)
    if m.group(3) is None:
        return (y, mo, 1), (y, mo, last)
    d = int(m.group(3))
    if not 1 <= d <= last:
        return None
    return (y, mo, d), (y, mo, d)


def valid_value(value: dict[str, Any]) -> bool:
    """Whether a DATE value is a real calendar date (years 1–9999; ``--MM-DD`` a day some year has)
    or an interval of such dates whose start is not after its end. A year-less interval whose end
    month comes before its start month runs into the next year (``--12-28/--01-03``).

    >>> valid_value({"iso": "2015-12-28/2016-01-03"}), valid_value({"iso": "--09-21/--09-31"})
    (True, False)
    """
    parts = str(value.get("iso", "")).split("/")
    if len(parts) > 2:
        return False
    bounds = [_part_bounds(p) for p in parts]
    if any(b is None for b in bounds):
        return False
    if len(bounds) == 1:
        return True
    (lo, _), (_, hi) = bounds  # type: ignore[misc]
    if (lo[0] == 0) != (hi[0] == 0):
        return False
    if lo[0] == 0 and hi[1] < lo[1]:
        return True
    return lo <= hi


def _state(ctx: Context) -> dict[str, Any]:
    """Per-article running state, updated in text order: the last day and the anchoring year."""
    st = getattr(ctx, "_jn_date_state", None)
    if st is None:
        st = {"last_day": None, "anchor": None}
        ctx._jn_date_state = st  # type: ignore[attr-defined]
    return st


def _text_year(ctx: Context) -> int | None:
    """Without an issue date, the year the article itself gives: the latest year written out in a
    date of the article (2020年8月17日, 2025“湘超”), else None (``date.text_year``; annotation.md:
    a year is unknown only with no issue date and no year in the text)."""
    st = _state(ctx)
    if "text_year" not in st:
        years = [c.data["a"]["y"] for c in ctx.cands
                 if c.label == LABEL and isinstance(c.data.get("a"), dict) and isinstance(c.data["a"].get("y"), int)
                 and _in_range(c.data["a"]["y"])]
        st["text_year"] = max(years) if years else None
    return st["text_year"]


def _anchor(cand: Candidate, ctx: Context) -> int | None:
    """The year of the last earlier date in the article that gave a year and a month."""
    return _state(ctx)["anchor"]


def _last_day_date(cand: Candidate, ctx: Context) -> _dt.date | None:
    """The day last mentioned (``ctx.last_date`` when it is a day, else the last earlier day)."""
    v = ctx.last_date
    if v and v.get("granularity") == "day" and not str(v.get("iso", "")).startswith("-"):
        try:
            return _dt.date.fromisoformat(str(v["iso"]).split("/")[0])
        except ValueError:
            pass
    return _state(ctx)["last_day"]


def _remember(cand: Candidate, ctx: Context, value: dict[str, Any]) -> None:
    ctx.last_date = value
    st = _state(ctx)
    iso = str(value.get("iso", ""))
    if iso.startswith("-"):
        return
    if value.get("granularity") == "day":
        try:
            st["last_day"] = _dt.date.fromisoformat(iso.split("/")[0])
            st["last_day_end"] = cand.end
        except ValueError:
            pass
    if cand.data.get("explicit_year") and value.get("granularity") == "year" and iso[:4].isdigit() \
            and st["anchor"] is not None and int(iso[:4]) != st["anchor"]:
        # 2002年3月…今年…2月底: a year of its own after the anchor ends the anchored story
        # (date.year_anchor.reset)
        fire("date.year_anchor.reset")
        st["anchor"] = None
    if cand.data.get("explicit_year") and value.get("granularity") in ("month", "day") and iso[:4].isdigit():
        st["anchor"] = int(iso.split("/")[-1][:4])
        last = iso.split("/")[-1]
        st["anchor_md"] = (int(last[5:7]), int(last[8:10]) if len(last) >= 10 else 1)
        # 去年10月: a year counted back from the issue date; 2022年5月以来: a period running up to the
        # present (see _year_for): both tell the story from the issue date
        st["anchor_relative"] = bool(cand.data.get("relative_year")) or ctx.text.startswith(_compiled(ctx.rules).since, cand.end)


def _in_quotes(text: str, start: int, lo: int) -> bool:
    """Whether ``start`` lies inside an open “…” in the same paragraph."""
    seg = text[max(lo, start - 200):start]
    nl = seg.rfind("\n")
    if nl >= 0:
        seg = seg[nl + 1:]
    opened = max(seg.rfind(q) for q in _QUOTE_OPEN)
    closed = max(seg.rfind(q) for q in _QUOTE_CLOSE)
    return opened > closed


def _year_for(month: int, day: int | None, cand: Candidate, ctx: Context) -> int | None:
    """The year of a month(-day) written without one (anchor, then the issue date)."""
    issue = ctx.issue_date
    anc = _anchor(cand, ctx)
    if anc is not None and anc != getattr(issue, "year", None) and _recent_day(month, day, ctx):
        # 去年10月…12月1日凌晨收网 (issue 2024-12-06): the story has come up to the present
        st = _state(ctx)
        st["anchor"] = None
        fire("date.year_anchor.recent_day")
        anc = None
    if anc is not None:
        y = anc
        amd = _state(ctx).get("anchor_md")
        if amd is not None and (month, day or 31) < amd and not _state(ctx).get("anchor_relative"):
            # 2019年9月…5月9日: a month before the anchoring date in its year, so the story has
            # moved on into the next year (date.year_anchor.next)
            nxt = _safe_date(y + 1, month, day or 1)
            if nxt is not None and (issue is None or nxt <= issue):
                fire("date.year_anchor.next")
                return y + 1
        probe = _safe_date(y, month, day or 1)
        if issue is None or (probe is not None and probe <= issue):
            if issue is None or y != issue.year:
                fire("date.year_anchor")
            return y
    if issue is None:
        ty = _text_year(ctx)
        if ty is not None:
            fire("date.text_year")
        return ty
    probe = _safe_date(issue.year, month, day or 1)
    if probe is None:
        probe = _dt.date(issue.year, month, 1)
    return issue.year - 1 if probe > issue else issue.year


def _recent_day(month: int, day: int | None, ctx: Context) -> bool:
    """Whether a month-day after a year counted from the issue date (去年, 前年) is read in the issue
    year: it has a day and, in the issue year, lies on or within ``recent_days`` before the issue
    date (rules/date.yaml, ``date.year_anchor.recent_day``)."""
    issue = ctx.issue_date
    if day is None or issue is None or not _state(ctx).get("anchor_relative"):
        return False
    probe = _safe_date(issue.year, month, day)
    return probe is not None and 0 <= (issue - probe).days <= _compiled(ctx.rules).recent_days


def _lunar_to_date(y: int, lm: int, ld: int, comp: _Compiled) -> tuple[_dt.date, bool] | None:
    """The Gregorian date of lunar month/day ``lm``/``ld`` of lunar year ``y`` (exact for 正月)."""
    if lm == 12:
        nxt = comp.lunar_new_year.get(y + 1)
        if nxt is None:
            return None
        return nxt - _dt.timedelta(days=30 - ld + 1), True
    ny = comp.lunar_new_year.get(y)
    if ny is None:
        return None
    if lm == 1:
        return ny + _dt.timedelta(days=ld - 1), False
    return ny + _dt.timedelta(days=round((lm - 1) * 29.53) + ld - 1), True


def _resolve_calendar(f: dict[str, Any], cand: Candidate, ctx: Context, inherit: dict[str, Any] | None = None
                      ) -> tuple[str, str, int | None, bool] | None:
    """(iso, granularity, year, explicit_year) of one calendar part; ``inherit`` fills missing y/m."""
    issue = ctx.issue_date
    explicit = False
    y = f.get("y")
    if y is not None:
        explicit = True
    elif "dy" in f:
        if issue is None:
            # 今年 in an article without an issue date: the year the article gives (date.text_year)
            ty = _text_year(ctx) if f["dy"] == 0 else None
            if ty is None:
                if f["dy"] == 0 and f.get("m") is not None:
                    # 今年6月下旬 with no year known at all: a date of no known year (--06-21/--06-30)
                    fire("date.text_year.unknown")
                    f = {k: v for k, v in f.items() if k != "dy"}
                    return _resolve_calendar(f, cand, ctx, inherit)
                return None
            fire("date.text_year")
            y, explicit = ty, True
        else:
            y, explicit = issue.year + f["dy"], True
    elif "ay" in f:
        # 2016年…当年7月: the year of the date last mentioned, whatever its granularity
        base = ctx.last_date and _iso_year(ctx.last_date)
        if not base:
            last = _last_day_date(cand, ctx)
            base = last.year if last else None
        if base:
            y, explicit = base + f["ay"], True
    m, d = f.get("m"), f.get("d")
    if "amo" in f:
        last = _last_day_date(cand, ctx)
        if last is None:
            return None
        k = last.month - 1 + f["amo"]
        y, m, explicit = last.year + k // 12, k % 12 + 1, True
    if inherit is not None:
        if y is None:
            y = inherit.get("year")
        if m is None and d is not None:
            m = inherit.get("m")
    if m is None and d is not None:
        # a bare day: the month of the day last mentioned, else of the issue date
        last = _last_day_date(cand, ctx)
        if last is not None:
            y = y or last.year
            m = last.month
        elif issue is not None:
            y, m = y or issue.year, issue.month
            if d > issue.day:  # the month before the issue date's
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        else:
            # 长春3月29日电 … 记者29日: the month of a day whose year is unknown (date.anaphoric.yearless)
            mm = regex.match(r"--([0-9]{2})-[0-9]{2}", str((ctx.last_date or {}).get("iso") or ""))
            if mm is None:
                return None
            fire("date.anaphoric.yearless")
            m = int(mm.group(1))
    if not _in_range(y):  # a year counted past the calendar's ends (issue date 9999-12-31, 明年)
        return None
    if m is None:
        if y is None:
            return None
        if "half" in f:
            a, b = f["half"]
            return f"{y:04d}-{a:02d}/{y:04d}-{b:02d}", "month", y, explicit
        return f"{y:04d}", "year", y, explicit
    if y is None:
        y = _year_for(m, d, cand, ctx)
        if not _in_range(y):  # the year before issue date 0001-…
            return None
    if d is not None and d > _last_day(y, m):
        raise ValueError(f"no such day {m}-{d}")  # 2月30日, also without a year
    if d is None:
        if "xun" in f:
            a, b = f["xun"]
            b = min(b, _last_day(y, m))  # 下旬 ends on the month's last day (a leap February's, without a year)
            if y is None:
                return f"--{m:02d}-{a:02d}/--{m:02d}-{b:02d}", "day", None, False
            return f"{y:04d}-{m:02d}-{a:02d}/{y:04d}-{m:02d}-{b:02d}", "day", y, explicit
        if y is None:
            return f"--{m:02d}", "month", None, False
        return f"{y:04d}-{m:02d}", "month", y, explicit
    if y is None:
        return f"--{m:02d}-{d:02d}", "day", None, False
    return f"{y:04d}-{m:02d}-{d:02d}", "day", y, explicit


def _iso_year(v: dict[str, Any]) -> int | None:
    s = str(v.get("iso") or "")
    return int(s[:4]) if s[:4].isdigit() else None


def _clock(f: dict[str, Any], value: dict[str, Any]) -> None:
    """Add part_of_day, time and approximate to ``value``."""
    pod = f.get("pod")
    if pod:
        value["part_of_day"] = pod
    if "hh" in f:
        hh, mi = f["hh"], f["mi"]
        if pod in ("afternoon", "evening") and hh < 12:
            hh += 12
        elif pod == "noon" and hh < 6:
            hh += 12
        elif pod == "night" and hh == 12:
            hh = 0
        hh %= 24
        value["time"] = f"{hh:02d}:{mi:02d}"
    if f.get("approx"):
        value["approximate"] = True


def resolve(cand: Candidate, ctx: Context) -> bool:
    """Fill ``cand.value`` (see the module docstring) and remember it as ``ctx.last_date``."""
    comp = _compiled(ctx.rules)
    a = cand.data["a"]
    kind = a["kind"]
    issue = ctx.issue_date
    value: dict[str, Any] | None = None
    if kind in ("deictic_day", "deictic_week"):
        base = _glossed_base(ctx) or issue
        if _in_quotes(ctx.text, cand.start, ctx.start):
            # quoted speech: relative to the scene, i.e. the day last mentioned in this paragraph
            st = _state(ctx)
            scene, where = st["last_day"], st.get("last_day_end", -1)
            if scene is not None and "\n" not in ctx.text[where:cand.start]:
                base = scene
                fire("date.quoted_speech")
            if base is not None:
                value = _deictic_value(a, base)
                if value is not None:
                    _clock(a, value)
            cand.value = value  # a quoted 昨天 does not move the scene
            return True
        if base is not None:
            value = _deictic_value(a, base)
    elif kind == "deictic_month":
        if issue is not None:
            y, m = issue.year, issue.month + a["off"]
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
            if _in_range(y) and a.get("d"):  # 上月14日: that day of the month counted back
                if _safe_date(y, m, a["d"]) is not None:
                    value = {"iso": f"{y:04d}-{m:02d}-{a['d']:02d}", "granularity": "day"}
            elif _in_range(y):
                value = {"iso": f"{y:04d}-{m:02d}", "granularity": "month"}
    elif kind == "anaphoric_day":
        last = _last_day_date(cand, ctx)
        day = _shift(last, a["off"]) if last is not None else None
        if day is not None:
            value = {"iso": day.isoformat(), "granularity": "day"}
        elif last is None:
            value = _yearless_shift(ctx.last_date, a["off"])
    elif kind == "lunar":
        value = _resolve_lunar(a, cand, ctx, comp)
    else:
        try:
            first = _resolve_calendar(a, cand, ctx)
        except ValueError:  # 2月30日: not a calendar day
            return False
        if first is not None:
            iso, gran, year, explicit = first
            cand.data["explicit_year"] = explicit
            cand.data["relative_year"] = "dy" in a
            value = {"iso": iso, "granularity": gran}
            b = cand.data.get("b")
            if b is not None:
                try:
                    second = _resolve_calendar(b, cand, ctx, inherit={"year": year, "m": a.get("m")})
                except ValueError:
                    second = None
                if second is not None and year is not None and not _own_year(b) and "m" in b \
                        and not valid_value({"iso": f"{iso.split('/')[0]}/{second[0].split('/')[-1]}"}):
                    # 12月28日至1月3日: the end's month comes round again in the next year
                    try:
                        second = _resolve_calendar(b, cand, ctx, inherit={"year": year + 1, "m": a.get("m")})
                    except ValueError:
                        second = None
                if second is not None:
                    iso2, gran2 = second[0], second[1]
                    lo = iso.split("/")[0]
                    hi = iso2.split("/")[-1]
                    value = {"iso": f"{lo}/{hi}", "granularity": _finer(gran, gran2)}
                    if not valid_value(value):  # written backwards (8月10日至8日): no reading is sure
                        cand.value = None
                        return True
    if value is not None:
        _clock(a, value)
        _remember(cand, ctx, value)
    cand.value = value
    return True


def _yearless_shift(last: dict[str, Any] | None, off: int) -> dict[str, Any] | None:
    """当日/次日 after a day whose year is unknown (``--03-02``): the same day or the next, year
    still unknown (``date.anaphoric.yearless``); None when the shift is not sure (past 2月28日).

    >>> _yearless_shift({"iso": "--03-02", "granularity": "day"}, 1)
    {'iso': '--03-03', 'granularity': 'day'}
    """
    iso = str((last or {}).get("iso") or "")
    m = regex.fullmatch(r"--([0-9]{2})-([0-9]{2})(?:/.*)?", iso)
    if not m or (last or {}).get("granularity") != "day":
        return None
    base = _safe_date(2001, int(m.group(1)), int(m.group(2)))  # a common year: 2月29日 stays unsure
    day = _shift(base, off) if base is not None else None
    if day is None or (off and (day.month, day.day) >= (2, 28) and (base.month, base.day) <= (2, 28)
                       and day.month <= 3):
        return None if off else {"iso": iso.split("/")[0], "granularity": "day"}
    fire("date.anaphoric.yearless")
    return {"iso": f"--{day.month:02d}-{day.day:02d}", "granularity": "day"}


def _glossed_base(ctx: Context) -> _dt.date | None:
    """The day the article counts 昨天/上周 from when it glosses one of them with the date itself:
    ``昨天（14日）`` → the 15th, ``上周（2025年09月08日至2025年09月14日）`` → a day of the week after;
    every deictic day or week of the article then counts from it (``date.deictic.glossed``), not
    from the issue date (the page may appear a day after it was written)."""
    st = _state(ctx)
    if "gloss_base" in st:
        return st["gloss_base"]
    st["gloss_base"] = None
    dates = sorted((c for c in ctx.cands if c.label == LABEL and isinstance(c.data.get("a"), dict)),
                   key=lambda c: c.start)
    for c, nxt in zip(dates, dates[1:], strict=False):
        a, f = c.data["a"], nxt.data["a"]
        if a.get("kind") not in ("deictic_day", "deictic_week") or "wd" in a or a.get("wend") \
                or f.get("kind") != "calendar" or _in_quotes(ctx.text, c.start, ctx.start):
            continue
        if ctx.text[c.end:nxt.start] not in ("（", "(") or ctx.text[nxt.end:nxt.end + 1] not in ("）", ")"):
            continue
        try:
            got = _resolve_calendar(f, nxt, ctx)
        except ValueError:
            got = None
        if got is None or got[1] != "day" or got[0].startswith("-"):
            continue
        first = _dt.date.fromisoformat(got[0].split("/")[0])
        base = _shift(first, -a["off"] if a["kind"] == "deictic_day" else -7 * a["off"])
        if base is not None:
            fire("date.deictic.glossed")
            st["gloss_base"] = base
            return base
    return None


def _own_year(f: dict[str, Any]) -> bool:
    """Whether a calendar part names its year (2016年, 去年, 次年)."""
    return "y" in f or "dy" in f or "ay" in f


def _deictic_value(a: dict[str, Any], base: _dt.date) -> dict[str, Any] | None:
    """The value of 昨天 (``deictic_day``) or 上周 (``deictic_week``) counted from ``base``.

    A week runs Monday–Sunday and is a day interval (like 上旬); a weekday gives that day, 末 the
    Saturday–Sunday.

    >>> _deictic_value({"kind": "deictic_week", "off": -1}, _dt.date(2025, 3, 21))
    {'iso': '2025-03-10/2025-03-16', 'granularity': 'day'}
    >>> _deictic_value({"kind": "deictic_week", "off": -1, "wd": 4}, _dt.date(2025, 3, 21))
    {'iso': '2025-03-14', 'granularity': 'day'}
    """
    if a["kind"] == "deictic_day":
        day = _shift(base, a["off"])
        return None if day is None else {"iso": day.isoformat(), "granularity": "day"}
    monday = _shift(base, 7 * a["off"] - base.weekday())
    if monday is None:
        return None
    if "wd" in a:
        day = _shift(monday, a["wd"])
        return None if day is None else {"iso": day.isoformat(), "granularity": "day"}
    lo = _shift(monday, 5 if a.get("wend") else 0)
    hi = _shift(monday, 6)
    if lo is None or hi is None:
        return None
    return {"iso": f"{lo.isoformat()}/{hi.isoformat()}", "granularity": "day"}


def _finer(a: str, b: str) -> str:
    order = {"year": 0, "month": 1, "day": 2}
    return a if order.get(a, 0) >= order.get(b, 0) else b


def _resolve_lunar(a: dict[str, Any], cand: Candidate, ctx: Context, comp: _Compiled) -> dict[str, Any] | None:
    issue = ctx.issue_date
    lm, ld = a["lm"], a["ld"]
    if issue is None:
        return None
    best: tuple[_dt.date, bool] | None = None
    for y in (issue.year + 1, issue.year, issue.year - 1):
        r = _lunar_to_date(y, lm, ld, comp)
        if r is not None and r[0] <= issue:
            best = r
            break
    if best is None:
        return None
    value: dict[str, Any] = {"iso": best[0].isoformat(), "granularity": "day", "calendar": "lunar"}
    if best[1]:
        value["approximate"] = True
    return value


def parse_date(text: str, issue_date: str | _dt.date | None = None, rules: RuleSet | None = None
               ) -> dict[str, Any] | None:
    """The value of a date expression that fills ``text`` (no article context), or None.

    >>> parse_date("8月8日至10日", "2016-08-20")
    {'iso': '2016-08-08/2016-08-10', 'granularity': 'day'}
    >>> parse_date("4月9日11时许", "2016-08-20")
    {'iso': '2016-04-09', 'granularity': 'day', 'time': '11:00', 'approximate': True}
    >>> parse_date("12月5日", "2016-08-20")["iso"]
    '2015-12-05'
    >>> parse_date("7月22日")["iso"]
    '--07-22'
    """
    from ..ruleset import load_rules

    rules = rules or load_rules()
    issue = _dt.date.fromisoformat(issue_date) if isinstance(issue_date, str) else issue_date
    cands = [c for c in recognize(text, rules) if c.start == 0 and c.end == len(text)]
    if not cands:
        return None
    ctx = Context(text=text, rules=rules, issue_date=issue, cands=cands, end=len(text))
    resolve(cands[0], ctx)
    return cands[0].value
