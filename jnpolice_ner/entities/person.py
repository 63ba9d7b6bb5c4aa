"""PERSON: names of people in police prose, with their role.

Surface forms handled (rules in ``rules/person.yaml``, surnames in ``rules/lexicons/surnames.txt``):
a name after a cue word (``民警张伟``, ``局长黄伦成、政委李志峰``, ``犯罪嫌疑人张某某``), anonymized names
(``李某``, ``刘某甲``, ``李叔某``, ``某某``), surname + title (``董先生``, ``刘大爷``, ``小郑``), pseudonyms
(``小丽（化名）``), names placed by verbs (``，王强报警称``), police heroes (``程广泉一级英模``), and later
mentions (the full name again, the given name alone ``广泉``, a bare surname ``纪``).

>>> from jnpolice_ner.ruleset import load_rules
>>> [(text[c.start:c.end], c.data.get("role")) for text in ["民警张伟将犯罪嫌疑人李某某抓获。"]
...  for c in recognize(text, load_rules()) if c.rule_id.startswith("person.cue")]
[('张伟', 'officer'), ('李某某', 'suspect')]
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import regex

from ..candidates import Candidate
from ..context import Context
from ..ruleset import RuleSet, fast_compile
from ..trace import fire

LABEL = "PERSON"
ORDER = 70

_PUNCT = "，。；：！？、“”‘’（）()《》「」【】…—·,.;:!?\"' \t\r\n　□#*-/|"
_SENT_END = "。！？；\n"
_CONJ = ("以及", "、", "和", "与", "及", "或")


_SPACES = " \u3000\xa0"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _alt(words: list[str]) -> str:
    """A trie-shaped alternation (longest match first, no backtracking across branches).

    >>> _alt(["民警", "民警官", "局长"])
    '(?:局长|民(?:警官?))'
    """
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [regex.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else "(?:" + "|".join(branches) + ")"
        return body + "?" if end else body

    return build(trie) or "(?!)"


class _Words:
    """Fast "does a listed word start at i" for lists of short words (indexed by first character).

    >>> w = _Words(["立即", "在"]); (w.at("王力在", 2), w.at("立刻", 0), w.at("立即", 0))
    (True, False, True)
    """

    __slots__ = ("single", "multi")

    def __init__(self, words: list[str]):
        self.single = frozenset(w for w in words if len(w) == 1)
        multi: dict[str, list[str]] = {}
        for w in words:
            if len(w) > 1:
                multi.setdefault(w[0], []).append(w)
        self.multi = {k: tuple(v) for k, v in multi.items()}

    def at(self, text: str, i: int) -> bool:
        ch = text[i:i + 1]
        if not ch:
            return False
        if ch in self.single:
            return True
        ws = self.multi.get(ch)
        return ws is not None and text.startswith(ws, i)


@dataclass
class _Data:
    singles: frozenset[str]
    compounds: frozenset[str]
    cue_re: Any
    cue_end_re: Any
    cue_role: dict[str, str]
    stop_words: _Words
    non_name: frozenset[str]
    name_end: _Words
    anon_noun_stop: _Words
    ambiguous: frozenset[str]
    function_surnames: frozenset[str]
    ordinals: frozenset[str]
    anon_third_stop: frozenset[str]
    title_re: Any
    title_kind: dict[str, tuple[str, str | None]]
    title_stop: tuple[str, ...]
    title_prev_stop: tuple[str, ...]
    xiao_lao_re: Any
    xiao_lao_follow: frozenset[str]
    xiao_lao_stop: tuple[str, ...]
    pseudo_re: Any
    verb_after_re: Any
    verb_before_re: Any
    verb_before_full: frozenset[str]
    hero_re: Any
    hero_before: tuple[str, ...]
    given_before: tuple[str, ...]
    given_after: tuple[str, ...]
    surname_ref_after: tuple[str, ...]
    pretend_re: Any
    given_chars: frozenset[str]
    top_singles: frozenset[str]
    masked_before: frozenset[str]
    sentence_crime_re: Any
    coord_re: Any
    coord_list_re: Any = None
    conj_words: tuple[str, ...] = ()
    first_rules: list[tuple[str, str, Any]] = field(default_factory=list)
    left_rules: list[tuple[str, str, Any]] = field(default_factory=list)
    right_rules: list[tuple[str, str, Any]] = field(default_factory=list)
    weak_rules: frozenset[str] = frozenset()
    weak_victim_re: Any = None
    sentence_offence_re: Any = None
    full_name_titles: frozenset[str] = frozenset()
    resident_re: Any = None
    resident_end_re: Any = None
    alias_re: Any = None
    open_cues: frozenset[str] = frozenset()
    open_victim_re: Any = None
    fraud_story_re: Any = None
    officer_count_re: Any = None
    alias_quoted_re: Any = None
    honorifics: frozenset[str] = frozenset()
    firm_other: frozenset[str] = frozenset()
    pretend_modifier_re: Any = None
    collision_left_re: Any = None
    collision_right_re: Any = None
    attacked_left_re: Any = None
    attacked_right_re: Any = None
    accused_left_re: Any = None
    killed_left_re: Any = None
    killed_right_re: Any = None
    alias_title_re: Any = None
    cue_surnames: frozenset = frozenset()
    cue_surname_stop: frozenset = frozenset()
    accused_right_re: Any = None
    helper_re: Any = None
    helper_others: tuple[str, ...] = ()
    nickname_re: Any = None
    elder_re: Any = None
    elder_stop: tuple[str, ...] = ()
    elder_words: tuple[str, ...] = ()
    relation_cues: frozenset[str] = frozenset()
    group_arrest_re: Any = None
    gang_head_re: Any = None
    relation_re: Any = None
    deceased_re: Any = None
    group_arrest_tail_re: Any = None
    uncued_rules: frozenset[str] = frozenset()
    scores: dict[str, float] = field(default_factory=dict)
    surname_form_re: Any = None
    surname_form_stop: tuple = ()
    surname_told_re: Any = None
    surname_list_re: Any = None
    surname_back_tails: tuple = ()
    surname_back_stop: frozenset = frozenset()
    surname_list_before: str = ""
    surname_role_re: Any = None
    surname_role_left_re: Any = None
    surname_role_right_re: Any = None
    surname_role_coord_re: Any = None


_CACHE: dict[int, tuple[RuleSet, _Data]] = {}  # id → (the rule set, kept alive so the id stays its own, data)


def _data(rules: RuleSet) -> _Data:
    key = id(rules)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is rules:
        return hit[1]
    rf = rules["person"]
    x = rf.extra
    names = rules.lexicon("surnames")
    singles = frozenset(n for n in names if len(n) == 1)
    compounds = frozenset(n for n in names if len(n) == 2)
    cue_role: dict[str, str] = {}
    for role, words in (x("cues") or {}).items():
        for w in words:
            cue_role.setdefault(w, role)
    title_kind: dict[str, tuple[str, str | None]] = {}
    for w in x("honorifics") or []:
        title_kind[w] = ("person.title.honorific", None)
    for w in x("kinship") or []:
        title_kind[w] = ("person.title.kinship", None)
    for role, words in (x("positions") or {}).items():
        for w in words:
            title_kind[w] = ("person.title.position", role)
    sur_alt = _alt(list(compounds)) + "|[" + "".join(sorted(singles)) + "]"
    vbn = x("verbs_before_name") or {}
    first_rules, left_rules, right_rules = [], [], []
    for r in rf.rules:
        if r.id.startswith("person.role.left.") and r.compiled is not None and not r.extra("right"):
            (first_rules if r.extra("first") else left_rules).append((r.id, r.extra("role"), r.compiled))
        if r.id.startswith("person.role.right.") and r.compiled is not None:
            right_rules.append((r.id, r.extra("role"), r.compiled))
    d = _Data(
        singles=singles,
        compounds=compounds,
        cue_re=fast_compile(_alt(list(cue_role))),
        cue_end_re=fast_compile("(?:" + _alt(list(cue_role)) + ")$"),
        cue_role=cue_role,
        stop_words=_Words(x("stop_words") or []),
        non_name=frozenset(x("non_name_chars") or ""),
        name_end=_Words(x("name_end") or []),
        anon_noun_stop=_Words(x("anon_noun_stop") or []),
        ambiguous=frozenset(x("ambiguous_surnames") or []),
        function_surnames=frozenset(x("function_surnames") or []),
        ordinals=frozenset(x("anon_ordinals") or ""),
        anon_third_stop=frozenset(x("anon_third_stop") or ""),
        title_re=fast_compile(_alt(list(title_kind))),
        title_kind=title_kind,
        title_stop=tuple(x("title_stop") or []),
        title_prev_stop=tuple(x("title_prev_stop") or []),
        xiao_lao_re=fast_compile("[小老](?:" + sur_alt + ")"),
        xiao_lao_follow=frozenset(x("xiao_lao_follow") or ""),
        xiao_lao_stop=tuple(x("xiao_lao_stop") or []),
        pseudo_re=fast_compile(_alt(x("pseudonym_markers") or ["（化名）"])),
        verb_after_re=fast_compile(_alt(x("verbs_after_name") or ["报警"])),
        verb_before_re=fast_compile(_alt(list(vbn.get("full", [])) + list(vbn.get("anon_only", [])))),
        verb_before_full=frozenset(vbn.get("full", [])),
        hero_re=fast_compile(_alt(x("hero_after") or ["英模"])),
        hero_before=tuple(x("hero_before") or []),
        given_before=tuple(x("given_name_before") or []),
        given_after=tuple(x("given_name_after") or []),
        surname_ref_after=tuple(x("surname_ref_after") or []),
        pretend_re=rf.rule("person.role.pretend").compiled,
        given_chars=frozenset("".join("".join(line.split()) for line in rules.lexicon("person_given_chars"))),
        top_singles=frozenset([n for n in names if len(n) == 1][:120]),
        masked_before=frozenset(x("masked_before") or ""),
        sentence_crime_re=rf.rule("person.role.sentence_crime").compiled,
        coord_re=rf.rule("person.role.coord").compiled,
        coord_list_re=rf.rule("person.role.coord_list").compiled,
        conj_words=tuple(x("conj_words") or []),
        first_rules=first_rules,
        left_rules=left_rules,
        right_rules=right_rules,
        weak_rules=frozenset(r.id for r in rf.rules if r.extra("weak")),
        weak_victim_re=rf.rule("person.role.weak_victim").compiled,
        sentence_offence_re=rf.rule("person.role.sentence_offence").compiled,
        full_name_titles=frozenset(x("full_name_titles") or []),
        resident_re=rf.rule("person.context.resident").compiled,
        resident_end_re=fast_compile("(?:" + rf.rule("person.context.resident").pattern + ")$"),
        alias_re=rf.rule("person.role.left.alias").compiled,
        open_cues=frozenset(x("open_cues") or []),
        open_victim_re=rf.rule("person.role.open_victim").compiled,
        fraud_story_re=rf.rule("person.role.fraud_addressed").compiled,
        officer_count_re=rf.rule("person.cue.officer_count").compiled,
        alias_quoted_re=rf.rule("person.alias.quoted").compiled,
        honorifics=frozenset(x("honorifics") or []),
        firm_other=frozenset(x("firm_other_cues") or []),
        pretend_modifier_re=rf.rule("person.role.pretend_modifier").compiled,
        collision_left_re=rf.rule("person.role.left.collision").compiled,
        collision_right_re=fast_compile(rf.rule("person.role.left.collision").extra("right")),
        attacked_left_re=rf.rule("person.role.left.attacked").compiled,
        attacked_right_re=fast_compile(rf.rule("person.role.left.attacked").extra("right")),
        accused_left_re=rf.rule("person.role.left.accused").compiled,
        killed_left_re=rf.rule("person.role.left.killed").compiled,
        killed_right_re=fast_compile(rf.rule("person.role.left.killed").extra("right")),
        alias_title_re=rf.rule("person.role.alias_title").compiled,
        cue_surnames=frozenset(rf.rule("person.anon.cue_surname").extra("surnames") or []),
        cue_surname_stop=frozenset(rf.rule("person.anon.cue_surname").extra("next_stop") or ""),
        accused_right_re=fast_compile(rf.rule("person.role.left.accused").extra("right")),
        helper_re=rf.rule("person.role.helper").compiled,
        helper_others=tuple(rf.rule("person.role.helper").extra("others") or []),
        nickname_re=rf.rule("person.alias.nickname").compiled,
        elder_re=rf.rule("person.title.elder").compiled,
        elder_stop=tuple(rf.rule("person.title.elder").extra("stop") or []),
        # 老师, 老板, 老人…: words after a surname that make no 周老 (老是 and 老在 do: 周老是否…)
        elder_words=tuple(w for w in x("xiao_lao_stop") or [] if w[0] == "老" and w[1] not in (x("non_name_chars") or ""))
        + tuple(rf.rule("person.title.elder").extra("words") or []),
        deceased_re=fast_compile(rf.rule("person.role.deceased").pattern.lstrip("^")),
        relation_re=rf.rule("person.context.relation").compiled,
        gang_head_re=rf.rule("person.context.gang_head").compiled,
        group_arrest_re=rf.rule("person.context.group_arrest").compiled,
        group_arrest_tail_re=fast_compile(rf.rule("person.context.group_arrest").extra("tail")),
        uncued_rules=frozenset(r.id for r in rf.rules if r.extra("uncued")),
        relation_cues=frozenset(rf.rule("person.role.relation").extra("cues") or []),
        scores={r.id: r.score for r in rf.rules},
        surname_form_re=rf.rule("person.anon.surname_form").compiled,
        surname_form_stop=tuple(rf.rule("person.anon.surname_form").extra("stop_before") or []),
        surname_told_re=rf.rule("person.anon.surname_told").compiled,
        surname_list_re=rf.rule("person.anon.surname_list").compiled,
        surname_role_re=rf.rule("person.role.surname_form").compiled,
        surname_role_left_re=fast_compile(rf.rule("person.role.surname_form").extra("left")),
        surname_role_right_re=fast_compile(rf.rule("person.role.surname_form").extra("right")),
        surname_role_coord_re=fast_compile(rf.rule("person.role.surname_form").extra("coord")),
        surname_list_before=rf.rule("person.anon.surname_list").extra("before") or "",
        surname_back_tails=tuple(rf.rule("person.anon.surname_back").extra("tails") or ""),
        surname_back_stop=frozenset(rf.rule("person.anon.surname_back").extra("next_stop") or ""),
    )
    if len(_CACHE) >= 4:  # the shipped rules and a few Extractors'
        _CACHE.clear()
    _CACHE[key] = (rules, d)
    return d


# ---------------------------------------------------------------- name readers


def _surname_len(text: str, i: int, d: _Data) -> int:
    if text[i:i + 2] in d.compounds:
        return 2
    if i < len(text) and text[i] in d.singles:
        return 1
    return 0


def _name_char(text: str, i: int, d: _Data) -> bool:
    return i < len(text) and _is_han(text[i]) and text[i] not in d.non_name


def _anon_end(text: str, i: int, sl: int, d: _Data, after_cue: bool = False) -> int:
    """End of ``X某…`` at ``i`` (surname length ``sl``, ``text[i+sl] == '某'``), or -1.

    Right after a cue word (``受害人王某银行卡``) a noun after 某 does not make it "some": the cue says a
    person is named."""
    k = i + sl + 1
    n = len(text)
    if k < n and (text[k] == "某" or text[k] in d.ordinals):
        return k + 1
    if text[i:i + sl] in d.ambiguous and not (after_cue and text[i:i + sl] in d.cue_surnames
                                              and text[k:k + 1] not in d.cue_surname_stop):
        return -1
    if not after_cue and d.anon_noun_stop.at(text, k):
        fire("person.filter.noun_after")
        return -1
    if (k < n and _is_han(text[k]) and text[k] not in d.anon_third_stop and text[k] not in d.non_name
            and not d.name_end.at(text, k)):
        if k + 1 >= n or not _is_han(text[k + 1]) or d.name_end.at(text, k + 1):
            return k + 1
    return k


def _full_end(text: str, i: int, sl: int, d: _Data) -> int:
    """End of surname + 1–2 given characters at ``i``, or -1."""
    if d.stop_words.at(text, i) or text[i:i + sl] in d.function_surnames:
        fire("person.filter.stopword")
        return -1
    j = i + sl
    if (text[j:j + 1] == "一" and _name_char(text, j + 1, d) and text[j + 1] in d.given_chars
            and not d.name_end.at(text, j + 1)
            and (not _name_char(text, j + 2, d) or d.name_end.at(text, j + 2))):
        return j + 2  # 赵一凡 / 王一鸣 (一 in a given name; 一名 / 一行 fail on 名 / the next character)
    if not _name_char(text, j, d) or text[j] == "某" or d.name_end.at(text, j):
        return -1
    end = j + 1
    if _name_char(text, end, d) and text[end] != "某" and not d.name_end.at(text, end):
        end += 1
    return end


def _name_at(text: str, i: int, d: _Data, full: bool = True, after_cue: bool = False) -> tuple[int, str]:
    """Read a name starting exactly at ``i``: (end, kind) with kind anon/moumou/title/xiao_lao/full.

    >>> from jnpolice_ner.ruleset import load_rules
    >>> d = _data(load_rules())
    >>> [_name_at(s, 0, d) for s in ["李志峰为主要", "王力在现场", "张某某抓获", "刘先生称", "某某的报警"]]
    [(3, 'full'), (2, 'full'), (3, 'anon'), (3, 'title'), (2, 'moumou')]
    """
    n = len(text)
    if i >= n:
        return -1, ""
    if text.startswith("某某", i):
        if d.anon_noun_stop.at(text, i + 2):
            fire("person.filter.noun_after")
            return -1, ""
        return i + 2, "moumou"
    if text[i] in "小老" and i + 1 < n:
        sl = 1 if text[i + 1] in d.top_singles else 0
        if sl and _xiao_lao_ok(text, i, i + 1 + sl, d, after_cue):
            return i + 1 + sl, "xiao_lao"
    sl = _surname_len(text, i, d)
    if (not sl and after_cue and i + 1 < n and text[i + 1] == "某" and _name_char(text, i, d)
            and text[i] not in d.anon_third_stop):
        # 逃犯蔚某 / 群众戢某 (person.anon.rare_surname): after a cue X某 names a person also where X is a
        # surname too rare for the lexicon
        e = _anon_end(text, i, 1, d, after_cue)
        if e > 0:
            fire("person.anon.rare_surname")
            return e, "anon"
    if not sl or i + sl >= n:
        return -1, ""
    j = i + sl
    if text[j] == "某":
        e = _anon_end(text, i, sl, d, after_cue)
        return (e, "anon") if e > 0 else (-1, "")
    if text[j] == "*" and sl == 1 and text[i] not in d.non_name:
        e = j
        while e < n and e - j < 3 and text[e] == "*":
            e += 1
        if e < n and text[e] == "*":
            return -1, ""
        return (e + 1 if e < n and text[e].isdigit() else e), "anon"
    if j + 1 < n and text[j + 1] == "某" and _name_char(text, j, d) and text[i:j] not in d.ambiguous:
        return j + 2, "anon"
    m = d.title_re.match(text, j)
    if m and _title_ok(text, i, m.end(), d):
        return m.end(), "title"
    if not full:
        return -1, ""
    e = _full_end(text, i, sl, d)
    return (e, "full") if e > 0 else (-1, "")


def _plausible(text: str, s: int, e: int, kind: str, d: _Data) -> bool:
    """A full name read after a weak cue needs a common given-name character first (市民李强, not 群众路线)."""
    if kind != "full":
        return True
    sl = 2 if text[s:s + 2] in d.compounds else 1
    return s + sl < e and text[s + sl] in d.given_chars


def _title_ok(text: str, s: int, e: int, d: _Data) -> bool:
    if text.startswith(d.title_stop, s) or (s > 0 and text.startswith(d.title_prev_stop, s - 1)):
        return False
    if s > 0 and text[s - 1] in "一二三四五六七八九十百千0123456789":
        return False
    return text[s] not in d.function_surnames and text[s] not in d.non_name


def _full_before_title(text: str, p: int, d: _Data) -> int:
    """Start of a full name (surname + 1–2 given characters, one of them common) right before a title at ``p``, or -1.

    >>> from jnpolice_ner.ruleset import load_rules
    >>> d = _data(load_rules())
    >>> [_full_before_title(t, t.index(w), d) for t, w in [("的李建国先生", "先生"), ("，王浩警官", "警官"), ("对李先生", "先生"),
    ...                                                   ("县居民赵女士", "女士")]]
    [1, 1, -1, -1]
    """
    for length in (3, 2):
        s = p - length
        if s < 0:
            continue
        sl = _surname_len(text, s, d)
        if sl != 1 or text[s] in d.non_name or text[s] in d.function_surnames or d.stop_words.at(text, s):
            continue
        cue = d.cue_re.match(text, s)
        if cue and cue.end() < p:
            continue  # 居民赵女士: a cue word, then 赵女士
        given = text[s + 1:p]
        if not all(_is_han(ch) and ch not in d.non_name for ch in given) or not any(ch in d.given_chars for ch in given):
            continue
        if length == 3 and _place_word(text[s:p - 1]):
            continue  # 南阳陈女士: a place, then 陈女士
        if s > 0 and _is_han(text[s - 1]) and text[s - 1] not in _PUNCT:
            # the name must start a word: after punctuation, a cue word, 的 or a function word
            if not (text[s - 1] in d.non_name or d.cue_end_re.search(text, max(0, s - 7), s)):
                continue
        return s
    return -1


def _place_word(word: str) -> bool:
    """True when ``word`` is a place name (南阳), so a surname after it starts the name."""
    from . import place

    v = place.lookup(word)
    return v is not None and not v.get("_fallback")


def _xiao_lao_ok(text: str, s: int, e: int, d: _Data, after_cue: bool = False) -> bool:
    """小郑 / 老王 at ``s``: a boundary must follow, except right after a cue word (朋友小贾骑车…)."""
    if e - s != 2 or text[s + 1] not in d.top_singles or text.startswith(d.xiao_lao_stop, s):
        return False
    return after_cue or e >= len(text) or text[e] in d.xiao_lao_follow or not _is_han(text[e])


def _elder_ok(text: str, s: int, e: int, d: _Data) -> bool:
    """周老 at ``s``: a single surname (no function word) + 老, not a word (古老, 养老), standing alone on the
    left (punctuation, a function character, a cue word or a verb of address: 让周老, 帮周老) and on the right
    (punctuation, a function character or a word that ends a name: 周老今年…, 周老说; not 周老师)."""
    sur = text[s]
    if (sur not in d.singles or sur in d.ambiguous or sur in d.function_surnames or sur in d.non_name
            or text.startswith(d.elder_stop, s) or text.startswith(d.elder_words, e - 1)):
        return False
    left_ok = (_boundary_before(text, s) or text[s - 1] in d.non_name or text[s - 1] in d.masked_before
               or text[s - 1] in "问请叫陪" or bool(d.cue_end_re.search(text, max(0, s - 7), s)))
    right_ok = (e >= len(text) or not _is_han(text[e]) or text[e] in d.non_name or text[e] in d.xiao_lao_follow
                or d.name_end.at(text, e) or bool(d.deceased_re.match(text, e)))
    return left_ok and right_ok


def _boundary_before(text: str, s: int) -> bool:
    return s == 0 or not _is_han(text[s - 1]) or text[s - 1] in _PUNCT


# ---------------------------------------------------------------- recognition



def _conj_at(text: str, k: int, d: Any) -> str | None:
    """The conjunction at ``k`` (``、``, ``和``, ``及``…), None for a word that only starts like one (``及时``)."""
    conj = next((c for c in _CONJ if text.startswith(c, k)), None)
    if conj is None or any(text.startswith(w, k) for w in d.conj_words):
        return None
    return conj


def _conjuncts(text: str, k: int, d: Any):
    """Names coordinated after position ``k`` (``、李某某``, ``和洪宗和``): ``(start, end, kind)``, at most 8."""
    for _ in range(8):
        conj = _conj_at(text, k, d)
        if conj is None:
            return
        s2 = k + len(conj)
        e2, kind2 = _name_at(text, s2, d)
        if e2 < 0 or d.cue_re.match(text, s2):
            return
        yield s2, e2, kind2
        k = e2

_BRACKET_RE = fast_compile(r"[（(][^（()）\n]{0,40}[）)]")
_MODIFIER_RE = fast_compile(r"[^，。；：！？、\n（()）“”]{1,12}?的")


def _list_end(text: str, k: int, d: Any) -> int:
    """End of a list of names that starts with the name ending at ``k``: ``、李某某``, each name with its
    bracketed description (``刘某（女，34岁）、杨某（男，18岁）``) and a modifier before it
    (``、负责运输的赵某某``); at most 8 names (``person.role.coord_list``)."""
    for _ in range(8):
        b = _BRACKET_RE.match(text, k)
        j = b.end() if b else k
        conj = _conj_at(text, j, d)
        if conj is None:
            break
        s2 = j + len(conj)
        e2, _kind = _name_at(text, s2, d)
        if e2 < 0:
            m = _MODIFIER_RE.match(text, s2)
            if m is None:
                break
            s2 = m.end()
            e2, _kind = _name_at(text, s2, d)
        if e2 < 0 or d.cue_re.match(text, s2):
            break
        k = e2
    b = _BRACKET_RE.match(text, k)
    return b.end() if b else k


def recognize(text: str, rules: RuleSet) -> list[Candidate]:
    """PERSON candidates; ``data`` carries ``role`` (from a cue), ``kind`` and ``name`` (completed)."""
    if not text or "\x00" in text[:0]:
        return []
    d = _data(rules)
    found: dict[tuple[int, int], Candidate] = {}
    n = len(text)

    def add(s: int, e: int, rule_id: str, kind: str, **data: Any) -> Candidate | None:
        if e <= s or s < 0 or e > n:
            return None
        old = found.get((s, e))
        if old is not None:
            if old.data.get("role") or not data.get("role"):
                return old
        c = Candidate(LABEL, s, e, rule_id, score=d.scores.get(rule_id, 0.5),
                      data={"kind": kind, **data})
        found[(s, e)] = c
        fire(rule_id)
        if kind == "moumou":
            fire("person.anon.moumou")
        return c

    # 1. names after cue words, and names coordinated with them
    for m in d.cue_re.finditer(text):
        role = d.cue_role[m.group()]
        start = m.end()
        e, kind = _name_at(text, start, d, after_cue=True)
        if e < 0:
            # 派出所民警 李金玲:“… / 民警 张强 表示 (person.cue.spaced): a name set off by a space after its cue, as
            # captions and transcripts print a speaker; a space or a colon must close the name too
            k = start
            while k < n and k - start < 3 and text[k] in _SPACES:
                k += 1
            if k > start:
                e, kind = _name_at(text, k, d, after_cue=True)
                if e > 0 and (e >= n or text[e] in _SPACES + ":：") and kind in ("full", "anon"):
                    start = k
                    fire("person.cue.spaced")
                else:
                    e = -1
        if e < 0 or (role == "other" and not _plausible(text, start, e, kind, d)):
            continue
        add(start, e, f"person.cue.{role}", kind, role=role, cue=m.group())
        for s2, e2, kind2 in _conjuncts(text, e, d):
            add(s2, e2, "person.coord", kind2, role=role, cue=m.group())
    # 2. anonymized names found anywhere: X某 / X某某 / X某甲 / XY某 / 阿某
    p = text.find("某")
    while p >= 0:
        if p > 0:
            s = p - 2 if p >= 2 and text[p - 2:p] in d.compounds else p - 1
            if s > 0 and text[s - 1].isdigit():
                pass  # 15时某某: a clock time, not 时某某
            elif (text[s] in d.singles and text[s] not in d.non_name) or text[s:p] in d.compounds:
                e = _anon_end(text, s, p - s, d)
                if e > 0:
                    add(s, e, "person.anon.surname", "anon")
            elif text[p - 1] == "阿" and (p + 1 >= n or text[p + 1] != "姨"):
                e = p + 2 if p + 1 < n and (text[p + 1] == "某" or text[p + 1] in d.ordinals) else p + 1
                add(p - 1, e, "person.anon.nickname", "anon")
            if (p >= 2 and text[p - 1] != "某" and text[p - 1] not in d.singles and _name_char(text, p - 1, d)
                    and text[p + 1:p + 2] not in ("某", "一")):
                s2 = p - 2
                # 李叔某 must start a word (报案人李叔某, ，李叔某): 美罗城某数码店 is 某 + a shop
                if (text[s2] in d.singles and text[s2] not in d.ambiguous and text[s2] not in d.non_name
                        and not d.anon_noun_stop.at(text, p + 1) and not d.stop_words.at(text, s2)
                        and (_boundary_before(text, s2) or text[s2 - 1] in d.non_name
                             or text[s2 - 1] in d.masked_before or d.cue_end_re.search(text, max(0, s2 - 7), s2))):
                    add(s2, p + 1, "person.anon.surname", "anon")
        p = text.find("某", p + 1)
    # 2b. names masked with asterisks: 叶** / 王*
    p = text.find("*")
    while p > 0:
        ch = text[p - 1]
        e = p
        while e < n and e - p < 3 and text[e] == "*":
            e += 1
        if (e - p <= 3 and (e >= n or text[e] != "*") and ch in d.singles and ch not in d.ambiguous
                and ch not in d.non_name and (p < 2 or text[p - 2] != "*")
                and (p < 2 or _boundary_before(text, p - 1) or text[p - 2] in d.masked_before
                     or d.cue_end_re.search(text, max(0, p - 7), p - 1))
                and not (e < n and text[e] in d.non_name and text[e] not in "的在和与等被将把从对向于及也都就又还已并")):
            if e < n and text[e].isdigit():
                e += 1
            add(p - 1, e, "person.anon.masked", "anon")
        while e < n and text[e] == "*":
            e += 1
        p = text.find("*", e)
    # 3. surname + title / kinship
    for m in d.title_re.finditer(text):
        p, e = m.span()
        fs = _full_before_title(text, p, d) if m.group() in d.full_name_titles else -1
        if fs >= 0 and _title_ok(text, fs, e, d):
            # 王小明女士 / 李建国先生: the span is the name; the title only says it is a person
            role = d.title_kind[m.group()][1]
            if role:
                add(fs, p, "person.title.full_name", "full", role=role, cue=m.group(), title_end=e)
            else:
                add(fs, p, "person.title.full_name", "full", title_end=e, cue=m.group())
            continue
        if p >= 2 and text[p - 2:p] in d.compounds:
            s = p - 2
        elif p >= 1 and text[p - 1] in d.singles:
            s = p - 1
        else:
            continue
        if not _title_ok(text, s, e, d):
            continue
        rid, role = d.title_kind[m.group()]
        if role:
            add(s, e, rid, "title", role=role, cue=m.group())
        else:
            add(s, e, rid, "title")
    # 4. 小郑 / 老王
    for m in d.xiao_lao_re.finditer(text):
        s, e = m.span()
        if (_xiao_lao_ok(text, s, e, d) and (s == 0 or (text[s - 1] not in "小老" and text[s - 1] not in d.singles))
                and not (s > 0 and text.startswith(d.elder_stop, s - 1))):  # 养老钱: 养老 + 钱, not 老钱
            add(s, e, "person.title.xiao_lao", "xiao_lao")
    # 4b. 周老 / 季老: surname + 老, how the press names an elderly or respected person
    for m in d.elder_re.finditer(text):
        s, e = m.span()
        if _elder_ok(text, s, e, d):
            add(s, e, "person.title.elder", "xiao_lao")
    # 5. pseudonyms: 小丽（化名）
    for m in d.pseudo_re.finditer(text):
        e = m.start()
        for length in (3, 2):
            s = e - length
            if s < 0 or not all(_is_han(ch) for ch in text[s:e]):
                continue
            head_ok = text[s] in "小阿老" or _surname_len(text, s, d) > 0
            cue = d.cue_end_re.search(text, max(0, s - 6), s)
            if head_ok and (length == 2 or _boundary_before(text, s) or cue):
                if (s, e) in found:
                    found[(s, e)].data["kind"] = "pseudonym"
                    fire("person.pseudonym")
                    break
                if cue:
                    role = d.cue_role[cue.group()]
                    add(s, e, "person.pseudonym", "pseudonym", role=role, cue=cue.group())
                else:
                    add(s, e, "person.pseudonym", "pseudonym")
                break
    # 5b. 李姓男子 / 张姓 and what refers back to them (李男, 张嫌, 李、张), 一个姓钱
    _surname_forms(text, d, add)
    # 6. a name before a verb (，王强报警称) and after a verb (抓获了刘洋)
    for m in d.verb_after_re.finditer(text):
        p = m.start()
        for length in (3, 2, 4):
            s = p - length
            if s < 0 or not _boundary_before(text, s):
                continue
            e, kind = _name_at(text, s, d)
            if e == p and _plausible(text, s, e, kind, d):
                add(s, e, "person.verb.before", kind)
                break
    for m in d.verb_before_re.finditer(text):
        e, kind = _name_at(text, m.end(), d, full=m.group() in d.verb_before_full)
        if e > 0:
            add(m.end(), e, "person.verb.after", kind)
    # 6a. 刑侦大队李振华、郭帅两名民警: names standing before a count of officers
    for m in d.officer_count_re.finditer(text):
        names: list[tuple[int, int, str]] = []
        end = m.start()
        while True:
            hit = next(((s, e, k) for s in (end - 3, end - 2) if s >= 0
                        for e, k in [_name_at(text, s, d)] if e == end and k == "full"), None)
            if hit is None:
                break
            names.append(hit)
            if hit[0] > 0 and text[hit[0] - 1] in "、和与及":
                end = hit[0] - 1
                continue
            break
        if names and _plausible(text, names[-1][0], names[-1][1], "full", d):
            for s, e, k in names:
                add(s, e, "person.cue.officer_count", k, role="officer", cue=m.group())
    # 6b. 自称在宁波做外贸生意的“陈浩”: a quoted full name used by the other side
    for m in d.alias_quoted_re.finditer(text):
        e, kind = _name_at(text, m.end(), d)
        if e > 0 and kind == "full" and text[e:e + 1] == "”":
            add(m.end(), e, "person.alias.quoted", kind, role="suspect", cue="自称")
    # 6b'. 与一个昵称叫“兼职小雨姐”的人: the whole quoted nickname is the fraudster's alias
    aliases: list[tuple[int, int]] = []
    for m in d.nickname_re.finditer(text):
        s, e = m.span("alias")
        if any(_is_han(ch) or ch.isalnum() for ch in text[s:e]):
            add(s, e, "person.alias.nickname", "alias", role="suspect", cue="昵称")
            aliases.append((s, e))
    # 6b''. 将张立军、王海等12人刑事拘留: the names of a list closed by 等N人 and an arrest
    for m in d.group_arrest_re.finditer(text):
        e, kind = _name_at(text, m.end(), d)
        if e < 0 or not _plausible(text, m.end(), e, kind, d):
            continue
        names = [(m.end(), e, kind)]
        for s2, e2, kind2 in _conjuncts(text, e, d):
            if not _plausible(text, s2, e2, kind2, d):
                break
            names.append((s2, e2, kind2))
        if d.group_arrest_tail_re.match(text, names[-1][1]):
            for s2, e2, kind2 in names:
                add(s2, e2, "person.context.group_arrest", kind2, role="suspect", cue="等人")
    # 6b'''. 以沈立武（男，35岁）为首: the head of a gang
    for m in d.gang_head_re.finditer(text):
        s, e0 = m.span("name")
        e, kind = _name_at(text, s, d)
        if e == e0 and _plausible(text, s, e, kind, d):
            add(s, e, "person.context.gang_head", kind, role="suspect", cue="为首")
    # 6b''''. ，陆维钧儿子陆承报案: a full name before a word of kinship or estate
    for m in d.relation_re.finditer(text):
        fs = _full_before_title(text, m.start(), d)
        if fs >= 0 and not d.cue_end_re.search(text, max(0, fs - 7), m.start()):
            add(fs, m.start(), "person.context.relation", "full")
    # 6c. 家住谷亭街道的赵雅琴: a name after a residence phrase
    for m in d.resident_re.finditer(text):
        e, kind = _name_at(text, m.end(), d)
        if e > 0 and _plausible(text, m.end(), e, kind, d):
            add(m.end(), e, "person.context.resident", kind)
    # 7. police heroes: 纪念程广泉一级英模
    for m in d.hero_re.finditer(text):
        p = m.start()
        for length in (3, 2, 4):
            s = p - length
            if s < 0:
                continue
            if not (_boundary_before(text, s) or text.endswith(d.hero_before, 0, s)):
                continue
            sl = _surname_len(text, s, d)
            if sl and _full_end(text, s, sl, d) == p:
                add(s, p, "person.hero", "full", role="officer", cue=m.group())
                break
    # 7b. names coordinated with any name found so far (罗春华和洪宗和、李某某)
    for (_s0, e0) in sorted(found):
        for s2, e2, kind2 in _conjuncts(text, e0, d):
            if (s2, e2) not in found and _plausible(text, s2, e2, kind2, d):
                add(s2, e2, "person.coord", kind2)
    # 8. later mentions of the full names (and pseudonyms: 小林（化名）… 小林; 小韩: 小韩亮明身份) found above;
    # a name read inside a nickname (“花呗做兼职” → 花呗) is no name of its own
    for (s, e) in list(found):
        if any(a <= s and e <= b and (s, e) != (a, b) for a, b in aliases):
            del found[(s, e)]
    fulls = sorted({text[s:e] for (s, e), c in found.items() if c.data["kind"] == "full" and e - s >= 2},
                   key=len, reverse=True)
    pseudonyms = {text[s:e] for (s, e), c in found.items() if c.data["kind"] == "pseudonym" and e - s >= 2}
    xiao_lao = {text[s:e] for (s, e), c in found.items() if c.data["kind"] == "xiao_lao"}
    pseudonyms |= xiao_lao
    if fulls or pseudonyms:
        covered = bytearray(n + 1)
        for a, b in found:
            covered[a:b] = b"\x01" * (b - a)
        for m in regex.finditer(_alt(sorted(set(fulls) | pseudonyms, key=len, reverse=True)), text):
            s, e = m.span()
            if (not any(covered[s:e]) and (m.group() not in xiao_lao or not text.startswith(d.xiao_lao_stop, s))
                    and not (m.group().endswith("老") and text.startswith(d.elder_words, e - 1))):
                kind = "xiao_lao" if m.group() in xiao_lao else "pseudonym" if m.group() in pseudonyms else "full"
                add(s, e, "person.repeat", kind)
    # 8b. 杨某宇 / 李叔某 read once (where the name stands clear) is the same name in every mention, also where
    # a verb follows that the 某 reader cannot tell from a given name (杨某宇成功 was read 杨某) or where the name
    # does not start a word (带着李叔某 was read 李叔)
    anon3 = {text[s:e] for (s, e), c in found.items() if c.data["kind"] == "anon" and e - s == 3
             and "某" in text[s + 1:e] and text[s + 1:e] != "某某" and text[s + 2] not in d.ordinals}
    for name in anon3:
        for s in (m.start() for m in regex.finditer(regex.escape(name), text)):
            inner = [k for k in found if s <= k[0] and k[1] <= s + 3 and k != (s, s + 3)]
            if (s, s + 3) not in found and inner:
                for k in inner:
                    del found[k]
                add(s, s + 3, "person.repeat", "anon")
    # 8c. 村民于某 … ，于某随即报警: X某 of a surname that is also a preposition, read once after a cue, is the same
    # person where it stands again (not before a word that makes 某 "some": 于某日, 于某地)
    cued = {text[s:e] for (s, e), c in found.items() if c.data["kind"] == "anon" and e - s == 2
            and text[s] in d.cue_surnames and c.data.get("cue")}
    for name in cued:
        p = text.find(name)
        while p >= 0:
            e = p + 2
            if ((p, e) not in found and text[e:e + 1] not in d.cue_surname_stop and not d.anon_noun_stop.at(text, e)
                    and not any(a < e and p < b for a, b in found)):
                fire("person.anon.cue_surname")
                add(p, e, "person.repeat", "anon")
            p = text.find(name, p + 1)
    if fulls:
        _given_and_surname_refs(text, fulls, d, found, add)
    return list(found.values())


def _surname_forms(text: str, d: _Data, add) -> None:
    """``李姓少年`` / ``张姓`` (车手) and, once read, ``李男`` / ``张嫌`` / ``李、张``; ``钱、孙两人``; ``一个姓钱``."""
    surnames: set[str] = set()
    if "姓" in text:
        for m in d.surname_form_re.finditer(text):
            s = m.start()
            sur = m.group("sur")
            if sur not in d.singles or text.endswith(d.surname_form_stop, 0, s + 1) or not (
                    s == 0 or not _is_han(text[s - 1]) or text[s - 1] in d.non_name or text[s - 1] not in d.singles
                    or text[s - 1] in "名位个"):
                continue
            role = _surname_form_role(text, s, m.end(), d)
            if role:
                add(s, m.end(), "person.anon.surname_form", "title", role=role, cue="姓", surname_group=sur)
            else:
                add(s, m.end(), "person.anon.surname_form", "title", surname_group=sur)
            surnames.add(sur)
        for m in d.surname_told_re.finditer(text):
            if m.group("sur") in d.singles and m.group("sur") not in d.non_name:
                clause = text[max(0, text.rfind("。", 0, m.start()) + 1, m.start() - 20):m.start()]
                if "嫌疑人" in clause or "嫌犯" in clause:
                    add(m.start("sur"), m.end("sur"), "person.anon.surname_told", "surname", role="suspect", cue="嫌疑人")
                else:
                    add(m.start("sur"), m.end("sur"), "person.anon.surname_told", "surname")
    for sur in surnames:
        for tail in d.surname_back_tails:
            p = text.find(sur + tail)
            while p >= 0:
                if text[p + 2:p + 3] not in d.surname_back_stop and (
                        p == 0 or not _is_han(text[p - 1]) or text[p - 1] in d.surname_list_before):
                    if tail == "嫌":
                        add(p, p + 2, "person.anon.surname_back", "title", role="suspect", cue="嫌", surname_group=sur)
                    else:
                        add(p, p + 2, "person.anon.surname_back", "title", surname_group=sur)
                p = text.find(sur + tail, p + 1)
    if "、" not in text:
        return
    for m in d.surname_list_re.finditer(text):
        members = m.group("list").split("、")
        s0 = m.start("list")
        if (s0 == 0 or not _is_han(text[s0 - 1]) or text[s0 - 1] in d.surname_list_before) and all(ch in d.singles and ch not in d.non_name for ch in members):
            after = text[m.end():m.end() + 14]
            role = "suspect" if ("嫌疑人" in after or "嫌犯" in after) else None
            for k in range(len(members)):
                s = m.start("list") + 2 * k
                if role:
                    add(s, s + 1, "person.anon.surname_list", "surname", role=role, cue="嫌疑人")
                else:
                    add(s, s + 1, "person.anon.surname_list", "surname")
    if len(surnames) >= 2:  # 将李、张移送: two surnames of 姓-forms read before
        for a in surnames:
            for b in surnames - {a}:
                p = text.find(a + "、" + b)
                while p >= 0:
                    if p == 0 or not _is_han(text[p - 1]) or text[p - 1] in d.surname_list_before:
                        add(p, p + 1, "person.anon.surname_list", "surname", surname_group=a)
                        add(p + 2, p + 3, "person.anon.surname_list", "surname", surname_group=b)
                    p = text.find(a + "、" + b, p + 1)


def _surname_form_role(text: str, s: int, e: int, d: _Data) -> str | None:
    """车手李姓少年 / 张姓取款车手 → suspect; 陈姓及何姓员警 → officer; 被骗的林姓妇人 → victim."""
    k = e
    while True:
        c = d.surname_role_coord_re.match(text, k)
        if not c:
            break
        k = c.end()
        n = d.surname_form_re.match(text, k - 2)
        k = n.end() if n else k
    for skip in (0, 1, 2):
        m = d.surname_role_re.match(text, k + skip)
        if m and all(_is_han(ch) for ch in text[k:k + skip]):
            fire("person.role.surname_form")
            return m.lastgroup
    m = d.surname_role_left_re.search(text, max(0, s - 6), s)
    if m:
        fire("person.role.surname_form")
        return m.lastgroup or "victim"
    if d.surname_role_right_re.match(text, e):
        fire("person.role.surname_form")
        return "suspect"
    return None


def _given_and_surname_refs(text: str, fulls: list[str], d: _Data, found: dict, add) -> None:
    """``广泉`` after ``程广泉`` and ``纪`` after ``纪大海``: completed names (data ``name``)."""
    by_given: dict[str, str] = {}
    by_surname: dict[str, str] = {}
    for full in fulls:
        sl = 2 if full[:2] in d.compounds else 1
        if len(full) - sl == 2:
            by_given.setdefault(full[sl:], full)
        by_surname[full[:sl]] = full if by_surname.get(full[:sl], full) == full else ""
    by_surname = {k: v for k, v in by_surname.items() if v}  # 王浩 and 王小明: a bare 王 is ambiguous
    for p, given in _occurrences(text, by_given):
        full = by_given[given]
        sl = len(full) - 2
        if text[max(0, p - sl):p] == full[:sl]:
            continue
        if text.endswith(d.given_before, 0, p) or text.startswith(d.given_after, p + 2):
            add(p, p + 2, "person.given_name", "given", name=full)
    after = tuple(d.surname_ref_after)
    for p, sur in _occurrences(text, by_surname):
        if text.startswith(after, p + len(sur)) and _boundary_before(text, p):
            add(p, p + len(sur), "person.surname_ref", "surname", name=by_surname[sur])


def _occurrences(text: str, words) -> list[tuple[int, str]]:
    """Non-overlapping occurrences of ``words`` in ``text``, left to right, longest first at a position
    (what a longest-first alternation would find, without compiling a pattern per article)."""
    hits = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            hits.append((i, w))
            i = text.find(w, i + 1)
    hits.sort(key=lambda h: (h[0], -len(h[1])))
    out: list[tuple[int, str]] = []
    end = 0
    for i, w in hits:
        if i >= end:
            out.append((i, w))
            end = i + len(w)
    return out


# ---------------------------------------------------------------- resolution


def _left(ctx: Context, s: int, width: int = 24) -> str:
    lo = max(ctx.start, s - width, 0)
    seg = ctx.text[lo:s]
    cut = max(seg.rfind(ch) for ch in _SENT_END)
    seg = seg[cut + 1:] if cut >= 0 else seg
    return seg[:-1] if seg.endswith(("“", '"', "‘")) else seg


def _right(ctx: Context, e: int, width: int = 24) -> str:
    if ctx.text[e:e + 1] in ("”", '"', "’"):
        e += 1
    return ctx.text[e:e + width]


def _clause(right: str) -> str:
    cut = min((i for i in (right.find(ch) for ch in _SENT_END) if i >= 0), default=len(right))
    return right[:cut]



def _sentence_rest(ctx: Context, e: int) -> str:
    """The text from ``e`` to the end of its sentence."""
    end = len(ctx.text)
    for stop in "。！？\n":
        k = ctx.text.find(stop, e)
        if 0 <= k < end:
            end = k
    return ctx.text[e:end]


def _victim_sentence(rest: str, victim_re: Any, rule_id: str, d: _Data) -> bool:
    """The rest of the sentence tells a victim's side (``victim_re``) and of no offence; fires
    ``rule_id`` when it does, ``person.role.sentence_offence`` when an offence overrides it."""
    if not victim_re.search(rest):
        return False
    if d.sentence_offence_re.search(rest):
        fire("person.role.sentence_offence")
        return False
    fire(rule_id)
    return True


def _weak_role(ctx: Context, cand: Candidate, role: str, d: _Data) -> tuple[str, str]:
    """A generic action verb after a name: the suspect's, unless the rest of the sentence tells of
    a victim's loss or report (被骗, 报案) and of no offence. Source ``weak`` (victim) or
    ``weak_suspect``: a strong role seen for the same name elsewhere wins, and in a fraud story a
    ``weak_suspect`` never accused elsewhere is the victim (``finalize``). A sentence that names the
    subject's offence (骗走, 盗) makes the suspect strong (``context``)."""
    rest = _sentence_rest(ctx, cand.end)
    if _victim_sentence(rest, d.weak_victim_re, "person.role.weak_victim", d):
        return "victim", "weak"
    if d.sentence_offence_re.search(rest):
        return role, "context"  # 李某某将…骗走后变卖: the sentence names the offence its subject did
    return role, "weak_suspect"


