"""An empty Streamlit page: the floor that bench/browser.py divides every view by.

Served as a second app by the bench only (never part of the app's navigation).
"""

import streamlit as st

st.title("Empty page")
