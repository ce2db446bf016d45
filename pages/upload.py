"""Upload: a session's own indicator, sites or refreshed source file."""

import streamlit as st

from divide import maps, uploads
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import DIRECTIONS, UNITS
from divide.safe_text import clean, file_name
from divide.safe_text import markdown as md
from divide.territory import LEVELS
from divide.uploads import COUNT_UNITS
from frontend import cache, components, session, sidebar

lg = sidebar.frame()
atlas = cache.atlas()
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
    view = session.collection(ind.level, None, ind.id, lang=lg, only_known=True)
    shapes = cache.geometry(ind.level)
    covered = shapes[shapes["code"].isin(ind.values_at(ind.level).dropna().index)]
    bounds = maps.bounds_of(tuple(covered.total_bounds))
    components.map_block(view, ind, key=key, bounds=bounds, what=(ind.sha256,))


def draw_sites(sites, *, key: str) -> None:
    """An uploaded site file's located places."""
    box = (
        sites["lon"].min(),
        sites["lat"].min(),
        sites["lon"].max(),
        sites["lat"].max(),
    )
    bounds = maps.bounds_of(box)
    kinds = {k: t(f"kind_{k}", lg) for k in maps.KIND_COLOURS}

    def build():
        fmap = maps.base_map(bounds)
        maps.add_sites(fmap, sites, kinds, t("show_sites", lg))
        return fmap

    components.draw_map(build, (key, lg), key=key, height=420, bounds=bounds)


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
            components.fail(exc)
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
                cache.csv_file(table.reset_index()),
                file_name=file_name(ind.id, "csv"),
                mime="text/csv",
                key=f"upload_download_{ind.id}",
                on_click="ignore",
            )
        except DivideError as exc:
            components.fail(exc)
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
            components.fail(exc)
    if ss["user_sites"]:
        st.caption(t("upload_sites_used", lg))
    for sha, layer in list(ss["user_sites"].items()):
        st.subheader(md(f"{layer.file} — {len(layer.sites):,}"))
        placed = layer.sites.dropna(subset=["lon", "lat"])
        if not placed.empty:
            draw_sites(placed, key=f"upload_sites_map_{sha[:8]}")
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
            components.fail(exc)
