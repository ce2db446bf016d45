"""Shared checks for readers: reading text tables and validating their columns.

Every failure raises :class:`divide.errors.SourceError` naming the file, the line
(1-based, header = line 1 after any skipped lines) and the column, so a user knows
exactly what to fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from divide.errors import SourceError, suggest
from divide.territory import normalise_codes

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# Generous box around mainland France, Corsica and the overseas départements.
FRANCE_BOXES = (
    (-5.8, 41.2, 10.0, 51.3),  # mainland + Corsica
    (-63.3, 15.8, -60.7, 18.2),  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    (-61.3, 14.3, -60.7, 15.0),  # Martinique
    (-54.7, 2.0, -51.5, 6.0),  # Guyane
    (55.1, -21.5, 55.9, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
    (-56.6, 46.7, -56.0, 47.2),  # Saint-Pierre-et-Miquelon
)


def clean_columns(columns, file: str) -> list[str]:
    """Column names with surrounding spaces removed; a name seen twice is an error."""
    names = [str(c).strip() for c in columns]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SourceError(
                file,
                f"column '{name[:60]}' appears twice: keep one",
                row=1,
                column=name[:60],
            )
        seen.add(name)
    return names


def decode(raw: bytes, file: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), falling back to Windows-1252."""
    if b"\x00" in raw[:4096]:
        raise SourceError(file, "this looks like a binary file, not a text table")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def sniff_separator(text: str, candidates: str = ";,\t|") -> str:
    """Guess the field separator from the first lines of a table."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=candidates).delimiter
    except csv.Error:
        counts = {c: sample.count(c) for c in candidates}
        return max(counts, key=counts.get)


def read_table(
    path: str | Path | bytes,
    required: Sequence[str],
    *,
    name: str | None = None,
    sep: str | None = None,
    skiprows: int = 0,
) -> pd.DataFrame:
    """Read a delimited text table with every column as a string.

    Parameters
    ----------
    path : str, Path or bytes
        The file, or its content.
    required : sequence of str
        Columns that must be present.
    name : str, optional
        Name used in messages (defaults to the file name).
    sep : str, optional
        Separator; sniffed when omitted.
    skiprows : int
        Lines to skip before the header (e.g. a disclaimer line).

    Returns
    -------
    pandas.DataFrame
        All cells as strings (missing as NA), with a ``_line`` column giving each
        row's line number in the file.

    Raises
    ------
    SourceError
        Binary content, wrong separator, missing columns or a malformed row.
    """
    if isinstance(path, bytes | bytearray):
        raw, file = bytes(path), name or "upload"
    else:
        p = Path(path)
        file = name or p.name
        if not p.exists():
            raise SourceError(file, f"file not found: {p}")
        if not p.is_file():
            raise SourceError(file, f"not a file: {p}")
        raw = p.read_bytes()
    text = decode(raw, file)
    if skiprows:
        text = "\n".join(text.splitlines()[skiprows:])
    if not text.strip():
        raise SourceError(file, "the file is empty")
    separator = sep or sniff_separator(text)
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=False,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise SourceError(
            file, f"cannot parse as a '{separator}'-separated table: {exc}"
        ) from None
    df.columns = clean_columns(df.columns, file)
    missing = [c for c in required if c not in df.columns]
    if missing:
        if len(df.columns) == 1 and required:
            raise SourceError(
                file,
                f"found a single column '{df.columns[0][:60]}': the separator is "
                f"probably not '{separator}'. Expected columns: {', '.join(required)}",
            )
        hints = "".join(suggest(m, df.columns) for m in missing)
        raise SourceError(
            file,
            f"missing column(s) {', '.join(missing)}.{hints} "
            f"Found: {', '.join(df.columns[:20])}",
        )
    df["_line"] = np.arange(len(df)) + 2 + skiprows
    return df


def require(df: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    """Refuse a table lacking one of ``columns`` (with close matches) or any row."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        hints = "".join(suggest(m, df.columns) for m in missing)
        raise SourceError(
            file,
            f"missing column(s) {', '.join(missing)}.{hints}",
            row=1,
            column=missing[0],
        )
    if df.empty:
        raise SourceError(file, "no data rows below the header", row=1)


