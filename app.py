"""divide — the Streamlit app: page config, state from the URL, navigation.

Each page draws the shared sidebar with ``frontend.sidebar.frame()`` (widgets
drawn by the page script keep their state under AppTest too).
"""

import streamlit as st

from frontend import navigation, state

st.set_page_config(page_title="divide", page_icon=navigation.ICON, layout="wide")
navigation.run(state.start())
