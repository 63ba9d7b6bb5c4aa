"""PLACE: administrative place names, as contiguous chains, resolved to 民政部 division codes.

Surface forms handled: full names (``济宁市``, ``金乡县``, ``鸡黍镇``), chains (``广东省潮州市饶平县``,
``广东省潮州`` → the city), short forms (``金乡``, ``汕头``, ``内蒙古``), former divisions
(``市中`` → 370811), development zones (``嘉祥经济开发区``), countries (``柬埔寨``) and the
one-character abbreviation after 押解回 (``押解回青``). Facilities after a place are left out
(``微山县汽车站`` → ``微山县``).

The names come from ``rules/lexicons/admin_divisions.tsv`` (built by
``scripts/build_admin_divisions.py``), ``place_extra.tsv`` and ``place_world.tsv``; the rules,
cue words and blockers from ``rules/place.yaml``. Recognition is one dictionary scan keyed on
character bigrams; resolution picks among same-named divisions by the article's context (the
dateline, places named before) and the paper's home area (济宁, then 山东).

>>> lookup("金乡")
{'name': '山东省济宁市金乡县', 'adcode': '370828', 'level': 'county'}
>>> lookup("广东省潮州")["adcode"], lookup("市中")["adcode"], lookup("鸡黍镇")["level"]
('445100', '370811', 'town')
>>> county_of(lookup("鸡黍镇")), city_of(lookup("金乡"))
('金乡县', '济宁市')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import regex

from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, fast_compile, load_rules
from ..trace import fire

LABEL = "PLACE"
ORDER = 10

#: the suffix of an autonomous division (大通回族土族自治县 → 县)
_AUTONOMOUS = fast_compile(r"(?:[\p{Han}]{1,8}?族)+自治(县|旗|州)")

_LEVEL_RANK = {"country": 5, "province": 4, "city": 3, "county": 2, "town": 1, "other": 0, "zone": 0}


@dataclass(slots=True)
class _Entry:
    id: str
    code: str
    name: str
    level: str  # province city county town zone country foreign
    parent: str  # id of the containing entry, "" at the top
    adcode: str | None  # code in the PLACE value
    value_level: str
    former: bool = False
    path: tuple[str, ...] = ()


class _Index:
    """Every surface form → entries, built once per RuleSet."""

    def __init__(self, rules: RuleSet):
        cfg = rules["place"]
        self.cfg = cfg
        #: (text, {(position, soft_ok): (chain, rule ids fired)}) of the text ``_chain`` read last
        self.chain_memo: tuple[str, dict[tuple[int, bool], Any]] | None = None
        self.entries: dict[str, _Entry] = {}
        self.surf: dict[str, list[tuple[str, str]]] = {}
        rows = rules.table("admin_divisions")
        extra = rules.table("place_extra")
        replaced = {(r["name"], r["parent"]) for r in extra}
        for r in rows:
            if (r["name"], r["parent"]) in replaced and r["current"]:
                continue
            self._add_row(r)
        for r in extra:
            self._add_row(r, extra=True)
        # a hand-made row wins over generated former rows of the same name in its province
        for r in extra:
            prov = (r["code"] or r["parent"])[:2]
            hits = self.surf.get(r["name"], [])
            self.surf[r["name"]] = [h for h in hits if not (
                self.entries[h[0]].former and h[0][:2] == prov and h[0] != (r["code"] or f"{r['parent']}:{r['name']}"))]
        for e in self.entries.values():
            e.path = self._path(e)
        for r in rules.table("place_world"):
            eid = "w:" + r["name"]
            if eid in self.entries:
                continue
            level = "country" if r["level"] == "country" else "city"
            self.entries[eid] = _Entry(eid, "", r["name"], "foreign", "", None, level)
            self.entries[eid].path = (eid,)
            self._surface(r["name"], eid, "country")
            if r["official"] and r["official"] != r["name"] + "国":  # 日本国内 ≠ 日本国
                self._surface(r["official"], eid, "country")
        cn = _Entry("w:中国", "", "中国", "foreign", "", None, "country", path=("w:中国",))
        self.entries[cn.id] = cn
        self._surface("中国", cn.id, "country")
        self._surface("中华人民共和国", cn.id, "country")

        for short in cfg.extra("never_short", []):
            kept = [h for h in self.surf.get(short, []) if h[1] not in ("short", "town_short")]
            if kept:
                self.surf[short] = kept
            else:
                self.surf.pop(short, None)
        self.inside_rule = cfg.rule("place.block.inside_word")
        self.date_re = cfg.rule("place.block.date").compiled
        self.town_word_re = cfg.rule("place.block.town_word").compiled
        self.village_re = cfg.rule("place.village.after_chain").compiled
        self.village_stop = tuple(cfg.extra("village_stop", []))
        self.lone_villages = [cfg.rule("place.village.cue"), cfg.rule("place.village.listed")]
        self.need_cue_explicit = set(cfg.extra("need_cue", []))
        self.common = set(rules.lexicon("place_short_common"))
        self.need_parent = set(cfg.extra("need_parent", []))
        self.generic = set(cfg.extra("generic", []))
        self.surnames = set(cfg.extra("surname_chars", ""))
        self.boundary = set(rules.lexicon("place_boundary_words"))
        self.info: dict[tuple, tuple] = {}
        self.prefer: list[str] = [str(c) for c in cfg.extra("prefer", [])]
        self.province_only = {str(k): str(v) for k, v in (cfg.extra("province_only_codes") or {}).items()}
        self.zone_suffixes = tuple(sorted(cfg.extra("zone_suffixes", []), key=len, reverse=True))
        cues = sorted(cfg.extra("cues_after", []), key=len, reverse=True)
        self.cue_re = fast_compile("(?:" + "|".join(regex.escape(c) for c in cues) + ")")
        tcues = sorted(cfg.extra("town_cues_after", []), key=len, reverse=True)
        self.town_cue_re = fast_compile("(?:" + "|".join(regex.escape(c) for c in tcues) + ")")
        self.after_re = cfg.rule("place.block.after").compiled
        self.trim_re = cfg.rule("place.trim.shi_min").compiled
        self.abbrev_rules = [r for r in cfg.rules if r.id.startswith("place.abbrev.")]
        self.abbrevs: dict[str, list[str]] = {k: [str(c) for c in v] for k, v in (cfg.extra("abbreviations") or {}).items()}
        self.by_code: dict[str, str] = {}
        for e in self.entries.values():
            if e.code and not e.former and e.level in ("province", "city", "county"):
                self.by_code.setdefault(e.code, e.id)
        # bigram → candidate lengths (longest first); generic words are marked with 0
        first: dict[str, set[int]] = {}
        for s in self.surf:
            if len(s) >= 2:
                first.setdefault(s[:2], set()).add(len(s))
        self.first2: dict[str, tuple[int, ...]] = {k: tuple(sorted(v, reverse=True)) for k, v in first.items()}
        for g in self.generic:
            if len(g) == 2:
                self.first2[g] = (0,)
        self.bigram_keys = np.array(sorted(_bigram_key(k) for k in self.first2), dtype=np.int64)

    def hit_positions(self, text: str) -> list[int]:
        """Positions whose bigram starts a known name (or a generic word): a vectorized prefilter."""
        if len(text) < 2:
            return []
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        keys = (cps[:-1] << 21) | cps[1:]
        pos = np.searchsorted(self.bigram_keys, keys)
        pos[pos >= len(self.bigram_keys)] = 0
        return np.nonzero(self.bigram_keys[pos] == keys)[0].tolist()

    # -- building ------------------------------------------------------------------------------
    def _add_row(self, r: dict[str, str], extra: bool = False) -> None:
        code, name, level, parent = r["code"], r["name"], r["level"], r["parent"]
        current = r.get("current", "")
        former = bool(current) and (bool(code) or extra) and current != code
        eid = code if code else f"{parent}:{name}"
        if eid in self.entries and not extra:
            return
        if former:
            adcode = current
            value_level = r.get("value_level") or self._former_level(r)
        elif level in ("town", "zone"):
            adcode = None  # filled from the parent chain below
            value_level = "town" if level == "town" else "other"
        else:
            adcode = code
            value_level = level
        e = _Entry(eid, code, name, level, parent, adcode, value_level, former)
        self.entries[eid] = e
        if level == "town" and len(name) < 3:
            return
        rid = "former" if former else ("zone" if level == "zone" else "full")
        self._surface(name, eid, rid)
        # 大通县, 湘西州, 阿拉善右旗: an autonomous division written with its short form and the
        # plain suffix (place.name.autonomous_short)
        if not former and level in ("city", "county") and name.endswith(("自治县", "自治旗", "自治州")):
            for s in (r.get("short") or "").split("|"):
                m = _AUTONOMOUS.fullmatch(name, len(s)) if len(s) >= 2 and name.startswith(s) else None
                if m:
                    self._surface(s + m.group(1), eid, "autonomous")
        for s in (r.get("short") or "").split("|"):
            if len(s) >= 2 and s != name:
                if former and not extra:
                    continue  # generated former rows: full names only
                self._surface(s, eid, "town_short" if level == "town" else "short")

    def _former_level(self, r: dict[str, str]) -> str:
        succ = self.entries.get(r["current"])
        if succ and succ.level == r["level"] and r["short"] and succ.name.startswith(r["short"]):
            return r["level"]
        return "other"

    def _surface(self, s: str, eid: str, form: str) -> None:
        self.surf.setdefault(s, []).append((eid, form))

    def _path(self, e: _Entry) -> tuple[str, ...]:
        out = [e.id]
        seen = {e.id}
        cur = e
        while cur.parent and cur.parent in self.entries and cur.parent not in seen:
            cur = self.entries[cur.parent]
            seen.add(cur.id)
            out.append(cur.id)
        if e.adcode is None and e.level in ("town", "zone"):
            for pid in out[1:]:
                p = self.entries[pid]
                if p.level in ("province", "city", "county") and p.adcode:
                    e.adcode = p.adcode
                    break
        if e.level == "zone" and e.code and len(out) > 1:
            e.adcode = self.entries[out[1]].adcode
        return tuple(reversed(out))

    # -- queries ---------------------------------------------------------------------------------
    def value(self, eid: str, zone_suffix: str = "") -> dict[str, Any]:
        e = self.entries[eid]
        names: list[str] = []
        for pid in e.path:
            n = self.entries[pid].name
            if not names or names[-1] != n:
                names.append(n)
        name = "".join(names) + zone_suffix
        level = "other" if zone_suffix else e.value_level
        adcode = e.adcode
        if names and names[0] in self.province_only:  # 台北市士林区 → 710000 (GB/T 2260 codes the province only)
            adcode = self.province_only[names[0]]
        return {"name": name, "adcode": adcode, "level": level}

    def is_descendant(self, child: str, parents: set[str]) -> bool:
        p = self.entries[child].path
        return any(pid in parents for pid in p[:-1])

    def in_prefer(self, eid: str) -> bool:
        a = self.entries[eid].adcode or ""
        return bool(self.prefer) and bool(a) and a[:4] == self.prefer[0][:4]


    def needs_cue(self, s: str, ids: list[str]) -> bool:
        if s in self.need_cue_explicit:
            return True
        if s in self.common:  # the generated list: county/town/foreign names only
            return not any(self.in_prefer(i) or self.entries[i].level in ("province", "city") for i in ids)
        return False

    def pick(self, ids: list[str], context: list[str]) -> tuple[str, float]:
        """The entry that best fits the context adcodes (then the home area, the level)."""
        best, best_score = ids[0], -1.0
        for eid in ids:
            e = self.entries[eid]
            a = e.adcode or ""
            sc = 0.0
            if a:
                for c in context:
                    if not c:
                        continue
                    if a == c and not c.endswith("00"):
                        sc = max(sc, 4.0)
                    elif a[:4] == c[:4] and not c.endswith("0000"):
                        sc = max(sc, 3.0)
                    elif a[:2] == c[:2]:
                        sc = max(sc, 2.0)
                for k, c in enumerate(self.prefer):
                    if (c.endswith("0000") and a[:2] == c[:2]) or (not c.endswith("0000") and a[:4] == c[:4]):
                        sc = max(sc, 1.5 - 0.5 * k)
            sc += 0.1 * _LEVEL_RANK.get(e.value_level, 0) + (0.0 if e.former else 0.05)
            if sc > best_score:
                best, best_score = eid, sc
        return best, best_score


def _bigram_key(k: str) -> int:
    return (ord(k[0]) << 21) | ord(k[1])


def _index(rules: RuleSet) -> _Index:
    """The name index of ``rules``, built on first use and kept on the RuleSet."""
    idx = getattr(rules, "_place_index", None)
    if idx is None:
        idx = _Index(rules)
        rules._place_index = idx  # type: ignore[attr-defined]
    return idx


# -- recognition ---------------------------------------------------------------------------------

def _matches(idx: _Index, text: str, i: int) -> list[tuple[int, str]]:
    lens = idx.first2.get(text[i:i + 2])
    if not lens or lens[0] == 0:
        return []
    out = []
    for n in lens:
        s = text[i:i + n]
        if len(s) == n and s in idx.surf:
            out.append((i + n, s))
    return out


_FULL_FORMS = frozenset(("full", "former", "zone", "autonomous"))


def _info(idx: _Index, s: str, hits: list[tuple[str, str]]) -> tuple:
    """(full hits, needs a cue, town-only, surname check applies, is country) for ``hits`` of ``s``."""
    key = (s, len(hits), hits[0][0])
    got = idx.info.get(key)
    if got is None:
        forms = {f for _, f in hits}
        ids = [h for h, _ in hits]
        full = [h for h in hits if h[1] in _FULL_FORMS]
        if forms == {"town_short"}:
            cue = "town"
        elif idx.needs_cue(s, ids):
            cue = "general"  # an ordinary word (和平, 东方)
        elif all(idx.entries[h].level == "county" and idx.entries[h].name.endswith("区")
                 and not idx.in_prefer(h) for h, f in hits if f != "town_short"):
            cue = "district"  # a city district written short (解放, 天涯): fine after its city
        else:
            cue = ""
        surname = "country" not in forms and not any(idx.in_prefer(h) for h in ids) and not any(
            idx.entries[h].level in ("province", "city") for h in ids)
        # the right edge matters for county and town short forms outside the home area
        right = not any(idx.in_prefer(h) or idx.entries[h].level in ("province", "city", "foreign")
                        for h in ids)
        got = (full, cue, surname, right)
        idx.info[key] = got
    return got


_INNER_NEXT = frozenset("和与及的人籍等")


def _inner_ok(idx: _Index, text: str, end: int) -> bool:
    """A short form inside a chain (陕西安康, 宜兴丁蜀) ends there: at a non-Han character, a
    connector (和, 与, 的, 人…), a cue word or a village."""
    nxt = text[end:end + 1]
    if not nxt or not ("\u4e00" <= nxt <= "\u9fff") or nxt in _INNER_NEXT:
        return True
    tail = text[end:end + 6]
    return bool(idx.cue_re.match(tail) or idx.town_cue_re.match(tail) or idx.village_re.match(tail))


def _continues(idx: _Index, text: str, end: int, hits: list[tuple[str, str]]) -> bool:
    """A division of ``hits`` goes on at ``end`` (锡山|羊尖: 山羊 is a word, but 羊尖 is a town of 锡山)."""
    cur = {h for h, _ in hits}
    return any(idx.is_descendant(h, cur) for _, s2 in _matches(idx, text, end) for h, _ in idx.surf[s2])


def _segment_ok(idx: _Index, text: str, i: int, end: int, s: str, hits: list[tuple[str, str]],
                first: bool, relaxed: bool, fired: list[str],
                soft: list[str] | None = None) -> list[tuple[str, str]]:
    """Filter the hits of surface ``s`` at [i, end) by the blockers; [] when none is left.

    With ``soft`` (a list), a first segment lacking only its cue passes and the cue kind it
    lacked is appended: the article must then name the same division elsewhere (resolve)."""
    if relaxed:
        return hits
    if first and i > 0 and idx.date_re.search(text, max(0, i - 1), i + 1):
        fired.append("place.block.date")
        return []
    full, cue, surname, right = _info(idx, s, hits)
    if full:
        if first and s in idx.need_parent:
            fired.append("place.block.need_parent")
            return []
        if idx.town_word_re.match(text[end - 1:end + 1]):
            fired.append("place.block.town_word")
            return []
        nxt = text[end:end + 1]
        if len(s) == 2 and first and ((i > 0 and text[i - 1:i + 1] in idx.boundary) or (nxt and nxt in "长委")):
            fired.append("place.block.before")  # 示范县 ≠ 范县, 代县长 ≠ 代县
            return []
        return full
    tail = text[end:end + 6]
    if idx.after_re.match(tail):
        fired.append("place.block.after")
        return []
    if cue and (first or cue != "district"):
        if (idx.town_cue_re if cue == "town" else idx.cue_re).match(tail):
            fired.append("place.cue.after")
        elif text.startswith(idx.zone_suffixes, end):
            fired.append("place.zone.suffix")  # the zone is named after it: 新滩经济开发区
        elif not first and (_inner_ok(idx, text, end) or _continues(idx, text, end, hits)):
            # its parent in the chain is the context; a child of its own may follow (陕西安康石泉县)
            fired.append("place.chain.inner_short")
        elif first and soft is not None:
            soft.append(cue)
        else:
            fired.append("place.block.need_cue")
            return []
    if right and end < len(text) and text[end - 1:end + 1] in idx.boundary and not _continues(idx, text, end, hits):
        fired.append("place.block.before")
        return []
    if first and i > 0:
        if text[i - 1:i + 1] in idx.boundary and not (
                (not cue and idx.cue_re.match(tail)) or _continues(idx, text, end, hits)):
            # 向上海宝山警方, 其中印度籍: a cue word or a child division after the name outweighs
            # the word its first character could end (place.block.before)
            fired.append("place.block.before")
            return []
        if surname and text[i - 1] in idx.surnames:
            fired.append("place.block.before")
            return []
    return hits


def _chain(idx: _Index, text: str, i: int, relaxed: bool = False,
           soft_ok: bool = False) -> tuple[int, dict[str, Any]] | None:
    """The longest acceptable chain starting at ``i``: (end, data) or None.

    ``soft_ok``: a first segment lacking only its cue is accepted, marked ``data["soft"]``.
    The chains of the text read last are remembered: recognition, the soft and listed chains and
    the article context (``_article_context``: the same text object for a one-article text) ask
    for the same positions; each caller gets its own copy of ``data``."""
    if relaxed:  # names looked up one by one (resolve): nothing to share
        fired: list[str] = []
        res = _chain_at(idx, text, i, True, soft_ok, fired)
        for rid in fired:
            fire(rid)
        return res
    memo = idx.chain_memo
    if memo is None or memo[0] is not text:
        memo = idx.chain_memo = (text, {})
    key = (i, soft_ok)
    got = memo[1].get(key)
    if got is None:
        fired = []
        got = memo[1][key] = (_chain_at(idx, text, i, False, soft_ok, fired), fired)
    res, fired = got
    for rid in fired:
        fire(rid)
    if res is None:
        return None
    end, data = res
    return end, {**data, "segs": list(data["segs"]), "ids": list(data["ids"]), "forms": list(data["forms"])}


def _chain_at(idx: _Index, text: str, i: int, relaxed: bool, soft_ok: bool,
              fired: list[str]) -> tuple[int, dict[str, Any]] | None:
    """``_chain`` computed (the rule ids it fires are appended to ``fired``)."""
    best: tuple[int, dict[str, Any]] | None = None
    for end, s in _matches(idx, text, i):
        soft: list[str] | None = [] if soft_ok else None
        hits = _segment_ok(idx, text, i, end, s, idx.surf[s], True, relaxed, fired, soft)
        if not hits:
            continue
        segs = [(i, end, s, hits)]
        cur = {h for h, _ in hits}
        j = end
        sibling = False
        while True:
            ext = None
            for end2, s2 in _matches(idx, text, j):
                desc = [h for h in idx.surf[s2] if idx.is_descendant(h[0], cur)]
                if desc:
                    desc = _segment_ok(idx, text, j, end2, s2, desc, False, relaxed, fired)
                if desc:
                    ext = (end2, s2, desc)
                    break
            if ext is None and not sibling:
                cities = [h for h in cur if idx.entries[h].level == "city"]
                for end2, s2 in _matches(idx, text, j):
                    sib = [h for h in idx.surf[s2] if idx.entries[h[0]].level == "city"
                           and h[0] not in cur and any(idx.entries[h[0]].parent == idx.entries[c].parent
                                                       for c in cities)]
                    if sib:
                        sib = _segment_ok(idx, text, j, end2, s2, sib, True, relaxed, fired)
                    if sib:
                        ext = (end2, s2, sib)
                        sibling = True
                        break
            if ext is None:
                break
            segs.append((j, ext[0], ext[1], ext[2]))
            cur = {h for h, _ in ext[2]}
            j = ext[0]
        if best is None or j > best[0]:
            best = (j, {"segs": segs, "sibling": sibling})
            if soft:
                best[1]["soft"] = soft[0]
    if best is None:
        return None
    j, data = best
    last = data["segs"][-1]
    ids = [h for h, _ in last[3]]
    forms = {f for _, f in last[3]}
    data["ids"] = ids
    data["forms"] = sorted(forms)
    # 济宁市民 → 济宁: the 市 belongs to 市民 / 市场
    s_last = last[2]
    if (not relaxed and s_last.endswith("市") and idx.trim_re.match(text[j:j + 1])
            and s_last[:-1] in idx.surf):
        short_hits = [h for h in idx.surf[s_last[:-1]] if h[0] in ids]
        if short_hits:
            fired.append("place.trim.shi_min")
            j -= 1
    # a village after a town or county: 鸡黍镇王庄村
    if not relaxed or j < len(text):
        last_levels = {idx.entries[h].level for h in data["ids"]}
        if last_levels & {"town", "county"}:
            tail = text[j:j + 8]
            m = idx.village_re.match(tail)
            if m and not tail.startswith(idx.village_stop):
                data["village"] = m.group(0)
                return j + m.end(), data
    # development zone after the chain
    zone = ""
    if not relaxed or j < len(text):
        for suf in idx.zone_suffixes:
            if text.startswith(suf, j):
                zone = suf
                break
    if zone:
        data["zone"] = zone
        j += len(zone)
    return j, data


def _rule_for(data: dict[str, Any]) -> str:
    if data.get("village"):
        return "place.village.after_chain"
    if data.get("zone"):
        return "place.zone.suffix"
    if data.get("sibling"):
        return "place.chain.sibling"
    if len(data["segs"]) > 1:
        return "place.chain"
    forms = set(data["forms"])
    if "country" in forms:
        return "place.name.country"
    if forms <= {"former"}:
        return "place.name.former"
    if forms == {"autonomous"}:
        return "place.name.autonomous_short"
    if forms & {"full", "zone", "former", "autonomous"}:
        return "place.name.full"
    if forms == {"town_short"}:
        return "place.name.town_short"
    return "place.name.short"


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """PLACE candidates: chains of division names, countries, 押解回X abbreviations.

    >>> [(c.start, c.end, c.rule_id) for c in recognize("赴广东省潮州、汕头等地", load_rules())]
    [(1, 6, 'place.chain'), (7, 9, 'place.name.short')]
    """
    if not text:
        return []
    idx = _index(rules)
    cfg = idx.cfg
    out: list[Candidate] = []
    first2 = idx.first2
    inside = [(m.start(), m.end()) for m in idx.inside_rule.compiled.finditer(text)] if len(text) > 3 else []
    k = 0
    end = 0
    blocked: list[int] = []
    for i in idx.hit_positions(text):
        if i < end:
            continue
        if inside:
            while k < len(inside) and inside[k][1] <= i:
                k += 1
            if k < len(inside) and inside[k][0] <= i:
                fire(idx.inside_rule.id)
                end = inside[k][1]
                continue
        if first2[text[i:i + 2]][0] == 0:
            fire("place.block.generic")
            end = i + 2
            continue
        got = _chain(idx, text, i)
        if got is None:
            blocked.append(i)
            continue
        end, data = got
        rid = _rule_for(data)
        fire(rid)
        out.append(Candidate(LABEL, i, end, rid, score=cfg.rule(rid).score, data=data))
    if blocked and out:
        out.extend(_soft_candidates(idx, text, blocked, out))
        out.extend(_listed_candidates(idx, text, blocked, out))
    for rule in idx.abbrev_rules:
        for m in rule.compiled.finditer(text):
            if rule.id == "place.abbrev.home":
                if m.group("abbr") not in idx.abbrevs:  # resolved against the article's places (resolve)
                    out.append(Candidate(LABEL, m.start("abbr"), m.end("abbr"), rule.id, score=rule.score,
                                         data={"home_abbrev": m.group("abbr")}))
                continue
            codes = idx.abbrevs.get(m.group("abbr"), [])
            ids = [idx.by_code[c] for c in codes if c in idx.by_code]
            if ids:
                fire(rule.id)
                out.append(Candidate(LABEL, m.start("abbr"), m.end("abbr"), rule.id, score=rule.score,
                                     data={"ids": ids, "forms": ["abbrev"], "segs": []}))
    if "村" in text:
        # a village named alone (在孙楼村): no chain to resolve it, so adcode null
        for vr in idx.lone_villages:
            for m in vr.compiled.finditer(text):
                fire(vr.id)
                out.append(Candidate(LABEL, m.start("v"), m.end("v"), vr.id, score=vr.score,
                                     data={"lone_village": m.group("v")}))
    return out


def _chain_ids(idx: _Index, data: dict[str, Any]) -> set[str]:
    """Every division a chain names (all its segments)."""
    return {h for seg in data["segs"] for h, _ in seg[3]}


def _supported(idx: _Index, data: dict[str, Any], named: set[str]) -> list[str]:
    """The first-segment divisions of a soft chain that ``named`` supports: the same division, or
    for a city district written short (锡山), its city."""
    out = []
    for h, _ in data["segs"][0][3]:
        if h in named or (data.get("soft") == "district" and idx.entries[h].parent in named):
            out.append(h)
    return out


@functools.lru_cache(maxsize=4)
def _child_starts(idx: _Index) -> dict[str, frozenset[str]]:
    """Division id → the first two characters of its children's names (built once per index)."""
    kids: dict[str, set[str]] = {}
    for e in idx.entries.values():
        if e.parent:
            kids.setdefault(e.parent, set()).add(e.name[:2])
    return {k: frozenset(v) for k, v in kids.items()}


