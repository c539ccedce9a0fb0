"""Members service application (``uvicorn services.members_service.app.main:app``)."""

from fastapi import FastAPI

from services.members_service.coach_router import router as coach_router
from services.members_service.router import (
    admin_router,
    coaches_router,
    internal_router,
    registration_router,
    router,
)
from services.members_service.volunteer_router import router as volunteer_router

API = '/api/v1'


def create_app() -> FastAPI:
    app = FastAPI(title='Members Service', version='1.9.0')

    @app.get('/health', tags=['health'])
    def health() -> dict:
        return {'status': 'ok', 'service': 'members'}

    # Joining and renewing: the only routes the public web form uses.
    app.include_router(registration_router, prefix=API)  # before members: owns /members/{id}/renew
    # Member records (``router`` is the members router re-exported by router.py).
    app.include_router(router, prefix=API)  # legacy name kept for the deploy scripts
    # Committee screens.
    app.include_router(admin_router, prefix=API)  # /api/v1/admin/...
    # Public coach directory, then the coach management routes of coach_router.py.
    app.include_router(coaches_router, prefix=API)  # /coaches/directory first
    app.include_router(coach_router, prefix=API)  # profiles, agreements, payouts
    # Volunteers opt in on their member record.
    app.include_router(volunteer_router, prefix=API)  # /api/v1/volunteers
    # Service-to-service calls; not exposed through the gateway.
    app.include_router(internal_router)  # no /api/v1 prefix on purpose
    return app


app = create_app()
