"""Attendance service: check-ins, coach registers and attendance reports."""

from fastapi import FastAPI

from services.attendance_service.internal_router import router as internal_router
from services.attendance_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Attendance Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "attendance"}

    app.include_router(router, prefix="/api/v1")
    app.include_router(internal_router, prefix="/api/v1")
    return app


app = create_app()
