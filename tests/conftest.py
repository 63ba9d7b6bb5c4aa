"""Shared fixtures: the ``../shared`` folder (seed page, gold, external corpora).

Tests that need ``../shared`` skip when it is absent on a developer machine, and FAIL when
``CI=true``: CI always has it beside the checkout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("JNPOLICE_SHARED", REPO.parent / "shared"))


def need_shared(*parts: str) -> Path:
    """Path inside ``../shared``; fail under CI, skip elsewhere, when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        msg = f"{path} is missing (../shared must sit beside the checkout)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def seed_doc() -> dict:
    """The seed page's gold document: ``{"id", "text", "meta", "spans"}``."""
    path = need_shared("data", "seed_entities.jsonl")
    return json.loads(path.read_text("utf-8").splitlines()[0])


@pytest.fixture(scope="session")
def seed_text() -> str:
    return need_shared("seed", "000_a554ebdd29adbe28.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def seed_articles() -> list[dict]:
    return json.loads(need_shared("data", "seed_articles.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def seed_cases() -> list[dict]:
    return json.loads(need_shared("data", "seed_cases.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def seed_predictions(seed_doc) -> list[dict]:
    """``extract_entities`` on the seed page (with its issue date), as dicts, computed once."""
    from jnpolice_ner import extract_entities

    return [e.model_dump() for e in extract_entities(seed_doc["text"], issue_date=seed_doc["meta"]["issue_date"])]


@pytest.fixture(scope="session")
def seed_scores(seed_doc, seed_predictions) -> dict:
    """Per-label scores of the seed page (``evaluation.score_documents``)."""
    from jnpolice_ner.evaluation import score_documents

    return score_documents([(seed_doc["spans"], seed_predictions)])
