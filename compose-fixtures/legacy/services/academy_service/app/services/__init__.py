"""Placeholder from the service template; see ``scoring.py`` and ``tasks.py``."""
