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

import bisect
import functools
from importlib import resources

import numpy as np


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


@functools.lru_cache(maxsize=1)
def _lookup() -> np.ndarray:
    """``_table`` as an array indexed by code point (code points past its end map to themselves)."""
    table = _table()
    lut = np.arange(max(table, default=0) + 1, dtype=np.uint32)
    for code, ch in table.items():
        lut[code] = ord(ch)
    return lut


def normalize(text: str) -> str:
    """Map ``text`` character by character (same length) to the forms the rules are written in.

    The same mapping as ``text.translate(_table())``, done on an array of code points (several
    times faster on Chinese text, whose characters all take str.translate's slow path).
    """
    if len(text) < 16:
        out = text.translate(_table())
    else:
        lut = _lookup()
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if int(cps.max()) < len(lut):
            mapped = lut[cps]
        else:
            mapped = np.where(cps < len(lut), lut[np.minimum(cps, len(lut) - 1)], cps)
        out = mapped.tobytes().decode("utf-32-le", "surrogatepass")
    if len(out) != len(text):  # pragma: no cover - the table is 1:1 by construction
        raise AssertionError("normalization changed the text length")
    return out


def strip_glosses(text: str) -> tuple[str, list[int]] | None:
    """``text`` without pinyin glosses (``textnorm.gloss.pinyin``) and the other cuts of
    ``rules/textnorm.yaml`` (a space inside a date: ``10 月24 日``), and, for each kept character,
    its offset in ``text``; None when there is nothing to cut (the common case).

    Mirror sites that convert a page to traditional characters print the pinyin of some
    characters after them: ``邢臺(tái)市橋東區(qū)``. Rules read the text without them; a span
    ``[s, e)`` of the stripped text is ``[back[s], back[e - 1] + 1)`` of the original, so a gloss
    inside a mention stays inside its span and one after its last character stays outside.

    >>> s, back = strip_glosses("邢臺(tái)市橋東區(qū)一倉庫")
    >>> s, back[3], back[5] + 1
    ('邢臺市橋東區一倉庫', 8, 11)
    >>> strip_glosses("被骗(约1万元)") is None
    True
    """
    from .ruleset import load_rules
    from .trace import fire

    cuts: list[tuple[int, int]] = []
    for rule in load_rules()["textnorm"].rules:
        if rule.compiled is None:
            continue
        found = [(m.start(), m.end()) for m in rule.compiled.finditer(text)]
        if found:
            fire(rule.id)
            cuts.extend(found)
    if not cuts:
        return None
    cuts.sort()
    parts: list[str] = []
    back: list[int] = []
    pos = 0
    for a, b in cuts:
        parts.append(text[pos:a])
        back.extend(range(pos, a))
        pos = b
    parts.append(text[pos:])
    back.extend(range(pos, len(text)))
    return "".join(parts), back


def forward_offset(back: list[int], offset: int) -> int:
    """The stripped-text offset of an original offset (a position inside a gloss moves on to the
    next kept character)."""
    return bisect.bisect_left(back, offset)


def span_back(index: list[int], start: int, end: int) -> tuple[int, int]:
    """Offsets in the original text of the span ``[start, end)`` of the stripped text (a gloss
    after the span's last character stays out).

    >>> t, idx = strip_glosses("電信網(wǎng)絡詐騙")
    >>> t, span_back(idx, 0, len(t))
    ('電信網絡詐騙', (0, 12))
    """
    return index[start], index[end - 1] + 1
