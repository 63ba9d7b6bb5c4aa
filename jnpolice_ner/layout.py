"""The page reader: a newspaper page → article segments (headline, byline, dateline, repaired body).

A page is read as lines. Headings (``#``…) and short unpunctuated lines are headline
candidates; a heading is an article's headline when a byline, a subheadline (``——…``) or a
dateline paragraph (``本报金乡讯``) follows it, or an orphan byline stands just before it.
Bylines are parsed into reporters and correspondents (``□ 记者 尹彤 通讯员 苏培银 熊媛媛 报道``,
``本报讯（记者朱丽华通讯员张武贾罡）``, ``（周详 记者文宇）``). Two layout repairs are made:
a paragraph ending mid-sentence is joined to its continuation (the next paragraph, or the
article's first fragment when it is the last one), and a lead paragraph displaced behind a
section is moved back to the start (the article is read from it, wrapping around).

>>> segs = segment("## 民警追回被骗款\\n\\n□ 记者 王小川 通讯员 赵立 报道\\n\\n**本报金乡讯** 昨日，群众报警称被骗。")
>>> segs[0].headline, segs[0].reporters, segs[0].correspondents
('民警追回被骗款', ['王小川'], ['赵立'])
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from .candidates import Candidate
from .ruleset import RuleSet, load_rules
from .textnorm import normalize
from .trace import fire


@dataclass
class Segment:
    """One article's place in the page, before entity resolution."""

    start: int
    end: int
    headline: str = ""
    subheadline: str | None = None
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    dateline_value: dict[str, Any] | None = None
    #: byline PERSON and dateline PLACE candidates (offsets into the page)
    candidates: list[Candidate] = field(default_factory=list)
    #: body pieces in repaired reading order: each a list of (start, end) page ranges to concatenate
    body: list[list[tuple[int, int]]] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Line:
    start: int  # content start (page offset, after indentation)
    end: int  # content end (trailing spaces stripped)
    raw: str  # content text
    kind: str = "para"  # heading | byline | credit | furniture | para
    level: int = 0  # heading level (# count)
    text: str = ""  # heading text with markup stripped


class _Config:
    def __init__(self, rules: RuleSet):
        f = rules["layout"]
        self.dateline_rules = [r for r in f.rules if r.id.startswith("layout.dateline.")]
        self.furniture_re = f.rule("layout.furniture.stamp").compiled
        # credit lines of page furniture (layout.credit.*): role word, separator, names; one or more a line
        credit_roles = sorted(f.extra("credit_roles", []), key=len, reverse=True)
        self.credit_roles = set(credit_roles)
        self.credit_max = int(f.extra("credit_line_max_chars", 60))
        credit_alt = "|".join(regex.escape(w) for w in credit_roles) or "(?!)"
        role_sep = regex.escape(f.extra("credit_role_separators", "：:"))
        credit_sep = regex.escape(f.extra("credit_separators", "|"))
        # the gap before the next credit: spaces, or a credit separator with optional spaces around it
        gap = rf"(?:\s+(?:[{credit_sep}]\s*)?|[{credit_sep}]\s*)"
        next_credit = rf"(?:{credit_alt})(?:\s*[{role_sep}]|\s)"
        self.credit_item_re = regex.compile(
            rf"(?P<role>{credit_alt})(?:\s*[{role_sep}]\s*|\s+)"
            rf"(?P<names>[\p{{Han}}·][\p{{Han}}·、\s]{{1,29}}?)(?={gap}{next_credit}|\s*$)"
        )
        self.credit_gap_re = regex.compile(gap)
        self.markers = f.extra("byline_markers", "□")
        roles: dict[str, str] = f.extra("byline_roles", {})
        self.roles = dict(sorted(roles.items(), key=lambda kv: -len(kv[0])))
        self.generic_roles = tuple(f.extra("generic_byline_roles", []))
        self.closers = sorted(f.extra("byline_closers", []), key=len, reverse=True)
        self.collective = set(f.extra("collective_credits", []))
        outlets = sorted(f.extra("outlet_suffixes", []), key=len, reverse=True)
        self.outlet_re = regex.compile("(?:" + "|".join(regex.escape(o) for o in outlets) + ")$") if outlets else None
        self.final = set(f.extra("sentence_final", "。"))
        self.lead_openers = f.extra("lead_openers", [])
        self.headline_max = int(f.extra("headline_max_chars", 40))
        role_alt = "|".join(regex.escape(w) for w in self.roles)
        closer_alt = "|".join(regex.escape(w) for w in self.closers)
        self.role_re = regex.compile(f"(?:{role_alt})")
        self.closer_end_re = regex.compile(f"(?:{closer_alt})$")
        # a byline line: markers, then role words / names / separators only
        self.line_re = regex.compile(
            rf"^[{regex.escape(self.markers)}\s]*[（(]?(?:(?:{role_alt})|[\p{{Han}}·]{{2,4}})"
            rf"(?:[\s、，,/]*(?:(?:{role_alt})|(?:{closer_alt})|[\p{{Han}}·]{{1,12}}))*[\s]*[）)]?$"
        )
        try:
            surnames = rules.lexicon("surnames")
        except Exception:  # the lexicon is optional for the page reader
            surnames = []
        self.surnames = set(surnames)
        self.compound_surnames = {s for s in surnames if len(s) == 2}
        self.not_names = frozenset(f.extra("not_names", []))


