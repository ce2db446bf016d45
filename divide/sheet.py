"""A territory's profile: indicator table, mediation sites, mini-map, printable sheet.

The sheet is one self-contained HTML file (inline CSS, no script, no external
resource: it opens offline and prints on A4). Every name and value is
HTML-escaped, so a site called ``<img src=x onerror=...>`` shows as text.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from divide import maps
from divide.atlas import Atlas
from divide.build.readers.mediation import KINDS
from divide.compare import percentile_text, percentiles
from divide.errors import check_lang
from divide.formatting import counted, format_count
from divide.i18n import t
from divide.indicators import unit_label, value_with_range
from divide.profile import comparison, parents
from divide.registry import Indicator, indicators, source
from divide.safe_text import html as _e

#: Above this many sites, the sheet gives counts by kind instead of a list.
SHEET_MAX_SITES = 400


def indicator_label(ind: Indicator, lang: str) -> str:
    """Indicator name in ``lang``, with "(modelled)" when it is modelled."""
    text = ind.name(lang)
    if ind.modelled and t("modelled", lang) not in text.lower():
        text += f" ({t('modelled', lang)})"
    return text


def _level_name(level: str, lang: str) -> str:
    return t(f"level_{level}", lang)


def _column_name(level: str, name: str, lang: str) -> str:
    return name if level == "france" else f"{name} ({_level_name(level, lang)})"


def profile_values(
    atlas: Atlas, level: str, code: str | None, ids: list[str] | None = None
) -> pd.DataFrame:
    """Raw values of every indicator for a territory, its parents and France.

    Parameters
    ----------
    atlas : Atlas
        The atlas.
    level, code : str
        The territory (``code`` is ignored for ``france``).
    ids : list of str, optional
        Indicators (all of the registry by default).

    Returns
    -------
    DataFrame
        Indexed by indicator id; one column ``"<level>:<code>"`` per territory of
        :func:`divide.profile.parents` (the territory first, France last), then
        ``percentile`` (see :func:`divide.compare.percentiles`).
    """
    ids = list(ids or indicators())
    table = comparison(atlas, level, code, ids)
    table.columns = [f"{lvl}:{c}" for lvl, c, _ in table.columns]
    table["percentile"] = percentiles(atlas, level, code, ids).to_numpy()
    return table


def profile_table(
    atlas: Atlas, level: str, code: str | None, lang: str = "en"
) -> pd.DataFrame:
    """Every indicator of a territory, formatted for reading, with its context.

    Returns
    -------
    DataFrame
        One row per indicator. Columns (localised headers): indicator label,
        then ``Name (Level)`` for the territory, each parent and France, the
        national percentile (not for France), unit, source and vintage, modelled
        flag. Values are display strings ("no data" when missing).
    """
    raw = profile_values(atlas, level, code)
    registry = indicators()
    out = pd.DataFrame(index=raw.index)
    out[t("indicator", lang)] = [indicator_label(registry[i], lang) for i in raw.index]
    for lvl, c, name in parents(atlas, level, code):
        header = _column_name(lvl, name, lang)
        row = atlas.territory(lvl, c)
        out[header] = [
            value_with_range(float(v), row, registry[i], lang)
            for i, v in zip(raw.index, raw[f"{lvl}:{c}"], strict=True)
        ]
    if level != "france":
        out[t("prof_percentile", lang)] = [
            percentile_text(p) for p in raw["percentile"]
        ]
    out[t("prof_unit", lang)] = [unit_label(registry[i], lang) for i in raw.index]
    out[t("prof_source_vintage", lang)] = [
        registry[i].vintage(lang, atlas.as_of)
        if type(registry[i]) is Indicator
        else registry[i].vintage()
        for i in raw.index
    ]
    out[t("prof_modelled", lang)] = [
        t("prof_yes", lang) if registry[i].modelled else "" for i in raw.index
    ]
    return out


def _kind_text(kinds: str, lang: str) -> str:
    parts = [k for k in str(kinds).split(";") if k]
    return " + ".join(t(f"kind_{k}", lang) if k in KINDS else k for k in parts) or t(
        "kind_other", lang
    )


def _claim_text(claims: object, site, lang: str) -> str:
    """The note that a source labels a site France Services off the official list."""
    if not isinstance(claims, str) or "france_services" not in claims:
        return ""
    by = str(getattr(site, "claimed_by", "") or "").replace(";", ", ")
    return f" ({t('site_claim_fs', lang, sources=by)})"


def _posts_text(site, lang: str) -> str:
    """The posts of a host structure's site (" · 3 … posts"), else ""."""
    posts = getattr(site, "posts", None)
    if posts is None or pd.isna(posts) or float(posts) <= 0:
        return ""
    return " · " + counted(float(posts), "cnfs_post", lang)


