"""The society's services, one package each."""
