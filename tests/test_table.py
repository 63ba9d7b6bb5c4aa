"""fraud_table: api.md's columns, order and dtypes."""

from __future__ import annotations

import pandas as pd

import jnpolice_ner as jn
from jnpolice_ner.models import CaseReport, DateValue, Money, Party
from jnpolice_ner.table import COLUMNS


def _report(**kw):
    base = dict(case_type="fraud.brushing", county="汶上县", issue_date="2021-06-30",
                reported_on=DateValue(iso="2021-05-12", granularity="day"),
                amount_lost=Money(amount=52000, qualifier="exact"),
                victims=[Party(name="王某")], suspects=[Party(name="刘某", origin="福建省龙岩市新罗区")],
                units=["汶上县公安局南站派出所"], outcome=["frozen"], method=["刷单", "返利"], headline="h")
    base.update(kw)
    return CaseReport(**base)


def test_columns_in_order():
    df = jn.fraud_table([_report()])
    assert tuple(df.columns) == COLUMNS == (
        "issue_date", "county", "case_type", "reported_on", "amount_lost", "amount_lost_qualifier",
        "amount_recovered", "victims", "suspects", "suspect_origins", "units", "outcome", "method", "headline",
        # api.md "Additions", after the fourteen
        "occurred_on", "arrested_on", "county_adcode", "city", "province", "doc_id", "source")


def test_only_fraud_rows_with_typed_values():
    df = jn.fraud_table([_report(), _report(case_type="theft"), _report(case_type="fraud")])
    assert len(df) == 2
    assert df["amount_lost"].dtype == "float64" and df.loc[0, "amount_lost"] == 52000.0
    assert pd.api.types.is_datetime64_any_dtype(df["reported_on"])
    assert pd.api.types.is_datetime64_any_dtype(df["issue_date"])
    assert df.loc[0, "method"] == ["刷单", "返利"]  # tidy: lists stay lists (joined() for CSV)
    assert df.loc[0, "suspect_origins"] == ["福建省龙岩市新罗区"]


def test_unknown_year_and_intervals():
    df = jn.fraud_table([_report(reported_on=DateValue(iso="--05-12", granularity="day")),
                         _report(reported_on=DateValue(iso="2021-05-01/2021-05-10", granularity="day"))])
    assert pd.isna(df.loc[0, "reported_on"])
    assert df.loc[1, "reported_on"] == pd.Timestamp("2021-05-01")


def test_empty_input_gives_empty_frame_with_columns():
    df = jn.fraud_table([])
    assert len(df) == 0 and tuple(df.columns) == COLUMNS


def test_accepts_dicts_and_skips_error_records():
    df = jn.fraud_table([_report().model_dump(mode="json"), jn.ErrorRecord(index=3, error="x")])
    assert len(df) == 1