@functools.lru_cache(maxsize=4)
def _config(rules: RuleSet) -> _Config:
    return _Config(rules)


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        s = raw.rstrip()
        lead = len(s) - len(s.lstrip())
        content = s.strip()
        if content:
            out.append(_Line(pos + lead, pos + lead + len(content), content))
        pos += len(raw) + 1
    return out


#: a heading line: its level and its text; the text's surrounding spaces are stripped in Python
#: (``_strip_markup``): a lazy ``(.*?)\s*$`` backtracked over every run of spaces inside the line,
#: quadratic in the run's length (issue #13: ``"#a" + " " * N + "b"``)
_HEADING_RE = regex.compile(r"^(#{1,6})(.*)$")
_BRACKET_BYLINE_RE = regex.compile(r"^\s*[（(]([^（）()]{2,40})[）)]")
_TRAILING_BRACKET_BYLINE_RE = regex.compile(r"(?<=[。！？”])\s*[（(]([^（）()]{2,40})[）)]\s*$")
_TOKEN_RE = regex.compile(r"[\p{Han}·]+")
_SPACED_NAME_RE = regex.compile(r"(?<![\p{Han}])(\p{Han})[ \u3000](\p{Han})(?![\p{Han}])")
# layout.byline.scattered: an unbracketed byline after a dateline's 讯 that closes with 报道: (某某网讯 记者张三、
# 通讯员李四报道:), a photo credit closing a caption line (…落网。张三 摄), a line of names only (张三 李四 王五)
_INLINE_BYLINE_RE = regex.compile(r"^\s*\p{Han}{1,10}讯\s*(?P<by>[\p{Han}、 ]{2,40}?)(?:摄影)?报道[:：]")
_PHOTO_CREDIT_RE = regex.compile(r"(?:^|(?<=[。！？!?]))\s*(?P<name>\p{Han}{2,3})[ \u3000]+摄\s*$")
_NAMES_LINE_RE = regex.compile(r"^\s*\p{Han}{2,3}(?:[ \u3000]+\p{Han}{2,3}){1,4}\s*$")


def _strip_markup(s: str) -> str:
    s = s.strip().strip("*").strip()
    s = regex.sub(r"^[—–-]{1,4}", "", s)
    return s.strip().strip("*").strip()


def _heading_text(raw: str) -> str:
    m = _HEADING_RE.match(raw)
    return _strip_markup(m.group(2) if m else raw)


def _is_byline(line: _Line, cfg: _Config) -> bool:
    raw = line.raw
    if len(raw) > 60:
        return False
    body = raw.lstrip(cfg.markers + " \t")
    has_marker = len(body) < len(raw)
    has_role = cfg.role_re.search(body) is not None
    ends_closer = cfg.closer_end_re.search(body.rstrip("）)")) is not None
    if not (has_role or (has_marker and ends_closer) or (ends_closer and len(body) <= 24)):
        return False
    if regex.search(r"[。！？；，：\d]", body):
        return False
    if not (has_role or has_marker):
        # 张三 摄 / 李四 图: with no role word and no marker, what stands before the closer must read as names
        # (对方发来了视频截图 ends in 图 too)
        rest = cfg.closer_end_re.sub("", body.rstrip("）)")).strip()
        tokens = _TOKEN_RE.findall(rest)
        if not tokens or not all(_names_run(tok, cfg) for tok in tokens):
            return False
    return cfg.line_re.match(raw) is not None


def _names_run(word: str, cfg: _Config) -> bool:
    """``word`` is one name or names run together, each 2–4 characters opening with a surname."""
    parts = _split_names(word, cfg)
    return all(2 <= b - a <= 4 and (word[a] in cfg.surnames or word[a:a + 2] in cfg.compound_surnames)
               for a, b in parts)


def classify_lines(text: str, cfg: _Config) -> list[_Line]:
    lines = _lines(text)
    for ln in lines:
        m = _HEADING_RE.match(ln.raw)
        if m:
            ln.kind, ln.level, ln.text = "heading", len(m.group(1)), _strip_markup(m.group(2))
        elif _is_byline(ln, cfg):
            ln.kind = "byline"
        elif len(ln.raw) <= cfg.credit_max and parse_credits(ln.raw, cfg):
            ln.kind = "credit"
        elif len(ln.raw) <= 60 and cfg.furniture_re.match(ln.raw):
            ln.kind = "furniture"
    return lines


def _dateline_match(raw: str, cfg: _Config):
    for rule in cfg.dateline_rules:
        m = rule.compiled.match(raw)
        if m:
            return rule, m
    return None, None


