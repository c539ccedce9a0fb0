"""One declarative ``Base`` shared by every service, and the async session dependency.

Every service registers its models on this one ``Base``; table and class names are
therefore global across the monorepo.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from libs.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def new_id() -> uuid.UUID:
    return uuid.uuid4()


_engine: AsyncEngine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
# Called once with the database URL when the engine is first created (tests use it to
# create the tables of every model imported by then).
on_engine_created: Callable[[str], None] | None = None


def get_engine() -> AsyncEngine:
    """The process's engine, created on first use so importing an app never connects."""
    global _engine, _sessionmaker
    if _engine is None:
        # NullPool: connections never outlive the event loop that opened them (tests run
        # each request on its own loop through TestClient).
        url = get_settings().database_url
        if on_engine_created is not None:
            on_engine_created(url)
        _engine = create_async_engine(url, poolclass=NullPool)
        _sessionmaker = async_sessionmaker(_engine, expire_on_commit=False)
    return _engine


def reset_engine() -> None:
    """Forget the engine so the next use picks up a changed ``DATABASE_URL``."""
    global _engine, _sessionmaker
    _engine = None
    _sessionmaker = None
    get_settings.cache_clear()


async def get_async_db() -> AsyncIterator[AsyncSession]:
    get_engine()
    assert _sessionmaker is not None
    async with _sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise
