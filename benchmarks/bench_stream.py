"""A big input file through the command line: time and peak memory, streamed against one-shot.

    python benchmarks/bench_stream.py [--mb 5 10 25 50] [--baseline 58f09c0] [--workdir DIR] [--jobs 1]

The input is the project's own pages (corpus/pages/*.txt) joined and repeated to each size. Each
run is ``python -m jnpolice_ner.cli extract FILE --issue-date 2016-10-20 --out OUT.jsonl`` in a
fresh process; its peak RSS is the kernel's (``wait4``). ``--baseline REV`` runs the same command
on the code of commit REV (exported with ``git archive`` into the work folder), in the same run,
size by size, and checks that both outputs are the same bytes. Results go to stdout as a table and
to ``WORKDIR/results.jsonl`` line by line as they come.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_input(path: Path, mb: float) -> int:
    pages = "\n\n".join(p.read_text("utf-8") for p in sorted((REPO / "corpus" / "pages").glob("*.txt")))
    target = int(mb * 1_000_000)
    unit = (pages + "\n\n").encode("utf-8")
    with open(path, "wb") as fh:
        n = 0
        while n + len(unit) <= target:
            fh.write(unit)
            n += len(unit)
    return n


def run_cli(code_dir: Path, infile: Path, out: Path, jobs: int) -> dict:
    cmd = [sys.executable, "-m", "jnpolice_ner.cli", "extract", str(infile), "--issue-date", "2016-10-20",
           "--out", str(out)]
    if jobs > 1:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(code_dir))
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=code_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed: {err}")
    # wait4's ru_maxrss: the largest child of the tree that was waited for (the CLI itself; with --jobs,
    # the workers are reaped by the CLI and counted in its RUSAGE_CHILDREN, not here)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
    lines = sum(1 for _ in open(out, "rb"))
    return {"seconds": secs, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
            "reports": lines, "sha": digest}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, nargs="+", default=[5, 10, 25, 50])
    ap.add_argument("--baseline", default=None, help="a commit whose CLI to run as well (the one-shot code)")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--only", choices=("baseline", "streamed"), default=None,
                    help="run one of the two (e.g. both at once in two shells on a busy machine)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="jn_stream_"))
    work.mkdir(parents=True, exist_ok=True)
    codes = {"streamed": REPO}
    if args.baseline:
        base = work / f"code_{args.baseline}"
        if not base.exists():
            base.mkdir()
            arch = subprocess.run(["git", "-C", str(REPO), "archive", args.baseline], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(base)], input=arch.stdout, check=True)
        codes = {f"one-shot ({args.baseline})": base, "streamed": REPO}
        if args.only == "baseline":
            codes.pop("streamed")
        elif args.only == "streamed":
            codes = {"streamed": REPO}
    results = work / "results.jsonl"
    print(f"work folder {work}; load average {os.getloadavg()[0]:.1f}", flush=True)
    print("| code | MB | characters | reports | seconds | s per MB | CPU s per MB | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    for mb in args.mb:
        infile = work / f"pages_{mb:g}mb_{os.getpid()}.txt"
        size = build_input(infile, mb)
        chars = len(infile.read_text("utf-8"))
        shas = set()
        for name, code in codes.items():
            out = work / f"out_{mb:g}_{'streamed' if code == REPO else 'baseline'}.jsonl"
            r = run_cli(code, infile, out, args.jobs if name == "streamed" else 1)
            shas.add(r["sha"])
            r.update({"code": name, "mb": size / 1e6, "chars": chars, "load": os.getloadavg()[0],
                      "when": time.strftime("%H:%M:%S", time.gmtime())})
            with open(results, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(r) + "\n")
            print(f"| {name} | {size / 1e6:.1f} | {chars:,} | {r['reports']:,} | {r['seconds']:.1f} | "
                  f"{r['seconds'] / (size / 1e6):.2f} | {r['cpu_s'] / (size / 1e6):.2f} | {r['peak_rss_mb']:.0f} |", flush=True)
        if len(shas) > 1:
            print(f"  outputs differ at {mb} MB: {shas}", flush=True)
        infile.unlink()


if __name__ == "__main__":
    main()
