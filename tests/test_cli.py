"""The command line: formats, exit codes, one-line errors and never a traceback."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jnpolice_ner.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "pages" / "sample_page.txt"


def run(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "jnpolice_ner.cli", *args], input=stdin,
                          capture_output=True, timeout=300)


def test_extract_jsonl(capsys):
    assert main(["extract", str(SAMPLE), "--issue-date", "2016-10-20"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    for rec in lines:
        assert "case_type" in rec and rec["source"] == str(SAMPLE)


def test_extract_csv_and_parquet(tmp_path, capsys):
    assert main(["extract", str(SAMPLE), "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    header = csv_text.splitlines()[0]
    assert header.split(",")[:3] == ["issue_date", "county", "case_type"]
    out = tmp_path / "t.parquet"
    assert main(["extract", str(SAMPLE), "--format", "parquet", "--out", str(out)]) == 0
    import pandas as pd

    from jnpolice_ner.table import COLUMNS

    back = pd.read_parquet(out)
    assert tuple(back.columns) == COLUMNS and back.loc[0, "units"] == "汶上县公安局南站派出所、汶上县公安局反诈中心"
    assert back.loc[0, "county_adcode"] == "370830" and back.loc[0, "source"] == str(SAMPLE)
    rows = list(csv.DictReader(io.StringIO(csv_text)))  # CSV is flat: lists joined with 、, a gap is empty
    assert rows[0]["units"] == "汶上县公安局南站派出所、汶上县公安局反诈中心" and rows[0]["county_adcode"] == "370830"
    assert all(r["headline"] for r in rows) and rows[0]["method"].count("、") >= 1


def test_extract_text_format(capsys):
    assert main(["extract", str(SAMPLE), "--format", "text"]) == 0
    assert "fraud table" in capsys.readouterr().out


@pytest.mark.parametrize("make,needle", [
    (lambda d: str(d / "missing.txt"), "no such file"),
    (lambda d: str(d), "is a directory"),
    (lambda d: (d / "bad.txt").write_bytes(b"\xff\xfe\x00bad") and str(d / "bad.txt"), "not UTF-8"),
])
def test_bad_paths_exit_2_without_traceback(tmp_path, make, needle):
    path = make(tmp_path)
    r = run("extract", path)
    err = r.stderr.decode()
    assert r.returncode == 2
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_format_and_bad_date(tmp_path):
    r = run("extract", str(SAMPLE), "--format", "xml")
    assert r.returncode == 2 and b"unknown format" in r.stderr and b"Traceback" not in r.stderr
    r = run("extract", str(SAMPLE), "--issue-date", "someday")
    assert r.returncode == 2 and b"Traceback" not in r.stderr


def test_stdin_and_usage_errors():
    r = run("extract", "-", stdin="3月2日，市民刘先生报警称被骗5000元。".encode())
    assert r.returncode == 0
    r = run("frobnicate")
    assert r.returncode == 2 and b"Traceback" not in r.stderr


def test_evaluate_prints_table(seed_doc, tmp_path):
    from conftest import need_shared

    gold = need_shared("data", "seed_entities.jsonl")
    out = tmp_path / "scores.json"
    r = run("evaluate", str(gold), "--json", str(out))
    assert r.returncode == 0, r.stderr.decode()
    text = r.stdout.decode()
    for label in ("UNIT", "PERSON", "DATE", "MONEY", "PLACE", "ORG", "CASE_TYPE", "micro"):
        assert label in text
    assert "micro" in json.loads(out.read_text())


def test_evaluate_bad_file(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text("not json\n")
    r = run("evaluate", str(bad))
    assert r.returncode == 2 and b"Traceback" not in r.stderr


def _own_gold(tmp_path, cases):
    text = "4月2日，王女士被冒充客服的骗子骗走3000元。"
    doc = {"id": "own", "text": text, "meta": {"issue_date": "2024-04-05", "cases": cases},
           "spans": [{"label": "PERSON", "text": "王女士", "start": 5, "end": 8, "role": "victim", "value": None}]}
    gold = tmp_path / "own.jsonl"
    gold.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    return gold


def test_evaluate_cases_scores_each_field_and_lists_misses(tmp_path):
    gold = _own_gold(tmp_path, [{"case_type": "fraud.customer_service", "victims": [{"name": "王女士", "gender": "女", "age": None}],
                                 "amount_lost": 3000, "suspects": [{"name": "李四", "gender": None, "age": None}]}])
    r = run("evaluate", str(gold), str(gold), "--cases", "--errors", "5")
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert "cases 2  missed 0" in out
    assert re.search(r"victims\s+1\.000", out) and re.search(r"suspects\s+0\.000", out)
    assert "own case 0 suspects: {('李四', None, None)} → set()" in out
    assert "units" not in out.split("cases 2")[1].split("own case")[0]  # a field the gold leaves out is not scored
