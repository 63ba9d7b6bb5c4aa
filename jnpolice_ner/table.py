"""Tidy tables of reports and entities: ``fraud_table``, ``cases_table``, ``entities_table``,
``parties_table``, and ``summarize`` (counts and losses by month, county or case type).

List cells are joined with 、 as api.md says (``lists="keep"`` keeps Python lists, so that
``df.explode("units")`` gives one row per unit); a missing value is always NA (``pd.NA``, ``NaN`` or
``NaT`` by dtype), never ``""``, and an empty list is NA. The county's adcode, city and province come from the shipped table of
administrative divisions (``rules/lexicons/admin_divisions.tsv``), as PLACE values do.

>>> from jnpolice_ner.models import CaseReport, Money
>>> df = build_fraud_table([CaseReport(case_type="fraud.brushing", county="金乡县", amount_lost=Money(amount=5000))])
>>> list(df.columns)[:4], float(df.loc[0, "amount_lost"]), df.loc[0, "county_adcode"], df.loc[0, "victims"]
(['issue_date', 'county', 'case_type', 'reported_on'], 5000.0, '370828', <NA>)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from .labels import is_fraud
from .models import Article, CaseReport, Entity, Page

#: api.md's fourteen columns of the fraud table, in order ...
API_COLUMNS: tuple[str, ...] = (
    "issue_date", "county", "case_type", "reported_on", "amount_lost", "amount_lost_qualifier",
    "amount_recovered", "victims", "suspects", "suspect_origins", "units", "outcome", "method", "headline",
)
#: ... then the columns of the second release (api.md "Additions").
ADDED_COLUMNS: tuple[str, ...] = ("occurred_on", "arrested_on", "county_adcode", "city", "province", "doc_id", "source")
COLUMNS: tuple[str, ...] = API_COLUMNS + ADDED_COLUMNS

LIST_COLUMNS: tuple[str, ...] = ("victims", "suspects", "suspect_origins", "units", "outcome", "method")
DATE_COLUMNS: tuple[str, ...] = ("issue_date", "reported_on", "occurred_on", "arrested_on")
AMOUNT_COLUMNS: tuple[str, ...] = ("amount_lost", "amount_recovered")
STRING_COLUMNS: tuple[str, ...] = ("county", "case_type", "amount_lost_qualifier", "headline", "county_adcode",
                                   "city", "province", "doc_id", "source")

#: the columns of ``cases_table``: the fourteen above, then those of api.md's second release. One list
#: for every user (the Dask frames of ``jnpolice_ner.dask`` declare them as their ``meta``).
CASES_COLUMNS: tuple[str, ...] = COLUMNS

SEP = "、"


def _iso_to_timestamp(value: Any) -> Any:
    """A DATE value's start as a timestamp (intervals take their start; unknown years give NaT)."""
    import pandas as pd

    if value is None:
        return pd.NaT
    iso = value.iso if hasattr(value, "iso") else value.get("iso") if isinstance(value, dict) else None
    if not iso or iso.startswith("--"):
        return pd.NaT
    iso = iso.split("/")[0]
    try:
        return pd.Timestamp(iso)
    except (ValueError, TypeError):
        return pd.NaT


def iter_reports(items: Iterable[Any]) -> Iterator[CaseReport]:
    """The reports of ``items``: ``CaseReport``s, their dicts, and the lists ``extract_many`` yields
    (error records are skipped)."""
    for r in items:
        if isinstance(r, list | tuple):
            yield from iter_reports(r)
        elif isinstance(r, dict):
            yield CaseReport.model_validate(r)
        elif isinstance(r, CaseReport):
            yield r


# --------------------------------------------------------------------------- where a county lies

