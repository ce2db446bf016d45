"""Compare a territory with its peers: ranks, a ranking table, bars, a scatter."""

import streamlit as st

from divide import compare
from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import markdown as md
from frontend import compare as parts
from frontend import components, ranked, session, sidebar, state

lg = sidebar.frame()
atlas = session.session_atlas()
notes = components.Footnote()
IDS = list(atlas.catalogue())
UPLOADED = atlas.uploaded  # a session's uploads, passed to the library
level, code = state.territory()
ss = st.session_state
labels = components.labels_of(IDS)

st.title(t("compare_title", lg))
state.seed(
    {
        "compare_x": ("cx", "thd30_share", IDS),
        "compare_peers": ("peers", "parent", compare.SCOPES),
        "compare_y": ("cy", "age65_share", IDS),
        "compare_indicator": ("cind", compare.DEFAULT_IDS[0], IDS),
    }
)
if "compare_indicators" not in ss:
    first = [*compare.DEFAULT_IDS, ss["compare_indicator"]]
    ss["compare_indicators"] = list(dict.fromkeys(first))

if level == "france":
    st.info(t("pick_territory_first", lg))
    st.subheader(t("cmp_national_regions", lg))
    level, code, scope = "region", None, "national"
else:
    name = atlas.territory(level, code)["name"]
    st.subheader(md(f"{name} — {t('level_' + level, lg)}"))
    scopes = compare.scopes_for(level)
    if ss.get("compare_peers") not in scopes:
        ss["compare_peers"] = scopes[0]
    scope = st.radio(
        t("peers", lg),
        scopes,
        key="compare_peers",
        format_func=lambda s: md(compare.scope_label(atlas, level, code, s, lg)),
        horizontal=True,
    )
    state.keep(peers=scope)

where = components.type_filters("compare")
try:
    frame = compare.peers(session.typed_atlas(where), level, code, scope)
except DivideError as exc:
    components.fail(exc)
    st.stop()
if where and frame.empty:
    st.info(t("type_filter_empty", lg))
    st.stop()
if where and code is not None and not frame["target"].any():
    st.caption(md(t("type_filter_outside", lg, name=name)))

# ------------------------------------------------------------------ ranking
components.forget_removed(
    ("compare_indicators", "compare_indicator", "compare_x", "compare_y"), IDS
)
chosen = st.multiselect(
    t("indicators", lg),
    IDS,
    key="compare_indicators",
    format_func=labels.get,
    placeholder=t("choose_options", lg),
)
components.note_upload_gaps(chosen, level)
if not chosen:
    st.info(t("cmp_choose_indicator", lg))
else:
    if ss.get("compare_indicator") not in chosen:
        ss["compare_indicator"] = chosen[0]
    rank_by = st.selectbox(
        t("cmp_rank_by", lg), chosen, key="compare_indicator", format_func=labels.get
    )
    state.keep(cind=rank_by)
    ranks = compare.target_ranks(frame, chosen, UPLOADED)
    if not ranks.empty:
        own = atlas.territory(level, code) if code is not None else None
        cards = st.columns(min(len(chosen), 4))
        for i, ind_id in enumerate(chosen):
            ind = atlas.indicator(ind_id)
            with cards[i % len(cards)]:
                st.metric(
                    md(labels[ind_id]),
                    components.value_text(ranks.loc[ind_id, "value"], ind, own),
                    help=components.source_caption(ind),
                )
                st.caption(compare.rank_text(ranks, ind_id, lg))

    parts.ranking_table(frame, chosen, rank_by, labels, UPLOADED, lg)
    notes.add(*(atlas.indicator(i) for i in chosen), named=True)

    # The territory's own members (its communes, a région's EPCIs), ranked.
    own_level, own_code = state.territory()
    if own_level != "france":
        view_level, view_scope = compare.view_of(atlas, own_level, own_code)
        view_name = atlas.territory(*view_scope)["name"]
        st.subheader(md(t("rank_title", lg, name=view_name)))
        ranked.ranked_table(
            atlas,
            view_level,
            view_scope,
            atlas.indicator(rank_by),
            lg,
            key="compare_rank",
        )

    parts.bars(frame, rank_by, labels, UPLOADED, lg)

# ------------------------------------------------------------------ scatter
st.subheader(t("scatter", lg))
left, right = st.columns(2)
x_id = left.selectbox(t("x_axis", lg), IDS, key="compare_x", format_func=labels.get)
y_id = right.selectbox(t("y_axis", lg), IDS, key="compare_y", format_func=labels.get)
state.keep(cx=x_id, cy=y_id)
figure = compare.scatter_figure(
    frame,
    x_id,
    y_id,
    lg,
    x_title=labels[x_id],
    y_title=labels[y_id],
    peers_name=t("cmp_peers_legend", lg),
    population_label=labels["population"],
    extra=UPLOADED,
)
st.plotly_chart(figure, width="stretch", key="compare_scatter")
notes_text = [t("cmp_size_note", lg)] + ([t("cmp_highlight_note", lg)] if code else [])
st.caption(" ".join(notes_text))
notes.add(*(atlas.indicator(i) for i in (x_id, y_id, "population")), named=True)
notes.show()
