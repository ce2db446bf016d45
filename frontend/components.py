"""What pages draw with: labels, the map block, figure notes, the source footnote.

Every map page draws its choropleth with :func:`map_block` (legend beside it,
rendering cached across sessions by :func:`draw_map`); every page lists the
sources of its figures once, at its foot, with a :class:`Footnote`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import folium
import pandas as pd
import streamlit as st

from divide import assets, maps, plausibility, typology
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import (
    COVERAGE_MIN,
    as_of_text,
    format_share,
    value_with_range,
    withheld_reason,
)
from divide.registry import Indicator, catalogue, indicator
from divide.safe_text import html
from divide.safe_text import markdown as md
from divide.uploads import UploadedIndicator
from frontend import cache, folium_map, national_map, session, state
from frontend.state import DEFAULT_INDICATOR, lang

#: From this many territories a view that may be drawn on the canvas map is:
#: its outlines come from its level's shapes file (fetched once, then cached
#: by the browser) and only values go over the websocket. Measured in a fresh
#: browser (README, "Speed"): folium draws 277 or 887 communes (Finistère,
#: Pas-de-Calais: every département has fewer) faster than the canvas map,
#: whose shapes file comes first, sending 0.25 and 0.55 MB; from the 1,253
#: EPCI of France on, the canvas map is faster, and folium would send 2.5 MB.
CANVAS_MIN = 1000


# --------------------------------------------------------------------- texts
def label(ind: Indicator, lg: str | None = None) -> str:
    """Indicator name, with '(modelled)' or '(your data)' when it is."""
    lg = lg or lang()
    text = ind.name(lg)
    if ind.modelled and t("modelled", lg) not in text.lower():
        text += f" ({t('modelled', lg)})"
    if isinstance(ind, UploadedIndicator):
        text += f" ({t('your_data', lg)})"
    return text


def find(ind_id: str) -> Indicator:
    """An indicator of the registry or of this session's uploads."""
    return indicator(ind_id, session.user_indicators())


def labels_of(ids: Iterable[str]) -> dict[str, str]:
    """Indicator ids → their labels (bound now: AppTest formats options later)."""
    return {i: label(find(i)) for i in ids}


def value_text(value, ind: Indicator, territory=None) -> str:
    """A value with its unit in the current language.

    Given the ``territory``'s row, a modelled value is followed by its range
    ("17.9 % (plausible range 15.5 % – 20.7 %)").
    """
    return value_with_range(value, territory, ind, lang())


def source_caption(ind: Indicator) -> str:
    """'Source: producer, vintage' line for a figure, with the modelled flag.

    Markdown, with every text escaped (an upload's producer is its file name).
    """
    lg = lang()
    text = source_caption_of(ind.source_records(), cache.atlas().as_of)
    if ind.modelled:
        text += f" — **{md(t('modelled_note', lg))}**"
    note = ind.note.get(lg)
    if note:
        text += f" {md(note)}"
    as_of = as_of_text(ind, lg, dates=cache.atlas().as_of)
    return f"{text} **{as_of}**" if as_of else text


def source_caption_of(records, dates=None) -> str:
    """'Source: producer (vintage …); …' for these source records.

    ``dates``: the atlas's built dates (see ``Source.vintage_text``).
    """
    lg = lang()
    parts = [
        f"{src.text('producer', lg)} ({t('vintage', lg)} {src.vintage_text(lg, dates)})"
        for src in records
    ]
    text = f"{t('source', lg)} : " if lg == "fr" else f"{t('source', lg)}: "
    return md(text + "; ".join(parts))


class Footnote:
    """The sources of a page's figures, said once, at the foot of the page."""

    def __init__(self) -> None:
        self._lines: dict[str, None] = {}

    def add(self, *items: Indicator | str, named: bool = False) -> None:
        """Cite indicators' sources (or a caption already written) once each.

        ``named`` starts each line with the indicator's label (a page of several
        indicators).
        """
        for item in items:
            text = item if isinstance(item, str) else source_caption(item)
            if named and not isinstance(item, str):
                text = f"**{md(label(item))}** — {text}"
            self._lines.setdefault(text, None)

    def show(self) -> None:
        """Draw the sources cited so far (one caption, a line each)."""
        if self._lines:
            with st.container(key="page_sources"):
                st.caption("  \n".join(self._lines))
            self._lines.clear()


