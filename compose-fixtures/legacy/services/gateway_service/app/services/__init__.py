"""Reserved for a service layer that was never needed."""
