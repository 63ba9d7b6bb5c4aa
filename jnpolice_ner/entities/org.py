"""ORG: named organizations that are not police units (banks, companies, schools, courts,
procuratorates, government departments named with their place, media outlets).

Forms handled: ``深圳市兴业银行`` (name 兴业银行, place 深圳市), ``农业银行`` → 中国农业银行,
``上海银联`` → 中国银联, ``中国刑警学院`` → 中国刑事警察学院, ``济宁市食药监`` →
济宁市食品药品监督管理局, ``金乡县人民法院``, ``上海某信息科技有限公司``, trade names without 有限公司
(``顺通物流公司``, shops: ``聚源祥超市``, ``隆盛汽修厂``). The place at the start of a company or school
name is a province, city or county read in the article's region (``南阳…有限公司`` → 南阳市). Rules:
``rules/org.yaml``; tables: ``rules/lexicons/org_canonical.tsv``, ``org_government.tsv``, ``org_industry.txt``.

>>> from jnpolice_ner.ruleset import load_rules
>>> [c.data["name"] for c in recognize("民警赶到农业银行查询", load_rules())]
['中国农业银行']
>>> recognize("与食药监、环保等部门协作", load_rules())
[]
"""

from __future__ import annotations

import functools
from typing import Any

import regex

from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, fast_compile
from ..textnorm import span_back, strip_glosses
from ..trace import fire
from . import unit as _unit

LABEL = "ORG"
ORDER = 30

_RUN = fast_compile(r"[\p{Han}A-Za-z0-9]{1,24}$")
_HAN_RUN = fast_compile(r"[\p{Han}]{1,12}$")
_ADMIN_END = set("省市县区镇乡道旗州")
#: level words that stand for the place of a court or procuratorate in local news (市一中院)
_LEVEL_CHARS = set("省市县区")


def _court_name(word: str) -> str:
    """The official court name of a suffix: 法院 → 人民法院, 一中院 → 第一中级人民法院, 高院 → 高级人民法院."""
    if word.endswith("中院"):
        return (f"第{word[0]}" if len(word) == 3 else "") + "中级人民法院"
    if word == "高院":
        return "高级人民法院"
    return ("中级" if word.startswith("中级") else "高级" if word.startswith("高级") else "") + "人民法院"
#: levels of the place at the start of a company name (南阳 is 南阳市 there, not a town 南阳镇)
_PREFIX_LEVELS = ("province", "city", "county")


class _Config:
    def __init__(self, rules: RuleSet):
        rf = rules["org"]
        self.alias: dict[str, tuple[str, str, bool]] = {}  # alias → (name, kind, needs place)
        for row in rules.table("org_canonical"):
            self.alias[row["alias"]] = (row["name"], row["kind"], False)
        for row in rules.table("org_government"):
            self.alias.setdefault(row["alias"], (row["name"], "government", True))
        alts = sorted(self.alias, key=len, reverse=True)
        self.alias_re = fast_compile("|".join(regex.escape(a) for a in alts))
        self.branch_re = rf.rule("org.bank.branch").compiled
        self.rural_re = rf.rule("org.bank.rural").compiled
        self.company_re = rf.rule("org.company.limited").compiled
        self.company_max = int(rf.rule("org.company.limited").extra("max_name", 20))
        self.school_re = rf.rule("org.school.generic").compiled
        self.school_max = int(rf.rule("org.school.generic").extra("max_name", 10))
        self.court_re = rf.rule("org.court").compiled
        self.proc_re = rf.rule("org.procuratorate").compiled
        self.town_suffixes = tuple(rf.rule("org.place.short_town").extra("suffixes") or ())
        self.alias_breaks = dict(rf.rule("org.filter.alias_word").extra("breaks") or {})
        self.product_after = tuple(rf.rule("org.filter.product").extra("product_after") or ())
        self.gov_branch_re = rf.rule("org.government.branch").compiled
        self.court_level_after = set(rf.rule("org.court.level").extra("after", ""))
        multi = [w for w in rules.lexicon("unit_stopwords") if len(w) > 1]
        singles = list(rf.extra("single_stops", ""))
        multi += list(rf.extra("multi_stops") or ())
        stops = sorted(set(multi + singles), key=len, reverse=True)
        self.stop_set = set(stops)
        self.stop_max = max((len(w) for w in stops), default=0)
        self.address_marks = set(rf.extra("address_marks", ""))
        self.road_after = set(rf.extra("road_after", ""))
        self.bad_name_end = set(rf.extra("bad_name_end", ""))
        self.school_stops = set(rf.extra("school_single_stops", ""))
        self.school_not_before = set(rf.extra("school_not_before", ""))
        self.school_generic_end = tuple(rf.extra("school_generic_end") or ())
        self.generic = set(rules.lexicon("unit_generic")) | {"一家", "这家", "那家", "该家", "一所", "这所", "某", "某家"}
        self.unit_cfg = _unit._config(rules)
        self.trade_re = rf.rule("org.company.trade").compiled
        self.trade_max = int(rf.rule("org.company.trade").extra("max_name", 10))
        self.industry = sorted(set(rules.lexicon("org_industry")), key=len, reverse=True)
        self.company_generic = set(rf.extra("company_generic") or ())
        self.left_words = sorted(rf.extra("company_left_words") or (), key=len, reverse=True)
        self.left_chars = set(rf.extra("company_left_chars", ""))
        self.bad_chars = set(rf.extra("company_bad_chars", ""))
        shop = rf.rule("org.shop.trade")
        self.shop_re = shop.compiled
        self.shop_max = int(shop.extra("max_name", 10))
        self.shop_needs_industry = set(shop.extra("needs_industry") or ())
        self.shop_self_named = frozenset(shop.extra("self_named") or ())
        self.shop_generic = self.company_generic | set(rf.extra("shop_generic") or ())
        self.shop_bad_chars = self.bad_chars | set(rf.extra("shop_bad_chars", ""))
        self.naming_words = tuple(rf.extra("company_naming_words") or ())
        self.shop_count_end = set(rf.extra("shop_count_end", ""))
        self.shop_list_end = set(rf.extra("shop_list_end", ""))
        self.surname_chars = set(rules["place"].extra("surname_chars", ""))
        self.given_chars = set("".join(rules.lexicon("person_given_chars")))