def fail(exc: Exception) -> None:
    """Show a user error (never a traceback), in the interface language if it can.

    The message is shown as typed: it quotes file names, column names and cells.
    """
    lg = lang()
    text = exc.in_language(lg) if isinstance(exc, DivideError) else str(exc)
    st.error(md(f"{t('error_prefix', lg)}: {text}"))


# ------------------------------------------------------------------- widgets
def indicator_picker(
    key: str = "indicator", label_key: str = "indicator", ids=None
) -> Indicator:
    """Select an indicator (labels in the current language, modelled ones marked).

    With the default key, the choice is the session's current indicator: it is
    kept across pages and in the URL.
    """
    ss = st.session_state
    options = list(ids or catalogue(session.user_indicators()))
    shared = key == "indicator"
    if shared:
        ss[key] = ss["_indicator"]
    if ss.get(key) not in options:
        ss[key] = options[0]

    def remember() -> None:
        if shared:
            ss["_indicator"] = ss[key]

    st.selectbox(
        t(label_key, lang()),
        options,
        key=key,
        format_func=labels_of(options).get,
        on_change=remember,
    )
    return find(ss[key])


def current_indicator() -> Indicator:
    """The session's current indicator (as chosen on the map or in the URL)."""
    ss = st.session_state
    if ss["_indicator"] not in catalogue(session.user_indicators()):
        ss["_indicator"] = DEFAULT_INDICATOR  # an upload since removed
    return find(ss["_indicator"])


def forget_removed(keys, options) -> None:
    """Drop choices no longer offered (an upload removed) from widgets' state."""
    ss = st.session_state
    for key in keys:
        value = ss.get(key)
        if isinstance(value, list):
            ss[key] = [v for v in value if v in options]
        elif value is not None and value not in options:
            del ss[key]


def type_filters(prefix: str) -> dict[str, tuple[str, ...]]:
    """Filters by type of territory: one multiselect per grid, kept in the URL.

    Widgets and URL parameters are named ``<prefix>_<grid>`` (``map_density3``,
    values comma-separated). Returns the filters chosen (grid → class ids),
    empty when none is.
    """
    ss = st.session_state
    lg = lang()
    options = cache.type_options()
    keys = {grid: f"{prefix}_{grid}" for grid in typology.GRIDS}
    for grid, key in keys.items():
        if key not in ss:  # first visit of the session: read the URL
            wanted = state.read(key, "").split(",")
            ss[key] = [v for v in options[grid] if v in wanted]
    active = sum(bool(ss[key]) for key in keys.values())
    title = t("type_filters_active", lg, n=active) if active else t("type_filters", lg)
    with st.expander(title, expanded=bool(active)):
        for column, (grid, key) in zip(
            st.columns(len(keys)), keys.items(), strict=True
        ):
            names = {v: typology.class_label(grid, v, lg) for v in options[grid]}
            column.multiselect(
                typology.grid_label(grid, lg),
                options[grid],
                key=key,
                format_func=names.get,
                placeholder=t("any", lg),
                help=t("type_filters_help", lg),
            )
            state.keep(**{key: ",".join(ss[key]) or None})
    where = typology.check_where({grid: ss[key] for grid, key in keys.items()})
    if where:
        st.caption(t("type_filter_note", lg, what=typology.where_text(where, lg)))
        if session.user_indicators():
            st.caption(t("type_filter_uploads", lg))
    return where


# ---------------------------------------------------------------------- maps
def choropleth_labels(ind: Indicator, value: str | None = None) -> dict[str, str]:
    """The texts of a choropleth's tooltip, in the current language."""
    lg = lang()
    return {
        "layer": t("layer", lg),
        "name": t("name", lg),
        "code": t("code", lg),
        "value": value or label(ind),
    }


def canvas_labels(heads: dict[str, str]) -> dict[str, str]:
    """The canvas map's tooltip texts: ``heads`` escaped, and the colon after each.

    The colon is the language's (" : " in French, ": " in English) and carries
    no text of anyone's, so it is passed as it is (escaping trims its spaces).
    """
    return {
        **{k: html(text) for k, text in heads.items()},
        "colon": t("label_colon", lang()),
    }


def fingerprint(collection: dict) -> int:
    """A key for a choropleth's content: its territories, fills and value texts.

    The geometry of a code at a level never changes while the server runs; the
    first feature's outline tells levels that share codes apart (region 84,
    département 84).
    """
    features = collection["features"]
    head = str(features[0]["geometry"])[:400] if features else ""
    return hash(
        (
            head,
            tuple(
                (p["code"], p["name"], p["value"], p["fill"])
                for p in (f["properties"] for f in features)
            ),
        )
    )


