"""PERSON recall and role accuracy on CAIL2021 xxcq (suspects NHCS, victims NHVI).

CAIL spans nest and their boundaries differ from annotation.md, so matching is lenient: a gold
span is found when a predicted PERSON overlaps it. Role accuracy is over found spans
(NHCS → suspect, NHVI → victim). The texts are read from ../shared and never copied.

    python scripts/eval_cail_person.py [path/to/xxcq_small.json] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval_cail import gold_spans  # noqa: E402  (the same CAIL span reader; scripts/ is on sys.path)

from jnpolice_ner import extract_entities  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/data/external/cail2021-xxcq-dev/xxcq_small.json"
ROLE = {"NHCS": "suspect", "NHVI": "victim"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--errors", type=int, default=0, help="print this many misses / role errors")
    args = ap.parse_args()
    rows = [json.loads(line) for line in Path(args.path).read_text("utf-8").splitlines() if line.strip()]
    gold_n, found, role_ok = Counter(), Counter(), Counter()
    pred_n = pred_hit = 0
    misses, wrong = [], []
    chars = 0
    t0 = time.perf_counter()
    for r in rows:
        text = r["context"]
        chars += len(text)
        pred = [e for e in extract_entities(text) if e.label == "PERSON"]
        golds = gold_spans(r, tuple(ROLE))
        pred_n += len(pred)
        pred_hit += sum(1 for e in pred if any(e.start < b and a < e.end for a, b, _ in golds))
        for a, b, lab in golds:
            gold_n[lab] += 1
            hit = [e for e in pred if e.start < b and a < e.end]
            if not hit:
                misses.append((lab, text[a:b], text))
                continue
            found[lab] += 1
            if any(e.role == ROLE[lab] for e in hit):
                role_ok[lab] += 1
            else:
                wrong.append((lab, text[a:b], hit[0].role, text))
    dt = time.perf_counter() - t0
    for lab in ROLE:
        g, f, ok = gold_n[lab], found[lab], role_ok[lab]
        print(f"{lab} ({ROLE[lab]:7}) gold {g:5}  found {f:5}  recall {f / max(g, 1):.3f}  role acc {ok / max(f, 1):.3f}")
    g, f, ok = sum(gold_n.values()), sum(found.values()), sum(role_ok.values())
    print(f"all               gold {g:5}  found {f:5}  recall {f / max(g, 1):.3f}  role acc {ok / max(f, 1):.3f}")
    print(f"predicted PERSON {pred_n}, overlapping a gold suspect/victim {pred_hit} "
          f"({pred_hit / max(pred_n, 1):.3f}; the rest are other people or errors)")
    print(f"{len(rows)} records, {chars} chars, {dt:.1f}s (whole pipeline)")
    for lab, span, text in misses[: args.errors]:
        print("MISS", lab, span, "|", text[:120])
    for lab, span, role, text in wrong[: args.errors]:
        print("ROLE", lab, span, role, "|", text[:120])


if __name__ == "__main__":
    main()
