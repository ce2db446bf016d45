"""What a session uploaded, as the upload page shows it: reports, maps, lists.

The uploads themselves are held in the session (``user_indicators``,
``user_sites``; see :mod:`frontend.session`).
"""

from __future__ import annotations

import streamlit as st

from divide import maps, uploads
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import clean, file_name
from divide.safe_text import markdown as md
from frontend import cache, components, session


def read_once(file) -> uploads.RawTable:
    """The uploaded table, read once per file (its columns are offered first)."""
    ss = st.session_state
    held = ss.get("_upload_raw")
    if held is None or held[0] != file.file_id:
        raw = uploads.read_upload(file.getvalue(), clean(file.name, 120))
        held = ss["_upload_raw"] = (file.file_id, raw)
    return held[1]


def remove(store: str, key: str) -> None:
    """Forget an upload, and empty the uploaders so that it is not read again."""
    ss = st.session_state
    ss[store].pop(key, None)
    ss["upload_round"] += 1


def show_report(report, lg: str) -> None:
    """The validation report as plain text and a table of problems."""
    st.code(report.text(lang=lg), language=None, wrap_lines=True)
    if report.problems:
        st.dataframe(report.problems_frame(lg), width="stretch", hide_index=True)


def indicators(atlas: Atlas, lg: str) -> None:
    """Each uploaded indicator: its map, its values to download, a remove button."""
    for ind in list(session.user_indicators().values()):
        st.subheader(md(ind.name(lg)))
        used = t("upload_indicator_used", lg)
        only = t("upload_session_only", lg)
        st.caption(md(f"{t('source', lg)}: {ind.vintage()} — {only}. {used}"))
        try:
            view = session.collection(ind.level, None, ind.id, lang=lg, only_known=True)
            shapes = cache.geometry(ind.level)
            known = ind.values_at(ind.level).dropna().index
            box = tuple(shapes[shapes["code"].isin(known)].total_bounds)
            components.map_block(
                view,
                ind,
                key=f"upload_map_{ind.id}",
                bounds=maps.bounds_of(box),
                what=(ind.sha256,),
                widths=None,  # the whole width: a few communes spread over France
            )
            names = atlas.level(ind.level)[["name"]]
            table = ind.frame(ind.level).join(names, how="left")
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


def site_layers(lg: str) -> None:
    """Each uploaded site file: its located places on a map, its rows, a button."""
    held = st.session_state.get("user_sites") or {}
    if held:
        st.caption(t("upload_sites_used", lg))
    kinds = {k: t(f"kind_{k}", lg) for k in maps.KIND_COLOURS}
    for sha, layer in list(held.items()):
        st.subheader(md(f"{layer.file} — {len(layer.sites):,}"))
        placed = layer.sites.dropna(subset=["lon", "lat"])
        if not placed.empty:
            lon, lat = placed["lon"], placed["lat"]
            bounds = maps.bounds_of((lon.min(), lat.min(), lon.max(), lat.max()))

            def build(placed=placed, bounds=bounds):
                fmap = maps.base_map(bounds)
                maps.add_sites(fmap, placed, kinds, t("show_sites", lg), lg)
                return fmap

            key = f"upload_sites_map_{sha[:8]}"
            components.draw_map(build, (key, lg), key=key, height=420, bounds=bounds)
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
