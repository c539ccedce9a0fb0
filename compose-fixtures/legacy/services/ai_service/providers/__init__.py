"""Completion providers; ``base.get_provider`` picks one by name."""
