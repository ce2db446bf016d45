import streamlit as st
from streamlit_folium import st_folium

from divide import maps, uploads
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import DIRECTIONS, UNITS
from divide.safe_text import clean, file_name
from divide.safe_text import markdown as md
from divide.territory import LEVELS
from divide.uploads import COUNT_UNITS
from pages import _shared

lg = _shared.frame()
atlas = _shared.atlas()
ss = st.session_state
ss.setdefault("user_indicators", {})
ss.setdefault("user_sites", {})
ss.setdefault("upload_round", 0)  # part of the uploaders' keys: see remove()
ss.setdefault("_upload_slots", {})  # (file id, column) -> id it is stored under


st.title(t("upload_title", lg))
st.caption(t("upload_intro", lg))


def read_once(file) -> uploads.RawTable:
    """The uploaded table, read once per file (its columns are offered first)."""
    held = ss.get("_upload_raw")
    if held is None or held[0] != file.file_id:
        held = ss["_upload_raw"] = (
            file.file_id,
            uploads.read_upload(file.getvalue(), clean(file.name, 120)),
        )
    return held[1]


def remove(store: str, key: str) -> None:
    """Forget an upload, and empty the uploaders so that it is not read again."""
    ss[store].pop(key, None)
    ss["upload_round"] += 1


def show_report(report) -> None:
    """The validation report as plain text and a table of problems."""
    st.code(report.text(lang=lg), language=None, wrap_lines=True)
    if report.problems:
        st.dataframe(report.problems_frame(lg), width="stretch", hide_index=True)


def draw(ind, *, key: str) -> None:
    """The uploaded indicator at its own level, over the territories it covers."""
    collection, edges, colours = _shared.collection(
        ind.level, None, ind.id, "quantiles", 5, lg, only_known=True
    )
    shapes = _shared.geometry(ind.level)
    covered = shapes[shapes["code"].isin(ind.values_at(ind.level).dropna().index)]
    fmap = maps.base_map(maps.bounds_of(tuple(covered.total_bounds)))
    labels = {
        "layer": t("layer", lg),
        "name": t("name", lg),
        "code": t("code", lg),
        "value": _shared.label(ind),
    }
    maps.add_choropleth(fmap, collection, labels, selected=None)
    st_folium(fmap, height=480, use_container_width=True, returned_objects=[], key=key)
    st.markdown(
        maps.legend_html(
            edges, colours, ind, lg, title=_shared.label(ind), no_data=t("no_data", lg)
        ),
        unsafe_allow_html=True,
    )


indicator_tab, sites_tab, refresh_tab = st.tabs(
    [t("upload_indicator", lg), t("upload_sites", lg), t("upload_refresh", lg)]
)

with indicator_tab:
    file = st.file_uploader(
        t("upload_indicator_help", lg),
        type=["csv", "txt", "xlsx"],
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
            raw = read_once(file)
            columns = ["", *raw.frame.columns]
            _shared.forget_removed(["upload_code_column", "upload_weight"], columns)
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
            _shared.forget_removed(["upload_column"], loaded.value_columns)
            column = picks[2].selectbox(
                t("upload_column", lg), loaded.value_columns, key="upload_column"
            )
            show_report(loaded.report)
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
            _shared.fail(exc)
    for ind in list(ss["user_indicators"].values()):
        st.subheader(md(ind.name(lg)))
        st.caption(
            md(
                f"{t('source', lg)}: {ind.vintage()} — {t('upload_session_only', lg)}. "
                + t("upload_indicator_used", lg)
            )
        )
        try:
            draw(ind, key=f"upload_map_{ind.id}")
            table = ind.frame(ind.level).join(
                atlas.level(ind.level)[["name"]], how="left"
            )
            # Same bytes on every run, and no rerun on click: a quick second
            # click cannot cancel the file the browser is still fetching.
            st.download_button(
                t("export_download", lg) + " CSV",
                _shared.csv_file(table.reset_index()),
                file_name=file_name(ind.id, "csv"),
                mime="text/csv",
                key=f"upload_download_{ind.id}",
                on_click="ignore",
            )
        except DivideError as exc:
            _shared.fail(exc)
        st.button(
            t("upload_remove", lg),
            key=f"upload_remove_{ind.id}",
            on_click=remove,
            args=("user_indicators", ind.id),
        )

with sites_tab:
    file = st.file_uploader(
        t("upload_sites_help", lg),
        type=["csv", "txt", "xlsx", "json", "geojson"],
        key=f"upload_sites_file_{ss['upload_round']}",
    )
    if file is not None:
        try:
            loaded = uploads.load_sites(file.getvalue(), file.name, atlas)
            show_report(loaded.report)
            ss["user_sites"][loaded.sha256] = loaded
        except DivideError as exc:
            _shared.fail(exc)
    if ss["user_sites"]:
        st.caption(t("upload_sites_used", lg))
    for sha, layer in list(ss["user_sites"].items()):
        st.subheader(md(f"{layer.file} — {len(layer.sites):,}"))
        placed = layer.sites.dropna(subset=["lon", "lat"])
        if not placed.empty:
            box = (
                placed["lon"].min(),
                placed["lat"].min(),
                placed["lon"].max(),
                placed["lat"].max(),
            )
            fmap = maps.base_map(maps.bounds_of(box))
            maps.add_sites(
                fmap,
                placed,
                {k: t(f"kind_{k}", lg) for k in maps.KIND_COLOURS},
                t("show_sites", lg),
                lg,
            )
            st_folium(
                fmap,
                height=420,
                use_container_width=True,
                returned_objects=[],
                key=f"upload_sites_map_{sha[:8]}",
            )
        st.dataframe(
            layer.sites[["name", "kind", "commune", "lat", "lon", "located_by"]],
            width="stretch",
            hide_index=True,
        )
        st.button(
            t("upload_remove", lg),
            key=f"upload_sites_remove_{sha[:8]}",
            on_click=remove,
            args=("user_sites", sha),
        )

with refresh_tab:
    file = st.file_uploader(
        t("upload_refresh_help", lg), type=["csv", "txt"], key="upload_refresh_file"
    )
    if file is not None:
        try:
            result = uploads.compare_refresh(file.getvalue(), file.name, atlas)
            st.code(result.text(), language=None, wrap_lines=True)
            st.dataframe(result.table.head(200), width="stretch", hide_index=True)
        except DivideError as exc:
            _shared.fail(exc)
