"""Member routes, assembled into one ``router``.

The coach directory is exported on its own as ``coaches_router``: main.py includes it
before everything else so ``/members/coaches`` is not captured by ``/members/{member_id}``.
"""

from fastapi import APIRouter

from services.members_service.routers import admin, internal, members, registration
from services.members_service.routers.coaches import router as coaches_router

router = APIRouter()
router.include_router(internal.router)
router.include_router(registration.router)
router.include_router(admin.router)
router.include_router(members.router)

__all__ = ["coaches_router", "router"]