def _split_names(chunk: str, cfg: _Config) -> list[tuple[int, int]]:
    """Split names run together (``张武贾罡`` → 张武, 贾罡) using the surname lexicon."""
    n = len(chunk)
    if n <= 3 or not cfg.surnames:
        return [(0, n)]
    # dynamic programming over partitions into 2–4 character names starting with a surname
    best: dict[int, tuple[int, list[tuple[int, int]]] | None] = {0: (0, [])}
    for i in range(n):
        if best.get(i) is None:
            continue
        cost, parts = best[i]  # type: ignore[misc]
        for size in (2, 3, 4):
            j = i + size
            if j > n:
                break
            piece = chunk[i:j]
            ok = piece[0] in cfg.surnames or piece[:2] in cfg.compound_surnames
            if size == 4 and piece[:2] not in cfg.compound_surnames:
                ok = False
            if not ok:
                continue
            c = cost + (0 if size == 2 else 1)
            if best.get(j) is None or c < best[j][0]:  # type: ignore[index]
                best[j] = (c, [*parts, (i, j)])
    if best.get(n):
        return best[n][1]  # type: ignore[index]
    return [(0, n)]


def parse_byline(s: str, offset: int, cfg: _Config, default_role: str = "reporter") -> list[tuple[int, int, str]]:
    """Names of a byline with page offsets and roles: ``记者 尹彤 通讯员 苏培银`` → [(…, 'reporter'), …].

    Names with no role word before them take ``default_role`` (annotation.md: reporter).
    """
    out: list[tuple[int, int, str]] = []
    role = default_role
    pos = 0
    n = len(s)
    token_re = _TOKEN_RE
    while pos < n:
        m = token_re.search(s, pos)
        if not m:
            break
        word, ws = m.group(0), m.start()
        i = 0
        while i < len(word):
            rm = cfg.role_re.match(word, i)
            if rm:
                role = cfg.roles[rm.group(0)]
                i = rm.end()
                continue
            # the rest up to the next role word is a run of names
            nxt = cfg.role_re.search(word, i)
            j = nxt.start() if nxt else len(word)
            chunk = word[i:j]
            cm = cfg.closer_end_re.search(chunk)
            if cm and cm.start() > 0 or (cm and cm.start() == 0 and chunk in cfg.closers):
                chunk = chunk[: cm.start()]
            is_outlet = cfg.outlet_re is not None and len(chunk) >= 3 and cfg.outlet_re.search(chunk) is not None
            if cm and out and _is_dateline_place(chunk):  # 记者 陈某 济南报道: the place of the dateline
                chunk = ""
            if chunk and chunk not in cfg.collective and not chunk.startswith("本报") and not is_outlet:
                for a, b in _split_names(chunk, cfg):
                    if b - a >= 2:
                        out.append((offset + ws + i + a, offset + ws + i + b, role))
            i = j
        pos = m.end()
    return out


def parse_credits(s: str, cfg: _Config) -> list[tuple[str, int, int]]:
    """The credits of a credit line, ``[(role word, names start, names end), …]``; [] when ``s`` is
    not a credit line (every part of it must be a credit: role word, separator, names).

    >>> cfg = _config(load_rules())
    >>> [(r, "编辑：张三 审核/李四、王五"[a:b]) for r, a, b in parse_credits("编辑：张三 审核/李四、王五", cfg)]
    [('编辑', '张三'), ('审核', '李四、王五')]
    """
    out: list[tuple[str, int, int]] = []
    pos, n = 0, len(s)
    while True:
        m = cfg.credit_item_re.match(s, pos)
        if m is None:
            return []
        out.append((m.group("role"), m.start("names"), m.end("names")))
        pos = m.end()
        g = cfg.credit_gap_re.match(s, pos)
        if g is not None:
            pos = g.end()
        if pos >= n or not s[pos:].strip():
            return out


def parse_credit_names(s: str, offset: int, cfg: _Config) -> list[tuple[int, int]]:
    """Names of one credit (``李四、王五``, ``胡立荣 李明``) with page offsets; role words and
    collective credits (编辑部) are not names; names run together are split by surname."""
    out: list[tuple[int, int]] = []
    for m in _SPACED_NAME_RE.finditer(s):
        # 曹 轶: a two-character name printed letter-spaced is one name (its span keeps the space)
        if m.group(1) in cfg.surnames:
            out.append((offset + m.start(), offset + m.end()))
    if out:
        return out
    for m in _TOKEN_RE.finditer(s):
        word = m.group(0)
        if word in cfg.credit_roles or word in cfg.collective or word in cfg.not_names:
            continue
        for a, b in _split_names(word, cfg):
            if b - a >= 2:
                out.append((offset + m.start() + a, offset + m.start() + b))
    return out


def _place_lookup(name: str) -> dict[str, Any] | None:
    try:
        from .entities import place
    except ImportError:  # pragma: no cover
        return None
    lookup = getattr(place, "lookup", None)
    if lookup is None:
        return None
    try:
        return lookup(name)
    except Exception:
        return None


def _is_dateline_place(chunk: str) -> bool:
    """True when a byline chunk glued to its closer is a province, city or county (``济南``报道)."""
    hit = _place_lookup(chunk) if len(chunk) >= 2 else None
    return bool(hit) and hit.get("level") in ("province", "city", "county")


def _ends_sentence(raw: str, cfg: _Config) -> bool:
    return raw[-1] in cfg.final


def segment(text: str, rules: RuleSet | None = None) -> list[Segment]:
    """Split a page into article segments in reading order (offsets into ``text``)."""
    return [seg for _, _, seg in _segment_block(text, rules)[1]]


