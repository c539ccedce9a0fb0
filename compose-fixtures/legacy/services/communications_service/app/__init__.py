"""Application package of the communications service (``app.main`` is the entry point)."""
