"""Application package of the academy service (entry point: ``app.main``)."""
