"""The public data model of api.md, as pydantic v2 models.

>>> Entity(label="MONEY", text="8万余元", start=0, end=4,
...        value={"amount": 80000, "currency": "CNY", "qualifier": "more_than"}).model_dump()["value"]["amount"]
80000
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .labels import (
    CASE_TYPE_CODES,
    DATE_GRANULARITIES,
    LABELS,
    MONEY_QUALIFIERS,
    OUTCOMES,
    PARTS_OF_DAY,
    PLACE_LEVELS,
    ROLES,
    UNIT_KINDS,
)


def _enum(values: tuple[str, ...], doc: str, **kw: Any) -> Any:
    """A field whose JSON schema lists its allowed values (``enum``) and says what it means."""
    enum = [*values, None] if "default" in kw and kw["default"] is None else list(values)
    return Field(description=doc, json_schema_extra={"enum": enum}, **kw)


def _enum_list(values: tuple[str, ...], doc: str) -> Any:
    return Field(default_factory=list, description=doc, json_schema_extra={"items": {"type": "string", "enum": list(values)}})


class Entity(BaseModel):
    """One recognized span: ``text == source[start:end]``; ``value`` as annotation.md defines it."""

    label: str = _enum(LABELS, "the entity label of annotation.md")
    text: str = Field(description="the span's text, equal to source[start:end]")
    start: int = Field(description="code-point offset of the first character in the text passed in")
    end: int = Field(description="code-point offset after the last character (exclusive)")
    role: str | None = _enum(ROLES, "for PERSON: the person's role in the story", default=None)
    value: dict[str, Any] | None = Field(default=None, description="the normalized value of annotation.md")
    explanation: str | None = Field(
        default=None, description="id of the rule (or component) that produced the span, e.g. money.amount.wan")

    def __repr__(self) -> str:
        role = f"/{self.role}" if self.role else ""
        return f"<{self.label}{role} {self.text!r} {self.start}:{self.end}>"

    def _repr_html_(self) -> str:
        from .render import entity_html

        return entity_html(self)


class Money(BaseModel):
    """An amount in yuan: ``8万余元`` → ``Money(amount=80000, qualifier='more_than')``."""

    amount: float | int = Field(description="the amount in yuan (the lower bound of a range)")
    currency: str = Field(default="CNY", description="ISO 4217 currency code")
    qualifier: str = _enum(MONEY_QUALIFIERS, "how exact the amount is (余/多: more_than, 约: about)", default="exact")
    amount_max: float | int | None = Field(default=None, description="the upper bound of a range")


class DateValue(BaseModel):
    """A calendar value: ``7月22日中午`` → ``{"iso": "2016-07-22", "granularity": "day", "part_of_day": "noon"}``."""

    model_config = ConfigDict(extra="allow")
    iso: str = Field(description="ISO 8601 date, --MM-DD when the year is unknown, start/end for an interval")
    granularity: str = _enum(DATE_GRANULARITIES, "the finest unit the text gives")
    part_of_day: str | None = _enum(PARTS_OF_DAY, "上午/中午/下午/晚上/凌晨", default=None)
    time: str | None = Field(default=None, description="HH:MM when the text gives a clock time")
    approximate: bool | None = Field(default=None, description="true for 左右/前后/许")


class PlaceValue(BaseModel):
    """An administrative place: ``金乡`` → ``山东省济宁市金乡县``, ``370828``, ``county``."""

    name: str = Field(description="the full official name, province first")
    adcode: str | None = Field(default=None, description="the six-digit administrative division code")
    level: str = _enum(PLACE_LEVELS, "the administrative level", default="other")


class UnitValue(BaseModel):
    """A police unit: ``兴隆派出所`` (datelined 金乡) → ``金乡县公安局兴隆派出所``, ``station``."""

    name: str = Field(description="the unit's full name")
    kind: str = _enum(UNIT_KINDS, "the kind of unit")
    parent: str | None = Field(default=None, description="the full name of the unit it belongs to")


class Party(BaseModel):
    """A victim or suspect of a case: ``刘某某（男，26岁，福建省龙岩市新罗区人）``."""

    name: str = Field(description="the name as written (often masked: 王某, 刘某某)")
    gender: str | None = _enum(("男", "女"), "男 or 女 when the text says", default=None)
    age: int | None = Field(default=None, description="age in years when the text says")
    origin: str | None = Field(default=None, description="full name of the place the person is from")


def _list(doc: str) -> Any:
    return Field(default_factory=list, description=doc)


class CaseReport(BaseModel):
    """One criminal case reported by an article (api.md's CaseReport)."""

    case_type: str = _enum(CASE_TYPE_CODES, "taxonomy code, the most specific the text supports", default="other")
    headline: str | None = Field(default=None, description="headline of the article the case came from")
    issue_date: _dt.date | None = Field(default=None, description="the issue date of the page or document")
    county: str | None = Field(default=None, description="county or district the case belongs to (dateline or unit)")
    units: list[str] = _list("full names of the handling police units")
    officers: list[str] = _list("names of the police officers named in the case")
    reporters: list[str] = _list("reporters of the article's byline")
    correspondents: list[str] = _list("correspondents of the article's byline")
    victims: list[Party] = _list("the victims")
    suspects: list[Party] = _list("the suspects")
    amount_lost: Money | None = Field(default=None, description="money taken from victims")
    amount_recovered: Money | None = Field(default=None, description="money returned, frozen or seized")
    reported_on: DateValue | None = Field(default=None, description="when the case was reported to the police")
    occurred_on: DateValue | None = Field(default=None, description="when the crime happened (its earliest date)")
    arrested_on: DateValue | None = Field(default=None, description="when a suspect was caught")
    outcome: list[str] = _enum_list(OUTCOMES, "what the police achieved")
    method: list[str] = _list("channels and tricks named in the text (QQ, 支付宝, 链接, ...)")
    evidence: list[Entity] = _list("the spans each field was taken from (offsets into the article text)")
    #: The cue ids that decided ``case_type`` (an explanation, not part of api.md's table).
    case_type_cues: list[str] = _list("ids of the cues that decided case_type")
    #: The caller's id of the document this report came from (``extract_many`` meta), if given.
    doc_id: str | None = Field(default=None, description="the caller's id of the document the report came from")
    #: Where the document came from (a file name, an URL), if the caller said so.
    source: str | None = Field(default=None, description="where the document came from (file name, URL)")

    def __repr__(self) -> str:
        lost = f" lost={self.amount_lost.amount:g}" if self.amount_lost else ""
        who = ",".join(p.name for p in self.suspects)
        return (
            f"<CaseReport {self.case_type} {self.county or '?'}"
            f" {self.reported_on.iso if self.reported_on else '?'}{lost}"
            f"{' suspects=' + who if who else ''} {self.headline or ''!r}>"
        )

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from .render import report_html

        return report_html(self)


class Article(BaseModel):
    """One article of a page, body text with layout breaks repaired; ``entities`` index ``text``."""

    headline: str = Field(default="", description="the article's headline")
    subheadline: str | None = Field(default=None, description="the line under the headline (——...)")
    reporters: list[str] = _list("reporters of the byline")
    correspondents: list[str] = _list("correspondents of the byline")
    dateline: PlaceValue | None = Field(default=None, description="the place of 本报X讯")
    text: str = Field(default="", description="the article body, layout breaks repaired")
    start: int = Field(default=0, description="where the article starts in the page")
    end: int = Field(default=0, description="where the article ends in the page")
    entities: list[Entity] = _list("entities, offsets into text")
    case: CaseReport | None = Field(default=None, description="the first case the article reports")
    #: Every case the article reports (``case`` is the first of them).
    cases: list[CaseReport] = _list("every case the article reports")
    #: ``{"join": [first, continuation]}`` / ``{"move": [paragraph, "start"]}`` repairs applied.
    repairs: list[dict[str, Any]] = _list("layout repairs applied (join, move)")

    def __repr__(self) -> str:
        n = len(self.cases)
        return (f"<Article {self.headline!r} {len(self.text)} chars, {len(self.entities)} entities, "
                f"{n} case{'s' if n != 1 else ''}>")

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from .render import article_html

        return article_html(self)


class Page(BaseModel):
    """A page in reading order."""

    articles: list[Article] = _list("the articles in reading order")
    issue_date: _dt.date | None = Field(default=None, description="the page's issue date")

    def __repr__(self) -> str:
        heads = ", ".join(repr(a.headline[:20]) for a in self.articles[:3])
        more = ", ..." if len(self.articles) > 3 else ""
        return (f"<Page {self.issue_date or '?'} {len(self.articles)} article(s): [{heads}{more}], "
                f"{sum(len(a.cases) for a in self.articles)} case(s)>")

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from .render import page_html

        return page_html(self)


class ErrorRecord(BaseModel):
    """Stands in a batch's output for a document that could not be processed."""

    index: int = Field(description="position of the document in the input")
    error: str = Field(description="the error's type and message")
    doc_id: str | None = Field(default=None, description="the caller's id of the document")
    source: str | None = Field(default=None, description="where the document came from")
