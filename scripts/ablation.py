"""Ablation of the statistical NER: rules only vs rules + NER, on three sets, in one command.

    python scripts/ablation.py [--limit N] [--markdown]

1. the seed page (``../shared/data/seed_entities.jsonl``): exact per-label P/R/F1 (``score_documents``);
2. CAIL2021 xxcq dev (``xxcq_small.json``, never trained on): lenient recall (a gold span is found when
   a predicted entity of the label overlaps it) of suspects + victims (NHCS + NHVI → PERSON) and of
   places (NS → PLACE), plus how many predictions overlap any gold span of those labels;
3. MSRA NER val (held out from training): PER/LOC/ORG as PERSON/PLACE/ORG (UNIT counts as ORG),
   exact and overlap recall and precision;
4. real police news (``--news GOLD.jsonl[,GOLD2.jsonl]``, default the scratch batches 1 and 2 outside the
   repository, third-party text read for measuring only): exact P/R/F1 of PERSON / PLACE / ORG, rules only
   vs rules + NER, and the PERSON errors broken out (a predicted name overlapping a gold name with other
   boundaries, a spurious name, a missed name).
Then the speed of ``ner.propose`` alone (rule entities computed beforehand) on ≈ 300k characters.
The corpora are read from ../shared and never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jnpolice_ner import extract_entities  # noqa: E402
from jnpolice_ner.evaluation import read_gold, score_documents  # noqa: E402
from jnpolice_ner.ner import propose, propose_many  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SEED = SHARED / "seed_entities.jsonl"
CAIL = SHARED / "external" / "cail2021-xxcq-dev" / "xxcq_small.json"
MSRA_VAL = SHARED / "external" / "msra-ner" / "val"
NEWS = [Path("/work/scratch/batch1/gold.jsonl"), Path("/work/scratch/batch2/gold.jsonl")]
LABELS = ("UNIT", "PERSON", "DATE", "MONEY", "PLACE", "ORG", "CASE_TYPE")


def both(text: str, issue_date=None):
    rules = extract_entities(text, issue_date=issue_date)
    return rules, rules + propose(text, rules)


def seed_page(md: bool) -> None:
    pairs_r, pairs_n = [], []
    for doc in read_gold(SEED):
        issue = (doc.get("meta") or {}).get("issue_date")
        rules, full = both(doc["text"], issue)
        gold = doc.get("spans", [])
        pairs_r.append((gold, [e.model_dump() for e in rules]))
        pairs_n.append((gold, [e.model_dump() for e in full]))
    sr, sn = score_documents(pairs_r), score_documents(pairs_n)
    print("\n## Seed page, exact spans (rules only → rules + NER)\n")
    print("| label | gold | pred | P | R | F1 | pred +NER | P +NER | R +NER | F1 +NER | ΔP |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for lab in [*LABELS, "micro"]:
        a, b = sr.get(lab), sn.get(lab)
        if not a or (not a["gold"] and not a["pred"] and not b["pred"]):
            continue
        print(f"| {lab} | {a['gold']} | {a['pred']} | {a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} "
              f"| {b['pred']} | {b['precision']:.3f} | {b['recall']:.3f} | {b['f1']:.3f} "
              f"| {100 * (b['precision'] - a['precision']):+.1f} |")


def _spans(rec: dict, labels: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    for ent in rec["entities"]:
        if ent["label"] in labels:
            for sp in ent["span"]:
                a, b = map(int, sp.split(";"))
                out.append((a, b))
    return out


def cail(limit: int | None) -> None:
    rows = [json.loads(x) for x in CAIL.read_text("utf-8").splitlines() if x.strip()][:limit]
    goals = {"PERSON": ("NHCS", "NHVI"), "PLACE": ("NS",)}
    gold_n, found = Counter(), Counter()
    pred_n, pred_hit = Counter(), Counter()
    for r in rows:
        text = r["context"]
        rules, full = both(text)
        for lab, src in goals.items():
            gold = _spans(r, src)
            for name, ents in (("rules", rules), ("ner", full)):
                mine = [(e.start, e.end) for e in ents if e.label == lab]
                gold_n[lab, name] += len(gold)
                found[lab, name] += sum(1 for a, b in gold if any(s < b and a < e for s, e in mine))
                pred_n[lab, name] += len(mine)
                pred_hit[lab, name] += sum(1 for s, e in mine if any(s < b and a < e for a, b in gold))
    print(f"\n## CAIL2021 xxcq dev ({len(rows)} records), lenient overlap\n")
    print("| target | gold | recall rules | recall +NER | pred rules | pred +NER | pred on gold rules | pred on gold +NER |")
    print("|---|---|---|---|---|---|---|---|")
    for lab, src in goals.items():
        g = gold_n[lab, "rules"]
        print(f"| {'+'.join(src)} → {lab} | {g} | {found[lab, 'rules'] / max(g, 1):.3f} "
              f"| {found[lab, 'ner'] / max(g, 1):.3f} | {pred_n[lab, 'rules']} | {pred_n[lab, 'ner']} "
              f"| {pred_hit[lab, 'rules'] / max(pred_n[lab, 'rules'], 1):.3f} "
              f"| {pred_hit[lab, 'ner'] / max(pred_n[lab, 'ner'], 1):.3f} |")


def read_msra(limit: int | None) -> list[tuple[str, list[tuple[int, int, str]]]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_ner import bio_spans

    sents = (MSRA_VAL / "sentences.txt").read_text("utf-8").splitlines()
    tags = (MSRA_VAL / "tags.txt").read_text("utf-8").splitlines()
    out = []
    for s, t in list(zip(sents, tags, strict=True))[:limit]:
        cs, ts = s.split(), t.split()
        if cs and len(cs) == len(ts):
            out.append(("".join(cs), bio_spans(ts)))
    return out


def msra(limit: int | None) -> None:
    to = {"PERSON": "PER", "PLACE": "LOC", "ORG": "ORG", "UNIT": "ORG"}
    st = Counter()
    for text, gold in read_msra(limit):
        rules, full = both(text)
        for name, ents in (("rules", rules), ("ner", full)):
            pred = [(e.start, e.end, to[e.label]) for e in ents if e.label in to]
            for lab in ("PER", "LOC", "ORG"):
                g = [x for x in gold if x[2] == lab]
                p = [x for x in pred if x[2] == lab]
                st[lab, name, "gold"] += len(g)
                st[lab, name, "pred"] += len(p)
                st[lab, name, "exact"] += len(set(g) & set(p))
                st[lab, name, "g_over"] += sum(1 for a, b, _ in g if any(s < b and a < e for s, e, _ in p))
                st[lab, name, "p_over"] += sum(1 for s, e, _ in p if any(s < b and a < e for a, b, _ in g))
    print("\n## MSRA val (held out), PER/LOC/ORG (UNIT counted as ORG)\n")
    print("| label | gold | setting | pred | P exact | R exact | P overlap | R overlap |")
    print("|---|---|---|---|---|---|---|---|")
    for lab in ("PER", "LOC", "ORG"):
        for name in ("rules", "ner"):
            g, p = st[lab, name, "gold"], st[lab, name, "pred"]
            print(f"| {lab} | {g} | {'rules' if name == 'rules' else 'rules + NER'} | {p} "
                  f"| {st[lab, name, 'exact'] / max(p, 1):.3f} | {st[lab, name, 'exact'] / max(g, 1):.3f} "
                  f"| {st[lab, name, 'p_over'] / max(p, 1):.3f} | {st[lab, name, 'g_over'] / max(g, 1):.3f} |")


def news(paths: list[Path]) -> None:
    """Real police news: rules only vs rules + NER, exact spans, PERSON errors by kind; each file, then all."""
    groups = [(str(p), [p]) for p in paths]
    if len(paths) > 1:
        groups.append((" + ".join(p.parent.name for p in paths), paths))
    for title, files in groups:
        pairs_r, pairs_n = [], []
        errs = Counter()
        for path in files:
            for doc in read_gold(path):
                issue = (doc.get("meta") or {}).get("issue_date")
                rules, full = both(doc["text"], issue)
                gold = doc.get("spans", [])
                pairs_r.append((gold, [e.model_dump() for e in rules]))
                pairs_n.append((gold, [e.model_dump() for e in full]))
                g = {(s["start"], s["end"]) for s in gold if s["label"] == "PERSON"}
                for name, ents in (("rules", rules), ("ner", full)):
                    p = {(e.start, e.end) for e in ents if e.label == "PERSON"}
                    for s, e in p - g:
                        kind = "boundary" if any(a < e and s < b for a, b in g) else "spurious"
                        errs[name, kind] += 1
                    errs[name, "missed"] += sum(1 for a, b in g - p if not any(s < b and a < e for s, e in p))
                    errs[name, "boundary_gold"] += sum(1 for a, b in g - p if any(s < b and a < e for s, e in p))
        sr, sn = score_documents(pairs_r), score_documents(pairs_n)
        print(f"\n## Real news `{title}` ({len(pairs_r)} articles), exact spans (rules only → rules + NER)\n")
        print("| label | gold | pred | P | R | F1 | pred +NER | P +NER | R +NER | F1 +NER | ΔF1 |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for lab in ("PERSON", "PLACE", "ORG"):
            a, b = sr.get(lab), sn.get(lab)
            if not a:
                continue
            print(f"| {lab} | {a['gold']} | {a['pred']} | {a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} "
                  f"| {b['pred']} | {b['precision']:.3f} | {b['recall']:.3f} | {b['f1']:.3f} "
                  f"| {b['f1'] - a['f1']:+.3f} |")
        print("\nPERSON errors: predicted with wrong boundaries (gold names they cover) / spurious / gold missed "
              "(no predicted name overlaps)\n")
        print("| setting | wrong boundaries | gold names hit with wrong boundaries | spurious | missed |")
        print("|---|---|---|---|---|")
        for name in ("rules", "ner"):
            print(f"| {'rules' if name == 'rules' else 'rules + NER'} | {errs[name, 'boundary']} "
                  f"| {errs[name, 'boundary_gold']} | {errs[name, 'spurious']} | {errs[name, 'missed']} |")


def speed(limit: int | None) -> None:
    texts = [json.loads(x)["context"] for x in CAIL.read_text("utf-8").splitlines() if x.strip()]
    texts += [t for t, _ in read_msra(limit)]
    pre = [(t, extract_entities(t)) for t in texts]
    n = sum(len(t) for t in texts)
    propose("预热：民警张伟赶到现场。", [])
    t0 = time.process_time()
    for t, r in pre:
        propose(t, r)
    dt = time.process_time() - t0
    t0 = time.process_time()
    propose_many([t for t, _ in pre], [r for _, r in pre])
    dm = time.process_time() - t0
    t0 = time.process_time()
    for t in texts:
        extract_entities(t)
    dr = time.process_time() - t0
    print(f"\n## Speed (CPU time, one core)\n\n{len(texts)} texts, {n:,} chars (CAIL dev + MSRA val): "
          f"`propose` text by text {n / dt:,.0f} chars/s; `propose_many` (batched) {n / dm:,.0f} chars/s; "
          f"rules (`extract_entities`) {n / dr:,.0f} chars/s; rules + `propose` {n / (dr + dt):,.0f} chars/s; "
          f"rules + `propose_many` {n / (dr + dm):,.0f} chars/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="only the first N CAIL / MSRA records (quick runs)")
    ap.add_argument("--only", default="seed,cail,msra,news,speed")
    ap.add_argument("--news", default=",".join(map(str, NEWS)), help="gold JSONL files of real news (comma-separated)")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    if "seed" in parts:
        seed_page(True)
    if "cail" in parts:
        cail(args.limit)
    if "msra" in parts:
        msra(args.limit)
    if "news" in parts:
        news([Path(p) for p in args.news.split(",") if p and Path(p).exists()])
    if "speed" in parts:
        speed(args.limit)


if __name__ == "__main__":
    main()
