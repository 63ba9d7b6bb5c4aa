"""The ``jnpolice-ner`` command line: ``extract`` and ``evaluate``. Never shows a traceback.

    jnpolice-ner extract PAGE.txt [PAGE2.txt ...] [--issue-date D] [--format jsonl|csv|parquet] [--out FILE]
                         [--encoding ENC]
    jnpolice-ner evaluate GOLD.jsonl [--json OUT]

Exit codes: 0 success, 2 bad input or output (missing file, directory, not UTF-8, unknown format,
bad date, malformed gold file, an output that cannot be written: missing folder, full disk, file
size limit, closed pipe), 1 a page that failed or an unexpected internal error (one line each).
An output file (``--out``, ``--json``) appears whole or not at all: it is written to a temporary file
beside it and renamed into place.
"""

from __future__ import annotations

import argparse
import codecs
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InputError

FORMATS = ("jsonl", "csv", "parquet", "text")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors: one line, exit 2
        self.print_usage(sys.stderr)
        print(f"jnpolice-ner: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="jnpolice-ner", description="Entities, case reports and fraud tables from police news.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = sub.add_parser("extract", help="case reports (jsonl) or the fraud table (csv, parquet) of pages")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="UTF-8 text files, a page each; - for stdin")
    ex.add_argument("--issue-date", default=None, help="issue date (YYYY-MM-DD) anchoring dates without a year")
    ex.add_argument("--format", default="jsonl", help="jsonl (case reports) | csv | parquet (fraud table) | text (both, for reading)")
    ex.add_argument("--out", default=None, help="output file (default: stdout; required for parquet)")
    ex.add_argument("--encoding", default="utf-8", help="encoding of the input files (default UTF-8; e.g. gb18030)")
    ev = sub.add_parser("evaluate", help="score extract_entities against a gold JSONL file")
    ev.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="one or more gold files, scored together")
    ev.add_argument("--json", dest="json_out", default=None, help="also write the scores as JSON here")
    ev.add_argument("--cases", action="store_true", help="also score case reports against meta.cases, field by field")
    ev.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N wrong spans (and case fields)")
    return p


