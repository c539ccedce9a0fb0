"""AI service: cohort complexity scoring, coach grading and coach suggestions."""

from fastapi import FastAPI

from services.ai_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="AI Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "ai"}

    app.include_router(router, prefix="/api/v1")
    return app


app = create_app()
