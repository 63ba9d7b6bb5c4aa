"""``jnpolice_ner.dask.extract_frame`` on a real two-process cluster gives, row for row, what
``extract_many`` gives on the same documents (error rows included); its output writes to Parquet.

Needs ``dask[distributed]`` (in the ``test`` extra, so CI runs it); about 15 s, most of it starting
the cluster's two worker processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import dask.dataframe as dd  # the test extra installs dask[distributed]: a missing one fails, never skips
import distributed
import pandas as pd
import pytest

import jnpolice_ner as jn
from jnpolice_ner.dask import cases_frame, extract_frame, meta
from jnpolice_ner.table import CASES_COLUMNS

# the ten smallest corpus pages: enough for several reports a partition, small enough to be quick
PAGES = sorted(sorted((Path(__file__).resolve().parent.parent / "corpus" / "pages").glob("*.txt"),
                      key=lambda p: p.stat().st_size)[:10])


def documents() -> pd.DataFrame:
    rows = []
    for k, page in enumerate(PAGES):
        rows.append({"text": page.read_text("utf-8"), "doc_id": f"p{k}", "issue_date": "2016-10-20",
                     "file": page.name})
    # the bad ones, in the middle: no text, a bad issue date; and an empty page (no reports, no error)
    rows.insert(3, {"text": None, "doc_id": "no-text", "issue_date": None, "file": "none.txt"})
    rows.insert(7, {"text": "本报讯 3月2日，市民报警称被骗5000元。", "doc_id": "bad-date", "issue_date": "2016-13-45",
                    "file": "bad.txt"})
    rows.insert(9, {"text": "", "doc_id": "empty", "issue_date": None, "file": "empty.txt"})
    return pd.DataFrame(rows)


def local_items(pdf: pd.DataFrame) -> list:
    items = []
    for r in pdf.itertuples():
        meta_ = {"doc_id": r.doc_id, "source": r.file}
        if isinstance(r.issue_date, str):
            meta_["issue_date"] = r.issue_date
        items.append((r.text if isinstance(r.text, str) else None, meta_))
    return items


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as c:
        yield c


def test_cluster_output_equals_extract_many_row_for_row(client, tmp_path):
    pdf = documents()
    ddf = dd.from_pandas(pdf, npartitions=4)
    lazy = extract_frame(ddf, source="file")
    assert list(lazy.columns) == [*CASES_COLUMNS, "error"]
    got = lazy.compute().reset_index(drop=True)
    local = list(jn.extract_many(local_items(pdf)))
    want = cases_frame(local)
    pd.testing.assert_frame_equal(got, want)
    # what that means, row for row: each document's reports in order, an error row in place of each bad one
    expected_ids = []
    for (_text, m), out in zip(local_items(pdf), local, strict=True):
        expected_ids += [m["doc_id"]] * (1 if isinstance(out, jn.ErrorRecord) else len(out))
    assert got["doc_id"].tolist() == expected_ids
    errors = got[got["error"].notna()]
    assert errors["doc_id"].tolist() == ["no-text", "bad-date"]
    assert errors["source"].tolist() == ["none.txt", "bad.txt"]
    assert errors["case_type"].isna().all()
    assert len(got) > 10 and got["error"].isna().sum() == len(got) - 2
    assert "empty" not in expected_ids
    # both workers did some of the work, each loading the rules once
    misses = client.run(lambda: __import__("jnpolice_ner.ruleset").ruleset._load.cache_info().misses)
    assert len(misses) == 2 and all(m <= 1 for m in misses.values())
    # partitioned Parquet, written by the workers, reads back the same
    lazy.to_parquet(tmp_path / "cases", write_index=False)
    back = pd.read_parquet(tmp_path / "cases")
    assert len(list((tmp_path / "cases").glob("*.parquet"))) == 4
    back = back.astype(want.dtypes.to_dict())  # Parquet keeps times in ms, pandas reads the dates in s
    pd.testing.assert_frame_equal(back.reset_index(drop=True), want)


def test_meta_is_the_cases_table_then_error():
    m = meta()
    assert list(m.columns) == [*CASES_COLUMNS, "error"] and len(m) == 0
    assert str(m["amount_lost"].dtype) == "float64"


def test_missing_text_column_is_a_clear_error():
    ddf = dd.from_pandas(pd.DataFrame({"body": ["民警走访。"]}), npartitions=1)
    with pytest.raises(KeyError, match="text"):
        extract_frame(ddf)
    with pytest.raises(KeyError, match="source"):
        extract_frame(ddf, text="body", source="file")


def test_cli_scheduler_gives_the_same_output(client, tmp_path, capsys):
    from jnpolice_ner.cli import main

    pages = [str(p) for p in PAGES[:4]]
    assert main(["extract", *pages, "--issue-date", "2016-10-20"]) == 0
    local = capsys.readouterr().out
    out = tmp_path / "cluster.jsonl"
    assert main(["extract", *pages, "--issue-date", "2016-10-20", "--scheduler", client.scheduler.address,
                 "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == local
    assert {json.loads(x)["source"] for x in local.splitlines()} <= set(pages)


def test_cli_bad_scheduler_address_is_one_line(capsys):
    from jnpolice_ner.cli import main

    assert main(["extract", str(PAGES[0]), "--scheduler", "nosuchproto://nowhere:1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jnpolice-ner: error: ") and err.count("\n") == 1 and "scheduler" in err
