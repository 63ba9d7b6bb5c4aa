#!/usr/bin/env python
"""Rebuild ``jnpolice_ner/segmenter/`` from the default model of the pkuseg 0.0.25 sdist.

The pkuseg 0.0.25 source distribution on PyPI (MIT licence, see its README "开源协议") ships a
mixed-domain CRF segmentation model: 2,643,617 string features × 5 tags of float64 weights
(``models/default/features.pkl`` 77 MB + ``weights.npz`` 106 MB). This script keeps the
``--keep`` features with the largest weight range across tags (the others barely move a
Viterbi decision), remaps their indices, and writes (gzip/deflate, fast to inflate at load):

- ``features.txt.gz``: the kept feature strings, sorted, one per line; line n is feature n;
- ``weights.npz``: ``rel`` int16 (n_features, n_tag - 1) = ``round(1e4 * (w[f, t] - w[f, 0]))``
  for t = 1..n_tag-1, with the few values beyond int16 in ``over_pos`` / ``over_val`` (int32),
  and ``transitions`` (int32). The source weights have exactly four decimals, so this is lossless
  up to a per-feature constant, which Viterbi decoding ignores;
- ``unigram.txt.gz``: the lexicon words that some kept word feature names (the other words can
  never fire a kept feature);
- ``meta.json``: tags, scale, counts and the sha256 of the source files.

Usage (the sdist is fetched with pip into ``--cache`` if not there; it is never committed)::

    python scripts/build_segmenter.py                       # default: keep 800,000 features
    python scripts/build_segmenter.py --keep 600000 --out /tmp/seg

The output is byte-for-byte reproducible (stable sort, gzip mtime 0, fixed zip timestamps).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import pickle
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SDIST = "pkuseg-0.0.25.tar.gz"
MEMBER = "pkuseg-0.0.25/pkuseg/models/default/"
SCALE = 10_000


def fetch_sdist(cache: Path) -> Path:
    """The sdist in ``cache``, downloaded with pip (metadata only needs ``wheel`` + numpy)."""
    path = cache / SDIST
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "pkuseg==0.0.25", "--no-deps",
             "--no-binary", ":all:", "--no-build-isolation", "-d", str(cache)],
            check=True,
        )
    return path


def read_source(sdist: Path) -> tuple[dict, np.ndarray, np.ndarray, dict[str, str]]:
    """features.pkl (dict) and weights.npz (sizes, w) straight from the tarball, with sha256s."""
    with tarfile.open(sdist) as tar:
        feat_b = tar.extractfile(MEMBER + "features.pkl").read()
        weight_b = tar.extractfile(MEMBER + "weights.npz").read()
    shas = {"features.pkl": hashlib.sha256(feat_b).hexdigest(), "weights.npz": hashlib.sha256(weight_b).hexdigest()}
    feats = pickle.loads(feat_b)  # the published model file of a pinned, hashed sdist
    npz = np.load(io.BytesIO(weight_b))
    return feats, npz["sizes"], npz["w"], shas


def gz(data: bytes) -> bytes:
    """gzip with no name and mtime 0: the same bytes on every run."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but with fixed zip timestamps (reproducible bytes)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def build(sdist: Path, out: Path, keep: int) -> dict:
    feats, sizes, w, shas = read_source(sdist)
    n_tag, n_feat = int(sizes[0]), int(sizes[1])
    names: list[str] = [""] * n_feat
    for name, idx in feats["feature_to_idx"].items():
        names[idx] = name
    q = np.rint(w * SCALE).astype(np.int64)
    if np.abs(q / SCALE - w).max() > 1e-9:
        raise SystemExit("source weights are not 4-decimal values; change SCALE")
    node = q[: n_feat * n_tag].reshape(n_feat, n_tag)
    trans = q[n_feat * n_tag:]
    spread = node.max(axis=1) - node.min(axis=1)
    order = np.argsort(-spread, kind="stable")
    kept = set(order[:keep].tolist()) | {0}  # feature 0 ("$$") fires at every character
    ranked = sorted((names[i], i) for i in kept)
    if any("\n" in n for n, _ in ranked):
        raise SystemExit("a feature contains a newline")
    idx = np.array([i for _, i in ranked], dtype=np.int64)
    rel = node[idx, 1:] - node[idx, :1]
    if np.abs(rel).max() >= 2**31:
        raise SystemExit("weights overflow int32")
    used: set[str] = set()
    for name, _ in ranked:
        if name.startswith(("w-1.", "w1.")):
            used.add(name.split(".", 1)[1])
        elif name.startswith(("ww.l.", "ww.r.")):
            used.update(name[5:].split("*", 1))
    used.discard("**noWord")
    unigram = sorted(u for u in feats["unigram"] if u in used)

    flat = rel.ravel()
    over = np.flatnonzero((flat > 32767) | (flat < -32768))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xz"):
        old.unlink()
    (out / "features.txt.gz").write_bytes(gz("\n".join(n for n, _ in ranked).encode("utf-8")))
    (out / "unigram.txt.gz").write_bytes(gz("\n".join(unigram).encode("utf-8")))
    arrays = {
        "rel": np.clip(rel, -32768, 32767).astype("<i2"),
        "over_pos": over.astype("<i8"),
        "over_val": flat[over].astype("<i4"),
        "transitions": trans.astype("<i4"),
    }
    write_npz(out / "weights.npz", arrays)
    meta = {
        "format": 2,
        "source": "pkuseg 0.0.25 sdist (PyPI), models/default, MIT licence",
        "source_sha256": shas,
        "n_tag": n_tag,
        "tag_to_idx": feats["tag_to_idx"],
        "scale": SCALE,
        "n_features_source": n_feat,
        "n_features": len(ranked),
        "n_unigram": len(unigram),
        "min_spread_kept": float(spread[order[keep - 1]] / SCALE),
        "n_overflow": int(len(over)),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return meta


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sdist", type=Path, help="path to pkuseg-0.0.25.tar.gz (default: fetch into --cache)")
    ap.add_argument("--cache", type=Path, default=Path("/work/cache/pkuseg"))
    ap.add_argument("--out", type=Path, default=ROOT / "jnpolice_ner" / "segmenter")
    ap.add_argument("--keep", type=int, default=800_000, help="number of features to keep")
    args = ap.parse_args(argv)
    sdist = args.sdist or fetch_sdist(args.cache)
    meta = build(sdist, args.out, args.keep)
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"kept {meta['n_features']:,} of {meta['n_features_source']:,} features "
          f"(spread ≥ {meta['min_spread_kept']}), {meta['n_unigram']:,} words; {total / 1e6:.2f} MB in {args.out}")


if __name__ == "__main__":
    main()
