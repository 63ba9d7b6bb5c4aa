"""Scoring predicted entities against gold spans (the ``evaluate`` command).

Exact match is on (label, start, end). Value accuracy is measured over matched spans on the
fields that matter per label; PERSON role accuracy over matched PERSON spans.

>>> g = [{"label": "MONEY", "start": 0, "end": 3, "value": {"amount": 1, "qualifier": "exact"}}]
>>> score_documents([(g, g)])["MONEY"]["f1"]
1.0
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from .labels import LABELS

VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "MONEY": ("amount", "qualifier", "amount_max"),
    "DATE": ("iso",),
    "PLACE": ("adcode",),
    "UNIT": ("name",),
    "CASE_TYPE": ("code",),
}


def _value_equal(label: str, gold: dict | None, pred: dict | None) -> bool:
    keys = VALUE_KEYS.get(label)
    if not keys:
        return True
    gold, pred = gold or {}, pred or {}
    for k in keys:
        g, p = gold.get(k), pred.get(k)
        if isinstance(g, (int, float)) and isinstance(p, (int, float)):
            if abs(g - p) > 1e-6:
                return False
        elif g != p:
            return False
    return True


def score_documents(pairs: list[tuple[list[dict], list[dict]]]) -> dict[str, dict[str, Any]]:
    """Per-label and micro scores for ``[(gold_spans, pred_spans), ...]`` (dicts with label/start/end)."""
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for gold, pred in pairs:
        gmap = {(s["label"], s["start"], s["end"]): s for s in gold}
        pmap = {(s["label"], s["start"], s["end"]): s for s in pred}
        for s in gold:
            stats[s["label"]]["gold"] += 1
        for s in pred:
            stats[s["label"]]["pred"] += 1
        for key in gmap.keys() & pmap.keys():
            label = key[0]
            st = stats[label]
            st["tp"] += 1
            if label in VALUE_KEYS:
                st["value_n"] += 1
                st["value_ok"] += _value_equal(label, gmap[key].get("value"), pmap[key].get("value"))
            if label == "PERSON":
                st["role_n"] += 1
                st["role_ok"] += gmap[key].get("role") == pmap[key].get("role")
    out: dict[str, dict[str, Any]] = {}
    total = defaultdict(int)
    for label in [*LABELS, *sorted(set(stats) - set(LABELS))]:
        st = stats.get(label, {})
        row = _prf(st.get("tp", 0), st.get("gold", 0), st.get("pred", 0))
        row["value_acc"] = st["value_ok"] / st["value_n"] if st.get("value_n") else None
        row["role_acc"] = st["role_ok"] / st["role_n"] if st.get("role_n") else None
        out[label] = row
        for k in ("tp", "gold", "pred"):
            total[k] += st.get(k, 0)
    out["micro"] = _prf(total["tp"], total["gold"], total["pred"])
    return out


def _prf(tp: int, gold: int, pred: int) -> dict[str, Any]:
    p = tp / pred if pred else (1.0 if not gold else 0.0)
    r = tp / gold if gold else (1.0 if not pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": gold, "pred": pred, "tp": tp, "precision": p, "recall": r, "f1": f}


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Documents of a gold JSONL file: ``{"id", "text", "meta", "spans"}`` per line.

    Every line is checked (``check_gold_doc``), and a file without documents is an error: a
    malformed gold file must not score silently (an empty one used to give F1 1.000)."""
    docs = []
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}: line {n} is not JSON: {exc.msg}") from None
                problem = check_gold_doc(doc)
                if problem:
                    raise ValueError(f"{path}: line {n}: {problem}")
                docs.append(doc)
    if not docs:
        raise ValueError(f"{path}: no gold documents (the file is empty)")
    return docs


