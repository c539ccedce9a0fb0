"""Payments service: Paystack checkout, invoices, webhooks and coach payouts."""

from fastapi import Depends, FastAPI

from libs.auth import require_admin
from services.payments_service.payout_router import router as payout_router
from services.payments_service.router import admin_router, invoice_router, router, webhook_router


def create_app() -> FastAPI:
    app = FastAPI(title="Payments Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "payments"}

    # Paystack is configured to call /api/v1/webhooks/paystack; keep that URL stable.
    app.include_router(webhook_router, prefix="/api/v1/webhooks")
    app.include_router(router, prefix="/api/v1")
    app.include_router(invoice_router, prefix="/api/v1")
    app.include_router(payout_router, prefix="/api/v1")
    app.include_router(
        admin_router,
        prefix="/api/v1",
        tags=["admin"],
        dependencies=[Depends(require_admin)],
    )
    return app


app = create_app()
