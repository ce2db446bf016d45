"""The overview: a territory's headline figures against its parents, its type, a map."""

import pandas as pd
import streamlit as st

from divide import maps
from divide.i18n import t
from divide.indicators import as_of_short, format_value, range_text, withheld_reason
from divide.profile import comparison
from divide.registry import indicator
from divide.safe_text import markdown as md
from frontend import applies, by_type, cache, components, session, sidebar, state

HEADLINE = [
    "premises_no_thd",
    "thd30_share",
    "sites_4g",
    "dist_4g_km",
    "mediation_sites_per_10k",
    "illectronisme_est",
    "poverty_rate",
    "age65_share",
    "low_diploma_share",
    "ifn_mednum",
]


def _column_name(name: str, level: str) -> str:
    """ "Finistère (Département)"; "France" alone, not "France (France)"."""
    kind = t("level_" + level, lg)
    return name if name == kind else f"{name} ({kind})"


lg = sidebar.frame()
atlas = cache.atlas()
level, code = state.territory()
name = atlas.territory(level, code)["name"]
st.title(t("overview_title", lg))
st.subheader(md(name if level == "france" else f"{name} — {t('level_' + level, lg)}"))
if level != "france":
    st.caption(t("overview_intro", lg))

table = comparison(atlas, level, code, HEADLINE)
row = atlas.territory(level, code)
cards = st.columns(5)
for i, ind_id in enumerate(HEADLINE):
    ind = indicator(ind_id)
    # The label names the unit ("… pour 10 000 habitants"): the figure stays short
    # enough not to be cut.
    shown = format_value(table.iloc[i, 0], ind, lg, suffix=False)
    if withheld_reason(row, ind, lg):
        shown = t("withheld_short", lg)
    with cards[i % 5]:
        # The label is written above the figure, where it wraps instead of being
        # cut ("Locaux sans accès ≥ 30 M…"); the metric keeps it for screen readers.
        st.markdown(f"**{md(components.label(ind))}**")
        st.metric(
            components.label(ind),
            shown,
            help=components.source_caption(ind),
            label_visibility="collapsed",
        )
        if range_text(row, ind, lg) and not withheld_reason(row, ind, lg):
            st.caption(range_text(row, ind, lg))
        st.caption(as_of_short(ind, lg, dates=atlas.as_of))

components.figure_notes(row, HEADLINE)

shown = pd.DataFrame(
    {
        _column_name(n, lvl): [
            components.value_text(v, indicator(i), atlas.territory(lvl, c))
            for i, v in zip(HEADLINE, table[(lvl, c, n)], strict=True)
        ]
        for lvl, c, n in table.columns
    },
    index=[components.label(indicator(i)) for i in HEADLINE],
)
# The labels' column keeps a fixed width (they wrap): on a phone the values
# stay on screen beside them.
st.dataframe(
    shown,
    width="stretch",
    column_config={"_index": st.column_config.TextColumn(width="medium")},
)
with st.expander(t("sources", lg)):
    for ind_id in HEADLINE:
        ind = indicator(ind_id)
        st.markdown(f"- **{components.label(ind)}** — {components.source_caption(ind)}")

by_type.render("overview", level, code, lg)  # by type of territory

st.subheader(t("national_map", lg))
ind = components.current_indicator()
components.map_block(
    session.collection("departement", None, ind.id, lang=lg),
    ind,
    key="overview_map",
    bounds=maps.bounds_of("mainland"),
    selected=code if level == "departement" else None,
)
st.caption(components.source_caption(ind))
components.withheld_on_map("departement", ind)
applies.render(level, code, lg)  # what applies here