@functools.lru_cache(maxsize=4)
def _config(rules: RuleSet) -> _Config:
    return _Config(rules)


def _place_before(text: str, s: int, cfg: _Config) -> tuple[str, dict[str, Any]] | None:
    """The place written right before position ``s`` (深圳市|兴业银行)."""
    lo = max(0, s - 12)
    m = _HAN_RUN.search(text, lo, s)
    if not m:
        return None
    pt = _unit._place_tail(m.group(0), cfg.unit_cfg)
    # a bare town or area name (花园) is too weak a place before an organization, unless the text
    # names the town with its suffix too (某某镇 … 某某邮政银行: org.place.short_town)
    if pt is not None and pt[1].get("level") not in ("province", "city", "county") and pt[0][-1] not in _ADMIN_END:
        if len(pt[0]) >= 2 and any(pt[0] + suf in text for suf in cfg.town_suffixes):
            fire("org.place.short_town")
            return pt
        return None
    return pt


def _lowest(val: dict[str, Any], written: str) -> str:
    """The place part of an official name: 济宁市, 金乡县, 济宁市任城区, or the written town."""
    prov, city, county = _unit.chain_parts(val)
    level = val.get("level")
    if level == "town" or val.get("_fallback"):
        return written
    if level == "county" and county:
        return (city or "") + county if county.endswith("区") and city and city != county else county
    if level == "city" and city:
        return city
    if level == "province" and prov:
        return prov
    return written


def _named(run: str, cfg: _Config, min_len: int) -> str | None:
    """The name at the end of ``run`` after the rightmost stop word, if it is a name."""
    pos = 0
    for i in range(len(run)):
        for k in range(min(cfg.stop_max, len(run) - i), 0, -1):
            if i + k < len(run) and run[i:i + k] in cfg.stop_set:
                pos = max(pos, i + k)
    for i in range(len(run) - 1, pos - 1, -1):
        if run[i] in cfg.address_marks and i + 1 < len(run):
            pos = i + 1
            break
    name = run[pos:]
    if pos:
        fire("org.filter.stopword")
    if name[-1:] in cfg.bad_name_end:
        return None
    if len(name) < min_len or any(name[-k:] in cfg.stop_set for k in range(1, min(cfg.stop_max, len(name)) + 1)):
        return None
    if name in cfg.generic or any(name.startswith(g) for g in ("一家", "这家", "该", "一所", "这所", "某")):
        fire("org.filter.generic")
        return None
    return name


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """ORG candidates; ``data`` holds name, kind and the written place.

    A text with pinyin glosses (中新網(wǎng)) is read without them; spans keep the glosses inside.
    """
    if not text:
        return []
    glossed = strip_glosses(text)
    if glossed is None:
        return _recognize(text, rules)
    plain, index = glossed
    out = _recognize(plain, rules)
    for c in out:
        c.start, c.end = span_back(index, c.start, c.end)
    return out


