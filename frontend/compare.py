"""The compare page's ranking: the peers' table and the bars of the worst."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from divide import compare
from divide.i18n import t
from divide.registry import Indicator
from divide.safe_text import markdown as md


def ranking_table(
    frame: pd.DataFrame,
    chosen: list[str],
    rank_by: str,
    labels: Mapping[str, str],
    uploaded: Mapping[str, Indicator],
    lg: str,
) -> None:
    """The peers ranked on ``rank_by``, the territory's row highlighted."""
    st.subheader(t("ranking", lg))
    st.caption(t("cmp_rank_note", lg))
    headers = {"rank": t("rank", lg), "name": t("name", lg), "code": t("code", lg)}
    table = compare.ranking_table(
        frame, chosen, rank_by, lg, labels, headers, extra=uploaded
    )
    targets = table.pop("target")
    shown = table
    if targets.any() and len(table) <= 1000:  # Styler is slow on long tables
        shown = table.style.apply(
            lambda r: ["background-color: #fde0dd" if targets[r.name] else ""] * len(r),
            axis=1,
        )
    st.dataframe(shown, hide_index=True, width="stretch", key="compare_table")


def bars(
    frame: pd.DataFrame,
    rank_by: str,
    labels: Mapping[str, str],
    uploaded: Mapping[str, Indicator],
    lg: str,
) -> None:
    """The worst peers (and the territory) as bars, with their note."""
    ordered = compare.ranking(frame, rank_by, uploaded)
    shown = compare.bar_selection(ordered)
    heading, note = compare.bar_notes(ordered, shown, labels[rank_by], lg)
    st.markdown(f"**{md(heading)}**")
    if not shown.empty:
        st.plotly_chart(
            compare.bar_figure(
                shown, rank_by, lg, title=labels[rank_by], extra=uploaded
            ),
            width="stretch",
            key="compare_bar",
        )
    if note:
        st.caption(note)
