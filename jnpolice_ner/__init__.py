"""jnpolice_ner: entities, case reports and fraud tables from Chinese police news.

>>> import jnpolice_ner as jn
>>> [e.label for e in jn.extract_entities("被骗走8万余元")]
['MONEY']
"""

from __future__ import annotations

from .api import extract, extract_entities, extract_many, fraud_table, iter_articles, load, parse_page
from .models import (
    Article,
    CaseReport,
    DateValue,
    Entity,
    ErrorRecord,
    Money,
    Page,
    Party,
    PlaceValue,
    UnitValue,
)

__version__ = "0.1.0"

__all__ = [
    "load",
    "extract_entities",
    "parse_page",
    "extract",
    "extract_many",
    "fraud_table",
    "iter_articles",
    "Entity",
    "Article",
    "Page",
    "CaseReport",
    "Party",
    "Money",
    "DateValue",
    "PlaceValue",
    "UnitValue",
    "ErrorRecord",
]