def _recognize(text: str, rules: RuleSet) -> list[Candidate]:
    cfg = _config(rules)
    out: list[Candidate] = []
    alias_ends: set[int] = set()
    # canonical table and government departments
    for m in cfg.alias_re.finditer(text):
        s, e = m.span()
        alias_e = e
        name, kind, needs_place = cfg.alias[text[s:e]]
        if text[e:e + 1] and text[e:e + 1] in cfg.alias_breaks.get(text[s:e], ""):
            fire("org.filter.alias_word")  # 警银联动
            continue
        if kind == "company" and text.startswith(cfg.product_after, e):
            fire("org.filter.product")  # 京东白条, 百度网盘: the product, not the company
            continue
        pt = _place_before(text, s, cfg)
        if needs_place and pt is None:
            fire("org.filter.no_place")
            continue
        place = pt[0] if pt else None
        prefix = len(place) if place else 0
        if kind == "bank":
            b = cfg.branch_re.match(text, e)
            if b:
                inner = b.group(0)[: -2]
                v = _unit.place_lookup(inner) if inner else None
                if v is None and inner:
                    # 济宁市中心支行: a place at the start of the branch name
                    for k in range(len(inner) - 1, 1, -1):
                        pv = _unit.place_lookup(inner[:k])
                        if pv is not None and (inner[k - 1] in _ADMIN_END
                                               or pv.get("level") in ("province", "city", "county")):
                            v, inner, plain = pv, inner[:k], True
                            break
                plain = 2 <= len(inner) <= 6 and not any(
                    inner[i:i + k] in cfg.stop_set for i in range(len(inner)) for k in (1, 2))
                if not inner or v is not None or plain:
                    if v is None:
                        inner = ""
                    fire("org.bank.branch")
                    e = b.end()
                    if place is None and inner:
                        place = inner
        start = s - prefix
        alias_ends.add(alias_e)
        if needs_place:
            br = cfg.gov_branch_re.match(text, e)
            if br:  # 某市工商局东城分局城北工商所
                fire("org.government.branch")
                name, e = name + br.group(0), br.end()
            rid = "org.government.place"
        else:
            rid = "org.alias.place" if place else "org.alias.table"
        fire(rid)
        out.append(Candidate(LABEL, start, e, rid, score=0.9, data={"name": name, "kind": kind, "place": place}))
    # rural banks and credit unions, courts, procuratorates: need a place
    for rx, kind, rid in ((cfg.rural_re, "bank", "org.bank.rural"), (cfg.court_re, "court", "org.court"),
                          (cfg.proc_re, "procuratorate", "org.procuratorate")):
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            pt = _place_before(text, s, cfg)
            if pt is None:
                lvl = text[s - 1:s] if s else ""
                if kind != "bank" and lvl in _LEVEL_CHARS and (s < 2 or not _HAN_CHAR.match(text[s - 2])
                                                               or text[s - 2] in cfg.court_level_after):
                    fire("org.court.level")  # 市一中院, 市检一分院, 区法院
                    out.append(Candidate(LABEL, s - 1, e, "org.court.level", score=0.8,
                                         data={"name": text[s - 1:e], "kind": kind, "place": None, "literal": True}))
                    continue
                fire("org.filter.no_place")
                continue
            fire(rid)
            word = m.group(0)
            if kind == "court":
                word = _court_name(word)
            elif kind == "procuratorate":
                word = "人民检察院" + (f"第{word[-3]}分院" if word.endswith("分院") else "")
            elif word in ("农商银行", "农商行"):
                word = "农村商业银行"
            out.append(Candidate(LABEL, s - len(pt[0]), e, rid, score=0.85,
                                 data={"suffix": word, "kind": kind, "place": pt[0]}))
    # companies and schools named before a suffix
    for rx, kind, rid, mx, mn in ((cfg.company_re, "company", "org.company.limited", cfg.company_max, 3),
                                  (cfg.school_re, "school", "org.school.generic", cfg.school_max, 2)):
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if e in alias_ends:
                continue
            if kind == "school" and text[e:e + 1] and (text[e:e + 1] in cfg.road_after
                                                        or text[e:e + 1] in cfg.school_not_before):
                continue
            lo = max(0, s - mx)
            rm = (_RUN if kind == "company" else _HAN_RUN).search(text, lo, s)
            if not rm:
                continue
            run = rm.group(0)
            if kind == "school":
                cut = max((i + 1 for i, ch in enumerate(run) if ch in cfg.school_stops), default=0)
                run = run[cut:]
            name = _named(run, cfg, mn) if run else None
            if name is None:
                continue
            if kind == "school" and name.endswith(cfg.school_generic_end):
                fire("org.filter.generic")
                continue
            fire(rid)
            full = name + m.group(0)
            place = None
            for k in range(min(len(name), 9), 1, -1):
                v = _unit.place_lookup(name[:k])
                if v is not None and not v.get("_fallback"):
                    place = name[:k]
                    break
            out.append(Candidate(LABEL, s - len(name), e, rid, score=0.7,
                                 data={"name": full, "kind": kind, "place": place, "literal": True}))
    if "公司" in text:
        taken = {c.end for c in out}
        for m in cfg.trade_re.finditer(text):
            if m.end() in taken:
                continue
            got = _trade_name(text, m.start(), cfg)
            if got is not None:
                name, place = got
                fire("org.company.trade")
                out.append(Candidate(LABEL, m.start() - len(name), m.end(), "org.company.trade", score=0.65,
                                     data={"name": name + "公司", "kind": "company", "place": place,
                                           "literal": True}))
    # shops and small businesses named by their trade name: 聚源祥超市, 隆盛汽修厂
    taken = {c.end for c in out}
    for m in cfg.shop_re.finditer(text):
        if m.end() in taken:
            continue
        word, start = m.group(0), m.start()
        for j in range(1, len(word)):
            # 宏达五金店, 龙姐烟酒店, 铝合金店: an industry word runs into the business word → industry + 店
            head = text[max(0, start - 4):start + j]
            if cfg.shop_re.fullmatch(word[j:]) and any(
                    head.endswith(w) and len(w) > j for w in cfg.industry if len(w) <= len(head)):
                word, start = word[j:], start + j
                break
        got = _trade_name(text, start, cfg, shop=word)
        if got is not None:
            name, place = got
            fire("org.shop.trade")
            out.append(Candidate(LABEL, start - len(name), m.end(), "org.shop.trade", score=0.6,
                                 data={"name": name + word, "kind": "company", "place": place,
                                       "literal": True}))
    return out + recognize_outlets(text, rules) + recognize_level_departments(text, rules)


