"""Gateway service: one front door for the web app, proxying to and combining the services."""
