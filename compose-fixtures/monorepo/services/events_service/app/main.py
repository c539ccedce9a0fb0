"""Events service: club galas, socials and open-water meets."""

from fastapi import FastAPI

from services.events_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Events Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "events"}

    app.include_router(router, prefix="/api/v1")
    return app


app = create_app()
