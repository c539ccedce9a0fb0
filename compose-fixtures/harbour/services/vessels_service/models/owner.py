from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id
from services.vessels_service.models.enums import OwnerKind

if TYPE_CHECKING:
    from services.vessels_service.models.vessel import Vessel


class Owner(TimestampMixin, Base):
    __tablename__ = "harbour_owners"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[OwnerKind] = mapped_column(
        Enum(OwnerKind, name="owner_kind"), nullable=False, default=OwnerKind.INDIVIDUAL
    )
    full_name: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    account_user_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)

    vessels: Mapped[list["Vessel"]] = relationship(back_populates="owner")
