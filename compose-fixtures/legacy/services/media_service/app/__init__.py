"""Application package of the media service (entry point: ``app.main``)."""
