"""Transport service application (``uvicorn services.transport_service.app.main:app``)."""

from fastapi import FastAPI

from services.transport_service.router import router

app = FastAPI(title='Transport Service', version='0.9.2')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'transport'}


# Routes, rides and pickup locations share one router (written before the split into tags).
app.include_router(router, prefix='/api/v1')  # /locations/nearest is declared before /{id}
