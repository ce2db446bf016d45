"""Exports: exactly the rows and indicators asked for, with their sources.

Formats: CSV (UTF-8, a header of ids, plus a dictionary file of labels, units,
sources and vintages), GeoJSON, GeoPackage and (Geo)Parquet. Geographic formats are
in EPSG:4326 and carry the dictionary too (GeoJSON ``metadata`` member, GeoPackage
``dictionary`` table, Parquet ``divide`` key of the file metadata).

The app's data page and the ``divide export`` command are two clients of this module.
"""

from __future__ import annotations

import io
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely

from divide import territory_types, typology
from divide.atlas import TYPE_COLUMNS, Atlas, check_level
from divide.errors import DivideError, unknown
from divide.formatting import counted, format_count, format_share
from divide.i18n import STRINGS, t
from divide.indicators import format_value, unit_label, value_column
from divide.registry import Indicator, indicator, indicators, source
from divide.safe_text import markdown, visible
from divide.spreadsheet import RISKY_START
from divide.territory import parse_scope, scope_text

FORMATS = ("csv", "geojson", "gpkg", "parquet")
GEO_FORMATS = ("geojson", "gpkg", "parquet")
ID_COLUMNS = ["code", "name", "epci", "departement", "region"]
#: The parents whose names an export carries beside their codes.
PARENTS = ("epci", "departement", "region")
NAME_COLUMNS = [f"{p}_name" for p in PARENTS]
#: Decimals an export keeps, per unit (of the value as exported: shares as
#: fractions 0–1, so 4 decimals are 0.01 point). Documented in the dictionary.
PRECISION = {
    "share": 4,
    "people": 0,
    "premises": 0,
    "sites": 0,
    "km": 1,
    "EUR": 0,
    "index": 1,
    "per10k": 2,
    "per100k": 1,
}
#: Comparison operators of a typed threshold (ASCII, as the CLI takes them).
OPERATORS = ("<=", ">=", "<", ">")
#: The same, as the app shows them.
OPERATOR_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}
PREFIX = {"departement": "dep", "region": "reg", "epci": "epci"}
# Scopes a level can be limited to. An EPCI's département and région are those of
# its most populous commune; a département or région has no EPCI.
SCOPES = {
    "commune": ("epci", "departement", "region"),
    "epci": ("epci", "departement", "region"),
    "departement": ("departement", "region"),
    "region": ("region",),
    "france": (),
}
# Rough bytes per polygon vertex, per table cell and per described indicator,
# measured on the 2026 atlas; only used to show sizes before a download.
BYTES_PER_VERTEX = {"csv": 0, "geojson": 19, "gpkg": 22, "parquet": 13}
BYTES_PER_CELL = {"csv": 3, "geojson": 22, "gpkg": 12, "parquet": 5}
BYTES_PER_INDICATOR = {"csv": 300, "geojson": 700, "gpkg": 800, "parquet": 800}


# --------------------------------------------------------------------- the table
def id_columns(level: str) -> list[str]:
    """Code, name and the parent codes that a level has (no type columns)."""
    check_level(level)
    parents = {
        "commune": ["epci", "departement", "region"],
        "epci": ["departement", "region"],
        "departement": ["region"],
    }
    return ["code", "name", *parents.get(level, [])]


def with_names(atlas: Atlas, frame: pd.DataFrame) -> pd.DataFrame:
    """Put each parent's name beside its code (``departement_name``...)."""
    out = frame.copy()
    for parent in PARENTS:
        if parent not in out.columns:
            continue
        names = atlas.level(parent)["name"]
        names.index = names.index.astype(str)
        values = out[parent].astype("string").map(names)
        out.insert(out.columns.get_loc(parent) + 1, f"{parent}_name", values)
    return out


def check_indicators(
    ids: list[str] | None, extra: Mapping[str, Indicator] | None = None
) -> list[str]:
    """Checked indicator ids, duplicates dropped (all of them when ``None``).

    ``extra``: indicators of one's own (a session's uploads) besides the
    registry's, as :attr:`divide.atlas.Atlas.uploaded`.

    Raises
    ------
    DivideError
        For an unknown id, with the closest ids.
    """
    if ids is None:
        return list(indicators())
    if isinstance(ids, str):
        ids = [ids]
    out = []
    for ind_id in ids:
        indicator(ind_id, extra)
        if ind_id not in out:
            out.append(ind_id)
    return out


def resolve_scope(
    atlas: Atlas, level: str, within: str | tuple[str, str] | None
) -> tuple[str, str] | None:
    """Parse and check a scope for a level.

    Parameters
    ----------
    atlas : Atlas
    level : str
        The level being exported.
    within : str or (level, code), optional
        ``dep:29``, ``reg:53``, ``epci:200054781``, a bare unambiguous code such
        as ``29``, or a ``(level, code)`` pair. ``None`` or France: everywhere.

    Returns
    -------
    (level, code) or None

    Raises
    ------
    DivideError
        Unknown or ambiguous code (``11`` is both a département and a région), or a
        scope that does not contain territories of ``level``.
    """
    check_level(level)
    if within is None:
        return None
    if isinstance(within, str):
        prefix, colon, code = within.strip().partition(":")
        text = f"{prefix.strip()}:{code.strip().upper()}" if colon else prefix.upper()
        if text in ("", "FR", "FRANCE"):
            return None
        scope = atlas.resolve_within(text)
    else:
        scope_level, code = within
        if scope_level == "france":
            return None
        if scope_level not in PREFIX:
            raise unknown("scope level", scope_level, PREFIX)
        atlas.territory(scope_level, code)
        scope = (scope_level, str(code))
    if scope[0] not in SCOPES[level]:
        allowed = ", ".join(f"{PREFIX[s]}:CODE" for s in SCOPES[level]) or "none"
        raise DivideError(
            f"cannot limit the {level} level to a {scope[0]} ({scope[1]}): choose a "
            f"finer level, or a scope among: {allowed}."
        )
    return scope


