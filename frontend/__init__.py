"""App-side browser components (Streamlit custom components served from here)."""
