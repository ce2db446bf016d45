"""Access to mediation: need against supply, underserved communes, where to add sites."""

import folium
import streamlit as st

from divide import export, illectronisme, maps, supply
from divide.errors import DivideError
from divide.formatting import counted, format_count, plural_text
from divide.i18n import t
from divide.registry import DEFAULT_RADIUS_KM, indicator
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from frontend import cache, components, session, sidebar, state, use

lg = sidebar.frame()
atlas = session.session_atlas()  # uploaded sites count too
notes = components.Footnote()
ss = st.session_state
RISK, DIST = indicator("people_at_risk"), indicator("dist_mediation_km")
UPLOADS = session.uploads_key()


def run(name: str, *args):
    """A divide.supply analysis on the session's atlas (cached)."""
    return cache.supply_result(UPLOADS, atlas, name, *args)


def cards(items):
    for col, (label, value, note) in zip(st.columns(len(items)), items, strict=True):
        col.metric(label, value)
        col.caption(note)


def table(frame, columns):
    st.dataframe(supply.display(frame, columns, lg), hide_index=True, width="stretch")


def downloads(frame, stem, key, **extra):
    meta = {"scope": scope_name, "radius_km": radius, "kinds": kinds, **extra}
    meta |= {"note": t("modelled_note", lg), "source": components.source_caption(RISK)}
    files = {"csv": export.csv_bytes(frame), "geojson": supply.to_geojson(frame, meta)}
    for col, (ext, data) in zip(st.columns(2), files.items(), strict=True):
        label, name = t(f"access_export_{ext}", lg), file_name(stem, ext)
        col.download_button(label, data, name, key=f"{key}_{ext}", on_click="ignore")


state.seed(
    {
        "access_radius": ("radius", DEFAULT_RADIUS_KM, float),
        "access_k": ("k", 5, int),
    }
)
ss.setdefault("access_kinds", list(supply.MEDIATION_KINDS))
st.title(t("access_title", lg))
st.caption(t("access_intro", lg))
if layers := session.user_site_layers():
    files = ", ".join(layer.file for layer in layers)
    n = format_count(sum(len(layer.sites) for layer in layers), lg)
    st.info(md(t("access_user_sites", lg, n=n, files=files)))
cols = st.columns([1, 3, 1])
radius = cols[0].number_input(t("access_radius", lg), step=1.0, key="access_radius")
kinds = cols[1].multiselect(
    t("access_kinds", lg),
    supply.KINDS,
    key="access_kinds",
    format_func=lambda k: t(f"kind_{k}", lg),
    placeholder=t("choose_options", lg),
)
st.caption(t("kinds_counted_note", lg))
min_need = cols[2].number_input(
    t("access_min_need", lg), min_value=0.0, step=10.0, key="access_min_need"
)
state.keep(radius=f"{radius:g}")
kinds_t, r_text = tuple(kinds), f"{radius:g}"
if not kinds:
    st.info(t("access_kinds_none", lg))

level, code = state.territory()
scope = supply.analysis_scope(atlas, level, code)
scope_name = atlas.territory(*(scope or ("france", "FR")))["name"]
if scope is None:
    st.info(t("access_scope_france", lg))
elif level == "commune":
    st.caption(md(t("access_scope_commune", lg, name=scope_name)))
try:
    summary = run("access_summary", scope, radius, kinds_t)
    per_kind = run("kind_summary", scope, radius)
    under = run("underserved_table", scope, radius, kinds_t, float(min_need))
    epcis = run("epci_summary", scope, radius, kinds_t)
except DivideError as exc:
    components.fail(exc)
    st.stop()
notes.add(RISK, f"{t('access_distance_note', lg)} {components.source_caption(DIST)}")

# ------------------------------------------------------------ need and access
st.subheader(md(f"{t('access_need', lg)} — {scope_name}"))
cards(supply.summary_cards(summary, lg))
with st.expander(t("access_method", lg)):
    st.markdown(illectronisme.method_summary(lg))
    st.markdown(f"**{t('il_ref_title', lg)}**")
    reference = illectronisme.reference_table(atlas.level("commune"), lg)
    st.dataframe(reference.round(1), hide_index=True)
    st.caption(t("il_ref_caption", lg))
st.markdown(f"**{t('access_per_kind', lg)}**")
table(per_kind, "kinds")
use.render("access", *(scope or ("france", "FR")), lg, notes)  # use beside supply
map_box = st.container()

