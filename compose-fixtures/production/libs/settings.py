"""Settings read from the environment, with no defaults: compose gives every value."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str
    service_name: str


def load() -> Settings:
    return Settings(database_url=os.environ["DATABASE_URL"], service_name=os.environ["SERVICE_NAME"])
