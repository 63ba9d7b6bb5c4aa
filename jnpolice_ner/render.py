"""Seeing it: HTML of entities and cases, with displaCy's entity markup and one colour per label.

``render(obj)`` takes a text, a spaCy ``Doc``, an ``Article``, a ``Page`` or a ``CaseReport`` and
returns HTML. A PERSON's role is shown in its label (``PERSON·victim``). A ``CaseReport`` is a
field table whose evidence column marks the span each field was taken from; give it its article's
text (``render(report, text=article.text)``) to see the evidence marked in the story.
``Page``, ``Article``, ``Entity`` and ``CaseReport`` use these for ``_repr_html_`` in notebooks.

>>> html = render("7月22日中午，兴隆派出所接群众王某报警。", issue_date="2016-08-20")
>>> "PERSON·victim" in html and COLORS["DATE"] in html
True
>>> flat(["王某", "刘某"]), flat(None)
('王某、刘某', '')
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable
from typing import Any

from .labels import LABELS
from .models import Article, CaseReport, DateValue, Entity, Money, Page, Party, PlaceValue, UnitValue

#: One colour per label, all distinct (displaCy gives UNIT, PLACE and CASE_TYPE the same grey).
COLORS: dict[str, str] = {
    "UNIT": "#8ecae6",
    "PERSON": "#c9a7ff",
    "DATE": "#a7e08a",
    "MONEY": "#ffd166",
    "PLACE": "#ff9f80",
    "ORG": "#f7a8d8",
    "CASE_TYPE": "#d9b48f",
}
assert set(COLORS) == set(LABELS) and len(set(COLORS.values())) == len(LABELS)

SEP = "、"
_QUALIFIER = {"more_than": "余", "about": "约", "less_than": "不足", "range": "至"}
_TABLE = "<table style='border-collapse:collapse;text-align:left'>{}</table>"
_ROW = ("<tr><th style='text-align:left;vertical-align:top;padding:2px 8px'>{}</th>"
        "<td style='text-align:left;padding:2px 8px'>{}</td>{}</tr>")


# --------------------------------------------------------------------------- flat values

def flat(value: Any) -> str:
    """A value as one line of text for a table cell: lists joined with 、, models written out.

    >>> flat(Party(name="刘某某", gender="男", age=26, origin="福建省龙岩市新罗区"))
    '刘某某（男，26岁，福建省龙岩市新罗区）'
    >>> flat(Money(amount=80000, qualifier="more_than"))
    '80000元（余）'
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return SEP.join(s for s in (flat(v) for v in value) if s)
    if isinstance(value, Party):
        extra = [value.gender, f"{value.age}岁" if value.age is not None else None, value.origin]
        extra = [x for x in extra if x]
        return value.name + (f"（{'，'.join(extra)}）" if extra else "")
    if isinstance(value, Money):
        amount = f"{value.amount:g}" if isinstance(value.amount, float) else str(value.amount)
        if value.amount_max is not None:
            amount += f"–{value.amount_max:g}"
        q = _QUALIFIER.get(value.qualifier)
        return f"{amount}元" + (f"（{q}）" if q and value.amount_max is None else "")
    if isinstance(value, DateValue):
        return " ".join(x for x in (value.iso, value.part_of_day, value.time) if x)
    if isinstance(value, PlaceValue | UnitValue):
        return value.name
    if isinstance(value, Entity):
        return value.text
    if isinstance(value, dict):
        return "; ".join(f"{k}={flat(v)}" for k, v in value.items() if v not in (None, [], ""))
    return str(value)


# --------------------------------------------------------------------------- displaCy markup

def _label(e: Entity, field: str | None = None) -> str:
    label = e.label + (f"·{e.role}" if e.role else "")
    return label + (f" → {field}" if field else "")


def _markup(text: str, spans: Iterable[tuple[Entity, str | None]], title: str | None = None) -> str:
    """displaCy's entity markup of ``text`` with the given (entity, field) spans, coloured by label."""
    from spacy import displacy

    ents, colors, last = [], {}, -1
    for e, field in sorted(spans, key=lambda p: (p[0].start, -p[0].end)):
        if e.start < last or not 0 <= e.start < e.end <= len(text):
            continue  # displaCy needs flat spans inside the text
        label = _label(e, field)
        ents.append({"start": e.start, "end": e.end, "label": label})
        colors[label] = COLORS.get(e.label, "#dddddd")
        last = e.end
    doc = {"text": text, "ents": ents, "title": _html.escape(title) if title else None}
    options = {"colors": colors, "ents": list(colors)}
    return displacy.render(doc, style="ent", manual=True, options=options, page=False, jupyter=False)


def _doc_entities(doc: Any) -> list[Entity]:
    """The entities of a spaCy ``Doc``: ours (with roles) when the pipeline set them, else ``doc.ents``."""
    if doc.has_extension("jn_entities") and doc._.jn_entity_data:
        return list(doc._.jn_entities)
    return [Entity(label=s.label_, text=s.text, start=s.start_char, end=s.end_char) for s in doc.ents]


def render(obj: Any, issue_date: Any = None, *, text: str | None = None) -> str:
    """HTML of ``obj``: a text (its entities are found first), a spaCy ``Doc``, an ``Article``, a ``Page``
    or a ``CaseReport`` (a field table with each field's evidence; with ``text=`` its article's text
    with the evidence marked and named by field).

    >>> "MONEY" in render("被骗走8万余元")
    True
    """
    if isinstance(obj, str):
        from .api import extract_entities

        return _markup(obj, ((e, None) for e in extract_entities(obj, issue_date)))
    if isinstance(obj, CaseReport):
        return report_html(obj, text=text)
    if isinstance(obj, Article):
        return article_html(obj)
    if isinstance(obj, Page):
        return page_html(obj, full=True)
    if isinstance(obj, Entity):
        return entity_html(obj)
    if hasattr(obj, "ents") and hasattr(obj, "text"):  # a spaCy Doc
        return _markup(obj.text, ((e, None) for e in _doc_entities(obj)))
    raise TypeError(f"render() takes a text, a spaCy Doc, an Article, a Page or a CaseReport, not {type(obj).__name__}")


