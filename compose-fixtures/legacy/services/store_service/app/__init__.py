"""Application package of the store service (entry point: ``app.main``)."""
