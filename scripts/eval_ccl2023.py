#!/usr/bin/env python
"""Evaluate ``jnpolice_ner.classify`` on the CCL2023 fraud-case dev sample (evaluation only).

Reads ``../shared/data/external/ccl2023-fcc-dev/fraud_cases_dev.jsonl`` (480 police-recorded
reports, 40 per class; never copied into the repository), maps each class name to its ★ code
of spec/taxonomy.md and prints per-class P/R/F1, macro-F1 over the twelve classes and a
confusion matrix (markdown). Predictions outside the twelve codes (``fraud``, ``fraud.online``,
``theft``…) count as misses in the column ``(other)``.

    python scripts/eval_ccl2023.py [--data PATH] [--errors N]
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


def evaluate(path: Path) -> tuple[list[tuple[str, str]], float]:
    pairs = []
    t0 = time.perf_counter()
    chars = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            gold = LABELS[rec["label"]]
            chars += len(rec["text"])
            pred, _ = classify(rec["text"])
            pairs.append((gold, pred))
    return pairs, chars / (time.perf_counter() - t0)


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
    others = Counter(p for _, p in pairs if p not in CODES)
    if others:
        lines.append("\n(other) predictions: " + ", ".join(f"{k} {v}" for k, v in others.most_common()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args(argv)
    if not args.data.is_file():
        print(f"eval_ccl2023: {args.data} not found (../shared must sit beside the checkout)", file=sys.stderr)
        return 2
    pairs, speed = evaluate(args.data)
    print(report(pairs))
    print(f"\nspeed: {speed:,.0f} chars/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