def _segment_block(text: str, rules: RuleSet | None = None) -> tuple[list[_Line], list[tuple[int, bool, Segment]]]:
    """The lines of ``text`` and its segments, each with the index of its first line and whether it
    opens at a headline found from the lines around it (a place ``iter_segments`` may cut the page
    at). A lone or leading title depends on the whole page before it, and so does a brief's
    dateline (it is looked for only after the page's first headline): no cut there."""
    if not text.strip():
        return [], []
    rules = rules or load_rules()
    cfg = _config(rules)
    norm = normalize(text)
    lines = classify_lines(norm, cfg)
    if not lines:
        return lines, []
    heads = _find_headlines(lines, cfg)
    local = {first for first, _ in heads}
    if not heads:
        lone = _lone_title(lines, cfg)
        if lone is not None:
            fire("layout.headline.lone")
            heads = [(lone, lone)]
    if heads:
        lead = _leading_title(lines, heads[0][0], cfg)
        if lead is not None:
            # 警情通报 / a bulletin at the top of the page, before the first bylined article
            fire("layout.headline.lone")
            heads.insert(0, (lead, lead))
    if heads:
        # a dateline paragraph right after body text starts a new brief (简讯: several 本报X讯 items)
        starts = {first for first, _ in heads}
        titles = {h for _, h in heads if h is not None}
        for i in range(heads[0][0] + 1, len(lines)):
            ln = lines[i]
            if ln.kind == "para" and lines[i - 1].kind == "para" and i not in starts and i - 1 not in titles \
                    and _dateline_match(ln.raw, cfg)[0] is not None:
                fire("layout.brief.dateline")
                heads.append((i, None))
        heads.sort(key=lambda h: h[0])
    segs: list[tuple[int, bool, Segment]] = []
    if not heads:
        segs.append((0, False, _build(lines, 0, len(lines), None, text, norm, cfg)))
    else:
        # leading material before the first article (page furniture) is not an article
        for k, (first, head_idx) in enumerate(heads):
            stop = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
            segs.append((first, first in local, _build(lines, first, stop, head_idx, text, norm, cfg)))
    return lines, [s for s in segs if s[2].end > s[2].start]


#: characters of a page ``iter_segments`` reads at a time (more when one article is longer)
BLOCK_CHARS = 100_000
#: lines of context on each side of a cut between two blocks: a headline is decided by the few
#: lines around it (a byline before it, a byline, subheadline or dateline within five lines after)
MARGIN_LINES = 12


def iter_segments(text: str, rules: RuleSet | None = None, block_chars: int = BLOCK_CHARS) -> Iterator[Segment]:
    """``segment(text)`` one segment at a time, reading the page a block of lines at a time.

    A block is cut at an article's headline that has ``MARGIN_LINES`` lines of the block on each
    side; the next block starts that many lines before the cut, so every headline is decided with
    the lines around it, as when the page is read whole (tests/test_big_page.py compares the two,
    with blocks down to one line). A block with no such headline (one very long article) is read
    again twice as long. Memory: a block and one article, not the page.

    >>> page = "\\n\\n".join(f"## 民警追回被骗款{k}\\n\\n本报讯 昨日，群众报警称被骗{k}万元。" for k in range(1, 40))
    >>> [s.headline for s in iter_segments(page, block_chars=200)] == [s.headline for s in segment(page)]
    True
    """
    n = len(text)
    pos, keep_from, size = 0, 0, max(1, block_chars)
    while True:
        end = n if pos + size >= n else text.find("\n", pos + size)
        end = n if end < 0 else end + 1
        lines, segs = _segment_block(text[pos:end], rules)
        cut = None if end >= n else _cut(lines, segs, pos > 0)
        if end < n and cut is None:
            size *= 2  # no safe cut in this block: read a longer one
            continue
        for _, _, seg in segs:
            if seg.start + pos >= keep_from and (cut is None or seg.start < cut[0]):
                yield shifted(seg, pos)
        if cut is None:
            return
        keep_from, next_pos = pos + cut[0], pos + cut[1]
        pos, size = next_pos, max(1, block_chars)


def _cut(lines: list[_Line], segs: list[tuple[int, bool, Segment]], overlap: bool) -> tuple[int, int] | None:
    """(the last safe cut of a block, where the next block starts), offsets into the block.

    The next block starts right after the line ``MARGIN_LINES`` lines before the cut (only blank
    space lies between the two, so the lines it reads are the page's). In a block that starts
    ``MARGIN_LINES`` lines before the previous cut, the new cut must lie after that one."""
    for first, local, seg in reversed(segs):
        if first <= (MARGIN_LINES if overlap else 0):
            return None
        if local and len(lines) - first >= MARGIN_LINES and first > MARGIN_LINES:
            return seg.start, lines[first - MARGIN_LINES - 1].end
    return None


def shifted(seg: Segment, by: int) -> Segment:
    """``seg`` with every offset moved by ``by`` (from a block to the page)."""
    if not by:
        return seg
    seg.start += by
    seg.end += by
    for c in seg.candidates:
        c.start += by
        c.end += by
    seg.body = [[(a + by, b + by) for a, b in piece] for piece in seg.body]
    return seg