def _trade_name(text: str, s: int, cfg: _Config, shop: str = "") -> tuple[str, str | None] | None:
    """The trade name (+ industry word) before ``公司`` at ``s``: ``顺通物流``, ``鑫源``; None if generic.

    ``shop`` is the business word at ``s`` when it is not 公司 (超市, 汽修厂, 店): the same reading with
    the shop filters (``org.filter.shop_generic``); 店 and 厂 alone need an industry word (宏达五金店).
    """
    rule = "org.filter.shop_generic" if shop else "org.filter.company_generic"
    generic = cfg.shop_generic if shop else cfg.company_generic
    bad_chars = cfg.shop_bad_chars if shop else cfg.bad_chars
    rm = _HAN_RUN.search(text, max(0, s - (cfg.shop_max if shop else cfg.trade_max)), s)
    run = rm.group(0) if rm else ""
    if len(run) < 2 or run.endswith(("有限", "有限责任", "股份有限")):
        return None
    named = max((run.rfind(w) + len(w) for w in cfg.naming_words if w in run[:-2]), default=0)
    if named:  # 一家名叫隆盛汽修厂: the name follows the naming word
        run = run[named:]
    name = _named(run, cfg, 2)
    if name is None:
        return None
    bounded = len(name) < len(run) or named > 0
    stripped = True
    while stripped:  # 辖区顺通物流 → 顺通物流
        stripped = False
        for w in cfg.left_words:
            if name.startswith(w) and len(name) > len(w):
                name, stripped, bounded = name[len(w):], True, True
                break
    # 称是中影, 10分于立胜汽车: the name starts after the last preposition that leaves a trade name
    for i in range(len(name) - 1, -1, -1):
        if name[i] in cfg.left_chars and len(_industry_split(name[i + 1:], cfg)[0]) >= 2:
            name, bounded = name[i + 1:], True
            break
    before = text[s - len(name) - 1: s - len(name)] if s - len(name) > 0 else ""
    trade, industry = _industry_split(name, cfg)
    while shop and industry:  # 晨光日用百货便利店, 安顺手机维修店: every industry word is left out
        rest, more = _industry_split(trade, cfg)
        if not more:
            break
        trade, industry = rest, more + industry
    if before.isdigit() or not (bounded or not before or before in cfg.left_chars
                                or ((industry or shop in cfg.shop_self_named) and not _HAN_CHAR.match(before))):
        fire(rule)
        return None
    if shop and (shop in cfg.shop_needs_industry and not industry or cfg.shop_re.search(name)):
        fire(rule)  # 五金店 without a trade name; 饭店、宾馆和网吧 is a list of business words
        return None
    place = None
    for k in range(min(len(name) - 1, 9), 1, -1):
        v = _prefix_lookup(name[:k])
        # a town written short is part of the trade name (鸡黍物流公司), not its place
        if v is not None and not v.get("_fallback") and (
                v.get("level") in (*_PREFIX_LEVELS, "country") or name[k - 1] in _ADMIN_END):
            place = name[:k]
            break
    if place and trade.startswith(place):
        trade = trade[len(place):]
    looks_personal = (not industry and 2 <= len(trade) <= 3 and trade[0] in cfg.surname_chars
                      and all(ch in cfg.given_chars for ch in trade[1:]))
    if (not 2 <= len(trade) <= 4 or any(ch in bad_chars for ch in trade) or looks_personal
            or (shop and (trade[-1:] in cfg.shop_count_end or name[-1:] in cfg.shop_list_end))
            or any(g in trade for g in generic) or trade in cfg.industry or trade in cfg.left_words):
        fire(rule)
        return None
    return name, place


