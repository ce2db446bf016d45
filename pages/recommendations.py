import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from divide import maps, recommend
from divide.errors import DivideError
from divide.i18n import t
from divide.knowledge import KINDS, SOURCES, knowledge
from divide.registry import indicator
from divide.safe_text import markdown as md
from pages import _applies, _shared
from pages._applies import link

LEVELS = recommend.LEVELS
KB = knowledge()
COUNTRIES = recommend.countries(KB)


@st.cache_data(show_spinner=False, max_entries=64)
def fires(rec_id: str, level: str) -> pd.DataFrame:
    return recommend.where_it_fires(_shared.atlas(), rec_id, level)


@st.cache_data(show_spinner=False, max_entries=32)
def fires_layer(rec_id: str, lang: str):
    values = recommend.fires_values(_shared.atlas(), rec_id, "departement")
    shapes = _shared.geometry("departement")
    return maps.score_layer(shapes, values, recommend.STRENGTH, lang)


lg = _shared.frame()
atlas = _shared.atlas()
level, code = _shared.territory()
ss = st.session_state

st.title(t("reco_title", lg))
st.caption(t("reco_intro", lg))
_applies.render(level, code, lg)
st.divider()

if "reco_level" not in ss:  # first visit of the session: read the URL
    ss["reco_theme"] = _shared.url_param("rtheme", "", ["", *KB.themes])
    ss["reco_country"] = _shared.url_param("rcountry", "", ["", *COUNTRIES])
    ss["reco_kind"] = _shared.url_param("rkind", "", ["", *KINDS])
    ss["reco_level"] = _shared.url_param("rlevel", "departement", LEVELS)


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
for key, value in (("rtheme", theme), ("rcountry", country), ("rkind", kind)):
    _shared.set_url_param(key, value or None)
_shared.set_url_param("rlevel", where_level)
st.caption(t("reco_filter_note", lg))
try:
    recs, inits, contros = recommend.browse(
        KB, theme=theme or None, country=country or None, kind=kind or None
    )
except DivideError as exc:
    _shared.fail(exc)
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
        informed = ", ".join(_shared.label(indicator(i)) for i in rec.indicators)
        st.markdown(f"**{t('reco_informed_by', lg)}** — {md(informed)}")
        st.markdown(f"**{t('reco_where', lg)}**")
        where = fires(rec.id, where_level)
        if where.empty:
            st.caption(t("reco_fires_none", lg))
            continue
        st.caption(t("reco_fires_n", lg, n=len(where), total=total, plural=plural))
        top = recommend.fires_view(where.head(10), lg, KB)
        st.dataframe(top, hide_index=True, width="stretch", key=f"reco_top_{rec.id}")
        st.caption(t("reco_strength_note", lg))
        if st.toggle(t("reco_show_map", lg), key=f"reco_map_{rec.id}"):
            collection, edges, colours = fires_layer(rec.id, lg)
            fmap = maps.base_map(maps.bounds_of("mainland"))
            heads = {"layer": "layer", "name": "name", "code": "code"}
            names = {k: t(v, lg) for k, v in heads.items()}
            names["value"] = t("reco_strength", lg)
            maps.add_choropleth(fmap, collection, names, selected=None)
            map_col, legend_col = st.columns([3, 1])
            with map_col:
                st_folium(
                    fmap,
                    height=380,
                    use_container_width=True,
                    returned_objects=[],
                    key=f"reco_folium_{rec.id}",
                )
            legend = maps.legend_html(
                edges,
                colours,
                recommend.STRENGTH,
                lg,
                title=t("reco_strength", lg),
                no_data=t("reco_map_nodata", lg),
            )
            legend_col.markdown(legend, unsafe_allow_html=True)

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
