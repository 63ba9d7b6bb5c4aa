"""Every user-facing error of the library, in one place, so the CLI can print them plainly."""

from __future__ import annotations


class JnPoliceError(Exception):
    """Base class of the library's errors."""


class RuleError(JnPoliceError):
    """A rule or lexicon file is missing or invalid (the message names the file and rule id)."""


class InputError(JnPoliceError):
    """An input cannot be read (missing file, directory, not UTF-8, unknown format)."""


def require_text(text: object, what: str = "text") -> str:
    """Return ``text`` if it is a ``str``; raise a clear ``TypeError`` otherwise.

    >>> require_text("民警")
    '民警'
    """
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    return text
