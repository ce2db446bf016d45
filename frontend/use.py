"""The use of mediation next to its supply and the modelled need (access, profile)."""

import streamlit as st

from divide import supply
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import format_date
from divide.registry import indicator, source
from frontend import cache, components


def render(
    page: str, level: str, code: str | None, lg: str, notes: components.Footnote
) -> None:
    """Heading, table and notes of people accompanied against supply and need.

    Drawn in a container keyed ``<page>_use``; its source goes to ``notes``.
    """
    with st.container(key=f"{page}_use"):
        _render(level, code, lg)
    notes.add(indicator("people_accompanied_per_1k"))


def _render(level: str, code: str | None, lg: str) -> None:
    st.markdown(f"**{t('use_heading', lg)}**")
    try:
        table = supply.use_supply_need(cache.atlas(), level, code, lg)
    except DivideError as exc:
        components.fail(exc)
        return
    st.dataframe(table, hide_index=True, width="stretch")
    reports = source("conum_activity_2023").as_of
    st.caption(t("use_caption", lg, date=format_date(reports, lg)))
    aidants = cache.atlas().quality["sources"].get("aidants_connect_2024", {})
    if aidants:
        st.caption(t("aidants_inactive_note", lg, n=aidants["inactive_not_counted"]))