def _open_role(ctx: Context, cand: Candidate, d: _Data) -> tuple[str, str]:
    """A name introduced by an open cue (``居民``, ``市民``…) that no rule placed: a victim when its sentence
    tells a fraud victim's side (``按…的要求缴纳``, ``对方将其拉黑``) and of no offence, else left open
    (``other``, source ``open``: a later mention's role decides in ``finalize``)."""
    rest = _sentence_rest(ctx, cand.data.get("title_end", cand.end))
    if _victim_sentence(rest, d.open_victim_re, "person.role.open_victim", d):
        return "victim", "weak"
    fire("person.role.cue")
    return "other", "open"


def _person_before(ctx: Context, cand: Candidate) -> Candidate | None:
    """The PERSON candidate of ``ctx.cands`` that ends last at or before ``cand``'s start (not ``cand``).

    A binary search over the article's PERSON candidates ordered by end, built once per
    ``ctx.cands`` list: walking the candidates for every name made an article with many names
    quadratic (issue #13)."""
    cache = getattr(ctx, "_jn_person_ends", None)
    if cache is None or cache[0] is not ctx.cands:
        persons = sorted((c for c in ctx.cands if c.label == LABEL), key=lambda c: (c.end, c.start))
        cache = (ctx.cands, persons, [c.end for c in persons])
        ctx._jn_person_ends = cache  # type: ignore[attr-defined]
    _, persons, ends = cache
    k = bisect.bisect_right(ends, cand.start) - 1
    while k >= 0 and persons[k] is cand:
        k -= 1
    return persons[k] if k >= 0 else None


