"""Empty since the 2020 template; routes live in ``router.py`` at the service root."""
