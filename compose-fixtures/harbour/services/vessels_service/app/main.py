"""Vessels service: the registry of boats and their owners."""

from fastapi import FastAPI

from services.vessels_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Vessels Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "vessels"}

    app.include_router(router, prefix="/api/v1")
    return app


app = create_app()
