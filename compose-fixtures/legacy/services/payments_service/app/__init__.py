"""Application package of the payments service (``app.main`` builds the FastAPI app)."""
