"""Settings read from the environment, with defaults good enough for a laptop.

Kept as a plain class (no pydantic-settings): the services were written before the
society standardised on anything, and every value has a default so the apps import
without any environment at all.
"""

import os
from typing import Dict, Optional

DEFAULT_DATABASE_URL = 'postgresql+psycopg://postgres:postgres@localhost:5432/allotments'


class Settings(object):
    """One snapshot of the environment; build a new one to see changes."""

    def __init__(self, environ: Optional[Dict[str, str]] = None) -> None:
        env = dict(os.environ if environ is None else environ)
        self.database_url = env.get('DATABASE_URL', DEFAULT_DATABASE_URL)
        self.environment = env.get('APP_ENV', 'development')
        self.committee_token = env.get('COMMITTEE_TOKEN', 'committee-dev-token')
        self.service_urls = dict(
            (key[: -len('_URL')].lower(), value)
            for key, value in env.items()
            if key.endswith('_SERVICE_URL')
        )

    def url_for(self, service: str) -> str:
        key = service + '_service'
        if key in self.service_urls:
            return self.service_urls[key]
        return 'http://%s:8000' % service


_current: Optional[Settings] = None


def get_settings() -> Settings:
    global _current
    if _current is None:
        _current = Settings()
    return _current


def reload_settings() -> Settings:
    """Forget the cached settings (tests change DATABASE_URL between cases)."""
    global _current
    _current = None
    return get_settings()
