"""The README's Python snippets run as written, from the repository root (issue #14)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text("utf-8"), re.S)


def test_readme_has_a_python_snippet():
    snippets = _snippets()
    assert snippets and "text = " in snippets[0]


def test_readme_snippets_run_as_written():
    # a fresh interpreter in the repository root, as a reader would run it; then check what it made
    check = ("\nassert len(reports) == 2 and len(df) == 2 and df['amount_lost'].sum() == 82000\n"
             "assert reports[0].reported_on.iso == '2016-09-03' and 'mark' in html\n"
             "assert [e.value['iso'] for e in doc._.jn_entities if e.label == 'DATE'] == ['2016-07-22']\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for code in _snippets():
        out = subprocess.run([sys.executable, "-c", code + check], cwd=REPO, env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        assert "汶上县" in out.stdout  # the summary printed
