"""Placeholder from the 2020 layout; the models live in ``members_service.models``."""
