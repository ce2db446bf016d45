"""Fragility: a composite index of chosen indicators, its map, movers and benchmark."""

import streamlit as st

from divide import export, fragility, maps
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import indicator
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from frontend import cache, components, session, sidebar, state

LEVELS = ("region", "departement", "epci", "commune")
NORMS = fragility.NORMALISATIONS
DEFAULTS = tuple(fragility.DEFAULT_COMPONENTS.items())


def index(level: str, weights: tuple, norm: str, ref: str):
    """The index over the session's atlas within the filters by type (cached)."""
    source = session.typed_atlas(dict(WHERE))
    return cache.fragility_index(UPLOADS, source, level, weights, norm, ref, WHERE)


def scoped(level, weights, norm, ref, scope):
    codes = None if scope is None else atlas.members("commune", scope).index
    return fragility.within(index(level, weights, norm, ref), codes)


lg = sidebar.frame()
atlas = cache.atlas()
notes = components.Footnote()
UPLOADS = session.uploads_key()
CANDIDATES = fragility.candidates()
t_level, t_code = state.territory()
ss = st.session_state
labels = components.labels_of(CANDIDATES)
region = fragility.region_of(atlas, t_level, t_code)
region_name = atlas.territory("region", region)["name"] if region else None

st.title(t("frag_title", lg))
st.caption(t("frag_intro", lg))


def _components(text: str) -> list[str]:
    picked = [c for c in text.split(",") if c in CANDIDATES]
    if not picked:
        raise ValueError(text)
    return picked


state.seed(
    {
        "frag_norm": ("fnorm", "percentile", NORMS),
        "frag_components": ("fcomp", [c for c, _ in DEFAULTS], _components),
        "frag_level": (
            "flevel",
            t_level if t_level in LEVELS else "departement",
            LEVELS,
        ),
        "frag_ref": ("fref", "france", ("france", "region")),
    }
)
if region is None:
    ss["frag_ref"] = "france"
ref_labels = {
    "france": t("frag_ref_france", lg),
    "region": md(t("frag_ref_region", lg, name=region_name or "—")),
}

components.forget_removed(["frag_components"], CANDIDATES)
comps = st.multiselect(
    t("frag_components", lg),
    CANDIDATES,
    key="frag_components",
    format_func=labels.get,
    placeholder=t("choose_options", lg),
)
c = st.columns([2, 2, 3])
norm = c[0].selectbox(
    t("frag_norm", lg),
    NORMS,
    key="frag_norm",
    format_func=lambda v: t(f"frag_norm_{v}", lg),
)
level = c[1].selectbox(
    t("level", lg), LEVELS, key="frag_level", format_func=lambda v: t(f"level_{v}", lg)
)
ref_choice = c[2].radio(
    t("frag_ref", lg),
    ("france", "region"),
    key="frag_ref",
    format_func=ref_labels.get,
    disabled=region is None,
)
state.keep(fcomp=",".join(comps) or None, fnorm=norm, flevel=level, fref=ref_choice)
if not comps:
    st.info(t("frag_no_components", lg))
    st.stop()
with st.expander(t("frag_weights", lg)):
    cols = st.columns(3)
    for i, comp in enumerate(comps):
        cols[i % 3].slider(md(labels[comp]), 0, 5, 1, key=f"frag_w_{comp}")
    st.caption(t("frag_weights_note", lg))
weights = tuple((comp, float(ss.get(f"frag_w_{comp}", 1))) for comp in comps)

WHERE = tuple(components.type_filters("frag").items())
if level == "commune" and t_level == "france":
    st.info(t("commune_scope", lg))
level, scope = fragility.display_scope(atlas, level, t_level, t_code)
ref = fragility.reference_for(level, ref_choice, region, atlas)
if ref_choice == "region" and ref == "france":
    st.caption(t("frag_ref_france_forced", lg))
try:
    shown = scoped(level, weights, norm, ref, scope)
    if t_level != "france":
        own_ref = fragility.reference_for(t_level, ref_choice, region, atlas)
        own = index(t_level, weights, norm, own_ref)
    base = scoped(level, DEFAULTS, norm, ref, scope)
    key = (weights, norm, ref, WHERE)
    full = index(level, weights, norm, ref)
    view = cache.fragility_layer(UPLOADS, full, level, scope, key, lg)
except DivideError as exc:
    components.fail(exc)
    st.stop()
if shown.empty:
    st.info(t("type_filter_empty", lg))
    st.stop()
plural = t(f"levels_plural_{level}", lg)
components.note_upload_gaps(comps, level)

# ---------------------------------------------------------- the territory
if t_level == "france":
    st.info(t("frag_pick", lg))
