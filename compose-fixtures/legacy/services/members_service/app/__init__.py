"""Application package of the members service (entry point: ``app.main``)."""
