"""The use of mediation next to its supply and the modelled need (access, profile)."""

import streamlit as st

from divide import supply
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import format_date
from divide.registry import indicator, source
from pages import _shared


def render(page: str, level: str, code: str | None, lg: str) -> None:
    """Heading, table and notes of people accompanied against supply and need.

    Drawn in a container keyed ``<page>_use``.
    """
    with st.container(key=f"{page}_use"):
        _render(level, code, lg)


def _render(level: str, code: str | None, lg: str) -> None:
    st.markdown(f"**{t('use_heading', lg)}**")
    try:
        table = supply.use_supply_need(_shared.atlas(), level, code, lg)
    except DivideError as exc:
        _shared.fail(exc)
        return
    st.dataframe(table, hide_index=True, width="stretch")
    use = indicator("people_accompanied_per_1k")
    reports = source("conum_activity_2023").as_of
    st.caption(t("use_caption", lg, date=format_date(reports, lg)))
    st.caption(_shared.source_caption(use))
    aidants = _shared.atlas().quality["sources"].get("aidants_connect_2024", {})
    if aidants:
        st.caption(t("aidants_inactive_note", lg, n=aidants["inactive_not_counted"]))
