"""Streamlit pages of the review app (run through streamlit_app.py); each calls the library only."""
