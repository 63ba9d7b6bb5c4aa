"""Label, role and code constants: the single source of the names of annotation.md.

>>> "UNIT" in LABELS
True
"""

from __future__ import annotations

UNIT = "UNIT"
PERSON = "PERSON"
DATE = "DATE"
MONEY = "MONEY"
PLACE = "PLACE"
ORG = "ORG"
CASE_TYPE = "CASE_TYPE"

LABELS: tuple[str, ...] = (UNIT, PERSON, DATE, MONEY, PLACE, ORG, CASE_TYPE)

ROLES: tuple[str, ...] = ("reporter", "correspondent", "officer", "victim", "suspect", "other")

UNIT_KINDS: tuple[str, ...] = (
    "ministry", "department", "bureau", "branch", "station", "detachment", "brigade",
    "squad", "post", "detention", "team", "corps", "anti_fraud_center",
)

MONEY_QUALIFIERS: tuple[str, ...] = ("exact", "more_than", "about", "less_than", "range")

DATE_GRANULARITIES: tuple[str, ...] = ("year", "month", "day")

PARTS_OF_DAY: tuple[str, ...] = ("morning", "noon", "afternoon", "evening", "night")

PLACE_LEVELS: tuple[str, ...] = ("country", "province", "city", "county", "town", "other")

ORG_KINDS: tuple[str, ...] = ("bank", "company", "school", "court", "procuratorate", "government")

OUTCOMES: tuple[str, ...] = ("prevented", "recovered", "frozen", "arrested", "detained", "prosecuted", "solved")

#: The twelve classes of the national anti-fraud platform (taxonomy.md, marked ★).
FRAUD_CLASSES: tuple[str, ...] = (
    "fraud.brushing", "fraud.customer_service", "fraud.investment", "fraud.loan", "fraud.credit",
    "fraud.shopping", "fraud.impersonate_official", "fraud.impersonate_acquaintance",
    "fraud.game_trade", "fraud.romance", "fraud.impersonate_military", "fraud.sextortion",
)

CASE_TYPE_CODES: tuple[str, ...] = (
    "fraud", "fraud.telecom", "fraud.online", *FRAUD_CLASSES,
    "fraud.financial", "fraud.tax", "fraud.insurance",
    "theft", "theft.vehicle", "robbery", "property.two_robberies_one_theft", "assault", "homicide",
    "organized_crime", "drugs", "gambling", "food_drug", "environment", "traffic", "cybercrime",
    "pyramid_scheme", "fugitive", "other",
)


def is_fraud(code: str | None) -> bool:
    """True for ``fraud`` and every ``fraud.*`` code.

    >>> is_fraud("fraud.brushing"), is_fraud("theft")
    (True, False)
    """
    return bool(code) and (code == "fraud" or code.startswith("fraud."))
