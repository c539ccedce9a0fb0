"""Communications service: announcements, notifications, email and member messaging."""

from fastapi import FastAPI

from services.communications_service import email_router, messaging_router
from services.communications_service.router import router

# preferences_router.py is deliberately NOT mounted. The apps still read and write
# preferences through the members service (/api/v1/members/me/preferences), and the
# gateway sends /api/v1/preferences/* there too; mounting it here would register the
# same paths twice behind the gateway. The worker already reads the preferences table.
# Mount it when the gateway switch-over lands.


def create_app() -> FastAPI:
    app = FastAPI(title="Communications Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "communications"}

    app.include_router(router, prefix="/api/v1")
    app.include_router(email_router.router, prefix="/api/v1/email", tags=["email"])
    app.include_router(messaging_router.router, prefix="/api/v1")
    return app


app = create_app()
