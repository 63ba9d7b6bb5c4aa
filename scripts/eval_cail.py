"""Lenient recall on CAIL2021 xxcq (theft-case sentences): MONEY and DATE, extensible per target.

CAIL spans nest and their boundaries differ from annotation.md (``现金人民币500元`` vs our
``人民币500元``; ``2018年6月底的一天晚上`` vs our ``2018年6月底``), so a gold span counts as found
when a predicted entity accepted by the target overlaps it. "Precision" here is only the share of
predictions that overlap some gold span of the target's CAIL labels: CAIL does not label every
amount or date, so it is a lower bound. The texts are read from ../shared and never copied.

A target maps CAIL labels to a predicate over our entities; add one by extending ``TARGETS``
(e.g. ``"suspect": Target(("NHCS",), lambda e: e.label == "PERSON" and e.role == "suspect")``).

    python scripts/eval_cail.py [PATH] [--targets MONEY DATE] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jnpolice_ner import extract_entities  # noqa: E402
from jnpolice_ner.models import Entity  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/data/external/cail2021-xxcq-dev/xxcq_small.json"


@dataclass(frozen=True)
class Target:
    """CAIL labels whose spans must be found, and which of our entities may find them."""

    cail_labels: tuple[str, ...]
    accept: Callable[[Entity], bool]


def money(e: Entity) -> bool:
    """NCSM stolen money, NCGV value of goods, NCSP theft profit → MONEY."""
    return e.label == "MONEY"


def date(e: Entity) -> bool:
    """NT time → DATE."""
    return e.label == "DATE"


TARGETS: dict[str, Target] = {
    "MONEY": Target(("NCSM", "NCGV", "NCSP"), money),
    "DATE": Target(("NT",), date),
}


def gold_spans(record: dict, labels: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``(start, end, cail_label)`` of the record's spans with one of ``labels``."""
    out = []
    for ent in record["entities"]:
        if ent["label"] in labels:
            for sp in ent["span"]:
                a, b = map(int, sp.split(";"))
                out.append((a, b, ent["label"]))
    return out


def evaluate(rows: list[dict], targets: dict[str, Target], errors: int = 0) -> dict[str, dict]:
    """Per target: gold, found, recall, per-CAIL-label recall, predictions and their overlap share."""
    stats: dict[str, dict] = {
        name: {"gold": Counter(), "found": Counter(), "pred": 0, "pred_hit": 0, "misses": [], "spurious": []}
        for name in targets
    }
    for r in rows:
        text = r["context"]
        ents = extract_entities(text)
        for name, tg in targets.items():
            st = stats[name]
            golds = gold_spans(r, tg.cail_labels)
            pred = [e for e in ents if tg.accept(e)]
            st["pred"] += len(pred)
            for e in pred:
                if any(e.start < b and a < e.end for a, b, _ in golds):
                    st["pred_hit"] += 1
                elif len(st["spurious"]) < errors:
                    st["spurious"].append((e.text, text))
            for a, b, lab in golds:
                st["gold"][lab] += 1
                if any(e.start < b and a < e.end for e in pred):
                    st["found"][lab] += 1
                elif len(st["misses"]) < errors:
                    st["misses"].append((lab, text[a:b], text))
    return stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--targets", nargs="*", default=list(TARGETS), help=f"some of {list(TARGETS)}")
    ap.add_argument("--errors", type=int, default=0, help="print this many misses and unmatched predictions")
    args = ap.parse_args()
    rows = [json.loads(line) for line in Path(args.path).read_text("utf-8").splitlines() if line.strip()]
    targets = {k: TARGETS[k] for k in args.targets}
    t0 = time.perf_counter()
    stats = evaluate(rows, targets, args.errors)
    dt = time.perf_counter() - t0
    chars = sum(len(r["context"]) for r in rows)
    print(f"{len(rows)} sentences, {chars} chars, {dt:.1f}s (full extract_entities)")
    for name, st in stats.items():
        g, f = sum(st["gold"].values()), sum(st["found"].values())
        per = ", ".join(f"{lab} {st['found'][lab]}/{n} ({st['found'][lab] / n:.3f})" for lab, n in sorted(st["gold"].items()))
        share = st["pred_hit"] / st["pred"] if st["pred"] else 0.0
        print(f"{name:<8} lenient recall {f}/{g} = {f / g if g else 0:.3f}   [{per}]"
              f"   predictions {st['pred']}, overlapping gold {share:.3f}")
        for lab, span, text in st["misses"]:
            print(f"  miss {lab} {span!r} in {text[:90]!r}")
        for span, text in st["spurious"]:
            print(f"  unmatched {span!r} in {text[:90]!r}")


if __name__ == "__main__":
    main()
