"""A 10 MB page: time and peak memory of extract_entities, parse_page and extract (a script, not a test).

    python benchmarks/bench_big_page.py [--mb 10] [--what entities|page|extract]

Each measurement runs in a fresh interpreter so that the peak RSS belongs to that call alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CODE = """
import json, resource, time, sys
sys.path.insert(0, {repo!r})
import jnpolice_ner as jn
page = open({sample!r}, encoding="utf-8").read()
text = page * max(1, int({mb} * 1_000_000 / len(page)))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if {what!r} == "entities":
    n = len(jn.extract_entities(text, issue_date="2016-10-20"))
elif {what!r} == "page":
    n = len(jn.parse_page(text, issue_date="2016-10-20").articles)
else:
    n = len(jn.extract(text, issue_date="2016-10-20"))
secs = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"chars": len(text), "items": n, "seconds": secs, "rss_before_mb": base / 1024,
                  "peak_rss_mb": peak / 1024}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--what", nargs="*", default=["entities", "page", "extract"])
    args = ap.parse_args()
    sample = str(REPO / "corpus" / "pages" / "sample_page.txt")
    print("| call | characters | items | seconds | chars/s | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for what in args.what:
        code = CODE.format(repo=str(REPO), sample=sample, mb=args.mb, what=what)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {what} | {r['chars']:,} | {r['items']:,} | {r['seconds']:.1f} | "
              f"{r['chars'] / r['seconds']:,.0f} | {r['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
