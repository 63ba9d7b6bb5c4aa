"""Batches that never break (issue #13): the same input gives the same output with one process or
two, whatever goes wrong; no worker is left behind; every public model survives pickling."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import jnpolice_ner as jn

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["3月2日，市民赵女士报警称被骗5000元。", "嫌疑人张某某被抓获，骗走8万余元。", "", "民警走访。"]


def kinds(out):
    return [("error", x.index) if isinstance(x, jn.ErrorRecord) else [r.model_dump() for r in x] for x in out]


def no_children_left(timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not mp.active_children():
            return True
        time.sleep(0.1)
    return False


def test_str_subclass_is_read_like_its_text():
    class Text(str):
        def __reduce__(self):
            raise TypeError("no pickling")

    assert kinds(jn.extract_many([Text(DOCS[1])], n_process=2)) == kinds(jn.extract_many([DOCS[1]]))


def test_n_process_minus_one_is_every_cpu():
    assert kinds(jn.extract_many(DOCS[:2], n_process=-1)) == kinds(jn.extract_many(DOCS[:2]))


def test_consumer_stopping_early_leaves_no_worker():
    def endless():
        while True:
            yield DOCS[1]

    it = jn.extract_many(endless(), n_process=2)
    assert isinstance(next(it), list)
    it.close()
    assert no_children_left()


def test_interrupt_in_the_parent_leaves_no_worker():
    def interrupted():
        yield from DOCS
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(jn.extract_many(interrupted(), n_process=2))
    assert no_children_left()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for good
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_leaves_no_orphan_workers(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        import multiprocessing, sys
        sys.path.insert(0, {str(ROOT)!r})
        import jnpolice_ner as jn

        def endless():
            while True:
                yield "嫌疑人张某某被抓获，骗走8万余元。"

        if __name__ == "__main__":
            for k, _ in enumerate(jn.extract_many(endless(), n_process=2)):
                if k == 0:
                    print(*[p.pid for p in multiprocessing.active_children()], flush=True)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, cwd=tmp_path)
    try:
        workers = [int(x) for x in proc.stdout.readline().split()]
        assert workers
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
    end = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < end:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)


def test_every_public_model_survives_pickling():
    text = ("## 民警追回被骗款\n\n本报金乡讯 7月22日中午，兴隆派出所接市民李某（男，30岁）报警称被骗8万余元。"
            "犯罪嫌疑人张某某已被刑事拘留。")
    page = jn.parse_page(text, issue_date="2016-08-20")
    reports = jn.extract(text, issue_date="2016-08-20")
    ents = jn.extract_entities(text, issue_date=dt.date(2016, 8, 20))
    assert reports and ents and page.articles
    objs = [page, *page.articles, *reports, *ents, jn.ErrorRecord(index=3, error="TypeError: x")]
    for r in reports:
        objs += [*r.victims, *r.suspects, *[m for m in (r.amount_lost, r.amount_recovered) if m is not None]]
    objs += [jn.DateValue(iso="2016-07-22", granularity="day", calendar="lunar"),
             jn.PlaceValue(name="山东省济宁市金乡县", adcode="370828", level="county"),
             jn.UnitValue(name="金乡县公安局兴隆派出所", kind="station", parent="金乡县公安局")]
    for obj in objs:
        again = pickle.loads(pickle.dumps(obj))
        assert type(again) is type(obj) and again == obj
        assert again.model_dump() == obj.model_dump()
    names = {type(o).__name__ for o in objs}
    assert {name for name in jn.__all__ if name[0].isupper()} - {"Extractor"} <= names
    ex = jn.Extractor()  # not a model: pickled as its rules folder
    assert pickle.loads(pickle.dumps(ex)) == ex
