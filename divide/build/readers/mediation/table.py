"""A file's records made into the unified table: JSON, text, codes, dates, ids."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from divide.build.readers._checks import (
    clean_columns,
    decode,
    in_france,
)
from divide.build.readers._checks import to_number as _to_number
from divide.build.readers.mediation.kinds import (
    COLUMNS,
    INCOMPLETE,
    KINDS,
    NO_NAME,
    NO_PLACE,
    OUTSIDE,
    SWAPPED,
    join_kinds,
)
from divide.errors import SourceError
from divide.territory import normalise_codes

MISSING = ("#N/A", "N/A", "NA", "NaN", "nan", "null", "None")


_COMMUNE = re.compile(r"\d{5}|2[AB]\d{3}")


def build_table(
    df: pd.DataFrame,
    file: str,
    source: str,
    *,
    ids: pd.Series,
    name: pd.Series,
    kinds: list[set[str]],
    address: pd.Series | None,
    postcode: pd.Series | None,
    commune_code: pd.Series | None,
    lat: pd.Series | None,
    lon: pd.Series | None,
    services: pd.Series | None,
    date: pd.Series | str | None,
    id_qualifier: pd.Series | None = None,
    kind_order: tuple[str, ...] = KINDS,
) -> pd.DataFrame:
    """Assemble the unified table, clean codes and coordinates, drop and count.

    ``kind`` is the first of ``kind_order`` found in the row's ``kinds``.
    """
    index = df.index
    na = pd.Series(pd.NA, index=index, dtype="string")
    rows_read = len(df)
    dropped: dict[str, int] = {}
    fixed: dict[str, int] = {}

    postcode = _code(postcode if postcode is not None else na, r"\d{5}")
    commune = _code(commune_code if commune_code is not None else na, _COMMUNE.pattern)
    lat = pd.Series(np.nan, index=index) if lat is None else lat.astype(float).copy()
    lon = pd.Series(np.nan, index=index) if lon is None else lon.astype(float).copy()

    incomplete = lat.isna() != lon.isna()
    lat[incomplete] = np.nan
    lon[incomplete] = np.nan
    known = lat.notna() & lon.notna()
    inside = in_france(lon, lat)
    swapped = known & ~inside & in_france(lat, lon)
    lat[swapped], lon[swapped] = lon[swapped].to_numpy(), lat[swapped].to_numpy()
    outside = known & ~inside & ~swapped
    lat[outside] = np.nan
    lon[outside] = np.nan
    for reason, mask in ((INCOMPLETE, incomplete), (OUTSIDE, outside)):
        if mask.any():
            dropped[reason] = int(mask.sum())
    if swapped.any():
        fixed[SWAPPED] = int(swapped.sum())

    out = pd.DataFrame(
        {
            "site_id": _unique_ids(ids, id_qualifier, index),
            "name": clean_text(name),
            "kind": [next((k for k in kind_order if k in ks), "other") for ks in kinds],
            "kinds": [join_kinds(ks) for ks in kinds],
            "address": clean_text(address if address is not None else na),
            "postcode": postcode,
            "commune_code": commune,
            "lat": lat,
            "lon": lon,
            "services": clean_text(services if services is not None else na),
            "source": source,
            "sources": source,
            "date": date if date is not None else pd.NA,
        },
        index=index,
    )
    out["site_id"] = source + ":" + out["site_id"]
    no_name = out["name"].isna()
    no_place = ~no_name & out["lat"].isna() & out["postcode"].isna()
    no_place &= out["commune_code"].isna()
    for reason, mask in ((NO_NAME, no_name), (NO_PLACE, no_place)):
        if mask.any():
            dropped[reason] = int(mask.sum())
    dropped_rows = [
        {"record": str(site_id), "reason": reason}
        for reason, mask in (
            (NO_NAME, no_name),
            (NO_PLACE, no_place),
            (f"{INCOMPLETE} (coordinates dropped, row kept)", incomplete),
            (f"{OUTSIDE} (coordinates dropped, row kept)", outside),
        )
        for site_id in out.loc[mask.to_numpy(), "site_id"]
    ]
    out = out[~(no_name | no_place)].reset_index(drop=True)
    for column in ("site_id", "name", "kind", "kinds", "address", "postcode"):
        out[column] = out[column].astype("string")
    for column in ("commune_code", "services", "source", "sources", "date"):
        out[column] = out[column].astype("string")
    out["lat"] = out["lat"].astype(float)
    out["lon"] = out["lon"].astype(float)
    out.attrs = {
        "source": source,
        "file": file,
        "rows_read": rows_read,
        "dropped": dropped,
        "dropped_rows": dropped_rows,
        "fixed": fixed,
    }
    return out[COLUMNS]


def siret_text(series: pd.Series) -> pd.Series:
    """SIRET numbers as 14-character text (``"13002603200016.0"`` → 14 digits)."""
    text = series.astype("string").str.strip().str.replace(r"\.0+$", "", regex=True)
    text = text.str.zfill(14)
    return text.where(text.str.fullmatch(r"\d{14}").fillna(False)).astype("string")


def with_extras(
    out: pd.DataFrame,
    name: pd.Series,
    codes: list[pd.Series],
    extras: dict[str, pd.Series],
) -> pd.DataFrame:
    """The unified table of a source without coordinates, plus its own columns.

    :func:`build_table` keeps a row when it has a name and a place (here: a commune
    code or a postcode, ``codes``); the same test finds the kept rows of
    ``extras`` again.
    """
    placed = pd.Series(False, index=name.index)
    for code, pattern in zip(codes, (_COMMUNE.pattern, r"\d{5}"), strict=True):
        placed |= _code(code, pattern).notna()
    kept = (clean_text(name).notna() & placed).to_numpy()
    result = out.copy()
    for column, values in extras.items():
        values = values.to_numpy()[kept]
        result[column] = (
            pd.array(values, dtype="string") if column == "siret" else values
        )
    result.attrs = out.attrs
    return result


def looks_like_json(path: str | Path) -> bool:
    """True when a file is JSON by its suffix or its first character."""
    p = Path(path)
    if p.suffix.lower() in (".json", ".geojson"):
        return True
    if p.suffix.lower() in (".csv", ".tsv", ".txt"):
        return False
    try:
        head = p.read_bytes()[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] in (b"[", b"{")


def read_json(path: str | Path, file: str) -> pd.DataFrame:
    """Read a JSON array of objects; every value as a string, with line numbers.

    ``_record`` is the 1-based position in the array and ``_line`` the line where
    the object starts.
    """
    p = Path(path)
    if not p.exists():
        raise SourceError(file, f"file not found: {p}")
    if not p.is_file():
        raise SourceError(file, f"not a file: {p}")
    text = decode(p.read_bytes(), file)
    if not text.strip():
        raise SourceError(file, "the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            file,
            f"invalid JSON at character {exc.colno} of the line: {exc.msg}",
            row=exc.lineno,
        ) from None
    except (RecursionError, ValueError) as exc:
        # Nesting too deep, or an integer too long for Python to convert.
        raise SourceError(file, f"cannot read this JSON: {str(exc)[:120]}") from None
    if not isinstance(data, list):
        found = (
            f"an object with keys {', '.join(list(data)[:8])}"
            if isinstance(data, dict)
            else f"a {type(data).__name__}"
        )
        raise SourceError(
            file, f"expected a JSON array of objects ([{{...}}, ...]), found {found}"
        )
    if not data:
        raise SourceError(file, "the JSON array is empty")
    for i, record in enumerate(data):
        if not isinstance(record, dict):
            raise SourceError(
                file,
                f"record {i + 1} is a {type(record).__name__}, not an object: "
                "expected a JSON array of objects",
            )
    try:
        df = pd.DataFrame.from_records(
            [{k: _text(v) for k, v in record.items()} for record in data]
        ).astype("string")
    except UnicodeError:
        raise SourceError(
            file, "the JSON holds text that is not valid Unicode"
        ) from None
    df.columns = clean_columns(df.columns, file)
    df["_record"] = np.arange(1, len(df) + 1)
    df["_line"] = _record_lines(text, len(df))
    return df


def _record_lines(text: str, n: int) -> np.ndarray:
    """Line number where each element of a (valid) top-level JSON array starts."""
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")
    i = space.match(text, 0).end() + 1  # past "["
    starts = []
    for _ in range(n):
        i = space.match(text, i).end()
        starts.append(i)
        _, i = decoder.raw_decode(text, i)
        i = space.match(text, i).end() + 1  # past "," (or the final "]")
    newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    return np.searchsorted(newlines, np.array(starts, dtype=np.int64)) + 1


def _text(value: object) -> object:
    """Turn a JSON value into text: None stays missing, lists are ``;``-joined."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [str(_text(v)) for v in value if v is not None]
        return ";".join(items) if items else None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def require_columns(df: pd.DataFrame, file: str, columns: list[str], what: str) -> None:
    """Raise a :class:`SourceError` naming the columns a file lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        found = ", ".join(c for c in df.columns if not c.startswith("_"))
        raise SourceError(
            file, f"missing {what}(s) {', '.join(missing)}. Found: {found[:400]}"
        )


def number_column(df: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Column to floats (decimal comma accepted); errors name the line or record."""
    try:
        return _to_number(df, column, file, decimal_comma=True, missing=MISSING)
    except SourceError as exc:
        if "_record" not in df.columns:
            raise
        text = df[column].astype("string").str.strip()
        text = text.mask(text.isin(MISSING)).str.replace(",", ".", regex=False)
        bad = pd.to_numeric(text, errors="coerce").isna() & text.notna()
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceError(
            file,
            f"record {int(df['_record'].iloc[i])}: {exc.detail}",
            row=exc.row,
            column=column,
        ) from None


