"""Reading a page chunk by chunk and article by article gives the results of reading it whole.

``extract_entities`` recognizes and resolves a window of whole articles at a time
(``recognizer.iter_candidates``) and ``extract`` keeps only each article's cases
(``page.iter_cases``). The references below are the whole-page code paths they replaced,
kept here to prove nothing changed: on every corpus page, on all of them joined and repeated,
and on a page with furniture (a masthead, a stamp between articles) outside every article.
"""

from __future__ import annotations

import bisect
import json
from pathlib import Path

import pytest

import jnpolice_ner as jn
from jnpolice_ner import layout
from jnpolice_ner.candidates import resolve_overlaps
from jnpolice_ner.context import Context
from jnpolice_ner.page import build_article
from jnpolice_ner.recognizer import as_date, find_candidates, recognize_all, resolve_group
from jnpolice_ner.ruleset import load_rules
from jnpolice_ner.textnorm import normalize

PAGES = Path(__file__).resolve().parent.parent / "corpus" / "pages"
ISSUE = "2016-10-20"

# a masthead before the first article and a stamp line between two articles (fictional)
FURNITURE = (
    "金乡县公安局 主办 2016年10月20日 星期四\n\n"
    "## 民警帮助群众追回被骗款\n\n□ 记者 王小川 报道\n\n"
    "本报金乡讯 10月18日，市民李某报警称，他在网上购物时被骗走8000元。金乡县公安局城区派出所民警"
    "迅速展开调查，于当天将嫌疑人张某某抓获。\n\n"
    "（济宁市公安局 供稿）\n\n"
    "## 警方提醒：莫信刷单返利\n\n"
    "本报讯 近日，鱼台县公安局接到报警，王女士称被人以刷单返利为名骗走2万余元。\n"
)


def _pages() -> dict[str, str]:
    pages = {p.name: p.read_text("utf-8") for p in sorted(PAGES.glob("*.txt"))}
    joined = "\n\n".join(pages.values())
    pages["joined"] = joined
    pages["joined x3"] = "\n\n".join([joined] * 3)
    pages["sample x12"] = pages["sample_page.txt"] * 12
    pages["furniture"] = FURNITURE
    pages["furniture x3"] = "\n".join([FURNITURE] * 3)
    return pages


PAGE_TEXTS = _pages()


def whole_page_candidates(text: str, issue_date: str) -> list:
    """The former ``find_candidates``: recognize the whole page, then resolve article by article."""
    rules = load_rules()
    issue = as_date(issue_date)
    if not text.strip():
        return []
    norm = normalize(text)
    segments = layout.segment(text)
    cands = recognize_all(norm, rules)
    for seg in segments:
        cands.extend(seg.candidates)
    kept = resolve_overlaps(cands)
    bounds = sorted(((s.start, s.end, s) for s in segments), key=lambda b: b[0])
    starts = [b[0] for b in bounds]
    groups: dict[int, list] = {}
    for c in kept:
        i = bisect.bisect_right(starts, c.start) - 1
        groups.setdefault(i if i >= 0 and c.start < bounds[i][1] else -1, []).append(c)
    out = []
    for idx, group in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        seg = bounds[idx][2] if idx >= 0 else None
        ctx = Context(text=norm, rules=rules, issue_date=issue, dateline=seg.dateline_value if seg else None,
                      cands=group, start=seg.start if seg else 0, end=seg.end if seg else len(text))
        out.extend(resolve_group(group, ctx))
    out.sort(key=lambda c: c.start)
    return out


def _key(cands: list) -> list[str]:
    return [json.dumps([c.label, c.start, c.end, c.rule_id, c.role, c.value], ensure_ascii=False, sort_keys=True,
                       default=str) for c in cands]


def _dump(items) -> list[str]:
    return [json.dumps(x.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) for x in items]


def test_furniture_page_has_furniture():
    segs = layout.segment(FURNITURE)
    outside = [e for e in jn.extract_entities(FURNITURE, ISSUE)
               if not any(s.start <= e.start < s.end for s in segs)]
    assert outside, "the masthead should give entities outside every article"


