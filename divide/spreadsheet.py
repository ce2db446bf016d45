"""Text that a spreadsheet must not run as a formula (CSV injection).

A cell starting with ``= + - @``, a tab or a carriage return is a formula to Excel
and LibreOffice. Exports prefix such text with an apostrophe, which spreadsheets
read as "this is text". No third-party imports: the light modules use it too.
"""

from __future__ import annotations

RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(text: str) -> str:
    """``text`` safe for a spreadsheet, reversibly (see :func:`restore_text`).

    Text already starting with an apostrophe gets one more, so that reading the
    file back gives every name exactly as it was.
    """
    return "'" + text if text.startswith((*RISKY_START, "'")) else text


def restore_text(text: str) -> str:
    """The text :func:`neutralise_text` was given."""
    if text.startswith("'") and text[1:].startswith((*RISKY_START, "'")):
        return text[1:]
    return text
