"""The pilots application: the app and the roster routes."""
