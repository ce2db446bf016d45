"""Presenter mode: the chosen territory's story, one large slide at a time.

The slide number lives in the URL (``slide=2``, 1-based) so a link opens a given
slide; ``present=1`` hides the sidebar. Maps and charts are plotly (no network).
"""

import time

import streamlit as st

from divide import story
from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import markdown as md
from pages import _shared

# Our own static CSS only: large type, high contrast. No data goes in here.
CSS = """
<style>
.st-key-pres_value p {font-size: 4.2rem; font-weight: 800; line-height: 1.05;
  color: #111827; margin: 0;}
.st-key-pres_label p {font-size: 1.6rem; font-weight: 600; color: #111827;
  line-height: 1.25; margin: 0;}
.st-key-pres_facts p, .st-key-pres_facts li {font-size: 1.2rem; color: #1f2937;}
.st-key-pres_reco {border: 3px solid #bd0026; border-radius: .6rem;
  padding: .8rem 1rem; background: #fff7f7;}
.st-key-pres_reco p, .st-key-pres_reco li {font-size: 1.15rem; color: #111827;}
.st-key-pres_reco_title p {font-size: 1.5rem; font-weight: 700; line-height: 1.25;}
.st-key-pres_reco [data-testid="stExpander"] p {font-size: 1rem;}
[data-testid="stMainBlockContainer"] {padding-top: 1.6rem;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.9rem; color: #111827;}
</style>
"""
HIDE_SIDEBAR = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] {display: none !important;}
</style>
"""
SECONDS = (5, 10, 15, 20, 30, 45, 60, 90, 120)


@st.cache_data(show_spinner=False, max_entries=32)
def _slides(level: str, code: str, lang: str) -> list[story.Slide]:
    return story.slides(_shared.atlas(), level, code, lang)


def _go(number: int) -> None:
    _shared.set_url_param("slide", str(number))


def _on_present() -> None:
    _shared.set_url_param("present", "1" if st.session_state["pres_present"] else None)


lg = _shared.frame()
ss = st.session_state
level, code = _shared.territory()
try:
    slides = _slides(level, code, lg)
except DivideError as exc:
    _shared.fail(exc)
    st.stop()
n = len(slides)
try:
    number = min(max(int(_shared.url_param("slide", "1")), 1), n)
except ValueError:
    number = 1
_shared.set_url_param("slide", str(number))
slide = slides[number - 1]

ss["pres_present"] = _shared.url_param("present", "0") == "1"
st.markdown(CSS, unsafe_allow_html=True)
if ss["pres_present"]:
    st.markdown(HIDE_SIDEBAR, unsafe_allow_html=True)

nav = st.columns([1.4, 1.4, 2.6, 1.6, 1.3, 1.7], vertical_alignment="center")
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
auto = nav[3].checkbox(t("pres_auto", lg), key="pres_auto")
seconds = nav[4].selectbox(
    t("pres_seconds", lg),
    SECONDS,
    index=2,
    key="pres_seconds",
    disabled=not auto,
    label_visibility="collapsed",
    format_func=lambda s: t("pres_every", lg, s=s),
)
nav[5].toggle(t("pres_present", lg), key="pres_present", on_change=_on_present)

st.title(slide.title)  # a catalogue title, no data
left, right = st.columns([3, 2], gap="large")
with left:
    visual = slide.visual
    st.markdown(f"**{md(visual['title'])}**")
    chart = None
    if visual["kind"] == "choropleth":
        try:
            collection, edges, colours = _shared.collection(
                visual["level"],
                visual["scope"],
                visual["indicator"],
                "quantiles",
                5,
                lg,
            )
        except DivideError as exc:
            _shared.fail(exc)
        else:
            chart = story.map_figure(collection, edges, colours, visual, lg)
    elif visual["kind"] == "line":
        chart = story.line_figure(visual, lg)
        st.caption(visual["note"])
    else:
        chart = story.bar_figure(visual, lg)
    if chart is not None:
        # theme=None: keep the figure's large type (Streamlit's theme shrinks it).
        st.plotly_chart(chart, width="stretch", key="pres_chart", theme=None)

    advice = slide.advice
    with st.container(key="pres_reco"):
        st.markdown(f"**{t('pres_calls_for', lg)}**")
        if advice.fallback:
            st.caption(md(advice.reason))
        with st.container(key="pres_reco_title"):
            st.markdown(md(f"{advice.number}. {advice.title}"))
        if not advice.fallback:
            st.markdown(md(advice.reason))
        if advice.initiatives:
            st.markdown(
                f"{t('pres_initiatives', lg)} "
                + ", ".join(md(i) for i in advice.initiatives)
            )
        for extra in slide.more:
            st.markdown(
                f"**{md(f'{extra.number}. {extra.title}')}** — " + md(extra.reason)
            )
        with st.expander(t("pres_summary", lg)):
            st.markdown(md(advice.summary))
            st.caption(md(advice.source))

with right:
    fig = slide.figure
    with st.container(key="pres_value"):
        st.markdown(md(fig.text))
    with st.container(key="pres_label"):
        st.markdown(md(fig.label))
    if fig.modelled:
        st.badge(t("modelled", lg), icon=":material/science:", color="orange")
    colon = " :" if lg == "fr" else ":"
    with st.container(key="pres_facts"):
        if fig.detail:
            st.markdown(md(fig.detail))
        if fig.comparison:
            st.markdown(
                "\n".join(
                    f"- {md(where)}{colon} **{md(text)}**"
                    for where, text in fig.comparison
                )
            )
    st.caption(md(fig.source))

ss["_pres_shown"] = (number, time.monotonic())


@st.fragment(run_every=seconds if auto else None)
def _advance() -> None:
    # Runs with every full run (the slide was just shown: nothing to do) and,
    # when auto-advance is on, alone every `seconds`: then move on and redraw.
    shown, since = ss.get("_pres_shown", (number, time.monotonic()))
    if auto and time.monotonic() - since >= seconds - 0.5:
        _go(shown % n + 1)
        st.rerun()


_advance()
