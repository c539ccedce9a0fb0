"""API versioning was planned here in 2020 and never happened."""
