"""Empty: the schemas are in ``services.communications_service.schemas``."""
