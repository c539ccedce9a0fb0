"""Volunteer service application (``uvicorn services.volunteer_service.app.main:app``)."""

from fastapi import FastAPI

from services.volunteer_service.admin_router import admin_router
from services.volunteer_service.router import router

app = FastAPI(title='Volunteer Service', version='1.4.0')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'volunteer'}


# Volunteer-facing routes: registration, opportunities, sign-ups and hours.
app.include_router(router, prefix='/api/v1')  # mounted first, public to members
# Committee routes; the token check is on the router itself.
app.include_router(admin_router, prefix='/api/v1')  # everything under /api/v1/admin
