"""Issue #13, command line: one test per defect (the whole fault matrix is tests/test_cli_faults.py)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from jnpolice_ner.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "pages" / "sample_page.txt"


def test_write_failing_part_way_leaves_no_truncated_file(tmp_path):
    out = tmp_path / "out.jsonl"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (500, 500))

    r = subprocess.run([sys.executable, "-m", "jnpolice_ner.cli", "extract", str(SAMPLE), "--out", str(out)],
                       capture_output=True, cwd=ROOT, preexec_fn=limit, timeout=300)
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_disk_is_exit_2_not_internal_error(capsys):
    assert main(["extract", str(SAMPLE), "--out", "/dev/full"]) == 2
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("line", ['{"text": 5}', "[1,2]"])
def test_malformed_gold_line_is_a_message_not_an_exception_name(line, tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    gold.write_text(line + "\n")
    assert main(["evaluate", str(gold)]) == 2
    err = capsys.readouterr().err
    assert "TypeError" not in err and "AttributeError" not in err and "line 1" in err


def test_evaluate_bad_json_path_is_a_message(tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"text": "民警", "spans": []}\n')
    assert main(["evaluate", str(gold), "--json", str(tmp_path / "missing" / "s.json")]) == 2
    assert "FileNotFoundError" not in capsys.readouterr().err


def test_gold_span_with_start_after_end_does_not_score(tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"text": "被骗1万元", "spans": [{"label": "MONEY", "start": 5, "end": 2}]}\n')
    assert main(["evaluate", str(gold)]) == 2
    assert "start 5 is after end 2" in capsys.readouterr().err


def test_empty_gold_file_does_not_score_f1_1(tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    gold.write_text("")
    assert main(["evaluate", str(gold)]) == 2
    cap = capsys.readouterr()
    assert "1.000" not in cap.out and "no gold documents" in cap.err


def test_issue_date_with_trailing_garbage_is_refused(capsys):
    assert main(["extract", str(SAMPLE), "--issue-date", "2016-08-20garbage"]) == 2
    assert "2016-08-20garbage" in capsys.readouterr().err
