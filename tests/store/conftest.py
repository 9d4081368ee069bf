"""Fixtures of the store tests (defined in store_support, shared with tests/test_store.py)."""
from store_support import backend, nabor, people, store  # noqa: F401 - pytest fixtures
