"""``fraud_table``: one row per fraud report, api.md's columns in api.md's order.

>>> from jnpolice_ner.models import CaseReport, Money
>>> df = build_fraud_table([CaseReport(case_type="fraud.brushing", amount_lost=Money(amount=5000))])
>>> list(df.columns)[:4], float(df.loc[0, "amount_lost"])
(['issue_date', 'county', 'case_type', 'reported_on'], 5000.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .labels import is_fraud
from .models import CaseReport

COLUMNS: tuple[str, ...] = (
    "issue_date", "county", "case_type", "reported_on", "amount_lost", "amount_lost_qualifier",
    "amount_recovered", "victims", "suspects", "suspect_origins", "units", "outcome", "method", "headline",
)

#: the columns of ``cases_table``: the fourteen above, then those of api.md's second release. One list
#: for every user (the Dask frames of ``jnpolice_ner.dask`` declare them as their ``meta``).
CASES_COLUMNS: tuple[str, ...] = COLUMNS + (
    "occurred_on", "arrested_on", "county_adcode", "city", "province", "doc_id", "source",
)

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


def _rows(reports: Iterable[CaseReport | Any], every: bool = False) -> list[dict[str, Any]]:
    rows = []
    for r in reports:
        if isinstance(r, dict):
            r = CaseReport.model_validate(r)
        if not isinstance(r, CaseReport) or not (every or is_fraud(r.case_type)):
            continue  # error records and non-fraud cases are not rows
        rows.append({
            "issue_date": r.issue_date,
            "county": r.county,
            "case_type": r.case_type,
            "reported_on": _iso_to_timestamp(r.reported_on),
            "amount_lost": float(r.amount_lost.amount) if r.amount_lost else None,
            "amount_lost_qualifier": r.amount_lost.qualifier if r.amount_lost else None,
            "amount_recovered": float(r.amount_recovered.amount) if r.amount_recovered else None,
            "victims": SEP.join(p.name for p in r.victims),
            "suspects": SEP.join(p.name for p in r.suspects),
            "suspect_origins": SEP.join(p.origin for p in r.suspects if p.origin),
            "units": SEP.join(r.units),
            "outcome": SEP.join(r.outcome),
            "method": SEP.join(r.method),
            "headline": r.headline,
            **({"occurred_on": _iso_to_timestamp(r.occurred_on), "arrested_on": _iso_to_timestamp(r.arrested_on),
                "doc_id": r.doc_id, "source": r.source} if every else {}),
        })
    return rows


def build_fraud_table(reports: Iterable[CaseReport | Any]):
    """The fraud table as a ``pandas.DataFrame`` with numeric amounts and datetime columns."""
    import pandas as pd

    df = pd.DataFrame(_rows(reports), columns=list(COLUMNS))
    df["issue_date"] = pd.to_datetime(df["issue_date"])
    df["reported_on"] = pd.to_datetime(df["reported_on"])
    for col in ("amount_lost", "amount_recovered"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("county", "case_type", "amount_lost_qualifier", "victims", "suspects", "suspect_origins",
                "units", "outcome", "method", "headline"):
        df[col] = df[col].astype("string")
    return df


def build_cases_table(reports: Iterable[CaseReport | Any]):
    """Every report (not just fraud), with ``CASES_COLUMNS``; a missing value is NA.

    >>> build_cases_table([CaseReport(case_type="theft", doc_id="d1")]).loc[0, ["case_type", "doc_id"]].tolist()
    ['theft', 'd1']
    """
    import pandas as pd

    df = pd.DataFrame(_rows(reports, every=True), columns=list(CASES_COLUMNS))
    for col in ("issue_date", "reported_on", "occurred_on", "arrested_on"):
        df[col] = pd.to_datetime(df[col])
    for col in ("amount_lost", "amount_recovered"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in CASES_COLUMNS:
        if col not in ("issue_date", "reported_on", "occurred_on", "arrested_on", "amount_lost", "amount_recovered"):
            df[col] = df[col].astype("string").replace("", pd.NA)
    return df
