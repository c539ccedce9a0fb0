"""Reserved for app-wide configuration (``shared.config`` is used instead)."""