def _role(cand: Candidate, ctx: Context, name: str, d: _Data) -> tuple[str, str]:
    left = _left(ctx, cand.start)
    cue_role = cand.data.get("role")
    if (cand.start > 0 and ctx.text[cand.start - 1] in "“\"" and (cue_role or cand.data.get("kind") == "title")
            and d.alias_re.search(left)):
        # 自称是外地公安机关的“孙警官”: a quoted alias after 自称 is the fraudster, not the person impersonated
        fire("person.role.left.alias")
        cand.data["alias"] = True
        return "suspect", "context"
    if (cand.data.get("kind") == "title" and d.alias_title_re.search(left)
            and name.endswith(tuple(w for w, (_r, role) in d.title_kind.items() if role == "officer"))):
        fire("person.role.alias_title")  # 对方自称是办案民警钱警官: the caller's own alias
        cand.data["alias"] = True
        return "suspect", "context"
    if d.deceased_re.match(ctx.text, cand.data.get("title_end", cand.end)):
        fire("person.role.deceased")  # 陆维钧故居 / 陆老生前: someone who has died is no party of the case
        return "other", "cue"
    if d.accused_left_re.search(left) and d.accused_right_re.match(_right(ctx, cand.data.get("title_end", cand.end))):
        fire("person.role.left.accused")  # 对方自称民警，称吴女士牵涉洗钱: the one falsely accused is the victim
        return "victim", "context"
    modifier = False
    if d.pretend_re.search(left) or d.alias_re.search(left):
        # 自称是刘女士常用的软件的“客服”: 刘女士 only modifies what the fraudster pretends to be; neither the one
        # impersonated nor the alias
        modifier = bool(d.pretend_modifier_re.match(_right(ctx, cand.data.get("title_end", cand.end), 16)))
        if modifier:
            fire("person.role.pretend_modifier")
    if d.pretend_re.search(left) and not modifier:
        fire("person.role.pretend")
        return "other", "pretend"
    if cue_role and cand.data.get("kind") == "title" and not modifier and d.alias_re.search(left):
        # 自称“张警官”: the title is the alias a fraudster uses, not a police post
        fire("person.role.left.alias")
        cand.data["alias"] = True
        return "suspect", "context"
    if cue_role and cue_role != "other":
        fire("person.role.cue")
        return cue_role, "cue"
    if cue_role == "other" and cand.data.get("cue") in d.firm_other:
        fire("person.role.cue")  # 目击者金先生说，被骗者… : a witness or helper whatever the clause tells
        return "other", "cue"
    # a conjunct takes the role of the name before the conjunction
    c = _person_before(ctx, cand)
    posts = getattr(ctx, "_jn_person_posts", None)
    if c is not None and not (posts and name in posts and c.role in ("officer", "reporter", "correspondent")):
        # 协警小韩与朋友小贾…小韩和小贾: the friend does not become an officer (a victim's role is shared: 冯某及其儿子)
        between = ctx.text[c.end:cand.start]
        if (c.role and c.data.get("role_src") not in ("default", "weak", "weak_suspect", "open", None)
                and d.coord_re.match(between)):
            fire("person.role.coord")
            return c.role, "coord"
    known = ctx.person_roles.get(name)
    if known:
        fire("person.role.known")
        return known, "known"
    right = _right(ctx, cand.data.get("title_end", cand.end), 48)
    if d.collision_left_re.search(left) and d.collision_right_re.match(right):
        fire("person.role.left.collision")  # 轿车…与蔡某骑行的单车发生碰撞: the other party of the crash
        return "victim", "context"
    if d.killed_left_re.search(left) and d.killed_right_re.match(right):
        fire("person.role.left.killed")  # 持刀将钱某、孙某二人刺死: the one killed or wounded
        return "victim", "context"
    if d.attacked_left_re.search(left) and d.attacked_right_re.match(right):
        fire("person.role.left.attacked")  # 孙某对路人吴某实施殴打: the person attacked
        return "victim", "context"
    for rid, role, pat in d.first_rules:
        if modifier and rid == "person.role.left.alias":
            continue
        if pat.search(left):
            fire(rid)
            cand.data["role_rule"] = rid
            if rid == "person.role.left.alias":
                cand.data["alias"] = True
            return role, "context"
    hit = _right_role(ctx, cand, right, d)
    if hit is None:
        # a coordinated list (张某某、王某被依法处以行政拘留): the predicate after the list gives every name its role
        end = _list_end(ctx.text, cand.data.get("title_end", cand.end), d)
        if end != cand.data.get("title_end", cand.end):
            tail = _right(ctx, end, 48)
            shared = d.coord_list_re.match(tail)
            hit = _right_role(ctx, cand, tail[shared.end():] if shared else tail, d)
            b = ctx.text.rfind("（", cand.end, end)
            if hit is None and b >= 0 and ctx.text[b + 1:b + 2] in "均都":
                # 钱某乙、孙某、周某甲（均另案处理）: a bracket after the list that speaks for every name
                hit = _right_role(ctx, cand, ctx.text[b:b + 48], d)
            if hit is not None:
                fire("person.role.coord_list")
    if hit is not None:
        return hit
    for rid, role, pat in d.left_rules:
        if pat.search(left):
            fire(rid)
            cand.data["role_rule"] = rid
            return role, "context"
    if cue_role:
        if cue_role == "other" and cand.data.get("cue") in d.open_cues:
            return _open_role(ctx, cand, d)
        fire("person.role.cue")
        return cue_role, "cue"
    if d.sentence_crime_re.search(left) or d.sentence_crime_re.search(_clause(right)):
        fire("person.role.sentence_crime")
        return "suspect", "weak"
    fire("person.role.default")
    return "other", "default"