def _prefix_lookup(name: str) -> dict[str, Any] | None:
    """PLACE value of a place at the start of a name, a province, city or county when there is one."""
    mod = _unit._place_mod()
    fn = getattr(mod, "lookup", None) if mod else None
    if fn is None:
        return _unit.place_lookup(name)
    try:
        return fn(name, levels=_PREFIX_LEVELS)
    except Exception:  # pragma: no cover - place module broken
        return _unit.place_lookup(name)


def _industry_split(name: str, cfg: _Config) -> tuple[str, str]:
    """``顺通物流`` → (``顺通``, ``物流``): the trade name and the industry word after it."""
    for w in cfg.industry:
        if name.endswith(w):
            return name[: len(name) - len(w)], w
    return name, ""


def _prefix_place(written: str, ctx: Context, cand: Candidate) -> dict[str, Any] | None:
    """PLACE value of the place written at the start of a name, preferring a province, city or
    county and the article's region (``org.place.prefix_level``); None when PLACE cannot read it."""
    mod = _unit._place_mod()
    fn = getattr(mod, "lookup_in_context", None) if mod else None
    if fn is None:
        return None
    try:
        v = fn(written, ctx, cand, levels=_PREFIX_LEVELS)
    except Exception:  # pragma: no cover - the plain lookup below still answers
        return None
    if v is not None:
        fire("org.place.prefix_level")
    return v


def resolve(cand: Candidate, ctx: Context) -> bool:
    """Fill ``{"name", "kind", "place"}`` (place: the PLACE value of the written place, or None)."""
    d = cand.data
    code = ctx.dateline.get("adcode") if ctx.dateline else None
    pval = None
    if d.get("place") and d.get("literal"):
        # the place at the start of a company or school name is a province, city or county of the
        # article's region: 南阳启明信息科技有限公司 in a Henan article is 南阳市, not a town 南阳镇
        pval = _prefix_place(d["place"], ctx, cand)
    if d.get("place") and pval is None:
        pval = _unit.place_lookup(d["place"], code)
        if pval is not None and pval.get("_fallback"):
            pval = {"name": d["place"], "adcode": None, "level": pval.get("level")}
    if pval is not None:
        pval = {k: v for k, v in pval.items() if not k.startswith("_")}
    kind = d["kind"]
    if "suffix" in d:
        name = _lowest(pval or {}, d["place"]) + d["suffix"] if pval else d["place"] + d["suffix"]
    elif kind == "government" and d.get("place"):
        name = (_lowest(pval, d["place"]) if pval else d["place"]) + d["name"]
    else:
        name = d["name"]
    cand.value = {"name": name, "kind": kind, "place": pval}
    return True


