"""The ``jnpolice-ner`` command line: ``extract`` and ``evaluate``. Never shows a traceback.

    jnpolice-ner extract PAGE.txt [PAGE2.txt ...] [--issue-date D] [--format jsonl|csv|parquet] [--out FILE]
    jnpolice-ner evaluate GOLD.jsonl [--json OUT]

Exit codes: 0 success, 2 bad input (missing file, directory, not UTF-8, unknown format, bad date),
1 an unexpected internal error (reported in one line).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
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
    ev = sub.add_parser("evaluate", help="score extract_entities against a gold JSONL file")
    ev.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="one or more gold files, scored together")
    ev.add_argument("--json", dest="json_out", default=None, help="also write the scores as JSON here")
    ev.add_argument("--cases", action="store_true", help="also score case reports against meta.cases, field by field")
    ev.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N wrong spans (and case fields)")
    return p


def read_input(path: str) -> str:
    """The text of a file (or stdin for ``-``), with one-line errors for everything that can go wrong."""
    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a text file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        name = path
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from None


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

    fmt = args.format.lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown format {args.format!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and not args.out:
        raise InputError("--format parquet needs --out FILE")
    issue = _check_date(args.issue_date)
    texts = [read_input(p) for p in args.paths]  # read all first: a bad path fails before any output
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
        reports.extend(found)
        for r in found:
            records.append({"source": path, **r.model_dump(mode="json")})
    if fmt == "text":  # for people: the case reports, then the fraud table
        out = [repr(r) for r in reports] or ["(no case reports)"]
        df = api.fraud_table(reports)
        out += ["", f"fraud table: {len(df)} row(s)", df.to_string(index=False) if len(df) else ""]
        _write_text("\n".join(out) + "\n", args.out)
    elif fmt == "jsonl":
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        _write_text(lines, args.out)
    else:
        df = api.fraud_table(reports)
        if fmt == "csv":
            _write_text(df.to_csv(index=False), args.out)
        else:
            try:
                df.to_parquet(args.out, index=False)
            except OSError as exc:
                raise InputError(f"{args.out}: cannot write: {exc}") from None
    return 1 if failures else 0


def _write_text(data: str, out: str | None) -> None:
    if out:
        try:
            Path(out).write_text(data, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{out}: cannot write: {exc.strerror}") from None
    else:
        sys.stdout.write(data)


def _read_gold_files(paths: list[str]) -> list[dict]:
    from .evaluation import read_gold

    docs = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise InputError(f"{name}: no such file")
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a JSONL file")
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

    docs = _read_gold_files(args.gold)
    try:
        pairs = predict_entities(docs)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{' '.join(args.gold)}: not a gold JSONL file: {exc}") from None
    scores: dict = score_documents(pairs)
    print(format_table(scores))
    if args.errors:
        print("\n".join(list_errors(docs, pairs, args.errors)))
    if args.cases:
        case_errors: list[str] | None = [] if args.errors else None
        scores = {"entities": scores, "cases": score_cases(predict_cases(docs), case_errors)}
        print(format_case_table(scores["cases"]))
        if case_errors:
            ids = [d.get("id") for d in docs if "cases" in (d.get("meta") or {})]
            for line in case_errors[: args.errors]:
                k = int(line.split()[1])
                print(line.replace(f"doc {k} ", f"{ids[k]} ", 1))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.ERROR, format="jnpolice-ner: %(message)s")
    args = _parser().parse_args(argv)
    try:
        if args.command == "extract":
            return cmd_extract(args)
        return cmd_evaluate(args)
    except InputError as exc:
        print(f"jnpolice-ner: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jnpolice-ner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback
        print(f"jnpolice-ner: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
