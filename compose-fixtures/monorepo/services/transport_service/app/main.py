"""Transport service: club minibus routes, pickup points and parent ride-sharing."""

from fastapi import FastAPI

from services.transport_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Transport Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "transport"}

    app.include_router(router, prefix="/api/v1")
    return app


app = create_app()