def draw_map(
    build: Callable[[], folium.Map],
    what: tuple,
    *,
    key: str,
    height: int,
    bounds,
    returned_objects: tuple[str, ...] = (),
    on_change: Callable[[], None] | None = None,
) -> dict:
    """Draw a folium map like ``st_folium``, its rendering cached by ``what``.

    ``build`` makes the map (called only when ``what`` is not cached yet);
    ``what`` is a hashable key naming everything the map shows (view, language,
    selection, layers, uploads); ``bounds`` are the ones the map was fitted to.
    """
    args = cache.rendered_map(what, build, bounds)
    return folium_map.show(
        args,
        key=key,
        height=height,
        returned_objects=returned_objects,
        on_change=on_change,
    )


def map_block(
    view: tuple[dict, list[float], list[str]],
    ind: Indicator,
    *,
    key: str,
    bounds,
    selected: str | None = None,
    height: int = 480,
    title: str | None = None,
    no_data: str | None = None,
    layers: Callable[[folium.Map], None] | None = None,
    what: tuple = (),
    basemap: bool = False,
    widths: tuple[float, float] | None = (3, 1),
    returned_objects: tuple[str, ...] = (),
    on_change: Callable[[], None] | None = None,
    points: pd.DataFrame | None = None,
    canvas: str | None = None,
) -> st.delta_generator.DeltaGenerator:
    """A choropleth with its legend beside it; returns the legend's column.

    A count (:func:`divide.maps.is_count`) with ``points`` (``code``, ``name``,
    ``lat``, ``lon``, ``value``) is drawn as proportional circles over a plain
    fill instead: coloured by count, a map would show where people live.

    ``canvas``: the view's level, to draw it on the canvas map
    (:func:`canvas_map`, which see) instead of folium (the caller decides, see
    :func:`frontend.map_view.canvas_level`; its view may then have no outlines).

    ``widths`` are the map's and the legend's columns (None: the map takes the
    whole width, the legend below it). ``view`` is (GeoJSON, class edges,
    colours) of :func:`session.collection`;
    ``title`` heads the legend and the tooltip's value (the indicator's label
    by default); ``layers`` adds more to the map (sites, labels), named in
    ``what`` with everything else it depends on.
    """
    collection, edges, colours = view
    lg = lang()
    title = title or label(ind)
    heads = choropleth_labels(ind, title)
    circles = points is not None and maps.is_count(ind)
    left, right = st.columns(list(widths)) if widths else (st.container(),) * 2
    with left:
        if canvas in cache.SHAPES_PREFIX and not circles and not basemap:
            opts = {"bounds": bounds, "selected": selected, "height": height}
            canvas_map(canvas, view, heads, key=key, on_change=on_change, **opts)
        else:
            build = _folium_builder(
                collection,
                heads,
                ind,
                lg,
                bounds,
                selected=selected,
                basemap=basemap,
                points=points if circles else None,
                layers=layers,
            )
            key_of = (key, fingerprint(collection), ind.id, title, lg, selected)
            draw_map(
                build,
                (*key_of, str(bounds), circles, basemap, *what),
                key=key,
                height=height,
                bounds=bounds,
                returned_objects=returned_objects,
                on_change=on_change,
            )
    legend = (
        maps.circles_legend_html(points["value"], ind, lg, title=title)
        if circles
        else maps.legend_html(
            edges, colours, ind, lg, title=title, no_data=no_data or t("no_data", lg)
        )
    )
    right.markdown(legend, unsafe_allow_html=True)
    return right


def _folium_builder(
    collection: dict,
    heads: dict[str, str],
    ind: Indicator,
    lg: str,
    bounds,
    *,
    selected: str | None,
    basemap: bool,
    points: pd.DataFrame | None,
    layers: Callable[[folium.Map], None] | None,
) -> Callable[[], folium.Map]:
    """What makes a view's folium map (called once per rendering cached).

    ``points``: proportional circles over a plain fill (a count), else None.
    """

    def build() -> folium.Map:
        fmap = maps.base_map(bounds, basemap=basemap)
        plain = points is not None
        maps.add_choropleth(fmap, collection, heads, selected=selected, plain=plain)
        if plain:
            maps.add_proportional_circles(
                fmap, points, ind, lg, name=heads["value"], labels=heads
            )
        if layers is not None:
            layers(fmap)
        return fmap

    return build


