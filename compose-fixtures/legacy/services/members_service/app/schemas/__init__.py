"""Placeholder from the 2020 layout; the schemas live next to the routers."""
