"""Speed of the rule path, next to what users would otherwise pick, on the same texts in one run.

    python benchmarks/bench_rules.py [--mb 1.0] [--skip-baseline]

Texts: the corpus sample page and (when ../shared is beside the checkout) the seed page, cut into
articles and repeated to the requested size. Measured on one core, wall-clock, best of 3:

- jnpolice_ner rule path: ``extract_entities`` per article (recognize + resolve, all 7 labels);
- jnpolice_ner page path: ``parse_page`` + case reports per page;
- baseline: jieba POS tagging (``jieba.posseg.cut``) + JioNLP ``extract_money`` + ``extract_time``.

Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _texts(target_chars: int) -> tuple[list[str], list[str]]:
    pages = [(REPO / "corpus" / "pages" / "sample_page.txt").read_text("utf-8")]
    seed = REPO.parent / "shared" / "seed" / "000_a554ebdd29adbe28.txt"
    if seed.exists():
        pages.append(seed.read_text("utf-8"))
    from jnpolice_ner import parse_page

    articles = [a.text for p in pages for a in parse_page(p).articles if a.text]
    arts, n = [], 0
    while n < target_chars:
        for a in articles:
            arts.append(a)
            n += len(a)
    page_list, n = [], 0
    while n < target_chars:
        for p in pages:
            page_list.append(p)
            n += len(p)
    return arts, page_list


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.0, help="characters to process, in millions")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--corpus", choices=("pages", "cail"), default="pages",
                    help="pages: the sample + seed pages cut into articles, repeated; "
                         "cail: the CAIL2021 dev sentences (unique, short; ../shared)")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import jnpolice_ner as jn

    arts, pages = _texts(int(args.mb * 1_000_000))
    if args.corpus == "cail":
        import json

        path = REPO.parent / "shared" / "data" / "external" / "cail2021-xxcq-dev" / "xxcq_small.json"
        arts = [json.loads(line)["context"] for line in path.read_text("utf-8").splitlines() if line.strip()]
        pages = ["\n\n".join(arts[i:i + 40]) for i in range(0, len(arts), 40)]
    n_arts = sum(map(len, arts))
    n_pages = sum(map(len, pages))
    jn.extract_entities(arts[0])  # warm-up: rules load once per process
    rows = []
    t = _best(lambda: [jn.extract_entities(a, issue_date="2016-08-20") for a in arts])
    rows.append(("jnpolice_ner rule path (extract_entities)", n_arts, t))
    t = _best(lambda: [jn.extract(p, issue_date="2016-08-20") for p in pages], repeat=1)
    rows.append(("jnpolice_ner pages → case reports (extract)", n_pages, t))
    if not args.skip_baseline:
        try:
            import jieba
            import jieba.posseg as pseg
            import jionlp

            jieba.setLogLevel(60)
            jieba.initialize()
            list(pseg.cut(arts[0]))
            jionlp.ner.extract_money(arts[0])
            jionlp.ner.extract_time(arts[0])

            def base_all():
                for a in arts:
                    list(pseg.cut(a))
                    jionlp.ner.extract_money(a)
                    jionlp.ner.extract_time(a)

            def base_pos():
                for a in arts:
                    list(pseg.cut(a))

            rows.append(("jieba POS + JioNLP money + time", n_arts, _best(base_all, repeat=1)))
            rows.append(("jieba POS tagging alone", n_arts, _best(base_pos, repeat=1)))
        except ImportError as exc:
            rows.append((f"baseline not installed ({exc.name}): pip install -e '.[bench]'", 0, float("nan")))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {args.corpus}; texts: {len(arts)} articles / {len(pages)} pages; "
          f"python {sys.version.split()[0]}; one process\n")
    print("| tool | characters | seconds | characters / second |")
    print("|---|---:|---:|---:|")
    for name, n, t in rows:
        rate = f"{n / t:,.0f}" if n and t == t and t > 0 else "–"
        print(f"| {name} | {n:,} | {t:.2f} | {rate} |")
    print(f"\npeak RSS of this run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
