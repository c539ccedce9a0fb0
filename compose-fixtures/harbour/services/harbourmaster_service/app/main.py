"""Harbourmaster service: noticeboard, movement log and incidents.

The router carries its full prefix (/api/v1/harbourmaster); there is no app factory.
"""

from fastapi import FastAPI

from services.harbourmaster_service.router import router

app = FastAPI(title="Harbourmaster Service", version="1.0.0")
app.include_router(router)


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok", "service": "harbourmaster"}
