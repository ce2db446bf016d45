"""The "by type of territory" section of the overview and the profile.

The chosen territory and France, each main indicator by class (Σ numerator /
Σ denominator over the class's communes, see :func:`divide.typology.by_type`),
as a table and a bar chart. A commune is shown through its département.
"""

from __future__ import annotations

import streamlit as st

from divide import territory_types, typology
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import source
from divide.safe_text import markdown as md
from frontend import cache, components, state

IDS = typology.DEFAULT_IDS


def render(prefix: str, level: str, code: str, lg: str) -> None:
    """Draw the section in a container keyed ``<prefix>_types``.

    Its widgets are keyed ``<prefix>_type_grid`` and ``<prefix>_type_indicator``.
    """
    with st.container(key=f"{prefix}_types"):
        _section(prefix, level, code, lg)


def _section(prefix: str, level: str, code: str, lg: str) -> None:
    grid_key, ind_key = f"{prefix}_type_grid", f"{prefix}_type_indicator"
    state.seed(
        {
            grid_key: ("tgrid", "density3", typology.GRIDS),
            ind_key: ("tind", IDS[0], IDS),
        }
    )
    labels = components.labels_of((*IDS, "population", "premises"))

    st.subheader(t("type_title", lg))
    scope = None if level == "france" else (level, code)
    if level == "commune":
        row = cache.atlas().territory("commune", code)
        scope = ("departement", str(row["departement"]))
        dep = cache.atlas().territory(*scope)["name"]
        cls = row["density3"]
        shown = typology.class_label(
            "density3", cls if isinstance(cls, str) else "none", lg
        )
        st.caption(
            md(t("type_table_commune", lg, name=row["name"], cls=shown, dep=dep))
        )
    left, right = st.columns(2)
    grid = left.selectbox(
        t("type_grid_pick", lg),
        typology.GRIDS,
        key=grid_key,
        format_func=lambda g: typology.grid_label(g, lg),
    )
    ind_id = right.selectbox(
        t("type_chart_indicator", lg), IDS, key=ind_key, format_func=labels.get
    )
    state.keep(tgrid=grid, tind=ind_id)
    try:
        frame = cache.by_type(scope, grid)
    except DivideError as exc:
        components.fail(exc)
        return
    # A static table (read as text, printed whole): a few rows, a few columns.
    with st.container(key=f"{prefix}_type_table"):
        st.table(typology.by_type_view(frame, grid, lg, labels))
    with st.container(key=f"{prefix}_type_chart"):
        st.vega_lite_chart(
            spec=typology.by_type_figure(frame, ind_id, grid, lg, title=labels[ind_id]),
            width="stretch",
        )
    src = source(territory_types.SOURCES[grid])
    origin = f"{src.producer} — {t('vintage', lg)} {src.vintage}"
    st.caption(f"{t('type_table_note', lg)} {t('type_source', lg, source=origin)}")
