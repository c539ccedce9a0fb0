"""Application package of the sessions service (entry point: ``app.main``)."""
