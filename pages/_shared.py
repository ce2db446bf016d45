"""What every page shares: cached data, URL state, the sidebar, captions, errors.

The only app-side home for caching: ``st.cache_resource`` for the read-only atlas
and geometries shared by all sessions, ``st.cache_data`` for derived frames. A
folium map object is never reused (rendering mutates it), but what its rendering
sends to the browser is cached across sessions (:func:`draw_map`).
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import folium.elements
import pandas as pd
import streamlit as st
import streamlit_folium
from PIL import Image
from streamlit.runtime.pages_manager import PagesManager

from divide import assets, classify, export, maps, national_map, plausibility, typology
from divide import series as dated
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.export import csv_bytes
from divide.i18n import LANGS, t
from divide.indicators import (
    COVERAGE_MIN,
    as_of_text,
    format_share,
    format_value,
    withheld_reason,
)
from divide.profile import parents
from divide.registry import (
    Indicator,
    catalogue,
    indicator,
    indicators,
    use_session_indicators,
)
from divide.safe_text import markdown as md
from divide.search import label as search_label
from divide.search import search, search_index
from divide.uploads import UploadedIndicator, UserSites
from frontend.national_map import FOLDER as NATIONAL_MAP_FOLDER

DRILL = ("region", "departement", "epci", "commune")


def _tab_icon() -> Image.Image:
    # Four classes of the map palette, drawn here: a ":material/…:" icon would be
    # fetched from Google Fonts, and forums are often offline.
    icon = Image.new("RGB", (32, 32))
    for i, colour in enumerate(classify.palette(4, "higher_worse")):
        x, y = 16 * (i % 2), 16 * (i // 2)
        icon.paste(colour, (x, y, x + 16, y + 16))
    return icon


ICON = _tab_icon()
DEFAULT_INDICATOR = "thd30_share"


# ----------------------------------------------------------------- cached data
@st.cache_resource(show_spinner=False)
def atlas() -> Atlas:
    """The embedded atlas, loaded once per server and shared by every session."""
    loaded = Atlas.load()
    loaded.territories  # noqa: B018 - read the table now, once
    return loaded


@st.cache_resource(show_spinner=False)
def geometry(level: str):
    """Display polygons of a level (read-only, shared)."""
    return atlas().geometry(level)


@st.cache_resource(show_spinner=False)
def _search_index():
    return search_index(atlas().territories)


def user_indicators() -> dict[str, UploadedIndicator]:
    """Indicators this session uploaded (by id)."""
    return st.session_state.get("user_indicators") or {}


def user_site_layers() -> list[UserSites]:
    """Site files this session uploaded."""
    return list((st.session_state.get("user_sites") or {}).values())


def uploads_key() -> tuple:
    """What this session uploaded, as a hashable key (empty without uploads).

    Cached results that depend on uploads take it as an argument, so a session
    never gets another's results and sessions without uploads share theirs.
    """
    inds = tuple(
        sorted(
            (i.id, i.sha256, i.unit, i.direction) for i in user_indicators().values()
        )
    )
    layers = tuple(sorted(layer.sha256 for layer in user_site_layers()))
    return (inds, layers) if inds or layers else ()


def session_atlas() -> Atlas:
    """The shared atlas plus this session's uploaded indicators and sites."""
    key = uploads_key()
    if not key:
        return atlas()
    ss = st.session_state
    held = ss.get("_session_atlas")
    if held is None or held[0] != key:
        layers = [layer.sites for layer in user_site_layers()]
        view = atlas().with_additions(
            values={i.id: i.values for i in user_indicators().values()},
            sites=pd.concat(layers, ignore_index=True) if layers else None,
        )
        held = ss["_session_atlas"] = (key, view)
    return held[1]


@st.cache_resource(show_spinner=False, max_entries=6)
def _restricted_atlas(where: tuple) -> Atlas:
    """The shared atlas limited to communes of some types (read-only, shared).

    Each view holds its own territory table (~20 MB): a few are kept.
    """
    return typology.restrict(atlas(), dict(where))


def typed_atlas(where: dict | None = None) -> Atlas:
    """This session's atlas, limited to the communes of some types if asked.

    ``where`` is a page's filters by type (see :func:`type_filters`); without
    any, this is :func:`session_atlas`.
    """
    if not where:
        return session_atlas()
    key = tuple(where.items())
    if not uploads_key():
        return _restricted_atlas(key)
    ss = st.session_state
    held = ss.get("_typed_atlas")
    if held is None or held[0] != (uploads_key(), key):
        held = ss["_typed_atlas"] = (
            (uploads_key(), key),
            typology.restrict(session_atlas(), where),
        )
    return held[1]