def _right_role(ctx: Context, cand: Candidate, right: str, d: _Data) -> tuple[str, str] | None:
    """The role the first matching ``person.role.right.*`` rule gives from ``right`` (the text after the name), or None."""
    posts = getattr(ctx, "_jn_person_posts", None)
    post = ((cand.data.get("role") == "other" and cand.data.get("cue") not in d.open_cues)
            or bool(posts and cand.value and cand.value["name"] in posts))
    for rid, role, pat in d.right_rules:
        if pat.match(right):
            if rid in d.uncued_rules and cand.data.get("role"):
                continue  # 民警王某等人 / 村民李某等人: the cue tells who they are
            if rid in d.weak_rules and post:
                return None  # 朋友小贾骑摩托车… : a generic verb does not make a friend or a clerk a suspect
            fire(rid)
            cand.data["role_rule"] = rid
            if rid in d.weak_rules:
                return _weak_role(ctx, cand, role, d)
            return role, "context"
    return None


def resolve(cand: Candidate, ctx: Context) -> bool:
    """Fill ``{"name", "anonymized"}`` and the role; drop completed names whose full form is not in the article."""
    text = ctx.text[cand.start:cand.end]
    if cand.rule_id.startswith("person.byline"):
        cand.value = {"name": text, "anonymized": False}
        if cand.role is None:
            cand.role = "correspondent" if cand.rule_id.endswith("correspondent") else "reporter"
        cand.data["role_src"] = "byline"
        ctx.person_roles.setdefault(text, cand.role)
        return True
    d = _data(ctx.rules)
    name = cand.data.get("name") or text
    if name != text:
        lo, hi = ctx.start, ctx.end or len(ctx.text)
        if name not in ctx.text[lo:hi]:
            return False
    anonymized = "某" in name or "*" in name or cand.data.get("kind") == "pseudonym"
    cand.value = {"name": name, "anonymized": anonymized}
    role, src = _role(cand, ctx, name, d)
    cand.role = role
    cand.data["role_src"] = src
    if src == "cue" and role == "other":
        if getattr(ctx, "_jn_person_posts", None) is None:
            ctx._jn_person_posts = set()  # type: ignore[attr-defined]
        ctx._jn_person_posts.add(name)  # type: ignore[attr-defined]
    if src in ("cue", "coord") and role != "other":
        # a post or relation (朋友刘某, 店员王某) says who the person is, not their part in the case: later
        # mentions are read on their own (finalize lets an arrest or an offence make them a suspect)
        ctx.person_roles.setdefault(name, role)
    return True


