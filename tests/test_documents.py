"""Documents with ids (api.md "Additions"): ``extract_many`` takes texts, ``(text, meta)`` pairs and
dicts; every report and error record carries ``doc_id`` and ``source``; bad items never stop a batch."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

import jnpolice_ner as jn

CASE = "3月2日，市民赵女士报警称被骗5000元，嫌疑人张某某已被抓获。"
OTHER = "嫌疑人李某某被抓获，骗走8万余元。"


def test_texts_pairs_and_dicts_carry_their_ids():
    items = [CASE, (CASE, {"doc_id": "a", "source": "x.txt"}), {"text": OTHER, "doc_id": 7, "source": "y"},
             (OTHER, None)]
    out = list(jn.extract_many(items))
    assert all(isinstance(x, list) and x for x in out)
    ids = [[(r.doc_id, r.source) for r in x] for x in out]
    assert ids[0] == [(None, None)] * len(out[0])
    assert set(ids[1]) == {("a", "x.txt")}
    assert set(ids[2]) == {("7", "y")}  # ids are strings
    assert set(ids[3]) == {(None, None)}
    # the reports themselves are those of extract
    assert [r.model_dump(exclude={"doc_id", "source"}) for r in out[1]] == \
        [r.model_dump(exclude={"doc_id", "source"}) for r in jn.extract(CASE)]


def test_per_document_issue_date_beats_the_calls():
    items = [(CASE, {"issue_date": "2019-03-05"}), CASE, {"text": CASE, "issue_date": dt.date(2021, 3, 9)}]
    out = list(jn.extract_many(items, issue_date="2016-03-04"))
    years = [{r.reported_on.iso[:4] for r in x if r.reported_on} for x in out]
    assert years == [{"2019"}, {"2016"}, {"2021"}]
    assert [x[0].issue_date for x in out] == [dt.date(2019, 3, 5), dt.date(2016, 3, 4), dt.date(2021, 3, 9)]


@pytest.mark.parametrize("n", [1, 2])
def test_bad_items_are_error_records_in_order(n):
    items = [
        (CASE, {"doc_id": "ok1"}),
        {"doc_id": "no-text", "source": "s1"},  # no text key
        {"text": 5, "doc_id": "int-text"},
        (CASE, {"doc_id": "bad-date", "issue_date": "2016-13-45", "source": "s2"}),
        ("a", "b", "c"),  # not a pair
        (CASE, "meta that is no dict"),
        42,
        {"text": OTHER, "doc_id": "ok2"},
    ]
    out = list(jn.extract_many(items, n_process=n))
    assert len(out) == len(items)
    errors = [(x.index, x.doc_id, x.source) for x in out if isinstance(x, jn.ErrorRecord)]
    assert errors == [(1, "no-text", "s1"), (2, "int-text", None), (3, "bad-date", "s2"), (4, None, None),
                      (5, None, None), (6, None, None)]
    assert "issue_date" in out[3].error and "text" in out[1].error
    assert {r.doc_id for r in out[0]} == {"ok1"} and {r.doc_id for r in out[7]} == {"ok2"}


def test_one_and_two_processes_give_the_same_with_meta():
    items = [(CASE, {"doc_id": f"d{k}", "source": "f", "issue_date": f"201{k % 10}-05-01"}) for k in range(12)]
    items.insert(5, {"doc_id": "bad"})
    one = [x.model_dump() if isinstance(x, jn.ErrorRecord) else [r.model_dump() for r in x]
           for x in jn.extract_many(items)]
    two = [x.model_dump() if isinstance(x, jn.ErrorRecord) else [r.model_dump() for r in x]
           for x in jn.extract_many(items, n_process=2)]
    assert one == two


def test_chunks_for_workers_follow_the_characters():
    from jnpolice_ner.batch import CHUNK_CHARS, CHUNK_DOCS

    assert 1_000 <= CHUNK_CHARS <= 100_000 and CHUNK_DOCS >= 16


def test_progress_bar_counts_every_document(capsys):
    import tqdm  # noqa: F401 - in the test extra: a missing one fails
    out = list(jn.extract_many([CASE, OTHER, None], progress=True))
    assert len(out) == 3
    err = capsys.readouterr().err
    assert "3/3" in err


def test_progress_without_tqdm_goes_on(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    out = list(jn.extract_many([CASE, OTHER], progress=True))
    assert len(out) == 2 and all(isinstance(x, list) for x in out)
    assert "tqdm" in caplog.text


def test_extract_many_takes_n_process_second():
    # api.md: extract_many(items, n_process=1, issue_date=None)
    out = list(jn.extract_many([CASE], 1, "2018-03-04"))
    assert out[0][0].issue_date == dt.date(2018, 3, 4)
