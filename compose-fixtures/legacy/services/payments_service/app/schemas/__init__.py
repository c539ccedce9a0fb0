"""Empty: the schemas live in ``schemas.py`` and ``payout_schemas.py`` at the service root."""