def canvas_map(
    level: str,
    view: tuple[dict, list[float], list[str]],
    heads: dict[str, str],
    *,
    key: str,
    bounds,
    selected: str | None,
    height: int,
    on_change: Callable[[], None] | None = None,
) -> dict | None:
    """Draw a map view on the canvas map: its level's shapes file, its values.

    ``level`` is one of :data:`frontend.cache.SHAPES_PREFIX`; ``view`` is as
    :func:`map_block`'s, drawn with the same fills, tooltip and bounds (and
    none of folium's ``layers``: :func:`map_block` takes this route only where
    its caller says they add nothing needed — not the mediation sites — and
    never for circles or a base map). ``heads`` are the tooltip's texts
    (:func:`choropleth_labels`, plain text). A click's value in
    ``st.session_state[key]`` reads as streamlit-folium's (``last_active_drawing``).
    """
    collection, _, colours = view
    shapes, _ = cache.shapes_file(level)
    values = cache.canvas_values(level, fingerprint(collection), collection, colours)
    return national_map.draw(
        shapes=shapes,
        values=values,
        labels=canvas_labels(heads),
        selected=selected,
        bounds=bounds,
        leaflet=(assets.url("leaflet.js"), assets.url("leaflet.css")),
        height=height,
        key=key,
        on_change=on_change,
        focus=False,
    )


# ------------------------------------------------------------- figure notes
def figure_notes(row, ids) -> None:
    """Next to a territory's figures: why any is withheld, and doubtful sources."""
    lg = lang()
    for ind_id in ids:
        ind = indicator(ind_id)
        reason = withheld_reason(row, ind, lg)
        if reason:
            st.caption(f"**{label(ind)}** — {reason}")
    for flag in plausibility.flags_for(cache.atlas().territories, row, lg):
        st.warning(flag, icon=":material/warning:")


def withheld_on_map(level: str, ind: Indicator, source: Atlas | None = None) -> None:
    """Say how many territories of a map have their value withheld, and why.

    ``source`` is the atlas drawn (a view limited by type), the shared one by
    default.
    """
    if level == "commune":
        return
    lg = lang()
    coverage = (source or cache.atlas()).level(level).get(f"cov_{ind.id}")
    if coverage is None:
        return
    n = int((coverage < COVERAGE_MIN).sum())
    if n:
        minimum = format_share(COVERAGE_MIN, lg)
        st.caption(t("withheld_on_map", lg, n=n, minimum=minimum))


def note_upload_gaps(ids, level: str) -> None:
    """Say which chosen uploaded indicators have no values at ``level``, and why."""
    for ind_id in ids:
        uploaded = session.user_indicators().get(ind_id)
        if uploaded is not None and level not in uploaded.levels:
            levels = ", ".join(t(f"level_{lvl}", lang()) for lvl in uploaded.levels)
            key = "upload_gap_rate" if uploaded.kind == "rate" else "upload_gap"
            st.caption(md(t(key, lang(), name=label(uploaded), levels=levels)))


# ------------------------------------------------------------- file uploader
def file_uploader(label: str, types: list[str], key: str, **options):
    """``st.file_uploader`` whose own texts follow the interface language.

    Streamlit 1.67 writes its button ("Upload") and its limit line ("50MB per
    file • CSV") in English and offers no option for them; in French they are
    drawn from the strings table by CSS on the uploader's own key class.
    """
    lg = lang()
    if lg != "en":
        limit = t(
            "uploader_limit",
            lg,
            mb=st.get_option("server.maxUploadSize"),
            types=", ".join(ext.upper() for ext in types),
        )
        box = f".st-key-{key} section"
        st.html(
            "<style>"
            f"{box} button p {{font-size: 0;}}"
            f"{box} button p::after {{content: {css_text(t('uploader_button', lg))};"
            " font-size: 1rem;}"
            f"{box} > div > div > span {{font-size: 0;}}"
            f"{box} > div > div > span::after {{content: {css_text(limit)};"
            " font-size: 0.875rem;}"
            "</style>"
        )
    return st.file_uploader(label, type=types, key=key, **options)


def css_text(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and brackets escaped)."""
    return (
        '"'
        + "".join(
            ch if ch.isalnum() or ch in " .,;:•-'()" else f"\\{ord(ch):x} "
            for ch in text
        )
        + '"'
    )
