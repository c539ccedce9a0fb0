"""Application package of the plots service (entry point: ``app.main``)."""
