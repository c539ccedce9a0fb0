"""Alembic environment for the orders service (its own version table in the shared database)."""

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

from services.orders_service.models import metadata

config = context.config
config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])
VERSION_TABLE = "alembic_version_orders"


def include_object(obj, name, type_, reflected, compare_to):
    """Leave out the stub tables of other services (flagged ``skip_autogenerate``)."""
    if type_ == "table" and obj.info.get("skip_autogenerate"):
        return False
    if type_ == "foreign_key_constraint" and obj.referred_table.info.get("skip_autogenerate"):
        return False
    return True


connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
