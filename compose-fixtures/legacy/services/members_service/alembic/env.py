"""Alembic environment of the members service (DATABASE_URL from the environment)."""

from logging.config import fileConfig
import os

from alembic import context
from sqlalchemy import engine_from_config, pool

# Base comes through the models module on purpose: importing it registers every table.
from services.members_service.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

config.set_main_option('sqlalchemy.url', os.environ.get('DATABASE_URL', ''))
target_metadata = Base.metadata
VERSION_TABLE = 'alembic_version_members'
TABLE_PREFIX = 'members_'


def include_object(obj, name, type_, reflected, compare_to):
    # Every service shares one database and one Base: compare only our own tables.
    if type_ == 'table':
        return name.startswith(TABLE_PREFIX)
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option('sqlalchemy.url'),
        target_metadata=target_metadata,
        literal_binds=True,
        version_table=VERSION_TABLE,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    return None


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix='sqlalchemy.',
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
    return None


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
