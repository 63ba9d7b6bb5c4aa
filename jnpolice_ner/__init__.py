"""jnpolice_ner: entities, case reports and fraud tables from Chinese police news.

>>> import jnpolice_ner as jn
>>> [e.label for e in jn.extract_entities("被骗走8万余元")]
['MONEY']
"""

from __future__ import annotations

from .api import (
    cases_table,
    entities_table,
    extract,
    extract_entities,
    extract_many,
    fraud_table,
    iter_articles,
    load,
    make_doc,
    parse_page,
    parties_table,
)
from .extractor import Extractor
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
from .plot import plot_summary
from .render import render
from .table import summarize

__version__ = "0.1.0"

__all__ = [
    "load",
    "extract_entities",
    "parse_page",
    "extract",
    "extract_many",
    "fraud_table",
    "iter_articles",
    "cases_table",
    "entities_table",
    "parties_table",
    "summarize",
    "render",
    "plot_summary",
    "Extractor",
    "make_doc",
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
