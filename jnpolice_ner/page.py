"""``parse_page``: articles with repaired text, their entities and their case reports.

>>> page = build_page("## 民警追回被骗款\\n\\n□ 记者 王小川 报道\\n\\n昨日，群众报警称被骗1万元。", "2020-03-02")
>>> page.articles[0].headline, page.articles[0].text
('民警追回被骗款', '昨日，群众报警称被骗1万元。')
"""

from __future__ import annotations

import bisect
import datetime as _dt
import logging
from collections.abc import Iterator

from . import layout
from .candidates import Candidate
from .models import Article, CaseReport, Page, PlaceValue
from .recognizer import as_date, find_candidates, to_entity

log = logging.getLogger("jnpolice_ner")


class OffsetMap:
    """Maps offsets of an article's repaired text back to the page it came from."""

    def __init__(self) -> None:
        self.art_starts: list[int] = []
        self.page_starts: list[int] = []
        self.lengths: list[int] = []

    def add(self, art_start: int, page_start: int, length: int) -> None:
        self.art_starts.append(art_start)
        self.page_starts.append(page_start)
        self.lengths.append(length)

    def to_article(self, page_offset: int) -> int | None:
        for a, p, n in zip(self.art_starts, self.page_starts, self.lengths, strict=True):
            if p <= page_offset < p + n:
                return a + page_offset - p
        return None

    def to_page(self, art_offset: int) -> int | None:
        i = bisect.bisect_right(self.art_starts, art_offset) - 1
        if i < 0 or art_offset >= self.art_starts[i] + self.lengths[i]:
            return None
        return self.page_starts[i] + art_offset - self.art_starts[i]


def article_text(text: str, seg: layout.Segment) -> tuple[str, OffsetMap]:
    """The repaired body of a segment: pieces in reading order, joined parts concatenated."""
    parts: list[str] = []
    omap = OffsetMap()
    pos = 0
    for k, piece in enumerate(seg.body):
        if k:
            parts.append("\n")
            pos += 1
        for a, b in piece:
            omap.add(pos, a, b - a)
            parts.append(text[a:b])
            pos += b - a
    return "".join(parts), omap


def build_article(text: str, seg: layout.Segment, issue: _dt.date | None) -> Article:
    body, omap = article_text(text, seg)
    own: list[Candidate] = []
    for c in seg.candidates:
        if c.label == "PLACE":  # the dateline lies in the body
            s = omap.to_article(c.start)
            if s is not None:
                own.append(Candidate(c.label, s, s + c.length, c.rule_id, c.score, c.priority, c.value,
                                     c.role, dict(c.data)))
    art_seg = layout.Segment(start=0, end=len(body), dateline_value=seg.dateline_value, candidates=own,
                             headline=seg.headline)
    cands = find_candidates(body, issue, segments=[art_seg]) if body.strip() else []
    dateline = None
    if seg.dateline_value:
        dateline = PlaceValue.model_validate(seg.dateline_value)
    article = Article(
        headline=seg.headline,
        subheadline=seg.subheadline,
        reporters=seg.reporters,
        correspondents=seg.correspondents,
        dateline=dateline,
        text=body,
        start=seg.start,
        end=seg.end,
        entities=[to_entity(c, body) for c in cands],
        repairs=seg.repairs,
    )
    try:
        from .report import build_cases

        article.cases = build_cases(article, issue)
    except Exception:  # a report bug must not lose the article
        log.exception("case report failed for %r", seg.headline)
        article.cases = []
    article.case = article.cases[0] if article.cases else None
    return article


def iter_articles(text: str, issue_date: _dt.date | str | None = None) -> Iterator[Article]:
    """The articles of a page one at a time, in reading order (what ``build_page`` collects).

    Each article is read, resolved and reported on its own; the page reader's segment of an
    article is let go once the article is built, so a caller that keeps only what it needs
    (``extract`` keeps the cases) holds no more than one article's working state.

    >>> [a.headline for a in iter_articles("## 民警追回被骗款\\n\\n□ 记者 王小川 报道\\n\\n昨日，群众报警称被骗1万元。")]
    ['民警追回被骗款']
    """
    return _articles(text, as_date(issue_date))  # a bad issue_date fails here, not at the first article


def _articles(text: str, issue: _dt.date | None) -> Iterator[Article]:
    if not text.strip():
        return
    for seg in layout.iter_segments(text):
        yield build_article(text, seg, issue)


def build_page(text: str, issue_date: _dt.date | str | None = None) -> Page:
    issue = as_date(issue_date)
    return Page(articles=list(iter_articles(text, issue)), issue_date=issue)


def iter_cases(text: str, issue_date: _dt.date | str | None = None) -> Iterator[CaseReport]:
    """The case reports of a page, article by article (``extract`` without holding the articles)."""
    for article in iter_articles(text, issue_date):
        yield from article.cases


#: characters of whole articles in one piece of ``article_groups`` (what one worker task reads)
GROUP_CHARS = 32_000


def article_groups(text: str, group_chars: int = GROUP_CHARS) -> Iterator[tuple[str, list[layout.Segment]]]:
    """A page as pieces of whole articles for other processes: ``(piece, segments)``, the segments'
    offsets moved into the piece. ``cases_of_group`` on every piece gives ``extract(text)``.

    >>> page = "## 民警追回被骗款\\n\\n本报讯 昨日，群众报警称被骗1万元，嫌疑人已被抓获。"
    >>> [len(segs) for _, segs in article_groups(page)]
    [1]
    """
    group: list[layout.Segment] = []
    size = 0
    for seg in layout.iter_segments(text):
        group.append(seg)
        size += seg.end - seg.start
        if size >= group_chars:
            yield _piece(text, group)
            group, size = [], 0
    if group:
        yield _piece(text, group)


def _piece(text: str, segs: list[layout.Segment]) -> tuple[str, list[layout.Segment]]:
    a = min(min(s.start for s in segs), *(x for s in segs for piece in s.body for x, _ in piece))
    b = max(max(s.end for s in segs), *(y for s in segs for piece in s.body for _, y in piece))
    return text[a:b], [layout.shifted(s, -a) for s in segs]


def cases_of_group(piece: str, segments: list[layout.Segment], issue_date: _dt.date | str | None = None
                   ) -> list[CaseReport]:
    """The case reports of the articles ``segments`` describe in ``piece`` (see ``article_groups``)."""
    issue = as_date(issue_date)
    return [c for seg in segments for c in build_article(piece, seg, issue).cases]
