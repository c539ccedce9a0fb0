"""The naming convention every service's metadata uses, and one engine per process,
created on first use (importing an app never connects)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, MetaData, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


@lru_cache
def engine(url: str) -> Engine:
    return create_engine(url)
