"""A small statistical classifier of fraud stories: character n-grams, one linear model, the twelve ★ classes.

Trained only on the project's own narratives (``corpus/narratives/*.jsonl``, complaint-record and news
registers; ``scripts/train_textcat.py``), never on CCL2023 or other outside text. The model is a JSON file
beside this module (``textcat_model/model.json``: the classes, the n-grams and one weight per n-gram and class).
``classify.py`` combines it with the cue rules; ``docs/case_types.md`` explains how and what it adds.

>>> code, p, why = predict("对方自称快递客服，说我的包裹丢了要理赔，让我共享屏幕后转走了5000元。")[0]
>>> code
'fraud.customer_service'
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import regex

from .textnorm import normalize

MODEL_PATH = Path(__file__).resolve().parent / "textcat_model" / "model.json"

#: runs of characters that carry no scheme: digits, Latin letters, punctuation, spaces (one placeholder each)
_NOISE_RE = regex.compile(r"[0-9０-９.,，。、；;：:！!？?（）()“”\"'《》【】\[\]\s\-—_/+*×xX]+")


def tokens(text: str) -> str:
    """The text the n-grams are read from: normalized, every run of digits, Latin letters and punctuation one
    ``|`` (amounts, dates, blanked fields and account numbers say nothing about the scheme).

    >>> tokens("2022年3月4日，我转账5000元。")
    '|年|月|日|我转账|元|'
    """
    return _NOISE_RE.sub("|", normalize(text or ""))


def ngrams(text: str, orders: tuple[int, ...] = (1, 2, 3)) -> Counter:
    """Character n-grams of ``tokens(text)`` that cross no ``|`` (counts)."""
    out: Counter = Counter()
    for part in tokens(text).split("|"):
        for n in orders:
            for i in range(len(part) - n + 1):
                out[part[i:i + n]] += 1
    return out


class Model:
    """A linear model over the presence of n-grams (see ``scores``)."""

    def __init__(self, data: dict):
        self.classes: list[str] = list(data["classes"])
        self.orders = tuple(data.get("orders", (1, 2, 3)))
        self.bias: list[float] = list(data["bias"])
        self.weights: dict[str, list[float]] = {g: list(w) for g, w in data["weights"].items()}
        self.index = {g: i for i, g in enumerate(self.weights)}
        self.matrix = np.array(list(self.weights.values()), dtype=np.float64).reshape(len(self.index), len(self.classes))
        self.meta: dict = dict(data.get("meta", {}))
        self.temperature = float(data.get("temperature", 1.0))

    def scores(self, text: str) -> list[float]:
        """bias + (Σ weights of the known n-grams present) / √(their number): a long story does not outvote a short one."""
        rows = self._rows(text)
        total = self.matrix[rows].sum(axis=0) / np.sqrt(max(1, len(rows))) if rows else np.zeros(len(self.classes))
        return [b + float(x) for b, x in zip(self.bias, total, strict=True)]

    def _rows(self, text: str) -> list[int]:
        index = self.index
        return [index[g] for g in ngrams(text, self.orders) if g in index]

    def proba(self, text: str) -> list[tuple[str, float]]:
        """``(class, probability)`` for every class, most probable first (softmax of the scores)."""
        s = [self.temperature * x for x in self.scores(text)]
        top = max(s)
        ex = [math.exp(x - top) for x in s]
        z = sum(ex)
        return sorted(((c, e / z) for c, e in zip(self.classes, ex, strict=True)), key=lambda cp: -cp[1])

    def evidence(self, text: str, code: str, k: int = 4) -> list[str]:
        """The ``k`` n-grams of ``text`` that speak most for ``code`` against the other classes (its explanation)."""
        j = self.classes.index(code)
        n = len(self.classes)
        grams = [g for g in ngrams(text, self.orders) if len(g) >= 2 and g in self.index]
        if not grams:
            return []
        w = self.matrix[[self.index[g] for g in grams]]
        gain = w[:, j] - (w.sum(axis=1) - w[:, j]) / (n - 1)
        out: list[str] = []
        for i in np.argsort(-gain, kind="stable"):
            if gain[i] <= 0 or len(out) == k:
                break
            g = grams[i]
            if not any(g in o for o in out):  # a longer n-gram covers the shorter ones inside it
                out.append(g)
        return out

    def to_json(self) -> dict:
        return {"classes": self.classes, "orders": list(self.orders), "bias": self.bias,
                "weights": self.weights, "meta": self.meta, "temperature": self.temperature}


@functools.lru_cache(maxsize=2)
def load(path: str | None = None) -> Model | None:
    """The shipped model (cached), or None when its file is missing (the rules then decide alone)."""
    p = Path(path) if path else MODEL_PATH
    if not p.is_file():
        return None
    return Model(json.loads(p.read_text("utf-8")))


def predict(text: str, k: int = 4) -> list[tuple[str, float, list[str]]]:
    """``(code, probability, evidence n-grams)`` for the twelve ★ classes, most probable first; [] without a model.
    A report classifies the same story more than once (is it a case, which case): the last answers are kept."""
    return list(_predict(text, k))


@functools.lru_cache(maxsize=32)
def _predict(text: str, k: int) -> tuple[tuple[str, float, list[str]], ...]:
    m = load()
    if m is None:
        return ()
    return tuple((c, p, m.evidence(text, c, k) if i == 0 else []) for i, (c, p) in enumerate(m.proba(text)))
