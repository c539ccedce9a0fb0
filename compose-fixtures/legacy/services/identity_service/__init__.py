"""Identity service: a placeholder that was never implemented (Supabase handles sign-in)."""
