"""Shared Streamlit widgets. The only part of the package that imports streamlit."""
