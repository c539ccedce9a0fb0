"""Reserved for a versioned API (nothing here yet)."""
