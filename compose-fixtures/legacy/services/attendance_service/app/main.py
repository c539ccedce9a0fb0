"""Attendance service application (``uvicorn services.attendance_service.app.main:app``)."""

from fastapi import FastAPI

from services.attendance_service.internal_router import internal_router
from services.attendance_service.router import router

app = FastAPI(title='Attendance Service', version='0.9.1')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'attendance'}


# Locations and the sign-in sheet (the hut tablet and the committee pages).
app.include_router(router, prefix='/api/v1')  # routes carry their own tags
# Service-to-service only; the gateway does not forward /internal.
app.include_router(internal_router, prefix='/internal/attendance', tags=['internal'])  # no auth
