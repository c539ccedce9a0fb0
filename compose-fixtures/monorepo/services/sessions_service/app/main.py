"""Sessions service: the training schedule, weekly templates and session bookings."""

from fastapi import FastAPI

from services.sessions_service.internal_router import router as internal_router
from services.sessions_service.router import router
from services.sessions_service.template_router import router as template_router


def create_app() -> FastAPI:
    app = FastAPI(title="Sessions Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "sessions"}

    # Templates first: GET /sessions/templates must match before GET /sessions/{session_id},
    # which would otherwise take "templates" as a session id and answer 422.
    app.include_router(template_router, prefix="/api/v1")
    app.include_router(router, prefix="/api/v1")
    app.include_router(internal_router, prefix="/api/v1")
    return app


app = create_app()
