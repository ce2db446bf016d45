"""The sidebar every page shares: language, territory search and drill-down."""

from __future__ import annotations

import streamlit as st

from divide import assets
from divide.i18n import LANGS, t
from divide.safe_text import markdown as md
from divide.search import label as search_label
from divide.search import search
from frontend import cache, navigation, state
from frontend.state import DRILL


def frame() -> str:
    """Draw the shared sidebar (language, territory picker); returns the language."""
    lg = state.start()
    navigation.require_router(lg)
    ss = st.session_state
    # Widget state does not survive a change of page: restore the sidebar widgets
    # from the session's own state before drawing them.
    ss["lang"] = lg
    state.sync_drill(*ss["territory"])
    with st.sidebar:
        st.selectbox(
            t("language", lg) + " / Language",
            LANGS,
            key="lang",
            format_func=lambda code: {"fr": "Français", "en": "English"}[code],
            on_change=_on_lang,
        )
        st.markdown(f"**{t('territory', lg)}**")
        query = st.text_input(
            t("search", lg),
            key="territory_query",
            placeholder="Châteauroux, 36044, 36000…",
        )
        if query:
            _search_results(query, lg)
        with st.expander(t("drill", lg), expanded=False):
            _drill(cache.atlas().territories, lg)
        level, code = ss["territory"]
        name = cache.atlas().territory(level, code)["name"]
        kind = t("level_" + level, lg)
        shown = name if name == kind else f"{name} ({kind})"  # not "France (France)"
        st.info(md(t("selected", lg, name=shown)))
        if level != "france":
            st.button(
                t("reset", lg),
                key="reset_territory",
                on_click=state.choose,
                args=("france", "FR"),
            )
        if ss.get("_url_error"):
            st.warning(md(ss.pop("_url_error")))
        if not assets.available():
            st.warning(t("assets_missing", lg), icon=":material/wifi_off:")
    state.write_url()
    return lg


def _on_lang() -> None:
    st.session_state["_lang"] = st.session_state["lang"]


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
        state.choose(level, code)
        st.session_state["territory_query"] = ""
        st.session_state["territory_pick"] = None


def _search_results(query: str, lg: str) -> None:
    hits = search(cache.territory_search_index(), query)
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
            names[current] = cache.atlas().territory(level, current)["name"]
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
