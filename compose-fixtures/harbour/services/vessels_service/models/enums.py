"""Enums of the vessels service (shared by the model and schema modules)."""

import enum


class VesselType(str, enum.Enum):
    SAILING_YACHT = "sailing_yacht"
    MOTOR_YACHT = "motor_yacht"
    CATAMARAN = "catamaran"
    RIB = "rib"
    WORKBOAT = "workboat"


class HullMaterial(str, enum.Enum):
    GRP = "grp"
    STEEL = "steel"
    ALUMINIUM = "aluminium"
    WOOD = "wood"


class OwnerKind(str, enum.Enum):
    INDIVIDUAL = "individual"
    COMPANY = "company"
    SYNDICATE = "syndicate"
