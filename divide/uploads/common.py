"""Limits and plain-text rules shared by every kind of upload."""

from __future__ import annotations

import re
import unicodedata

from divide.build.readers import mediation
from divide.errors import SourceError
from divide.safe_text import clean

#: Largest accepted file, in bytes (the app's upload cap in .streamlit/config.toml
#: is the same 50 MB).
MAX_BYTES = 50 * 1024 * 1024
#: Most data rows read from a file (France has about 35,000 communes).
MAX_ROWS = 200_000
#: Most columns in a file.
MAX_COLUMNS = 500
#: Most cells (rows × columns) held in memory while reading.
MAX_CELLS = 20_000_000
#: Most bytes the members of an ``.xlsx`` (a zip archive) may unpack to.
MAX_UNZIPPED = 100 * 1024 * 1024
#: Highest compression ratio accepted for an ``.xlsx`` member larger than 1 MB.
MAX_RATIO = 100
#: Most members in an ``.xlsx`` archive.
MAX_ZIP_MEMBERS = 1_000
#: Longest site name kept (longer ones are cut, ending with "…").
MAX_NAME = 200
#: Problems kept in a report (all are counted).
MAX_LISTED = 1_000
#: Problems shown by :meth:`Report.text`.
SHOWN = 20
#: Unknown codes for which close matches are looked up.
MAX_SUGGESTED = 50
#: Lines searched for the header row (title lines above it are skipped).
HEADER_SCAN = 30

#: Units whose values are counts, summed upward; every other unit is a rate.
COUNT_UNITS = ("people", "premises", "sites")
#: ``source`` and ``site_id`` prefix of uploaded sites.
SOURCE_ID = "user_upload"
#: Columns of an uploaded site table (those of ``atlas.sites``).
SITE_COLUMNS = [*mediation.COLUMNS, "commune", "departement", "located_by"]

LEVEL_WORDS = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
}
MISSING_MARKERS = frozenset(
    ["", *"na n/a nan nd n.d. n.d s secret - – — . #n/a null none ? x".split()]
)

# ------------------------------------------------------------------ plain text

#: Plain text of a file (one line, no control characters, capped): the rule lives
#: in :mod:`divide.safe_text`, with the escapers that renderers apply to it.
safe_text = clean


def fold_header(text: object) -> str:
    """Lowercase ASCII with ``_`` between words: how headers are compared."""
    plain = unicodedata.normalize("NFKD", safe_text(text, 200).lower())
    plain = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def quoted(text: object, n: int = 60) -> str:
    """Plain text of a value, cut and in quotes, for a message."""
    return "'" + safe_text(text, n) + "'"


def human_size(n_bytes: float) -> str:
    """A size in bytes as people read it (``1.5 MB``)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return (
                f"{n_bytes:,.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
            )
        n_bytes /= 1024
    return f"{n_bytes:.1f} GB"  # pragma: no cover


# ------------------------------------------------------------- row limits
def trim_row(row: list, empty: list[bool]) -> list:
    """Drop the trailing empty cells past :data:`MAX_COLUMNS` or the last filled one.

    A header with an empty last name keeps its column, and a row padded with
    empty cells up to 16,384 columns does not break the column limit.
    """
    filled = len(empty)
    while filled and empty[filled - 1]:
        filled -= 1
    return row[: max(filled, min(len(row), MAX_COLUMNS))]


def check_width(width: int, row: int, word: str, file: str) -> None:
    """Refuse a row wider than :data:`MAX_COLUMNS` cells."""
    if width > MAX_COLUMNS:
        raise SourceError(
            file,
            f"{word} {row} has {width:,} cells; the limit is {MAX_COLUMNS} columns. "
            "Keep only the columns you need.",
        )


def check_rows(n_rows: int, cells: int, file: str) -> None:
    """Refuse more rows than :data:`MAX_ROWS` or cells than :data:`MAX_CELLS`."""
    if n_rows > MAX_ROWS + HEADER_SCAN:
        raise SourceError(
            file,
            f"more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}. Keep one row "
            "per territory or per site, or split the file.",
        )
    if cells > MAX_CELLS:
        raise SourceError(
            file,
            f"more than {MAX_CELLS:,} cells; keep only the rows and columns you need.",
        )
