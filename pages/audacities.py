"""The Audacities grid: rate digital actors on six criteria, read the result.

Ratings live in the session (``aud_actors``); they can be exported to JSON or CSV
and imported back. Names are plain text everywhere: escaped for plotly (HTML) and
for Markdown.
"""

import streamlit as st

from divide import audacities as aud
from divide.i18n import t
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from frontend import audacities as grid
from frontend import components, sidebar

CATEGORY_COLOURS = {"risk": "red", "tension": "orange", "opportunity": "green"}

lg = sidebar.frame()
ss = st.session_state
ss.setdefault("aud_actors", [])


grid.import_upload()
st.title(t("aud_title", lg))
st.markdown(t("aud_intro", lg))
# Markdown, not a caption: a link in a caption's faded text falls under 4.5:1.
st.markdown(
    f"{t('aud_source', lg)} {aud.SOURCE[lg]} — [{t('aud_licence', lg)}]({aud.LICENCE_URL})"
)

rate, shown = st.columns([2, 3], gap="large")
with rate:
    st.subheader(t("aud_rate", lg))
    st.text_input(t("aud_name", lg), key="aud_name", max_chars=aud.MAX_NAME)
    for cid, spec in aud.CRITERIA.items():
        st.slider(spec["label"][lg], 0, 5, key=f"aud_{cid}", help=spec["help"][lg])
    st.button(t("aud_add", lg), key="aud_add", on_click=grid.add, type="primary")
    message = ss.pop("aud_message", None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])

actors = ss["aud_actors"]
with shown:
    st.subheader(t("aud_compare", lg))
    if not actors:
        st.info(t("aud_empty", lg))
    else:
        st.plotly_chart(grid.radar(actors, lg), width="stretch", key="aud_radar")

for i, actor in enumerate(actors):
    result = aud.reading(actor["ratings"])
    cat = result["category"]
    with st.container(border=True):
        head, button = st.columns([6, 1], vertical_alignment="center")
        head.markdown(f"### {md(actor['name'])}")
        button.button(
            t("aud_remove", lg),
            key=f"aud_remove_{i}",
            on_click=grid.remove,
            args=(actor["name"],),
        )
        st.badge(result["label"][lg], color=CATEGORY_COLOURS[cat])
        drivers = ", ".join(aud.CRITERIA[c]["label"][lg] for c in result["drivers"])
        st.markdown(
            t(
                "aud_scores",
                lg,
                intensity=f"{result['intensity']:.0f}",
                pressure=result["control_pressure"],
            )
            + (f" {t('aud_drivers', lg, drivers=drivers)}" if drivers else "")
        )
        st.markdown(result["meaning"][lg])
        st.markdown(f"**{t('aud_actions', lg)}**")
        st.markdown("\n".join(f"- {a[lg]}" for a in result["actions"]))
        formats = ", ".join(v["label"][lg] for v in result["formats_text"].values())
        roles = ", ".join(v["label"][lg] for v in result["roles_text"].values())
        st.caption(t("aud_formats_roles", lg, formats=formats, roles=roles))

with st.expander(t("aud_debate", lg)):
    st.markdown(f"**{t('aud_debate_formats', lg)}**")
    st.markdown(
        "\n".join(
            f"- **{f['label'][lg]}** — {f['help'][lg]}"
            for f in aud.DEBATE_FORMATS.values()
        )
    )
    st.markdown(f"**{t('aud_roles', lg)}**")
    st.markdown(
        "\n".join(
            f"- **{r['label'][lg]}** — {r['help'][lg]}" for r in aud.ROLES.values()
        )
    )
    st.markdown(f"**{t('aud_rule', lg)}**")
    st.markdown(aud.RULE_TEXT[lg])

st.subheader(t("aud_files", lg))
down_json, down_csv, upload = st.columns([1, 1, 2])
for column, fmt, write, mime in (
    (down_json, "json", aud.to_json, "application/json"),
    (down_csv, "csv", aud.to_csv, "text/csv"),
):
    column.download_button(
        t(f"aud_download_{fmt}", lg),
        data=write(actors) if actors else "",
        file_name=file_name("audacities", fmt),
        mime=mime,
        key=f"aud_download_{fmt}",
        disabled=not actors,
        on_click="ignore",
    )
with upload:
    components.file_uploader(
        t("aud_upload", lg),
        ["json", "csv"],
        key="aud_upload",
        help=t("aud_upload_help", lg),
    )
    # The import's outcome stays shown as long as that file is in the box.
    if ss.get("aud_upload") is not None and ss.get("_aud_upload_msg"):
        kind, text = ss["_aud_upload_msg"]
        (st.error if kind == "error" else st.success)(text)
