import contextvars
from functools import partial

import streamlit as st

from divide import export
from divide.atlas import TYPE_COLUMNS
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import format_count
from divide.registry import catalogue, indicators
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from divide.territory import ALL_LEVELS
from pages import _shared

lg = _shared.frame()
atlas = _shared.session_atlas()
ss = st.session_state
st.title(t("export_title", lg))
st.caption(t("export_intro", lg))
chosen = _shared.territory()
if "export_level" not in ss:
    ss["export_level"] = "departement" if chosen[0] == "france" else "commune"
    ss["export_indicators"] = list(indicators())


label = partial(export.indicator_label, lang=lg)

# ------------------------------------------------------------- what to export
left, right = st.columns([1, 2])
level = left.selectbox(
    t("export_level", lg),
    ALL_LEVELS,
    key="export_level",
    format_func=lambda v: t(f"level_{v}", lg),
)
scopes = export.scope_options(atlas, level, chosen)
if ss.get("export_scope") not in scopes:
    ss["export_scope"] = scopes[-1]
option = right.radio(
    t("export_scope", lg),
    scopes,
    key="export_scope",
    format_func=lambda o: md(export.scope_label(atlas, o, lg)),
    horizontal=True,
)
if note := export.scope_note(level, chosen, scopes, lg):
    right.caption(note)
scope = export.parse_scope(option)

_shared.forget_removed(["export_indicators"], catalogue())
ids = st.multiselect(
    t("export_indicators", lg),
    list(catalogue()),
    key="export_indicators",
    format_func=label,
    placeholder=t("choose_options", lg),
)
if not ids:
    st.info(t("export_no_indicator", lg))
_shared.note_upload_gaps(ids, level)
atlas = _shared.typed_atlas(_shared.type_filters("export"))

ranges = {}
with st.expander(t("export_filters", lg), expanded=bool(ss.get("export_filter_ids"))):
    ss["export_filter_ids"] = [i for i in ss.get("export_filter_ids", []) if i in ids]
    picked = st.multiselect(
        t("export_filter_pick", lg),
        ids,
        key="export_filter_ids",
        max_selections=3,
        format_func=label,
        placeholder=t("choose_options", lg),
    )
    st.caption(t("export_filter_note", lg))
    base = export.table(atlas, level, within=scope, indicator_ids=picked)
    for ind_id in picked:
        spec = export.slider_spec(base[ind_id], ind_id)
        if spec is None:
            st.caption(md(t("export_filter_none", lg, name=label(ind_id))))
            continue
        key = f"export_filter_{ind_id}"
        if ss.get(f"_{key}_spec") != spec or key not in ss:  # new level or scope
            ss[key] = export.carry_range(ss.get(key), ss.get(f"_{key}_spec"), spec)
            ss[f"_{key}_spec"] = spec
        picked_range = st.slider(
            md(export.indicator_label(ind_id, lg, unit=True)),
            spec.low,
            spec.high,
            step=spec.step,
            key=key,
            format=export.slider_format(ind_id, spec),
        )
        bounds = export.registry_range(ind_id, picked_range, spec)
        if bounds is not None:
            ranges[ind_id] = bounds

try:
    frame = export.table(atlas, level, within=scope, indicator_ids=ids, ranges=ranges)
except DivideError as exc:
    _shared.fail(exc)
    st.stop()

# -------------------------------------------------------------------- preview
n = export.count_text(len(frame), lg)
st.subheader(t("export_preview", lg, n=n, k=len(ids)))
config = {
    column: st.column_config.NumberColumn(name, format=fmt, help=md(column))
    if fmt
    else name
    for column, (name, fmt) in export.preview_columns(frame, lg).items()
}
st.dataframe(frame, column_config=config, hide_index=True, height=320)
st.caption(t("export_preview_note", lg))
if frame.empty:
    st.warning(t("export_empty", lg))

# ------------------------------------------------------------------ downloads
st.subheader(t("export_download", lg))
simplified = st.checkbox(t("export_simplified", lg), key="export_simplified")
sizes = export.estimate_sizes(atlas, level, frame, simplified=simplified)
if warning := export.size_warning(sizes, lg):
    st.warning(warning)
stem = export.file_stem(level, scope)
for column, fmt in zip(st.columns(4), export.FORMATS, strict=True):
    extension, mime = export.DOWNLOADS[fmt]
    build = partial(
        export.payload, atlas, level, frame, fmt, name=stem, simplified=simplified
    )
    if fmt != "csv":  # the worker thread must see this session's uploads too
        build = partial(contextvars.copy_context().run, build)
    column.download_button(
        t(f"export_fmt_{fmt}", lg, size=export.human_size(sizes[fmt], lg)),
        # The CSV is light: built now, its file stays tied to the session (files
        # built on click could be cleaned up under load before the browser got
        # them). The geographic formats are built on click, in a worker thread.
        data=build() if fmt == "csv" else build,
        file_name=file_name(stem, extension),
        mime=mime,
        key=f"export_download_{fmt}",
        on_click="ignore",
        disabled=frame.empty,
        icon=":material/download:",
    )
st.caption(t("export_csv_why", lg))

# ------------------------------------------- dictionary, sources, data quality
st.header(t("export_dictionary", lg))
st.dataframe(export.dictionary_view(lg, [*TYPE_COLUMNS, *catalogue()]), hide_index=True)
st.caption(t("export_dictionary_note", lg))
st.header(t("export_sources", lg))
st.markdown(export.sources_markdown(lg))
st.header(t("export_quality", lg))
st.caption(t("export_quality_note", lg))
st.dataframe(export.quality_view(atlas.quality, lg), hide_index=True)
details = _shared.quality_details_csv()
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
missing = sum(map(len, export.unmatched(atlas.quality).values()))
with st.expander(f"{t('export_unmatched', lg)} ({missing})"):
    st.markdown("\n\n".join(export.unmatched_lines(atlas.quality, lg)))
