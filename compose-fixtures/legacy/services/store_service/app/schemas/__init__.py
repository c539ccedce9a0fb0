"""Placeholder from the 2020 template; the schemas live in ``schemas.py``."""
