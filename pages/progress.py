"""Progress: a dated series for the territory and its parents, and its map at a date."""

import plotly.express as px
import streamlit as st

from divide import maps
from divide import series as dated
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import display_values, format_date, format_value
from divide.registry import series_registry
from frontend import cache, components, sidebar, state

lg = sidebar.frame()
atlas = cache.atlas()
level, code = state.territory()
st.title(t("progress_title", lg))
st.caption(t("progress_intro", lg))

SERIES = list(series_registry())
state.seed({"progress_series": ("series", SERIES[0], SERIES)})
series_id = st.selectbox(
    t("progress_series", lg),
    SERIES,
    key="progress_series",
    format_func=lambda s: series_registry()[s].name(lg),
)
state.keep(series=series_id)
entry = series_registry()[series_id]
ind = dated.as_indicator(entry)
st.caption(entry.note.get(lg, ""))

try:
    lines = dated.lines(atlas, series_id, level, code, lg)
    dates = dated.dates(atlas, series_id)
except DivideError as exc:
    components.fail(exc)
    st.stop()

# ------------------------------------------------------------ the line chart
shown = lines.assign(
    shown=display_values(lines["value"], ind),
    text=[format_value(v, ind, lg) for v in lines["value"]],
)
figure = px.line(
    shown,
    x="date",
    y="shown",
    color="territory",
    markers=True,
    custom_data=["text"],
    labels={"date": t("date", lg), "shown": components.label(ind), "territory": ""},
)
figure.update_traces(
    hovertemplate="%{x}<br>%{customdata[0]}<extra>%{fullData.name}</extra>"
)
figure.update_layout(
    font_family="sans-serif",
    legend={"orientation": "h", "y": -0.2},
    margin={"l": 10, "r": 10, "t": 30, "b": 10},
    separators=", " if lg == "fr" else ".,",
)
st.plotly_chart(figure, key="progress_chart", config={"displaylogo": False})
source = components.source_caption_of(entry.source_records())
st.caption(f"{source} — {dated.as_of_line(atlas, series_id, lg)}")

# --------------------------------------------------- the map at a chosen date
st.subheader(t("progress_map", lg))
state.seed({"progress_date": ("date", dates[-1], dates)})
date = st.select_slider(
    t("progress_date", lg),
    dates,
    key="progress_date",
    format_func=lambda d: format_date(d, lg),
)
state.keep(date=date)
values = dated.at_date(atlas, series_id, "departement", date)
components.map_block(
    cache.series_collection(series_id, date, lg),
    ind,
    key="progress_map",
    bounds=maps.bounds_of("mainland"),
    selected=code if level == "departement" else None,
)
st.caption(t("progress_map_note", lg, date=format_date(date, lg), n=len(values)))

table = dated.long_table(atlas, [series_id], "departement")
st.download_button(
    t("progress_download", lg),
    data=cache.csv_file(table),
    file_name=f"divide_{series_id}_departements.csv",
    mime="text/csv",
    key="progress_download",
    on_click="ignore",
)
