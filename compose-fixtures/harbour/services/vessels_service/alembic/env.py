"""Alembic environment for the vessels service.

Importing the models module registers every vessels table on the shared ``Base``.
"""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from libs.db import Base
from services.vessels_service.models import Owner, Vessel  # noqa: F401

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

config.set_main_option("sqlalchemy.url", os.environ.get("DATABASE_URL", ""))
target_metadata = Base.metadata
VERSION_TABLE = "alembic_version_vessels"


def include_object(obj, name, type_, reflected, compare_to):
    """Leave out tables owned by other services (stubs flagged ``skip_autogenerate``)."""
    if type_ == "table" and obj.info.get("skip_autogenerate"):
        return False
    if type_ == "foreign_key_constraint" and obj.referred_table.info.get("skip_autogenerate"):
        return False
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        version_table=VERSION_TABLE,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=VERSION_TABLE,
            include_object=include_object,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
