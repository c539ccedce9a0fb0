"""Reserved for a schemas package; the bodies are in ``schemas.py``."""
