"""Volunteer service: opportunities, shifts, hours, challenges and the volunteer handbook."""

from fastapi import FastAPI

from services.volunteer_service.admin_router import router as admin_router
from services.volunteer_service.router import challenge_router, volunteer_router


def create_app() -> FastAPI:
    app = FastAPI(title="Volunteer Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "volunteer"}

    app.include_router(volunteer_router, prefix="/api/v1")
    app.include_router(challenge_router, prefix="/api/v1")
    app.include_router(admin_router, prefix="/api/v1")
    return app


app = create_app()
