#!/usr/bin/env python
"""Evaluate ``jnpolice_ner.classify`` on the CCL2023 fraud-case dev sample (evaluation only).

Reads ``../shared/data/external/ccl2023-fcc-dev/fraud_cases_dev.jsonl`` (480 police-recorded
reports, 40 per class; never copied into the repository), maps each class name to its ★ code
of spec/taxonomy.md and prints per-class P/R/F1, macro-F1 over the twelve classes and a
confusion matrix (markdown). Predictions outside the twelve codes (``fraud``, ``fraud.online``,
``theft``…) count as misses in the column ``(other)``.

``--end-to-end`` scores the whole pipeline instead: ``extract`` on each record, the first
report's ``case_type`` (a record with no report counts as ``(none)``, a miss), and prints the
coverage (share of records with at least one report) beside the same table and matrix.

``--own`` scores the held-back part of the project's own narratives (``corpus/narratives``, never trained
on) the same way. ``--mode rules|stat|combined`` gives the ablation: the cue rules alone, the statistical classifier alone
(``jnpolice_ner/textcat.py``; a fraud story's ★ class is its best class), or both (the default, what
``classify`` and ``extract`` do).

    python scripts/eval_ccl2023.py [--data PATH | --own] [--end-to-end] [--mode MODE] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jnpolice_ner.classify import classify  # noqa: E402

DEFAULT = REPO.parent / "shared" / "data" / "external" / "ccl2023-fcc-dev" / "fraud_cases_dev.jsonl"

#: CCL2023 class name (label) → taxonomy code (spec/taxonomy.md, the ★ rows)
LABELS = {
    "刷单返利类": "fraud.brushing",
    "冒充电商物流客服类": "fraud.customer_service",
    "虚假网络投资理财类": "fraud.investment",
    "贷款、代办信用卡类": "fraud.loan",
    "虚假征信类": "fraud.credit",
    "虚假购物、服务类": "fraud.shopping",
    "冒充公检法及政府机关类": "fraud.impersonate_official",
    "冒充领导、熟人类": "fraud.impersonate_acquaintance",
    "网络游戏产品虚假交易类": "fraud.game_trade",
    "网络婚恋、交友类（非虚假网络投资理财类）": "fraud.romance",
    "冒充军警购物类诈骗": "fraud.impersonate_military",
    "网黑案件": "fraud.sextortion",
}
CODES = list(LABELS.values())
SHORT = {c: c.split(".", 1)[1][:10] for c in CODES}


NONE = "(none)"  # end to end: the record gave no report


OWN = REPO / "corpus" / "narratives"


def records(path: Path) -> list[tuple[str, str]]:
    """``(text, gold code)`` of every record of the file; ``OWN``: the held-back part of the own narratives."""
    out = []
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    if "code" in rec:  # corpus/narratives: the code is given; only the held part is scored
                        if rec["split"] == "held":
                            out.append((rec["text"], rec["code"]))
                    else:
                        out.append((rec["text"], LABELS[rec["label"]]))
    return out


MODES = ("combined", "rules", "stat")


def use_mode(mode: str) -> None:
    """Make ``classify`` (and so ``extract``) decide by the cue rules and the statistical classifier together
    (``combined``, the default), the rules alone (``rules``) or the statistical classifier alone (``stat``)."""
    import jnpolice_ner.classify as mod

    original = getattr(mod, "_original_classify", mod.classify)
    mod._original_classify = original
    if mode == "combined":
        mod.classify = original
    elif mode == "rules":
        mod.classify = lambda text, spans=None, statistical=True: original(text, spans, statistical=False)
    else:
        from jnpolice_ner.textcat import predict as stat

        def only_stat(text, spans=None, statistical=True):
            code, ids = original(text, spans, statistical=False)
            preds = stat(text)
            if code.split(".", 1)[0] != "fraud" or not preds:
                return code, ids
            return preds[0][0], [f"textcat.{preds[0][0]}"]
        mod.classify = only_stat
    global classify
    classify = mod.classify


def predict(text: str, end_to_end: bool) -> str:
    """``classify``'s code, or (end to end) the first report's case_type (``NONE`` without a report)."""
    if not end_to_end:
        return classify(text)[0]
    from jnpolice_ner import extract

    reports = extract(text)
    return reports[0].case_type if reports else NONE


def evaluate(path: Path, end_to_end: bool = False) -> tuple[list[tuple[str, str]], float, list[str]]:
    pairs = []
    texts = []
    t0 = time.perf_counter()
    chars = 0
    for text, gold in records(path):
        chars += len(text)
        pairs.append((gold, predict(text, end_to_end)))
        texts.append(text)
    return pairs, chars / (time.perf_counter() - t0), texts


def report(pairs: list[tuple[str, str]]) -> str:
    cm = Counter(pairs)
    lines = ["| class | P | R | F1 | n |", "|---|---|---|---|---|"]
    f1s = []
    for c in CODES:
        tp = cm[(c, c)]
        pred_n = sum(v for (g, p), v in cm.items() if p == c)
        gold_n = sum(v for (g, p), v in cm.items() if g == c)
        prec = tp / pred_n if pred_n else 0.0
        rec = tp / gold_n if gold_n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        lines.append(f"| {c} | {prec:.3f} | {rec:.3f} | {f1:.3f} | {gold_n} |")
    acc = sum(v for (g, p), v in cm.items() if g == p) / max(1, len(pairs))
    macro = sum(f1s) / len(f1s)
    lines.append(f"\nmacro-F1 (12 classes) = **{macro:.3f}**, accuracy = {acc:.3f}, n = {len(pairs)}\n")
    cols = CODES + ["(other)"]
    lines.append("| gold \\ pred | " + " | ".join(SHORT.get(c, c) for c in cols) + " |")
    lines.append("|---" * (len(cols) + 1) + "|")
    for g in CODES:
        row = [cm[(g, c)] for c in CODES]
        row.append(sum(v for (gg, p), v in cm.items() if gg == g and p not in CODES))
        lines.append(f"| {SHORT[g]} | " + " | ".join(str(x) if x else "." for x in row) + " |")
    covered = sum(1 for _, p in pairs if p != NONE)
    lines.append(f"\ncoverage (records with a report) = {covered}/{len(pairs)} = {covered / max(1, len(pairs)):.3f}")
    others = Counter(p for _, p in pairs if p not in CODES)
    if others:
        lines.append("\n(other) predictions: " + ", ".join(f"{k} {v}" for k, v in others.most_common()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--own", action="store_true",
                    help="score the held-back part of the project's own narratives (corpus/narratives) instead")
    ap.add_argument("--end-to-end", action="store_true", help="score extract's first report, not classify")
    ap.add_argument("--mode", choices=MODES, default="combined",
                    help="rules and statistical classifier together (default), rules only, or the classifier only")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="list up to N misclassified records (index, gold, predicted; no text)")
    args = ap.parse_args(argv)
    if args.own:
        args.data = OWN
    if not args.data.exists():
        print(f"eval_ccl2023: {args.data} not found (../shared must sit beside the checkout)", file=sys.stderr)
        return 2
    use_mode(args.mode)
    pairs, speed, _texts = evaluate(args.data, args.end_to_end)
    print(("end to end (extract → first report's case_type)" if args.end_to_end else "classify")
          + f", mode {args.mode}\n")
    print(report(pairs))
    if args.errors:
        wrong = [(i, g, p) for i, (g, p) in enumerate(pairs) if g != p]
        for i, g, p in wrong[:args.errors]:
            print(f"  #{i}: {g} -> {p}")
    print(f"\nspeed: {speed:,.0f} chars/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