def _soft_candidates(idx: _Index, text: str, blocked: list[int], found: list[Candidate]) -> list[Candidate]:
    """Short forms that lacked only a cue (安康, 北海, 焦村, a district 锡山) where the text also names
    the same division with its suffix or a cue (安康市, 北海市, 焦村镇, 无锡市): candidates that
    resolve keeps only when the article itself names it (``place.name.article``)."""
    named: set[str] = set()
    spans = []
    for c in found:
        if c.data and c.data.get("segs"):
            named |= _chain_ids(idx, c.data)
            spans.append((c.start, c.end))
    if not named:
        return []
    rule = idx.cfg.rule("place.name.article")
    # a soft chain is supported only by a named division or its parent: its name starts like one of these
    kids = _child_starts(idx)
    starts = {idx.entries[h].name[:2] for h in named}.union(*(kids.get(h, ()) for h in named))
    out: list[Candidate] = []
    end = 0
    for i in blocked:
        if i < end or text[i:i + 2] not in starts or any(a <= i < b for a, b in spans):
            continue
        got = _chain(idx, text, i, soft_ok=True)
        if got is None or not got[1].get("soft") or not _supported(idx, got[1], named):
            continue
        end, data = got
        out.append(Candidate(LABEL, i, end, rule.id, score=rule.score, data=data))
    return out


