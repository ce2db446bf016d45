import streamlit as st

from divide import compare
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import catalogue, indicator
from divide.safe_text import markdown as md
from pages import _ranked, _shared

lg = _shared.frame()
atlas = _shared.session_atlas()
IDS = list(catalogue())
level, code = _shared.territory()
ss = st.session_state
labels = {i: _shared.label(indicator(i)) for i in IDS}


def sources(ids) -> None:
    for ind_id in dict.fromkeys(ids):
        ind = indicator(ind_id)
        st.caption(f"**{md(labels[ind_id])}** — {_shared.source_caption(ind)}")


st.title(t("compare_title", lg))
if "compare_x" not in ss:  # first visit of the session: read the URL
    ss["compare_peers"] = _shared.url_param("peers", "parent", compare.SCOPES)
    ss["compare_x"] = _shared.url_param("cx", "thd30_share", IDS)
    ss["compare_y"] = _shared.url_param("cy", "age65_share", IDS)
    ss["compare_indicator"] = _shared.url_param("cind", compare.DEFAULT_IDS[0], IDS)
    ss["compare_indicators"] = list(
        dict.fromkeys([*compare.DEFAULT_IDS, ss["compare_indicator"]])
    )

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
    _shared.set_url_param("peers", scope)

where = _shared.type_filters("compare")
typed = _shared.typed_atlas(where)
try:
    frame = compare.peers(typed, level, code, scope)
except DivideError as exc:
    _shared.fail(exc)
    st.stop()
if where and frame.empty:
    st.info(t("type_filter_empty", lg))
    st.stop()
if where and code is not None and not frame["target"].any():
    st.caption(md(t("type_filter_outside", lg, name=name)))

# ------------------------------------------------------------------ ranking
_shared.forget_removed(
    ("compare_indicators", "compare_indicator", "compare_x", "compare_y"), IDS
)
chosen = st.multiselect(
    t("indicators", lg),
    IDS,
    key="compare_indicators",
    format_func=labels.get,
    placeholder=t("choose_options", lg),
)
_shared.note_upload_gaps(chosen, level)
if not chosen:
    st.info(t("cmp_choose_indicator", lg))
else:
    if ss.get("compare_indicator") not in chosen:
        ss["compare_indicator"] = chosen[0]
    rank_by = st.selectbox(
        t("cmp_rank_by", lg), chosen, key="compare_indicator", format_func=labels.get
    )
    _shared.set_url_param("cind", rank_by)
    ranks = compare.target_ranks(frame, chosen)
    if not ranks.empty:
        cards = st.columns(min(len(chosen), 4))
        for i, ind_id in enumerate(chosen):
            ind = indicator(ind_id)
            with cards[i % len(cards)]:
                st.metric(
                    md(labels[ind_id]),
                    _shared.value_text(ranks.loc[ind_id, "value"], ind),
                    help=_shared.source_caption(ind),
                )
                st.caption(compare.rank_text(ranks, ind_id, lg))

    st.subheader(t("ranking", lg))
    st.caption(t("cmp_rank_note", lg))
    headers = {"rank": t("rank", lg), "name": t("name", lg), "code": t("code", lg)}
    table = compare.ranking_table(frame, chosen, rank_by, lg, labels, headers)
    targets = table.pop("target")
    shown = table
    if targets.any() and len(table) <= 1000:  # Styler is slow on long tables
        shown = table.style.apply(
            lambda r: ["background-color: #fde0dd" if targets[r.name] else ""] * len(r),
            axis=1,
        )
    st.dataframe(shown, hide_index=True, width="stretch", key="compare_table")
    sources(chosen)

    # The territory's own members (its communes, a région's EPCIs), ranked.
    own_level, own_code = _shared.territory()
    if own_level != "france":
        view_level, view_scope = compare.view_of(atlas, own_level, own_code)
        view_name = atlas.territory(*view_scope)["name"]
        st.subheader(md(t("rank_title", lg, name=view_name)))
        _ranked.ranked_table(
            atlas, view_level, view_scope, indicator(rank_by), lg, key="compare_rank"
        )

    ranked = compare.ranking(frame, rank_by)
    bars = compare.bar_selection(ranked)
    heading, note = compare.bar_notes(ranked, bars, labels[rank_by], lg)
    st.markdown(f"**{md(heading)}**")
    if not bars.empty:
        st.plotly_chart(
            compare.bar_figure(bars, rank_by, lg, title=labels[rank_by]),
            width="stretch",
            key="compare_bar",
        )
    st.caption(f"{note} {_shared.source_caption(indicator(rank_by))}".strip())

# ------------------------------------------------------------------ scatter
st.subheader(t("scatter", lg))
left, right = st.columns(2)
with left:
    x_id = st.selectbox(t("x_axis", lg), IDS, key="compare_x", format_func=labels.get)
with right:
    y_id = st.selectbox(t("y_axis", lg), IDS, key="compare_y", format_func=labels.get)
_shared.set_url_param("cx", x_id)
_shared.set_url_param("cy", y_id)
figure = compare.scatter_figure(
    frame,
    x_id,
    y_id,
    lg,
    x_title=labels[x_id],
    y_title=labels[y_id],
    peers_name=t("cmp_peers_legend", lg),
    population_label=labels["population"],
)
st.plotly_chart(figure, width="stretch", key="compare_scatter")
notes = [t("cmp_size_note", lg)] + ([t("cmp_highlight_note", lg)] if code else [])
st.caption(" ".join(notes))
sources([x_id, y_id, "population"])