def sites_table(atlas: Atlas, sites: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Mediation sites as a readable table: name, kind, address, source.

    The kind cell adds a host structure's conseiller numérique posts.

    Parameters
    ----------
    atlas : Atlas
        The atlas (for commune names).
    sites : DataFrame
        Rows of ``Atlas.sites`` (e.g. ``atlas.sites_in((level, code))``).
    lang : {"fr", "en"}
        Language of the headers and kind labels.

    Returns
    -------
    DataFrame
        Plain strings, sorted by name; unescaped (escape before writing HTML).
    """
    names = atlas.level("commune")["name"]
    rows = []
    for s in sites.itertuples(index=False):
        kinds = s.kinds if isinstance(s.kinds, str) and s.kinds else s.kind
        place = " ".join(
            str(x)
            for x in (
                s.postcode if isinstance(s.postcode, str) else "",
                names.get(s.commune, "") if isinstance(s.commune, str) else "",
            )
            if x
        )
        address = s.address if isinstance(s.address, str) else ""
        if place and (not address or str(s.postcode) not in address):
            address = f"{address}, {place}" if address else place
        rows.append(
            {
                t("name", lang): str(s.name),
                t("prof_kind", lang): _kind_text(kinds, lang)
                + _claim_text(getattr(s, "claims", None), s, lang)
                + _posts_text(s, lang),
                t("prof_address", lang): address,
                t("source", lang): str(
                    s.sources if isinstance(s.sources, str) else s.source
                ).replace(";", ", "),
            }
        )
    columns = [
        t("name", lang),
        t("prof_kind", lang),
        t("prof_address", lang),
        t("source", lang),
    ]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(columns[0], key=lambda s: s.str.lower(), ignore_index=True)


def territory_sites(atlas: Atlas, level: str, code: str | None) -> pd.DataFrame:
    """The mediation sites of a territory (all of them for France)."""
    if level == "france":
        return atlas.sites
    atlas.territory(level, code)
    return atlas.sites_in((level, str(code)))


def mini_map(shape: gpd.GeoDataFrame, sites: pd.DataFrame, lang: str) -> folium.Map:
    """A small map framed on a territory: its outline and its mediation sites.

    Parameters
    ----------
    shape : GeoDataFrame
        The territory's polygon(s), EPSG:4326.
    sites : DataFrame
        Sites to draw (``lat``, ``lon``, ``name``, ``kind``).
    lang : {"fr", "en"}
        Language of the kind labels.
    """
    x0, y0, x1, y1 = shape.total_bounds
    fmap = maps.base_map(maps.bounds_of((x0, y0, x1, y1)))
    # With no tile layer Leaflet has no maxZoom, and the marker cluster refuses
    # to draw ("Map has no maxZoom specified"): set one.
    fmap.options["max_zoom"] = 18
    outline = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g.__geo_interface__, "properties": {}}
            for g in shape.geometry
            if g is not None and not g.is_empty
        ],
    }
    folium.GeoJson(
        outline,
        name=t("territory", lang),
        style_function=lambda _: {
            "fillColor": "#6b8fb3",
            "fillOpacity": 0.15,
            "color": "#222222",
            "weight": 2.5,
        },
    ).add_to(fmap)
    if len(sites):
        maps.add_sites(
            fmap,
            sites,
            {k: t(f"kind_{k}", lang) for k in KINDS},
            t("show_sites", lang),
            lang,
        )
    return fmap


# ----------------------------------------------------------------------- sheet
CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  color: #111; background: #fff; font-size: 10.5pt; line-height: 1.35;
  max-width: 190mm; margin: 0 auto; padding: 8mm 4mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1.5pt solid #333;
  padding-bottom: 1mm; page-break-after: avoid; }
p.meta { color: #333; margin: 0 0 1mm; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
table.figures { table-layout: fixed; }
th { overflow-wrap: break-word; }
th small { display: block; font-weight: normal; font-size: 7pt; color: #444; }
td.label .src { font-size: 7pt; color: #555; margin-top: 0.5mm; }
th, td { border: 0.5pt solid #999; padding: 1mm 1.5mm; vertical-align: top;
  text-align: left; }
th { background: #e8e8e8; }
td.num { text-align: right; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
tr.modelled td { background: #fbf3df; }
.note { font-size: 8.5pt; color: #333; }
ul.sources li { margin-bottom: 1mm; }
.url { word-break: break-all; }
footer { margin-top: 6mm; font-size: 8pt; color: #555; }
@media print {
  body { padding: 0; max-width: none; }
  .noprint { display: none; }
  tr.modelled td { background: #fbf3df !important;
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _used_sources() -> list[str]:
    seen: list[str] = []
    for ind in indicators().values():
        for sid in ind.sources:
            if sid not in seen:
                seen.append(sid)
    return seen


def territory_sheet(atlas: Atlas, level: str, code: str | None, lang: str) -> str:
    """A printable, self-contained HTML sheet of a territory.

    Parameters
    ----------
    atlas : Atlas
        The atlas.
    level : str
        ``commune``, ``epci``, ``departement``, ``region`` or ``france``.
    code : str or None
        The territory's code (ignored for France).
    lang : {"fr", "en"}
        Language of the sheet.

    Returns
    -------
    str
        A complete HTML document: title, the sources' vintages, every indicator
        next to its parents and France (with the national percentile), the
        mediation sites, the sources and licences; inline CSS for screen and A4
        print, no script and no external resource.
    """
    check_lang(lang)
    row = atlas.territory(level, code)
    chain = parents(atlas, level, code)
    parts = _head(atlas, row, level, chain, lang)
    parts += _figures(atlas, level, code, chain, lang)
    parts += _sites(atlas, level, code, lang)
    parts += _sources(atlas, lang)
    parts.append(f"<footer>{_e(t('sheet_footer', lang))}</footer></body></html>")
    return "\n".join(parts)


def _head(atlas: Atlas, row, level: str, chain: list, lang: str) -> list[str]:
    """The document's head and title, where the territory lies, the vintages."""
    name = str(row["name"])
    level_text = _level_name(level, lang)
    code_text = "" if level == "france" else f" {row['code']}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('sheet_title', lang, name=name))}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(t('sheet_title', lang, name=name))}</h1>",
        f'<p class="meta">{_e(level_text + code_text)}',
    ]
    if len(chain) > 1:
        within = " · ".join(_column_name(lvl, n, lang) for lvl, _, n in chain[1:])
        parts.append(f" — {_e(t('sheet_within', lang))} {_e(within)}")
    parts.append("</p>")
    vintages = "; ".join(
        f"{source(s).producer.split(' (')[0]} "
        f"{source(s).vintage_text(lang, atlas.as_of)}"
        for s in _used_sources()
        if s != "divide_model"
    )
    colon = _colon(lang)
    parts.append(
        f'<p class="meta">{_e(t("sheet_vintages", lang))}{colon}{_e(vintages)}</p>'
    )
    parts.append(f'<p class="note">{_e(t("sheet_no_build_date", lang))}</p>')
    return parts


