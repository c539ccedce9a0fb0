"""Media service: club photo and video galleries, and document storage."""

from fastapi import FastAPI

from services.media_service.router import router

app = FastAPI(title="Media Service", version="1.0.0")
app.include_router(router, prefix="/api/v1/media")


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok", "service": "media"}
