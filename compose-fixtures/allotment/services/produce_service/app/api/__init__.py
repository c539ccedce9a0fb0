"""Empty since the routes moved out of ``app/``."""
