"""Placeholder for service settings; ``shared.config`` is used instead."""