def check_gold_doc(doc: Any) -> str | None:
    """What is wrong with one gold document, or None: an object with a string ``text``, an optional
    object ``meta`` (its ``issue_date`` an ISO date) and a list ``spans`` of objects with a string
    ``label`` and integer offsets ``0 <= start < end <= len(text)`` (and ``text`` equal to the slice).

    >>> check_gold_doc({"text": "被骗1万元", "spans": [{"label": "MONEY", "start": 4, "end": 2}]})
    'span 0: start 4 is after end 2'
    """
    if not isinstance(doc, dict):
        return f"a gold document is a JSON object, not {type(doc).__name__}"
    text = doc.get("text")
    if not isinstance(text, str):
        return f"'text' must be a string, not {type(text).__name__}"
    meta = doc.get("meta")
    if meta is not None:
        if not isinstance(meta, dict):
            return f"'meta' must be an object, not {type(meta).__name__}"
        if meta.get("issue_date") is not None:
            from .recognizer import as_date

            try:
                as_date(meta["issue_date"])
            except (ValueError, TypeError) as exc:
                return f"meta: {exc}"
    spans = doc.get("spans", [])
    if not isinstance(spans, list):
        return f"'spans' must be a list, not {type(spans).__name__}"
    for k, sp in enumerate(spans):
        if not isinstance(sp, dict):
            return f"span {k} must be an object, not {type(sp).__name__}"
        if not isinstance(sp.get("label"), str):
            return f"span {k}: 'label' must be a string"
        start, end = sp.get("start"), sp.get("end")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            return f"span {k}: 'start' and 'end' must be integers"
        if start > end:
            return f"span {k}: start {start} is after end {end}"
        if not 0 <= start < end <= len(text):
            return f"span {k}: offsets {start}:{end} are not a span of the text (length {len(text)})"
        if "text" in sp and sp["text"] != text[start:end]:
            return f"span {k}: its text {sp['text']!r} is not text[{start}:{end}] {text[start:end]!r}"
    return None


def predict_entities(docs: list[dict[str, Any]]) -> list[tuple[list[dict], list[dict]]]:
    """``(gold_spans, predicted_spans)`` per gold document, each run with its ``meta.issue_date``."""
    from .api import extract_entities

    pairs = []
    for doc in docs:
        issue = (doc.get("meta") or {}).get("issue_date")
        pred = [e.model_dump() for e in extract_entities(doc["text"], issue_date=issue)]
        pairs.append((doc.get("spans", []), pred))
    return pairs