#: separators of a list of places (定远、凤阳、来安等地)
_LIST_SEP = "、"


def _listed_candidates(idx: _Index, text: str, blocked: list[int], found: list[Candidate]) -> list[Candidate]:
    """Short forms that lacked only a cue but stand in a 、-list next to a place of the same province
    (以及定远、凤阳、来安、明光等地): a conjunct of a list of places is a place (``place.chain.listed``)."""
    rule = idx.cfg.rule("place.chain.listed")
    by_end = {c.end: c for c in found if c.data and c.data.get("ids")}
    by_start = {c.start: c for c in found if c.data and c.data.get("ids")}
    taken = [(c.start, c.end) for c in found]
    out: list[Candidate] = []
    # a list is read until nothing changes: 武清、西青、宁河、宝坻区 takes 宁河 from 宝坻区, then
    # 西青 from 宁河, then 武清 from 西青
    # only a position next to a list mark can be a conjunct; each position is chained once
    pending = [i for i in blocked if _LIST_SEP in text[max(0, i - 1):i + 12]]
    chains: dict[int, Any] = {}
    changed = True
    while changed and pending:
        changed = False
        left = []
        for i in pending:
            if i not in chains:
                chains[i] = _chain(idx, text, i, soft_ok=True)
            c = _listed_one(idx, text, i, rule, by_end, by_start, taken, chains[i])
            if c is None:
                left.append(i)
                continue
            out.append(c)
            changed = True
        pending = left
    return out


