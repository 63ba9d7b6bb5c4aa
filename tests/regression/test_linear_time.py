"""Issue #13: super-linear time on adversarial input (each test failed before its fix).

The growth of every pattern family is measured by ``benchmarks/bench_adversarial.py`` (a script, not a
test; table in docs/benchmarks.md). Here each defect is guarded either by counting the work done
(deterministic) or by a time budget with a wide margin on both sides.
"""

from __future__ import annotations

import time

import jnpolice_ner as jn
from jnpolice_ner import report
from jnpolice_ner.candidates import Candidate
from jnpolice_ner.context import Context
from jnpolice_ner.entities import person
from jnpolice_ner.ruleset import load_rules

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"


class CountingList(list):
    """A list that counts the items read from it (by iteration or by index)."""

    reads = 0

    def __iter__(self):
        for x in super().__iter__():
            CountingList.reads += 1
            yield x

    def __reversed__(self):
        for x in super().__reversed__():
            CountingList.reads += 1
            yield x

    def __getitem__(self, i):
        CountingList.reads += 1
        return super().__getitem__(i)


def test_heading_with_a_long_run_of_spaces_is_read_in_linear_time():
    # the heading pattern backtracked over the run: 111 s at 100k characters, ~10 s at 30k
    text = "#a" + " " * 30_000 + "b\n\n正文。"
    t = time.perf_counter()
    page = jn.parse_page(text)
    assert time.perf_counter() - t < 2.0
    assert page.articles  # still read


def test_person_role_pass_does_not_walk_every_candidate_for_each_name():
    # a name with no role cue looked for the PERSON before it by walking all candidates from the end
    rules = load_rules()
    n = 400
    text = "".join(f"{SURNAMES[k % len(SURNAMES)]}某某，" for k in range(n))
    cands = CountingList(Candidate("PERSON", 4 * k, 4 * k + 3, "person.anonymized", data={"kind": "anon"})
                         for k in range(n))
    ctx = Context(text=text, rules=rules, cands=cands, end=len(text))
    CountingList.reads = 0
    for c in list.__iter__(cands):
        person.resolve(c, ctx)
    assert CountingList.reads <= 4 * n, CountingList.reads  # was n * n / 2


def test_sentence_lookup_is_a_binary_search():
    # report._sentence_of scanned every sentence for every entity
    n = 2000
    sents = CountingList(report._sentences("民警报警。" * n))
    CountingList.reads = 0
    for k in range(0, 5 * n, 5):
        assert report._sentence_of(sents, k).start == k
    assert CountingList.reads <= 30 * n, CountingList.reads  # was n * n / 2
