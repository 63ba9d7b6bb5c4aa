"""UNIT: public-security organs and sub-units, completed to their full name from context.

A mention is ``[place] [name] suffix`` and may chain sub-units after their parent:
``济宁市公安局市中分局``, ``微山县公安局开发区派出所``, ``嘉祥县公安局网安大队``, ``市公安局``,
``国家反诈中心``. Short forms are completed from the article (``兴隆派出所`` in an article
datelined 金乡 → ``金乡县公安局兴隆派出所``). Suffixes and cue words: ``rules/unit.yaml`` and
``rules/lexicons/unit_*.txt``.

>>> from jnpolice_ner.ruleset import load_rules
>>> [(c.start, c.end) for c in recognize("嘉祥县公安局网安大队会同高新区派出所赴广东", load_rules())]
[(0, 10), (12, 18)]
>>> recognize("派出所民警立即出警", load_rules())
[]
"""

from __future__ import annotations

import functools
from typing import Any

import regex

from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, fast_compile
from ..trace import fire

LABEL = "UNIT"
ORDER = 20

#: longest run of name characters looked at before a suffix
MAX_RUN = 16
_HAN_RUN = fast_compile(rf"[\p{{Han}}]{{1,{MAX_RUN}}}$")

#: which kinds may be the parent of a short form of a given kind ("bureau_county": a county-level bureau)
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    "station": ("branch", "bureau_county"),
    "post": ("station", "branch", "bureau_county"),
    "brigade": ("branch", "bureau_county", "detachment"),
    "squad": ("brigade", "station", "detachment", "branch", "bureau_county"),
    "detachment": ("bureau_city", "corps"),
    "corps": ("department",),
    "team": ("brigade", "station", "branch", "bureau_county", "detachment"),
    "detention": ("bureau_county", "bureau_city", "branch"),
    "anti_fraud_center": ("bureau_city", "bureau_county", "branch", "department"),
    "branch": ("bureau_city",),
}
#: rank in the hierarchy: a chained sub-unit ranks below the unit written before it
RANK: dict[str, int] = {
    "ministry": 0, "department": 1, "bureau": 2, "corps": 2, "branch": 3, "detachment": 3,
    "detention": 3, "anti_fraud_center": 4, "brigade": 4, "station": 4, "team": 5, "squad": 5, "post": 6,
}
#: kinds whose name may be empty after a parent (济宁市公安局看守所, 济宁市公安局反诈中心, 县公安局交警队)
EMPTY_NAME_OK = ("detention", "anti_fraud_center", "team", "post")
#: a sub-unit may follow a parent of equal rank in these pairs (渝北公安分局网安支队, 重庆市公安局刑侦总队)
CHAIN_SAME_RANK = {("branch", "detachment"), ("brigade", "anti_fraud_center"), ("bureau", "corps")}
#: longest free name of a sub-unit written right after its parent (青石市公安局城管分局巡逻治安大队)
MAX_CHAINED_NAME = 8
#: suffixes a bare 市/县/省 may stand before (市公安局, 县公安局, 省公安厅, 市反诈中心)
SHORT_OK = {"市": ("bureau", "anti_fraud_center", "detention"), "县": ("bureau", "anti_fraud_center", "detention"),
            "省": ("department", "anti_fraud_center"), "区": ("branch",)}
_CHAIN_RE = fast_compile(
    r"^(?P<prov>[\p{Han}]{2,3}?(?:省|自治区)|北京市|天津市|上海市|重庆市)?"
    r"(?P<city>[\p{Han}]{2,4}?(?:市|州|盟|地区))?(?P<county>[\p{Han}]{1,4}?(?:县|区|旗|市))?"
    r"(?P<town>[\p{Han}]{1,4}?(?:镇|乡|街道))?$"
)


# --------------------------------------------------------------------------- place table access
def _place_mod():
    try:
        from . import place as _p
    except Exception:  # pragma: no cover - place module broken
        return None
    return _p


@functools.lru_cache(maxsize=8192)
def _lookup_cached(rules: Any, name: str, context_adcode: str | None) -> dict[str, Any] | None:  # rules: the cache key
    mod = _place_mod()
    fn = getattr(mod, "lookup", None) if mod else None
    if fn is None:
        return _fallback_lookup(name)
    try:
        v = fn(name, context_adcode=context_adcode) if context_adcode else fn(name)
    except Exception:
        return None
    return dict(v) if isinstance(v, dict) and v.get("name") else None


def place_lookup(name: str, context_adcode: str | None = None) -> dict[str, Any] | None:
    """PLACE value of ``name`` (via entities.place.lookup when present), or None.

    >>> place_lookup("") is None
    True
    """
    if not name or len(name) > 16:
        return None
    from ..ruleset import load_rules

    v = _lookup_cached(load_rules(), name, context_adcode)
    return dict(v) if v else None


def _fallback_lookup(name: str) -> dict[str, Any] | None:
    """Used only while the PLACE table is absent: a syntactic admin chain (济宁市, 金乡县)."""
    m = _CHAIN_RE.match(name)
    if not m or not any(m.group(g) for g in ("prov", "city", "county", "town")):
        return None
    level = "town" if m.group("town") else "county" if m.group("county") else "city" if m.group("city") else "province"
    return {"name": name, "adcode": None, "level": level, "_fallback": True}


