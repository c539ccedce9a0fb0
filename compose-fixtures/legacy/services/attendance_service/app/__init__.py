"""The attendance app package; ``app.main`` builds the FastAPI application."""
