"""Members service: society members, growing coaches and their agreements, volunteers."""