class _MoreConfig:
    """Outlets and level-named departments (org.media.outlet, org.government.level)."""

    def __init__(self, rules: RuleSet):
        rf = rules["org"]
        self.outlet_re = rf.rule("org.media.outlet").compiled
        weak = sorted(rf.extra("outlet_weak_suffixes") or (), key=len, reverse=True)
        self.weak = tuple(weak)
        self.weak_re = fast_compile("|".join(regex.escape(w) for w in weak) or "(?!)")
        self.outlet_before = tuple(rf.extra("outlet_before") or ())
        self.source_words = tuple(rf.extra("outlet_source_words") or ())
        self.outlet_after = tuple(rf.extra("outlet_after") or ())
        self.outlet_dateline = fast_compile(rf.extra("outlet_dateline") or "(?!)")
        self.left_stops = set(rf.extra("outlet_left_stops", ""))
        self.generic = (set(rf.extra("company_generic") or ()) | set(rf.extra("shop_generic") or ())
                        | set(rf.extra("outlet_generic_names") or ()))
        self.copyright_re = rf.rule("org.media.copyright").compiled
        fr = rf.rule("org.media.furniture")
        self.furniture_res = [regex.compile(p) for p in fr.extra("patterns") or ()]
        self.furniture_stop_ends = tuple(fr.extra("stop_ends") or ())
        self.furniture_stop_names = frozenset(fr.extra("stop_names") or ())
        self.bracket_after_re = regex.compile(rf.extra("outlet_bracket_after") or "(?!)")
        self.joiners = tuple(rf.extra("outlet_joiners") or ("·",))
        self.prompt_words = tuple(rf.extra("outlet_prompt_words") or ())
        depts = set(rf.extra("level_departments") or ()) | {
            row["alias"] for row in rules.table("org_government") if row["alias"].endswith(("局", "委", "委员会"))}
        levels = sorted(rf.extra("level_words") or (), key=len, reverse=True)
        full = sorted(rf.extra("full_departments") or (), key=len, reverse=True)
        alt = "|".join(regex.escape(d) for d in sorted(depts, key=len, reverse=True))
        self.level_re = fast_compile(
            rf"(?<=^|[^\p{{Han}}]|[和与及同跟向对由经从在据自])(?:{'|'.join(map(regex.escape, levels))})(?:{alt})|{'|'.join(full)}")


@functools.lru_cache(maxsize=4)
def _more_config(rules: RuleSet) -> _MoreConfig:
    return _MoreConfig(rules)


_HAN_CHAR = fast_compile(r"\p{Han}")


def _is_han(ch: str) -> bool:
    return bool(ch) and _HAN_CHAR.match(ch) is not None


def _outlet_name(text: str, s: int, cfg: _MoreConfig, min_len: int = 2) -> int | None:
    """Where the outlet name before the suffix at ``s`` starts (昆明|日报 → start of 昆明); None if no name.

    Reading leftwards stops after a weak outlet suffix once a name is read (青川在线|青川新闻客户端:
    org.media.split)."""
    lo = s
    while lo > 0 and s - lo < 8 and _is_han(text[lo - 1]) and text[lo - 1] not in cfg.left_stops:
        if s - lo >= 2 and text[lo:s] not in cfg.generic and text[:lo].endswith("在线") \
                and _is_han(text[lo - 3:lo - 2]):
            fire("org.media.split")
            break
        lo -= 1
    if lo > 0 and text[lo - 1] in cfg.left_stops:
        lo = _place_across_stop(text, lo, s, lo)
    for w in cfg.prompt_words:  # 关注某某网 / 打开某某新闻: a reader's prompt, then the outlet
        if text.startswith(w, lo) and s - lo - len(w) >= min_len:
            lo += len(w)
            break
    name = text[lo:s]
    if len(name) < min_len or name in cfg.generic or any(name.endswith(g) for g in ("本", "该", "各", "多家", "各大")):
        return None
    return lo


def _place_across_stop(text: str, lo: int, s: int, default: int) -> int:
    """The start of a place name that a left stop character cuts (呼和浩特晚报: 和 is a stop), else ``default``."""
    for a in range(max(0, lo - 4), lo):
        if a > 0 and _is_han(text[a - 1]):
            continue
        for b in range(min(s, a + 7), lo, -1):
            v = _unit.place_lookup(text[a:b])
            if v is not None and not v.get("_fallback") and v.get("level") in ("province", "city", "county"):
                return a
    return default