def _is_subheadline(ln: _Line, cfg: _Config) -> bool:
    """A subheadline line: ``——…`` (or ``—…``), as a heading or as a short unpunctuated plain line."""
    if ln.kind == "heading":
        return bool(ln.text) and ln.raw.lstrip("#").strip().startswith("—")
    raw = ln.raw.strip()
    return ln.kind == "para" and raw.startswith("—") and _short_title(ln, cfg)


def _short_title(ln: _Line, cfg: _Config) -> bool:
    """A short paragraph with no sentence punctuation: it may be a headline."""
    return (
        ln.kind == "para"
        and len(ln.raw) <= cfg.headline_max
        and not _ends_sentence(ln.raw, cfg)
        and not regex.search(r"[。，；：！？]", ln.raw)
    )


def _title_line(ln: _Line, cfg: _Config) -> bool:
    """A line that may be a headline: a heading with text or a short unpunctuated line, not a subheadline."""
    if ln.kind == "heading":
        return bool(ln.text) and not _is_subheadline(ln, cfg)
    return _short_title(ln, cfg) and not _is_subheadline(ln, cfg)


def _next_content(lines: list[_Line], i: int, stop: int) -> _Line | None:
    """The first line after ``i`` and before ``stop`` that is not page furniture."""
    return next((lines[k] for k in range(i + 1, stop) if lines[k].kind != "furniture"), None)


def _lone_title(lines: list[_Line], cfg: _Config) -> int | None:
    """The headline of a page that is one article with no byline or dateline (a press release, a
    web report): its first line, a heading or a short unpunctuated line, when body text follows.

    >>> segment("# 民警守住老人80万元\\n\\n3月12日，李某接到诈骗电话。")[0].headline
    '民警守住老人80万元'
    """
    first = next((i for i, ln in enumerate(lines) if ln.kind != "furniture"), None)
    if first is None or not _title_line(lines[first], cfg):
        return None
    body = _next_content(lines, first, len(lines))
    if body is None or body.kind != "para" or _short_title(body, cfg):
        return None
    return first


def _leading_title(lines: list[_Line], stop: int, cfg: _Config) -> int | None:
    """A headline among the lines before ``stop`` (the first bylined article) that body text follows:
    a bulletin with no byline at the top of a page. Page furniture (a page header) is passed over."""
    for i in range(stop):
        if lines[i].kind == "furniture" or not _title_line(lines[i], cfg):
            continue
        body = _next_content(lines, i, stop)
        if body is None:
            return None
        if body.kind == "para" and not _short_title(body, cfg) and _ends_sentence(body.raw, cfg):
            return i
    return None


def _find_headlines(lines: list[_Line], cfg: _Config) -> list[tuple[int, int]]:
    """(first line index of the article, headline line index) for every article."""

    def next_idx(i: int) -> int | None:
        return i + 1 if i + 1 < len(lines) else None

    def is_dateline_para(ln: _Line) -> bool:
        return ln.kind == "para" and _dateline_match(ln.raw, cfg)[0] is not None

    def short_title(ln: _Line) -> bool:
        return _short_title(ln, cfg)

    result: list[tuple[int, int]] = []
    taken_bylines: set[int] = set()
    for i, ln in enumerate(lines):
        if not (ln.kind == "heading" or short_title(ln)):
            continue
        if _is_subheadline(ln, cfg):
            continue  # a subheadline
        j = next_idx(i)
        hops = 0
        while j is not None and lines[j].kind == "furniture" and hops < 3:
            j, hops = next_idx(j), hops + 1
        follows = lines[j] if j is not None else None
        if follows is not None and _is_subheadline(follows, cfg):
            k = next_idx(j)
            follows = lines[k] if k is not None else None
        is_head = False
        first = i
        if follows is not None and (follows.kind == "byline" or is_dateline_para(follows)):
            is_head = True
        prev = lines[i - 1] if i > 0 else None
        if (prev is not None and prev.kind == "byline" and (i - 1) not in taken_bylines
                and not prev.raw.strip().startswith(("（", "("))):
            # a byline standing before its headline (not the wrapped tail of an earlier byline, and not a
            # bracketed byline, which closes the article before it: （本报记者 袁某 通讯员 朱某）)
            p2 = lines[i - 2] if i > 1 else None
            if p2 is None or p2.kind != "heading":
                is_head = True
                first = i - 1
                while first > 0 and lines[first - 1].kind == "byline":
                    first -= 1
        if ln.kind == "para" and not is_head:
            continue
        if ln.kind == "para" and follows is not None and follows.kind != "byline" and not is_dateline_para(follows):
            continue
        if is_head:
            # mark the bylines that belong to this headline
            k = (j if j is not None else i) if follows is not None else i
            while k is not None and k < len(lines) and lines[k].kind in ("byline", "heading") and k <= i + 4:
                if lines[k].kind == "byline":
                    taken_bylines.add(k)
                k += 1
            result.append((first, i))
    # an orphan trailing byline right before the next headline belongs to that headline, not the body:
    return result


