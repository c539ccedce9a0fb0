"""Reserved for models; the gateway has no database."""
