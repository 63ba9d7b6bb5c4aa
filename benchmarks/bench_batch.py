"""``extract_many`` on 2,000 CAIL2021 records: one process against two (a script, not a test).

    python benchmarks/bench_batch.py [--records 2000] [--pairs 5]
    JNPOLICE_NER_WORKERS=forkserver python benchmarks/bench_batch.py    # workers from the warm fork server

The records are the first N ``context`` fields of ../shared/data/external/cail2021-xxcq-dev (short
case descriptions, 64 characters on average). After a warm-up (the rules loaded in this process,
the fork server of ``n_process=2`` started, if used), 1-process and 2-process runs alternate; the speed-up of
each pair is its 1-process seconds over its 2-process seconds. The cold row runs each in a fresh
interpreter (what a one-off script pays: imports, rules, fork server).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CAIL = REPO.parent / "shared" / "data" / "external" / "cail2021-xxcq-dev" / "xxcq_small.json"

COLD = """
import json, sys, time
sys.path.insert(0, {repo!r})
t = time.perf_counter()
import jnpolice_ner as jn
recs = [json.loads(l)["context"] for l in open({cail!r}, encoding="utf-8")][:{n}]
if __name__ == "__main__":
    out = list(jn.extract_many(recs, n_process={procs}))
    print(time.perf_counter() - t)
"""


def records(n: int) -> list[str]:
    with open(CAIL, encoding="utf-8") as fh:
        return [json.loads(line)["context"] for line in fh][:n]


def timed(recs: list[str], procs: int) -> tuple[float, int]:
    import jnpolice_ner as jn

    t = time.perf_counter()
    out = list(jn.extract_many(recs, n_process=procs))
    return time.perf_counter() - t, sum(len(x) for x in out if isinstance(x, list))


def _cpu_extract(text: str) -> list:
    from jnpolice_ner import extract

    c = time.process_time()
    out = extract(text)
    return [out, time.process_time() - c]


def cpu_split(recs: list[str], procs: int) -> tuple[float, float]:
    """(the parent's CPU seconds, the CPU seconds spent in ``extract`` in the processes doing the work):
    on a busy machine, where wall time says little, these show what the second process costs."""
    from jnpolice_ner.batch import run_batch

    c = time.process_time()
    out = list(run_batch(_cpu_extract, recs, n_process=procs))
    parent = time.process_time() - c
    work = sum(x[1] for x in out)
    return (parent - work if procs == 1 else parent), work


def cold(n: int, procs: int, tmp: Path) -> float:
    script = tmp / f"cold_{procs}.py"
    script.write_text(COLD.format(repo=str(REPO), cail=str(CAIL), n=n, procs=procs))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--cold", type=int, default=1, help="cold pairs (fresh interpreters)")
    args = ap.parse_args()
    recs = records(args.records)
    print(f"{len(recs)} records, {sum(map(len, recs)):,} characters; load average {os.getloadavg()[0]:.1f}")
    timed(recs[:50], 1)
    timed(recs[:50], 2)  # the fork server is up, the rules loaded
    speedups, ones, twos = [], [], []
    for k in range(args.pairs):
        t1, r1 = timed(recs, 1)
        t2, r2 = timed(recs, 2)
        assert r1 == r2, (r1, r2)
        ones.append(t1)
        twos.append(t2)
        speedups.append(t1 / t2)
        print(f"pair {k + 1}: 1 process {t1:.2f} s, 2 processes {t2:.2f} s, speed-up {t1 / t2:.2f} "
              f"({r1} reports; load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"warm: median speed-up {statistics.median(speedups):.2f} (pairs {min(speedups):.2f}-{max(speedups):.2f}); "
          f"median 1 process {statistics.median(ones):.2f} s = {args.records / statistics.median(ones):.0f} records/s, "
          f"2 processes {statistics.median(twos):.2f} s = {args.records / statistics.median(twos):.0f} records/s")
    p1, w1 = cpu_split(recs, 1)
    p2, w2 = cpu_split(recs, 2)
    print(f"CPU: 1 process: extract {w1:.2f} s + the rest {p1:.2f} s; 2 processes: extract in the workers {w2:.2f} s, "
          f"the parent {p2:.2f} s. On two free cores the 2-process run cannot take less than "
          f"max(parent, workers/2) = {max(p2, w2 / 2):.2f} s against {w1 + p1:.2f} s: at most "
          f"{(w1 + p1) / max(p2, w2 / 2):.2f}x")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.cold):
            c1, c2 = cold(args.records, 1, Path(tmp)), cold(args.records, 2, Path(tmp))
            print(f"cold pair {k + 1} (fresh interpreter, import + rules + fork server included): 1 process {c1:.2f} s, "
                  f"2 processes {c2:.2f} s, speed-up {c1 / c2:.2f}", flush=True)


if __name__ == "__main__":
    main()
