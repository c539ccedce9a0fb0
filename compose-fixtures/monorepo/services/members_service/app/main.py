"""Members service: member records, coach profiles and agreements, volunteering."""

from fastapi import FastAPI

from services.members_service import coach_router, volunteer_router
from services.members_service.router import coaches_router, router


def create_app() -> FastAPI:
    app = FastAPI(title="Members Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "members"}

    # Coach routers are included FIRST, on purpose: "/members/coaches" and
    # "/members/coach-agreements" would otherwise be captured by "/members/{member_id}"
    # (and answer 422, not a UUID), and the directory's "/members/coaches/grades" must
    # come before coach_router's "/members/coaches/{profile_id}".
    app.include_router(coaches_router, prefix="/api/v1")
    app.include_router(coach_router.router, prefix="/api/v1/members")
    app.include_router(coach_router.agreements_router, prefix="/api/v1/members")
    app.include_router(router, prefix="/api/v1")
    app.include_router(volunteer_router.router, prefix="/api/v1")
    return app


app = create_app()
