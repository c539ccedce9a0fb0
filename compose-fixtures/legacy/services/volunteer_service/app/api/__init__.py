"""Placeholder for a versioned API package; the routes live in the service root."""
