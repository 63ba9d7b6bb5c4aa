"""``jnpolice_ner.dask.extract_frame`` on a local Dask cluster of 1 and 2 worker processes, against
``extract_many`` in this process (a script, not a test).

    python benchmarks/bench_dask.py [--records 2000] [--pages 40] [--partitions 8]

The documents: the first N CAIL2021 dev records (../shared) and the project's own pages
(corpus/pages) repeated to P documents. Each cluster gets a warm-up pass on a small frame (workers
import the library and load the rules once), then the timed pass computes the whole frame.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CAIL = REPO.parent / "shared" / "data" / "external" / "cail2021-xxcq-dev" / "xxcq_small.json"


def documents(n_records: int, n_pages: int):
    import pandas as pd

    with open(CAIL, encoding="utf-8") as fh:
        recs = [json.loads(line)["context"] for line in fh][:n_records]
    pages = [p.read_text("utf-8") for p in sorted((REPO / "corpus" / "pages").glob("*.txt"))]
    texts = recs + [pages[k % len(pages)] for k in range(n_pages)]
    return pd.DataFrame({"text": texts, "doc_id": [f"d{k}" for k in range(len(texts))],
                         "issue_date": ["2016-10-20"] * len(texts)})


def main() -> None:
    import dask.dataframe as dd
    import distributed

    import jnpolice_ner as jn
    from jnpolice_ner.dask import extract_frame

    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--partitions", type=int, default=8)
    args = ap.parse_args()
    pdf = documents(args.records, args.pages)
    chars = int(pdf["text"].str.len().sum())
    print(f"{len(pdf)} documents, {chars:,} characters; load average {os.getloadavg()[0]:.1f}")
    items = [(t, {"doc_id": d, "issue_date": i}) for t, d, i in zip(pdf.text, pdf.doc_id, pdf.issue_date, strict=True)]
    list(jn.extract_many(items[:20]))  # rules loaded
    t = time.perf_counter()
    rows = sum(len(x) for x in jn.extract_many(items) if isinstance(x, list))
    base = time.perf_counter() - t
    print(f"| extract_many, this process | {base:.1f} s | {len(pdf) / base:.0f} docs/s | {chars / base:,.0f} chars/s | "
          f"{rows} reports |", flush=True)
    for workers in (1, 2):
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=40) as cluster, \
                distributed.Client(cluster) as client:
            extract_frame(dd.from_pandas(pdf.head(40), npartitions=workers)).compute()  # warm-up
            ddf = dd.from_pandas(pdf, npartitions=args.partitions)
            t = time.perf_counter()
            n = len(extract_frame(ddf).compute())
            secs = time.perf_counter() - t
            peak = client.run(lambda: __import__("resource").getrusage(0).ru_maxrss / 1024)
            cpu = client.run(lambda: __import__("time").process_time())
        print(f"| extract_frame, {workers} worker(s) | {secs:.1f} s | {len(pdf) / secs:.0f} docs/s | "
              f"{chars / secs:,.0f} chars/s | {n} rows | speed-up over this process {base / secs:.2f} | "
              f"peak RSS per worker {', '.join(f'{v:.0f}' for v in peak.values())} MB | worker CPU since start "
              f"{', '.join(f'{v:.1f}' for v in cpu.values())} s | load {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
