"""fraud_table: api.md's columns, order and dtypes."""

from __future__ import annotations

import pandas as pd
import pytest

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
    df = jn.fraud_table([_report(), _report(case_type="theft"), _report(case_type="fraud")], lists="keep")
    assert len(df) == 2
    assert df["amount_lost"].dtype == "float64" and df.loc[0, "amount_lost"] == 52000.0
    assert pd.api.types.is_datetime64_any_dtype(df["reported_on"])
    assert pd.api.types.is_datetime64_any_dtype(df["issue_date"])
    assert df.loc[0, "method"] == ["刷单", "返利"]  # lists="keep": lists stay lists
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


# --------------------------------------------------------------------------- api.md "Additions" (issue #14)

def test_added_columns_and_missing_values_are_na():
    df = jn.fraud_table(lists="keep", reports=[_report(doc_id="d1", source="a.txt", occurred_on=DateValue(iso="2021-05-10", granularity="day")),
                         _report(county=None, victims=[], suspects=[], units=[], headline=None)])
    assert df.loc[0, "county_adcode"] == "370830" and df.loc[0, "city"] == "济宁市" and df.loc[0, "province"] == "山东省"
    assert df.loc[0, "doc_id"] == "d1" and df.loc[0, "source"] == "a.txt"
    assert df.loc[0, "occurred_on"] == pd.Timestamp("2021-05-10") and pd.isna(df.loc[0, "arrested_on"])
    row = df.loc[1]
    for col in ("county", "county_adcode", "city", "province", "doc_id", "source", "headline"):
        assert row[col] is pd.NA, col
    assert row["victims"] == [] and row["units"] == []  # an empty list, never ""
    assert not (df.map(lambda v: isinstance(v, str) and v == "")).any().any()


def test_cases_table_keeps_every_report_and_lists_explode():
    reports = [_report(), _report(case_type="theft", amount_lost=None), jn.ErrorRecord(index=2, error="x")]
    df = jn.cases_table([reports], lists="keep")  # extract_many's lists are flattened, error records skipped
    assert list(df["case_type"]) == ["fraud.brushing", "theft"] and tuple(df.columns) == COLUMNS
    assert pd.isna(df.loc[1, "amount_lost"]) and pd.isna(df.loc[1, "amount_lost_qualifier"])
    assert df.explode("method")["method"].tolist() == ["刷单", "返利", "刷单", "返利"]


def test_same_named_county_is_placed_by_its_units():
    df = jn.cases_table([CaseReport(county="市中区", units=["济南市公安局市中区分局"]),
                         CaseReport(county="市中区", units=["枣庄市公安局市中区分局"])])
    assert df["city"].tolist() == ["济南市", "枣庄市"]
    assert df["county_adcode"].tolist() == ["370103", "370402"]


def test_joined_for_csv():
    from jnpolice_ner.table import joined

    flat = joined(jn.fraud_table([_report(), _report(victims=[])]))
    assert flat.loc[0, "method"] == "刷单、返利" and flat.loc[1, "victims"] is pd.NA


def test_parties_table_one_row_per_person():
    df = jn.parties_table([_report(doc_id="d1"), _report(victims=[], suspects=[])])
    assert df[["role", "name", "origin"]].values.tolist() == [["victim", "王某", pd.NA],
                                                              ["suspect", "刘某", "福建省龙岩市新罗区"]]
    assert df["doc_id"].tolist() == ["d1", "d1"] and df["age"].dtype == "Int64"
    assert len(jn.parties_table([])) == 0


def test_entities_table_long_form():
    text = "7月22日，兴隆派出所接群众王某报警，称被骗8万余元。"
    ents = jn.extract_entities(text, issue_date="2016-08-20")
    df = jn.entities_table({"doc-a": ents, "doc-b": []})
    assert len(df) == len(ents) and set(df["doc_id"]) == {"doc-a"}
    money = df[df["label"] == "MONEY"].iloc[0]
    assert money["text"] == "8万余元" and money["value_amount"] == 80000 and money["value_qualifier"] == "more_than"
    assert money["end"] - money["start"] == 4 and pd.isna(money["role"])
    assert df[df["label"] == "PERSON"].iloc[0]["role"] == "victim"
    assert df[df["label"] == "DATE"].iloc[0]["value_iso"] == "2016-07-22"
    assert list(df.columns[:8]) == ["doc_id", "article", "label", "text", "start", "end", "role", "explanation"]
    page = jn.parse_page("## 民警追回被骗款\n\n昨日，群众报警称被骗1万元。", issue_date="2020-03-02")
    assert jn.entities_table(page)["article"].tolist() == [0] * len(page.articles[0].entities)
    assert jn.entities_table([("x", ents)])["doc_id"].unique().tolist() == ["x"]


def test_summarize_by_month_county_type_and_lists():
    reports = [_report(), _report(amount_lost=Money(amount=10000), amount_recovered=Money(amount=10000)),
               _report(county="泗水县", case_type="fraud", reported_on=DateValue(iso="2021-07-01", granularity="day"),
                       amount_lost=None)]
    df = jn.cases_table(reports)
    by_month = jn.summarize(df)
    assert [str(m) for m in by_month.index] == ["2021-05", "2021-07"]
    may = by_month.iloc[0]
    assert may["cases"] == 2 and may["total_loss"] == 62000 and may["median_loss"] == 31000
    assert may["total_recovered"] == 10000 and abs(may["recovered_share"] - 10000 / 62000) < 1e-9
    assert pd.isna(by_month.iloc[1]["total_loss"]) and pd.isna(by_month.iloc[1]["recovered_share"])
    assert jn.summarize(df, by="county")["cases"].to_dict() == {"汶上县": 2, "泗水县": 1}
    both = jn.summarize(df, by=["county", "case_type"])
    assert both.index.names == ["county", "case_type"] and len(both) == 2
    with pytest.raises(ValueError, match="cannot group by 'weekday'"):
        jn.summarize(df, by="weekday")


def test_entities_table_of_reports_and_bad_input():
    ev = jn.Entity(label="MONEY", text="5万元", start=3, end=6, value={"amount": 50000, "qualifier": "exact"},
                   explanation="money.amount.wan")
    df = jn.entities_table([_report(doc_id="d7", evidence=[ev]), _report(evidence=[ev])])
    assert df["doc_id"].tolist() == ["d7", "1"] and df["explanation"].tolist() == ["money.amount.wan"] * 2
    with pytest.raises(TypeError, match="not int"):
        jn.entities_table(5)
    with pytest.raises(TypeError, match="not str"):
        jn.entities_table("被骗5万元")



def test_lists_are_joined_by_default_as_api_md_says():
    """api.md: lists are joined with 、 and a missing value (an empty list too) is NA, never ""."""
    df = jn.fraud_table([_report(), _report(victims=[])])
    assert df.loc[0, "method"] == "刷单、返利"
    assert df["victims"].isna().iloc[1] and not (df == "").any().any()
    with pytest.raises(ValueError):
        jn.fraud_table([_report()], lists="tidy")
