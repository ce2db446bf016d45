"""Upload: a session's own indicator, sites or refreshed source file."""

import streamlit as st

from divide import uploads
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import DIRECTIONS, UNITS
from divide.safe_text import markdown as md
from divide.territory import LEVELS
from divide.uploads import COUNT_UNITS
from frontend import cache, components, sidebar, uploaded

lg = sidebar.frame()
atlas = cache.atlas()
ss = st.session_state
ss.setdefault("user_indicators", {})
ss.setdefault("user_sites", {})
ss.setdefault("upload_round", 0)  # part of the uploaders' keys: see remove()
ss.setdefault("_upload_slots", {})  # (file id, column) -> id it is stored under


st.title(t("upload_title", lg))
st.caption(t("upload_intro", lg))


indicator_tab, sites_tab, refresh_tab = st.tabs(
    [t("upload_indicator", lg), t("upload_sites", lg), t("upload_refresh", lg)]
)

with indicator_tab:
    file = components.file_uploader(
        t("upload_indicator_help", lg),
        ["csv", "txt", "xlsx"],
        key=f"upload_indicator_file_{ss['upload_round']}",
    )
    cols = st.columns(3)
    level = cols[0].selectbox(
        t("level", lg),
        ("", *LEVELS),
        key="upload_level",
        format_func=lambda v: t(f"level_{v}" if v else "upload_detect_level", lg),
    )
    unit = cols[1].selectbox(
        t("upload_unit", lg),
        sorted(UNITS, key=lambda u: (u not in COUNT_UNITS, u)),
        key="upload_unit",
        format_func=lambda u: t(f"upload_unit_{u}", lg),
    )
    direction = cols[2].selectbox(
        t("upload_direction", lg),
        sorted(DIRECTIONS),
        key="upload_direction",
        format_func=lambda d: t(f"export_dir_{d}", lg),
    )
    if file is not None:
        try:
            raw = uploaded.read_once(file)
            columns = ["", *raw.frame.columns]
            components.forget_removed(["upload_code_column", "upload_weight"], columns)
            picks = st.columns(3)
            code_column = picks[0].selectbox(
                t("upload_code_column", lg),
                columns,
                key="upload_code_column",
                format_func=lambda c: c or t("upload_detect_level", lg),
            )
            weight = picks[1].selectbox(
                t("upload_weight", lg),
                columns,
                key="upload_weight",
                format_func=lambda c: c or t("upload_no_weight", lg),
            )
            loaded = uploads.load_indicator(
                file.getvalue(),
                file.name,
                raw=raw,
                level=level or None,
                code_column=code_column or None,
                weight_column=weight or None,
                atlas=atlas,
            )
            components.forget_removed(["upload_column"], loaded.value_columns)
            column = picks[2].selectbox(
                t("upload_column", lg), loaded.value_columns, key="upload_column"
            )
            uploaded.show_report(loaded.report, lg)
            ind = loaded.as_indicator(column, unit=unit, direction=direction)
            # Another upload with a column of the same name is never replaced.
            slot = (file.file_id, column)
            kept = uploads.keep_upload(
                ss["user_indicators"], ind, previous=ss["_upload_slots"].get(slot)
            )
            ss["_upload_slots"][slot] = kept.id
            if kept.label != ind.label:
                renamed = t("upload_renamed", lg, name=ind.name(lg), new=kept.name(lg))
                st.warning(md(renamed), icon=":material/edit_note:")
        except DivideError as exc:
            components.fail(exc)
    uploaded.indicators(atlas, lg)

with sites_tab:
    file = components.file_uploader(
        t("upload_sites_help", lg),
        ["csv", "txt", "xlsx", "json", "geojson"],
        key=f"upload_sites_file_{ss['upload_round']}",
    )
    if file is not None:
        try:
            loaded = uploads.load_sites(file.getvalue(), file.name, atlas)
            uploaded.show_report(loaded.report, lg)
            ss["user_sites"][loaded.sha256] = loaded
        except DivideError as exc:
            components.fail(exc)
    uploaded.site_layers(lg)

with refresh_tab:
    file = components.file_uploader(
        t("upload_refresh_help", lg), ["csv", "txt"], key="upload_refresh_file"
    )
    if file is not None:
        try:
            result = uploads.compare_refresh(file.getvalue(), file.name, atlas)
            st.code(result.text(), language=None, wrap_lines=True)
            st.dataframe(result.table.head(200), width="stretch", hide_index=True)
        except DivideError as exc:
            components.fail(exc)
