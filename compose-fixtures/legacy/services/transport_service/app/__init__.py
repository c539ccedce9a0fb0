"""Application package of the transport service (entry point: ``app.main``)."""
