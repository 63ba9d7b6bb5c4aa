"""Locate, load and validate the rules in ``rules/`` once per process.

Every ``rules/<name>.yaml`` has a list ``rules`` of entries, each with a stable ``id``
(``<label>.<group>.<name>``, e.g. ``money.amount.wan``) that doubles as its explanation, an
optional ``pattern`` (a ``regex`` module pattern, compiled at load) and an optional ``score``
in 0–1. Other top-level keys (cue-word lists, tables) belong to the module that owns the
file. A bad file fails at load with the file name and the rule id in the message.

Lexicons are plain files in ``rules/lexicons/``: ``.txt`` one entry per line, ``.tsv`` with a
header row; lines starting with ``#`` are comments (provenance notes).

A user's own rules (``Extractor(extra_rules=PATH)``) are a folder laid out like ``rules/``, read on
top of the shipped files (``load_extended``) and validated the same way: its ``<name>.yaml`` adds
rules (ids unique across all files) and extends the shipped file's other keys (lists are extended,
mappings merged, other values replaced); its ``lexicons/<name>.txt`` and ``.tsv`` add entries after
the shipped ones (a ``.tsv`` repeats the shipped header). ``load_rules()`` returns the rule set made
active by ``using(rules)`` (a context variable), else the shipped one.

>>> rules = load_rules()
>>> "money" in rules.files
True
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import RuleError

_ID_RE = regex.compile(r"^[a-z_]+(\.[^\s.]+)+$")

#: what ``re`` reads differently from ``regex`` (or not at all): class escapes (\w \s \d \b and
#: their negations, whose Unicode tables differ a little), \p{..}, inline flags, named groups
#: written ``(?<name>``, POSIX classes and nested sets
_REGEX_ONLY = re.compile(r"\\[wWsSdDbBpPXNGKQELhHvVmM]|\(\?[aiLmsuxVwfr^-]+[:)]|\(\?<[A-Za-z_]|\[\[|\[:")


def fast_compile(pattern: str) -> Any:
    r"""``regex.compile(pattern)``, or ``re.compile`` when ``re`` reads the pattern the same way.

    Literal alternations and plain sets (most rule patterns: cue words, suffixes, dates) match the
    same in both engines, and ``re`` scans them several times faster. Anything ``regex`` reads its
    own way (``\p{Han}``, ``\d``, inline flags, variable-length look-behind…) stays with ``regex``.

    >>> type(fast_compile("派出所|公安局")).__module__, type(fast_compile(r"\p{Han}+")).__module__
    ('re', '_regex')
    """
    if not _REGEX_ONLY.search(pattern):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return re.compile(pattern)
        except (re.error, Warning, RecursionError, OverflowError):
            pass
    return regex.compile(pattern)


def rules_dir() -> Path:
    """The rules directory: the repository's ``rules/`` in a checkout, ``_rules`` in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError(f"no rules directory found next to {here}")


class Rule(BaseModel):
    """One rule entry. Extra keys are kept for the owning module."""

    model_config = ConfigDict(extra="allow")
    id: str
    pattern: str | None = None
    score: float = Field(default=0.5, ge=0.0, le=1.0)
    compiled: Any = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"rule id {v!r} is not of the form label.group.name")
        return v

    def extra(self, key: str, default: Any = None) -> Any:
        return (self.model_extra or {}).get(key, default)


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    rules: list[Rule] = Field(default_factory=list)

    def extra(self, key: str, default: Any = None) -> Any:
        return (self.model_extra or {}).get(key, default)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