def chain_parts(value: dict[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    """(province, city, county) names of a PLACE value.

    >>> chain_parts({"name": "山东省济宁市金乡县", "level": "county"})
    ('山东省', '济宁市', '金乡县')
    >>> chain_parts({"name": "上海市", "level": "province"})
    ('上海市', '上海市', None)
    """
    if not value or not value.get("name"):
        return None, None, None
    return _chain_parts(value["name"], value.get("level"), bool(value.get("_fallback")))


_PROVINCE_RE = fast_compile(r"(?P<p>[\p{Han}]{2,7}?(?:省|自治区|特别行政区)|北京市|天津市|上海市|重庆市)?(?P<rest>.*)$")
_CITY_RE = fast_compile(r"[\p{Han}]{1,8}?(?:市|自治州|州|盟|地区)")
_COUNTY_RE = fast_compile(r"[\p{Han}]{1,8}?(?:自治县|县|区|旗|市)")


@functools.lru_cache(maxsize=8192)
def _chain_parts(name: str, level: str | None, fallback: bool) -> tuple[str | None, str | None, str | None]:
    m = _PROVINCE_RE.match(name)
    prov = m.group("p")
    rest = m.group("rest")
    city = county = None
    if prov and prov.endswith("市"):
        city = prov
    else:
        mc = _CITY_RE.match(rest)
        if mc:
            city = mc.group(0)
            rest = rest[mc.end():]
    if level in ("county", "town", "other") and rest:
        mk = _COUNTY_RE.match(rest)
        if mk:
            county = mk.group(0)
    mod = _place_mod()
    value = {"name": name, "level": level}
    for fname, _cur in (("city_of", city), ("county_of", county)):
        fn = getattr(mod, fname, None) if mod else None
        if fn is not None and not fallback:
            try:
                got = fn(value)
            except Exception:
                got = None
            if got:
                if fname == "city_of":
                    city = got
                else:
                    county = got
    return prov, city, county


# --------------------------------------------------------------------------- compiled config
class _Config:
    def __init__(self, rules: RuleSet):
        rf = rules["unit"]
        self.suffix: dict[str, tuple[str, str]] = {}  # surface → (rule id, kind)
        for r in rf.rules:
            if r.id.startswith("unit.suffix.") and r.pattern:
                for alt in r.pattern.split("|"):
                    self.suffix[alt] = (r.id, r.extra("kind"))
        alts = sorted(self.suffix, key=len, reverse=True)
        self.suffix_re = fast_compile("|".join(regex.escape(a) for a in alts))
        self.not_before: dict[str, str] = dict(rf.extra("not_before") or {})
        self.function = sorted(set(rules.lexicon("unit_function")), key=len, reverse=True)
        self.function_set = set(self.function)
        self.max_function = max((len(f) for f in self.function), default=0)
        stops = sorted(set(rules.lexicon("unit_stopwords")), key=len, reverse=True)
        self.stop_set = set(stops)
        self.stop_max = max((len(w) for w in stops), default=0)
        self.cache: dict[tuple[str, str], Any] = {}
        self.generic = set(rules.lexicon("unit_generic"))
        self.area_generic = set(rules.lexicon("unit_area_generic"))
        self.area_first = {w[0] for w in self.area_generic}
        prop = rf.rule("unit.name.proper")
        self.proper_kinds = set(prop.extra("kinds") or ())
        self.area_re = fast_compile(prop.extra("area_pattern") or "(?!)")
        self.ordinal_re = rf.rule("unit.name.ordinal").compiled
        self.proper_re = rf.rule("unit.name.proper").compiled
        self.national_re = rf.rule("unit.name.national").compiled
        self.special_re = rf.rule("unit.name.special").compiled
        self.road_re = rf.rule("unit.name.road").compiled
        self.app_re = rf.rule("unit.filter.app").compiled


@functools.lru_cache(maxsize=4)
def _config(rules: RuleSet) -> _Config:
    return _Config(rules)


# --------------------------------------------------------------------------- name parsing
def _cached(cfg: _Config, kind: str, key: str, fn):
    k = (kind, key)
    if k in cfg.cache:
        return cfg.cache[k]
    if len(cfg.cache) > 100_000:
        cfg.cache.clear()
    v = cfg.cache[k] = fn()
    return v


def _stop_at(s: str, i: int, cfg: _Config) -> int:
    """Length of the longest stop word starting at ``s[i]`` (0 if none); an area word of
    ``unit_area_generic`` starting there is no stop word (经开区: 经 is not the verb)."""
    if s[i:i + 1] in cfg.area_first and any(s.startswith(w, i) for w in cfg.area_generic):
        return 0
    for k in range(min(cfg.stop_max, len(s) - i), 0, -1):
        if s[i:i + k] in cfg.stop_set:
            return k
    return 0


def _is_place(s: str, cfg: _Config) -> dict[str, Any] | None:
    if len(s) < 2 or s in cfg.generic:
        return None
    # 会同高新区: a multi-character stop word at the start is not part of the place
    k = _stop_at(s, 0, cfg)
    if k > 1 and s[k:k + 1] not in ("县", "市", "区", "镇", "乡", "省"):
        fire("unit.filter.stopword")
        return None
    return _cached(cfg, "place", s, lambda: _is_place_uncached(s, cfg))


def _is_place_uncached(s: str, cfg: _Config) -> dict[str, Any] | None:
    v = place_lookup(s)
    if v is None:
        return None
    if v.get("_fallback") and any(_stop_at(s, i, cfg) for i in range(len(s))):
        return None
    return v


def _place_tail(run: str, cfg: _Config, min_len: int = 2) -> tuple[str, dict[str, Any]] | None:
    """Longest tail of ``run`` that is a place name (a syntactic guess only after a stop word)."""
    got, stopped = _cached(cfg, f"tail{min_len}", run, lambda: _place_tail_traced(run, cfg, min_len))
    if stopped:
        fire("unit.filter.stopword")
    return got


def _place_tail_traced(run: str, cfg: _Config, min_len: int) -> tuple[Any, bool]:
    from ..trace import recording

    with recording() as fired:
        got = _place_tail_uncached(run, cfg, min_len)
    return got, "unit.filter.stopword" in fired


def _place_tail_uncached(run: str, cfg: _Config, min_len: int) -> tuple[str, dict[str, Any]] | None:
    splits = None
    for k in range(len(run), min_len - 1, -1):
        v = _is_place(run[-k:], cfg)
        if v is not None:
            if v.get("_fallback"):
                if splits is None:
                    splits = set(_stop_splits(run, cfg))
                if len(run) - k not in splits:
                    continue
            return run[-k:], v
    return None


def _ends_with_stop(name: str, cfg: _Config) -> bool:
    return any(name[-k:] in cfg.stop_set for k in range(1, min(cfg.stop_max, len(name)) + 1))


def _stop_splits(run: str, cfg: _Config) -> list[int]:
    """Positions right after a stop word in ``run``, rightmost first (0 = the whole run)."""
    return _cached(cfg, "splits", run, lambda: _stop_splits_uncached(run, cfg))


def _stop_splits_uncached(run: str, cfg: _Config) -> list[int]:
    ends = {0}
    for i in range(len(run)):
        if run[i:i + 1] in cfg.area_first and any(run.startswith(w, i) for w in cfg.area_generic):
            continue  # 经开区: an area word, not the stop word 经
        for k in range(min(cfg.stop_max, len(run) - i), 0, -1):
            if run[i:i + k] in cfg.stop_set:
                ends.add(i + k)
    return sorted((e for e in ends if e < len(run)), reverse=True)


def parse_name(run: str, kind: str, cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """Parse the name characters before a suffix: (chars used from the end of ``run``, info).

    info: ``name`` (without place), ``place`` (text or None), ``rules`` (name rule ids).
    """
    if not run:
        return None
    used = 0
    name_rules: list[str] = []
    core = ""
    # ordinal right before the suffix (一中队, 交警二大队)
    if kind in ("brigade", "squad", "detachment", "corps", "detention"):
        m = cfg.ordinal_re.search(run)
        if m:
            core = m.group(0)
            used = len(core)
            name_rules.append("unit.name.ordinal")
    rest = run[: len(run) - used]
    # functional name (网安, 食药环侦)
    func = ""
    while True:  # one or more functional words: 高速公路交警总队
        step = None
        for k in range(min(cfg.max_function, len(rest)), 0, -1):
            if rest[-k:] in cfg.function_set:
                step = rest[-k:]
                break
        if not step:
            break
        func = step + func
        rest = rest[: -len(step)]
    rest = run[: len(run) - used]
    if func:
        core = func + core
        used += len(func)
        name_rules.append("unit.name.function")
        rest = run[: len(run) - used]
    elif not core:
        # a whole administrative place (济宁市公安局, 金乡公安局, 市中分局)
        pt = _place_tail(rest, cfg)
        if pt is not None and len(pt[0]) >= 2:
            text, val = pt
            return len(text), {"name": "", "place": text, "place_value": val, "rules": ["unit.name.place"]}
        # national / short (国家反诈中心, 市公安局)
        if kind == "anti_fraud_center" and len(rest) >= 2 and cfg.national_re.match(rest[-2:]):
            return 2, {"name": rest[-2:], "place": None, "national": True, "rules": ["unit.name.national"]}
        if rest.endswith("自治区") and kind in SHORT_OK["省"] and rest[-4:-3] not in ("各", "全"):
            # 自治区公安厅, 自治区反诈中心: the article's own region, like 省公安厅
            return 3, {"name": "", "place": None, "short": "省", "rules": ["unit.name.short"]}
        if rest[-1:] in SHORT_OK and kind in SHORT_OK[rest[-1]]:
            before = rest[-2:-1]
            # 全市公安局 / 各县公安局 are generic; 我市公安局 keeps 市公安局
            if before + rest[-1] not in cfg.generic:
                return 1, {"name": "", "place": None, "short": rest[-1], "rules": ["unit.name.short"]}
        # proper name after the rightmost stop word that leaves a valid name
        splits = _stop_splits(rest, cfg)
        for pos in splits:
            cand = rest[pos:]
            if cand in cfg.generic:
                fire("unit.filter.generic")
                return None
            if _ends_with_stop(cand, cfg):
                continue
            if kind not in cfg.proper_kinds and not cfg.area_re.search(cand):
                continue
            if cfg.proper_re.match(cand):
                if pos > 0:
                    fire("unit.filter.stopword")
                core = cand
                used = len(cand)
                name_rules.append("unit.name.proper")
                # only the part after a stop word is the name: no place prefix is looked for beyond it
                return used, {"name": core, "place": None, "rules": name_rules}
        if len(rest) > 4 and kind in cfg.proper_kinds and not splits[0]:
            cand = rest[-2:]
            if cand not in cfg.generic and cfg.proper_re.match(cand) and not _ends_with_stop(cand, cfg):
                return 2, {"name": cand, "place": None, "rules": ["unit.name.proper"]}
        return None
    # place prefix before a functional / ordinal name (济宁市交警支队)
    rest = run[: len(run) - used]
    pt = _place_tail(rest, cfg)
    if pt is not None:
        text, val = pt
        name_rules.append("unit.name.place_prefix")
        return used + len(text), {"name": core, "place": text, "place_value": val, "rules": name_rules}
    if rest[-1:] in ("市", "县") and kind in ("detachment", "brigade", "anti_fraud_center"):
        before = rest[-2:-1]
        if before + rest[-1] not in cfg.generic:
            name_rules.append("unit.name.short")
            return used + 1, {"name": core, "place": None, "short": rest[-1], "rules": name_rules}
    return used, {"name": core, "place": None, "rules": name_rules}


def _proper_with_place(run: str, kind: str, cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """``金乡县兴隆派出所``: a place followed by a short proper name."""
    for k in (2, 3, 4):
        if len(run) <= k:
            break
        name, head = run[-k:], run[:-k]
        if name in cfg.generic or not cfg.proper_re.match(name):
            continue
        if any(_stop_at(name, i, cfg) for i in range(len(name))):
            continue
        pt = _place_tail(head, cfg, min_len=3)
        # a former district merged away (level other) still heads its station: 江干区城东派出所
        if pt is not None and pt[1].get("level") in ("city", "county", "province", "other") and pt[0][-1] in "省市县区":
            return k + len(pt[0]), {"name": name, "place": pt[0], "place_value": pt[1],
                                    "rules": ["unit.name.proper", "unit.name.place_prefix"]}
    return None


# --------------------------------------------------------------------------- recognition
def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """UNIT candidates: each suffix with the name before it, chained to a parent written just before."""
    if not text:
        return []
    cfg = _config(rules)
    out: list[Candidate] = []
    prev_end = -1  # end of the previous suffix hit
    chain: dict[str, Any] | None = None  # open candidate a sub-unit may attach to
    for m in cfg.suffix_re.finditer(text):
        s, e = m.start(), m.end()
        rid, kind = cfg.suffix[m.group(0)]
        if text[e:e + 1] and text[e:e + 1] in cfg.not_before.get(m.group(0), ""):
            fire("unit.filter.word")
            prev_end = e
            chain = None
            continue
        lo = max(prev_end, s - MAX_RUN, 0)
        rm = _HAN_RUN.search(text, lo, s) if s > lo else None
        run = rm.group(0) if rm else ""
        attached = (chain is not None and chain["end"] == s - len(run) and prev_end == chain["end"]
                    and (RANK.get(kind, 9) > RANK.get(chain["segs"][-1]["kind"], 9)
                         or (chain["segs"][-1]["kind"], kind) in CHAIN_SAME_RANK))
        info: dict[str, Any] | None
        used = 0
        parsed, fired = _cached(cfg, "hit:" + m.group(0), run, lambda: _parse_hit(run, m.group(0), kind, cfg))  # noqa: B023 (called at once)
        for f in fired:
            fire(f)
        if parsed is not None:
            used, info = parsed[0], dict(parsed[1])
        else:
            info = None
        prev_end = e
        seg_start = s - used
        if attached and used < len(run) and _chained_name_ok(run, chain, cfg):
            # right after its parent, a sub-unit's whole name is taken (城管分局, 船舶航标安全保卫支队)
            used, info = len(run), {"name": run, "place": None, "rules": ["unit.name.chained"]}
            seg_start = s - used
        if info is not None and not attached and (
                (kind == "branch" and info.get("place") and not info.get("name"))
                or (kind in ("branch", "detachment", "brigade") and not info.get("place")
                    and "unit.name.function" in info.get("rules", ()))):
            # 太原公安迎泽分局; 西安公安公交分局, 青石公安交警支队 (a functional unit after its city's 公安)
            got = _gongan_prefix(run[: len(run) - used], info, cfg)
            if got is not None:
                extra, info = got
                used += extra
                seg_start -= extra
        if info is not None and not attached and kind == "branch" and info.get("place") and not info.get("name") \
                and used < len(run):
            # 海口新华公安分局: the city written before a district branch (unit.name.city_prefix)
            got = _city_prefix(run[: len(run) - used], info, cfg)
            if got is not None:
                extra, info = got
                used += extra
                seg_start -= extra
        if info is not None:
            info["written"] = run[len(run) - used:] if used else ""
        if attached and used == len(run) and (used > 0 or kind in EMPTY_NAME_OK):
            fire(rid)
            fire("unit.chain")
            for r in (info or {}).get("rules", []):
                fire(r)
            chain["segs"].append(_seg(info or {"name": "", "written": ""}, m.group(0), kind, rid))
            chain["end"] = e
            chain["cand"].end = e
            chain["cand"].rule_id = rid
            chain["cand"].score = max(chain["cand"].score, 0.9)
            continue
        if info is None and kind != "ministry":
            fire("unit.filter.bare")
            chain = None
            continue
        fire(rid)
        for r in (info or {}).get("rules", []):
            fire(r)
        seg = _seg(info or {"name": "", "place": None}, m.group(0), kind, rid)
        cand = Candidate(LABEL, seg_start, e, rid, score=rules["unit"].rule(rid).score, data={"segs": [seg]})
        out.append(cand)
        chain = {"end": e, "segs": cand.data["segs"], "cand": cand, "special": seg["special"]}
    out.extend(_repeats(text, out, rules))
    if cfg.app_re is not None:
        kept = []
        for c in out:
            if cfg.app_re.match(text, c.end):
                fire("unit.filter.app")
            else:
                kept.append(c)
        out = kept
    return out


def _repeats(text: str, out: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """``东风大队`` again after ``青岛市公安局交警支队东风大队``: the last part of a chained unit, when
    it has a proper name of its own, is a UNIT wherever the article repeats it (unit.name.repeat)."""
    shorts: dict[str, dict[str, Any]] = {}
    for c in out:
        segs = c.data.get("segs") or []
        last = segs[-1] if len(segs) > 1 else None
        if last and len(last.get("written") or "") >= 2 and not _ORDINAL_START.match(last["written"]):
            shorts.setdefault(last["written"] + last["suffix"], last)
    if not shorts:
        return []
    spans = [(c.start, c.end) for c in out]
    added: list[Candidate] = []
    for short, seg in shorts.items():
        i = text.find(short)
        while i >= 0:
            j = i + len(short)
            if not any(a < j and i < b for a, b in spans):
                fire("unit.name.repeat")
                new = dict(seg, place=None, place_value=None, name=seg["written"])
                added.append(Candidate(LABEL, i, j, "unit.name.repeat",
                                       score=rules["unit"].rule("unit.name.repeat").score, data={"segs": [new]}))
                spans.append((i, j))
            i = text.find(short, j)
    return added


def _gongan_prefix(head: str, info: dict[str, Any], cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """``太原公安迎泽分局``, ``公安和平分局``: 公安 (and the city before it) written before a district
    branch belong to its name (unit.name.gongan_prefix); the city joins the branch's place.

    Returns (characters added to the span, new info), or None."""
    if not head.endswith("公安"):
        return None
    before = head[:-2]
    if before:
        pt = _place_tail(before, cfg)
        if pt is None or pt[1].get("level") not in ("city", "province"):
            return None
        if not info.get("place"):  # a functional branch: the city is its place
            if pt[1].get("level") != "city":
                return None
            fire("unit.name.gongan_prefix")
            return len(pt[0]) + 2, dict(info, place=pt[0], place_value=pt[1])
        v = place_lookup(pt[0] + info["place"])
        if v is None:
            return None
        fire("unit.name.gongan_prefix")
        return len(pt[0]) + 2, dict(info, place=pt[0] + info["place"], place_value=v)
    if not info.get("place"):
        return None
    fire("unit.name.gongan_prefix")
    return 2, dict(info)


def _city_prefix(head: str, info: dict[str, Any], cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """``海口新华公安分局``: a city written right before a district branch belongs to the span; the
    branch is the city bureau's (the district as written), also when the table lacks the district.

    Returns (characters added to the span, new info), or None."""
    pt = _place_tail(head, cfg)
    if pt is None or pt[1].get("level") != "city" or len(pt[0]) < 2:
        return None
    v = place_lookup(pt[0] + info["place"])
    if v is None or v.get("level") not in ("county", "town", "other"):
        v = pt[1]
    fire("unit.name.city_prefix")
    return len(pt[0]), dict(info, place=pt[0] + info["place"], place_value=v)


def _chained_name_ok(run: str, chain: dict[str, Any], cfg: _Config) -> bool:
    """A free name after a parent: 2..MAX_CHAINED_NAME characters with no stop word or generic word;
    after a special organ (铁路公安处, 港公安局) any length up to MAX_RUN."""
    limit = MAX_RUN if chain.get("special") else MAX_CHAINED_NAME
    if not 2 <= len(run) <= limit or run in cfg.generic:
        return False
    return not any(_stop_at(run, i, cfg) for i in range(len(run)))


def _parse_hit(run: str, suffix: str, kind: str, cfg: _Config) -> tuple[Any, tuple[str, ...]]:
    """Parse the name before one suffix hit; returns (parse, filter ids fired) for caching."""
    from ..trace import recording

    with recording() as fired:
        parsed = parse_name(run, kind, cfg)
        if kind == "station" or kind == "post":
            alt = _proper_with_place(run, kind, cfg)
            if alt is not None and (parsed is None or alt[0] >= parsed[0]):
                parsed = alt
            road = _road_name(run, cfg)
            if road is not None and (parsed is None or road[0] > parsed[0] and parsed[1].get("place") and not parsed[1].get("name")):
                parsed = road
        if suffix == "县局":
            parsed = _county_short(run, cfg)
            if parsed is None and run[-1:] + "县" not in cfg.generic:
                # 县局反电诈中心推送预警: 县局 alone is the article's 县公安局 (like 县公安局)
                parsed = (0, {"name": "", "place": None, "short": "县", "rules": ["unit.name.short"]})
        if suffix in ("公安局", "公安处"):
            special = _special_organ(run, cfg)
            if special is not None:
                parsed = special
            elif suffix == "公安处":
                parsed = None
    return parsed, tuple(sorted(fired))


def _road_name(run: str, cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """``海西路``派出所: the longest road name (after the rightmost stop word) before a station."""
    splits = _stop_splits(run, cfg)
    longest = len(run) - splits[0] if splits else len(run)
    for k in range(min(longest, 6), 2, -1):
        name = run[-k:]
        if cfg.road_re.match(name) and name not in cfg.generic \
                and not any(_stop_at(name, i, cfg) for i in range(len(name))):
            return k, {"name": name, "place": None, "rules": ["unit.name.road"]}
    return None


def _special_organ(run: str, cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """``延安铁路``公安处, ``青岛港``公安局: a special organ's name after the rightmost stop word."""
    for pos in _stop_splits(run, cfg):
        name = run[pos:]
        if cfg.special_re.match(name) and not _ends_with_stop(name, cfg):
            return len(name), {"name": name, "place": None, "special": True, "rules": ["unit.name.special"]}
    return None


def _county_short(run: str, cfg: _Config) -> tuple[int, dict[str, Any]] | None:
    """``金乡县局`` = 金乡县公安局: the 县 of the suffix belongs to the place."""
    for k in range(min(len(run), 6), 1, -1):
        if run[-k:] in cfg.stop_set:  # 会同县局: a verb, not 会同县
            continue
        v = _is_place(run[-k:] + "县", cfg)
        if v is not None:
            return k, {"name": "", "place": run[-k:] + "县", "place_value": v, "rules": ["unit.name.place"]}
    return None


def _seg(info: dict[str, Any], suffix: str, kind: str, rid: str) -> dict[str, Any]:
    suf = {"公安分局": "分局", "县局": "公安局"}.get(suffix, suffix)
    return {"name": info.get("name", ""), "written": info.get("written", ""), "place": info.get("place"), "place_value": info.get("place_value"),
            "short": info.get("short"), "national": info.get("national", False), "special": info.get("special", False),
            "suffix": suf, "kind": kind,
            "rule": rid}


# --------------------------------------------------------------------------- resolution
def kind_of(name: str, rules: RuleSet | None = None) -> str | None:
    """The kind of a full unit name, from its last suffix.

    >>> kind_of("济宁市公安局市中分局")
    'branch'
    """
    from ..ruleset import load_rules

    cfg = _config(rules or load_rules())
    best = None
    for suf, (_rid, kind) in cfg.suffix.items():
        if name.endswith(suf) and (best is None or len(suf) > len(best[0])):
            best = (suf, kind)
    return best[1] if best else None


def _bureau_level(name: str) -> str:
    place = name[: -len("公安局")] if name.endswith("公安局") else ""
    v = place_lookup(place) if place else None
    if v is None:
        return "bureau_county" if place.endswith("县") else "bureau_city" if place.endswith("市") else "bureau_county"
    return "bureau_city" if v.get("level") in ("city", "province") else "bureau_county"


def _kind_key(name: str, rules: RuleSet) -> str | None:
    k = kind_of(name, rules)
    if k == "bureau":
        return _bureau_level(name)
    return k


def bureau_of(value: dict[str, Any] | None, level: str) -> tuple[str | None, str | None]:
    """(bureau name, parent name) of a place at ``level`` (county, city, or ``sub``: the organ a
    sub-unit hangs under, which for a city district is the city bureau's branch).

    >>> bureau_of({"name": "山东省济宁市任城区", "level": "county"}, "sub")
    ('济宁市公安局任城区分局', '济宁市公安局')

    >>> bureau_of({"name": "山东省济宁市金乡县", "level": "county"}, "county")
    ('金乡县公安局', '济宁市公安局')
    >>> bureau_of({"name": "山东省济宁市", "level": "city"}, "city")
    ('济宁市公安局', '山东省公安厅')
    """
    prov, city, county = chain_parts(value)
    if level == "county" and county:
        if prov and prov == city and not county.endswith("县"):
            # a district of a municipality keeps the city: 重庆市铜梁区公安局; a county does not
            # (重庆市城口县公安局 → 城口县公安局, annotation.md "UNIT names")
            return city + county + "公安局", city + "公安局"
        return county + "公安局", (city + "公安局") if city else None
    if level == "sub" and county:
        # the organ a sub-unit hangs under: a county bureau, or a city district's branch
        if county.endswith("区") and city and len(county) > 2 and county != city:
            # a 新区's branch is named without 新区: 浦东新区 → 上海市公安局浦东分局; any other district
            # keeps its 区 (annotation.md, UNIT names: 槐荫区腊山派出所 → 济南市公安局槐荫区分局…)
            stem = county[:-2] if county.endswith("新区") and len(county) > 3 else county
            return city + "公安局" + stem + "分局", city + "公安局"
        return bureau_of(value, "county")
    if level in ("county", "city") and city:
        if prov and prov == city:
            return city + "公安局", "公安部"
        return city + "公安局", (prov + "公安厅") if prov else None
    if level == "province" and prov:
        return (prov + "公安局", "公安部") if prov.endswith("市") else (prov + "公安厅", "公安部")
    return None, None


def _head_full(seg: dict[str, Any], ctx: Context, cand: Candidate) -> tuple[str, str | None, str]:
    """Full name, parent and completion rule of the first segment of a mention."""
    kind, suffix, name = seg["kind"], seg["suffix"], seg["name"]
    val = seg.get("place_value")
    dl = ctx.dateline
    ctx_code = dl.get("adcode") if dl else None
    if seg.get("place") and ctx_code and val is not None and not val.get("_fallback"):
        v2 = place_lookup(seg["place"], ctx_code)
        val = v2 or val
    elif kind == "branch" and seg.get("place") and val is not None and not name:
        # 和平分局 in an article that names 和平区 (of 天津): the article's own district
        own = _article_district(seg["place"], ctx)
        if own is not None and own.get("adcode") != val.get("adcode"):
            fire("unit.complete.article_district")
            val = own
    if kind == "ministry":
        return "公安部", None, "unit.complete.full"
    if seg.get("special"):
        return seg["written"] + suffix, None, "unit.complete.full"
    if seg.get("national"):
        return name + suffix, "公安部", "unit.complete.full"
    if val is not None and not name:
        level = val.get("level")
        prov, city, county = chain_parts(val)
        if kind == "department":
            if prov:
                return prov + "公安厅", "公安部", "unit.complete.full"
        elif kind == "bureau":
            lvl = "county" if level in ("county", "town", "other") and county else "city" if level == "city" else \
                "province" if level == "province" else "county"
            b, p = bureau_of(val, lvl)
            if b:
                return _autonomous_as_written(b, seg["place"], val), p, "unit.complete.full"
        elif kind == "branch" and (level in ("county", "city", "other") or _without_city(seg["place"], val) != seg["place"]):
            # 任城分局: a district of a city → the city bureau's branch
            cb, _ = bureau_of(val, "city")
            # 芜湖市经开区公安分局, 邢台市桥东公安分局: the city written before the district belongs to
            # the city bureau's name, the district keeps its written form (unit.complete.city_branch)
            place = _without_city(seg["place"], val)
            if place != seg["place"]:
                fire("unit.complete.city_branch")
            if cb and place.endswith("区") and len(place) > 2:
                # 任城区公安分局 / 兖州区分局: the article's own full form, else the district as written
                # (annotation.md, UNIT names: 槐荫区分局 → 济南市公安局槐荫区分局)
                full = _same_unit(place + suffix, ctx, cand)
                if full is not None:
                    return full[0], full[1], "unit.complete.same"
                _, _, county = chain_parts(val)
                if county and county.endswith("区") and county.startswith(place[:-1]) and place == seg["place"]:
                    return cb + county + "分局", cb, "unit.complete.district_branch"
            elif place == seg["place"]:
                # 桥东公安分局 after 邢台市桥东公安分局: the article's own full form
                full = _same_unit(place + suffix, ctx, cand)
                if full is not None:
                    return full[0], full[1], "unit.complete.same"
            if cb:
                return cb + place + suffix, cb, "unit.complete.name_place"
        elif kind in ("anti_fraud_center", "detention"):
            lvl = "county" if level in ("county", "town", "other") and county else "city"
            if level == "province" and prov:
                # 广西反诈中心 → 广西壮族自治区反诈中心 under its 公安厅
                b, _ = bureau_of(val, "province")
                fire("unit.complete.province_center")
                return prov + suffix, b, "unit.complete.full"
            b, _ = bureau_of(val, lvl)
            if b and kind == "anti_fraud_center":
                return _district_center(seg["place"], val, suffix, ctx) or (seg["place"] + suffix, b, "unit.complete.full")
            if b:
                # 济宁看守所: named by its place like a centre (济宁市看守所), under the bureau
                own = county if lvl == "county" else city
                fire("unit.complete.place_detention")
                return _autonomous_as_written(own, seg["place"], val) + suffix, \
                    _autonomous_as_written(b, seg["place"], val), "unit.complete.full"
    if seg.get("short"):
        city_val = _context_place(ctx, cand, seg["short"])
        if city_val is not None:
            lvl = {"市": "city", "县": "county", "省": "province", "区": "county"}[seg["short"]]
            if city_val.get("_county_city"):
                lvl = "county"  # 市公安局 in a county-level city's story (宜兴市芳桥街道)
            if kind == "department":
                prov, _, _ = chain_parts(city_val)
                if prov:
                    return prov + "公安厅", "公安部", "unit.complete.context_city"
            if kind == "branch" and seg["short"] == "区":
                # 区公安分局: the city bureau's branch of the article's district, 区 as written
                _, city, county = chain_parts(city_val)
                if city and county and county.endswith("区") and county != city:
                    return city + "公安局" + county + name + suffix, city + "公安局", "unit.complete.context_city"
            b, p = bureau_of(city_val, lvl)
            if b:
                if kind == "bureau":
                    return b, p, "unit.complete.context_city"
                if kind == "anti_fraud_center" and lvl == "province":
                    prov, _, _ = chain_parts(city_val)
                    return prov + suffix, b, "unit.complete.context_city"
                if kind == "anti_fraud_center":
                    return b[: -len("公安局")] + suffix, b, "unit.complete.context_city"
                return b + name + suffix, b, "unit.complete.context_city"
        own = "自治区" if seg.get("written", "").startswith("自治区") else seg["short"]
        return own + name + suffix, None, "unit.complete.none"
    # a place before a functional / proper name: 济宁市交警支队, 金乡县兴隆派出所
    if val is not None and name:
        level = val.get("level")
        lvl = "county" if level in ("county", "town", "other") and kind not in ("detachment", "corps") else "city"
        if kind == "corps":
            prov, _, _ = chain_parts(val)
            if prov:
                return prov + "公安厅" + name + suffix, prov + "公安厅", "unit.complete.name_place"
        if lvl == "county" and "branch" in PARENT_KINDS.get(kind, ()):
            lvl = "sub"
        b, _ = bureau_of(val, lvl)
        if b and lvl == "sub":
            b = _branch_as_written(b, seg["place"], val, ctx)
        if b and kind == "detention":
            # 青石市第二看守所: named by its place like 青石市看守所 (unit.complete.place_detention)
            _, city, county = chain_parts(val)
            own = county if lvl in ("county", "sub") and county else city
            if own:
                fire("unit.complete.place_detention")
                return _autonomous_as_written(own, seg["place"], val) + name + suffix, b, "unit.complete.full"
        if b:
            return b + name + suffix, b, "unit.complete.name_place"
    short = seg.get("written", "") + suffix
    # same unit written in full in the article
    full = _same_unit(short, ctx, cand)
    if full is not None:
        return full[0], full[1], "unit.complete.same"
    allowed = PARENT_KINDS.get(kind, ())
    # last unit of the article that can be its parent
    for u in reversed(ctx.units):
        p = _compatible_ancestor(u.get("name"), u.get("parent"), allowed, ctx.rules)
        if p:
            return _join(p, short, ctx.rules), p, "unit.complete.last"
        break
    # dateline
    if dl is not None:
        b = _parent_from_place(dl, kind, allowed, ctx)
        if b:
            return b + short, b, "unit.complete.dateline"
    # the name is a town or area of the place table (鸡黍派出所, 市中分局)
    if val is not None and not name and kind in ("station", "post", "branch") \
            and seg.get("written") not in _config(ctx.rules).area_generic:
        b, _ = bureau_of(val, "city" if kind == "branch" else "sub")
        if b and kind != "branch":
            b = _branch_as_written(b, None, val, ctx)
        if b:
            return b + short, b, "unit.complete.name_place"
    for c in reversed(ctx.cands):
        if c.label == "PLACE" and c.end <= cand.start and c.value:
            b = _parent_from_place(c.value, kind, allowed, ctx)
            if b:
                return b + short, b, "unit.complete.article_place"
    return short, None, "unit.complete.none"


def _branch_as_written(b: str, place: str | None, val: dict[str, Any], ctx: Context) -> str:
    """A district branch completed for a sub-unit, in the article's own form: the branch the article
    already named (天涯分局 before 刑警大队 of 天涯), else the district as written (蜀山刑警大队 →
    合肥市公安局蜀山分局, 任城区古槐派出所 → 济宁市公安局任城区分局…).

    >>> _branch_as_written("合肥市公安局蜀山区分局", "蜀山", {"name": "安徽省合肥市蜀山区", "level": "county"}, Context(text="", rules=None))
    '合肥市公安局蜀山分局'
    """
    if not b.endswith("区分局"):
        return b
    short = b[: -len("区分局")] + "分局"
    for u in ctx.units:
        n = u.get("name") or ""
        if n.startswith(short):
            fire("unit.complete.branch_as_written")
            return short
        if n.startswith(b):
            return b
    _, _, county = chain_parts(val)
    if place is not None and county and not place.endswith("区") and place.endswith(county[:-1]):
        fire("unit.complete.branch_as_written")
        return short
    return b


def _article_district(place: str, ctx: Context) -> dict[str, Any] | None:
    """The district of the article's places that ``place`` (a district written short) names."""
    if len(place) < 2 or place.endswith(("市", "县", "省", "州")):
        return None
    for c in ctx.cands:
        if c.label != "PLACE" or not c.value or c.value.get("level") != "county":
            continue
        _, city, county = chain_parts(c.value)
        if county and city and county != city and county.endswith("区") and county[:-1] == place.removesuffix("区"):
            return c.value
    return None


def _autonomous_as_written(name: str, place: str, val: dict[str, Any]) -> str:
    """An autonomous county or prefecture written short keeps its written form in the unit's name
    (annotation.md, UNIT names): 大通县公安局 stays 大通县公安局, not 大通回族土族自治县公安局.

    >>> _autonomous_as_written("长阳土家族自治县公安局", "长阳县", {"name": "湖北省宜昌市长阳土家族自治县", "level": "county"})
    '长阳县公安局'
    """
    _, city, county = chain_parts(val)
    written = _without_city(place, val)
    for full in (county, city):
        if full and full.endswith(("自治县", "自治旗", "自治州")) and written != full \
                and written[-1:] == full[-1] and full.startswith(written[:-1]) and full in name:
            fire("unit.complete.autonomous_short")
            return name.replace(full, written, 1)
    return name


def _without_city(place: str, val: dict[str, Any]) -> str:
    """``place`` without the province and city written before its district (full or short):
    ``芜湖市经开区`` → ``经开区``, ``河北邢台市桥东`` → ``桥东``; a city alone stays.

    >>> _without_city("芜湖经开区", {"name": "安徽省芜湖市经开区", "level": "other"})
    '经开区'
    """
    prov, city, _ = chain_parts(val)
    out = place
    for full in (prov, city):
        if not full:
            continue
        short = regex.sub(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", full)
        for form in (full, short):
            if len(form) >= 2 and out.startswith(form) and len(out) - len(form) >= 2:
                out = out[len(form):]
                break
    return out


def _district_center(place: str, val: dict[str, Any], suffix: str,
                     ctx: Context) -> tuple[str, str | None, str] | None:
    """``花都区反诈中心`` → ``广州市花都区反诈中心`` under the district's branch as written
    (``广州市公安局花都区分局``); in a municipality under its district bureau (``重庆市铜梁区公安局``),
    or under the article's own unit for that district."""
    prov, city, county = chain_parts(val)
    if not (city and county and county.endswith("区") and place.endswith(county) and val.get("level") == "county"):
        return None
    for u in reversed(ctx.units):
        n = u.get("name") or ""
        if county in n and kind_of(n, ctx.rules) in ("bureau", "branch"):
            return city + county + suffix, n, "unit.complete.full"
    if prov and prov == city:
        parent = city + county + "公安局"
    else:
        parent = city + "公安局" + county + "分局"
    return city + county + suffix, parent, "unit.complete.full"


def _parent_from_place(val: dict[str, Any], kind: str, allowed: tuple[str, ...],
                       ctx: Context | None = None) -> str | None:
    level = val.get("level")
    if level in ("county", "town", "other") and "bureau_county" in allowed:
        b, _ = bureau_of(val, "sub" if "branch" in allowed else "county")
        if b and ctx is not None and "branch" in allowed:
            b = _branch_as_written(b, None, val, ctx)
        if b:
            return b
    if "bureau_city" in allowed:
        b, _ = bureau_of(val, "city")
        return b
    return None


def _compatible_ancestor(name: str | None, parent: str | None, allowed: tuple[str, ...],
                         rules: RuleSet) -> str | None:
    """Walk up from a unit name to the first ancestor whose kind is allowed as a parent."""
    seen = 0
    cur = name
    while cur and seen < 6:
        if _kind_key(cur, rules) in allowed:
            return cur
        if cur == name and parent:
            nxt = parent
        else:
            nxt = _strip_last(cur, rules)
        cur = nxt
        seen += 1
    return None


_ORDINAL_START = fast_compile(r"[第一二三四五六七八九十0-9]")


def _join(parent: str, short: str, rules: RuleSet) -> str:
    """``parent`` + ``short``, without the function word both repeat: 交警五中队 under
    ``洪湖市公安局交警大队`` is ``洪湖市公安局交警大队五中队`` (unit.name.ordinal)."""
    up = _strip_last(parent, rules)
    if up:
        last = parent[len(up):]
        m = _config(rules).suffix_re.search(last)
        func = last[: m.start()] if m else ""
        if len(func) >= 2 and short.startswith(func) and _ORDINAL_START.match(short, len(func)):
            return parent + short[len(func):]
    return parent + short


def _strip_last(name: str, rules: RuleSet) -> str | None:
    """``济宁市公安局市中分局`` → ``济宁市公安局`` (the name up to the previous suffix)."""
    cfg = _config(rules)
    ends = [m.end() for m in cfg.suffix_re.finditer(name)]
    ends = [x for x in ends if x < len(name)]
    return name[: ends[-1]] if ends else None


def _same_unit(short: str, ctx: Context, cand: Candidate) -> tuple[str, str | None] | None:
    for u in reversed(ctx.units):
        n = u.get("name") or ""
        if len(n) > len(short) and n.endswith(short):
            return n, u.get("parent")
    # a later mention counts only when it writes more than the short form (a later bare 刘河派出所
    # completed from its town's name elsewhere is no full form)
    after = [c for c in ctx.cands if c.label == LABEL and c is not cand and c.start > cand.start
             and c.end - c.start > len(short)]
    for c in after:
        segs = c.data.get("segs") or []
        if len(segs) < 2 and not (segs and segs[0].get("place")):
            continue
        try:
            v = _value_of(c, ctx, allow_context=False)
        except Exception:
            continue
        if v and len(v["name"]) > len(short) and v["name"].endswith(short):
            return v["name"], v.get("parent")
    return None


def _value_of(cand: Candidate, ctx: Context, allow_context: bool = True) -> dict[str, Any] | None:
    segs = cand.data.get("segs") or []
    if not segs:
        return None
    head = segs[0]
    if allow_context:
        full, parent, rule = _head_full(head, ctx, cand)
    else:
        bare = Context(text=ctx.text, rules=ctx.rules, dateline=None, cands=[])
        full, parent, rule = _head_full(head, bare, cand)
        if rule in ("unit.complete.none",):
            return None
    kind = head["kind"]
    for seg in segs[1:]:
        parent = full
        if seg.get("place_value") is not None and not seg["name"] and seg["kind"] in ("bureau", "department"):
            # 山东省公安厅济宁市公安局: a bureau written after its department keeps its own name
            own, _, _ = _head_full(seg, ctx, cand)
            full = own
        else:
            full = full + seg["written"] + seg["suffix"]
        kind = seg["kind"]
    return {"name": full, "kind": kind, "parent": parent, "_rule": rule}


def _context_place(ctx: Context, cand: Candidate, short: str) -> dict[str, Any] | None:
    """The place a bare 市/县/省 refers to: the dateline, else the last unit or place before."""
    want = "county" if short in ("县", "区") else "city"
    dl = ctx.dateline
    if dl is not None:
        prov, city, county = chain_parts(dl)
        if want == "city" and city or want == "county" and county or short == "省" and prov:
            return dl
    for u in reversed(ctx.units):
        n = u.get("name") or ""
        idx = n.find("公安局")
        if idx > 0:
            v = place_lookup(n[:idx])
            if v is not None:
                return v
    for c in reversed(ctx.cands):
        if c.label == "PLACE" and c.end <= cand.start and c.value:
            prov, city, county = chain_parts(c.value)
            if want == "city" and city or want == "county" and county or short == "省" and prov:
                return c.value
    return _article_place(ctx, cand, short)


def _article_place(ctx: Context, cand: Candidate, short: str) -> dict[str, Any] | None:
    """A bare 市/县/省 at the article's start (市公安局昨天宣布…): the place nearest to it anywhere in
    the article, also inside a paper's or a unit's name (潍坊日报社, 本市武清). A 市 whose nearest
    place lies in a county-level city (芳桥街道 of 宜兴市) is that city."""
    mod = _place_mod()
    if mod is None or not hasattr(mod, "_article_context"):
        return None
    idx = mod._index(ctx.rules)
    found = sorted(mod._article_context(idx, ctx),
                   key=lambda t: min(abs(t[0] - cand.end), abs(cand.start - t[1])))
    for _s, _e, code in found:
        eid = idx.by_code.get(code)
        if not eid:
            continue
        val = idx.value(eid)
        prov, city, county = chain_parts(val)
        if short == "市" and county and county.endswith("市"):
            fire("unit.complete.article_place")
            return {**val, "_county_city": True}
        if short == "市" and city or short in ("县", "区") and county or short == "省" and prov:
            fire("unit.complete.article_place")
            if short == "市" and county:
                return {**val, "level": "city"}
            return val
    return None


def resolve(cand: Candidate, ctx: Context) -> bool:
    """Fill ``{"name", "kind", "parent"}``, completing short forms from the article."""
    v = _value_of(cand, ctx)
    if v is None:
        return False
    rule = v.pop("_rule")
    fire(rule)
    cand.value = v
    cand.data["complete"] = rule
    ctx.units.append(v)
    return True
