"""Events service application (``uvicorn services.events_service.app.main:app``)."""

from fastapi import FastAPI

from services.events_service.router import router

app = FastAPI(title="Events Service", version="0.9.1")


@app.get("/health", tags=["health"])
def health() -> dict:
    return {"status": "ok", "service": "events"}


# The whole calendar: events and registrations (router carries its own /events prefix).
app.include_router(router, prefix='/api/v1')  # gateway forwards /api/v1/events/* here
