"""Train the statistical NER shipped in ``jnpolice_ner/ner_model/`` (reproducible, CPU).

    python scripts/train_ner.py                 # convert + train + package + measure (≈ 20 min, 2 cores)
    python scripts/train_ner.py --steps convert # only write the DocBins
    python scripts/train_ner.py --steps eval    # only measure the shipped model on MSRA val

Corpora (read from ../shared/data/external/, never copied into the repository; see docs/ner.md):
- People's Daily 1998 NER ``example.dev`` + ``example.test`` (char BIO, PER/LOC/ORG): training, except the
  last 500 sentences of ``example.dev``, which are spaCy's dev set (model selection);
- MSRA NER ``test`` (char BIO): training; MSRA ``val`` is held out and only measured;
- the project's own examples ``corpus/examples/{person,place,org}.yaml``: each example span is an entity,
  the other characters are *missing* (partial annotation), so the model is not taught they are O.
CAIL2021 xxcq is NOT trained on: it is the held-out set of the ablation (scripts/ablation.py).
CCL2023 is evaluation-only and never read here.

Work files go to /work/cache/ner/ (outside the repository). The seed is fixed in scripts/ner_config.cfg.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT.parent / "shared" / "data" / "external"
CACHE = Path("/work/cache/ner")
CONFIG = ROOT / "scripts" / "ner_config.cfg"
TARGET = ROOT / "jnpolice_ner" / "ner_model"
DEV_SENTENCES = 500
OUR_LABELS = {"PERSON": "PER", "PLACE": "LOC", "ORG": "ORG"}


def read_people_daily(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a one-char-per-line BIO file: ``[(chars, tags), ...]``."""
    out, chars, tags = [], [], []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) != 2:
            if chars:
                out.append((chars, tags))
            chars, tags = [], []
            continue
        chars.append(parts[0])
        tags.append(parts[1])
    if chars:
        out.append((chars, tags))
    return out


def read_msra(folder: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of MSRA's parallel ``sentences.txt`` / ``tags.txt`` (space-separated chars and tags)."""
    sents = (folder / "sentences.txt").read_text("utf-8").splitlines()
    tags = (folder / "tags.txt").read_text("utf-8").splitlines()
    out = []
    for s, t in zip(sents, tags, strict=True):
        cs, ts = s.split(), t.split()
        if cs and len(cs) == len(ts):
            out.append((cs, ts))
    return out


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """``[(start, end, label)]`` of a BIO tag sequence (an I- without B- starts a span)."""
    spans, start, label = [], None, None
    for i, t in enumerate([*tags, "O"]):
        if t.startswith("I-") and label == t[2:]:
            continue
        if start is not None:
            spans.append((start, i, label))
            start = label = None
        if t[:2] in ("B-", "I-"):
            start, label = i, t[2:]
    return spans


def read_examples() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Texts and entity spans of the project's example files (PERSON / PLACE / ORG)."""
    import yaml

    found: dict[str, set[tuple[int, int, str]]] = {}
    for name in ("person", "place", "org"):
        path = ROOT / "corpus" / "examples" / f"{name}.yaml"
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        label = OUR_LABELS.get(data.get("label", ""))
        if not label:
            continue
        for group in data.get("groups") or []:
            for t in group.get("texts") or []:
                if isinstance(t, str) and t.strip():
                    found.setdefault(t, set()).add((0, len(t), label))
            for s in group.get("sentences") or []:
                text, span = s.get("text"), s.get("span")
                if not text or not span:
                    continue
                start = s.get("start", text.find(span))
                if start < 0:
                    continue
                found.setdefault(text, set()).add((start, start + len(span), label))
    out = []
    for text, spans in found.items():
        flat, last = [], -1
        for s in sorted(spans, key=lambda x: (x[0], -x[1])):
            if s[0] >= last:
                flat.append(s)
                last = s[1]
        out.append((text, flat))
    return out


def to_docs(nlp, sents, partial: bool = False):
    from spacy.tokens import Doc

    docs = []
    for chars, spans in sents:
        doc = Doc(nlp.vocab, words=chars, spaces=[False] * len(chars))
        ents = [doc.char_span(s, e, label=lab) for s, e, lab in spans]
        ents = [e for e in ents if e is not None]
        doc.set_ents(ents, default="missing" if partial else "outside")
        docs.append(doc)
    return docs


def convert() -> None:
    import spacy
    from spacy.tokens import DocBin

    CACHE.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("zh")
    pd_dev = read_people_daily(EXT / "peoples-daily-ner" / "example.dev")
    pd_test = read_people_daily(EXT / "peoples-daily-ner" / "example.test")
    msra_test = read_msra(EXT / "msra-ner" / "test")
    msra_val = read_msra(EXT / "msra-ner" / "val")

    def bio(sents):
        return [(c, bio_spans(t)) for c, t in sents]

    train = bio(pd_test) + bio(pd_dev[:-DEV_SENTENCES]) + bio(msra_test)
    dev = bio(pd_dev[-DEV_SENTENCES:])
    examples = [(list(text), spans) for text, spans in read_examples()]
    train_docs = to_docs(nlp, train) + to_docs(nlp, examples, partial=True)
    DocBin(docs=train_docs).to_disk(CACHE / "train.spacy")
    DocBin(docs=to_docs(nlp, dev)).to_disk(CACHE / "dev.spacy")
    DocBin(docs=to_docs(nlp, bio(msra_val))).to_disk(CACHE / "msra_val.spacy")
    n_chars = sum(len(d) for d in train_docs)
    print(f"train {len(train_docs)} docs ({n_chars} chars; {len(examples)} project examples), "
          f"dev {len(dev)}, msra_val {len(msra_val)} -> {CACHE}")


def train() -> None:
    out = CACHE / "out"
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "spacy", "train", str(CONFIG), "--output", str(out),
           "--paths.train", str(CACHE / "train.spacy"), "--paths.dev", str(CACHE / "dev.spacy")]
    print(" ".join(cmd), flush=True)
    t0 = time.time()
    subprocess.run(cmd, check=True)
    print(f"trained in {time.time() - t0:.0f}s")