def collection(
    level: str,
    scope: tuple[str, str] | None,
    ind_id: str,
    method: str,
    k: int,
    lang: str,
    *,
    only_known: bool = False,
    where: dict | None = None,
) -> tuple[dict, list[float], list[str]]:
    """GeoJSON, class edges and colours for a map view.

    Views of the atlas's indicators are cached for every session; an uploaded
    indicator is drawn from this session's atlas. ``only_known`` leaves out the
    territories without a value (an upload covering a few communes); ``where``
    limits the view to communes of some types (see :func:`type_filters`).
    """
    uploaded = user_indicators().get(ind_id)
    if uploaded is None:
        key = tuple((where or {}).items())
        return _atlas_collection(level, scope, ind_id, method, k, lang, only_known, key)
    uploaded.values_at(level)  # a clear error where it has no values
    return _collection(
        typed_atlas(where), level, scope, uploaded, method, k, lang, only_known
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _atlas_collection(level, scope, ind_id, method, k, lang, only_known, where=()):
    ind = indicator(ind_id)
    source = _restricted_atlas(where) if where else atlas()
    return _collection(source, level, scope, ind, method, k, lang, only_known)


def _collection(source, level, scope, ind, method, k, lang, only_known):
    rows = source.members(level, scope)
    values = rows[["code", "name"]].reset_index(drop=True)
    values["value"] = rows[f"v_{ind.id}"].to_numpy()
    if only_known:
        values = values[values["value"].notna()]
    edges = classify.breaks(values["value"], k, method)
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    shapes = geometry(level)
    shapes = shapes[shapes["code"].isin(values["code"])]
    return (
        maps.feature_collection(shapes, values, ind, edges, colours, lang),
        edges,
        colours,
    )


@st.cache_resource(show_spinner=False)
def national_shapes() -> tuple[str, list[str]]:
    """The national commune map's shapes file, written once: (file name, codes)."""
    names = atlas().level("commune")["name"]
    return national_map.write_shapes(geometry("commune"), names, NATIONAL_MAP_FOLDER)


def national_values(
    ind: Indicator, method: str, k: int, lang: str, where: dict | None = None
) -> tuple[dict, list[float], list[str]]:
    """Per-commune classes and value texts of the national map, edges, colours.

    Cached for every session for the atlas's indicators; communes outside the
    types chosen in ``where`` are drawn as no data.
    """
    key = tuple((where or {}).items())
    if ind.id not in user_indicators():
        return _national_values(ind.id, method, k, lang, key)
    return _national(typed_atlas(where), ind, method, k, lang)


@st.cache_data(show_spinner=False, max_entries=32)
def _national_values(ind_id, method, k, lang, where=()):
    source = _restricted_atlas(where) if where else atlas()
    return _national(source, indicator(ind_id), method, k, lang)


def _national(source, ind, method, k, lang):
    values = source.level("commune")[f"v_{ind.id}"]
    edges = classify.breaks(values, k, method)
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    codes = national_shapes()[1]
    shown = national_map.view_values(codes, values, ind, edges, colours, lang)
    return shown, edges, colours


@st.cache_data(show_spinner=False, max_entries=256)
def _scope_bounds(scope: tuple[str, str], where: tuple = ()) -> list[list[float]]:
    source = _restricted_atlas(where) if where else atlas()
    codes = source.members("commune", scope)["code"]
    return maps.bounds_around(geometry("commune"), codes)


def scope_bounds(scope: tuple[str, str], where: dict | None = None):
    """Leaflet bounds of the communes of a scope (computed once per scope)."""
    return _scope_bounds(tuple(scope), tuple((where or {}).items()))


@st.cache_data(show_spinner=False, max_entries=32)
def csv_file(frame: pd.DataFrame) -> bytes:
    """A frame as formula-safe CSV bytes, cached by the frame's content.

    A download button given the same bytes on every run keeps the same file, so
    a rerun never removes the file a browser is still fetching.
    """
    return export.csv_bytes(frame)


# ------------------------------------------------------------------- URL state
def _init_state() -> None:
    ss = st.session_state
    if ss.get("_initialised"):
        return
    params = st.query_params
    ss["_lang"] = params.get("lang", "fr") if params.get("lang") in LANGS else "fr"
    level, code = params.get("level", "france"), params.get("code")
    try:
        atlas().territory(level, code)
        ss["territory"] = (level, code if level != "france" else "FR")
    except DivideError as exc:
        ss["territory"] = ("france", "FR")
        ss["_url_error"] = str(exc)
    ind_id = params.get("ind", DEFAULT_INDICATOR)
    ss["_indicator"] = ind_id if ind_id in indicators() else DEFAULT_INDICATOR
    _sync_drill(*ss["territory"])
    ss["_initialised"] = True


def _sync_drill(level: str, code: str) -> None:
    ss = st.session_state
    for lvl in DRILL:
        ss[f"pick_{lvl}"] = ""
    if level == "france":
        return
    for lvl, c, _ in parents(atlas(), level, code):
        if lvl in DRILL:
            ss[f"pick_{lvl}"] = c
    # An EPCI chosen from a commune can straddle départements: keep the commune's.
    if level == "commune":
        row = atlas().territory("commune", code)
        ss["pick_departement"] = row["departement"]
        ss["pick_region"] = row["region"]


def choose(level: str, code: str) -> None:
    """Make a territory the current one (URL and drill-down follow)."""
    st.session_state["territory"] = (level, code)
    _sync_drill(level, code)


def _on_drill(level: str) -> None:
    ss = st.session_state
    picked = ss.get(f"pick_{level}") or ""
    deeper = DRILL[DRILL.index(level) + 1 :]
    for lvl in deeper:
        ss[f"pick_{lvl}"] = ""
    if picked:
        ss["territory"] = (level, picked)
        return
    for lvl in reversed(DRILL[: DRILL.index(level)]):
        if ss.get(f"pick_{lvl}"):
            ss["territory"] = (lvl, ss[f"pick_{lvl}"])
            return
    ss["territory"] = ("france", "FR")


def _on_search() -> None:
    picked = st.session_state.get("territory_pick")
    if picked:
        level, _, code = picked.partition(":")
        choose(level, code)
        st.session_state["territory_query"] = ""
        st.session_state["territory_pick"] = None


def write_url() -> None:
    """Mirror the state into the URL so a copied link reopens the same view."""
    ss = st.session_state
    level, code = ss["territory"]
    wanted = {"lang": ss["_lang"], "level": level}
    if ss["_indicator"] in indicators():  # an upload cannot travel in a link
        wanted["ind"] = ss["_indicator"]
    if level != "france":
        wanted["code"] = code
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    if level == "france" and "code" in st.query_params:
        del st.query_params["code"]


def lang() -> str:
    """Current interface language."""
    return st.session_state.get("_lang", "fr")


def territory() -> tuple[str, str]:
    """Current (level, code)."""
    return st.session_state["territory"]


def set_url_param(key: str, value: str | None) -> None:
    """Keep a page's own setting in the URL."""
    if value is None:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def url_param(key: str, default: str, valid=None) -> str:
    """Read a page setting from the URL, falling back to a default."""
    value = st.query_params.get(key, default)
    return value if valid is None or value in valid else default


# --------------------------------------------------------------------- sidebar
def start() -> str:
    """Read the state from the URL on a session's first run; returns the language."""
    _leave_legacy_navigation()
    use_session_indicators(user_indicators())
    try:
        _init_state()
    except DivideError as exc:
        st.error(f"{t('atlas_missing', 'en')}: {exc}")
        st.stop()
    return st.session_state["_lang"]


def _leave_legacy_navigation() -> None:
    # A fresh server that finds a pages/ folder runs its first script in
    # Streamlit's legacy mode: the page alone, without app.py, listing every file
    # of pages/ as a page. Leave that mode and run again through app.py.
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _on_lang() -> None:
    st.session_state["_lang"] = st.session_state["lang"]


def frame() -> str:
    """Draw the shared sidebar (language, territory picker); returns the language."""
    lg = start()
    ss = st.session_state
    # Widget state does not survive a change of page: restore the sidebar widgets
    # from the session's own state before drawing them.
    ss["lang"] = lg
    _sync_drill(*ss["territory"])
    with st.sidebar:
        st.selectbox(
            t("language", lg) + " / Language",
            LANGS,
            key="lang",
            format_func=lambda code: {"fr": "Français", "en": "English"}[code],
            on_change=_on_lang,
        )
        table = atlas().territories
        st.markdown(f"**{t('territory', lg)}**")
        query = st.text_input(
            t("search", lg),
            key="territory_query",
            placeholder="Châteauroux, 36044, 36000…",
        )
        if query:
            _search_results(query, lg)
        with st.expander(t("drill", lg), expanded=False):
            _drill(table, lg)
        level, code = ss["territory"]
        name = atlas().territory(level, code)["name"]
        kind = t("level_" + level, lg)
        shown = name if name == kind else f"{name} ({kind})"  # not "France (France)"
        st.info(md(t("selected", lg, name=shown)))
        if level != "france":
            st.button(
                t("reset", lg),
                key="reset_territory",
                on_click=choose,
                args=("france", "FR"),
            )
        if ss.get("_url_error"):
            st.warning(md(ss.pop("_url_error")))
        if not assets.available():
            st.warning(t("assets_missing", lg), icon=":material/wifi_off:")
    write_url()
    return lg


def _search_results(query: str, lg: str) -> None:
    hits = search(_search_index(), query)
    if hits.empty:
        st.caption(md(t("no_match", lg, query=query)))
        return
    labels = {f"{r.level}:{r.code}": search_label(r, lg) for r in hits.itertuples()}
    st.selectbox(
        t("search_results", lg),
        list(labels),
        index=None,
        placeholder=t("choose_option", lg),
        key="territory_pick",
        format_func=labels.get,
        on_change=_on_search,
    )


def _drill(table, lg: str) -> None:
    ss = st.session_state
    scope = {}
    for level in DRILL:
        rows = table[table["level"] == level]
        for parent, code in scope.items():
            rows = rows[rows[parent] == code]
        if level == "commune" and not scope:
            continue
        names = dict(zip(rows["code"], rows["name"], strict=True))
        current = ss.get(f"pick_{level}") or ""
        if current and current not in names:
            names[current] = atlas().territory(level, current)["name"]
        options = ["", *sorted(names, key=lambda c: (names[c], c))]
        st.selectbox(
            t(f"level_{level}", lg),
            options,
            key=f"pick_{level}",
            format_func=lambda c, n=names: t("any", lg) if c == "" else f"{n[c]} ({c})",
            on_change=_on_drill,
            args=(level,),
        )
        if ss.get(f"pick_{level}") and level != "epci":
            scope[level] = ss[f"pick_{level}"]
        elif ss.get(f"pick_{level}") and level == "epci":
            scope = {"epci": ss["pick_epci"]}


# ------------------------------------------------------------ shared rendering
def indicator_picker(
    key: str = "indicator", label_key: str = "indicator", ids=None
) -> Indicator:
    """Select an indicator (labels in the current language, modelled ones marked).

    With the default key, the choice is the session's current indicator: it is
    kept across pages and in the URL.
    """
    ss = st.session_state
    options = list(ids or catalogue())
    shared = key == "indicator"
    if shared:
        ss[key] = ss["_indicator"]
    if ss.get(key) not in options:
        ss[key] = options[0]

    def remember() -> None:
        if shared:
            ss["_indicator"] = ss[key]

    # Labels bound now: AppTest formats the options after the run.
    labels = {i: label(indicator(i)) for i in options}
    st.selectbox(
        t(label_key, lang()),
        options,
        key=key,
        format_func=labels.get,
        on_change=remember,
    )
    return indicator(ss[key])


def current_indicator() -> Indicator:
    """The session's current indicator (as chosen on the map or in the URL)."""
    ss = st.session_state
    if ss["_indicator"] not in catalogue():  # an upload since removed
        ss["_indicator"] = DEFAULT_INDICATOR
    return indicator(ss["_indicator"])


def label(ind: Indicator, lg: str | None = None) -> str:
    """Indicator name, with '(modelled)' or '(your data)' when it is."""
    lg = lg or lang()
    text = ind.name(lg)
    if ind.modelled and t("modelled", lg) not in text.lower():
        text += f" ({t('modelled', lg)})"
    if isinstance(ind, UploadedIndicator):
        text += f" ({t('your_data', lg)})"
    return text


def source_caption(ind: Indicator) -> str:
    """'Source: producer, vintage' line for a figure, with the modelled flag.

    Markdown, with every text escaped (an upload's producer is its file name).
    """
    lg = lang()
    text = source_caption_of(ind.source_records(), atlas().as_of)
    if ind.modelled:
        text += f" — **{md(t('modelled_note', lg))}**"
    note = ind.note.get(lg)
    if note:
        text += f" {md(note)}"
    as_of = as_of_text(ind, lg, dates=atlas().as_of)
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


@st.cache_data(show_spinner=False, max_entries=64)
def series_collection(series_id: str, date: str, lang: str):
    """GeoJSON, class edges and colours of a dated series' département map."""
    entry = dated.series(series_id)
    ind = dated.as_indicator(entry)
    rows = atlas().level("departement")
    values = rows[["code", "name"]].reset_index(drop=True)
    at = dated.at_date(atlas(), series_id, "departement", date)
    values["value"] = values["code"].map(at).astype(float)
    # Classes over every date, so that colours mean the same when the date moves.
    every = dated.values(atlas(), series_id, "departement")["value"].astype(float)
    edges = classify.breaks(every, 5, "quantiles")
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    shapes = geometry("departement")
    return (
        maps.feature_collection(shapes, values, ind, edges, colours, lang),
        edges,
        colours,
    )


def value_text(value, ind: Indicator) -> str:
    """A value with its unit in the current language."""
    return format_value(value, ind, lang())


@st.cache_data(show_spinner=False)
def _type_options() -> dict[str, list[str]]:
    # The classes each grid has in the atlas, then "none" if some commune has none.
    communes = atlas().level("commune")
    out = {}
    for grid in typology.GRIDS:
        present = set(communes[grid].dropna())
        options = [c for c in typology.classes(grid) if c in present]
        if communes[grid].isna().any():
            options.append(typology.NONE)
        out[grid] = options
    return out


def type_filters(prefix: str) -> dict[str, tuple[str, ...]]:
    """Filters by type of territory: one multiselect per grid, kept in the URL.

    Widgets and URL parameters are named ``<prefix>_<grid>`` (``map_density3``,
    values comma-separated). Returns the filters chosen (grid → class ids),
    empty when none is.
    """
    ss = st.session_state
    lg = lang()
    options = _type_options()
    for grid in typology.GRIDS:
        key = f"{prefix}_{grid}"
        if key not in ss:  # first visit of the session: read the URL
            wanted = url_param(key, "").split(",")
            ss[key] = [v for v in options[grid] if v in wanted]
    active = sum(bool(ss[f"{prefix}_{grid}"]) for grid in typology.GRIDS)
    title = t("type_filters_active", lg, n=active) if active else t("type_filters", lg)
    with st.expander(title, expanded=bool(active)):
        columns = st.columns(len(typology.GRIDS))
        for column, grid in zip(columns, typology.GRIDS, strict=True):
            key = f"{prefix}_{grid}"
            names = {v: typology.class_label(grid, v, lg) for v in options[grid]}
            column.multiselect(
                typology.grid_label(grid, lg),
                options[grid],
                key=key,
                format_func=names.get,
                placeholder=t("any", lg),
                help=t("type_filters_help", lg),
            )
            set_url_param(key, ",".join(ss[key]) or None)
    where = typology.check_where(
        {grid: ss[f"{prefix}_{grid}"] for grid in typology.GRIDS}
    )
    if where:
        st.caption(t("type_filter_note", lg, what=typology.where_text(where, lg)))
        if user_indicators():
            st.caption(t("type_filter_uploads", lg))
    return where


@st.cache_data(show_spinner=False)
def quality_details_csv() -> bytes:
    """The rows behind the quality report, as CSV bytes (formula-safe)."""
    return csv_bytes(atlas().quality_details())


def choropleth_labels(ind: Indicator) -> dict[str, str]:
    """The texts of a choropleth's tooltip, in the current language."""
    lg = lang()
    return {
        "layer": t("layer", lg),
        "name": t("name", lg),
        "code": t("code", lg),
        "value": label(ind),
    }


def map_block(
    collection: dict,
    edges: list[float],
    colours: list[str],
    ind: Indicator,
    *,
    key: str,
    bounds,
    selected: str | None = None,
    height: int = 480,
) -> None:
    """A choropleth with its legend beside it (its rendering cached, see draw_map)."""
    lg = lang()

    def build() -> folium.Map:
        fmap = maps.base_map(bounds)
        maps.add_choropleth(fmap, collection, choropleth_labels(ind), selected=selected)
        return fmap

    what = ("map_block", fingerprint(collection), ind.id, lg, selected, str(bounds))
    left, right = st.columns([3, 1])
    with left:
        draw_map(build, what, key=key, height=height, bounds=bounds)
    with right:
        st.markdown(
            maps.legend_html(
                edges, colours, ind, lg, title=label(ind), no_data=t("no_data", lg)
            ),
            unsafe_allow_html=True,
        )


# ------------------------------------------------------------- cached folium maps
@st.cache_resource(show_spinner=False, max_entries=24)
def _rendered(what: tuple, _build: Callable[[], folium.Map], _bounds) -> dict:
    """What streamlit-folium sends for a map, rendered once per ``what``.

    Shared by every session, read-only; 24 maps of at most ~3 MB each.
    """
    fmap = _build()
    # streamlit-folium walks every coordinate for the bounds it reports; they
    # are known (the map was fitted to them).
    fmap.get_bounds = lambda: _bounds
    return _folium_args(fmap)


def _folium_args(fmap: folium.Map) -> dict:
    # What streamlit_folium.st_folium (0.27) computes before calling its
    # component, minus the per-run parts (key, height, returned objects).
    stf = streamlit_folium
    fmap.get_root().render()
    fmap.render()
    html = stf._get_html(fmap)
    header = stf._get_header(fmap)
    leaflet = stf._get_map_string(fmap)
    css, js = [], []

    def walk(element):
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    south_west, north_east = fmap.get_bounds()
    return {
        "script": leaflet,
        "header": header,
        "html": html,
        "id": stf.get_full_id(fmap),
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
        "bounds": {
            "_southWest": {"lat": south_west[0], "lng": south_west[1]},
            "_northEast": {"lat": north_east[0], "lng": north_east[1]},
        },
        "zoom": fmap.options.get("zoom"),
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
    Returns the component's value (the ``returned_objects`` the user changed);
    ``on_change`` runs before the rerun a change causes, with the value in
    ``st.session_state[key]``.
    """
    args = _rendered(what, build, bounds)
    hash_key = streamlit_folium.generate_js_hash(args["script"], key, False)
    defaults = {"last_active_drawing": None, "bounds": args["bounds"]}
    defaults["zoom"] = args["zoom"]
    defaults = {k: v for k, v in defaults.items() if k in returned_objects}

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return streamlit_folium._component_func(
        script=args["script"],
        header=args["header"],
        html=args["html"],
        id=args["id"],
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=args["css_links"],
        js_links=args["js_links"],
        on_change=changed,
        wrap_longitude=False,
    )


def figure_notes(row, ids) -> None:
    """Next to a territory's figures: why any is withheld, and doubtful sources."""
    lg = lang()
    for ind_id in ids:
        ind = indicator(ind_id)
        reason = withheld_reason(row, ind, lg)
        if reason:
            st.caption(f"**{label(ind)}** — {reason}")
    for flag in plausibility.flags_for(atlas().territories, row, lg):
        st.warning(flag, icon=":material/warning:")


def withheld_on_map(level: str, ind: Indicator, source: Atlas | None = None) -> None:
    """Say how many territories of a map have their value withheld, and why.

    ``source`` is the atlas drawn (a view limited by type), the shared one by
    default.
    """
    if level == "commune":
        return
    lg = lang()
    table = (source or atlas()).level(level)
    coverage = table.get(f"cov_{ind.id}")
    if coverage is None:
        return
    n = int((coverage < COVERAGE_MIN).sum())
    if n:
        st.caption(
            t(
                "withheld_on_map",
                lg,
                n=n,
                minimum=format_share(COVERAGE_MIN, lg),
            )
        )


def forget_removed(keys, options) -> None:
    """Drop choices no longer offered (an upload removed) from widgets' state."""
    ss = st.session_state
    for key in keys:
        value = ss.get(key)
        if isinstance(value, list):
            ss[key] = [v for v in value if v in options]
        elif value is not None and value not in options:
            del ss[key]


def note_upload_gaps(ids, level: str) -> None:
    """Say which chosen uploaded indicators have no values at ``level``, and why."""
    for ind_id in ids:
        uploaded = user_indicators().get(ind_id)
        if uploaded is not None and level not in uploaded.levels:
            levels = ", ".join(t(f"level_{lvl}", lang()) for lvl in uploaded.levels)
            key = "upload_gap_rate" if uploaded.kind == "rate" else "upload_gap"
            st.caption(md(t(key, lang(), name=label(uploaded), levels=levels)))


def fail(exc: Exception) -> None:
    """Show a user error (never a traceback), in the interface language if it can.

    The message is shown as typed: it quotes file names, column names and cells.
    """
    lg = lang()
    text = exc.in_language(lg) if isinstance(exc, DivideError) else str(exc)
    st.error(md(f"{t('error_prefix', lg)}: {text}"))