def _build(lines: list[_Line], first: int, stop: int, head_idx: int | None, text: str, norm: str,
           cfg: _Config) -> Segment:
    seg_lines = lines[first:stop]
    seg = Segment(start=seg_lines[0].start, end=seg_lines[-1].end)
    byline_lines: list[_Line] = []
    body: list[_Line] = []
    if head_idx is not None:
        h = lines[head_idx]
        seg.headline = _heading_text(text[h.start:h.end])
        after = head_idx + 1
        if after < stop and _is_subheadline(lines[after], cfg):
            seg.subheadline = _heading_text(text[lines[after].start:lines[after].end])
            after += 1
        byline_lines = [ln for ln in lines[first:head_idx] if ln.kind == "byline"]
        k = after
        while k < stop and lines[k].kind in ("byline", "furniture"):
            if lines[k].kind == "byline":
                byline_lines.append(lines[k])
            else:
                fire("layout.furniture.stamp")
            k += 1
        body = lines[k:stop]
    else:
        body = list(seg_lines)
        while body and body[0].kind in ("byline", "furniture"):
            ln = body.pop(0)
            if ln.kind == "byline":
                byline_lines.append(ln)
    credits = [ln for ln in body if ln.kind == "credit"]
    body = [ln for ln in body if ln.kind != "credit"]
    # a trailing byline (article's last line)
    if body and body[-1].kind == "byline":
        tail = body.pop()
        byline_lines.append(tail)
        fire("layout.byline.trailing")
    names: list[tuple[int, int, str]] = []
    # a byline in brackets closing the last paragraph: …罚金人民币5000元。（记者 韩某某）
    last_para = next((ln for ln in reversed(body) if ln.kind == "para"), None)
    if last_para is not None:
        tm = _TRAILING_BRACKET_BYLINE_RE.search(last_para.raw)
        if tm and cfg.role_re.search(tm.group(1)):
            fire("layout.byline.trailing")
            off = last_para.start + tm.start(1)
            names.extend(parse_byline(norm[off:off + len(tm.group(1))], off, cfg))
    for bl in byline_lines:
        fire("layout.byline.line")
        names.extend(parse_byline(norm[bl.start:bl.end], bl.start, cfg))
    # dateline and inline byline in the first body paragraph
    first_para = next((ln for ln in body if ln.kind == "para"), None)
    if first_para is not None:
        rule, m = _dateline_match(first_para.raw, cfg)
        if m is not None:
            fire(rule.id)
            outlet = m.group("outlet")
            if outlet and outlet != "本报":
                os_, oe = first_para.start + m.start("outlet"), first_para.start + m.end("outlet")
                seg.candidates.append(Candidate(
                    "ORG", os_, oe, rule.id, score=0.9, priority=10,
                    data={"name": text[os_:oe], "kind": "company"},
                ))
            if m.group("place"):
                ps, pe = first_para.start + m.start("place"), first_para.start + m.end("place")
                value = _place_lookup(norm[ps:pe])
                seg.dateline_value = value
                seg.candidates.append(Candidate(
                    "PLACE", ps, pe, rule.id, score=0.95, priority=10,
                    value=value, data={"name": norm[ps:pe], "dateline": True},
                ))
            rest = first_para.raw[m.end():]
            im = _BRACKET_BYLINE_RE.match(rest)
            if im and cfg.role_re.search(im.group(1)):
                fire("layout.byline.inline")
                off = first_para.start + m.end() + im.start(1)
                names.extend(parse_byline(norm[off:off + len(im.group(1))], off, cfg))
        else:
            im = _BRACKET_BYLINE_RE.match(first_para.raw)
            if im and cfg.role_re.search(im.group(1)):
                fire("layout.byline.inline")
                off = first_para.start + im.start(1)
                names.extend(parse_byline(norm[off:off + len(im.group(1))], off, cfg))
    for cl in credits:
        found = parse_credits(norm[cl.start:cl.end], cfg)
        fire("layout.credit.multi" if len(found) > 1 else "layout.credit.line")
        for _, a, b in found:
            for s, e in parse_credit_names(norm[cl.start + a:cl.start + b], cl.start + a, cfg):
                seg.candidates.append(Candidate(
                    "PERSON", s, e, "person.byline.editor", score=0.9, priority=10, role="other",
                    value={"name": text[s:e], "anonymized": False},
                ))
    taken = {(s, e) for s, e, _ in names} | {(c.start, c.end) for c in seg.candidates}
    for ln in seg_lines:
        if ln.kind == "heading" or (head_idx is not None and ln is lines[head_idx]):
            continue
        if ln.kind == "byline":  # a byline line inside the body (江城晚报记者 张三 实习生 李四)
            found = parse_byline(norm[ln.start:ln.end], ln.start, cfg)
        else:
            found = [(ln.start + a, ln.start + b, r) for a, b, r in scattered_names(norm[ln.start:ln.end], cfg, load_rules())]
        for s, e, role in found:
            if not any(s < te and ts < e for ts, te in taken):
                fire("layout.byline.scattered")
                taken.add((s, e))
                if role == "other":
                    seg.candidates.append(Candidate(
                        "PERSON", s, e, "person.byline.editor", score=0.9, priority=10, role="other",
                        value={"name": text[s:e], "anonymized": False}))
                else:
                    names.append((s, e, role))
    # 作者 tells no part: the role the article's byline gives the same name, else reporter
    generic = set(cfg.generic_roles)
    told = {text[s:e]: role for s, e, role in names if role not in generic}
    if any(role in generic for _, _, role in names):
        fire("layout.byline.author")
        names = [(s, e, told.get(text[s:e], "reporter") if role in generic else role) for s, e, role in names]
    for s, e, role in names:
        name = text[s:e]
        (seg.reporters if role == "reporter" else seg.correspondents).append(name)
        seg.candidates.append(Candidate(
            "PERSON", s, e, f"person.byline.{role}", score=0.95, priority=10, role=role,
            value={"name": name, "anonymized": False},
        ))
    _repair(seg, body, text, cfg)
    ends = [seg.end] + [ln.end for ln in body] + [ln.end for ln in credits]
    seg.end = max(ends)
    return seg