@functools.lru_cache(maxsize=4096)
def admin_of(county: str | None, units: tuple[str, ...] = ()) -> tuple[str | None, str | None, str | None]:
    """``(county_adcode, city, province)`` of a county name; the units' places decide between
    same-named counties (市中区), else the home area does.

    >>> admin_of("金乡县")
    ('370828', '济宁市', '山东省')
    >>> admin_of(None)
    (None, None, None)
    """
    from .entities import place

    if not county:
        return None, None, None
    context = None
    for u in units:
        head = u.split("公安")[0]
        v = place.lookup(head, levels=("province", "city", "county")) if head and head != u else None
        if v and v.get("adcode"):
            context = v["adcode"]
            break
    value = place.lookup(county, context, levels=("county",))
    if not value or value.get("level") != "county":
        return None, None, None
    return value.get("adcode"), place.city_of(value), place._part_of(value["name"], "province")


# --------------------------------------------------------------------------- cases and fraud tables

def _row(r: CaseReport) -> dict[str, Any]:
    adcode, city, province = admin_of(r.county, tuple(r.units))
    return {
        "issue_date": r.issue_date,
        "county": r.county,
        "case_type": r.case_type,
        "reported_on": _iso_to_timestamp(r.reported_on),
        "amount_lost": float(r.amount_lost.amount) if r.amount_lost else None,
        "amount_lost_qualifier": r.amount_lost.qualifier if r.amount_lost else None,
        "amount_recovered": float(r.amount_recovered.amount) if r.amount_recovered else None,
        "victims": [p.name for p in r.victims],
        "suspects": [p.name for p in r.suspects],
        "suspect_origins": [p.origin for p in r.suspects if p.origin],
        "units": list(r.units),
        "outcome": list(r.outcome),
        "method": list(r.method),
        "headline": r.headline,
        "occurred_on": _iso_to_timestamp(r.occurred_on),
        "arrested_on": _iso_to_timestamp(r.arrested_on),
        "county_adcode": adcode,
        "city": city,
        "province": province,
        "doc_id": r.doc_id,
        "source": r.source,
    }


def _frame(rows: list[dict[str, Any]], lists: str = "join"):
    """The table of ``rows``: list cells joined with 、 (api.md; an empty list is NA), or kept as
    Python lists with ``lists="keep"`` (``df.explode("units")``)."""
    import pandas as pd

    if lists not in ("join", "keep"):
        raise ValueError(f"lists must be 'join' or 'keep', not {lists!r}")
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in DATE_COLUMNS:
        df[col] = pd.to_datetime(df[col])
    for col in AMOUNT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in STRING_COLUMNS:
        df[col] = df[col].astype("string")  # None → pd.NA
    for col in LIST_COLUMNS:
        df[col] = df[col].map(_join_cell).astype("string") if lists == "join" else df[col].astype("object")
    return df


def build_cases_table(reports: Iterable[CaseReport | Any], lists: str = "join"):
    """Every report, one row each, with the fraud table's columns (``cases_table`` of api.md)."""
    return _frame([_row(r) for r in iter_reports(reports)], lists)


def build_fraud_table(reports: Iterable[CaseReport | Any], lists: str = "join"):
    """The fraud reports (``fraud`` and ``fraud.*``), one row each, api.md's columns in order."""
    return _frame([_row(r) for r in iter_reports(reports) if is_fraud(r.case_type)], lists)


