"""Imported by the fork server of ``extract_many(n_process>1)``: load the rules and warm every cache
once, so that the workers forked from it start ready (``batch._context``).

Importing it runs one small ``extract`` (``本报讯 3月2日，市民报警称被骗5000元。``); a failure here only
means colder workers, never an error.
"""

from __future__ import annotations

try:
    from .api import extract

    extract("## 民警追回被骗款\n\n本报讯 3月2日，市民王某报警称被骗5000元。犯罪嫌疑人张某已被刑事拘留。",
            issue_date="2020-03-05")
except Exception:  # pragma: no cover - the workers load what they need themselves
    pass
