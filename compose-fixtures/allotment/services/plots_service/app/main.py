"""Plots service application (``uvicorn services.plots_service.app.main:app``)."""

from fastapi import FastAPI

from services.plots_service.router import inspections_router, router


def create_app() -> FastAPI:
    app = FastAPI(title='Plots Service', version='2.3.0')

    @app.get('/health', tags=['health'])
    def health() -> dict:
        return {'status': 'ok', 'service': 'plots'}

    # Sites, plots, tenants, tenancies and the waiting list: one router, /api/v2 since 2019.
    app.include_router(router, prefix='/api/v2')  # keep first: /plots/vacant before /plots/{id}
    # Inspections are tagged here, not in the router, so the committee's docs group them.
    app.include_router(inspections_router, prefix='/api/v2', tags=['inspections'])  # round sheets
    return app


app = create_app()
