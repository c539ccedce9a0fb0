"""Berths service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.berths_service.models import (
    BerthStatus,
    BerthType,
    BillingCycle,
    BookingSource,
    BookingStatus,
    ContractStatus,
    InspectionOutcome,
    ShorePower,
)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


class PontoonCreate(BaseModel):
    code: str = Field(min_length=1, max_length=8, pattern=r"^[A-Z][A-Z0-9]*$")
    name: str = Field(min_length=1, max_length=100)
    max_draft_m: Decimal = Field(gt=0, le=20)
    is_visitor: bool = False
    has_water: bool = True
    has_fuel: bool = False
    gate_code: str | None = Field(default=None, max_length=12)


class PontoonUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=100)
    is_visitor: bool | None = None
    has_fuel: bool | None = None
    gate_code: str | None = Field(default=None, max_length=12)


class PontoonResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    max_draft_m: Decimal
    is_visitor: bool
    has_water: bool
    has_fuel: bool


class BerthCreate(BaseModel):
    pontoon_id: uuid.UUID
    number: int = Field(ge=1, le=999)
    berth_type: BerthType = BerthType.FINGER
    max_length_m: Decimal = Field(gt=0, le=150)
    max_beam_m: Decimal = Field(gt=0, le=40)
    max_draft_m: Decimal | None = Field(default=None, gt=0)
    shore_power: ShorePower = ShorePower.AMP_16
    nightly_rate: Decimal = Field(ge=0)
    notes: str | None = None


class BerthUpdate(BaseModel):
    berth_type: BerthType | None = None
    max_length_m: Decimal | None = Field(default=None, gt=0)
    max_beam_m: Decimal | None = Field(default=None, gt=0)
    max_draft_m: Decimal | None = Field(default=None, gt=0)
    shore_power: ShorePower | None = None
    nightly_rate: Decimal | None = Field(default=None, ge=0)
    notes: str | None = None


class BerthStatusChange(BaseModel):
    status: BerthStatus
    reason: str | None = None


class BerthResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pontoon_id: uuid.UUID
    number: int
    berth_type: BerthType
    status: BerthStatus
    max_length_m: Decimal
    max_beam_m: Decimal
    max_draft_m: Decimal | None
    shore_power: ShorePower
    nightly_rate: Decimal


class PontoonDetail(PontoonResponse):
    berths: list[BerthResponse]
    free_berths: int


class AvailableBerth(BaseModel):
    berth: BerthResponse
    pontoon_code: str
    nights: int
    quote: Decimal


class InspectionCreate(BaseModel):
    inspected_on: date
    inspector: str = Field(min_length=1, max_length=120)
    outcome: InspectionOutcome
    cleats_ok: bool = True
    electrics_ok: bool = True
    notes: str | None = None


class InspectionResponse(InspectionCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    berth_id: uuid.UUID


class BookingCreate(BaseModel):
    berth_id: uuid.UUID
    vessel_id: uuid.UUID
    skipper_name: str = Field(min_length=1, max_length=120)
    skipper_phone: str | None = Field(default=None, max_length=40)
    arrival: date
    departure: date
    source: BookingSource = BookingSource.ONLINE

    @model_validator(mode="after")
    def _dates_in_order(self) -> BookingCreate:
        if self.departure <= self.arrival:
            raise ValueError("departure must be after arrival")
        if (self.departure - self.arrival).days > 28:
            raise ValueError("visitor stays are limited to 28 nights; ask for a contract")
        return self


class BookingStatusChange(BaseModel):
    status: BookingStatus
    reason: str | None = None


class BookingResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    berth_id: uuid.UUID
    vessel_id: uuid.UUID
    skipper_name: str
    arrival: date
    departure: date
    nights: int
    status: BookingStatus
    source: BookingSource
    nightly_rate: Decimal
    total_amount: Decimal
    checked_in_at: datetime | None
    checked_out_at: datetime | None


class ContractCreate(BaseModel):
    berth_id: uuid.UUID
    vessel_id: uuid.UUID
    holder_id: uuid.UUID
    starts_on: date
    ends_on: date
    billing_cycle: BillingCycle = BillingCycle.ANNUAL
    annual_fee: Decimal = Field(gt=0)
    deposit: Decimal = Field(default=Decimal("0"), ge=0)
    auto_renew: bool = False

    @model_validator(mode="after")
    def _term_in_order(self) -> ContractCreate:
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on must be after starts_on")
        return self


class ContractTermination(BaseModel):
    reason: str = Field(min_length=3)


class ContractResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    berth_id: uuid.UUID
    vessel_id: uuid.UUID
    holder_id: uuid.UUID
    starts_on: date
    ends_on: date
    status: ContractStatus
    billing_cycle: BillingCycle
    annual_fee: Decimal
    instalment: Decimal
    deposit: Decimal
    auto_renew: bool
    renewed_from_id: uuid.UUID | None
