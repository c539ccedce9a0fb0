"""Placeholder for a services package; business rules are in ``services.py``."""
