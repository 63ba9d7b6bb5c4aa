"""Linear time on adversarial input: growth ratios per pattern family (a script, not a test).

    python benchmarks/bench_adversarial.py [--small 10000] [--large 100000] [--what extract|entities|page]
                                           [--family NAME ...] [--repeat 1]

Each family builds a text from one repeated piece (numerals, names, units, headings, brackets,
spaces, long unpunctuated lines, and a real page) at ``--small`` and ``--large`` characters and
times ``jn.extract`` (the whole path: page reader, entities, cases) on both. For linear work the
ratio of the two times is about ``large / small`` (10 by default); issue #13 asks for every ratio
<= 15. Each size runs in a fresh interpreter, so caches warmed by one family do not favour another;
the pipeline is warmed on a short text first, so the time is the call's alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"


def _names(n: int) -> str:
    """Many distinct name mentions with role cues: 民警王伟、犯罪嫌疑人李某某、受害人张女士…"""
    cues = ["民警", "犯罪嫌疑人", "受害人", "市民", "辅警", "嫌疑人"]
    out, k = [], 0
    while sum(map(len, out)) < n:
        s, g = SURNAMES[k % len(SURNAMES)], GIVEN[(k // len(SURNAMES)) % len(GIVEN)]
        out.append(f"{cues[k % len(cues)]}{s}{g}与{s}先生、{s}某某被骗{k % 90 + 1}万元，{s}{g}报警。")
        k += 1
    return "".join(out)


#: family -> function of the size in characters giving the text (cut to that size)
FAMILIES = {
    "numerals": lambda n: "被骗一二三四五六七八九十百千万亿元，2016年8月20日至21日，3.5万余元，二〇一六年" * (n // 40 + 1),
    "digits": lambda n: "1" * n,
    "names": _names,
    "units": lambda n: "金乡县公安局兴隆派出所会同嘉祥县局网安大队、市公安局反诈中心民警" * (n // 30 + 1),
    "headings": lambda n: "#a" + " " * max(0, n - 3) + "b",
    "heading_lines": lambda n: "## 民警追回被骗款\n□ 记者 尹彤 通讯员 苏培银 报道\n" * (n // 30 + 1),
    "brackets": lambda n: "（记者张三（通讯员“李四『王五【" * (n // 16 + 1),
    "spaces": lambda n: "民警" + (" \u3000\t" * (n // 3 + 1))[:max(0, n - 4)] + "报警",
    "long_line": lambda n: "民警在辖区内开展走访活动宣传防范电信网络诈骗知识提醒群众不要轻信陌生来电" * (n // 36 + 1),
    "dates": lambda n: "当天上午9时许次日凌晨昨天下午去年12月上旬" * (n // 22 + 1),
    "real_page": lambda n: (REPO / "corpus/pages/dev_page_01.txt").read_text(encoding="utf-8") * (n // 2000 + 1),
}

CODE = """
import json, sys, time
sys.path.insert(0, {repo!r})
sys.path.insert(0, {bench!r})
import jnpolice_ner as jn
from bench_adversarial import FAMILIES
jn.{what}("民警王伟于2016年8月1日接报被骗1万元。", issue_date="2016-08-20")  # warm the rules
text = FAMILIES[{family!r}]({n})[:{n}]
best = None
for _ in range({repeat}):
    t = time.perf_counter()
    jn.{what}(text, issue_date="2016-08-20")
    secs = time.perf_counter() - t
    best = secs if best is None else min(best, secs)
print(json.dumps({{"chars": len(text), "seconds": best}}))
"""


def measure(family: str, n: int, what: str, repeat: int) -> float:
    code = CODE.format(repo=str(REPO), bench=str(Path(__file__).parent), what=what, family=family, n=n,
                       repeat=repeat)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--what", default="extract", choices=["extract", "extract_entities", "parse_page"])
    ap.add_argument("--family", nargs="*", default=list(FAMILIES))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    print(f"| family | {args.small // 1000}k chars (s) | {args.large // 1000}k chars (s) | ratio |")
    print("|---|---:|---:|---:|")
    worst = 0.0
    for fam in args.family:
        a = measure(fam, args.small, args.what, args.repeat)
        b = measure(fam, args.large, args.what, args.repeat)
        ratio = b / max(a, 1e-3)
        worst = max(worst, ratio)
        print(f"| {fam} | {a:.2f} | {b:.2f} | {ratio:.1f} |", flush=True)
    print(f"\nworst ratio {worst:.1f} (issue #13 asks for <= 15)")


if __name__ == "__main__":
    main()
