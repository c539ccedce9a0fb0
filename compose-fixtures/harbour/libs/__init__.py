"""Code shared by every service: database base, settings, auth and service clients."""
