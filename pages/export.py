"""Export: a level's territories and indicators as files, with the dictionary."""

from functools import partial

import streamlit as st

from divide import export
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import indicators
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from divide.territory import ALL_LEVELS, parse_scope
from frontend import components, session, sidebar, state
from frontend import export as parts

lg = sidebar.frame()
atlas = session.session_atlas()
ss = st.session_state
st.title(t("export_title", lg))
st.caption(t("export_intro", lg))
chosen = state.territory()
if "export_level" not in ss:
    ss["export_level"] = "departement" if chosen[0] == "france" else "commune"
    ss["export_indicators"] = list(indicators())


label = partial(export.indicator_label, lang=lg, extra=atlas.uploaded)

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
scope = parse_scope(option)

components.forget_removed(["export_indicators"], atlas.catalogue())
ids = st.multiselect(
    t("export_indicators", lg),
    list(atlas.catalogue()),
    key="export_indicators",
    format_func=label,
    placeholder=t("choose_options", lg),
)
if not ids:
    st.info(t("export_no_indicator", lg))
components.note_upload_gaps(ids, level)
atlas = session.typed_atlas(components.type_filters("export"))

thresholds = parts.thresholds(ids, atlas.uploaded, lg)

try:
    frame = export.table(
        atlas, level, within=scope, indicator_ids=ids, thresholds=thresholds
    )
except DivideError as exc:
    components.fail(exc)
    st.stop()

# -------------------------------------------------------------------- preview
n = export.count_text(len(frame), lg)
st.subheader(t("export_preview", lg, n=n, k=len(ids)))
if thresholds:
    st.caption(md(" · ".join(rule.text(lg) for rule in thresholds)))
preview = export.preview_frame(frame, lg, atlas.uploaded)
st.dataframe(preview, hide_index=True, height=320)
st.caption(t("export_preview_note", lg))
if frame.empty:
    st.warning(t("export_empty", lg))

# ------------------------------------------------------------------ downloads
st.subheader(t("export_download", lg))
simplified = st.checkbox(t("export_simplified", lg), key="export_simplified")
vintages = st.checkbox(t("export_vintages", lg), key="export_vintages")
sizes = export.estimate_sizes(atlas, level, frame, simplified=simplified)
if warning := export.size_warning(sizes, lg):
    st.warning(warning)
stem = export.file_stem(level, scope)
for column, fmt in zip(st.columns([1.5, 1, 1, 1]), export.FORMATS, strict=True):
    extension, mime = export.DOWNLOADS[fmt]
    build = partial(
        export.payload,
        atlas,
        level,
        frame,
        fmt,
        name=stem,
        simplified=simplified,
        vintages=vintages,
    )
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

parts.about(atlas, lg)
