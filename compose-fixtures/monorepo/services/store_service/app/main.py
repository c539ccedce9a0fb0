"""Store service: the club shop (kit, equipment and merchandise), carts and orders."""

from fastapi import FastAPI

from services.store_service.admin_router import admin_orders_router, admin_products_router
from services.store_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Store Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "store"}

    app.include_router(router, prefix="/api/v1")
    app.include_router(admin_orders_router, prefix="/api/v1")
    app.include_router(admin_products_router, prefix="/api/v1")
    return app


app = create_app()
