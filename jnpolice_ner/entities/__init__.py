"""The entity recognizers, one module per label; each owns recognition and normalization.

A module exposes::

    LABEL: str
    ORDER: int                                     # resolution order among labels (lower first)
    def recognize(text, rules) -> list[Candidate]  # text is already normalized (textnorm)
    def resolve(cand, ctx) -> bool                 # fill cand.value / cand.role; False drops it
    def finalize(cands, ctx) -> None               # optional: article-level consolidation
"""

from __future__ import annotations

from types import ModuleType

from . import case_type, date, money, org, person, place, unit

#: label → module, in resolution order (places and units first: others refer to them)
MODULES: tuple[ModuleType, ...] = tuple(
    sorted((place, unit, org, date, money, case_type, person), key=lambda m: m.ORDER)
)

BY_LABEL: dict[str, ModuleType] = {m.LABEL: m for m in MODULES}
