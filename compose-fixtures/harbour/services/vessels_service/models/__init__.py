"""Vessels service models, one module per entity (split out of the old models.py)."""

from services.vessels_service.models.enums import HullMaterial, OwnerKind, VesselType
from services.vessels_service.models.owner import Owner
from services.vessels_service.models.vessel import Vessel

__all__ = [
    "HullMaterial",
    "Owner",
    "OwnerKind",
    "Vessel",
    "VesselType",
]