def _alone(text: str, lo: int, e: int, prompts: tuple[str, ...] = ()) -> bool:
    """The name ``text[lo:e]`` fills its line (spaces and a reader's prompt aside): 某某网 printed alone as
    page furniture, 关注某某网."""
    a = lo
    for w in prompts:
        if text.endswith(w, 0, a):
            a -= len(w)
            break
    while a > 0 and text[a - 1] in " \u3000\t":
        a -= 1
    b = e
    while b < len(text) and text[b] in " \u3000\t":
        b += 1
    return (a == 0 or text[a - 1] == "\n") and (b == len(text) or text[b] in "\r\n")


def _source_before(text: str, lo: int, cfg: _MoreConfig) -> bool:
    """A source word right before ``lo``, spaces after its colon allowed (来源: 吉网)."""
    return text[:lo].rstrip(" \u3000\t").endswith(cfg.source_words)


def recognize_outlets(text: str, rules: RuleSet) -> list[Candidate]:
    """News outlets (org.media.outlet): ``据红河新闻客户端消息`` → 红河新闻客户端, ``云南网讯`` → 云南网.

    >>> from jnpolice_ner.ruleset import load_rules
    >>> [c.data["name"] for c in recognize_outlets("据昆明日报消息，来源：江城网", load_rules())]
    ['昆明日报', '江城网']
    """
    cfg = _more_config(rules)
    found: dict[int, tuple[int, str]] = {}  # end → (start, rule id)
    spans = [(m.start(), m.end(), 2) for m in cfg.outlet_re.finditer(text)]
    weak = []
    for m in cfg.weak_re.finditer(text):
        s, e = m.span()
        lo = _outlet_name(text, s, cfg)
        short = lo is None and _outlet_name(text, s, cfg, 1) is not None
        if short:  # 来源: 吉网: a one-character name in a source line
            lo = _outlet_name(text, s, cfg, 1)
            if not _source_before(text, lo, cfg):
                continue
            spans.append((s, e, 1))
            continue
        if lo is None:
            continue
        if (text.startswith(cfg.outlet_after, e) or text[:lo].endswith(cfg.outlet_before)
                or _source_before(text, lo, cfg) or cfg.outlet_dateline.match(text, e)
                or cfg.bracket_after_re.match(text, e) or (m.group(0) in ("网", "新闻网") and _alone(text, lo, e, cfg.prompt_words))):
            # 中新网内蒙古新闻1月21日电: the outlet is the web outlet with its provincial channel
            w = text.rfind("网", lo, s)
            if m.group(0) == "新闻" and w > lo + 1:
                v = _unit.place_lookup(text[w + 1:s])
                if v is not None and v.get("level") == "province" and not v.get("_fallback"):
                    spans.append((lo + (w + 1 - lo) - 1, w + 1, 2))
                    continue
            spans.append((s, e, 2))
        else:
            weak.append((lo, s, e))
    # 某某晚报 某某网 某某新闻讯: a weak name next to an outlet, a space between, is one too;
    # 青川在线青川新闻客户端: a weak name right before an outlet (org.media.split)
    for _ in range(2):
        ends = {e for _s, e, _m in spans}
        starts = {_outlet_name(text, s, cfg, m) for s, _e, m in spans}
        for lo, s, e in list(weak):
            if (text[lo - 1:lo] == " " and (lo - 1) in ends) or (text[e:e + 1] == " " and (e + 1) in starts) \
                    or e in starts:
                spans.append((s, e, 2))
                weak.remove((lo, s, e))
    taken: set[int] = set()
    for s, e, mn in sorted(spans, key=lambda p: (p[1], p[0])):
        lo = _outlet_name(text, s, cfg, mn)
        if lo is None or e in taken:
            continue
        taken.add(e)
        # 中新网内蒙古: a web outlet's provincial channel is part of its name (org.media.outlet)
        for k in (3, 2):
            v = _unit.place_lookup(text[e:e + k]) if text[e - 1:e] == "网" else None
            nxt = text[e + k:e + k + 1]
            if v is not None and v.get("level") == "province" and not v.get("_fallback") and (
                    nxt in ("", " ", "\u3000", "\n") or text.startswith(("新闻", "频道"), e + k)):
                e += k
                break
        found[e] = (lo, "org.media.outlet")
    # 来源: 某某公安 / 某某知事（微信ID:…）/ 新某报讯 / 打开某某新闻 查看… (org.media.furniture)
    for rx in cfg.furniture_res:
        for fm in rx.finditer(text):
            a, b = fm.span("name")
            if b not in found and not any(x <= a < y for y, (x, _r) in found.items()) and text[a:b] not in cfg.generic \
                    and not text[a:b].endswith(cfg.furniture_stop_ends) and text[a:b] not in cfg.furniture_stop_names:
                found[b] = (a, "org.media.furniture")
    # 大众新闻·鲁中晨报, 广州日报·新花城记者: the name on the other side of a middle dot (org.media.joined)
    # (also a bullet or a dash: 某某新闻•某某日报, 某某新闻网—某某晚报讯)
    for e, (lo, _rid) in list(found.items()):
        if text[lo - 1:lo] in cfg.joiners:
            a = lo - 1
            while a > 0 and lo - 1 - a < 8 and _is_han(text[a - 1]) and text[a - 1] not in cfg.left_stops:
                a -= 1
            if 2 <= lo - 1 - a and text[a:lo - 1] not in cfg.generic and (lo - 1) not in found:
                found[lo - 1] = (a, "org.media.joined")
        if text[e:e + 1] in cfg.joiners:
            b = e + 1
            while b < len(text) and b - e - 1 < 8 and _is_han(text[b]) and not text.startswith(cfg.outlet_after, b):
                b += 1
            nxt = text[b:b + 1]
            if 2 <= b - e - 1 and text[e + 1:b] not in cfg.generic and b not in found and (
                    text.startswith(cfg.outlet_after, b) or not nxt or nxt in " \u3000\n)）"):
                found[b] = (e + 1, "org.media.joined")
    # 凡注明“来源：某某信息港”… 均为某某信息港合法拥有: the same name again (org.media.repeat)
    for e, (lo, _rid) in list(found.items()):
        name = text[lo:e]
        if len(name) < 3:
            continue
        i = text.find(name)
        while i >= 0:
            j = i + len(name)
            if j not in found and not any(a <= i < b for b, (a, _r) in found.items()):
                found[j] = (i, "org.media.repeat")
            i = text.find(name, j)
    found.update(_copyright_owners(text, cfg, found))
    out: list[Candidate] = []
    for e, (lo, rid) in sorted(found.items(), key=lambda kv: kv[1][0]):
        fire(rid)
        name = text[lo:e].replace(" ", "").replace("\u3000", "")
        out.append(Candidate(LABEL, lo, e, rid, score=0.75 if rid == "org.media.outlet" else 0.7,
                             data={"name": name, "kind": "company", "place": None, "literal": True}))
    return out


