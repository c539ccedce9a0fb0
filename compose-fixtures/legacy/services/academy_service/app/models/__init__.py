"""Placeholder from the service template; the models live in ``models.py``."""
