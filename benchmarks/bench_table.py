"""fraud_table on a 1,000-article corpus: the time beyond extraction (a script, not a test).

    python benchmarks/bench_table.py [--articles 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args()
    import jnpolice_ner as jn

    page = (REPO / "corpus" / "pages" / "sample_page.txt").read_text("utf-8")
    per_page = len(jn.parse_page(page).articles)
    pages = [page] * max(1, args.articles // per_page)
    t = time.perf_counter()
    reports = [r for p in pages for r in jn.extract(p, issue_date="2016-10-20")]
    t_extract = time.perf_counter() - t
    jn.fraud_table(reports[:10])  # pandas warm-up
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        df = jn.fraud_table(reports)
        best = min(best, time.perf_counter() - t)
    print(f"{len(pages) * per_page} articles, {len(reports)} reports, {len(df)} fraud rows")
    print(f"extraction: {t_extract:.2f} s; fraud_table: {best * 1000:.1f} ms (best of 5)")


if __name__ == "__main__":
    main()