def _figures(
    atlas: Atlas, level: str, code: str | None, chain: list, lang: str
) -> list[str]:
    """Every indicator next to the parents and France, with the percentile."""
    registry = indicators()
    raw = profile_values(atlas, level, code)
    parts = [f"<h2>{_e(t('all_indicators', lang))}</h2>"]
    head = [
        f"{_e(t('indicator', lang))}<small>{_e(t('prof_source_vintage', lang))}</small>"
    ]
    head += [
        _e(n)
        if lvl == "france"
        else f"{_e(n)}<small>{_e(_level_name(lvl, lang))}</small>"
        for lvl, _, n in chain
    ]
    if level != "france":
        head.append(_e(t("prof_percentile", lang)))
    head.append(_e(t("prof_unit", lang)))
    # Fixed layout: the label column gets 30 %, the figures share the rest.
    share = 70 / (len(head) - 1)
    cols = '<col style="width:30%">' + f'<col style="width:{share:.1f}%">' * (
        len(head) - 1
    )
    parts.append(
        f'<table class="figures"><colgroup>{cols}</colgroup><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
    )
    rows = {(lvl, c): atlas.territory(lvl, c) for lvl, c, _ in chain}
    for ind_id in raw.index:
        ind = registry[ind_id]
        label = indicator_label(ind, lang) + (" *" if ind.modelled else "")
        vintage = ind.vintage(dates=atlas.as_of)
        cells = [
            f'<td class="label">{_e(label)}<div class="src">{_e(vintage)}</div></td>'
        ]
        for lvl, c, _ in chain:
            value = float(raw.at[ind_id, f"{lvl}:{c}"])
            shown = value_with_range(value, rows[(lvl, c)], ind, lang)
            cells.append(f'<td class="num">{_e(shown)}</td>')
        if level != "france":
            p = raw.at[ind_id, "percentile"]
            cells.append(f'<td class="num">{percentile_text(p)}</td>')
        cells.append(f"<td>{_e(unit_label(ind, lang))}</td>")
        css = ' class="modelled"' if ind.modelled else ""
        parts.append(f"<tr{css}>{''.join(cells)}</tr>")
    parts.append("</tbody></table>")
    notes = [f"* {t('modelled_note', lang)}"]
    if level != "france":
        plural = t(f"levels_plural_{level}", lang)
        notes.append(t("prof_percentile_note", lang, plural=plural))
    parts += [f'<p class="note">{_e(n)}</p>' for n in notes]
    return parts