def _repair(seg: Segment, body: list[_Line], text: str, cfg: _Config) -> None:
    """Order the body pieces for reading: joins of split paragraphs, a displaced lead moved first."""
    paras = [ln for ln in body]
    if not paras:
        return
    # joins: a para ending mid-sentence continues in the next para; the last one in the first fragment
    heading_before_first = next((i for i, ln in enumerate(paras) if ln.kind == "heading"), len(paras))
    joined_into: dict[int, int] = {}
    consumed: set[int] = set()
    for i, ln in enumerate(paras):
        if ln.kind != "para" or _ends_sentence(ln.raw, cfg) or i in consumed:
            continue
        if _dateline_match(ln.raw, cfg)[0] is not None and len(ln.raw) < 20:
            continue
        nxt = i + 1
        if nxt < len(paras) and paras[nxt].kind == "para" and nxt not in consumed:
            joined_into[i] = nxt
            consumed.add(nxt)
        elif nxt >= len(paras):
            # the article's last paragraph: its continuation is a fragment before the first heading
            for k in range(0, heading_before_first):
                if paras[k].kind == "para" and k not in consumed and k != i and k not in joined_into:
                    joined_into[i] = k
                    consumed.add(k)
                    break
    for i, k in joined_into.items():
        fire("layout.repair.join")
        seg.repairs.append({"join": [text[paras[i].start:paras[i].end], text[paras[k].start:paras[k].end]]})
    # move: a lead paragraph displaced behind a section, when the article has no lead of its own
    order = list(range(len(paras)))
    has_sections = sum(1 for ln in paras if ln.kind == "heading") >= 2
    own_lead = any(paras[k].kind == "para" and k not in consumed for k in range(heading_before_first))
    if has_sections and not own_lead:
        lead = _find_displaced_lead(seg, paras, consumed, cfg)
        if lead is not None:
            fire("layout.repair.move")
            seg.repairs.append({"move": [text[paras[lead].start:paras[lead].end], "start"]})
            order = order[lead:] + order[:lead]
    for i in order:
        if i in consumed:
            continue
        ln = paras[i]
        if ln.kind == "heading":  # a section heading: its text without the markup
            off = ln.raw.find(ln.text) if ln.text else -1
            if off < 0:
                continue
            seg.body.append([(ln.start + off, ln.start + off + len(ln.text))])
            continue
        piece = [(ln.start, ln.end)]
        j = i
        while j in joined_into:
            j = joined_into[j]
            piece.append((paras[j].start, paras[j].end))
        seg.body.append(piece)


