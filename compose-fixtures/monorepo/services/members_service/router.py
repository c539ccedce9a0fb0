"""Compatibility module: the member routes moved to the ``routers`` package.

``from services.members_service.router import router`` keeps working for older callers
(main.py among them); new code imports from ``services.members_service.routers``.
"""

from services.members_service.routers import coaches_router, router
from services.members_service.routers.admin import router as admin_router
from services.members_service.routers.internal import router as internal_router
from services.members_service.routers.members import router as members_router
from services.members_service.routers.registration import router as registration_router

__all__ = [
    "admin_router",
    "coaches_router",
    "internal_router",
    "members_router",
    "registration_router",
    "router",
]
