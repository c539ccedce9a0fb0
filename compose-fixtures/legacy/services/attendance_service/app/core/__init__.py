"""Empty since the 2020 template; settings come from ``shared.config``."""
