#!/usr/bin/env python
"""Measure the shipped segmenter and the spaCy pipeline (a script, never a timed test).

Reports: model size on disk; import time; first ``load()`` time and peak RSS (each in a fresh
interpreter); segmenter-only and full-pipeline characters per second on one core, after a warm-up
pass (steady state), best of 3 passes; ``nlp.pipe`` speed-up with two processes (wall time, median of
``--speedup-runs`` pairs). The pipeline texts are the seed page's lines, CAIL2021 dev contexts,
People's Daily NER test and MSRA NER val sentences, run twice: as one-sentence documents (the worst
case: spaCy's per-document and per-token serialization between processes weighs most) and as
10-sentence "articles". And, when the full pkuseg 0.0.25 default model is available
(``--reference``, kept outside the repository, e.g. /work/cache/pkuseg/pkuseg-0.0.25/pkuseg/models/default),
token agreement with it on the seed page and on corpus texts (CAIL2021 dev contexts, People's Daily
NER test sentences, UD GSDSimp test sentences) and word P/R/F1 on UD Chinese GSDSimp test.

    python benchmarks/bench_segmenter.py [--reference DIR] [--shared ../shared] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


LOAD_CODE = """
import json, resource, time
t0 = time.perf_counter(); c0 = time.process_time()
import jnpolice_ner
t1 = time.perf_counter()
nlp = jnpolice_ner.load()
t2 = time.perf_counter(); c2 = time.process_time()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "load_cpu_s": c2 - c0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def read_texts(shared: Path) -> tuple[dict[str, list[str]], list[list[str]]]:
    ext = shared / "data" / "external"
    seed = (shared / "seed" / "000_a554ebdd29adbe28.txt").read_text("utf-8").splitlines()
    texts: dict[str, list[str]] = {"seed": [s for s in seed if s.strip()]}
    cail = ext / "cail2021-xxcq-dev" / "xxcq_small.json"
    if cail.is_file():
        texts["cail"] = [json.loads(line)["context"] for line in cail.read_text("utf-8").splitlines() if line.strip()]
    pd_file = ext / "peoples-daily-ner" / "example.test"
    if pd_file.is_file():
        sents, cur = [], []
        for line in pd_file.read_text("utf-8").splitlines():
            if line.strip():
                cur.append(line.split(" ")[0])
            elif cur:
                sents.append("".join(cur))
                cur = []
        texts["pd"] = sents
    msra = ext / "msra-ner" / "val" / "sentences.txt"
    if msra.is_file():
        texts["msra"] = ["".join(line.split()) for line in msra.read_text("utf-8").splitlines() if line.strip()]
    gold: list[list[str]] = []
    ud = ext / "ud-chinese-gsdsimp" / "zh_gsdsimp-ud-test.conllu"
    if ud.is_file():
        texts["ud"], words = [], []
        for line in ud.read_text("utf-8").splitlines():
            if line.startswith("# text = "):
                texts["ud"].append(line[9:])
            elif not line.strip():
                if words:
                    gold.append(words)
                    words = []
            elif not line.startswith("#"):
                cols = line.split("\t")
                if cols[0].isdigit():
                    words.append(cols[1])
    return texts, gold


def spans(tokens: list[str]) -> set[tuple[int, int]]:
    out, p = set(), 0
    for t in tokens:
        if t.strip():
            out.add((p, p + len(t)))
        p += len(t)
    return out


def prf(hyp: list[list[str]], ref: list[list[str]]) -> tuple[float, float, float]:
    tp = nh = nr = 0
    for h, r in zip(hyp, ref, strict=True):
        a, b = spans([t for t in h if t.strip()]), spans([t for t in r if t.strip()])
        tp, nh, nr = tp + len(a & b), nh + len(a), nr + len(b)
    p, r = tp / max(nh, 1), tp / max(nr, 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", type=Path, default=Path("/work/cache/pkuseg/pkuseg-0.0.25/pkuseg/models/default"))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="fresh-interpreter load measurements")
    ap.add_argument("--speedup-runs", type=int, default=3, help="1-process / 2-process wall-time pairs")
    args = ap.parse_args()
    res: dict = {}

    from jnpolice_ner import pipeline

    files = [p for p in pipeline.SEGMENTER_DIR.iterdir() if p.is_file()]
    res["model_mb"] = round(sum(p.stat().st_size for p in files) / 1e6, 2)
    loads = [fresh(LOAD_CODE) for _ in range(args.repeat)]
    for key in loads[0]:
        res[key] = round(min(x[key] for x in loads), 3)

    texts, gold = read_texts(args.shared)
    seg = pipeline.load_segmenter(user_words=pipeline.user_dictionary())
    [seg.cut(s) for s in texts["seed"]]  # first use fills the feature caches
    t = time.process_time()
    ours = {k: [seg.cut(s) for s in v] for k, v in texts.items()}
    res["segmenter_chars_per_s"] = round(sum(len(s) for k in texts for s in texts[k]) / (time.process_time() - t))

    sentences = [t for k in ("seed", "cail", "pd", "msra") for t in texts.get(k, [])]
    workloads = {  # the same characters, as one-sentence documents and as 10-sentence "articles"
        "sentences": sentences,
        "articles": ["\n".join(sentences[i:i + 10]) for i in range(0, len(sentences), 10)],
    }
    n_chars = sum(map(len, sentences))
    res["n_chars_pipeline"] = n_chars
    for suffix, statistical in (("", True), ("_without_ner", False)):
        nlp = pipeline.get_pipeline(statistical=statistical)
        for name, docs in workloads.items():
            n = sum(map(len, docs))
            batch = 64 if name == "sentences" else 8
            for _ in nlp.pipe(docs, batch_size=batch):  # warm-up: vocabulary, caches (steady state)
                pass
            best = float("inf")
            for _ in range(3):  # best of 3: other load on the machine only ever slows a pass down
                t = time.process_time()
                for _ in nlp.pipe(docs, batch_size=batch):
                    pass
                best = min(best, time.process_time() - t)
            res[f"pipeline{suffix}_{name}_chars_per_s_1core"] = round(n / best)
            ratios = []
            for _ in range(args.speedup_runs):
                t = time.perf_counter()
                for _ in nlp.pipe(docs, batch_size=batch):
                    pass
                one = time.perf_counter() - t
                t = time.perf_counter()
                for _ in nlp.pipe(docs, batch_size=batch, n_process=2):
                    pass
                ratios.append(round(one / (time.perf_counter() - t), 2))
            res[f"pipe{suffix}_{name}_speedup_2proc_runs"] = ratios
            res[f"pipe{suffix}_{name}_speedup_2proc_median"] = sorted(ratios)[len(ratios) // 2]

    if gold:
        res["ud_test_ours_PRF"] = [round(x, 4) for x in prf(ours["ud"], gold)]
    if (args.reference / "features.pkl").is_file() or (args.reference / "features.msgpack").is_file():
        import spacy_pkuseg

        ref = spacy_pkuseg.pkuseg(str(args.reference))  # the full model, from local files only
        plain = pipeline.load_segmenter()  # no user dictionary: compares the models alone
        for k, v in texts.items():
            rs = [ref.cut(s) for s in v]
            res[f"agreement_{k}"] = round(prf([plain.cut(s) for s in v], rs)[2], 5)
            res[f"agreement_{k}_with_user_dict"] = round(prf(ours[k], rs)[2], 5)
            if k == "ud" and gold:
                res["ud_test_reference_PRF"] = [round(x, 4) for x in prf(rs, gold)]
    print(json.dumps(res, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
