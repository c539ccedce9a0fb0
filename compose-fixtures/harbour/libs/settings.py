"""Process-wide settings read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres:postgres@localhost:5432/swimclub"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    environment: str = "development"
    redis_url: str = "redis://localhost:6379/0"
    service_urls: dict[str, str] = field(default_factory=dict)
    internal_token: str = "dev-internal-token"
    paystack_secret: str = "sk_test_dev"
    storage_root: str = "/tmp/swimclub-media"

    def url_for(self, service: str) -> str:
        """Base URL of another service, e.g. ``members`` -> ``http://members:8000``."""
        return self.service_urls.get(service, f"http://{service}-service:8000")


@lru_cache
def get_settings() -> Settings:
    urls = {
        key[: -len("_SERVICE_URL")].lower(): value
        for key, value in os.environ.items()
        if key.endswith("_SERVICE_URL")
    }
    return Settings(
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        environment=os.environ.get("ENVIRONMENT", "development"),
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        service_urls=urls,
        internal_token=os.environ.get("INTERNAL_SERVICE_TOKEN", "dev-internal-token"),
        paystack_secret=os.environ.get("PAYSTACK_SECRET_KEY", "sk_test_dev"),
        storage_root=os.environ.get("MEDIA_STORAGE_ROOT", "/tmp/swimclub-media"),
    )