def _listed_one(idx: _Index, text: str, i: int, rule: Any, by_end: dict[int, Candidate],
                by_start: dict[int, Candidate], taken: list[tuple[int, int]], got: Any) -> Candidate | None:
    """The ``place.chain.listed`` candidate at ``i`` (``got``: its soft chain), or None (yet)."""
    if any(a <= i < b for a, b in taken):
        return None
    if got is None or not got[1].get("soft"):
        return None
    end, data = got
    if text[i - 1:i] != _LIST_SEP and text[end:end + 1] != _LIST_SEP:
        return None
    neighbours = []
    if text[i - 1:i] == _LIST_SEP and i - 1 in by_end:
        neighbours.append(by_end[i - 1])
    if text[end:end + 1] == _LIST_SEP and end + 1 in by_start:
        neighbours.append(by_start[end + 1])
    provs = {(idx.entries[h].adcode or "")[:2] for c in neighbours for h in c.data["ids"]} - {""}
    keep = [h for h in data["segs"][0][3] if (idx.entries[h[0]].adcode or "")[:2] in provs]
    if not keep:
        return None
    data["segs"][0] = (*data["segs"][0][:3], keep)
    if len(data["segs"]) == 1:
        data["ids"] = [h for h, _ in keep]
    data.pop("soft", None)
    fire(rule.id)
    c = Candidate(LABEL, i, end, rule.id, score=rule.score, data=data)
    by_end[end] = c
    by_start[i] = c
    taken.append((i, end))
    return c


