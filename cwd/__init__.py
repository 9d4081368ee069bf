"""CWD partnership selection: the domain package (no Streamlit outside cwd/ui)."""