_COPYRIGHT_ITEM = fast_compile(r"(?:[\p{Han}A-Za-z0-9]{2,14}|(?:\p{Han}[ \u3000]){1,9}\p{Han})$")


def _copyright_owners(text: str, cfg: _MoreConfig, found: dict[int, tuple[int, str]]) -> dict[int, tuple[int, str]]:
    """Owners named before 版权所有 on its line (org.media.copyright): ``某某日报社 版权所有``,
    letter-spaced ``吉 林 日 报 社 版 权 所 有``, a list ``某某科技、某某网 版权所有``."""
    out: dict[int, tuple[int, str]] = {}
    for m in cfg.copyright_re.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        end = m.start()
        while end > line_start and text[end - 1] in " \u3000":
            end -= 1
        items = []
        while end > line_start:
            im = _COPYRIGHT_ITEM.search(text, line_start, end)
            if not im:
                break
            a = im.start()
            # a spaced item must start the line or follow a space after non-Han text; a plain one
            # must not be cut out of a longer Han run
            if a > line_start and text[a - 1] not in " \u3000、©":
                break
            items.append((a, end))
            if text[a - 1:a] != "、":
                break
            end = a - 1
        for a, b in items:
            name = text[a:b].replace(" ", "").replace("\u3000", "")
            if name in cfg.generic or name.startswith(("本", "该")) or b in found:
                continue
            out[b] = (a, "org.media.copyright")
    return out


def recognize_level_departments(text: str, rules: RuleSet) -> list[Candidate]:
    """Departments named with a level word or by full name (org.government.level): 县教育局, 市场监管局.

    >>> from jnpolice_ner.ruleset import load_rules
    >>> [c.data["name"] for c in recognize_level_departments("县教育局和街道纪工委", load_rules())]
    ['县教育局', '街道纪工委']
    """
    out = []
    for m in _more_config(rules).level_re.finditer(text):
        fire("org.government.level")
        out.append(Candidate(LABEL, m.start(), m.end(), "org.government.level", score=0.8,
                             data={"name": m.group(0), "kind": "government", "place": None, "literal": True}))
    return out
