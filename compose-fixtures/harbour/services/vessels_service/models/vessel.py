from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Date, Enum, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id
from services.vessels_service.models.enums import HullMaterial, VesselType

if TYPE_CHECKING:
    from services.vessels_service.models.owner import Owner


class Vessel(TimestampMixin, Base):
    __tablename__ = "harbour_vessels"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_owners.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    registration_no: Mapped[str | None] = mapped_column(String(30), unique=True)
    vessel_type: Mapped[VesselType] = mapped_column(
        Enum(VesselType, name="vessel_type"), nullable=False
    )
    hull_material: Mapped[HullMaterial] = mapped_column(
        Enum(HullMaterial, name="hull_material"), nullable=False, default=HullMaterial.GRP
    )
    length_m: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    beam_m: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False)
    draft_m: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    year_built: Mapped[int | None] = mapped_column(Integer)
    home_port: Mapped[str | None] = mapped_column(String(80))
    insurance_expires_on: Mapped[date | None] = mapped_column(Date)
    is_archived: Mapped[bool] = mapped_column(default=False, nullable=False)

    owner: Mapped["Owner"] = relationship(back_populates="vessels")

    def insured_on(self, day: date) -> bool:
        return self.insurance_expires_on is not None and self.insurance_expires_on >= day