def package() -> None:
    import spacy

    best = CACHE / "out" / "model-best"
    nlp = spacy.load(best)
    if TARGET.exists():
        shutil.rmtree(TARGET)
    nlp.meta["name"] = "jnpolice_ner_char_ner"
    nlp.meta["description"] = "Char-level PER/LOC/ORG NER of jnpolice_ner; see docs/ner.md (model card)."
    nlp.meta["sources"] = [
        {"name": "People's Daily 1998 NER (dev+test)", "terms": "no licence stated; research use"},
        {"name": "MSRA NER (test split)", "terms": "no licence stated; research use"},
        {"name": "jnpolice_ner corpus/examples", "terms": "project's own, MIT"},
    ]
    nlp.meta["license"] = "research use (see docs/ner.md)"
    nlp.to_disk(TARGET, exclude=["vocab.vectors", "vocab.lookups"])
    name_filters()
    size = sum(p.stat().st_size for p in TARGET.rglob("*") if p.is_file())
    print(f"packaged {TARGET} ({size / 1e6:.2f} MB)")


def name_filters() -> None:
    """Bigram tables that tell a name from a word, counted on the training text (written next to the model).

    ``first``: bigrams that begin with a surname but are (almost) never the start of a PER span
    (``黄金``, ``周年``): a proposal starting with one is not a name.
    """
    from collections import Counter

    sys.path.insert(0, str(ROOT))
    from jnpolice_ner.ruleset import load_rules

    surnames = {s.strip() for s in load_rules().lexicon("surnames") if len(s.strip()) == 1}
    sents = (read_people_daily(EXT / "peoples-daily-ner" / "example.dev")
             + read_people_daily(EXT / "peoples-daily-ner" / "example.test")
             + read_msra(EXT / "msra-ner" / "test"))
    start_in, start_out = Counter(), Counter()
    for chars, tags in sents:
        per = [t.endswith("-PER") for t in tags]
        starts = {s for s, _, lab in bio_spans(tags) if lab == "PER"}
        for i, ch in enumerate(chars):
            if i + 1 < len(chars) and ch in surnames:
                bg = ch + chars[i + 1]
                if i in starts:
                    start_in[bg] += 1
                elif not per[i]:
                    start_out[bg] += 1
    first = sorted(bg for bg, n in start_out.items()
                   if n >= 4 and start_in[bg] <= 0.1 * n and "\u4e00" <= bg[1] <= "\u9fff")
    out = TARGET / "name_filters.json"
    out.write_text(json.dumps({"source": "People's Daily 1998 NER dev+test, MSRA NER test (counts)",
                               "first": first}, ensure_ascii=False, indent=0), "utf-8")
    print(f"name filters: {len(first)} first bigrams -> {out}")


def evaluate() -> None:
    """P/R/F1 (exact span) per PER/LOC/ORG on the held-out MSRA val split."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.load(TARGET)
    golds = list(DocBin().from_disk(CACHE / "msra_val.spacy").get_docs(nlp.vocab))
    stats: dict[str, list[int]] = {}
    t0 = time.perf_counter()
    n = 0
    for gold, pred in zip(golds, nlp.pipe([g.text for g in golds], batch_size=256), strict=True):
        n += len(gold.text)
        g = {(e.start_char, e.end_char, e.label_) for e in gold.ents}
        p = {(e.start_char, e.end_char, e.label_) for e in pred.ents}
        for lab in ("PER", "LOC", "ORG"):
            st = stats.setdefault(lab, [0, 0, 0])
            gl = {x for x in g if x[2] == lab}
            pl = {x for x in p if x[2] == lab}
            st[0] += len(gl & pl)
            st[1] += len(gl)
            st[2] += len(pl)
    dt = time.perf_counter() - t0
    print(f"MSRA val (held out), exact spans; {n} chars in {dt:.1f}s ({n / dt:,.0f} chars/s)")
    print(f"{'label':<6}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}")
    tot = [0, 0, 0]
    for lab, (tp, gn, pn) in [*stats.items(), ("all", tot)]:
        if lab != "all":
            tot[0] += tp
            tot[1] += gn
            tot[2] += pn
        p, r = tp / max(pn, 1), tp / max(gn, 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{lab:<6}{gn:>6}{pn:>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}")


STEPS = {"convert": convert, "train": train, "package": package, "filters": name_filters, "eval": evaluate}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", default="convert,train,package,eval",
                    help="comma-separated subset of " + ",".join(STEPS))
    args = ap.parse_args()
    for step in args.steps.split(","):
        STEPS[step.strip()]()


if __name__ == "__main__":
    main()
