#!/usr/bin/env python
"""Train the fraud-story classifier (``jnpolice_ner/textcat.py``) on the project's own narratives.

Reads ``corpus/narratives/*.jsonl`` (written for this project; ``split`` train / held). Only the train
part is used for fitting and for choosing the settings (5-fold cross-validation inside it); the held part
is scored once at the end and never trained on. Writes ``jnpolice_ner/textcat_model/model.json``.

The model: softmax regression (L2, full-batch gradient descent, numpy) over the presence of character
1–3-grams seen in at least two training stories; weights rounded to 4 decimals; a temperature on the
scores makes the probabilities honest on out-of-fold predictions of the train part.

    python scripts/train_textcat.py [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jnpolice_ner.textcat import MODEL_PATH, Model, ngrams  # noqa: E402

NARRATIVES = REPO / "corpus" / "narratives"
ORDERS = (1, 2, 3)
MIN_DF = 2


def calibrate(oof: list[tuple[list[float], int]]) -> float:
    """The factor on the scores that makes the out-of-fold probabilities honest (least log loss)."""
    def nll(t: float) -> float:
        total = 0.0
        for s, y in oof:
            z = [t * x for x in s]
            top = max(z)
            total += top + np.log(sum(np.exp(v - top) for v in z)) - z[y]
        return total / len(oof)
    return min((1, 2, 3, 5, 8, 12, 16, 24, 32, 48, 64), key=nll)


def stories(split: str | None = None) -> list[dict]:
    out = []
    for f in sorted(NARRATIVES.glob("*.jsonl")):
        for line in f.read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                if split is None or rec["split"] == split:
                    out.append(rec)
    return out


def matrix(texts: list[str], vocab: dict[str, int]) -> np.ndarray:
    x = np.zeros((len(texts), len(vocab)), dtype=np.float32)
    for i, t in enumerate(texts):
        for g in ngrams(t, ORDERS):
            j = vocab.get(g)
            if j is not None:
                x[i, j] = 1.0
    return x


def fit(texts: list[str], labels: list[int], n_classes: int, l2: float, min_df: int,
        epochs: int = 400, lr: float = 0.5) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    df: dict[str, int] = {}
    for t in texts:
        for g in ngrams(t, ORDERS):
            df[g] = df.get(g, 0) + 1
    vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= min_df))}
    x = matrix(texts, vocab)
    x /= np.maximum(1.0, np.sqrt(x.sum(axis=1, keepdims=True)))  # long stories do not outvote short ones
    y = np.zeros((len(texts), n_classes), dtype=np.float32)
    y[np.arange(len(texts)), labels] = 1.0
    w = np.zeros((x.shape[1], n_classes), dtype=np.float32)
    b = np.zeros(n_classes, dtype=np.float32)
    for _ in range(epochs):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) / len(texts)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    return vocab, w, b


def to_model(classes: list[str], vocab: dict[str, int], w: np.ndarray, b: np.ndarray, meta: dict,
             temperature: float = 1.0) -> Model:
    """The shipped form: every n-gram of the vocabulary with its weights (rounded), the bias and the settings;
    ``temperature`` scales the scores before the softmax (fitted on out-of-fold predictions: ``calibrate``)."""
    weights = {g: [round(float(v), 4) for v in w[i]] for g, i in vocab.items()}
    return Model({"classes": classes, "orders": list(ORDERS), "bias": [round(float(v), 4) for v in b],
                  "weights": weights, "meta": meta, "temperature": temperature})


def macro_f1(gold: list[str], pred: list[str], classes: list[str]) -> float:
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == c)
        np_ = sum(1 for p in pred if p == c)
        ng = sum(1 for g in gold if g == c)
        pr, rc = (tp / np_ if np_ else 0.0), (tp / ng if ng else 0.0)
        f1s.append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    return sum(f1s) / len(f1s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--check", action="store_true", help="train and report, write nothing")
    args = ap.parse_args(argv)
    train, held = stories("train"), stories("held")
    classes = sorted({r["code"] for r in train})
    idx = {c: i for i, c in enumerate(classes)}
    rng = np.random.default_rng(12)
    order = rng.permutation(len(train))
    folds = [order[k::5] for k in range(5)]
    best = None
    for l2 in (1e-4, 1e-3):
        gold, pred, oof = [], [], []
        for k in range(5):
            test = set(folds[k].tolist())
            tr = [train[i] for i in range(len(train)) if i not in test]
            te = [train[i] for i in sorted(test)]
            vocab, w, b = fit([r["text"] for r in tr], [idx[r["code"]] for r in tr], len(classes), l2, MIN_DF)
            m = to_model(classes, vocab, w, b, {})
            gold += [r["code"] for r in te]
            pred += [m.proba(r["text"])[0][0] for r in te]
            oof += [(m.scores(r["text"]), idx[r["code"]]) for r in te]
        f = macro_f1(gold, pred, classes)
        print(f"cv l2={l2:g}: macro-F1 {f:.3f}")
        if best is None or f > best[0]:
            best = (f, l2, oof)
    f, l2, oof = best
    temperature = calibrate(oof)
    vocab, w, b = fit([r["text"] for r in train], [idx[r["code"]] for r in train], len(classes), l2, MIN_DF)
    meta = {"trained_on": "corpus/narratives/*.jsonl, split=train (the project's own text only)",
            "n_train": len(train), "n_held": len(held), "l2": l2, "min_df": MIN_DF, "cv_macro_f1": round(f, 3)}
    m = to_model(classes, vocab, w, b, meta, temperature)
    held_f1 = macro_f1([r["code"] for r in held], [m.proba(r["text"])[0][0] for r in held], classes)
    m.meta["held_macro_f1"] = round(held_f1, 3)
    print(f"chosen l2={l2:g} (cv {f:.3f}), temperature {temperature:g}; held-back macro-F1 {held_f1:.3f} "
          f"(n={len(held)}); {len(m.weights)} n-grams")
    if not args.check:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(m.to_json(), ensure_ascii=False, separators=(",", ":")), "utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