# --------------------------------------------------------------------------- field tables

def _table(rows: Iterable[tuple[str, str, str]], header: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{_html.escape(h)}</th>" for h in header)
    body = "".join(_ROW.format(_html.escape(k), v, f"<td style='padding:2px 8px'>{ev}</td>" if ev is not None else "")
                   for k, v, ev in rows)
    return _TABLE.format((f"<tr>{head}</tr>" if head else "") + body)


def _chip(e: Entity, field: str | None = None) -> str:
    """One entity as a small coloured mark (its text and label)."""
    return (f"<mark style='background:{COLORS.get(e.label, '#ddd')};padding:0.1em 0.4em;border-radius:0.3em;white-space:nowrap;display:inline-block;margin:1px'>"
            f"{_html.escape(e.text)} <b style='font-size:0.75em'>{_html.escape(_label(e, field))}</b></mark>")


def entity_html(e: Entity) -> str:
    """An ``Entity`` as its coloured mark above a field table (value flattened)."""
    rows = [("label", _html.escape(e.label), None), ("text", _html.escape(e.text), None),
            ("start:end", f"{e.start}:{e.end}", None)]
    rows += [(k, _html.escape(flat(v)), None) for k, v in (("role", e.role), ("value", e.value),
                                                            ("explanation", e.explanation)) if v]
    return _chip(e) + _table(rows)


def evidence_fields(report: CaseReport) -> list[tuple[Entity, str]]:
    """Each evidence span with the field it fills (``units``, ``victims``, ``amount_lost``, ...).

    >>> r = CaseReport(amount_lost=Money(amount=5000), evidence=[Entity(label="MONEY", text="5000元",
    ...                start=3, end=8, value={"amount": 5000, "qualifier": "exact"})])
    >>> [f for _, f in evidence_fields(r)]
    ['amount_lost']
    """
    out = []
    for e in report.evidence:
        out.append((e, _field_of(report, e)))
    return out


def _field_of(report: CaseReport, e: Entity) -> str:
    v = e.value or {}
    if e.label == "UNIT":
        return "units"
    if e.label == "PERSON":
        return {"officer": "officers", "victim": "victims", "suspect": "suspects"}.get(e.role or "", "people")
    if e.label == "MONEY":
        fields = [f for f in ("amount_lost", "amount_recovered")
                  if getattr(report, f) is not None and getattr(report, f).amount == v.get("amount")]
        return "+".join(fields) or "amount_at_risk"
    if e.label == "DATE":
        fields = [f for f in ("reported_on", "occurred_on", "arrested_on")
                  if getattr(report, f) is not None and getattr(report, f).iso == v.get("iso")]
        return "+".join(fields) or "date"
    if e.label == "CASE_TYPE":
        return "case_type"
    return e.label.lower()


_REPORT_FIELDS = ("case_type", "headline", "issue_date", "county", "units", "officers", "reporters",
                  "correspondents", "victims", "suspects", "amount_lost", "amount_recovered", "reported_on",
                  "occurred_on", "arrested_on", "outcome", "method", "case_type_cues", "doc_id", "source")


def report_html(report: CaseReport, text: str | None = None) -> str:
    """A ``CaseReport`` as a field table (values flattened) with each field's evidence marked beside it;
    with ``text`` (its article's text), the text with the evidence marked follows the table."""
    by_field: dict[str, list[str]] = {}
    pairs = evidence_fields(report)
    for e, field in pairs:
        for f in field.split("+"):
            by_field.setdefault(f, []).append(_chip(e))
    rows = []
    for name in _REPORT_FIELDS:
        value = flat(getattr(report, name))
        if value or name in by_field:
            rows.append((name, _html.escape(value), " ".join(by_field.pop(name, []))))
    rows += [(name, "", " ".join(chips)) for name, chips in by_field.items()]  # at-risk money, other dates
    out = _table(rows, header=("field", "value", "evidence"))
    if text is not None:
        out += _markup(text, pairs)
    return f"<div class='jnpolice-case'>{out}</div>"


def article_html(article: Article) -> str:
    """An ``Article``: its byline fields, its text with every entity marked, and its cases."""
    rows = [(k, _html.escape(flat(v)), None) for k, v in (
        ("subheadline", article.subheadline), ("reporters", article.reporters),
        ("correspondents", article.correspondents), ("dateline", article.dateline),
        ("cases", [f"{c.case_type}" for c in article.cases])) if v]
    head = f"<h3 style='margin:0.3em 0'>{_html.escape(article.headline)}</h3>" if article.headline else ""
    out = head + _table(rows) + _markup(article.text, ((e, None) for e in article.entities))
    return f"<div class='jnpolice-article'>{out}</div>"


def page_html(page: Page, full: bool = False) -> str:
    """A ``Page``: one short row per article (``full=True``: every article rendered in turn)."""
    if full:
        return "".join(article_html(a) + "<hr>" for a in page.articles)
    rows = [(str(i), _html.escape(a.headline or "(no headline)"),
             f"{len(a.text)} chars, {len(a.entities)} entities; cases: {_html.escape(flat([c.case_type for c in a.cases])) or '–'}")
            for i, a in enumerate(page.articles)]
    caption = f"<p>Page {page.issue_date or ''}: {len(page.articles)} article(s)</p>"
    return caption + _table(rows, header=("#", "headline", "content"))
