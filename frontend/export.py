"""The export page's parts: the typed thresholds, the dictionary and the quality."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from divide import export
from divide.atlas import TYPE_COLUMNS, Atlas
from divide.formatting import format_count
from divide.i18n import t
from divide.registry import Indicator
from divide.safe_text import markdown as md
from frontend import cache


def thresholds(
    ids: list[str], uploaded: Mapping[str, Indicator], lg: str
) -> list[export.Threshold]:
    """Up to three "≤ / ≥ a value" rules on the chosen indicators, as typed.

    ``uploaded``: the session's uploads (:attr:`divide.atlas.Atlas.uploaded`).
    """
    ss = st.session_state
    st.markdown(f"**{t('export_thresholds', lg)}**")
    ss["export_filter_ids"] = [i for i in ss.get("export_filter_ids", []) if i in ids]
    picked = st.multiselect(
        t("export_filter_pick", lg),
        ids,
        key="export_filter_ids",
        max_selections=3,
        format_func=lambda i: export.indicator_label(i, lg, extra=uploaded),
        placeholder=t("choose_options", lg),
    )
    rules = []
    for ind_id in picked:
        factor = export.display_factor(ind_id, uploaded)
        cells = st.columns([3, 1, 2], vertical_alignment="bottom")
        named = export.indicator_label(ind_id, lg, unit=True, extra=uploaded)
        cells[0].markdown(md(named))
        op = cells[1].selectbox(
            t("export_threshold_op", lg),
            export.OPERATORS,
            key=f"export_op_{ind_id}",
            format_func=export.OPERATOR_SIGNS.get,
        )
        typed = cells[2].number_input(
            t(
                "export_threshold_value",
                lg,
                unit=export.display_unit(ind_id, lg, uploaded),
            ),
            value=None,
            step=1.0 if factor == 100 else None,
            key=f"export_value_{ind_id}",
            placeholder=t("export_threshold_placeholder", lg),
        )
        if typed is not None:
            rules.append(export.threshold(ind_id, op, typed / factor, uploaded))
    if picked:
        st.caption(t("export_threshold_note", lg))
    return rules


def about(atlas: Atlas, lg: str) -> None:
    """The dictionary of columns, the sources, the data quality report."""
    quality = atlas.quality
    st.header(t("export_dictionary", lg))
    st.dataframe(
        export.dictionary_view(
            lg, [*TYPE_COLUMNS, *atlas.catalogue()], atlas.uploaded, atlas.as_of
        ),
        hide_index=True,
    )
    st.caption(t("export_dictionary_note", lg))
    st.header(t("export_sources", lg))
    st.markdown(export.sources_markdown(lg, atlas.as_of))
    st.header(t("export_quality", lg))
    st.caption(t("export_quality_note", lg))
    st.dataframe(export.quality_view(quality, lg), hide_index=True)
    details = cache.quality_details_csv()
    n_details = details.count(b"\n") - 1
    st.caption(t("quality_details_note", lg, n=format_count(n_details, lg)))
    st.download_button(
        t("quality_details_download", lg),
        data=details,
        file_name="divide_quality_details.csv",
        mime="text/csv",
        key="export_quality_details",
        on_click="ignore",
    )
    missing = sum(map(len, export.unmatched(quality).values()))
    with st.expander(f"{t('export_unmatched', lg)} ({missing})"):
        st.markdown("\n\n".join(export.unmatched_lines(quality, lg)))
