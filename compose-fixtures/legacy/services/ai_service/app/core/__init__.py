"""Reserved for configuration helpers (settings live in shared.config)."""
