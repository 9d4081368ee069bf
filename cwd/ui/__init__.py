"""The only Streamlit-aware part of cwd: cached loaders, the shared sidebar, the map component."""
