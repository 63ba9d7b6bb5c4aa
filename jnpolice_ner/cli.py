"""The ``jnpolice-ner`` command line: ``extract`` and ``evaluate``. Never shows a traceback.

    jnpolice-ner extract PATH... [--issue-date D] [--format jsonl|csv|parquet|text] [--out FILE]
                         [--encoding ENC] [--jobs N] [--scheduler ADDRESS]
    jnpolice-ner --version
    jnpolice-ner evaluate GOLD.jsonl [--json OUT]

Exit codes: 0 success, 2 bad input or output (missing file, directory, not UTF-8, unknown format,
bad date, malformed gold file, an output that cannot be written: missing folder, full disk, file
size limit, closed pipe), 1 a page that failed or an unexpected internal error (one line each).
A PATH is a file, a folder (every ``*.txt`` inside it and its sub-folders, sorted) or a glob pattern.
Every input is checked (exists, decodes) before any output. Pages are read one at a time and
article by article, and output is written as it comes, so memory does not grow with the input
(docs/benchmarks.md). ``--jobs N`` reads pieces of whole articles in N worker processes;
``--scheduler ADDRESS`` on a Dask cluster (docs/scale.md). The ``source`` field names the file.
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
    from . import __version__

    p = _Parser(prog="jnpolice-ner", description="Entities, case reports and fraud tables from police news.")
    p.add_argument("--version", action="version", version=f"jnpolice-ner {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = sub.add_parser("extract", help="case reports (jsonl) or the fraud table (csv, parquet) of pages")
    ex.add_argument("paths", nargs="+", metavar="PATH",
                    help="text files (a page each), folders (every *.txt inside, sorted), glob patterns; - for stdin")
    ex.add_argument("--issue-date", default=None, help="issue date (YYYY-MM-DD) anchoring dates without a year")
    ex.add_argument("--format", default="jsonl", help="jsonl (case reports) | csv | parquet (fraud table) | text (both, for reading)")
    ex.add_argument("--out", default=None, help="output file (default: stdout; required for parquet)")
    ex.add_argument("--encoding", default="utf-8", help="encoding of the input files (default UTF-8; e.g. gb18030)")
    ex.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    ex.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="run on a Dask cluster (tcp://host:8786; needs jnpolice_ner[dask])")
    ev = sub.add_parser("evaluate", help="score extract_entities against a gold JSONL file")
    ev.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="one or more gold files, scored together")
    ev.add_argument("--json", dest="json_out", default=None, help="also write the scores as JSON here")
    ev.add_argument("--cases", action="store_true", help="also score case reports against meta.cases, field by field")
    ev.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N wrong spans (and case fields)")
    return p


def _codec(encoding: str) -> str:
    """The codec name for ``--encoding`` (UTF-8 drops a byte-order mark), or a one-line error."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    try:
        codecs.getincrementaldecoder(codec)
        "".encode(codec)
    except LookupError:  # a codec that is no text encoding (rot13)
        raise InputError(f"unknown encoding {encoding!r}") from None
    return "utf-8-sig" if codec == "utf-8" else codec


def _decode_error(name: str, codec: str, data_start: bytes, at: int) -> InputError:
    label = "UTF-8" if codec.startswith("utf-8") else codec
    hint = "use --encoding utf-16" if data_start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else \
        "see --encoding"
    return InputError(f"{name}: not {label} text (byte {at}); {hint}")


def read_input(path: str, encoding: str = "utf-8") -> str:
    """The text of a file (or stdin for ``-``), with one-line errors for everything that can go wrong.

    ``encoding`` is UTF-8 by default (a byte-order mark is dropped); UTF-16 and GB18030 files need
    ``--encoding utf-16`` / ``--encoding gb18030``."""
    codec = _codec(encoding)
    if path == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            raise _decode_error("<stdin>", codec, data[:4], exc.start) from None
    check_input(path, codec)
    try:
        with open(path, encoding=codec, newline="") as fh:  # line ends kept as they are
            return fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:  # pragma: no cover - changed since check_input
        raise InputError(f"{path}: not {codec} text") from None


def check_input(path: str, codec: str, block: int = 1 << 20) -> None:
    """Fail with one line, before any work, when ``path`` cannot be read or decoded; reads the file
    a block at a time and keeps nothing."""
    p = _existing_file(path, "a text file")
    decoder = codecs.getincrementaldecoder(codec)()
    done = 0
    head = b""
    try:
        with open(p, "rb") as fh:
            while True:
                data = fh.read(block)
                if not head:
                    head = data[:4]
                try:
                    decoder.decode(data, final=not data)
                except UnicodeDecodeError as exc:
                    raise _decode_error(path, codec, head, done + max(0, exc.start)) from None
                if not data:
                    return
                done += len(data)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


_GLOB_CHARS = frozenset("*?[")


def expand_paths(paths: list[str]) -> list[str]:
    """The input files of ``extract``: a file as given, a folder as every ``*.txt`` inside it (sub-folders
    too), sorted, a glob pattern (``pages/2016-*.txt``) as its matches, sorted; ``-`` is stdin."""
    import glob

    files: list[str] = []
    for name in paths:
        if name == "-" or Path(name).is_file():
            files.append(name)
        elif Path(name).is_dir():
            found = sorted(str(f) for f in Path(name).rglob("*.txt") if f.is_file())
            if not found:
                raise InputError(f"{name}: is a directory with no *.txt file inside")
            files.extend(found)
        elif _GLOB_CHARS & set(name):
            found = sorted(glob.glob(name, recursive=True))
            if not found:
                raise InputError(f"{name}: no file matches")
            files.extend(expand_paths(found))
        else:
            _existing_file(name, "a text file")
            files.append(name)
    return files


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


