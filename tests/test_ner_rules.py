"""The validation of the statistical NER is data (rules/ner.yaml): every check has spans it accepts and
rejects in corpus/ner/validation.yaml, rejects them with its own id (trace), and every id fires."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jnpolice_ner import ner
from jnpolice_ner.errors import RuleError
from jnpolice_ner.ruleset import load_rules
from jnpolice_ner.trace import recording

EXAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "ner" / "validation.yaml"
CHECKS: dict = yaml.safe_load(EXAMPLES.read_text("utf-8"))["checks"]


def _valid(rule_id: str, entry) -> bool:
    """Run the validator of the rule's label on one example entry."""
    spec = entry if isinstance(entry, dict) else {"span": entry}
    span = spec["span"]
    label = rule_id.split(".")[1]
    if label == "person":
        return ner.valid_person(span, spec.get("before", ""), spec.get("after", ""), cued=spec.get("cued", False))
    if label == "place":
        from jnpolice_ner.entities import place

        return ner.valid_place(span, spec["value"] if "value" in spec else place.lookup(span))
    assert label == "org", rule_id
    return ner.valid_org(span)


def _cases():
    for rule_id, groups in CHECKS.items():
        for kind in ("accept", "reject"):
            for entry in groups.get(kind) or []:
                span = entry["span"] if isinstance(entry, dict) else entry
                yield pytest.param(rule_id, kind, entry, id=f"{rule_id}:{kind}:{span}")


@pytest.mark.parametrize("rule_id,kind,entry", list(_cases()))
def test_ner_validation_example(rule_id, kind, entry):
    with recording() as fired:
        ok = _valid(rule_id, entry)
    if kind == "accept":
        assert ok is True and not fired, f"rejected by {sorted(fired)}"
    else:
        assert ok is False and fired == {rule_id}, f"accepted={ok}, fired {sorted(fired)}"


def test_every_ner_rule_has_examples():
    """Each id of rules/ner.yaml is a check of ner.py, has accepted and rejected spans, and fires."""
    ids = {r.id for r in load_rules()["ner"].rules}
    assert ids == set(ner.CHECKS) == set(CHECKS)
    for rule_id in ids:
        assert CHECKS[rule_id].get("accept") and CHECKS[rule_id].get("reject"), rule_id
    with recording() as fired:
        for rule_id, groups in CHECKS.items():
            for entry in groups["reject"]:
                _valid(rule_id, entry)
    missing = sorted(ids - fired)
    assert not missing, f"rules/ner.yaml ids that fire on no example: {missing}"


def test_trigger_patterns_use_the_rule_tables():
    """The clause gate reads the same suffix tables as the validation (``…县``, ``…公司``; not ``辖区``)."""
    t = ner._tables()
    assert ner.trigger_positions("湛田乡", []) == [2]
    assert ner.trigger_positions("宏达公司", []) == [3]
    assert ner.trigger_positions("今年该辖区", []) == []
    assert "公司" in dict(t.org_suffix_kind) and "县" in t.place_suffixes and "辖区" in t.place_stop_endings


def test_old_constant_names_still_read(monkeypatch):
    assert ner.PLACE_SUFFIXES == ner._tables().place_suffixes
    assert dict(ner.ORG_SUFFIX_KIND)["检察院"] == "procuratorate"
    with pytest.raises(AttributeError):
        ner.NO_SUCH_TABLE  # noqa: B018


def test_a_broken_ner_file_fails_with_its_rule_id(tmp_path, monkeypatch):
    import shutil

    from jnpolice_ner import ruleset

    rules = tmp_path / "rules"
    shutil.copytree(ruleset.rules_dir(), rules)
    text = (rules / "ner.yaml").read_text("utf-8")
    broken = {
        "ner.org.bad_first": text.replace('chars: "省市县区乡镇村"', "chars: 7"),
        "ner.place.stop_ending": text.replace("  - id: ner.place.stop_ending\n", "  - id: ner.place.stop_endingx\n"),
    }
    try:
        for rule_id, content in broken.items():
            (rules / "ner.yaml").write_text(content, "utf-8")
            monkeypatch.setattr(ruleset, "load_rules", lambda d=str(rules): ruleset.RuleSet(Path(d)))
            ner._tables.cache_clear()
            with pytest.raises(RuleError, match=rule_id.replace(".", r"\.")):
                ner._tables()
    finally:
        monkeypatch.undo()
        ner._tables.cache_clear()
    assert ner._tables().org_bad_first == "省市县区乡镇村"
