"""The Audacities grid: rate digital actors on six criteria, read the result.

Ratings live in the session (``aud_actors``); they can be exported to JSON or CSV
and imported back. Names are plain text everywhere: escaped for plotly (HTML) and
for Markdown.
"""

import plotly.graph_objects as go
import streamlit as st

from divide import audacities as aud
from divide.errors import DivideError
from divide.formatting import counted
from divide.i18n import t
from divide.safe_text import file_name, html
from divide.safe_text import markdown as md
from frontend import sidebar

CATEGORY_COLOURS = {"risk": "red", "tension": "orange", "opportunity": "green"}
TRACE_COLOURS = ("#bd0026", "#2166ac", "#1b9e77", "#7570b3", "#d95f02", "#666666")

lg = sidebar.frame()
ss = st.session_state
ss.setdefault("aud_actors", [])


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _merge(new: list[aud.Actor]) -> None:
    """Add actors; one with the name of an actor already rated replaces it."""
    actors = {_key(a["name"]): a for a in ss["aud_actors"]}
    for actor in new:
        actors[_key(actor.name)] = {"name": actor.name, "ratings": dict(actor.ratings)}
    ss["aud_actors"] = list(actors.values())


def _add() -> None:
    name = ss.get("aud_name", "")
    ratings = {c: ss.get(f"aud_{c}", 0) for c in aud.CRITERIA}
    try:
        # Validated by the library (name, ratings), like an imported file.
        actor = aud.from_json(aud.to_json([{"name": name, "ratings": ratings}]))[0]
    except DivideError as exc:
        ss["aud_message"] = ("error", md(exc))
        return
    replaced = any(_key(a["name"]) == _key(actor.name) for a in ss["aud_actors"])
    _merge([actor])
    ss["aud_message"] = (
        "success",
        t(
            "aud_updated" if replaced else "aud_added",
            lg,
            name=md(actor.name),
        ),
    )
    ss["aud_name"] = ""
    for c in aud.CRITERIA:
        ss[f"aud_{c}"] = 0


def _remove(name: str) -> None:
    ss["aud_actors"] = [a for a in ss["aud_actors"] if a["name"] != name]


def _read(name: str, data: bytes) -> list[aud.Actor]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DivideError(t("aud_not_text", lg)) from None
    if name.lower().endswith(".csv") or not text.lstrip().startswith(("{", "[")):
        return aud.from_csv(text)
    return aud.from_json(text)


def _import() -> None:
    """Read a newly uploaded file once; a bad file leaves the ratings untouched."""
    uploaded = ss.get("aud_upload")
    if uploaded is None or ss.get("_aud_upload_id") == uploaded.file_id:
        return
    ss["_aud_upload_id"] = uploaded.file_id
    try:
        actors = _read(uploaded.name, uploaded.getvalue())
    except DivideError as exc:
        ss["_aud_upload_msg"] = (
            "error",
            f"{t('aud_import_error', lg)}: {md(exc)}",
        )
        return
    _merge(actors)
    ss["_aud_upload_msg"] = (
        "success",
        t("aud_imported", lg, count=counted(len(actors), "actor", lg)),
    )


def _wrap(label: str, width: int = 16) -> str:
    words, lines, line = html(label).split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def radar(actors: list[dict]) -> go.Figure:
    """One Scatterpolar trace per actor; names escaped (plotly renders HTML)."""
    theta = [_wrap(c["label"][lg]) for c in aud.CRITERIA.values()]
    fig = go.Figure()
    for i, actor in enumerate(actors):
        r = [actor["ratings"][c] for c in aud.CRITERIA]
        name = html(actor["name"])
        fig.add_trace(
            go.Scatterpolar(
                r=[*r, r[0]],
                theta=[*theta, theta[0]],
                name=name,
                fill="toself",
                opacity=0.75,
                line={"color": TRACE_COLOURS[i % len(TRACE_COLOURS)], "width": 3},
                customdata=[name] * (len(r) + 1),
                hovertemplate="<b>%{customdata}</b><br>%{theta}: %{r}/5<extra></extra>",
            )
        )
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, 5], "dtick": 1},
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
            "domain": {"x": [0.14, 0.86], "y": [0.05, 0.95]},
        },
        height=540,
        margin={"l": 40, "r": 40, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.12},
        font={"size": 14},
    )
    return fig


_import()
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
    st.button(t("aud_add", lg), key="aud_add", on_click=_add, type="primary")
    message = ss.pop("aud_message", None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])

actors = ss["aud_actors"]
with shown:
    st.subheader(t("aud_compare", lg))
    if not actors:
        st.info(t("aud_empty", lg))
    else:
        st.plotly_chart(radar(actors), width="stretch", key="aud_radar")

for i, actor in enumerate(actors):
    result = aud.reading(actor["ratings"])
    cat = result["category"]
    with st.container(border=True):
        head, button = st.columns([6, 1], vertical_alignment="center")
        head.markdown(f"### {md(actor['name'])}")
        button.button(
            t("aud_remove", lg),
            key=f"aud_remove_{i}",
            on_click=_remove,
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
    st.file_uploader(
        t("aud_upload", lg),
        type=["json", "csv"],
        key="aud_upload",
        help=t("aud_upload_help", lg),
    )
    # The import's outcome stays shown as long as that file is in the box.
    if ss.get("aud_upload") is not None and ss.get("_aud_upload_msg"):
        kind, text = ss["_aud_upload_msg"]
        (st.error if kind == "error" else st.success)(text)
