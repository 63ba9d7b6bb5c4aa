"""Issue #13, batches: one test per defect (interrupts, early stops and pickling: tests/test_batch_faults.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from test_batch_faults import DOCS, kinds, no_children_left

import jnpolice_ner as jn

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("n", [1, 2])
def test_unpicklable_items_are_error_records_in_place(n):
    items = [DOCS[0], threading.Lock(), DOCS[1], lambda: 0, DOCS[2]]
    out = list(jn.extract_many(items, n_process=n))
    assert [x.index for x in out if isinstance(x, jn.ErrorRecord)] == [1, 3]
    assert kinds(out) == kinds(jn.extract_many(items))


@pytest.mark.parametrize("n", [1, 2])
def test_raising_iterator_yields_what_came_before_then_raises(n):
    def items():
        yield from DOCS[:3]
        raise OSError("the source went away")

    got = []
    with pytest.raises(OSError, match="went away"):
        for x in jn.extract_many(items(), n_process=n):
            got.append(x)
    assert kinds(got) == kinds(jn.extract_many(DOCS[:3]))
    assert no_children_left()


@pytest.mark.parametrize("bad,exc", [("2", TypeError), (2.5, TypeError), (True, TypeError), (None, TypeError),
                                     (0, ValueError), (-2, ValueError)])
def test_n_process_is_checked_when_called(bad, exc):
    with pytest.raises(exc, match="n_process"):
        jn.extract_many(DOCS, n_process=bad)  # not iterated: the error comes up front


@pytest.mark.parametrize("bad,exc", [("2016-13-45", ValueError), ("yesterday", ValueError), (20160820, TypeError)])
def test_bad_issue_date_is_one_error_up_front(bad, exc):
    with pytest.raises(exc, match="issue_date"):
        jn.extract_many(DOCS, issue_date=bad)


def test_script_without_main_guard_fails_clearly(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import jnpolice_ner as jn
        print(len(list(jn.extract_many(["民警走访。"] * 4, n_process=2))))
    """))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120, cwd=tmp_path)
    assert r.returncode != 0
    assert b'if __name__ == "__main__":' in r.stderr.splitlines()[-1]
