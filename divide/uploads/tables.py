"""Reading an uploaded file (CSV, ``.xlsx``, JSON, GeoJSON) into a raw table.

Every limit of :mod:`divide.uploads.common` is enforced while reading; each
format's reading is in :mod:`~divide.uploads.delimited`,
:mod:`~divide.uploads.workbook` and :mod:`~divide.uploads.records`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from divide.errors import DivideError, SourceError
from divide.uploads.common import (
    HEADER_SCAN,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MISSING_MARKERS,
    human_size,
    quoted,
    safe_text,
)
from divide.uploads.delimited import check_text, csv_rows, decode_text
from divide.uploads.records import (
    from_lambert93,
    geojson_crs,
    geojson_point,
    json_rows,
    json_text,
)
from divide.uploads.report import Note, Problem, Report, Term
from divide.uploads.workbook import xlsx_rows


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
    notes : list of Note
        Remarks about the reading (lines skipped above the header...).
    bad_rows : list of Problem
        Rows that could not be split into the header's columns (left out).
    kind : str
        ``"csv"``, ``"xlsx"`` or ``"json"`` (JSON array or GeoJSON).
    """

    frame: pd.DataFrame
    lines: np.ndarray
    row_word: str = "line"
    details: dict[str, Note] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    bad_rows: list[Problem] = field(default_factory=list)
    kind: str = "csv"

    def start_report(self, file: str, kind: str) -> Report:
        """A report that starts with what reading found: details, notes, bad rows."""
        report = Report(file=file, kind=kind, row_word=self.row_word)
        report.details.update(self.details)
        report.notes.extend(self.notes)
        for problem in self.bad_rows:
            report.add(problem)
        return report


def as_bytes(content: object, file: str) -> bytes:
    """The bytes of an upload, whatever the uploader handed over."""
    if isinstance(content, bytes):
        return content
    if isinstance(content, bytearray | memoryview):
        return bytes(content)
    if isinstance(content, str):
        return content.encode("utf-8")
    raise DivideError(
        f"{file}: expected the file's bytes, got {type(content).__name__}"
    )


def check_size(content: bytes, file: str) -> None:
    """Refuse a file over :data:`MAX_BYTES`."""
    if len(content) > MAX_BYTES:
        raise SourceError(
            file,
            f"the file is {human_size(len(content))}; the limit is "
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
            (
                "note_header_skipped",
                {"n": h, "word": Term(f"word_{word}"), "line": int(lines[h])},
            )
        )
    if len(data) > MAX_ROWS:
        raise SourceError(
            file,
            f"{len(data):,}+ data rows; the limit is {MAX_ROWS:,}. Keep one row per "
            "territory or per site, or split the file.",
        )
    names, repeated = _unique_names(header)
    if repeated:
        names_repeated = ", ".join(quoted(n, 40) for n in sorted(set(repeated))[:10])
        notes.append(("note_repeated_names", {"names": names_repeated}))
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
    content = as_bytes(content, file)
    check_size(content, file)
    fmt = _sniff_format(content, file)
    details: dict[str, Note] = {}
    notes: list[Note] = []
    if fmt == "xlsx":
        rows, lines, sheet, notes = xlsx_rows(content, file)
        details["format"] = ("format_xlsx", {"sheet": quoted(sheet)})
        word, kind = "row", "xlsx"
    else:
        text, encoding = decode_text(content, file)
        check_text(text, file)
        stripped = text.lstrip("\ufeff \t\r\n")
        if allow_json and stripped[:1] in ("[", "{"):
            return _json_table(text, file, encoding)
        rows, lines, sep = csv_rows(text, file)
        shown = {";": "';'", ",": "','", "|": "'|'"}.get(sep) or Term("format_tab")
        details["format"] = ("format_csv", {"sep": shown, "encoding": encoding})
        word, kind = "line", "csv"
    frame, line_numbers, more, bad = _frame_from_rows(rows, lines, file, word)
    return RawTable(frame, line_numbers, word, details, notes + more, bad, kind)


def _json_table(text: str, file: str, encoding: str) -> RawTable:
    records, numbers, word, info = json_rows(text, file)
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
    rows = [[json_text(r.get(k)) for k in columns] for r in records]
    names, repeated = _unique_names(header)
    frame = pd.DataFrame(rows, columns=range(len(names)), dtype=object)
    frame.columns = names
    for column in names:
        cells = frame[column].astype("string").str.strip()
        frame[column] = cells.mask(cells == "")
    notes, bad = [], []
    if repeated:
        notes.append(("note_repeated_keys", {}))
    if word == "feature":
        lon = np.full(len(records), np.nan)
        lat = np.full(len(records), np.nan)
        for i, record in enumerate(records):
            point, problem = geojson_point(record.get("__geometry__"))
            if point is not None:
                lon[i], lat[i] = point
            elif problem:
                bad.append(
                    Problem.said(
                        "not a point", problem, row=numbers[i], severity="cell"
                    )
                )
        crs = geojson_crs(info.get("crs"), file)
        if crs == 2154:
            lon, lat = from_lambert93(lon, lat)
            notes.append(("note_lambert_geojson", {}))
        frame["_geojson_lon"] = pd.array(lon, dtype="Float64").astype("string")
        frame["_geojson_lat"] = pd.array(lat, dtype="Float64").astype("string")
        fmt = "format_geojson"
    else:
        fmt = "format_json"
    details = {"format": (fmt, {"encoding": encoding})}
    return RawTable(
        frame, np.asarray(numbers, dtype=np.int64), word, details, notes, bad, "json"
    )


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
    missing = t.isna() | t.str.lower().isin(MISSING_MARKERS)
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
