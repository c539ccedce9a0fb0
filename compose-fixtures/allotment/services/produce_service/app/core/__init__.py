"""Empty since the settings moved to ``shared.config``."""
