"""Placeholder from the service template; the schemas live in ``schemas.py``."""
