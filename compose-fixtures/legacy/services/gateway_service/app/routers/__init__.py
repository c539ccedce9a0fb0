"""Routers of the gateway that combine several services: dashboard and cleanup."""