elif t_code not in own.index:  # outside the filters by type
    name = atlas.territory(t_level, t_code)["name"]
    st.caption(t("type_filter_outside", lg, name=name))
else:
    info = fragility.summary(own, t_code, lg)
    name = atlas.territory(t_level, t_code)["name"]
    st.subheader(md(f"{name} — {t('level_' + t_level, lg)}"))
    for card, (label, value) in zip(st.columns(4), info["cards"], strict=True):
        card.metric(label, value)
    st.caption(f"{info['rank']} **{t('frag_calls_for', lg)}** — {info['calls']}")
    table = fragility.component_table(own, t_code)
    st.markdown(f"**{t('frag_contrib', lg)}**")
    fig = fragility.contribution_figure(table, labels, lg, total=t("frag_total", lg))
    st.plotly_chart(fig, width="stretch", key="frag_contrib_chart")
    st.markdown(f"**{t('frag_components_table', lg)}**")
    detail = fragility.component_view(table, labels, lg)
    st.dataframe(detail, hide_index=True, width="stretch", key="frag_components_table")
    if info["missing"]:
        what = ", ".join(labels[comp] for comp in info["missing"])
        st.caption(md(t("frag_missing", lg, what=what)))

# ---------------------------------------------------------------- the map
st.subheader(t("frag_map", lg))
bounds = maps.bounds_of("mainland")
if scope is not None:
    bounds = maps.bounds_around(cache.geometry("commune"), shown.index)
side = components.map_block(
    view,
    fragility.SCORE,
    key="frag_map",
    bounds=bounds,
    selected=t_code if t_level == level else None,
    height=520,
    title=t("frag_score", lg),
    widths=(4, 1),
)
side.caption(t("frag_map_note", lg))

# ------------------------------------------------- movers and the table
st.subheader(t("frag_movers", lg))
if fragility.same_weights(dict(weights), dict(DEFAULTS)):
    st.caption(t("frag_movers_none", lg))
else:
    moves = fragility.movers_view(base, shown, lg)
    st.dataframe(moves, hide_index=True, width="stretch", key="frag_movers_table")
    st.caption(t("frag_movers_note", lg))

st.subheader(t("frag_table", lg))
view = fragility.index_view(shown, lg)
st.dataframe(view, hide_index=True, width="stretch", height=380, key="frag_table")
st.caption(t("frag_table_note", lg, n=len(view), plural=plural))
ranked = shown.sort_values(["rank", "name"], na_position="last").reset_index()
ranked = ranked.assign(normalisation=norm, reference=ref)
st.download_button(
    t("frag_download", lg),
    data=export.csv_bytes(ranked),
    file_name=file_name(f"divide_fragility_{level}_{norm}", "csv"),
    mime="text/csv",
    key="frag_download",
    on_click="ignore",
    icon=":material/download:",
)

# ------------------------------------------------ benchmark and sources
st.subheader(t("frag_ifn", lg))
try:
    correlation = cache.fragility_ifn(UPLOADS, full, level, key)
    st.markdown(fragility.ifn_text(correlation, lg, plural))
except DivideError as exc:
    st.caption(t("frag_ifn_unavailable", lg, error=exc))
st.caption(t("frag_ifn_caution", lg))
st.subheader(t("frag_ifn2023", lg))
try:
    frame23 = full
    st.markdown(
        fragility.ifn_text(
            fragility.correlation_with_ifn(frame23, atlas, level, "v_ifn2023_total"),
            lg,
            plural,
        )
    )
    st.plotly_chart(
        fragility.ifn_scatter(frame23, atlas, level, lg),
        width="stretch",
        key="frag_ifn2023_scatter",
    )
    worst = fragility.ifn_disagreements(frame23, atlas, level).round(2)
    worst = worst[["code", "name", "score", "ifn", "rank_index", "rank_ifn", "gap"]]
    st.dataframe(
        worst.rename(
            columns={
                "code": t("code", lg),
                "name": t("name", lg),
                "score": t("frag_score", lg),
                "ifn": t("frag_ifn2023_axis", lg),
                "rank_index": t("frag_ifn2023_rank_index", lg),
                "rank_ifn": t("frag_ifn2023_rank_ifn", lg),
                "gap": t("frag_ifn2023_gap", lg),
            }
        ),
        hide_index=True,
    )
except DivideError as exc:
    st.caption(t("frag_ifn_unavailable", lg, error=exc))
st.caption(t("frag_ifn2023_caption", lg))
with st.expander(t("frag_sources", lg)):
    for comp in comps:
        st.markdown(
            f"- **{md(labels[comp])}** — {components.source_caption(indicator(comp))}"
        )
notes.add(indicator("ifn_mednum"), indicator("ifn2023_total"), named=True)
notes.show()
