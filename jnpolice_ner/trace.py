"""Which rules fired: the corpus test uses this to prove every rule id has an example.

Recognizers call ``fire(rule_id)`` whenever a rule matches, including rules that only filter
or qualify a candidate (negative rules leave no entity, so their ids live only here).

>>> with recording() as fired:
...     fire("money.amount.wan")
>>> sorted(fired)
['money.amount.wan']
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_active: set[str] | None = None


def fire(rule_id: str) -> None:
    """Record that ``rule_id`` matched (a no-op unless recording)."""
    if _active is not None:
        _active.add(rule_id)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the ids fired inside the ``with`` block."""
    global _active
    previous, _active = _active, set()
    try:
        yield _active
    finally:
        _active = previous
