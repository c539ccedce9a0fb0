"""Application package of the volunteer service (entry point: ``app.main``)."""