def read_input(path: str, encoding: str = "utf-8") -> str:
    """The text of a file (or stdin for ``-``), with one-line errors for everything that can go wrong.

    ``encoding`` is UTF-8 by default (a byte-order mark is dropped); UTF-16 and GB18030 files need
    ``--encoding utf-16`` / ``--encoding gb18030``."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = _existing_file(path, "a text file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        name = path
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        return data.decode(codec)
    except LookupError:  # a codec that is no text encoding (rot13)
        raise InputError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        label = "UTF-8" if codec.startswith("utf-8") else codec
        hint = "use --encoding utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else \
            "see --encoding"
        raise InputError(f"{name}: not {label} text (byte {exc.start}); {hint}") from None


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    from .recognizer import as_date

    try:
        as_date(value)
    except (ValueError, TypeError) as exc:
        raise InputError(str(exc)) from None
    return value


def _progress(items: list[str]):
    if len(items) > 1 and sys.stderr.isatty():
        try:
            from tqdm import tqdm

            return tqdm(items, file=sys.stderr, unit="page")
        except ImportError:  # pragma: no cover
            pass
    return items


def cmd_extract(args: argparse.Namespace) -> int:
    from . import api
    from .models import CaseReport
    from .table import joined

    fmt = args.format.lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown format {args.format!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and not args.out:
        raise InputError("--format parquet needs --out FILE")
    issue = _check_date(args.issue_date)
    if args.out:
        check_output(args.out)
    # read all first: a bad path fails before any output
    texts = [read_input(p, args.encoding) for p in args.paths]
    reports: list[CaseReport] = []
    records: list[dict[str, Any]] = []
    failures = 0
    for path, text in zip(args.paths, _progress(texts), strict=True):
        try:
            found = api.extract(text, issue_date=issue)
        except Exception as exc:  # one bad page does not stop the batch
            failures += 1
            print(f"jnpolice-ner: {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            records.append({"source": path, "error": f"{type(exc).__name__}: {exc}"})
            continue
        for r in found:
            r.source = r.source or path
            records.append(r.model_dump(mode="json"))
        reports.extend(found)
    if fmt == "text":  # for people: the case reports, then the fraud table
        out = [repr(r) for r in reports] or ["(no case reports)"]
        df = api.fraud_table(reports)
        out += ["", f"fraud table: {len(df)} row(s)", joined(df).to_string(index=False) if len(df) else ""]
        _write_text("\n".join(out) + "\n", args.out)
    elif fmt == "jsonl":
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        _write_text(lines, args.out)
    else:
        df = api.fraud_table(reports)
        if fmt == "csv":
            _write_text(joined(df).to_csv(index=False), args.out)  # CSV is flat: lists joined with 、
        else:
            write_file(args.out, lambda path: df.to_parquet(path, index=False))
    return 1 if failures else 0


def check_output(out: str) -> None:
    """Fail early, before any work, when ``out`` cannot be written (missing folder, a directory)."""
    target = Path(out)
    if target.is_dir():
        raise InputError(f"{out}: is a directory, not an output file")
    parent = target.parent
    if not parent.is_dir():
        raise InputError(f"{out}: cannot write: no such folder {str(parent)!r}")
    if not target.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write: folder {str(parent)!r} is not writable")


def write_file(out: str, write: Callable[[str], Any]) -> None:
    """Write ``out`` whole or not at all: ``write(path)`` fills a temporary file beside it, which is
    renamed into place only once complete (a full disk or a file size limit leaves no truncated file).
    A path that is no regular file (``/dev/stdout``, a pipe) is written in place."""
    check_output(out)
    target = Path(out)
    if target.exists() and not target.is_file():
        try:
            write(out)
        except OSError as exc:
            raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
    try:
        os.close(fd)
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)  # a full disk shows here at the latest, before the rename
        finally:
            os.close(fd)
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_text(data: str, out: str | None) -> None:
    if out:
        def write(path: str) -> None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(data)

        write_file(out, write)
    else:
        _to_stdout(data)


def _existing_file(name: str, what: str) -> Path:
    """``name`` as a Path, or a one-line InputError when it is missing or a folder."""
    path = Path(name)
    if not path.exists():
        raise InputError(f"{name}: no such file")
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not {what}")
    return path


def _read_gold_files(paths: list[str]) -> list[dict]:
    from .evaluation import read_gold

    docs = []
    for name in paths:
        path = _existing_file(name, "a JSONL file")
        try:
            docs += read_gold(path)
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text") from None
        except ValueError as exc:
            raise InputError(f"{name}: not a gold JSONL file: {exc}") from None
    return docs


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import (
        format_case_table,
        format_table,
        list_errors,
        predict_cases,
        predict_entities,
        score_cases,
        score_documents,
    )

    if args.json_out:
        check_output(args.json_out)
    docs = _read_gold_files(args.gold)
    try:
        pairs = predict_entities(docs)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{' '.join(args.gold)}: not a gold JSONL file: {exc}") from None
    scores: dict = score_documents(pairs)
    _to_stdout(format_table(scores) + "\n")
    if args.errors:
        _to_stdout("\n".join(list_errors(docs, pairs, args.errors)) + "\n")
    if args.cases:
        case_errors: list[str] | None = [] if args.errors else None
        scores = {"entities": scores, "cases": score_cases(predict_cases(docs), case_errors)}
        _to_stdout(format_case_table(scores["cases"]) + "\n")
        if case_errors:
            ids = [d.get("id") for d in docs if "cases" in (d.get("meta") or {})]
            for line in case_errors[: args.errors]:
                k = int(line.split()[1])
                _to_stdout(line.replace(f"doc {k} ", f"{ids[k]} ", 1) + "\n")
    if args.json_out:
        _write_text(json.dumps(scores, ensure_ascii=False, indent=2), args.json_out)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.ERROR, format="jnpolice-ner: %(message)s")
    args = _parser().parse_args(argv)
    try:
        code = cmd_extract(args) if args.command == "extract" else cmd_evaluate(args)
        _to_stdout("")  # whatever is still buffered: a failure shows here, not at exit
        return code
    except InputError as exc:
        print(f"jnpolice-ner: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jnpolice-ner: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback
        print(f"jnpolice-ner: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _to_stdout(data: str) -> None:
    """Write to stdout and flush: a closed pipe, a full disk or a file size limit behind it is a one-line
    error (exit 2), and stdout is pointed at /dev/null so that the flush at exit does not fail again
    (Python would print "Exception ignored ..." with a traceback)."""
    try:
        sys.stdout.write(data)
        sys.stdout.flush()
    except OSError as exc:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # stdout replaced by an object without a file
            pass
        if isinstance(exc, BrokenPipeError):
            raise InputError("output closed early (broken pipe)") from None
        raise InputError(f"cannot write to stdout: {exc.strerror or exc}") from None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
