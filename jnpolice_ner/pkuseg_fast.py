"""pkuseg inference, same model and same words, without its per-character feature strings.

``spacy_pkuseg`` builds, for every character, about 80 feature strings (50 of them pairs of the
dictionary words that end before / start at the character, ``ww.l.<pre>*<post>``, mostly with
``**noWord`` on one or both sides) and looks each one up: about 17 µs a character, three times
the rest of the pipeline. ``FastPkuseg`` computes the *same* feature multiset from the sparse list
of dictionary words found in the text: a pair with ``**noWord`` only depends on the other side, so
it is looked up once per word and counted as often as pkuseg would emit it. Node scores are the
summed weight rows (``numpy``), and the Viterbi decoder is pkuseg's own. The output is pkuseg's
(``tests/test_pipeline.py`` compares both on corpus text; ``benchmarks/bench_segmenter.py``
measures the speed).

>>> from jnpolice_ner.pipeline import load_segmenter
>>> load_segmenter().cut("民警查明，他先后被骗走8万余元。")
['民警', '查明', '，', '他', '先后', '被', '骗走', '8万', '余', '元', '。']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import spacy_pkuseg
from spacy_pkuseg.inference import run_viterbi

NO_WORD = "**noWord"
#: pkuseg's word-feature lengths (``config.wordMin`` .. ``config.wordMax``)
WORD_MIN, WORD_MAX = 2, 6
N_LENGTHS = WORD_MAX - WORD_MIN + 1
#: a character that occurs in no dictionary word; it stands for digits and letters, which pkuseg
#: replaces by ``**Num`` / ``**Letter`` before it looks words up (so no word can contain them)
_MASK = "\x00"
#: entries kept in each per-process feature cache (characters, character pairs, words): about
#: 30 MB when full; text beyond that is looked up as it comes
_CACHE_MAX = 100_000


class FastPkuseg(spacy_pkuseg.pkuseg):
    """A ``spacy_pkuseg.pkuseg`` whose ``_cut`` gives the same words several times faster.

    Build it with ``FastPkuseg.wrap(seg)`` from a loaded segmenter; it shares the segmenter's
    model, dictionaries and pre/post-processing (and so its ``to_disk`` files).
    """

    @classmethod
    def wrap(cls, seg: Any) -> FastPkuseg:
        fast = cls.__new__(cls)
        fast.__dict__.update(seg.__dict__)
        if type(seg.postprocesser) is spacy_pkuseg.Postprocesser:
            post = FastPostprocesser.__new__(FastPostprocesser)
            post.__dict__.update(seg.postprocesser.__dict__)
            fast.postprocesser = post
        fast._prepare()
        return fast

    def _prepare(self) -> None:
        fe, model = self.feature_extractor, self.model
        n_feat, n_tag = len(fe.feature_to_idx), int(model.n_tag)
        self._fi = fe.feature_to_idx
        self._unigram = fe.unigram
        node = getattr(model, "node_ext", None)  # (n_feat + 1) × n_tag, last row zero
        if node is None:
            node = np.vstack([np.asarray(model.w[: n_feat * n_tag]).reshape(n_feat, n_tag), np.zeros((1, n_tag))])
        self._node_w, self._none = node, n_feat  # index ``n_feat``: "no such feature" (a zero row)
        trans = getattr(model, "transitions", None)
        if trans is None:
            trans = model.w[n_feat * n_tag: n_feat * n_tag + n_tag * n_tag]
        # pkuseg's getLogYY: edge[s_pre, s] = 1 + w[transitions + s * n_tag + s_pre]
        self._edge = np.ascontiguousarray(1.0 + np.asarray(trans, dtype=np.float64).reshape(n_tag, n_tag).T)
        self._starts_word = np.array(["B" in self.idx_to_tag[i] for i in range(n_tag)], dtype=bool)
        self._num = frozenset(fe.num)
        self._letter = frozenset(fe.letter)
        self._translate = fe.keywords_translate_table
        self._mask_table = {ord(c): _MASK for c in (*fe.num, *fe.letter)}
        by_start: dict[str, set[int]] = {}
        for w in self._unigram:
            if WORD_MIN <= len(w) <= WORD_MAX:
                by_start.setdefault(w[:2], set()).add(len(w))
        self._lengths_by_start = {k: tuple(sorted(v)) for k, v in by_start.items()}
        self._char_feats: dict[str, tuple[int, ...]] = {}
        self._pair_feats: dict[tuple[str, str], tuple[int, ...]] = {}
        self._word_feats: dict[str, tuple[int | None, ...]] = {}
        self._nw_pair = (self._fi.get("ww.l." + NO_WORD + "*" + NO_WORD),
                         self._fi.get("ww.r." + NO_WORD + "*" + NO_WORD))

    def _char(self, c: str) -> tuple[int, ...]:
        """Indices of the five one-character features of ``c``: as ``c``, ``c-1``, ``c1``, ``c-2``, ``c2``."""
        got = self._char_feats.get(c)
        if got is None:
            fi, none = self._fi, self._none
            got = tuple(fi.get(k + c, none) for k in ("c.", "c-1.", "c1.", "c-2.", "c2."))
            if len(self._char_feats) < _CACHE_MAX:
                self._char_feats[c] = got
        return got

    def _pair(self, ab: tuple[str, str]) -> tuple[int, ...]:
        """Indices of the three two-character features of ``a b``: ``c-1c``, ``cc1``, ``c-2c-1``."""
        got = self._pair_feats.get(ab)
        if got is None:
            fi, none = self._fi, self._none
            tail = ab[0] + "." + ab[1]
            got = tuple(fi.get(k + tail, none) for k in ("c-1c.", "cc1.", "c-2c-1."))
            if len(self._pair_feats) < _CACHE_MAX:
                self._pair_feats[ab] = got
        return got

    def _word(self, w: str) -> tuple[int | None, ...]:
        """Feature indices of one dictionary word in each slot (None where the model has none):
        ``w-1``, ``w1``, ``ww.l`` after no word, ``ww.l`` before no word, ``ww.r`` likewise."""
        got = self._word_feats.get(w)
        if got is None:
            fi = self._fi
            got = (
                fi.get("w-1." + w), fi.get("w1." + w),
                fi.get("ww.l." + NO_WORD + "*" + w), fi.get("ww.l." + w + "*" + NO_WORD),
                fi.get("ww.r." + NO_WORD + "*" + w), fi.get("ww.r." + w + "*" + NO_WORD),
            )
            if len(self._word_feats) < _CACHE_MAX:
                self._word_feats[w] = got
        return got

    def _node_scores(self, text: str) -> np.ndarray:
        """pkuseg's node scores (characters × tags): the summed weights of each character's features."""
        renamed = text.translate(self._translate)
        num, letter = self._num, self._letter
        nodes = ["**Num" if c in num else "**Letter" if c in letter else c for c in renamed]
        n, none, weights = len(nodes), self._none, self._node_w
        # the eight character features (pkuseg: c, c-1, c1, c-2, c2, c-1c, cc1, c-2c-1)
        cf, char = self._char_feats, self._char
        chars = np.array([cf.get(c) or char(c) for c in nodes], dtype=np.intp).reshape(n, 5)
        idx = np.full((n, 8), none, dtype=np.intp)
        idx[:, 0] = chars[:, 0]
        idx[1:, 1] = chars[:-1, 1]
        idx[:-1, 2] = chars[1:, 2]
        idx[2:, 3] = chars[:-2, 3]
        idx[:-2, 4] = chars[2:, 4]
        if n > 1:
            pf, pair = self._pair_feats, self._pair
            pairs = np.array([pf.get(ab) or pair(ab) for ab in zip(nodes, nodes[1:], strict=False)], dtype=np.intp).reshape(n - 1, 3)
            idx[1:, 5] = pairs[:, 0]
            idx[:-1, 6] = pairs[:, 1]
            idx[2:, 7] = pairs[:-1, 2]
        node = weights[idx].sum(axis=1)
        node += weights[0]  # "$$", on every character
        self._add_word_features(node, renamed.translate(self._mask_table))
        return node

    def _add_word_features(self, node: np.ndarray, masked: str) -> None:
        """Add the dictionary-word features: ``w-1``/``w1`` and the 5 × 5 ``ww.l``/``ww.r`` grids,
        where pkuseg fills every length without a word with ``**noWord``."""
        n, word, get = len(masked), self._word, self._fi.get
        lengths_of = self._lengths_by_start
        ends: list[list[str]] = [[] for _ in range(n + 1)]  # words ending at i (index n: none)
        starts: list[list[str]] = [[] for _ in range(n + 1)]  # words starting at i
        found = []
        uni = self._unigram
        for s in range(n - 1):
            lengths = lengths_of.get(masked[s: s + 2])  # the lengths of the words that start so
            if lengths:
                for length in lengths:
                    w = masked[s: s + length]
                    if len(w) == length and w in uni:
                        starts[s].append(w)
                        ends[s + length - 1].append(w)
                        found.append((s, s + length - 1, w))
        pos: list[int] = []
        feat: list[int] = []
        mult: list[int] = []
        p_add, f_add, m_add = pos.append, feat.append, mult.append
        for s, e, w in found:
            t = word(w)
            free_before = N_LENGTHS - (len(ends[s - 1]) if s else 0)  # empty slots ending at s-1
            free_after = N_LENGTHS - len(starts[e + 1])  # empty slots starting at e+1
            for p, f, m in ((e, t[0], 1),  # w-1: the word ends here
                            (s, t[1], 1),  # w1: the word starts here
                            (s, t[2], free_before),  # ww.l: noWord * w, at the word's start
                            (e + 1 if e + 1 < n else -1, t[3], free_after),  # ww.l: w * noWord, after its end
                            (e, t[5], free_after),  # ww.r: w * noWord, at the word's end
                            (s - 1, t[4], free_before)):  # ww.r: noWord * w, before the word's start
                if f is not None and m and p >= 0:
                    p_add(p)
                    f_add(f)
                    m_add(m)
        for k in range(1, n):
            if ends[k - 1] and starts[k]:
                for a in ends[k - 1]:
                    for b in starts[k]:
                        for p, f in ((k, get("ww.l." + a + "*" + b)), (k - 1, get("ww.r." + a + "*" + b))):
                            if f is not None:
                                p_add(p)
                                f_add(f)
                                m_add(1)

        def add(p: int, f: int | None, m: int) -> None:
            if f is not None and m:
                p_add(p)
                f_add(f)
                m_add(m)

        nw_l, nw_r = self._nw_pair
        if nw_l is not None or nw_r is not None:  # noWord * noWord (pruned from the shipped model)
            for i in range(n):
                add(i, nw_l, (N_LENGTHS - (len(ends[i - 1]) if i else 0)) * (N_LENGTHS - len(starts[i])))
                add(i, nw_r, (N_LENGTHS - len(ends[i])) * (N_LENGTHS - len(starts[i + 1])))
        if pos:
            np.add.at(node, np.array(pos, dtype=np.intp),
                      self._node_w[np.array(feat, dtype=np.intp)] * np.array(mult, dtype=np.float64)[:, None])

    def _cut(self, text: str) -> list[str]:
        if not text:
            return []
        _, tags = run_viterbi(self._node_scores(text), self._edge)
        begins = np.flatnonzero(self._starts_word[tags[1:]]) + 1
        cuts = [0, *begins.tolist(), len(text)]
        return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


class FastPostprocesser(spacy_pkuseg.Postprocesser):
    """pkuseg's dictionary post-processing (merge 7 … 2 adjacent words that form a dictionary word
    not made of dictionary words), reading the merged strings as slices of the sentence.

    >>> post = FastPostprocesser(None, None)
    >>> post.do_process, post.common_words, post.other_words = True, set(), {"派出所"}
    >>> post(["兴隆", "派", "出所", "民警"])
    ['兴隆', '派出所', '民警']
    """

    def post_process(self, sent: list[str], check_seperated: bool) -> list[str]:
        common, other = self.common_words, self.other_words
        text = "".join(sent)
        for m in range(7, 1, -1):
            if len(sent) < m:
                continue
            offsets = _offsets(sent)
            end = len(sent) - m
            i = 0
            while i < end + 1:
                merged = text[offsets[i]: offsets[i + m]]
                if merged in common:
                    do_seg = True
                elif merged in other:
                    do_seg = not (check_seperated and all(w in common or w in other for w in sent[i: i + m]))
                else:
                    do_seg = False
                if do_seg:
                    sent[i: i + m] = [merged]
                    offsets = _offsets(sent)
                    end = len(sent) - m
                i += 1
        return sent


def _offsets(words: list[str]) -> list[int]:
    out = [0]
    for w in words:
        out.append(out[-1] + len(w))
    return out
