"""Application package of the gateway (entry point: ``app.main``)."""