def _bigrams(s: str) -> set[str]:
    s = regex.sub(r"[^\p{Han}A-Za-z0-9]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _find_displaced_lead(seg: Segment, paras: list[_Line], consumed: set[int], cfg: _Config) -> int | None:
    title = _bigrams((seg.headline or "") + (seg.subheadline or ""))
    if not title:
        return None
    best, best_score = None, 0.0
    for i, ln in enumerate(paras):
        if ln.kind != "para" or i in consumed or i + 1 >= len(paras) or paras[i + 1].kind != "heading":
            continue
        overlap = len(_bigrams(ln.raw) & title) / len(title)
        opener = any(ln.raw.startswith(o) or ln.raw[:8].find(o) >= 0 for o in cfg.lead_openers)
        score = overlap + (0.15 if opener else 0.0)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.35 else None


_FIELD_END_RE = regex.compile(r"[|｜)）】\]\n。；;]|\s{2,}(?=\S*[:：])|\s+(?=[\p{Han}]{1,5}[:：])|\d")
_BRACKET_RE = regex.compile(r"[（(【\[]([^（）()【】\[\]\n]{2,40})[）)】\]]")


@functools.lru_cache(maxsize=4)
def _scatter_config(rules: RuleSet) -> tuple[Any, dict[str, str], tuple[str, ...], frozenset[str]]:
    f = rules["layout"]
    roles = dict(_config(rules).roles)
    roles.update({w: "other" for w in f.extra("credit_roles", [])})
    alt = "|".join(regex.escape(w) for w in sorted(roles, key=len, reverse=True))
    label_re = regex.compile(rf"(?P<role>{alt})\s*[:：/／]\s*|^[\s（(【]*(?P<bare>{alt})\s+")
    return (label_re, roles, tuple(f.extra("bracket_byline_after", [])), frozenset(f.extra("not_names", [])))


@functools.lru_cache(maxsize=4)
def _outlet_stamp_re(rules: RuleSet) -> Any:
    pat = rules["layout"].rule("layout.byline.scattered").extra("outlet_stamp")
    return regex.compile(pat) if pat else regex.compile("(?!)")


def _name_like(word: str, cfg: _Config, not_names: frozenset[str]) -> bool:
    return (2 <= len(word) <= 4 and word not in not_names and word not in cfg.collective
            and (word[0] in cfg.surnames or word[:2] in cfg.compound_surnames))


_LOGIN_RE = regex.compile(r"[A-Za-z][A-Za-z0-9_.]{2,19}(?=\s|$|[|｜)）】\]])")
_NEXT_FIELD_RE = regex.compile(r"\s*(?:$|[|｜)）】\]]|\s[\p{Han}]{1,5}[:：])")


def _field_names(raw: str, at: int, role: str, cfg: _Config, not_names: frozenset[str]) -> list[tuple[int, int, str]]:
    """Names of one labelled field starting at ``at`` (``董彦良 吉万宏 柳文斌``), up to the field's end.

    An editor's credit may give a login (``责任编辑:zhangsan``); a field holding one name only, closed by the
    line's end or the next labelled field (``记者:阿兰 通讯员:…``), takes it even without a known surname."""
    end_m = _FIELD_END_RE.search(raw, at)
    stop = end_m.start() if end_m else len(raw)
    found = parse_byline(raw[at:stop], at, cfg, default_role=role)
    if not found and role == "other":
        m = _LOGIN_RE.match(raw, at)
        return [(at, m.end(), role)] if m else []
    if (len(found) == 1 and 2 <= found[0][1] - found[0][0] <= 3 and found[0][0] == at
            and raw[at:found[0][1]] not in not_names and raw[at:found[0][1]] not in cfg.collective
            and not cfg.role_re.search(raw[at:found[0][1]]) and _NEXT_FIELD_RE.match(raw, found[0][1])):
        return found
    out = []
    for s, e, r in found:
        if not _name_like(raw[s:e], cfg, not_names):
            break
        out.append((s, e, r))
    return out


def scattered_names(raw: str, cfg: _Config, rules: RuleSet) -> list[tuple[int, int, str]]:
    """Byline and credit names anywhere in a line (``layout.byline.scattered``), offsets into ``raw``.

    >>> cfg = _config(load_rules())
    >>> [("中新网盐城7月9日电(张华 李强)抓获"[s:e], r) for s, e, r in scattered_names("中新网盐城7月9日电(张华 李强)抓获", cfg, load_rules())]
    [('张华', 'reporter'), ('李强', 'reporter')]
    >>> [("来源:江城网 | 编辑:王立 | 作者:赵敏"[s:e], r) for s, e, r in scattered_names("来源:江城网 | 编辑:王立 | 作者:赵敏", cfg, load_rules())]
    [('王立', 'other'), ('赵敏', 'author')]
    """
    label_re, roles, after, not_names = _scatter_config(rules)
    out: list[tuple[int, int, str]] = []
    om = _outlet_stamp_re(rules).match(raw)
    if om:
        # 江城新闻·青川晚报 张三 2025-01-13 17:18 : an outlet, its reporters, the publication stamp
        a = om.start("names")
        found = parse_byline(om.group("names"), a, cfg)
        if found and all(_name_like(raw[s:e], cfg, not_names) for s, e, _ in found):
            out += found
    im = _INLINE_BYLINE_RE.match(raw)
    if im:
        found = parse_byline(im.group("by"), im.start("by"), cfg)
        if found and all(_name_like(raw[s:e], cfg, not_names) for s, e, _ in found):
            out += found
    pm = _PHOTO_CREDIT_RE.search(raw)
    if pm and _name_like(pm.group("name"), cfg, not_names):
        out.append((pm.start("name"), pm.end("name"), "reporter"))
    if _NAMES_LINE_RE.match(raw):
        toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(raw)]
        if all(_name_like(raw[a:b], cfg, not_names) for a, b in toks):
            out += [(a, b, "reporter") for a, b in toks]
    for m in label_re.finditer(raw):
        if m.group("bare") and len(raw) > 40:
            continue
        role = roles[m.group("role") or m.group("bare")]
        out += _field_names(raw, m.end(), role, cfg, not_names)
    for m in _BRACKET_RE.finditer(raw):
        inner = m.group(1)
        if any(s < m.end() and e > m.start() for s, e, _ in out):
            continue
        has_role = cfg.role_re.search(inner) is not None
        before = raw[: m.start()].rstrip()
        placed = not before or before.endswith(after) or before[-1] in cfg.final and not raw[m.end():].strip()
        tokens = _TOKEN_RE.findall(inner)
        if not tokens or regex.search(r"[^\p{Han}·\s、,，:：/]", inner) or not (has_role or placed):
            continue
        found = parse_byline(inner, m.start(1), cfg)
        if found and all(_name_like(raw[s:e], cfg, not_names) for s, e, _ in found):
            out += found
    return out