def _article_named(idx: _Index, ctx: Context) -> set[str]:
    """Every division a chain of the article names without help (also inside UNIT/ORG names)."""
    cached = getattr(ctx, "_place_article_named", None)
    if cached is not None:
        return cached
    named: set[str] = set()
    text = ctx.text[ctx.start:ctx.end or len(ctx.text)]
    end = 0
    for i in idx.hit_positions(text):
        if i < end or idx.first2[text[i:i + 2]][0] == 0:
            continue
        got = _chain(idx, text, i)
        if got is None:
            continue
        end, data = got
        named |= _chain_ids(idx, data)
    try:
        ctx._place_article_named = named  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover
        pass
    return named


# -- resolution ----------------------------------------------------------------------------------

def _article_context(idx: _Index, ctx: Context) -> list[tuple[int, int, str]]:
    """(start, end, adcode) of unambiguous places anywhere in the article (also inside UNIT/ORG names)."""
    cached = getattr(ctx, "_place_article_codes", None)
    if cached is not None:
        return cached
    found: list[tuple[int, int, str]] = []
    base = ctx.start
    text = ctx.text[base:ctx.end or len(ctx.text)]
    end = 0
    for i in idx.hit_positions(text):
        if i < end or len(found) >= 50:
            continue
        if idx.first2[text[i:i + 2]][0] == 0:
            continue
        got = _chain(idx, text, i)
        if got is None:
            continue
        end, data = got
        ids = [h for h in data["ids"] if idx.entries[h].adcode]
        if len(ids) == 1:
            found.append((base + i, base + end, idx.entries[ids[0]].adcode or ""))
    try:
        ctx._place_article_codes = found  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover
        pass
    return found


