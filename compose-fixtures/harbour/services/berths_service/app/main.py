"""Berths service: pontoons, berths, visitor bookings and mooring contracts."""

from fastapi import FastAPI

from services.berths_service.booking_router import router as booking_router
from services.berths_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Berths Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "berths"}

    app.include_router(router, prefix="/api/v1")
    app.include_router(booking_router, prefix="/api/v1")
    return app


app = create_app()