class RuleSet:
    """All rule files and lexicons, validated."""

    def __init__(self, directory: Path, extra: Path | None = None):
        self.directory = directory
        self.extra = extra
        self.files: dict[str, RuleFile] = {}
        seen: dict[str, str] = {}
        for path in sorted(directory.glob("*.yaml")):
            self.files[path.stem] = _load_file(path, seen)
        self._lexicons: dict[str, Any] = {}
        if extra is not None:
            self._add_extra(extra, seen)

    def _add_extra(self, extra: Path, seen: dict[str, str]) -> None:
        """Read the user's folder ``extra`` on top of the shipped files (see the module docstring)."""
        if not extra.is_dir():
            raise RuleError(f"extra rules {extra}: not a folder (it holds <name>.yaml files and lexicons/)")
        for path in sorted(extra.glob("*.yaml")):
            if path.stem not in self.files:
                raise RuleError(f"{path}: no shipped rules/{path.stem}.yaml to add to "
                                f"(one of: {', '.join(sorted(self.files))})")
            self.files[path.stem] = _merge(self.files[path.stem], _load_file(path, seen, shown=str(path)))
        lex = extra / "lexicons"
        for path in sorted(lex.glob("*")) if lex.is_dir() else ():
            if path.suffix not in (".txt", ".tsv") or not (self.directory / "lexicons" / path.name).is_file():
                raise RuleError(f"{path}: no shipped lexicon rules/lexicons/{path.name} to add to")
            (self.lexicon if path.suffix == ".txt" else self.table)(path.stem)  # validated at load

    def _extra_lines(self, key: str) -> list[str]:
        """Lines of the user's ``lexicons/<key>`` (comments and blanks dropped), or none."""
        path = self.extra / "lexicons" / key if self.extra is not None else None
        if path is None or not path.is_file():
            return []
        return [ln for ln in path.read_text("utf-8").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]

    def __getitem__(self, name: str) -> RuleFile:
        try:
            return self.files[name]
        except KeyError:
            raise RuleError(f"rules/{name}.yaml is missing") from None

    def all_rule_ids(self) -> list[str]:
        return [r.id for f in self.files.values() for r in f.rules]

    def lexicon(self, name: str) -> list[str]:
        """Entries of ``rules/lexicons/<name>.txt`` (comments and blanks dropped), cached."""
        key = name + ".txt"
        if key not in self._lexicons:
            path = self.directory / "lexicons" / key
            if not path.is_file():
                raise RuleError(f"lexicon {path} is missing")
            self._lexicons[key] = [
                line.strip() for line in path.read_text("utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ] + [line.strip() for line in self._extra_lines(key)]
        return self._lexicons[key]

    def table(self, name: str) -> list[dict[str, str]]:
        """Rows of ``rules/lexicons/<name>.tsv`` as dicts keyed by the header, cached."""
        key = name + ".tsv"
        if key not in self._lexicons:
            path = self.directory / "lexicons" / key
            if not path.is_file():
                raise RuleError(f"table {path} is missing")
            lines = [ln for ln in path.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
            header = lines[0].split("\t")
            rows = _rows(path.name, header, lines[1:])
            extra = self._extra_lines(key)
            if extra:
                shown = str(self.extra / "lexicons" / key)
                if extra[0].split("\t") != header:
                    raise RuleError(f"{shown}: the header must be the shipped one: {' '.join(header)}")
                rows += _rows(shown, header, extra[1:])
            self._lexicons[key] = rows
        return self._lexicons[key]


def _rows(name: str, header: list[str], lines: list[str]) -> list[dict[str, str]]:
    rows = []
    for n, ln in enumerate(lines, 2):
        cells = ln.split("\t")
        if len(cells) != len(header):
            raise RuleError(f"{name}: row {n} has {len(cells)} cells, header has {len(header)}")
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _merge_value(base: Any, more: Any) -> Any:
    """Lists are extended (no duplicates), mappings merged key by key, other values replaced."""
    if isinstance(base, list) and isinstance(more, list):
        return base + [x for x in more if x not in base]
    if isinstance(base, dict) and isinstance(more, dict):
        out = dict(base)
        for k, v in more.items():
            out[k] = _merge_value(base[k], v) if k in base else v
        return out
    return more


def _merge(base: RuleFile, more: RuleFile) -> RuleFile:
    """The shipped file ``base`` with the user's ``more`` on top: its rules added, its other keys merged."""
    merged = RuleFile(rules=[*base.rules, *more.rules])
    extras = dict(base.model_extra or {})
    for k, v in (more.model_extra or {}).items():
        extras[k] = _merge_value(extras[k], v) if k in extras else v
    for k, v in extras.items():
        setattr(merged, k, v)
    return merged


#: libyaml's safe loader when PyYAML was built with it (8× faster, same result), else PyYAML's own
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_file(path: Path, seen: dict[str, str], shown: str | None = None) -> RuleFile:
    """Read and validate one rule file (``shown``: its name in messages, ``rules/<name>.yaml``)."""
    name = shown or f"rules/{path.name}"
    try:
        raw = yaml.load(path.read_text("utf-8"), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RuleError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{name}: top level must be a mapping")
    entries = raw.get("rules") or []
    for n, entry in enumerate(entries):
        rid = entry.get("id") if isinstance(entry, dict) else None
        if rid is None:
            raise RuleError(f"{name}: rule #{n + 1} has no id")
        try:
            Rule.model_validate(entry)
        except ValidationError as exc:
            raise RuleError(f"{name}: rule {rid}: {exc.errors()[0]['msg']}") from None
        if rid in seen:
            raise RuleError(f"{name}: rule {rid} already defined in {seen[rid]}")
        seen[rid] = name
    try:
        rf = RuleFile.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(f"{name}: {exc}") from None
    for r in rf.rules:
        if r.pattern is not None:
            try:
                r.compiled = fast_compile(r.pattern)
            except regex.error as exc:
                raise RuleError(f"{name}: rule {r.id}: bad pattern: {exc}") from None
            if "\\b" in r.pattern or "\\W" in r.pattern:
                raise RuleError(f"{name}: rule {r.id}: \\b and \\W do not work in Chinese")
    return rf


_ACTIVE: contextvars.ContextVar[RuleSet | None] = contextvars.ContextVar("jnpolice_ner_rules", default=None)


def load_rules(directory: str | None = None) -> RuleSet:
    """Load and validate every rule file (cached per directory); without ``directory``, the rule set
    made active by ``using`` (an ``Extractor``'s), else the shipped one."""
    if directory is None:
        active = _ACTIVE.get()
        if active is not None:
            return active
    return _load(directory)


@functools.lru_cache(maxsize=4)
def _load(directory: str | None) -> RuleSet:
    return RuleSet(Path(directory) if directory else rules_dir())


@functools.lru_cache(maxsize=8)
def load_extended(extra: str) -> RuleSet:
    """The shipped rules with the user's folder ``extra`` on top, validated (cached per folder)."""
    return RuleSet(rules_dir(), extra=Path(extra))


@contextlib.contextmanager
def using(rules: RuleSet) -> Iterator[RuleSet]:
    """Make ``rules`` what ``load_rules()`` returns inside the ``with`` block (this thread or task only)."""
    token = _ACTIVE.set(rules)
    try:
        yield rules
    finally:
        _ACTIVE.reset(token)