def table(
    atlas: Atlas,
    level: str,
    *,
    within: str | tuple[str, str] | None = None,
    indicator_ids: list[str] | None = None,
    ranges: dict[str, tuple[float | None, float | None]] | None = None,
    where: dict[str, list[str]] | None = None,
    thresholds: list[Threshold] | None = None,
    names: bool = True,
) -> pd.DataFrame:
    """Rows of a level, limited to a scope, with the chosen indicators.

    Parameters
    ----------
    atlas : Atlas
    level : str
        commune, epci, departement, region or france.
    within : str or (level, code), optional
        A scope such as ``dep:29`` (see :func:`resolve_scope`).
    indicator_ids : list of str, optional
        Indicators to include (all by default; an empty list keeps only the ids).
    ranges : dict, optional
        ``{indicator: (low, high)}`` filters on values, in registry units (shares
        as fractions); ``None`` leaves a side open. Rows without a value for a
        filtered indicator are dropped.
    where : dict, optional
        Filters by type of territory, ``{"density3": ["rural"]}`` (see
        :func:`divide.typology.check_where`). Only the communes of those types
        are kept; above commune level each territory's values are recomputed
        over its kept communes, and a territory with none is left out.
    thresholds : list of Threshold, optional
        Typed value filters (:func:`parse_threshold`); all must hold, rows
        without a value for a filtered indicator are dropped.
    names : bool
        Put each parent's name beside its code (``departement_name``...).

    Returns
    -------
    DataFrame
        Code, name and parent codes (strings) with their names, at commune
        level the types of
        territory (:data:`~divide.atlas.TYPE_COLUMNS`, class ids), then one
        column per indicator.
    """
    ids = check_indicators(indicator_ids, atlas.uploaded)
    atlas = typology.restrict(atlas, where)
    scope = resolve_scope(atlas, level, within)
    rows = atlas.members(level, scope)
    types = list(TYPE_COLUMNS) if level == "commune" else []
    out = rows[id_columns(level) + types].copy()
    for ind_id in ids:
        out[ind_id] = rows[value_column(ind_id)]
    for ind_id, bounds in (ranges or {}).items():
        atlas.indicator(ind_id)
        if ind_id not in out.columns:
            raise DivideError(
                f"cannot filter on '{ind_id}': it is not among the exported "
                "indicators; add it to the list."
            )
        low, high = bounds
        low = -math.inf if low is None else float(low)
        high = math.inf if high is None else float(high)
        if low > high:
            raise DivideError(f"filter on '{ind_id}': low {low} is above high {high}")
        out = out[out[ind_id].between(low, high)]
    for rule in thresholds or ():
        if rule.indicator not in out.columns:
            raise DivideError(
                f"cannot filter on '{rule.indicator}': it is not among the exported "
                "indicators; add it to the list."
            )
        out = out[rule.mask(out[rule.indicator])]
    if names:
        out = with_names(atlas, out)
    return out.reset_index(drop=True)


def indicator_columns(frame: pd.DataFrame) -> list[str]:
    """The indicator columns of an export table."""
    others = {*ID_COLUMNS, *NAME_COLUMNS, *TYPE_COLUMNS, "geometry"}
    return [c for c in frame.columns if c not in others]


def described_columns(frame: pd.DataFrame) -> list[str]:
    """The columns an export's dictionary describes: types, then indicators."""
    return [c for c in frame.columns if c in TYPE_COLUMNS] + indicator_columns(frame)


def file_stem(level: str, scope: tuple[str, str] | None = None) -> str:
    """A file name for an export: ``divide_commune_dep29``."""
    stem = f"divide_{level}"
    if scope is not None:
        stem += f"_{PREFIX.get(scope[0], scope[0])}{scope[1]}"
    return stem


# ------------------------------------------------------------- value filters
@dataclass(frozen=True)
class Threshold:
    """Keep the rows where ``indicator op value`` (registry units: shares 0–1)."""

    indicator: str
    op: str
    value: float
    #: The indicator itself (an upload is not in the registry).
    about: Indicator | None = field(default=None, compare=False, repr=False)

    def mask(self, values: pd.Series) -> pd.Series:
        """True where a value passes (a missing value never does)."""
        ops = {
            "<": values.lt,
            "<=": values.le,
            ">": values.gt,
            ">=": values.ge,
        }
        return ops[self.op](self.value).fillna(False).astype(bool)

    def text(self, lang: str) -> str:
        """``Accès ≥ 30 Mbit/s < 50,0 %`` as the app shows it."""
        ind = self.about or indicator(self.indicator)
        from_value = format_value(self.value, ind, lang)
        return f"{ind.name(lang)} {OPERATOR_SIGNS[self.op]} {from_value}"


