"""The command-line fault matrix (issue #13): every fault gives one line on stderr, exit 2 and no
traceback; an output file appears whole or not at all.

Faults that need a real file descriptor (a full disk behind stdout, a file size limit, a closed pipe)
run the command in a subprocess; the others call ``main`` in process.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from jnpolice_ner.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "pages" / "sample_page.txt"
ROOT = Path(__file__).resolve().parent.parent


def one_line_error(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("jnpolice-ner: error: "), err
    assert "Traceback" not in err


def fails(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    cap = capsys.readouterr()
    one_line_error(cap.err)
    return cap.err


def run(*args: str, fsize: int | None = None, **kw) -> subprocess.CompletedProcess:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "jnpolice_ner.cli", *args], stderr=subprocess.PIPE, cwd=ROOT,
                          preexec_fn=limit, timeout=300, **kw)


@pytest.fixture(scope="module")
def expected() -> str:
    """The jsonl of the sample page (UTF-8, no BOM), the reference the other encodings must give."""
    out = subprocess.run([sys.executable, "-m", "jnpolice_ner.cli", "extract", str(SAMPLE), "--issue-date",
                          "2016-10-20"], capture_output=True, cwd=ROOT, timeout=300, check=True)
    return out.stdout.decode("utf-8")


def _page(tmp_path: Path, data: bytes, name: str = "page.txt") -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


# ---- input


def test_utf8_byte_order_mark_is_dropped(tmp_path, capsys, expected):
    path = _page(tmp_path, b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    assert main(["extract", path, "--issue-date", "2016-10-20"]) == 0
    assert capsys.readouterr().out == expected.replace(str(SAMPLE), path)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_needs_and_takes_encoding(codec, tmp_path, capsys, expected):
    data = SAMPLE.read_text(encoding="utf-8").encode("utf-16")  # with its byte-order mark
    if codec == "utf-16-be":
        data = b"\xfe\xff" + SAMPLE.read_text(encoding="utf-8").encode("utf-16-be")
    path = _page(tmp_path, data)
    assert "use --encoding utf-16" in fails(capsys, "extract", path)
    assert main(["extract", path, "--issue-date", "2016-10-20", "--encoding", "utf-16"]) == 0
    assert capsys.readouterr().out == expected.replace(str(SAMPLE), path)


def test_gb18030_needs_and_takes_encoding(tmp_path, capsys, expected):
    path = _page(tmp_path, SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    err = fails(capsys, "extract", path, "--issue-date", "2016-10-20")
    assert "not UTF-8" in err and "--encoding" in err
    assert main(["extract", path, "--issue-date", "2016-10-20", "--encoding", "GB18030"]) == 0
    assert capsys.readouterr().out == expected.replace(str(SAMPLE), path)


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", "民警".encode("utf-16-le"), b"\x80abc"],
                         ids=["utf16-bom", "utf16-no-bom", "stray-byte"])
def test_undecodable_input_is_one_line(data, tmp_path, capsys):
    fails(capsys, "extract", _page(tmp_path, data))


def test_unknown_encoding_is_one_line(tmp_path, capsys):
    path = _page(tmp_path, "民警".encode())
    assert "unknown encoding" in fails(capsys, "extract", path, "--encoding", "no-such-codec")
    assert "unknown encoding" in fails(capsys, "extract", path, "--encoding", "rot13")


def test_empty_file_gives_no_reports(tmp_path, capsys):
    assert main(["extract", _page(tmp_path, b"")]) == 0
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == ""


def test_missing_path_and_directory_are_one_line(tmp_path, capsys):
    assert "no such file" in fails(capsys, "extract", str(tmp_path / "nope.txt"))
    assert "directory" in fails(capsys, "extract", str(tmp_path))


# ---- output


def test_missing_or_bad_out_folder_fails_before_any_work(tmp_path, capsys):
    assert "no such folder" in fails(capsys, "extract", str(SAMPLE), "--out", str(tmp_path / "no" / "out.jsonl"))
    (tmp_path / "file").write_text("x")
    fails(capsys, "extract", str(SAMPLE), "--out", str(tmp_path / "file" / "out.jsonl"))
    assert "directory" in fails(capsys, "extract", str(SAMPLE), "--out", str(tmp_path))


def test_unwritable_out_folder_is_one_line(tmp_path, capsys):
    if os.geteuid() == 0:  # root writes into any folder of its own, but never into sysfs
        msg = fails(capsys, "extract", str(SAMPLE), "--out", "/sys/jn_out.jsonl")
        assert "not writable" in msg or "cannot write" in msg
        assert not Path("/sys/jn_out.jsonl").exists()
        return
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert "not writable" in fails(capsys, "extract", str(SAMPLE), "--out", str(ro / "out.jsonl"))
    finally:
        ro.chmod(0o700)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_disk_is_one_line(capsys):
    # --out on a full disk (in process) and stdout on a full disk (a real file descriptor)
    assert "No space left" in fails(capsys, "extract", str(SAMPLE), "--out", "/dev/full")
    with open("/dev/full", "wb") as full:
        r = run("extract", str(SAMPLE), stdout=full)
    assert r.returncode == 2
    one_line_error(r.stderr.decode())


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_file_size_limit_leaves_the_old_file_whole(fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"old")
    r = run("extract", str(SAMPLE), "--issue-date", "2016-10-20", "--format", fmt, "--out", str(out), fsize=300)
    assert r.returncode == 2, r.stderr
    one_line_error(r.stderr.decode())
    assert out.read_bytes() == b"old"  # not truncated, not half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left


def test_output_file_is_complete_and_keeps_the_usual_mode(tmp_path, capsys, expected):
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(SAMPLE), "--issue-date", "2016-10-20", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == expected
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_broken_pipe_is_one_line():
    r_fd, w_fd = os.pipe()
    os.close(r_fd)  # nobody reads: the first write fails with EPIPE
    try:
        r = run("extract", str(SAMPLE), stdout=w_fd)
    finally:
        os.close(w_fd)
    assert r.returncode == 2
    one_line_error(r.stderr.decode())
    assert "broken pipe" in r.stderr.decode()


# ---- evaluate


@pytest.mark.parametrize("content", [
    '{"text": 5}\n',
    "[1, 2]\n",
    '{"text": "被骗1万元", "spans": [{"label": "MONEY", "start": 4, "end": 2}]}\n',
    '{"text": "被骗1万元", "spans": [{"label": "MONEY", "start": 2, "end": 99}]}\n',
    '{"text": "被骗1万元", "spans": [{"label": "MONEY", "start": "2", "end": 5}]}\n',
    '{"text": "被骗1万元", "spans": [{"label": "MONEY", "start": 2, "end": 5, "text": "x"}]}\n',
    '{"text": "被骗1万元", "spans": {"label": "MONEY"}}\n',
    '{"text": "被骗1万元", "meta": {"issue_date": "2016-08-20garbage"}}\n',
    '{"text": "被骗1万元", "meta": []}\n',
    "",
    "\n\n",
    "not json\n",
], ids=["text-not-str", "array", "start-after-end", "end-past-text", "str-offset", "span-text", "spans-object",
        "bad-issue-date", "meta-list", "empty", "blank", "not-json"])
def test_malformed_gold_is_one_line(content, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content, encoding="utf-8")
    assert "gold" in fails(capsys, "evaluate", str(gold))


def test_evaluate_bad_json_path_is_one_line(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "被骗1万元", "spans": [{"label": "MONEY", "start": 2, "end": 5}]}) + "\n")
    fails(capsys, "evaluate", str(gold), "--json", str(tmp_path / "no" / "scores.json"))
    assert main(["evaluate", str(gold), "--json", str(tmp_path / "scores.json")]) == 0
    assert json.loads((tmp_path / "scores.json").read_text())["MONEY"]["f1"] == 1.0