def text_column(df: pd.DataFrame, column: str) -> pd.Series:
    """Return a column as strings, or an all-NA column when absent."""
    if column in df.columns:
        return df[column].astype("string")
    return pd.Series(pd.NA, index=df.index, dtype="string")


def plain_texts(series: pd.Series) -> list[str]:
    """Lowercase, accent-free text of each cell ('' when missing)."""
    return ["" if pd.isna(v) else ascii_folded(str(v)) for v in series]


def ascii_folded(text: str) -> str:
    """Lowercase ASCII: accents stripped, ligatures spelt out."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def join_columns(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Join the present, non-empty text columns with ", "."""
    parts = [clean_text(df[c]) for c in columns if c in df.columns]
    if not parts:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    joined = parts[0]
    for part in parts[1:]:
        joined = (joined.fillna("") + ", " + part.fillna("")).str.strip(", ")
        joined = joined.mask(joined == "")
    return joined


def clean_text(series: pd.Series) -> pd.Series:
    """Collapse newlines and runs of spaces; empty becomes NA."""
    text = series.astype("string")
    text = text.str.replace(r"\s*[\r\n]+\s*", ", ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip(" ,")
    return text.mask(text == "")


def _code(series: pd.Series, pattern: str) -> pd.Series:
    """Normalise a 5-character code; anything that is not one becomes NA."""
    code = normalise_codes(series, "commune")
    return code.where(code.str.fullmatch(pattern).fillna(False)).astype("string")


def iso_date(series: pd.Series) -> pd.Series:
    """``YYYY-MM-DD...`` or ``dd/mm/yyyy`` to ``YYYY-MM-DD``; anything else NA."""
    text = series.astype("string").str.strip()
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})", expand=False)
    fr = text.str.extract(r"^(\d{2})/(\d{2})/(\d{4})")
    french = fr[2] + "-" + fr[1] + "-" + fr[0]
    return iso.fillna(french).astype("string")


def _unique_ids(
    ids: pd.Series, qualifier: pd.Series | None, index: pd.Index
) -> pd.Series:
    """Original ids as text, made unique within the file.

    A duplicated id gets ``@<record source>`` when the file has one, then
    ``#<n>`` (its rank among the rows still sharing it).
    """
    out = ids.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    out = out.fillna(
        pd.Series(np.arange(1, len(ids) + 1), index=index).astype("string")
    )
    if qualifier is not None:
        dup = out.duplicated(keep=False) & qualifier.notna()
        out = out.where(~dup, out + "@" + qualifier.astype("string").str.strip())
    dup = out.duplicated(keep=False)
    if dup.any():
        rank = out.groupby(out).cumcount() + 1
        out = out.where(~dup, out + "#" + rank.astype("string"))
    return out.astype("string")