# ---------------------------------------------------------------- underserved
st.subheader(t("access_underserved", lg, r=r_text))
if under.empty:
    st.success(t("access_underserved_none", lg, r=r_text))
else:
    people = components.value_text(under["people_at_risk"].sum(), RISK)
    st.caption(plural_text("access_underserved_count", lg, len(under), people=people))
    table(under, "underserved")
    downloads(
        under, f"underserved_{scope[1] if scope else 'FR'}_{r_text}km", "access_under"
    )
if summary.unlocated_communes:
    count = counted(summary.unlocated_communes, "commune", lg)
    st.caption(t("access_unlocated", lg, count=count))
st.markdown(f"**{t('access_by_epci', lg)}**")
table(epcis, "epci")

# ------------------------------------------------------------------ placement
st.subheader(t("access_place", lg))
st.markdown(t("access_place_intro", lg))
placed = points = None
if scope is None:
    st.info(t("access_place_france", lg))
else:
    points = run("scope_points", scope)
    names = dict(zip(points["code"], points["name"], strict=True))
    ss["access_exclude"] = [c for c in ss.get("access_exclude", []) if c in names]
    cols = st.columns([1, 1, 3])
    # K from the URL or a stricter host rule may leave the range: bring it back.
    before = (tuple(ss["access_exclude"]), float(ss.get("access_min_pop", 0)))
    hosts_max = run("host_count", scope, *before)
    top = max(hosts_max, 1)
    asked = ss.get("access_k", 5)
    if not 1 <= asked <= top:
        ss["access_k"] = min(max(int(asked), 1), top)
        st.info(t("access_k_clamped", lg, asked=asked, high=top, k=ss["access_k"]))
    k = cols[0].number_input(
        t("access_k", lg), min_value=1, max_value=top, step=1, key="access_k"
    )
    min_pop = cols[1].number_input(
        t("access_min_pop", lg), min_value=0, step=100, key="access_min_pop"
    )
    exclude = cols[2].multiselect(
        t("access_exclude", lg),
        sorted(names, key=lambda c: (names[c], c)),
        key="access_exclude",
        format_func=lambda c: f"{names[c]} ({c})",
        placeholder=t("choose_options", lg),
    )
    state.keep(k=str(k))
    args = (scope, radius, int(k), kinds_t, tuple(exclude), float(min_pop))
    if hosts_max == 0:
        st.info(t("access_no_host", lg))
    else:
        try:
            placed = run("placement", *args)
        except DivideError as exc:
            components.fail(exc)
if placed is not None and placed.hosts.empty:
    st.success(t("access_all_covered", lg, r=r_text))
elif placed is not None:
    cards(supply.placement_cards(placed, lg))
    if placed.result.stopped_early:
        st.info(supply.stop_reason(placed, lg))
    table(placed.hosts, "hosts")
    stem = f"placement_{scope[1]}_{r_text}km_k{int(k)}"
    method = "greedy maximum coverage, within 1 - 1/e of the optimum"
    downloads(placed.hosts, stem, "access_hosts", k=int(k), method=method)

# ------------------------------------------------------------------------ map
if scope is not None:
    with map_box:
        st.subheader(t("access_map", lg))
        layer = st.radio(
            t("access_layer", lg),
            ("illectronisme_est", "dist_mediation_km"),
            key="access_layer",
            horizontal=True,
            format_func=lambda i: supply.indicator_label(i, lg),
        )
        ind = indicator(layer)

        def extra(fmap) -> None:
            if kinds:
                kind_labels = {k_: t(f"kind_{k_}", lg) for k_ in supply.KINDS}
                sites = atlas.sites_in(scope, kinds)
                maps.add_sites(fmap, sites, kind_labels, t("access_layer_sites", lg))
            maps.add_circles(fmap, under.head(1000), t("access_layer_underserved", lg))
            if placed is not None:
                name = t("access_layer_hosts", lg)
                maps.add_numbered(fmap, placed.hosts, name, radius_km=radius)
            maps.add_place_labels(fmap, points, t("map_places", lg))
            folium.LayerControl(collapsed=True, position="bottomleft").add_to(fmap)

        side = components.map_block(
            session.collection("commune", scope, layer, lang=lg),
            ind,
            key="access_map",
            bounds=cache.scope_bounds(scope),
            selected=code if level == "commune" else None,
            height=560,
            layers=extra,
            what=(
                UPLOADS,
                radius,
                kinds_t,
                float(min_need),
                placed is not None and args,
            ),
            widths=(4, 1),
        )
        side.caption(t("access_map_hint", lg))
        notes.add(ind)
notes.show()
