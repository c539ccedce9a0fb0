"""Vessels service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.vessels_service.models import HullMaterial, OwnerKind, VesselType


class OwnerCreate(BaseModel):
    kind: OwnerKind = OwnerKind.INDIVIDUAL
    full_name: str = Field(min_length=1, max_length=160)
    email: str = Field(max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = None
    account_user_id: uuid.UUID | None = None


class OwnerUpdate(BaseModel):
    full_name: str | None = Field(default=None, max_length=160)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = None


class OwnerResponse(OwnerCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID


class VesselCreate(BaseModel):
    owner_id: uuid.UUID
    name: str = Field(min_length=1, max_length=120)
    registration_no: str | None = Field(default=None, max_length=30)
    vessel_type: VesselType
    hull_material: HullMaterial = HullMaterial.GRP
    length_m: Decimal = Field(gt=0, le=150)
    beam_m: Decimal = Field(gt=0, le=40)
    draft_m: Decimal | None = Field(default=None, gt=0, le=15)
    year_built: int | None = Field(default=None, ge=1850, le=2100)
    home_port: str | None = None
    insurance_expires_on: date | None = None


class VesselUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    registration_no: str | None = Field(default=None, max_length=30)
    length_m: Decimal | None = Field(default=None, gt=0)
    beam_m: Decimal | None = Field(default=None, gt=0)
    draft_m: Decimal | None = Field(default=None, gt=0)
    home_port: str | None = None
    insurance_expires_on: date | None = None


class VesselResponse(VesselCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    is_archived: bool


class VesselPage(BaseModel):
    items: list[VesselResponse]
    total: int
    page: int
    size: int


class BerthAssignment(BaseModel):
    vessel_id: uuid.UUID
    berth_id: uuid.UUID | None
    contract_id: uuid.UUID | None
    source: str
