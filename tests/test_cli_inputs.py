"""The command line's second release: --version, folders and globs, --jobs, streamed output that
matches the one-shot tables, and the file named in ``source``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import jnpolice_ner as jn
from jnpolice_ner.cli import main

PAGES = Path(__file__).resolve().parent.parent / "corpus" / "pages"
SAMPLE = PAGES / "sample_page.txt"


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"jnpolice-ner {jn.__version__}"


@pytest.fixture()
def folder(tmp_path) -> Path:
    d = tmp_path / "pages"
    (d / "2016").mkdir(parents=True)
    shutil.copy(PAGES / "dev_page_02.txt", d / "b.txt")
    shutil.copy(PAGES / "dev_page_01.txt", d / "a.txt")
    shutil.copy(PAGES / "dev_page_05.txt", d / "2016" / "c.txt")
    (d / "notes.md").write_text("不是一版报纸", encoding="utf-8")
    return d


def _jsonl(capsys) -> list[dict]:
    return [json.loads(x) for x in capsys.readouterr().out.splitlines()]


def test_folder_reads_every_txt_inside_sorted(folder, capsys):
    assert main(["extract", str(folder), "--issue-date", "2016-10-20"]) == 0
    recs = _jsonl(capsys)
    sources = list(dict.fromkeys(r["source"] for r in recs))
    assert sources == [str(folder / "2016" / "c.txt"), str(folder / "a.txt"), str(folder / "b.txt")]
    # the same as naming the files one by one
    assert main(["extract", *sources, "--issue-date", "2016-10-20"]) == 0
    assert _jsonl(capsys) == recs


def test_glob_pattern_and_missing_glob(folder, capsys):
    assert main(["extract", str(folder / "*.txt")]) == 0
    assert {r["source"] for r in _jsonl(capsys)} == {str(folder / "a.txt"), str(folder / "b.txt")}
    assert main(["extract", str(folder / "*.none")]) == 2
    assert "no file matches" in capsys.readouterr().err


def test_jobs_give_the_same_output_as_one_process(folder, capsys):
    args = ["extract", str(folder), str(SAMPLE), "--issue-date", "2016-10-20"]
    assert main(args) == 0
    one = capsys.readouterr().out
    assert main([*args, "--jobs", "2"]) == 0
    assert capsys.readouterr().out == one
    assert main([*args, "--jobs", "0"]) == 2


def test_streamed_tables_equal_the_one_shot_tables(tmp_path, capsys):
    text = SAMPLE.read_text("utf-8")
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join([text] * 8), encoding="utf-8")  # several table batches
    reports = jn.extract(big.read_text("utf-8"), issue_date="2016-10-20")
    for r in reports:
        r.source = str(big)
    want = jn.fraud_table(reports)
    import jnpolice_ner.cli as cli

    old = cli.TABLE_ROWS
    cli.TABLE_ROWS = 7  # many small batches
    try:
        assert main(["extract", str(big), "--issue-date", "2016-10-20", "--format", "csv"]) == 0
        csv = capsys.readouterr().out
        out = tmp_path / "t.parquet"
        assert main(["extract", str(big), "--issue-date", "2016-10-20", "--format", "parquet", "--out", str(out)]) == 0
    finally:
        cli.TABLE_ROWS = old
    assert csv == want.to_csv(index=False)
    got = pd.read_parquet(out)
    assert len(got) == len(want) > 7
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_empty_input_gives_a_header_and_an_empty_parquet(tmp_path, capsys):
    empty = tmp_path / "e.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["extract", str(empty), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("issue_date,county,case_type")
    out = tmp_path / "e.parquet"
    assert main(["extract", str(empty), "--format", "parquet", "--out", str(out)]) == 0
    assert len(pd.read_parquet(out)) == 0


def test_a_bad_file_among_good_ones_fails_before_any_output(folder, tmp_path, capsys):
    (folder / "z.txt").write_bytes(b"\xff\xfe\x00bad")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "--out", str(out)]) == 2
    cap = capsys.readouterr()
    assert "z.txt" in cap.err and cap.out == "" and not out.exists()


def test_output_is_written_as_it_comes_into_a_temporary_file(tmp_path, monkeypatch):
    """While the pages are read, the output file does not exist yet: a ``.part`` file beside it grows."""
    import jnpolice_ner.page as page

    out = tmp_path / "out.jsonl"
    seen = []
    real = page.iter_cases

    def watching(text, issue_date=None):
        for k, r in enumerate(real(text, issue_date)):
            if k == 3:
                seen.append((out.exists(), [p.name for p in tmp_path.iterdir()]))
            yield r

    monkeypatch.setattr(page, "iter_cases", watching)
    text = SAMPLE.read_text("utf-8")
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join([text] * 3), encoding="utf-8")
    assert main(["extract", str(big), "--out", str(out)]) == 0
    assert seen and seen[0][0] is False and any(n.endswith(".part") for n in seen[0][1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt", "out.jsonl"]
