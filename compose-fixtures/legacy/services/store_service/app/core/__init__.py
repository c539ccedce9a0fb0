"""Reserved for service configuration (settings live in ``shared.config``)."""
