"""The Audacities grid's session: ratings added, removed, imported; the radar chart.

Ratings live in the session (``aud_actors``). Names are plain text everywhere:
escaped for plotly (HTML) and for Markdown.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from divide import audacities as aud
from divide.errors import DivideError
from divide.formatting import counted
from divide.i18n import t
from divide.safe_text import html
from divide.safe_text import markdown as md
from frontend.state import lang

TRACE_COLOURS = ("#bd0026", "#2166ac", "#1b9e77", "#7570b3", "#d95f02", "#666666")


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _merge(new: list[aud.Actor]) -> None:
    """Add actors; one with the name of an actor already rated replaces it."""
    actors = {_key(a["name"]): a for a in st.session_state["aud_actors"]}
    for actor in new:
        actors[_key(actor.name)] = {"name": actor.name, "ratings": dict(actor.ratings)}
    st.session_state["aud_actors"] = list(actors.values())


def add() -> None:
    """Add the actor of the form (the Add button's callback)."""
    name = st.session_state.get("aud_name", "")
    ratings = {c: st.session_state.get(f"aud_{c}", 0) for c in aud.CRITERIA}
    try:
        # Validated by the library (name, ratings), like an imported file.
        actor = aud.from_json(aud.to_json([{"name": name, "ratings": ratings}]))[0]
    except DivideError as exc:
        st.session_state["aud_message"] = ("error", md(exc))
        return
    replaced = any(
        _key(a["name"]) == _key(actor.name) for a in st.session_state["aud_actors"]
    )
    _merge([actor])
    st.session_state["aud_message"] = (
        "success",
        t(
            "aud_updated" if replaced else "aud_added",
            lang(),
            name=md(actor.name),
        ),
    )
    st.session_state["aud_name"] = ""
    for c in aud.CRITERIA:
        st.session_state[f"aud_{c}"] = 0


def remove(name: str) -> None:
    """Forget an actor (its Remove button's callback)."""
    st.session_state["aud_actors"] = [
        a for a in st.session_state["aud_actors"] if a["name"] != name
    ]


def _read(name: str, data: bytes) -> list[aud.Actor]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DivideError(t("aud_not_text", lang())) from None
    if name.lower().endswith(".csv") or not text.lstrip().startswith(("{", "[")):
        return aud.from_csv(text)
    return aud.from_json(text)


def import_upload() -> None:
    """Read a newly uploaded file once; a bad file leaves the ratings untouched."""
    uploaded = st.session_state.get("aud_upload")
    if uploaded is None or st.session_state.get("_aud_upload_id") == uploaded.file_id:
        return
    st.session_state["_aud_upload_id"] = uploaded.file_id
    try:
        actors = _read(uploaded.name, uploaded.getvalue())
    except DivideError as exc:
        st.session_state["_aud_upload_msg"] = (
            "error",
            f"{t('aud_import_error', lang())}: {md(exc)}",
        )
        return
    _merge(actors)
    st.session_state["_aud_upload_msg"] = (
        "success",
        t("aud_imported", lang(), count=counted(len(actors), "actor", lang())),
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


def radar(actors: list[dict], lg: str) -> go.Figure:
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