def _same_surname_role(name: str, first: dict[str, str], cands: list[Candidate]) -> str | None:
    """赵女士 after 赵雅琴 (the only full name with that surname in the article): the same person's role.

    >>> _same_surname_role("赵女士", {"赵雅琴": "victim", "王浩": "officer"}, [])
    'victim'
    >>> _same_surname_role("王先生", {"王浩": "officer", "王小明": "victim"}, []) is None
    True
    """
    sur = name[1:] if name[:1] in "小老" and len(name) in (2, 3) else name[:-2]
    same = {n for n in first if n.startswith(sur) and len(n) - len(sur) in (1, 2) and "某" not in n
            and not n.endswith(("先生", "女士", "小姐"))}
    same |= {c.value["name"] for c in cands if c.value and c.data.get("kind") == "full"
             and c.value["name"].startswith(sur) and len(c.value["name"]) - len(sur) in (1, 2)}
    if len(same) != 1:
        return None
    return first.get(same.pop())


def _addressed(c: Candidate, d: _Data, text: str = "") -> bool:
    """A private person named the way police news names the public: surname + 先生/女士/小姐 (with or without
    the given name) or + a kinship term (李老汉, 王大爷), or after an open cue (市民, 村民, 男子…)."""
    if (c.rule_id in ("person.title.honorific", "person.title.kinship", "person.context.resident")
            or c.data.get("cue") in d.honorifics or c.data.get("cue") in d.open_cues):
        return True
    # 家住杏林小区的刘某 (introduced by where the person lives, as the public is)
    return bool(text) and d.resident_end_re.search(text, max(0, c.start - 32), c.start) is not None