#: reports gathered before the fraud table of csv or parquet output gets more rows
TABLE_ROWS = 2_000


def _reports(files: list[str], codec_name: str, issue: str | None, jobs: int, scheduler: str | None):
    """``(path, CaseReport)`` and ``(path, error message)`` in input order, page by page and article by
    article: nothing is held but the page being read and the pieces in flight."""
    if scheduler:
        yield from _reports_on_cluster(files, codec_name, issue, scheduler)
        return
    if jobs > 1:
        yield from _reports_in_processes(files, codec_name, issue, jobs)
        return
    from .page import iter_cases

    for path in _progress(files):
        text = read_input(path, codec_name)
        try:
            for report in iter_cases(text, issue):
                yield path, report
        except Exception as exc:  # one bad page does not stop the batch
            yield path, f"{type(exc).__name__}: {exc}"


def _pieces(files: list[str], codec_name: str, issue: str | None):
    """Every page's pieces of whole articles (``page.article_groups``), as ``batch.Job``s."""
    from .batch import Job
    from .page import article_groups
    from .recognizer import as_date

    index = 0
    for path in _progress(files):
        text = read_input(path, codec_name)
        for piece, segs in article_groups(text):
            yield Job(index, piece, as_date(issue), None, path, segs)
            index += 1


def _reports_in_processes(files: list[str], codec_name: str, issue: str | None, jobs: int):
    from .batch import run_batch
    from .models import ErrorRecord
    from .page import cases_of_group

    def keep(index: int, job: Any) -> Any:
        return job

    for out in run_batch(cases_of_group, _pieces(files, codec_name, issue), n_process=jobs, prepare=keep):
        if isinstance(out, ErrorRecord):
            yield out.source, out.error
        else:
            for report in out:
                yield report.source, report


def _reports_on_cluster(files: list[str], codec_name: str, issue: str | None, scheduler: str):
    from .dask import client_for, map_in_order
    from .page import cases_of_group

    with client_for(scheduler) as client:
        for path, out in map_in_order(client, cases_of_group, _pieces(files, codec_name, issue)):
            if isinstance(out, str):
                yield path, out
            else:
                for report in out:
                    report.source = path
                    yield path, report


def cmd_extract(args: argparse.Namespace) -> int:
    fmt = args.format.lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown format {args.format!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and not args.out:
        raise InputError("--format parquet needs --out FILE")
    if args.jobs < 1:
        raise InputError(f"--jobs must be 1 or more, not {args.jobs}")
    issue = _check_date(args.issue_date)
    if args.out:
        check_output(args.out)
    codec = _codec(args.encoding)
    files = expand_paths(args.paths)
    for path in files:  # every input checked first: a bad path fails before any output
        if path != "-":
            check_input(path, codec)
    if files.count("-") > 1:
        raise InputError("stdin (-) can be read only once")
    failures = [0]

    def items():
        for path, item in _reports(files, args.encoding, issue, args.jobs, args.scheduler):
            if isinstance(item, str):
                failures[0] += 1
                print(f"jnpolice-ner: {path}: {item}", file=sys.stderr)
            else:
                item.source = item.source or path
            yield path, item

    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet, "text": _write_readable}[fmt]
    if args.out:
        write_file(args.out, lambda tmp: writer(items(), tmp))
    else:
        writer(items(), None)
    return 1 if failures[0] else 0


class _Sink:
    """Text output, to a file (``path``) or to stdout, written as it comes."""

    def __init__(self, path: str | None):
        self.fh = open(path, "w", encoding="utf-8") if path else None  # noqa: SIM115 - closed in close()

    def write(self, data: str) -> None:
        if self.fh is not None:
            self.fh.write(data)
        else:
            _to_stdout(data)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


def _write_jsonl(items, path: str | None) -> None:
    sink = _Sink(path)
    try:
        lines: list[str] = []
        for src, item in items:
            rec = {"source": src, "error": item} if isinstance(item, str) else item.model_dump(mode="json")
            lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
            if len(lines) >= 256:
                sink.write("".join(lines))
                lines.clear()
        sink.write("".join(lines))
    finally:
        sink.close()


def _tables(items, rows: int = TABLE_ROWS):
    """The fraud table of the reports among ``items``, a DataFrame every ``rows`` reports (at least one)."""
    from . import api

    batch: list[Any] = []
    sent = False
    for _, item in items:
        if isinstance(item, str):
            continue
        batch.append(item)
        if len(batch) >= rows:
            yield api.fraud_table(batch)
            batch, sent = [], True
    if batch or not sent:
        yield api.fraud_table(batch)


def _write_csv(items, path: str | None) -> None:
    sink = _Sink(path)
    try:
        header = True
        for df in _tables(items):
            if header or len(df):
                sink.write(df.to_csv(index=False, header=header))
            header = False
    finally:
        sink.close()


def _write_parquet(items, path: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for df in _tables(items):
            table = pa.Table.from_pandas(df, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            elif len(df):
                writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def _write_readable(items, path: str | None) -> None:
    """For people: each case report's one-line summary as it comes, then the fraud table."""
    from . import api
    from .labels import is_fraud

    sink = _Sink(path)
    try:
        fraud: list[Any] = []
        n = 0
        for _, item in items:
            if isinstance(item, str):
                continue
            sink.write(repr(item) + "\n")
            n += 1
            if is_fraud(item.case_type):
                fraud.append(item)
        df = api.fraud_table(fraud)
        head = "" if n else "(no case reports)\n"
        sink.write(head + "\n" + f"fraud table: {len(df)} row(s)\n" + (df.to_string(index=False) if len(df) else "")
                   + "\n")
    finally:
        sink.close()


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
