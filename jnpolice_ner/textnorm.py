"""Equal-length text normalization: rules run on the normalized text, offsets stay valid.

Every character maps to exactly one character, so an offset into the normalized text is
an offset into the original. Full-width digits, Latin letters and common punctuation become
their half-width forms where rules expect them; traditional characters become simplified
ones (one-to-one mappings of OpenCC's ``TSCharacters`` table, read from the installed
``opencc-python-reimplemented`` package, not copied).

>>> normalize("２０１６年７月")
'2016年7月'
>>> normalize("詐騙") == "诈骗"
True
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    # full-width ASCII block → ASCII, except punctuation that Chinese rules rely on
    keep = set("，。：；！？（）【】“”")
    for code in range(0xFF01, 0xFF5F):
        ch = chr(code)
        if ch not in keep:
            table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    # the half-width forms of Chinese punctuation that rules expect in full width
    for half, full in {"(": "（", ")": "）"}.items():
        table[ord(half)] = full
    try:
        path = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
        for line in path.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 2:
                src, dst = parts[0], parts[1].split(" ")[0]
                if len(src) == 1 and len(dst) == 1:
                    table[ord(src)] = dst
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover - dependency missing
        pass
    return table


def normalize(text: str) -> str:
    """Map ``text`` character by character (same length) to the forms the rules are written in."""
    out = text.translate(_table())
    if len(out) != len(text):  # pragma: no cover - the table is 1:1 by construction
        raise AssertionError("normalization changed the text length")
    return out
