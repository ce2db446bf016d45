"""Presenter mode: the chosen territory's story, one large slide at a time.

The slide number lives in the URL (``slide=2``, 1-based) so a link opens a given
slide. The screen is clean by default: the sidebar starts collapsed
(``present=0`` opens it), the options sit in one small popover, and the arrow
keys move between slides. Maps and charts are Vega-Lite (no network).
"""

import time

import streamlit as st

from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import markdown as md
from frontend import cache, components, sidebar, state
from frontend import slides as slides_view

SECONDS = (5, 10, 15, 20, 30, 45, 60, 90, 120)


def _go(number: int) -> None:
    state.keep(slide=str(number))


def _on_sidebar() -> None:
    # Clean (no sidebar) by default: the URL keeps only the exception.
    state.keep(present="0" if st.session_state["pres_sidebar"] else None)


lg = sidebar.frame()
ss = st.session_state
level, code = state.territory()
try:
    slides = cache.slides(level, code, lg)
except DivideError as exc:
    components.fail(exc)
    st.stop()
n = len(slides)
number = min(max(state.read("slide", 1, int), 1), n)
state.keep(slide=str(number))
slide = slides[number - 1]

clean = state.read("present", "1") != "0"
ss["pres_sidebar"] = not clean
# A supported route to a clean screen: the sidebar starts collapsed (its own
# button, or the option below, brings it back).
st.set_page_config(initial_sidebar_state="collapsed" if clean else "expanded")
st.markdown(slides_view.CSS, unsafe_allow_html=True)
ss["_pres_shown"] = (number, time.monotonic())


with st.container(key="pres_slide"):
    with st.container(key="pres_nav"):
        nav = st.columns([1.5, 1.5, 4.4, 1.6], vertical_alignment="center")
    nav[0].button(
        t("pres_prev", lg),
        key="pres_prev",
        icon=":material/arrow_back:",
        disabled=number == 1,
        on_click=_go,
        args=(number - 1,),
        width="stretch",
    )
    nav[1].button(
        t("pres_next", lg),
        key="pres_next",
        icon=":material/arrow_forward:",
        disabled=number == n,
        on_click=_go,
        args=(number + 1,),
        width="stretch",
        type="primary",
    )
    nav[2].markdown(f"**{number} / {n}** · {md(slide.territory)}")
    with nav[3].popover(
        t("pres_options", lg),
        icon=":material/tune:",
        width="stretch",
        key="pres_options",
    ):
        auto = st.checkbox(t("pres_auto", lg), key="pres_auto")
        seconds = st.selectbox(
            t("pres_seconds", lg),
            SECONDS,
            index=2,
            key="pres_seconds",
            disabled=not auto,
            format_func=lambda s: t("pres_every", lg, s=s),
        )
        st.toggle(t("pres_sidebar", lg), key="pres_sidebar", on_change=_on_sidebar)
        st.caption(t("pres_keys", lg))

    st.title(slide.title)  # a catalogue title, no data
    slides_view.body(slide, lg)


@st.fragment(run_every=seconds if auto else None)
def _advance() -> None:
    # Runs with every full run (the slide was just shown: nothing to do) and,
    # when auto-advance is on, alone every `seconds`: then move on and redraw.
    shown, since = ss.get("_pres_shown", (number, time.monotonic()))
    if auto and time.monotonic() - since >= seconds - 0.5:
        _go(shown % n + 1)
        st.rerun()


# Out of sight: the arrow keys' listener and the auto-advance timer.
with st.container(key="pres_keys"):
    st.html(slides_view.KEYS_JS, unsafe_allow_javascript=True)
    _advance()
