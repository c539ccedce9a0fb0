"""Application package of the AI service (entry point: ``app.main``)."""
