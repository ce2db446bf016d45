"""A presenter slide's body (chart, figure, advice) and the page's static files."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from divide import story
from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import markdown as md
from divide.safe_text import visible
from frontend import components, session

# Our own static CSS (``slide.css``, no data in it, no comment: it is sent as
# is) styles our keyed containers (``st.container(key=...)`` → ``.st-key-...``,
# a documented hook), never Streamlit's internal test ids: large type for the
# back of a room, high contrast; sizes hold a slide in 1280×720 (headline ≥ 40
# px, body ≥ 22 px), taller screens get larger type; negative margins pull the
# slide over Streamlit's empty padding (one screen, no scroll); on a 720 px high
# screen the examples give way to the figures and the advice. ``keys.js``: the
# arrow keys (and Page Up / Page Down, as remote clickers send) press the
# previous / next buttons, typing in a field is left alone; bound once a tab.
FILES = Path(__file__).with_name("presenter_files")
CSS = f"<style>\n{(FILES / 'slide.css').read_text(encoding='utf-8')}</style>"
KEYS_JS = f"<script>\n{(FILES / 'keys.js').read_text(encoding='utf-8')}</script>"


def body(slide: story.Slide, lg: str) -> None:
    """Draw a slide below its navigation (each part in a keyed container)."""
    visual, fig, advice = slide.visual, slide.figure, slide.advice
    colon = " :" if lg == "fr" else ":"
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
            # theme=None: keep the chart's large type (Streamlit's theme shrinks it).
            with st.container(key="pres_chart"):
                st.vega_lite_chart(
                    spec=chart,
                    width="stretch",
                    theme=None,
                    alt=visible(visual["title"]),
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