def _fraud_story(ctx: Context, d: _Data) -> bool:
    """Whether the article tells a fraud (rules/person.yaml, ``person.role.fraud_addressed``)."""
    return bool(d.fraud_story_re.search(ctx.text, ctx.start, ctx.end or len(ctx.text)))


def _helpers(cands: list[Candidate], ctx: Context, d: _Data) -> set[str]:
    """Names of which a mention tells, in the rest of its sentence, that the person saw a deed done to someone
    else, feared for another person (``怀疑刘女士可能遭遇诈骗``) or stepped in (``冲上前``): helpers and witnesses."""
    out: set[str] = set()
    for c in cands:
        if not c.value or c.value["name"] in out:
            continue
        e = c.data.get("title_end", c.end)
        rest = _sentence_rest(ctx, e)
        for m in d.helper_re.finditer(rest):
            if m.group("who") is not None:
                a, b = e + m.start("who"), e + m.end("who")
                who = ctx.text[a:b]
                if not (any(w in who for w in d.helper_others)
                        or any(x.value and a <= x.start < b and x.value["name"] != c.value["name"] for x in cands)):
                    continue
            out.add(c.value["name"])
            break
    return out


#: rules whose suspect reading is strong enough to outweigh a possession's victim reading (person.role.suspect_wins)
_ACCUSING = frozenset({
    "person.role.right.arrested", "person.role.right.bracket_suspect", "person.role.right.gang",
    "person.role.right.suspicion", "person.role.left.arrest", "person.role.right.offence",
})


