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


#: a pinyin gloss after a character, as some web pages print traditional text (網(wǎng)絡, 鎮(zhèn)):
#: Latin letters in brackets (normalized to full width) with at least one tone mark
_GLOSS = None


def _gloss_re():
    global _GLOSS
    if _GLOSS is None:
        import regex

        tones = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
        _GLOSS = regex.compile(rf"(?<=\p{{Han}})（(?=[a-zü{tones}]{{0,6}}[{tones}])[a-zü{tones}]{{1,7}}）")
    return _GLOSS


def strip_glosses(norm: str) -> tuple[str, list[int]] | None:
    """``norm`` without pinyin glosses and the original index of every character left, or None
    when there is no gloss. A recognizer reads the text a reader reads and maps spans back with
    :func:`span_back`, so a span keeps the glosses inside it (電信網(wǎng)絡詐騙).

    >>> t, idx = strip_glosses(normalize("電信網(wǎng)絡詐騙"))
    >>> t, span_back(idx, 0, len(t))
    ('电信网络诈骗', (0, 12))
    >>> strip_glosses("刷单（app）") is None
    True
    """
    rx = _gloss_re()
    if "（" not in norm or rx.search(norm) is None:
        return None
    parts: list[str] = []
    index: list[int] = []
    pos = 0
    for m in rx.finditer(norm):
        parts.append(norm[pos:m.start()])
        index.extend(range(pos, m.start()))
        pos = m.end()
    parts.append(norm[pos:])
    index.extend(range(pos, len(norm)))
    return "".join(parts), index


def span_back(index: list[int], start: int, end: int) -> tuple[int, int]:
    """Offsets in the original text of the span ``[start, end)`` of the stripped text (a gloss
    after the span's last character stays out)."""
    return index[start], index[end - 1] + 1
