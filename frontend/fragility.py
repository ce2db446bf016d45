"""The fragility page's sections: the chosen territory's card, the IFN benchmarks."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import NamedTuple

import pandas as pd
import streamlit as st

from divide import export, fragility
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import value_column
from divide.registry import Indicator
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from frontend import components, state

LEVELS = ("region", "departement", "epci", "commune")
NORMS = fragility.NORMALISATIONS
REFERENCES = ("france", "region")


def components_of(candidates: list[str], text: str) -> list[str]:
    """The components a link names (``fcomp=a,b``); a ValueError when none is."""
    picked = [c for c in text.split(",") if c in candidates]
    if not picked:
        raise ValueError(text)
    return picked


class Controls(NamedTuple):
    """What the page's controls say."""

    comps: list[str]
    norm: str
    level: str
    ref: str


def controls(
    candidates: list[str],
    labels,
    t_level: str,
    region: str | None,
    region_name: str | None,
    lg: str,
) -> Controls:
    """The components, normalisation, level and reference, seeded from the link.

    The reference is France where the territory lies in no région.
    """
    picked = partial(components_of, candidates)
    first_level = t_level if t_level in LEVELS else "departement"
    defaults = list(fragility.DEFAULT_COMPONENTS)
    state.seed(
        {
            "frag_norm": ("fnorm", "percentile", NORMS),
            "frag_components": ("fcomp", defaults, picked),
            "frag_level": ("flevel", first_level, LEVELS),
            "frag_ref": ("fref", "france", REFERENCES),
        }
    )
    if region is None:
        st.session_state["frag_ref"] = "france"
    ref_labels = {
        "france": t("frag_ref_france", lg),
        "region": md(t("frag_ref_region", lg, name=region_name or "—")),
    }
    components.forget_removed(["frag_components"], candidates)
    comps = st.multiselect(
        t("frag_components", lg),
        candidates,
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
        t("level", lg),
        LEVELS,
        key="frag_level",
        format_func=lambda v: t(f"level_{v}", lg),
    )
    ref = c[2].radio(
        t("frag_ref", lg),
        REFERENCES,
        key="frag_ref",
        format_func=ref_labels.get,
        disabled=region is None,
    )
    state.keep(fcomp=",".join(comps) or None, fnorm=norm, flevel=level, fref=ref)
    return Controls(comps, norm, level, ref)


def sources(comps: list[str], labels, lg: str) -> None:
    """The source of each component, folded."""
    with st.expander(t("frag_sources", lg)):
        for comp in comps:
            caption = components.source_caption(components.find(comp))
            st.markdown(f"- **{md(labels[comp])}** — {caption}")


def weights(comps: list[str], labels, lg: str) -> tuple[tuple[str, float], ...]:
    """A slider per component (folded); returns (component, weight) pairs."""
    with st.expander(t("frag_weights", lg)):
        cols = st.columns(3)
        for i, comp in enumerate(comps):
            cols[i % 3].slider(md(labels[comp]), 0, 5, 1, key=f"frag_w_{comp}")
        st.caption(t("frag_weights_note", lg))
    ss = st.session_state
    return tuple((comp, float(ss.get(f"frag_w_{comp}", 1))) for comp in comps)


def territory_card(
    atlas: Atlas,
    own: pd.DataFrame | None,
    level: str,
    code: str,
    labels,
    uploaded: Mapping[str, Indicator],
    lg: str,
) -> None:
    """The chosen territory's score, rank, contributions and components.

    ``uploaded``: the session's uploads (some may be components).
    """
    if level == "france":
        st.info(t("frag_pick", lg))
        return
    name = atlas.territory(level, code)["name"]
    if code not in own.index:  # outside the filters by type
        st.caption(md(t("type_filter_outside", lg, name=name)))
        return
    info = fragility.summary(own, code, lg)
    st.subheader(md(f"{name} — {t('level_' + level, lg)}"))
    for card, (label, value) in zip(st.columns(4), info["cards"], strict=True):
        card.metric(label, value)
    st.caption(f"{info['rank']} **{t('frag_calls_for', lg)}** — {info['calls']}")
    table = fragility.component_table(own, code, uploaded)
    st.markdown(f"**{t('frag_contrib', lg)}**")
    fig = fragility.contribution_figure(table, labels, lg, total=t("frag_total", lg))
    st.plotly_chart(fig, width="stretch", key="frag_contrib_chart")
    st.markdown(f"**{t('frag_components_table', lg)}**")
    row = atlas.territory(level, code)
    detail = fragility.component_view(table, labels, lg, uploaded, row)
    st.dataframe(detail, hide_index=True, width="stretch", key="frag_components_table")
    if info["missing"]:
        what = ", ".join(labels[comp] for comp in info["missing"])
        st.caption(md(t("frag_missing", lg, what=what)))


DISAGREEMENT_HEADS = {
    "code": "code",
    "name": "name",
    "score": "frag_score",
    "ifn": "frag_ifn2023_axis",
    "rank_index": "frag_ifn2023_rank_index",
    "rank_ifn": "frag_ifn2023_rank_ifn",
    "gap": "frag_ifn2023_gap",
}


def benchmarks(
    atlas: Atlas, index: pd.DataFrame, level: str, correlation, lg: str
) -> None:
    """How the index agrees with the MedNum IFN and with the IFN 2023.

    ``correlation`` is the (cached) call that returns the agreement with the
    MedNum IFN; it may raise a :class:`DivideError` (shown as unavailable).
    """
    plural = t(f"levels_plural_{level}", lg)
    st.subheader(t("frag_ifn", lg))
    try:
        st.markdown(fragility.ifn_text(correlation(), lg, plural))
    except DivideError as exc:
        st.caption(t("frag_ifn_unavailable", lg, error=exc))
    st.caption(t("frag_ifn_caution", lg))
    st.subheader(t("frag_ifn2023", lg))
    try:
        agreement = fragility.correlation_with_ifn(
            index, atlas, level, value_column("ifn2023_total")
        )
        st.markdown(fragility.ifn_text(agreement, lg, plural))
        st.plotly_chart(
            fragility.ifn_scatter(index, atlas, level, lg),
            width="stretch",
            key="frag_ifn2023_scatter",
        )
        worst = fragility.ifn_disagreements(index, atlas, level).round(2)
        worst = worst[list(DISAGREEMENT_HEADS)]
        heads = {k: t(v, lg) for k, v in DISAGREEMENT_HEADS.items()}
        st.dataframe(worst.rename(columns=heads), hide_index=True)
    except DivideError as exc:
        st.caption(t("frag_ifn_unavailable", lg, error=exc))
    st.caption(t("frag_ifn2023_caption", lg))


def index_tables(
    base: pd.DataFrame | None,
    shown: pd.DataFrame,
    level: str,
    norm: str,
    ref: str,
    lg: str,
) -> None:
    """Who moved, the whole index as a table, and its download.

    ``base`` is the index with the default weights (None when the weights are
    the defaults: nothing moved).
    """
    st.subheader(t("frag_movers", lg))
    if base is None:
        st.caption(t("frag_movers_none", lg))
    else:
        moves = fragility.movers_view(base, shown, lg)
        st.dataframe(moves, hide_index=True, width="stretch", key="frag_movers_table")
        st.caption(t("frag_movers_note", lg))
    st.subheader(t("frag_table", lg))
    view = fragility.index_view(shown, lg)
    st.dataframe(view, hide_index=True, width="stretch", height=380, key="frag_table")
    plural = t(f"levels_plural_{level}", lg)
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