def _suspect_wins(cands: list[Candidate]) -> None:
    """A name cued as a suspect (犯罪嫌疑人钱某) or arrested in the article is the suspect also where only what
    the person owns (``person.role.right.possession``: 钱某的银行卡有异常资金流动, 从孙某手中购买) read it as
    the victim."""
    accused = {c.value["name"] for c in cands if c.value and c.role == "suspect"
               and (c.data.get("role_src") in ("cue", "coord") or c.data.get("role_rule") in _ACCUSING)}
    if not accused:
        return
    for c in cands:
        if (c.value and c.role == "victim" and c.value["name"] in accused
                and c.data.get("role_rule") == "person.role.right.possession"):
            fire("person.role.suspect_wins")
            c.role = "suspect"


def finalize(cands: list[Candidate], ctx: Context) -> None:
    """A name seen once with a role keeps it for its other mentions in the article: a role from a cue
    or a strong context first, else one from a weak context (a generic verb, an open cue's sentence).
    A fraud story is told from the victim's side: there, a name that only acts with generic verbs
    (先后…, 通过…) and is never arrested, accused or cued as a suspect is the victim."""
    d = _data(ctx.rules)
    _suspect_wins(cands)
    fraud = None
    if any(c.value and c.data.get("role_src") == "weak_suspect" for c in cands):
        fraud = _fraud_story(ctx, d)
    # outside fraud stories a generic verb's suspect counts like a strong context (theft records: the
    # actor is the thief); in a fraud story it is weak, and yields the victim when nothing stronger is told
    strong_srcs = ("cue", "byline", "context", "coord", "known")
    first: dict[str, str] = {}
    weak: dict[str, str] = {}
    generic: dict[str, str] = {}  # outside fraud stories: a generic verb's suspect, below any specific context
    posts: set[str] = set()  # names introduced by a post or relation cue (朋友刘某)
    aliases = {c.value["name"] for c in cands if c.value and c.data.get("alias") and c.role == "suspect"}
    for c in cands:
        src = c.data.get("role_src")
        if c.value and src in ("cue", "coord") and c.role == "other":
            posts.add(c.value["name"])
        elif c.value and src in strong_srcs:
            first.setdefault(c.value["name"], c.role or "other")
        elif c.value and src == "weak_suspect" and not fraud:
            generic.setdefault(c.value["name"], c.role or "other")
        elif c.value and src in ("weak", "weak_suspect"):
            weak.setdefault(c.value["name"], "victim" if src == "weak_suspect" else (c.role or "other"))
    specific = set(first)
    for name, role in generic.items():
        first.setdefault(name, role)
    pseudonyms = {c.value["name"] for c in cands if c.value and c.data.get("kind") == "pseudonym"}
    helpers: set[str] | None = None
    _helpers_memo: list[set[str]] = []

    def helpers_of(cs: list[Candidate]) -> set[str]:
        if not _helpers_memo:
            _helpers_memo.append(_helpers(cs, ctx, d))
        return _helpers_memo[0]

    for c in cands:
        src = c.data.get("role_src")
        if not c.value:
            continue
        name = c.value["name"]
        if name in pseudonyms:
            c.value["anonymized"] = True  # 小林（化名） … 小林
        if name in aliases and src != "byline":
            if c.role != "suspect":
                fire("person.role.alias_every")  # the alias a fraudster uses (自称“钱警官”) is the suspect in every mention
                c.role = "suspect"
            continue
        if src == "weak_suspect" and not fraud:
            if name in specific and first[name] != c.role:
                fire("person.role.known")  # 邰女士把购物袋放到脚边 … 拉开邰女士的挎包: a specific context wins
                c.role = first[name]
            continue  # else keeps its own role, as a strong context would
        if (src in ("cue", "coord") and c.role == "other" and first.get(name) == "victim"
                and c.data.get("cue") in d.relation_cues):
            # 称联系不上儿子杨某宇 … 杨某宇成功被唤醒，避免了损失: the relative is the victim the story is about
            fire("person.role.relation")
            c.role = "victim"
        elif (src in ("cue", "coord") and c.role == "other" and first.get(name) == "victim"
              and c.data.get("cue") not in d.firm_other and name not in helpers_of(cands)):
            # 企业负责人钱先生送来锦旗 … 钱先生被骗20万元: a post says what the person is, not their part in the
            # case; one told elsewhere to be the victim is the victim (a witness or bank clerk stays other)
            fire("person.role.post_victim")
            c.role = "victim"
        elif src in ("cue", "coord") and c.role == "other" and first.get(name) == "suspect":
            # 与朋友刘某…。李某某、刘某因寻衅滋事已被行政拘留: the friend is a suspect
            fire("person.role.known")
            c.role = "suspect"
        elif src in ("default", "weak", "weak_suspect", "open") and name in posts and name not in first:
            fire("person.role.known")
            c.role = "other"
        elif src in ("default", "weak", "weak_suspect", "open") and name in first:
            fire("person.role.open_cue" if src == "open" else "person.role.known")
            c.role = first[name]
        elif src in ("default", "open", "weak_suspect") and name in weak:
            if src == "weak_suspect" and weak[name] == "victim":
                fire("person.role.fraud_addressed")
            else:
                fire("person.role.known")
            c.role = weak[name]
        elif src == "default" and c.rule_id in ("person.title.honorific", "person.title.xiao_lao"):
            role = _same_surname_role(name, {**weak, **first}, [x for x in cands if x.start < c.start])
            if role and (role != "officer" or c.rule_id == "person.title.xiao_lao"):
                # 老李 may be an officer; police news calls no officer 李女士 (李鑫 the officer is someone else)
                fire("person.role.same_surname")
                c.role = role
        if c.role == "other" and src in ("default", "open") and _addressed(c, d, ctx.text):
            if fraud is None:
                fraud = _fraud_story(ctx, d)
            if fraud and helpers is None:
                helpers = _helpers(cands, ctx, d)
            if fraud and name in helpers:
                fire("person.role.helper")  # 司机梁师傅怀疑乘客可能被骗 / 张先生冲上前: a helper or witness
            elif fraud:
                # 刘先生 / 市民陈某 in a fraud story, placed by no rule: police news names its fraud victims so
                fire("person.role.fraud_addressed")
                c.role = "victim"
    _surname_groups(cands)
    for name, role in first.items():
        ctx.person_roles.setdefault(name, role)


def _surname_groups(cands: list[Candidate]) -> None:
    """李姓少年 (a suspect by its cue) … 李 … 李男: the mentions of one surname's 姓-forms share the role
    of the first that has one (a cue's role first)."""
    groups: dict[str, list[Candidate]] = {}
    for c in cands:
        g = c.data.get("surname_group")
        if g and c.value:
            groups.setdefault(g, []).append(c)
    for members in groups.values():
        cued = [c for c in members if c.data.get("role_src") == "cue" and c.role != "other"]
        ranked = cued or [c for c in members if c.role and c.role != "other"]
        if not ranked:
            continue
        role = min(ranked, key=lambda c: c.start).role
        for c in members:
            if c.role != role:
                fire("person.role.surname_form")
                c.role = role
