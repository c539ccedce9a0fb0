"""Pilots service: the roster of harbour pilots.

The image copies only this ``app/`` folder (see the service's Dockerfile), not the
service folder around it.
"""

from fastapi import FastAPI

from services.pilots_service.app.roster import router

app = FastAPI(title="Pilots Service", version="1.0.0")
app.include_router(router, prefix="/api/v1")


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok", "service": "pilots"}