def threshold(
    ind_id: str,
    op: str,
    value: float | str,
    extra: Mapping[str, Indicator] | None = None,
) -> Threshold:
    """A checked :class:`Threshold` (``value`` in registry units).

    Raises
    ------
    DivideError
        Unknown indicator or operator, or a value that is not a finite number.
    """
    about = indicator(ind_id, extra)
    if op not in OPERATORS:
        raise DivideError(
            f"unknown comparison '{op}' for '{ind_id}': use one of "
            + ", ".join(OPERATORS)
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise DivideError(
            f"threshold on '{ind_id}': '{value}' is not a number; write e.g. "
            f"{ind_id}{op}0.5"
        )
    return Threshold(ind_id, op, number, about)


def parse_threshold(item: str) -> Threshold | None:
    """``thd30_share<0.5`` (or ``<50%``, ``>=``, ``<=``, ``>``) → a Threshold.

    Shares are fractions 0–1 as in the export, or percentages when the value
    ends with ``%``. Returns None for an item without a comparison (a
    ``KEY=VALUE`` type filter).

    Raises
    ------
    DivideError
        Unknown indicator, a missing or non-numeric value.
    """
    text = str(item).strip()
    for op in OPERATORS:  # two-character operators first
        ind_id, found, value = text.partition(op)
        if found:
            break
    else:
        return None
    ind_id, value = ind_id.strip(), value.strip().replace(",", ".")
    if value.startswith("="):
        raise DivideError(f"--where '{item}': write {ind_id}<=VALUE or {ind_id}>=VALUE")
    ind = indicator(ind_id)
    percent = value.endswith("%")
    if percent:
        value = value[:-1].strip()
        if ind.unit != "share":
            raise DivideError(
                f"--where '{item}': '%' is only for shares; {ind_id} is in {ind.unit}"
            )
    found = threshold(ind_id, op, value)
    if percent:
        found = Threshold(ind_id, op, found.value / 100)
    return found


def split_where(items) -> tuple[list[str], list[Threshold]]:
    """``--where`` items → (type filters ``KEY=VALUE``, value thresholds)."""
    types, thresholds = [], []
    for item in items or ():
        found = parse_threshold(item)
        if found is None:
            types.append(item)
        else:
            thresholds.append(found)
    return types, thresholds


def display_factor(ind_id: str, extra: Mapping[str, Indicator] | None = None) -> float:
    """Display value = registry value × this factor (100 for shares)."""
    return 100.0 if indicator(ind_id, extra).unit == "share" else 1.0


# ---------------------------------------------------------- dictionary, sources
DICTIONARY_COLUMNS = [
    "id",
    "label_fr",
    "label_en",
    "unit",
    "direction",
    "numerator",
    "denominator",
    "scale",
    "precision",
    "modelled",
    "sources",
    "vintage",
    "as_of",
    "licence",
    "url",
    "note_fr",
    "note_en",
]


def dictionary(
    ids: list[str] | None = None,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Labels, units, method, sources, vintages and licences of the columns.

    Parameters
    ----------
    ids : list of str, optional
        Columns to describe: indicators and commune attributes (types of
        territory, :data:`~divide.atlas.TYPE_COLUMNS`). All the indicators by
        default.
    dates : mapping, optional
        The atlas's :attr:`~divide.atlas.Atlas.as_of` (source id → the date it
        was built with): each indicator's ``as_of`` is then the date built.

    Returns
    -------
    DataFrame
        One row per column, attributes first; for an indicator ``value = scale ×
        Σ numerator / Σ denominator``; an attribute's unit is ``class`` and its
        note lists its values.
    """
    if isinstance(ids, str):
        ids = [ids]
    attributes = [c for c in ids or () if c in TYPE_COLUMNS]
    rows = [
        {
            "id": column,
            "unit": "class",
            "direction": "neutral",
            "numerator": "",
            "denominator": "",
            "scale": "",
            "precision": "",
            "modelled": False,
            **territory_types.describe(column),
        }
        for column in attributes
    ]
    if ids is not None:
        ids = [i for i in ids if i not in TYPE_COLUMNS]
    for ind_id in check_indicators(ids, extra):
        ind = indicator(ind_id, extra)
        srcs = ind.source_records()
        rows.append(
            {
                "id": ind.id,
                "label_fr": ind.name("fr"),
                "label_en": ind.name("en"),
                "unit": "share (0-1)" if ind.unit == "share" else ind.unit,
                "direction": ind.direction,
                "numerator": ind.numerator,
                "denominator": ind.denominator or "",
                "scale": ind.scale,
                "precision": precision_text(ind.unit),
                "modelled": ind.modelled,
                "sources": "; ".join(f"{s.producer}: {s.title}" for s in srcs),
                "vintage": ind.vintage(dates=dates),
                "as_of": ind.as_of(dates),
                "licence": "; ".join(sorted({s.licence for s in srcs})),
                "url": " ".join(s.url for s in srcs if s.url),
                "note_fr": ind.note.get("fr", ""),
                "note_en": ind.note.get("en", ""),
            }
        )
    return pd.DataFrame(rows, columns=DICTIONARY_COLUMNS)


def precision_text(unit: str) -> str:
    """How an exported value of this unit is rounded, for the dictionary."""
    digits = PRECISION.get(unit)
    if digits is None:
        return "as computed"
    text = "integer" if digits == 0 else counted(digits, "decimal", "en")
    return f"{text} (0.01 point)" if unit == "share" else text


def rounded(
    frame: pd.DataFrame, extra: Mapping[str, Indicator] | None = None
) -> pd.DataFrame:
    """Indicator values rounded to the precision of their unit (:data:`PRECISION`).

    Counts become integers (nullable: a missing value stays empty).
    """
    out = frame.copy()
    for column in indicator_columns(out):
        digits = PRECISION.get(indicator(column, extra).unit)
        if digits is None:
            continue
        values = pd.to_numeric(out[column], errors="coerce").round(digits)
        out[column] = values.astype("Int64") if digits == 0 else values
    return out


def vintage_text(
    ind_id: str,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> str:
    """``ARCEP: title; vintage T2 2025; as of 2025-06-30`` for a vintage column.

    ``dates``: as for :func:`dictionary`.
    """
    ind = indicator(ind_id, extra)
    sources = "; ".join(f"{s.producer}: {s.title}" for s in ind.source_records())
    parts = [sources, f"vintage {ind.vintage(dates=dates)}"]
    if ind.as_of(dates):
        parts.append(f"as of {ind.as_of(dates)}")
    if ind.modelled:
        parts.append("modelled estimate")
    return " — ".join(parts)


def with_vintages(
    frame: pd.DataFrame,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A ``<id>_source`` column (source, vintage, date) after each indicator."""
    out = frame.copy()
    for column in indicator_columns(frame):
        out.insert(
            out.columns.get_loc(column) + 1,
            f"{column}_source",
            vintage_text(column, extra, dates),
        )
    return out


def sources_table(
    ids: list[str] | None = None,
    lang: str | None = None,
    dates: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Sources behind some columns, in registry order (wording in ``lang`` if given).

    ``ids`` are indicators and commune attributes (types of territory); by
    default every indicator and every attribute. ``dates``: as for
    :func:`dictionary` (a source built from a newer file shows that file's date).
    """
    if isinstance(ids, str):
        ids = [ids]
    attributes = TYPE_COLUMNS if ids is None else [c for c in ids if c in TYPE_COLUMNS]
    if ids is not None:
        ids = [i for i in ids if i not in TYPE_COLUMNS]
    records = [r for i in check_indicators(ids) for r in indicator(i).source_records()]
    records += [source(territory_types.SOURCES[c]) for c in attributes]
    used = {}
    for record in records:
        used.setdefault((record.id, record.title), record)
    rows = [
        {
            "id": s.id,
            "producer": s.text("producer", lang),
            "title": s.title,
            "vintage": s.vintage_text(lang, dates),
            "licence": s.text("licence", lang),
            "url": s.url,
        }
        for s in used.values()
    ]
    return pd.DataFrame(
        rows, columns=["id", "producer", "title", "vintage", "licence", "url"]
    )


def markdown_table(
    frame: pd.DataFrame,
    headers: dict[str, str] | None = None,
    links: dict[str, str] | None = None,
) -> str:
    """A frame as a Markdown table; ``links`` maps URL columns to link texts."""
    headers = headers or {}
    links = links or {}

    def cell(column: str, value) -> str:
        text = "" if value is None or value is pd.NA else str(value)
        if column in links:
            return f"[{links[column]}]({text})" if text else "—"
        return text.replace("|", "\\|").replace("\n", " ")

    columns = list(frame.columns)
    lines = [
        "| " + " | ".join(headers.get(c, c) for c in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in frame.itertuples(index=False):
        lines.append(
            "| " + " | ".join(cell(c, v) for c, v in zip(columns, row, strict=True))
        )
    return "\n".join(line if line.endswith("|") else line + " |" for line in lines)


# ------------------------------------------------------------ quality report
QUALITY_COLUMNS = [
    "source",
    "rows_read",
    "matched",
    "merged",
    "unmatched",
    "match_rate",
    "notes",
]


#: Report keys shown in quality_table's own columns, not among its notes.
QUALITY_COUNTED = frozenset(
    {
        "source",
        "rows_read",
        "matched",
        "merged",
        "unmatched",
        "match_rate",
        "not_placed",
        "placed_by_code",
        "placed_by_point",
    }
)


def _shown_notes(report: dict):
    """(key, value) of a report's notes: scalars, and flat dicts of scalars.

    Lists (codes) and deeper structures (what was de-duplicated) have their own
    files (:func:`unmatched`, ``quality_details.csv``).
    """
    for key, value in report.items():
        if key in QUALITY_COUNTED or isinstance(value, list):
            continue
        if isinstance(value, dict):
            if value and not any(isinstance(v, dict | list) for v in value.values()):
                yield key, value
            continue
        yield key, value


def _scalar_notes(report: dict) -> str:
    parts = []
    for key, value in _shown_notes(report):
        if isinstance(value, dict):
            parts.append(f"{key}: " + ", ".join(f"{k}={v}" for k, v in value.items()))
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)


def quality_table(quality: dict) -> pd.DataFrame:
    """Rows read, matched, merged and unmatched per source.

    Parameters
    ----------
    quality : dict
        ``Atlas.quality``.

    Returns
    -------
    DataFrame
        One row per source. ``matched``: rows placed in a current (COG 2026)
        commune; ``merged``: old codes folded into a commune nouvelle;
        ``unmatched``: rows with no current commune (their codes or ids are in
        :func:`unmatched`). For mediation sites, "matched" counts sites placed
        in a commune (by code, by point, or for Aidants Connect structures with
        neither, by postcode and commune name) after de-duplication.
    """
    rows = []
    for name, report in sorted(quality.get("sources", {}).items()):
        read = report.get("rows_read")
        if isinstance(read, dict):
            read = sum(read.values())
        matched = report.get("matched")
        if matched is None and "placed_by_code" in report:
            matched = report["placed_by_code"] + report.get("placed_by_point", 0)
            matched += report.get("placed_by_postcode_and_name", 0)
        unmatched_n = report.get("unmatched", report.get("not_placed"))
        rows.append(
            {
                "source": name,
                "rows_read": read,
                "matched": matched,
                "merged": report.get("merged"),
                "unmatched": unmatched_n,
                "match_rate": report.get("match_rate"),
                "notes": _scalar_notes(report),
            }
        )
    frame = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    for column in ("rows_read", "matched", "merged", "unmatched"):
        frame[column] = frame[column].astype("Int64")
    return frame


def unmatched(quality: dict) -> dict[str, list[str]]:
    """Codes (or site ids) that did not match, per source; commune gaps too.

    Commune gaps: communes without a polygon or an EPCI, and, per grid of types
    of territory, the communes without a class (key ``<source>:no_class``).
    """
    out = {}
    for name, report in sorted(quality.get("sources", {}).items()):
        for key in ("unmatched_codes", "not_placed_ids"):
            values = report.get(key) or []
            if values:
                out[name] = [str(v) for v in values]
        if report.get("no_class_codes"):  # types of territory: communes unclassed
            out[f"{name}:no_class"] = [str(v) for v in report["no_class_codes"]]
    communes = quality.get("communes", {})
    for key in ("without_polygon", "without_epci"):
        if communes.get(key):
            out[f"communes_{key}"] = [str(v) for v in communes[key]]
    return out


# --------------------------------------------------------------- serialising
def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells starting with = + - @ tab or CR with an apostrophe.

    Spreadsheets would otherwise run such cells as formulas (CSV injection).
    Numbers are left alone.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype("string")
            risky = text.str.startswith(RISKY_START).fillna(False)
            out[column] = text.where(~risky, "'" + text)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV (no index), with formula-like text neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")


def csv_files(
    frame: pd.DataFrame,
    *,
    vintages: bool = False,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """The data CSV and its dictionary CSV (UTF-8, formulas neutralised).

    Values are rounded per unit (:func:`rounded`); ``vintages`` adds a
    ``<id>_source`` column beside each indicator, so the CSV still says where
    and when its figures come from once parted from its dictionary. ``dates``:
    the atlas's :attr:`~divide.atlas.Atlas.as_of` (see :func:`dictionary`).

    Lines end with CRLF as RFC 4180 asks: with a bare LF, pandas (like Python's
    csv module) leaves a field holding a carriage return unquoted, and readers
    that split on CR would break the row.
    """
    ids = described_columns(frame)
    options = {"index": False, "lineterminator": "\r\n"}
    data = rounded(frame, extra)
    if vintages:
        data = with_vintages(data, extra, dates)
    data = neutralise_formulas(data).to_csv(float_format="%.12g", **options)
    notes = neutralise_formulas(dictionary(ids, extra, dates)).to_csv(**options)
    return {".csv": data.encode("utf-8"), ".dictionary.csv": notes.encode("utf-8")}


def zip_csv(
    frame: pd.DataFrame,
    name: str = "divide_export",
    *,
    vintages: bool = False,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> bytes:
    """A zip holding ``name.csv`` and ``name.dictionary.csv``.

    One download keeps the data and the description of its columns (labels,
    units, sources, vintages, licences) together.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = csv_files(frame, vintages=vintages, extra=extra, dates=dates)
        for suffix, payload in files.items():
            archive.writestr(f"{name}{suffix}", payload)
    return buffer.getvalue()


def _shapes(atlas: Atlas, level: str, simplified: bool) -> gpd.GeoDataFrame:
    if level == "france":
        regions = atlas.geometry("region", display=simplified)
        return regions.dissolve().assign(code="FR")[["code", "geometry"]]
    return atlas.geometry(level, display=simplified)[["code", "geometry"]]


def with_geometry(
    atlas: Atlas, level: str, frame: pd.DataFrame, *, simplified: bool = False
) -> gpd.GeoDataFrame:
    """Attach polygons in EPSG:4326 (France: the union of régions).

    Parameters
    ----------
    simplified : bool
        Use the lighter polygons drawn on the maps instead of full resolution.
    """
    shapes = _shapes(atlas, level, simplified)
    if shapes.crs is not None and shapes.crs.to_epsg() != 4326:
        shapes = shapes.to_crs(4326)
    merged = frame.merge(shapes, on="code", how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def _geojson(gdf: gpd.GeoDataFrame, notes: pd.DataFrame) -> bytes:
    # Built from vectorised pieces: gdf.to_json() is ~10× slower on 35,000 communes.
    geoms = shapely.to_geojson(gdf.geometry.to_numpy())
    props = pd.DataFrame(gdf.drop(columns="geometry")).to_json(
        orient="records", lines=True, force_ascii=False
    )
    features = ",\n".join(
        f'{{"type":"Feature","properties":{p},"geometry":{g or "null"}}}'
        for p, g in zip(props.splitlines(), geoms, strict=True)
    )
    meta = json.dumps(
        {"crs": "EPSG:4326", "dictionary": notes.to_dict("records")},
        ensure_ascii=False,
    )
    text = (
        f'{{"type":"FeatureCollection","metadata":{meta},\n"features":[\n'
        f"{features}\n]}}\n"
    )
    return text.encode("utf-8")


def _parquet(gdf: gpd.GeoDataFrame, notes: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    gdf.to_parquet(buffer, index=False)
    arrow = pq.read_table(io.BytesIO(buffer.getvalue()))
    meta = dict(arrow.schema.metadata or {})
    meta[b"divide"] = json.dumps(
        {"dictionary": notes.to_dict("records")}, ensure_ascii=False
    ).encode("utf-8")
    out = io.BytesIO()
    pq.write_table(arrow.replace_schema_metadata(meta), out, compression="zstd")
    return out.getvalue()


def _gpkg(gdf: gpd.GeoDataFrame, notes: pd.DataFrame) -> bytes:
    import pyogrio  # only for GeoPackage exports: kept off the app's start

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        pyogrio.write_dataframe(gdf, path, layer="territories", driver="GPKG")
        notes = notes.astype(str)
        pyogrio.write_dataframe(notes, path, layer="dictionary", driver="GPKG")
        return path.read_bytes()


def to_bytes(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    *,
    simplified: bool = False,
    vintages: bool = False,
) -> dict[str, bytes]:
    """Serialise an export.

    Parameters
    ----------
    atlas : Atlas
    level : str
        Level of the rows of ``frame`` (to fetch their polygons).
    frame : DataFrame
        A table from :func:`table`.
    fmt : str
        csv, geojson, gpkg or parquet.
    simplified : bool
        Lighter map polygons instead of full-resolution ones (geographic formats).
    vintages : bool
        CSV: a ``<id>_source`` column beside each indicator.

    Returns
    -------
    dict
        ``{file suffix: bytes}``; CSV gives ``.csv`` and ``.dictionary.csv``.
        Values are rounded per unit (:data:`PRECISION`) in every format.
    """
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    check_level(level)
    if fmt == "csv":
        return csv_files(
            frame, vintages=vintages, extra=atlas.uploaded, dates=atlas.as_of
        )
    notes = dictionary(described_columns(frame), atlas.uploaded, atlas.as_of)
    values = rounded(frame, atlas.uploaded)
    gdf = with_geometry(atlas, level, values, simplified=simplified)
    writer = {"geojson": _geojson, "parquet": _parquet, "gpkg": _gpkg}[fmt]
    return {f".{fmt}": writer(gdf, notes)}


DOWNLOADS = {
    "csv": ("zip", "application/zip"),
    "geojson": ("geojson", "application/geo+json"),
    "gpkg": ("gpkg", "application/geopackage+sqlite3"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


def payload(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    *,
    name: str = "divide_export",
    simplified: bool = False,
    vintages: bool = False,
) -> bytes:
    """One downloadable file: a zip of data and dictionary for CSV, else the file.

    The file extension and MIME type are in ``DOWNLOADS[fmt]``.
    """
    if fmt == "csv":
        return zip_csv(
            frame, name, vintages=vintages, extra=atlas.uploaded, dates=atlas.as_of
        )
    return to_bytes(atlas, level, frame, fmt, simplified=simplified)[f".{fmt}"]


def write(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    out: str | Path,
    *,
    simplified: bool = False,
    vintages: bool = False,
) -> list[Path]:
    """Write an export; returns the files written.

    ``out`` is the data file; a name without a suffix that does not exist yet
    gets ``.<fmt>``; an existing folder receives ``divide_<level>.<fmt>``. A CSV
    export also writes ``<stem>.dictionary.csv`` beside it. An existing path is
    never renamed. Files are written whole or not at all: each is written beside
    its target first, then moved into place.

    Raises
    ------
    DivideError
        The folder does not exist; ``out`` is a device, a pipe or anything but a
        regular file or a folder; a file cannot be written (no space left,
        permission denied, read-only disk...).
    """
    out = Path(out)
    if out.is_dir():
        out = out / f"divide_{level}.{fmt}"
    elif out.exists() and not out.is_file():
        raise DivideError(
            f"cannot write the export to {out}: it is not a regular file (a device, "
            "a pipe...). Give the path of a file to create, such as brest.csv"
        )
    elif not out.exists() and not out.suffix:
        out = out.with_suffix(f".{fmt}")
    if not out.parent.is_dir():
        raise DivideError(f"folder not found: {out.parent}")
    payloads = to_bytes(
        atlas, level, frame, fmt, simplified=simplified, vintages=vintages
    )
    targets = {
        suffix: out if suffix == f".{fmt}" else out.with_name(out.stem + suffix)
        for suffix in payloads
    }
    for target in targets.values():
        if target.exists() and not target.is_file():
            raise DivideError(
                f"cannot write the export to {target}: it is not a regular file"
            )
    parts: list[Path] = []
    target = out
    try:
        for suffix, target in targets.items():
            part = target.with_name(f".{target.name}.part")
            parts.append(part)
            part.write_bytes(payloads[suffix])
        for part, target in zip(parts, targets.values(), strict=True):
            part.replace(target)
    except OSError as exc:
        for part in parts:
            part.unlink(missing_ok=True)
        raise DivideError(
            f"cannot write the export to {target}: "
            f"{exc.strerror or type(exc).__name__}. Choose a folder you can write "
            "to, on a disk with space left"
        ) from None
    return list(targets.values())


# ------------------------------------------------------------------- sizes
@lru_cache(maxsize=16)
def _vertices(path: str, level: str, simplified: bool) -> pd.Series:
    """Polygon vertices per territory code (France: all régions' vertices)."""
    if level == "france":
        shapes = Atlas(Path(path)).geometry("region", display=simplified)
        total = shapely.get_num_coordinates(shapes.geometry.to_numpy()).sum()
        return pd.Series({"FR": total})
    shapes = Atlas(Path(path)).geometry(level, display=simplified)
    counts = shapely.get_num_coordinates(shapes.geometry.to_numpy())
    return pd.Series(counts, index=shapes["code"].to_numpy())


def estimate_size(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    *,
    simplified: bool = False,
) -> int:
    """Approximate size in bytes of an export, without building it.

    Good to within a factor of two: enough to warn before a large download.
    """
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    cells = len(frame) * (len(frame.columns) + 2)
    size = cells * BYTES_PER_CELL[fmt]  # CSV: zipped, about 40 % of the text
    size += BYTES_PER_INDICATOR[fmt] * len(indicator_columns(frame))
    if fmt in GEO_FORMATS and len(frame):
        vertices = _vertices(str(atlas.path), level, simplified)
        n = vertices.reindex(frame["code"].to_numpy()).fillna(0).sum()
        size += int(n) * BYTES_PER_VERTEX[fmt]
    return int(size) + 4096


def human_size(n_bytes: float, lang: str = "en") -> str:
    """``12.3 MB`` (``12,3 Mo`` in French)."""
    units = ("B", "kB", "MB", "GB") if lang != "fr" else ("o", "ko", "Mo", "Go")
    value = float(n_bytes)
    for unit in units:
        if value < 1000 or unit == units[-1]:
            text = format_count(value, lang, 0 if unit in ("B", "o") else 1)
            return f"{text} {unit}"
        value /= 1000
    return f"{value} {units[-1]}"  # pragma: no cover


# ------------------------------------------------- translated views for the app
PREVIEW_FORMATS = {
    "share": "percent",
    "km": "%.1f km",
    "EUR": "%.0f €",
    "index": "%.1f",
    "per10k": "%.2f",
    "per100k": "%.1f",
    "per1k": "%.1f",
}


def _label(ind_id: str, lang: str, extra: Mapping[str, Indicator] | None = None) -> str:
    return indicator(ind_id, extra).name(lang)


def scope_options(atlas: Atlas, level: str, chosen: tuple[str, str]) -> list[str]:
    """Scopes offered for a level: ``france``, then the chosen territory if it fits.

    A commune is replaced by its département; a territory that holds no
    territory of ``level`` (a département for the région level) is not offered.
    """
    scope_level, code = chosen
    if scope_level == "commune":
        scope_level = "departement"
        code = str(atlas.territory("commune", code)["departement"])
    options = ["france"]
    if scope_level in SCOPES[level]:
        options.append(scope_text(scope_level, code))
    return options


def scope_label(atlas: Atlas, option: str, lang: str) -> str:
    """A scope option as shown: "All of France" or "Finistère (Département 29)"."""
    scope = parse_scope(option)
    if scope is None:
        return t("export_scope_all", lang)
    name = atlas.territory(*scope)["name"]
    level_name = t(f"level_{scope[0]}", lang)
    return t("export_scope_territory", lang, name=name, level=level_name, code=scope[1])


def indicator_label(
    ind_id: str,
    lang: str,
    *,
    unit: bool = False,
    extra: Mapping[str, Indicator] | None = None,
) -> str:
    """An indicator's label (marked when modelled), with its unit if asked."""
    ind = indicator(ind_id, extra)
    return f"{ind.name(lang)} ({unit_label(ind, lang)})" if unit else ind.name(lang)


def preview_columns(
    frame: pd.DataFrame, lang: str, extra: Mapping[str, Indicator] | None = None
) -> dict[str, tuple[str, str]]:
    """Column id → (label with unit, number format) for the preview table."""
    out = {}
    for column in frame.columns:
        if column in ID_COLUMNS:
            key = column if column in ("code", "name") else f"level_{column}"
            out[column] = (t(key, lang), "")
        elif column in NAME_COLUMNS:
            parent = t(f"level_{column.removesuffix('_name')}", lang)
            out[column] = (t("export_parent_name", lang, level=parent), "")
        elif column in TYPE_COLUMNS:
            out[column] = (typology.grid_label(column, lang), "")
        else:
            fmt = PREVIEW_FORMATS.get(indicator(column, extra).unit, "localized")
            label = indicator_label(column, lang, unit=True, extra=extra)
            out[column] = (label, fmt)
    return out


def display_unit(
    ind_id: str, lang: str, extra: Mapping[str, Indicator] | None = None
) -> str:
    """The unit a threshold is typed in (% for shares)."""
    return unit_label(indicator(ind_id, extra), lang)


def preview_frame(
    frame: pd.DataFrame, lang: str, extra: Mapping[str, Indicator] | None = None
) -> pd.DataFrame:
    """The export table as text in the language's number style, headers translated.

    Every value reads as it does elsewhere in the app ("42,2 %", "3.1 km").
    """
    out = frame.copy()
    for column in indicator_columns(frame):
        ind = indicator(column, extra)
        out[column] = [format_value(_float_or_nan(v), ind, lang) for v in frame[column]]
    named = preview_columns(frame, lang, extra)
    headers = {c: name for c, (name, _) in named.items()}
    return out.rename(columns=headers)


def _float_or_nan(value) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def count_text(n: int, lang: str) -> str:
    """``12,345`` (``12 345`` in French)."""
    return format_count(n, lang)


def _headers(columns, lang: str) -> dict[str, str]:
    return {c: t(f"export_col_{c}", lang) for c in columns}


def dictionary_view(
    lang: str,
    ids: list[str] | None = None,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Indicators (all of the registry's by default), described in one language.

    ``dates``: as for :func:`dictionary`.
    """
    notes = dictionary(ids, extra, dates)
    view = pd.DataFrame(
        {
            "id": notes["id"],
            "label": [
                typology.grid_label(i, lang)
                if i in TYPE_COLUMNS
                else _label(i, lang, extra)
                for i in notes["id"]
            ],
            "unit": [
                _unit_text(i, u, lang) if _in_registry(i) else u
                for i, u in zip(notes["id"], notes["unit"], strict=True)
            ],
            "direction": [t(f"export_dir_{d}", lang) for d in notes["direction"]],
            "numerator": notes["numerator"],
            "denominator": notes["denominator"],
            "sources": [
                _sources_text(i, lang) if _in_registry(i) else s
                for i, s in zip(notes["id"], notes["sources"], strict=True)
            ],
            "vintage": [
                indicator(i).vintage(lang, dates) if _is_indicator(i) else v
                for i, v in zip(notes["id"], notes["vintage"], strict=True)
            ],
            "modelled": notes["modelled"],
        }
    )
    return view.rename(columns=_headers(view.columns, lang))


def _is_indicator(column: str) -> bool:
    """True for a registry indicator (not a type of territory, not an upload)."""
    return column not in TYPE_COLUMNS and column in indicators()


def _in_registry(column: str) -> bool:
    """True for a registry indicator or a type of territory (not an upload)."""
    return column in TYPE_COLUMNS or _is_indicator(column)


def _sources_text(column: str, lang: str) -> str:
    """The producers and titles behind a column, producers worded in ``lang``."""
    if column in TYPE_COLUMNS:
        records = [source(territory_types.SOURCES[column])]
    else:
        records = indicator(column).source_records()
    return "; ".join(f"{s.text('producer', lang)}: {s.title}" for s in records)


def _unit_text(ind_id: str, unit: str, lang: str) -> str:
    """A unit of the dictionary as read in ``lang`` ("part (0-1)", "personnes")."""
    if ind_id in TYPE_COLUMNS or not unit:
        return unit
    if indicator(ind_id).unit == "share":
        return t("export_unit_share", lang)
    return unit_label(indicator(ind_id), lang)


def sources_markdown(lang: str, dates: Mapping[str, str] | None = None) -> str:
    """The sources table in Markdown, with links to the official pages.

    ``dates``: as for :func:`dictionary`.
    """
    frame = sources_table(lang=lang, dates=dates).drop(columns="id")
    return markdown_table(
        frame, _headers(frame.columns, lang), links={"url": t("export_link", lang)}
    )


def _note_text(key: str, lang: str) -> str:
    """A quality note's label in ``lang`` (``qn_<key>``), else the key as written.

    Keys of nested counts are often data values (class ids, source ids, kinds),
    which stay as the data writes them.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", str(key).lower()).strip("_")
    return t(f"qn_{slug}", lang) if f"qn_{slug}" in STRINGS else str(key)


def _note_value(value, lang: str) -> str:
    if isinstance(value, bool):
        return t("qn_yes" if value else "qn_no", lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and float(value).is_integer():
            return format_count(int(value), lang)
        return format_count(value, lang, 2)
    return _note_text(value, lang) if isinstance(value, str) else str(value)


def quality_notes(report: dict, lang: str) -> str:
    """The notes of one source's quality report, worded in ``lang``.

    The same facts as :func:`quality_table`'s ``notes`` column (which keeps the
    report's own keys for machines), as a reader would have them.
    """
    colon = " : " if lang == "fr" else ": "
    parts = []
    for key, value in _shown_notes(report):
        if isinstance(value, dict):
            inner = ", ".join(
                f"{_note_text(k, lang)}{colon}{_note_value(v, lang)}"
                for k, v in value.items()
            )
            parts.append(f"{_note_text(key, lang)} ({inner})")
        else:
            parts.append(f"{_note_text(key, lang)}{colon}{_note_value(value, lang)}")
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def quality_view(quality: dict, lang: str) -> pd.DataFrame:
    """:func:`quality_table` as text to read: headers and notes translated."""
    frame = quality_table(quality).astype(object)
    reports = quality.get("sources", {})
    frame["notes"] = [quality_notes(reports[name], lang) for name in frame["source"]]
    for column in ("rows_read", "matched", "merged", "unmatched"):
        frame[column] = [
            "" if pd.isna(v) else count_text(int(v), lang) for v in frame[column]
        ]
    frame["match_rate"] = [
        "" if pd.isna(v) else format_share(v, lang, 2) for v in frame["match_rate"]
    ]
    return frame.rename(columns=_headers(frame.columns, lang))


def scope_note(
    level: str, chosen: tuple[str, str], options: list[str], lang: str
) -> str | None:
    """Why the scope offered is not the sidebar's territory, if it is not."""
    if chosen[0] == "commune":
        return t("export_scope_commune", lang)
    if chosen[0] != "france" and len(options) == 1:
        plural = t(f"levels_plural_{level}", lang) if level != "france" else "France"
        return t("export_scope_coarser", lang, levels=plural)
    return None


def estimate_sizes(
    atlas: Atlas, level: str, frame: pd.DataFrame, *, simplified: bool = False
) -> dict[str, int]:
    """:func:`estimate_size` for every format."""
    return {
        fmt: estimate_size(atlas, level, frame, fmt, simplified=simplified)
        for fmt in FORMATS
    }


def size_warning(sizes: dict[str, int], lang: str, limit: float = 25e6) -> str | None:
    """A warning when a geographic export would be large, naming its size."""
    largest = max(GEO_FORMATS, key=sizes.get)
    if sizes[largest] <= limit:
        return None
    size = human_size(sizes[largest], lang)
    return t("export_large", lang, size=size, fmt=largest.upper())


def unmatched_lines(quality: dict, lang: str) -> list[str]:
    """One Markdown line per source (or commune gap) listing what did not match."""
    lines = []
    for key, codes in unmatched(quality).items():
        title = t(f"export_{key}", lang) if key.startswith("communes_") else key
        if key.endswith(":no_class"):
            title = f"{key.removesuffix(':no_class')} — {t('type_none', lang)}"
        # Codes come from the source files: a code span shows them as they are,
        # unless one holds the backtick that would close it.
        listed = ", ".join(
            f"`{visible(c)}`" if "`" not in c else markdown(c) for c in codes
        )
        lines.append(f"**{title}** ({len(codes)}): {listed}")
    return lines
