"""Empty: the models are in ``services.communications_service.models``."""
