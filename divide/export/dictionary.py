"""An export's dictionary and sources: labels, units, precision, vintages."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from divide import territory_types
from divide.atlas import TYPE_COLUMNS
from divide.export.rows import check_indicators, indicator_columns
from divide.formatting import counted
from divide.registry import Indicator, indicator, source

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
