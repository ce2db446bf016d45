"""Reading an uploaded file (CSV, ``.xlsx``, JSON, GeoJSON) into a raw table.

Every limit of :mod:`divide.uploads.common` is enforced while reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyproj import Transformer

from divide.errors import DivideError, SourceError
from divide.uploads.common import (
    HEADER_SCAN,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNZIPPED,
    MAX_ZIP_MEMBERS,
    MISSING_MARKERS,
    human_size,
    quoted,
    safe_text,
)
from divide.uploads.report import Note, Problem, Report, Term

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
            f"the workbook would unpack to {human_size(total)} (limit "
            f"{human_size(MAX_UNZIPPED)}): refused. Export the sheet you need as CSV.",
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
    import openpyxl  # heavy: only for spreadsheet uploads, kept off the app's start

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
        notes.append(("note_sheets", {"n": n_sheets, "title": quoted(title)}))
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
        rows, lines, sheet, notes = _xlsx_rows(content, file)
        details["format"] = ("format_xlsx", {"sheet": quoted(sheet)})
        word, kind = "row", "xlsx"
    else:
        text, encoding = _decode(content, file)
        _check_text(text, file)
        stripped = text.lstrip("\ufeff \t\r\n")
        if allow_json and stripped[:1] in ("[", "{"):
            return _json_table(text, file, encoding)
        rows, lines, sep = _csv_rows(text, file)
        shown = {";": "';'", ",": "','", "|": "'|'"}.get(sep) or Term("format_tab")
        details["format"] = ("format_csv", {"sep": shown, "encoding": encoding})
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
        notes.append(("note_repeated_keys", {}))
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
        return None, ("prob_not_point", {"kind": quoted(kind, 30)})
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


def from_lambert93(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert-93 metres to WGS84 longitude, latitude."""
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