def joined(df, sep: str = SEP):
    """A copy of ``df`` with every list cell joined into one string (for CSV); an empty list is NA.

    >>> import pandas as pd
    >>> joined(pd.DataFrame({"units": [["甲派出所", "乙派出所"], []]}))["units"].tolist()
    ['甲派出所、乙派出所', <NA>]
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, list | tuple)).any():
            out[col] = out[col].map(lambda v: _join_cell(v, sep)).astype("string")
    return out


def _join_cell(v: Any, sep: str = SEP) -> Any:
    """A list cell joined with ``sep`` (an empty list is NA); any other cell as it is."""
    import pandas as pd

    return (sep.join(map(str, v)) or pd.NA) if isinstance(v, list | tuple) else v


# --------------------------------------------------------------------------- long tables

ENTITY_COLUMNS: tuple[str, ...] = ("doc_id", "article", "label", "text", "start", "end", "role", "explanation")


def _entity_groups(items: Any) -> Iterator[tuple[Any, Any, list[Entity]]]:
    """``(doc_id, article_index, entities)`` groups of whatever ``entities_table`` was given."""
    if isinstance(items, Page):
        for i, a in enumerate(items.articles):
            yield None, i, a.entities
    elif isinstance(items, Article):
        yield None, None, items.entities
    elif isinstance(items, CaseReport):  # its evidence (offsets into its article's text)
        yield items.doc_id, None, items.evidence
    elif isinstance(items, Entity):
        yield None, None, [items]
    elif isinstance(items, dict):
        for doc_id, ents in items.items():
            for _, art, group in _entity_groups(ents):
                yield doc_id, art, group
    elif hasattr(items, "ents") and hasattr(items, "text"):  # a spaCy Doc
        from .render import _doc_entities

        yield None, None, _doc_entities(items)
    elif isinstance(items, str) or not hasattr(items, "__iter__") or hasattr(items, "model_dump"):
        raise TypeError(f"entities_table() takes entities, an Article, a Page, a CaseReport, a spaCy Doc, "
                        f"or a list or dict of them, not {type(items).__name__}")
    else:
        items = list(items)
        if all(isinstance(e, Entity) for e in items):
            yield None, None, items
            return
        for k, x in enumerate(items):
            if isinstance(x, tuple) and len(x) == 2 and not isinstance(x[0], Entity):
                doc_id, x = x
            else:
                doc_id = x.doc_id if isinstance(x, CaseReport) and x.doc_id is not None else k
            for _, art, group in _entity_groups(x):
                yield doc_id, art, group


def _value_cells(value: dict[str, Any] | None) -> dict[str, Any]:
    from .render import flat

    out = {}
    for k, v in (value or {}).items():
        out[f"value_{k}"] = v if v is None or isinstance(v, str | int | float | bool) else flat(v)
    return out


def build_entities_table(items: Any):
    """One row per entity: ``doc_id``, ``article``, ``label``, ``text``, ``start``, ``end``, ``role``,
    ``explanation`` and the value flattened into ``value_<key>`` columns (``value_amount``, ``value_iso``,
    ``value_adcode``, ...). ``items``: a list of ``Entity``, an ``Article``, a ``Page``, a spaCy ``Doc``,
    a dict ``{doc_id: any of these}``, or a list of any of these (its position is the ``doc_id``) or of
    ``(doc_id, any of these)`` pairs."""
    import pandas as pd

    rows = []
    for doc_id, art, ents in _entity_groups(items):
        for e in ents:
            rows.append({"doc_id": doc_id, "article": art, "label": e.label, "text": e.text, "start": e.start,
                         "end": e.end, "role": e.role, "explanation": e.explanation, **_value_cells(e.value)})
    value_cols = sorted({k for r in rows for k in r if k.startswith("value_")})
    df = pd.DataFrame(rows, columns=[*ENTITY_COLUMNS, *value_cols])
    df["start"] = df["start"].astype("int64")
    df["end"] = df["end"].astype("int64")
    df["article"] = df["article"].astype("Int64")
    for col in ("doc_id", "label", "text", "role", "explanation"):
        df[col] = df[col].map(lambda v: None if pd.isna(v) else str(v)).astype("string")
    for col in value_cols:
        df[col] = _typed(df[col])
    return df


def _typed(col):
    """A value column as ``Float64``, ``boolean`` or ``string`` when its values allow, else as it is."""
    vals = [v for v in col if v is not None and v == v]
    if vals and all(isinstance(v, bool) for v in vals):
        return col.astype("boolean")
    if vals and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
        return col.astype("Float64")
    if all(isinstance(v, str) for v in vals):
        return col.astype("string")
    return col


PARTY_COLUMNS: tuple[str, ...] = ("doc_id", "source", "report", "case_type", "issue_date", "county", "headline",
                                  "role", "name", "gender", "age", "origin")


def build_parties_table(reports: Iterable[CaseReport | Any]):
    """One row per victim or suspect of each report (``report`` is the report's position in the input)."""
    import pandas as pd

    rows = []
    for k, r in enumerate(iter_reports(reports)):
        for role, people in (("victim", r.victims), ("suspect", r.suspects)):
            for p in people:
                rows.append({"doc_id": r.doc_id, "source": r.source, "report": k, "case_type": r.case_type,
                             "issue_date": r.issue_date, "county": r.county, "headline": r.headline, "role": role,
                             "name": p.name, "gender": p.gender, "age": p.age, "origin": p.origin})
    df = pd.DataFrame(rows, columns=list(PARTY_COLUMNS))
    df["issue_date"] = pd.to_datetime(df["issue_date"])
    df["age"] = df["age"].astype("Int64")
    df["report"] = df["report"].astype("int64")
    for col in ("doc_id", "source", "case_type", "county", "headline", "role", "name", "gender", "origin"):
        df[col] = df[col].astype("string")
    return df


# --------------------------------------------------------------------------- summaries

BY_KEYS: tuple[str, ...] = ("month", "county", "case_type", "city", "province", "year")


def _case_month(df):
    """The month of each case: reported, else occurred, else the issue date."""
    date = df["reported_on"].fillna(df["occurred_on"]).fillna(df["issue_date"])
    return date.dt.to_period("M")


def summarize(df, by: str | list[str] = "month"):
    """Per group of ``by`` (``"month"``, ``"county"``, ``"case_type"``, ``"city"``, ``"province"``, ``"year"``
    or a list of them): ``cases``, ``total_loss``, ``median_loss`` (yuan; over the cases with a loss),
    ``total_recovered`` and ``recovered_share`` (recovered / lost, over the cases with a loss; NA when
    none). ``df`` is a ``cases_table`` or ``fraud_table``. A case's month is its report date, else its
    date of occurrence, else the issue date; a missing key is its own group (NA).

    >>> from jnpolice_ner.models import CaseReport, Money
    >>> df = build_cases_table([CaseReport(case_type="fraud", issue_date="2021-06-30", amount_lost=Money(amount=100),
    ...                                    amount_recovered=Money(amount=50))])
    >>> s = summarize(df)
    >>> str(s.index[0]), int(s["cases"].iloc[0]), float(s["total_loss"].iloc[0]), float(s["recovered_share"].iloc[0])
    ('2021-06', 1, 100.0, 0.5)
    """
    import pandas as pd

    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("summarize: by needs at least one of " + ", ".join(BY_KEYS))
    work = pd.DataFrame(index=df.index)
    for key in keys:
        if key == "month":
            work[key] = _case_month(df)
        elif key == "year":
            work[key] = _case_month(df).dt.year.astype("Int64")
        elif key in df.columns:
            work[key] = df[key]
        else:
            raise ValueError(f"summarize: cannot group by {key!r}: use one of {', '.join(BY_KEYS)} or a column")
    work["lost"] = df["amount_lost"].astype("float64")
    rec = df["amount_recovered"].astype("float64")
    work["recovered_of_lost"] = rec.where(work["lost"].notna())
    work["recovered"] = rec
    g = work.groupby(keys, dropna=False, sort=True)
    out = pd.DataFrame({
        "cases": g.size().astype("int64"),
        "total_loss": g["lost"].sum(min_count=1),
        "median_loss": g["lost"].median(),
        "total_recovered": g["recovered"].sum(min_count=1),
    })
    lost_with = g["lost"].sum(min_count=1)
    share = g["recovered_of_lost"].sum(min_count=0) / lost_with
    out["recovered_share"] = share.where(lost_with > 0).clip(upper=1.0)
    return out
