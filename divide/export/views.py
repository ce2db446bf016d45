"""What the export page shows: labels, previews, dictionary and quality views."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from divide import territory_types, typology
from divide.atlas import TYPE_COLUMNS, Atlas
from divide.export.dictionary import dictionary, markdown_table, sources_table
from divide.export.files import FORMATS, GEO_FORMATS, estimate_size, human_size
from divide.export.quality import quality_table, shown_notes, unmatched
from divide.export.rows import ID_COLUMNS, NAME_COLUMNS, SCOPES, indicator_columns
from divide.formatting import format_count, format_share
from divide.i18n import STRINGS, t
from divide.indicators import format_value, unit_label
from divide.registry import Indicator, indicator, indicators, source
from divide.safe_text import markdown, visible
from divide.territory import parse_scope, scope_text

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
    for key, value in shown_notes(report):
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