def _context_codes(idx: _Index, ctx: Context, cand: Candidate | None = None) -> list[str]:
    codes: list[str] = []
    if ctx.dateline and ctx.dateline.get("adcode"):
        codes.append(ctx.dateline["adcode"])
    # the most recent distinct places, kept incrementally (long pages stay linear)
    recent: list[str] = getattr(ctx, "_place_recent", [])
    done: int = getattr(ctx, "_place_recent_n", 0)
    for p in ctx.places[done:]:
        a = (p or {}).get("adcode")
        if a:
            if a in recent:
                recent.remove(a)
            recent.insert(0, a)
            del recent[12:]
    try:
        ctx._place_recent, ctx._place_recent_n = recent, len(ctx.places)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover
        pass
    codes.extend(recent)
    if not codes:
        codes.extend(c for s, e, c in _article_context(idx, ctx)
                     if cand is None or e <= cand.start or s >= cand.end)
    return codes


_DIVISION_CUT = fast_compile(r"(?<=省|自治区|市|自治州|州|盟|地区|县|区|旗)")


def resolve(cand: Candidate, ctx: Context) -> bool:
    """Fill the PLACE value; drop a town short form that no place of the article supports."""
    idx = _index(ctx.rules)
    data = cand.data or {}
    if data.get("lone_village"):
        # a village the article placed before in a chain (鸡黍镇王庄村 … 王庄村) keeps that chain
        v = data["lone_village"]
        before = next((p for p in reversed(ctx.places) if p.get("level") == "other"
                       and (p.get("name") or "").endswith(v) and len(p["name"]) > len(v)), None)
        if before is not None:
            fire("place.village.again")
            cand.value = dict(before)
            ctx.places.append(cand.value)
            return True
        cand.value = {"name": v, "adcode": None, "level": "other"}
        ctx.places.append(cand.value)
        return True
    if data.get("home_abbrev"):
        # 押解回唐: the latest county or city of the article whose own name starts with the character
        for value in reversed(ctx.places):
            parts = [p for p in _DIVISION_CUT.split(value.get("name") or "") if p]
            for k in range(len(parts) - 1, 0, -1):  # the deepest county or city of the chain first
                if parts[k].startswith(data["home_abbrev"]) and parts[k].endswith(("县", "区", "市", "旗")):
                    home = _lookup(idx, "".join(parts[:k + 1]), ())
                    if home and home.get("level") in ("county", "city"):
                        fire("place.abbrev.home")
                        cand.value = home
                        ctx.places.append(home)
                        return True
        return False
    if "ids" not in data:  # a dateline or other candidate carrying only a name
        name = data.get("name") or ctx.text[cand.start:cand.end]
        ctxc = _context_codes(idx, ctx, cand)
        value = _lookup(idx, name, tuple(ctxc[:8])) or cand.value
        if not value:
            return False
        fire("place.dateline")
        cand.value = value
        ctx.places.append(value)
        return True
    if data.get("soft"):
        # 北海一男子 with 北海市 elsewhere in the article; a district (锡山) with its city (无锡市)
        ok = _supported(idx, data, _article_named(idx, ctx))
        if not ok:
            return False
        if len(data["segs"]) == 1:
            data["ids"] = ok
        fire("place.name.article")
    ids = data["ids"]
    context = _context_codes(idx, ctx, cand)
    if data.get("forms") == ["abbrev"]:
        # 押解…回济: the home the escort returns to is the article's place, named before or after
        context = context + [c for _, _, c in _article_context(idx, ctx)]
    eid, score = idx.pick(ids, context)
    if data.get("forms") == ["short", "town_short"] or (
            "town_short" in data.get("forms", ()) and len(data["forms"]) > 1):
        # 北京 is the municipality unless a same-named town sits in the article's own county
        others = [h for h in ids if idx.entries[h].level != "town"]
        if others and idx.entries[eid].level == "town" and score < 4.0:
            eid, score = idx.pick(others, context)
    if (data.get("forms") == ["town_short"] and len(data.get("segs", ())) == 1 and score < 3.0
            and not idx.in_prefer(eid)):
        fire("place.block.no_context")
        return False
    cand.value = idx.value(eid, data.get("zone", "") or data.get("village", ""))
    ctx.places.append(cand.value)
    return True


