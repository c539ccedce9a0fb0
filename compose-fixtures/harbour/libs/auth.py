"""Bearer-token authentication shared by all services.

Tokens are issued by the identity provider (Supabase) in production; in development and
tests a token has the form ``<user_id>:<role>[,<role>...]``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import Depends, Header, HTTPException, status

from libs.settings import get_settings


@dataclass(frozen=True)
class AuthUser:
    user_id: uuid.UUID
    roles: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_coach(self) -> bool:
        return "coach" in self.roles or self.is_admin


def parse_token(token: str) -> AuthUser:
    try:
        user_part, _, roles = token.partition(":")
        return AuthUser(user_id=uuid.UUID(user_part), roles=tuple(r for r in roles.split(",") if r))
    except ValueError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc


async def get_current_user(authorization: str | None = Header(default=None)) -> AuthUser:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    return parse_token(authorization.split(" ", 1)[1].strip())


async def require_admin(user: AuthUser = Depends(get_current_user)) -> AuthUser:
    if not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin role required")
    return user


async def require_coach(user: AuthUser = Depends(get_current_user)) -> AuthUser:
    if not user.is_coach:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "coach role required")
    return user


async def require_internal(x_internal_token: str | None = Header(default=None)) -> None:
    """Service-to-service calls carry a shared token instead of a user token."""
    if x_internal_token != get_settings().internal_token:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "internal token required")
