"""Issue #13: issue dates users pass that used to crash or slip through."""

from __future__ import annotations

import pandas as pd
import pytest

import jnpolice_ner as jn
from jnpolice_ner.cli import main

TEXT = "## 民警追回被骗款\n\n7月1日，群众报警称被骗1万元。"


def test_pandas_nat_is_no_issue_date():
    # parse_page crashed; extract_entities gave {'iso': 'NaT'}
    assert jn.parse_page(TEXT, issue_date=pd.NaT).model_dump() == jn.parse_page(TEXT).model_dump()
    assert jn.extract_entities(TEXT, issue_date=pd.NaT) == jn.extract_entities(TEXT)
    assert [r.model_dump() for r in jn.extract(TEXT, issue_date=pd.NaT)] == [r.model_dump() for r in jn.extract(TEXT)]


def test_pandas_timestamp_is_its_day():
    assert jn.extract_entities(TEXT, issue_date=pd.Timestamp("2016-08-20 10:00")) == \
        jn.extract_entities(TEXT, issue_date="2016-08-20")


@pytest.mark.parametrize("bad", ["2016-08-20garbage", "2016-08-2", "2016-13-01", "yesterday"])
def test_issue_date_string_with_trailing_garbage_is_refused(bad, capsys):
    with pytest.raises(ValueError, match="ISO date"):
        jn.extract_entities(TEXT, issue_date=bad)
    assert main(["extract", "-", "--issue-date", bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "issue_date" in err
