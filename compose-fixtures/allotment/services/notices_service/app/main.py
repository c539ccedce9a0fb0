"""Notices service application."""

from fastapi import FastAPI

from services.notices_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Notices Service", version="0.9.0")

    @app.get("/health", tags=["health"])
    def health() -> dict:
        return {"status": "ok", "service": "notices"}

    # The board is public; posting needs the committee token (see shared.security).
    app.include_router(router, prefix="/api")  # /api/notices
    return app


app = create_app()