@pytest.mark.parametrize("name", list(PAGE_TEXTS))
def test_entities_unchanged(name):
    text = PAGE_TEXTS[name]
    ref = _key(whole_page_candidates(text, ISSUE))
    assert ref
    # one window for the whole page, every article its own window, windows of a few articles
    for chunk in (10**9, 1, 700, None):
        assert _key(find_candidates(text, ISSUE, chunk_chars=chunk)) == ref, chunk
    ents = jn.extract_entities(text, issue_date=ISSUE)
    assert [(e.label, e.start, e.end, e.role, e.value) for e in ents] == \
        [(c.label, c.start, c.end, c.role if c.label == "PERSON" else None, c.value)
         for c in whole_page_candidates(text, ISSUE)]
    assert all(e.text == text[e.start:e.end] for e in ents)


@pytest.mark.parametrize("name", list(PAGE_TEXTS))
def test_page_and_cases_unchanged(name):
    text = PAGE_TEXTS[name]
    issue = as_date(ISSUE)
    ref_articles = [build_article(text, s, issue) for s in layout.segment(text)]
    page = jn.parse_page(text, issue_date=ISSUE)
    assert _dump(page.articles) == _dump(ref_articles)
    assert _dump(jn.iter_articles(text, issue_date=ISSUE)) == _dump(ref_articles)
    ref_cases = [c for a in ref_articles for c in a.cases]
    assert _dump(jn.extract(text, issue_date=ISSUE)) == _dump(ref_cases)


def test_iter_articles_checks_its_input_at_once():
    with pytest.raises(TypeError):
        jn.iter_articles(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        jn.iter_articles("text", issue_date="20 Oct")
    assert list(jn.iter_articles("   ")) == []


def _segments_key(segs) -> list[str]:
    from dataclasses import asdict

    return [json.dumps(asdict(s), ensure_ascii=False, sort_keys=True, default=str) for s in segs]


@pytest.mark.parametrize("name", list(PAGE_TEXTS))
def test_block_by_block_segments_equal_whole_page_segments(name):
    """``layout.iter_segments`` reads a block of lines at a time; a cut never changes a segment."""
    text = PAGE_TEXTS[name]
    ref = _segments_key(layout.segment(text))
    for block in (1, 120, 700, 3000):
        assert _segments_key(layout.iter_segments(text, block_chars=block)) == ref, block


def test_block_by_block_on_shuffled_lines():
    """Pages made of the corpus's lines in random order (headings, bylines, datelines, credits and
    paragraphs next to each other in every way): the blocks give the whole page's segments."""
    import random

    lines = [ln for t in PAGE_TEXTS.values() for ln in t.split("\n") if ln.strip()]
    rng = random.Random(15)
    cuts = 0
    for _ in range(25):
        picked = [rng.choice(lines) for _ in range(rng.randint(40, 160))]
        text = "".join(ln + rng.choice(["\n", "\n\n", "  \n\n"]) for ln in picked)
        ref = _segments_key(layout.segment(text))
        block = rng.choice([1, 200, 900])
        calls = []
        orig = layout._segment_block

        def counting(t, rules=None, _orig=orig, _calls=calls):
            _calls.append(len(t))
            return _orig(t, rules)

        layout._segment_block = counting
        try:
            got = _segments_key(layout.iter_segments(text, block_chars=block))
        finally:
            layout._segment_block = orig
        assert got == ref, block
        cuts += max(0, len(calls) - 1)
    assert cuts > 25  # the pages were really read in several blocks


def test_a_page_longer_than_a_block_is_read_in_blocks_of_bounded_size():
    text = PAGE_TEXTS["joined x3"]
    seen = []
    orig = layout._segment_block

    def counting(t, rules=None):
        seen.append(len(t))
        return orig(t, rules)

    layout._segment_block = counting
    try:
        n = sum(1 for _ in layout.iter_segments(text, block_chars=4000))
    finally:
        layout._segment_block = orig
    assert n == len(layout.segment(text))
    assert len(seen) > 5 and max(seen) < len(text) / 3
