"""The ranked table of a view's territories, beside a map (map and compare pages).

Rows come from :func:`divide.compare.ranked_rows`; clicking a row makes it the
current territory (the map then selects and frames it).
"""

import pandas as pd
import streamlit as st

from divide import compare
from divide.atlas import Atlas
from divide.i18n import t
from divide.indicators import format_count, format_value, unit_label
from divide.maps import is_count
from divide.registry import Indicator
from frontend import state


def _count_label(ind: Indicator, lg: str) -> str:
    unit = "premises" if ind.denominator == "premises" else "people"
    side = "lacking" if ind.direction == "lower_worse" else "having"
    return t(f"rank_col_{side}_{unit}", lg)


def ranked_table(
    atlas: Atlas,
    level: str,
    within: tuple | None,
    ind: Indicator,
    lg: str,
    key: str,
    height: int = 520,
) -> None:
    """Show the ranked rows of a view; a clicked row becomes the territory."""
    has_count = compare.implied_count(atlas.members(level, within).head(1), ind)
    by = "rate"  # the indicator's own value (a count when it is one)
    if has_count is not None:  # a rate, and the count it implies
        by = st.radio(
            t("rank_sort", lg),
            compare.RANK_BY,
            key=f"{key}_by",
            horizontal=True,
            format_func=lambda b: t(f"rank_by_{b}", lg),
        )
    rows = compare.ranked_rows(atlas, level, within, ind.id, by)
    shown = pd.DataFrame(
        {
            t("rank_col_rank", lg): rows["rank"],
            t("rank_col_name", lg): rows["name"],
        }
    )
    if has_count is not None:
        shown[_count_label(ind, lg)] = [
            format_count(round(c), lg) if pd.notna(c) else t("no_data", lg)
            for c in rows["count"]
        ]
    value_head = (
        unit_label(ind, lg).capitalize() if is_count(ind) else t("rank_col_value", lg)
    )
    shown[value_head] = [format_value(v, ind, lg) for v in rows["value"]]
    if "low" in rows:  # a modelled value: its range beside it
        shown[t("rank_col_range", lg)] = [
            t(
                "range_between",
                lg,
                low=format_value(lo, ind, lg),
                high=format_value(hi, ind, lg),
            )
            if pd.notna(lo) and pd.notna(hi)
            else t("no_data", lg)
            for lo, hi in zip(rows["low"], rows["high"], strict=True)
        ]
    shown[t("rank_col_code", lg)] = rows["code"]
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_table",
    )
    st.caption(t("rank_hint", lg))
    picked = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if picked:
        code = str(rows.at[picked[0], "code"])
        last = st.session_state.get(f"{key}_last")
        if code != last and (level, code) != state.territory():
            st.session_state[f"{key}_last"] = code
            state.choose(level, code)
            st.rerun()