def evaluate_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Run ``extract_entities`` on every gold text (with its ``meta.issue_date``) and score it."""
    return score_documents(predict_entities(read_gold(path)))


def list_errors(docs: list[dict[str, Any]], pairs: list[tuple[list[dict], list[dict]]], limit: int) -> list[str]:
    """One line per missed gold span (``-``), spurious span (``+``) or wrong role/value (``~``), up to ``limit``."""
    lines: list[str] = []
    for doc, (gold, pred) in zip(docs, pairs, strict=True):
        gmap = {(s["label"], s["start"], s["end"]): s for s in gold}
        pmap = {(s["label"], s["start"], s["end"]): s for s in pred}
        for key in sorted(gmap.keys() | pmap.keys(), key=lambda k: (k[1], k[0])):
            g, p = gmap.get(key), pmap.get(key)
            if g and p:
                role_bad = key[0] == "PERSON" and g.get("role") != p.get("role")
                if not role_bad and _value_equal(key[0], g.get("value"), p.get("value")):
                    continue
                what = f"role {g.get('role')} → {p.get('role')}" if role_bad else f"value {g.get('value')} → {p.get('value')}"
                lines.append(f"~ {doc.get('id')} {key[0]} {g['text']!r} @{key[1]}: {what}")
            else:
                s = g or p
                lines.append(f"{'-' if g else '+'} {doc.get('id')} {key[0]} {s['text']!r} @{key[1]}")
            if len(lines) >= limit:
                return lines
    return lines


def format_table(scores: dict[str, dict[str, Any]]) -> str:
    """The per-label table printed by ``jnpolice-ner evaluate``."""
    lines = [f"{'label':<10}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}{'value':>8}{'role':>8}"]
    for label, row in scores.items():
        va = "" if row.get("value_acc") is None else f"{row['value_acc']:.3f}"
        ra = "" if row.get("role_acc") is None else f"{row['role_acc']:.3f}"
        lines.append(
            f"{label:<10}{row['gold']:>6}{row['pred']:>6}{row['precision']:>8.3f}"
            f"{row['recall']:>8.3f}{row['f1']:>8.3f}{va:>8}{ra:>8}"
        )
    return "\n".join(lines)


# ---- case reports against meta.cases ----

CASE_FIELDS: tuple[str, ...] = (
    "case_type", "county", "units", "victims", "suspects", "outcome",
    "amount_lost", "amount_recovered", "reported_on", "occurred_on", "arrested_on",
)


def _party_key(p: Any) -> tuple:
    """``{"name": "张女士", "gender": "女", "age": None}`` or a bare name → a comparable tuple."""
    if isinstance(p, str):
        return (p,)
    return (p.get("name"), p.get("gender"), p.get("age"))


def _case_field(case: dict, field: str, like: dict | None = None) -> Any:
    """One field of a gold or predicted case in comparable form (sets for lists, iso for dates)."""
    v = case.get(field)
    if field in ("victims", "suspects"):
        keys = {_party_key(p) for p in v or []}
        shape = {len(_party_key(p)) for p in (like or {}).get(field) or []}
        return {k[:1] for k in keys} if shape == {1} else keys
    if field in ("units", "outcome"):
        return set(v or [])
    if isinstance(v, dict):
        return v.get("iso", v.get("amount"))
    return v


def _case_similarity(gold: dict, pred: dict) -> int:
    names = lambda c, f: {_party_key(p)[0] for p in c.get(f) or []}  # noqa: E731
    sim = 3 * len(names(gold, "victims") & names(pred, "victims"))
    sim += 3 * len(names(gold, "suspects") & names(pred, "suspects"))
    sim += 2 * (gold.get("amount_lost") is not None and _case_field(pred, "amount_lost") == gold.get("amount_lost"))
    sim += (gold.get("case_type") or "").split(".")[0] == (pred.get("case_type") or "").split(".")[0]
    return sim


def match_cases(gold: list[dict], pred: list[dict]) -> list[tuple[int, int | None]]:
    """Pair each gold case with at most one predicted case: most shared parties and amount first, then order."""
    pairs = sorted(
        ((-_case_similarity(g, p), abs(i - j), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
    )
    used_g: dict[int, int] = {}
    used_p: set[int] = set()
    for _, _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g[i] = j
            used_p.add(j)
    return [(i, used_g.get(i)) for i in range(len(gold))]


def score_cases(docs: list[tuple[list[dict], list[dict]]], errors: list[str] | None = None) -> dict[str, Any]:
    """Share of gold cases with each field exactly right; ``docs`` is ``[(gold_cases, pred_cases), ...]``.

    Wrong fields are appended to ``errors`` (as ``field: gold → predicted``) when a list is given.

    >>> g = [{"case_type": "fraud", "victims": ["王女士"], "amount_lost": 500}]
    >>> p = [{"case_type": "fraud", "victims": [{"name": "王女士"}], "amount_lost": {"amount": 500}}]
    >>> s = score_cases([(g, p)]); s["fields"]["victims"], s["fields"]["amount_lost"], s["missed"]
    (1.0, 1.0, 0)
    """
    right = {f: 0 for f in CASE_FIELDS}
    asked = {f: 0 for f in CASE_FIELDS}
    n = missed = spurious = 0
    for k, (gold, pred) in enumerate(docs):
        matched = match_cases(gold, pred)
        spurious += len(pred) - sum(j is not None for _, j in matched)
        for i, j in matched:
            n += 1
            missed += j is None
            if j is None and errors is not None:
                errors.append(f"doc {k} case {i}: MISSED ({gold[i].get('case_type')})")
            for f in (f for f in CASE_FIELDS if f in gold[i]):  # a field the gold leaves out is not scored
                asked[f] += 1
                if j is None:
                    continue
                want, got = _case_field(gold[i], f), _case_field(pred[j], f, like=gold[i])
                right[f] += want == got
                if want != got and errors is not None:
                    errors.append(f"doc {k} case {i} {f}: {want} → {got}")
    fields = {f: (right[f] / asked[f] if asked[f] else None) for f in CASE_FIELDS}
    return {"cases": n, "missed": missed, "spurious": spurious, "fields": fields}


def predict_cases(docs: list[dict[str, Any]]) -> list[tuple[list[dict], list[dict]]]:
    """``(meta.cases, predicted reports as JSON)`` for every gold document that has ``meta.cases``."""
    from .api import extract

    out = []
    for doc in docs:
        meta = doc.get("meta") or {}
        if "cases" in meta:
            reports = extract(doc["text"], issue_date=meta.get("issue_date"))
            out.append((meta["cases"], [r.model_dump(mode="json") for r in reports]))
    return out


def format_case_table(scores: dict[str, Any]) -> str:
    """The per-field table printed by ``jnpolice-ner evaluate --cases``."""
    lines = [f"cases {scores['cases']}  missed {scores['missed']}  spurious reports {scores['spurious']}",
             f"{'field':<18}{'right':>8}"]
    lines += [f"{f:<18}{v:>8.3f}" for f, v in scores["fields"].items() if v is not None]
    return "\n".join(lines)
