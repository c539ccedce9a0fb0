"""Reserved for schemas (the routers return plain dicts)."""
