"""Recommendations: what applies here, then the knowledge base, filtered."""

import streamlit as st

from divide import maps, recommend
from divide.errors import DivideError
from divide.i18n import t
from divide.knowledge import KINDS, SOURCES, knowledge
from divide.registry import indicator
from divide.safe_text import markdown as md
from frontend import applies, cache, components, sidebar, state
from frontend.applies import link

LEVELS = recommend.LEVELS
KB = knowledge()
COUNTRIES = recommend.countries(KB)

lg = sidebar.frame()
atlas = cache.atlas()
level, code = state.territory()

st.title(t("reco_title", lg))
st.caption(t("reco_intro", lg))
applies.render(level, code, lg)
st.divider()

state.seed(
    {
        "reco_level": ("rlevel", "departement", LEVELS),
        "reco_theme": ("rtheme", "", ["", *KB.themes]),
        "reco_country": ("rcountry", "", ["", *COUNTRIES]),
        "reco_kind": ("rkind", "", ["", *KINDS]),
    }
)


def any_or(labels):
    return lambda v: t("any", lg) if v == "" else labels(v)


c = st.columns(4)
theme = c[0].selectbox(
    t("reco_theme", lg),
    ["", *KB.themes],
    key="reco_theme",
    format_func=any_or(lambda v: KB.themes[v][lg]),
)
country = c[1].selectbox(
    t("reco_country", lg), ["", *COUNTRIES], key="reco_country", format_func=any_or(str)
)
kind = c[2].selectbox(
    t("reco_kind", lg),
    ["", *KINDS],
    key="reco_kind",
    format_func=any_or(lambda v: t(f"reco_kind_{v}", lg)),
)
where_level = c[3].selectbox(
    t("reco_level", lg),
    LEVELS,
    key="reco_level",
    format_func=lambda v: t(f"level_{v}", lg),
)
state.keep(
    rtheme=theme or None,
    rcountry=country or None,
    rkind=kind or None,
    rlevel=where_level,
)
st.caption(t("reco_filter_note", lg))
try:
    recs, inits, contros = recommend.browse(
        KB, theme=theme or None, country=country or None, kind=kind or None
    )
except DivideError as exc:
    components.fail(exc)
    st.stop()
numbers = {r.id: r.number for r in KB.recommendations.values()}
total = len(atlas.level(where_level))
plural = t(f"levels_plural_{where_level}", lg)

# ---------------------------------------------------------- recommendations
st.header(t("reco_recommendations", lg, n=len(recs)))
if not recs:
    st.info(t("reco_none", lg))
for rec in recs:
    with st.expander(md(f"{rec.number}. {rec.title[lg]}")):
        st.text(rec.summary[lg])
        st.caption(md(rec.citation(lg)))
        informed = ", ".join(components.label(indicator(i)) for i in rec.indicators)
        st.markdown(f"**{t('reco_informed_by', lg)}** — {md(informed)}")
        st.markdown(f"**{t('reco_where', lg)}**")
        where = cache.fires(rec.id, where_level)
        if where.empty:
            st.caption(t("reco_fires_none", lg))
            continue
        st.caption(t("reco_fires_n", lg, n=len(where), total=total, plural=plural))
        top = recommend.fires_view(where.head(10), lg, KB)
        st.dataframe(top, hide_index=True, width="stretch", key=f"reco_top_{rec.id}")
        st.caption(t("reco_strength_note", lg))
        if st.toggle(t("reco_show_map", lg), key=f"reco_map_{rec.id}"):
            components.map_block(
                cache.fires_layer(rec.id, lg),
                recommend.STRENGTH,
                key=f"reco_folium_{rec.id}",
                bounds=maps.bounds_of("mainland"),
                height=380,
                title=t("reco_strength", lg),
                no_data=t("reco_map_nodata", lg),
                what=(rec.id,),
            )

# ---------------------------------------------------------------- initiatives
st.header(t("reco_initiatives", lg, n=len(inits)))
if not inits:
    st.info(t("reco_no_initiative", lg))
cols = st.columns(3)
for i, init in enumerate(inits):
    with cols[i % 3].container(border=True):
        st.markdown(f"**{md(init.name)}**")
        where = [init.place, init.country, t(f"reco_kind_{init.kind}", lg)]
        st.caption(md(" · ".join(w for w in where if w)))
        st.text(init.description[lg])
        serves = ", ".join(str(numbers[r]) for r in init.recommendations)
        st.caption(md(t("reco_serves", lg, what=serves)))
        if init.link:
            st.markdown(link(t("reco_link", lg), init.link))
        st.caption(md(init.citation(lg)))

# ------------------------------------------------------------ controversies
with st.expander(t("reco_controversies", lg, n=len(contros))):
    for contro in contros:
        st.markdown(f"**{md(contro.title[lg])}**")
        st.text(contro.summary[lg])
        tension = ", ".join(
            f"{numbers[r]}. {KB.recommendations[r].title[lg]}"
            for r in contro.recommendations
        )
        source = f"{SOURCES[contro.source][lg]}, p. {contro.pages}"
        st.caption(md(f"{t('reco_qualifies', lg, what=tension)} — {source}"))
