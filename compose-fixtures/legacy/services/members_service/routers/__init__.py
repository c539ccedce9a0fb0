"""Member routers, split out of router.py in 2022 (coach_router.py was never moved in)."""

from .admin import router as admin_router
from .coaches import router as coaches_router
from .internal import router as internal_router
from .members import router as members_router
from .registration import router as registration_router

__all__ = [
    'admin_router',
    'coaches_router',
    'internal_router',
    'members_router',
    'registration_router',
]
