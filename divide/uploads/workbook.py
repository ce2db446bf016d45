"""Excel uploads (.xlsx): the zip checked before it is opened, cells as text."""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile

from divide.errors import DivideError, SourceError
from divide.uploads.common import (
    HEADER_SCAN,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNZIPPED,
    MAX_ZIP_MEMBERS,
    check_rows,
    check_width,
    human_size,
    quoted,
    safe_text,
    trim_row,
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


def xlsx_rows(
    content: bytes, file: str
) -> tuple[list[list[str | None]], list[int], str, list[str]]:
    """The first sheet's rows as text, their row numbers, its name and notes."""
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
                    check_rows(len(rows), cells, file)
                    values = [_cell_text(v) for v in row]
                    empty = [v is None or not v.strip() for v in values]
                    if all(empty):
                        continue
                    values = trim_row(values, empty)
                    check_width(len(values), number, "row", file)
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
