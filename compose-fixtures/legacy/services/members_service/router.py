"""Kept so that ``from services.members_service.router import router`` still works.

Everything moved to the ``routers`` package; this module only re-exports it.
"""

from services.members_service.routers import (
    admin_router,
    coaches_router,
    internal_router,
    members_router,
    registration_router,
)

# Older deployment scripts mount ``router``: it is the members router.
router = members_router

__all__ = [
    'admin_router',
    'coaches_router',
    'internal_router',
    'registration_router',
    'router',
]
