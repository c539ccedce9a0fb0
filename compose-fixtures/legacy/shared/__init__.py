"""Code shared by every service of the Riverside Sports Club backend."""
