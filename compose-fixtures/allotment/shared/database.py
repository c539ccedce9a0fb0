"""The declarative ``Base`` every service's models register on, and a sync session.

The services use plain synchronous SQLAlchemy sessions: FastAPI runs the ``def``
endpoints in its thread pool. One ``Base`` is shared, so table names are global.
"""

import datetime
from typing import Callable, Iterator, List, Optional

from sqlalchemy import DateTime, MetaData, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool

from shared.config import get_settings

NAMING_CONVENTION = {
    'ix': 'ix_%(column_0_label)s',
    'uq': 'uq_%(table_name)s_%(column_0_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class TimestampMixin(object):
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )


_engine: Optional[Engine] = None
_factory: Optional[sessionmaker] = None
# Hooks run with the URL when the engine is first built (the tests create tables there).
engine_hooks: List[Callable[[str], None]] = []


def get_engine() -> Engine:
    global _engine, _factory
    if _engine is None:
        url = get_settings().database_url
        for hook in engine_hooks:
            hook(url)
        _engine = create_engine(url, poolclass=NullPool)
        _factory = sessionmaker(bind=_engine, expire_on_commit=False)
    return _engine


def dispose_engine() -> None:
    global _engine, _factory
    if _engine is not None:
        _engine.dispose()
    _engine = None
    _factory = None


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, committed when the handler returns."""
    get_engine()
    assert _factory is not None
    with _factory() as session:
        with session.begin():
            yield session