def _sites(atlas: Atlas, level: str, code: str | None, lang: str) -> list[str]:
    """The mediation sites: counts per kind, and their list when it is short."""
    sites = territory_sites(atlas, level, code)
    colon = _colon(lang)
    parts = [f"<h2>{_e(t('sites_list', lang))}</h2>"]
    parts.append(f"<p>{_e(counted(len(sites), 'mediation_site', lang))}</p>")
    if len(sites):
        counts = sites["kind"].value_counts()
        parts.append(
            "<ul>"
            + "".join(
                f"<li>{_e(_kind_text(k, lang))}{colon}{_count(int(n), lang)}</li>"
                for k, n in counts.items()
            )
            + "</ul>"
        )
    if 0 < len(sites) <= SHEET_MAX_SITES:
        table = sites_table(atlas, sites, lang)
        parts.append(
            "<table><thead><tr>"
            + "".join(f"<th>{_e(h)}</th>" for h in table.columns)
            + "</tr></thead><tbody>"
        )
        for values in table.itertuples(index=False):
            parts.append(
                "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in values) + "</tr>"
            )
        parts.append("</tbody></table>")
    elif len(sites) > SHEET_MAX_SITES:
        parts.append(
            f'<p class="note">{_e(t("sheet_too_many_sites", lang, n=SHEET_MAX_SITES))}'
            "</p>"
        )
    return parts


def _sources(atlas: Atlas, lang: str) -> list[str]:
    """The sources and their licences."""
    colon = _colon(lang)
    parts = [f"<h2>{_e(t('sheet_sources', lang))}</h2><ul class='sources'>"]
    for sid in _used_sources():
        src = source(sid)
        vintage = src.vintage_text(lang, atlas.as_of)
        text = (
            f"<b>{_e(src.text('producer', lang))}</b> — <i>{_e(src.title)}</i>. "
            f"{_e(t('vintage', lang).capitalize())} {_e(vintage)}. "
            f"{_e(t('sheet_licence', lang))}{colon}{_e(src.text('licence', lang))}."
        )
        if src.url:
            text += f' <span class="url">{_e(src.url)}</span>'
        parts.append(f"<li>{text}</li>")
    parts.append("</ul>")
    return parts


def _colon(lang: str) -> str:
    return "\u00a0: " if lang == "fr" else ": "


def _count(n: int, lang: str) -> str:
    return format_count(n, lang)
