"""Tugs service: which tug is free for a tow.

Built with this service's folder as the Docker build context (see docker-compose.yml).
"""

from fastapi import FastAPI

from services.tugs_service.router import router

app = FastAPI(title="Tugs Service", version="1.0.0")
app.include_router(router, prefix="/api/v1")


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok", "service": "tugs"}