def to_number(
    df: pd.DataFrame,
    column: str,
    file: str,
    *,
    decimal_comma: bool = False,
    missing: Iterable[str] = (),
    minimum: float | None = None,
    maximum: float | None = None,
) -> pd.Series:
    """Convert a text column to floats, raising on the first non-numeric cell.

    Cells listed in ``missing`` (e.g. ``"s"`` for statistical secrecy) and empty
    cells become NaN, never 0.
    """
    text = df[column].astype("string").str.strip()
    text = text.mask(text.isin(list(missing)))
    if decimal_comma:
        text = text.str.replace("\u202f", "", regex=False).str.replace(
            ",", ".", regex=False
        )
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna()
    fail_first(df, bad, file, column, lambda i: f"'{text.iloc[i]}' is not a number")
    for bound, wrong, word in (
        (minimum, values < (minimum if minimum is not None else 0), "below"),
        (maximum, values > (maximum if maximum is not None else 0), "above"),
    ):
        if bound is not None:
            fail_first(
                df,
                wrong.fillna(False),
                file,
                column,
                lambda i, w=word, b=bound: (
                    f"value {values.iloc[i]} is {w} the allowed {b}"
                ),
            )
    return values.astype(float)


def check_unique(df: pd.DataFrame, column: str, file: str) -> None:
    """Raise if a code appears twice."""
    dup = df[column].duplicated(keep="first") & df[column].notna()
    fail_first(
        df,
        dup,
        file,
        column,
        lambda i: f"code '{df[column].iloc[i]}' appears more than once",
    )


def in_france(lon: pd.Series, lat: pd.Series) -> pd.Series:
    """Boolean mask: coordinates inside the boxes of France's territories."""
    inside = pd.Series(False, index=lon.index)
    for x0, y0, x1, y1 in FRANCE_BOXES:
        inside |= lon.between(x0, x1) & lat.between(y0, y1)
    return inside


def check_in_france(
    df: pd.DataFrame, lon: pd.Series, lat: pd.Series, file: str, columns: str
) -> None:
    """Raise on the first row whose (filled) coordinates fall outside France."""
    known = lon.notna() & lat.notna()
    outside = known & ~in_france(lon, lat)
    if outside.any():
        i = outside.to_numpy().nonzero()[0][0]
        raise SourceError(
            file,
            f"coordinates ({lon.iloc[i]}, {lat.iloc[i]}) are outside France "
            "(expected longitude, latitude in degrees, WGS84)",
            row=_line(df, i),
            column=columns,
        )


#: A commune code of the INSEE: 5 characters, ``2A``/``2B`` for Corsica.
COMMUNE_CODE = r"[0-9][0-9AB][0-9]{3}"


def commune_codes(df: pd.DataFrame, column: str, file: str) -> pd.Series:
    """A column of commune codes, normalised (:func:`divide.territory.normalise_codes`).

    Raises
    ------
    SourceError
        On the first empty or malformed code, naming its line.
    """
    code = normalise_codes(df[column], "commune")
    bad = code.isna() | ~code.str.fullmatch(COMMUNE_CODE).fillna(False)

    def message(i: int) -> str:
        shown = "" if pd.isna(code.iloc[i]) else code.iloc[i]
        return f"'{shown}' is not a 5-character INSEE commune code"

    fail_first(df, bad, file, column, message)
    return code.astype(str)


def fail_first(
    df: pd.DataFrame, bad: pd.Series, file: str, column: str, message
) -> None:
    """Raise a :class:`SourceError` on the first row where ``bad`` holds.

    ``message(i)`` says what is wrong with the row at position ``i``; the error
    names that row's line in the file and the column.
    """
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError(file, message(i), row=_line(df, i), column=column)


def _line(df: pd.DataFrame, i: int) -> int:
    if "_line" in df.columns:
        return int(df["_line"].iloc[i])
    return i + 2
