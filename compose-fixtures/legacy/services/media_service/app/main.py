"""Media service application (``uvicorn services.media_service.app.main:app``)."""

from fastapi import FastAPI

from services.media_service.router import admin_router, router

app = FastAPI(title='Media Service', version='1.4.0')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'media'}


# Public gallery and downloads (the society's website reads these without a token).
app.include_router(router, prefix='/api/v1')  # mounted first: /media/{id} has no literal rivals
# Committee uploads and management; the token check sits on the router itself.
app.include_router(admin_router, prefix='/api/v1', tags=['admin'])  # /api/v1/admin/...
