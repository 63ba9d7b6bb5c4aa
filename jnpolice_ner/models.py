"""The public data model of api.md, as pydantic v2 models.

>>> Entity(label="MONEY", text="8万余元", start=0, end=4,
...        value={"amount": 80000, "currency": "CNY", "qualifier": "more_than"}).model_dump()["value"]["amount"]
80000
"""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


class Entity(BaseModel):
    """One recognized span: ``text == source[start:end]``; ``value`` as annotation.md defines it."""

    label: str
    text: str
    start: int
    end: int
    role: str | None = None
    value: dict[str, Any] | None = None
    _rule_id: str | None = PrivateAttr(default=None)

    @property
    def explanation(self) -> str | None:
        """The id of the rule (or component) that produced the span, e.g. ``money.amount.wan``."""
        return self._rule_id

    def __repr__(self) -> str:
        role = f"/{self.role}" if self.role else ""
        return f"<{self.label}{role} {self.text!r} {self.start}:{self.end}>"


class Money(BaseModel):
    """An amount in yuan: ``8万余元`` → ``Money(amount=80000, qualifier='more_than')``."""

    amount: float | int
    currency: str = "CNY"
    qualifier: str = "exact"
    amount_max: float | int | None = None


class DateValue(BaseModel):
    """A calendar value: ``7月22日中午`` → ``{"iso": "2016-07-22", "granularity": "day", "part_of_day": "noon"}``."""

    model_config = ConfigDict(extra="allow")
    iso: str
    granularity: str
    part_of_day: str | None = None
    time: str | None = None
    approximate: bool | None = None


class PlaceValue(BaseModel):
    """An administrative place: ``金乡`` → ``山东省济宁市金乡县``, ``370828``, ``county``."""

    name: str
    adcode: str | None = None
    level: str = "other"


class UnitValue(BaseModel):
    """A police unit: ``兴隆派出所`` (datelined 金乡) → ``金乡县公安局兴隆派出所``, ``station``."""

    name: str
    kind: str
    parent: str | None = None


class Party(BaseModel):
    """A victim or suspect of a case."""

    name: str
    gender: str | None = None
    age: int | None = None
    origin: str | None = None


class CaseReport(BaseModel):
    """One criminal case reported by an article (api.md's CaseReport)."""

    case_type: str = "other"
    headline: str | None = None
    issue_date: _dt.date | None = None
    county: str | None = None
    units: list[str] = Field(default_factory=list)
    officers: list[str] = Field(default_factory=list)
    reporters: list[str] = Field(default_factory=list)
    correspondents: list[str] = Field(default_factory=list)
    victims: list[Party] = Field(default_factory=list)
    suspects: list[Party] = Field(default_factory=list)
    amount_lost: Money | None = None
    amount_recovered: Money | None = None
    reported_on: DateValue | None = None
    occurred_on: DateValue | None = None
    arrested_on: DateValue | None = None
    outcome: list[str] = Field(default_factory=list)
    method: list[str] = Field(default_factory=list)
    evidence: list[Entity] = Field(default_factory=list)
    #: The cue ids that decided ``case_type`` (an explanation, not part of api.md's table).
    case_type_cues: list[str] = Field(default_factory=list)
    #: The caller's id of the document this report came from (``extract_many`` meta), if given.
    doc_id: str | None = None
    #: Where the document came from (a file name, an URL), if the caller said so.
    source: str | None = None

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
        rows = []
        for name, value in self.model_dump(mode="json", exclude={"evidence"}).items():
            if value in (None, [], ""):
                continue
            rows.append(
                f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
                f"<td style='text-align:left'>{html.escape(str(value))}</td></tr>"
            )
        return "<table>" + "".join(rows) + "</table>"


class Article(BaseModel):
    """One article of a page, body text with layout breaks repaired; ``entities`` index ``text``."""

    headline: str = ""
    subheadline: str | None = None
    reporters: list[str] = Field(default_factory=list)
    correspondents: list[str] = Field(default_factory=list)
    dateline: PlaceValue | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    entities: list[Entity] = Field(default_factory=list)
    case: CaseReport | None = None
    #: Every case the article reports (``case`` is the first of them).
    cases: list[CaseReport] = Field(default_factory=list)
    #: ``{"join": [first, continuation]}`` / ``{"move": [paragraph, "start"]}`` repairs applied.
    repairs: list[dict[str, Any]] = Field(default_factory=list)


class Page(BaseModel):
    """A page in reading order."""

    articles: list[Article] = Field(default_factory=list)
    issue_date: _dt.date | None = None


class ErrorRecord(BaseModel):
    """Stands in a batch's output for a document that could not be processed."""

    index: int
    error: str
    doc_id: str | None = None
    source: str | None = None
