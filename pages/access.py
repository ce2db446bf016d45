import streamlit as st

from pages import _shared

_shared.frame()
st.write("todo")
