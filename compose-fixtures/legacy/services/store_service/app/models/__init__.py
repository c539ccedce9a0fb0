"""Placeholder from the 2020 template; the models live in ``models.py``."""