# -- helpers for other modules -------------------------------------------------------------------

def _lookup(idx: _Index, name: str, context: tuple[str, ...],
            levels: tuple[str, ...] = ()) -> dict[str, Any] | None:
    name = "".join(name.split())
    if len(name) < 2:
        ids = [idx.by_code[c] for c in idx.abbrevs.get(name, []) if c in idx.by_code]
        if not ids:
            return None
        return idx.value(idx.pick(ids, list(context))[0])
    got = _chain(idx, name, 0, relaxed=True)
    if got is None or got[0] != len(name):
        return None
    _, data = got
    ids = data["ids"]
    if levels:
        ids = [h for h in ids if idx.entries[h].value_level in levels] or ids
    eid, _ = idx.pick(ids, list(context))
    return idx.value(eid, data.get("zone", "") or data.get("village", ""))


@functools.lru_cache(maxsize=4096)
def _lookup_cached(rules: RuleSet, name: str, context_adcode: str | None,
                   levels: tuple[str, ...] = ()) -> dict[str, Any] | None:
    return _lookup(_index(rules), name, (context_adcode,) if context_adcode else (), levels)


def lookup(name: str, context_adcode: str | None = None, levels: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The PLACE value of a place string, or None.

    ``context_adcode`` (e.g. the dateline's code) decides between same-named divisions; with
    ``levels``, only the divisions at those levels compete when there are any.

    >>> lookup("山东省济宁市")["level"], lookup("市中区", "370102")["adcode"]
    ('city', '370103')
    >>> lookup("南阳")["level"], lookup("南阳", levels=("province", "city", "county"))["adcode"]
    ('town', '411300')
    >>> lookup("民警") is None
    True
    """
    if not name or not isinstance(name, str):
        return None
    v = _lookup_cached(load_rules(), name, context_adcode, tuple(levels))
    return dict(v) if v else None


def lookup_in_context(name: str, ctx: Context, cand: Candidate | None = None,
                      levels: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The PLACE value of ``name`` read inside the article of ``ctx``: same-named divisions are decided
    as for a PLACE mention (the dateline, the article's places, then the home area). With ``levels``,
    only the divisions at one of those levels compete when there are any: the place before a company
    name (南阳|启明信息科技有限公司) is a city or county, not a same-named town elsewhere.
    """
    if not name or not isinstance(name, str):
        return None
    idx = _index(ctx.rules)
    return _lookup(idx, name, tuple(_context_codes(idx, ctx, cand)[:8]), tuple(levels))


def _part_of(name: str, level: str) -> str | None:
    return _part_of_in(load_rules(), name, level)


@functools.lru_cache(maxsize=4096)
def _part_of_in(rules: RuleSet, name: str, level: str) -> str | None:
    idx = _index(rules)
    got = _chain(idx, name, 0, relaxed=True)
    if got is None:
        return None
    eid, _ = idx.pick(got[1]["ids"], [])
    for pid in reversed(idx.entries[eid].path):
        p = idx.entries[pid]
        if p.level == level:
            return p.name
        if level == "city" and p.level == "province" and p.code in _MUNICIPALITIES:
            return p.name
    return None


_MUNICIPALITIES = ("110000", "120000", "310000", "500000")


def county_of(value: dict[str, Any] | None) -> str | None:
    """The plain county-level name of a PLACE value (``金乡县``), or None above county level.

    >>> county_of({"name": "山东省济宁市金乡县", "adcode": "370828", "level": "county"})
    '金乡县'
    """
    if not value or not value.get("name"):
        return None
    return _part_of(value["name"], "county")


def city_of(value: dict[str, Any] | None) -> str | None:
    """The city (prefecture) name of a PLACE value (``济宁市``), or None.

    >>> city_of({"name": "山东省济宁市金乡县鸡黍镇", "adcode": "370828", "level": "town"})
    '济宁市'
    """
    if not value or not value.get("name"):
        return None
    return _part_of(value["name"], "city")
