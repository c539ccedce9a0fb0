"""Reserved for app-wide settings (the shared package won)."""
