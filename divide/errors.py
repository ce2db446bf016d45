"""The project's own error types: each carries a message a person can act on."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from divide.i18n import LANGS, t


class DivideError(ValueError):
    """An error caused by input, with a message that says what to fix.

    The CLI prints it on one line and exits with code 2; the app shows it with
    ``st.error``. Nothing else should ever reach the user as a traceback.

    An error whose message is in the interface catalogue (:mod:`divide.i18n`)
    carries its ``key`` and ``values`` (see :func:`translated`): its ``str`` is
    the English text, and :meth:`in_language` gives it in the user's language.
    """

    key: str | None = None
    values: dict = {}  # noqa: RUF012 - replaced per instance, never mutated

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` when it is in the catalogue, else as raised."""
        if self.key is None:
            return str(self)
        return t(self.key, lang, **self.values)


class SourceError(DivideError):
    """A source file that cannot be read as expected.

    Parameters
    ----------
    file : str
        The file's name or path.
    message : str
        What is wrong and what to fix.
    row : int, optional
        1-based line number in the file (header is line 1), when known.
    column : str, optional
        The offending column, when known.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.detail = message
        where = [self.file]
        if row is not None:
            where.append(f"line {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` (the file named first), when it is translated."""
        if self.key is None:
            return str(self)
        return f"{self.file}: {super().in_language(lang)}"


def translated(error_type: type[DivideError], key: str, *args, **values):
    """An error whose message is the catalogue's ``key`` filled with ``values``.

    Parameters
    ----------
    error_type : type
        :class:`DivideError` or a subclass; ``args`` go first to its constructor
        (a :class:`SourceError`'s file), then the English message.
    key : str
        Key of the message in :data:`divide.i18n.STRINGS`.
    **values
        What the message's ``{placeholders}`` are filled with (plain text).

    Returns
    -------
    DivideError
        Ready to raise: ``str`` is the English message, :meth:`in_language`
        gives the French one.
    """
    error = error_type(*args, t(key, "en", **values))
    error.key, error.values = key, dict(values)
    return error


def suggest(value: str, valid: Iterable[str], n: int = 3) -> str:
    """Return a ' Did you mean ...?' hint listing close matches, or ''."""
    choices = [str(v) for v in valid]
    close = difflib.get_close_matches(str(value), choices, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(str(value).lower(), list(lowered), n=n)
        close = [lowered[c] for c in close]
    return f" Did you mean: {', '.join(close)}?" if close else ""


def unknown(kind: str, value: str, valid: Iterable[str], show: int = 12) -> DivideError:
    """Build the error for an unknown id, listing valid values and close matches."""
    choices = sorted({str(v) for v in valid})
    listed = ", ".join(choices[:show]) + (" ..." if len(choices) > show else "")
    return DivideError(
        f"unknown {kind} '{value}'.{suggest(value, choices)} Valid: {listed}"
    )


def check_lang(lang: str) -> str:
    """``lang`` when it is one of :data:`divide.i18n.LANGS`, else a clear error."""
    if lang not in LANGS:
        raise DivideError(f"unknown language '{lang}': use 'fr' or 'en'")
    return lang
