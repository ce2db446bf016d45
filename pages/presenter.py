"""Presenter mode: the chosen territory's story, one large slide at a time.

The slide number lives in the URL (``slide=2``, 1-based) so a link opens a given
slide. The screen is clean by default: the sidebar starts collapsed
(``present=0`` opens it), the options sit in one small popover, and the arrow
keys move between slides. Maps and charts are plotly (no network).
"""

import time
from pathlib import Path

import streamlit as st

from divide import story
from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import markdown as md
from frontend import cache, components, session, sidebar, state

# Our own static CSS (``slide.css``, no data in it, no comment: it is sent as
# is) styles our keyed containers (``st.container(key=...)`` → ``.st-key-...``,
# a documented hook), never Streamlit's internal test ids: large type for the
# back of a room, high contrast; sizes hold a slide in 1280×720 (headline ≥ 40
# px, body ≥ 22 px), taller screens get larger type; negative margins pull the
# slide over Streamlit's empty padding (one screen, no scroll); on a 720 px high
# screen the examples give way to the figures and the advice. ``keys.js``: the
# arrow keys (and Page Up / Page Down, as remote clickers send) press the
# previous / next buttons, typing in a field is left alone; bound once a tab.
FILES = Path(__file__).resolve().parents[1] / "frontend" / "presenter_files"
CSS = f"<style>\n{(FILES / 'slide.css').read_text(encoding='utf-8')}</style>"
KEYS_JS = f"<script>\n{(FILES / 'keys.js').read_text(encoding='utf-8')}</script>"

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
st.markdown(CSS, unsafe_allow_html=True)
ss["_pres_shown"] = (number, time.monotonic())


visual = slide.visual
fig = slide.figure
colon = " :" if lg == "fr" else ":"
advice = slide.advice
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
    left, right = st.columns([5, 4], gap="medium")
    with left:
        with st.container(key="pres_visual_title"):
            st.markdown(md(visual["title"]))
        chart = None
        if visual["kind"] == "choropleth":
            try:
                view = session.collection(
                    visual["level"], visual["scope"], visual["indicator"], lang=lg
                )
            except DivideError as exc:
                components.fail(exc)
            else:
                chart = story.map_figure(*view, visual, lg)
        elif visual["kind"] == "line":
            chart = story.line_figure(visual, lg)
        else:
            chart = story.bar_figure(visual, lg)
        if chart is not None:
            # theme=None: keep the figure's large type (Streamlit's theme shrinks it).
            st.plotly_chart(
                chart,
                width="stretch",
                key="pres_chart",
                theme=None,
                config={"displayModeBar": False},
            )
    with right:
        long = len(fig.text) > story.SHORT_FIGURE
        with st.container(key="pres_value_long" if long else "pres_value"):
            st.markdown(md(fig.text))
        with st.container(key="pres_label"):
            # A modelled figure says so beside its label (a badge on the line).
            badge = f" :orange-badge[:material/science: {t('modelled', lg)}]"
            st.markdown(md(fig.label) + (badge if fig.modelled else ""))
        with st.container(key="pres_facts"):
            if fig.detail:
                st.markdown(md(fig.detail))
            # The summary slide's list of rules is its chart: not said twice.
            if fig.comparison and slide.id != "actions":
                st.markdown(
                    "\n".join(
                        f"- {md(where)}{colon} **{md(text)}**"
                        for where, text in fig.comparison
                    )
                )
        if visual["kind"] == "line" and visual.get("note"):
            with st.container(key="pres_note"):
                st.markdown(md(visual["note"]))
    with st.container(key="pres_vintage"):
        st.markdown(md(fig.source))
    with st.container(key="pres_reco"):
        with st.container(key="pres_reco_title"):
            st.markdown(
                f"{t('pres_calls_for', lg)}{colon} "
                + md(f"{advice.number}. {advice.title}")
            )
        # On the summary slide the reason lists the rules its chart shows.
        with st.container(key="pres_reason_list" if slide.id == "actions" else None):
            st.markdown(md(advice.reason))
        if advice.initiatives:
            with st.container(key="pres_examples"):
                st.markdown(
                    f"{t('pres_initiatives', lg)} "
                    + ", ".join(md(i) for i in advice.initiatives)
                )
        for i, extra in enumerate(slide.more):
            st.markdown(f"**{md(f'{extra.number}. {extra.title}')}**")
            with st.container(key=f"pres_more_reason_{i}"):
                st.markdown(md(extra.reason))


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
    st.html(KEYS_JS, unsafe_allow_javascript=True)
    _advance()
