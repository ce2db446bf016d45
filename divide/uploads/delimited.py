"""Delimited text uploads (CSV, TSV): decoding, the separator, the rows."""

from __future__ import annotations

import csv
import io

from divide.errors import SourceError
from divide.uploads.common import (
    HEADER_SCAN,
    check_rows,
    check_width,
    trim_row,
)


def decode_text(content: bytes, file: str) -> tuple[str, str]:
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


def check_text(text: str, file: str) -> None:
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


def csv_rows(text: str, file: str) -> tuple[list[list[str]], list[int], str]:
    """The rows of a delimited text, their line numbers and the separator."""
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
                row = trim_row(row, [not cell.strip() for cell in row])
                if not row or not any(cell.strip() for cell in row):
                    continue
            check_width(len(row), start, "line", file)
            cells += len(row)
            check_rows(len(rows), cells, file)
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise SourceError(
            file, f"cannot split the line into cells: {exc}", row=reader.line_num
        ) from None
    return rows, lines, sep
