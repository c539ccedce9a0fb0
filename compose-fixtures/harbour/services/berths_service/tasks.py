"""arq tasks: release unconfirmed bookings, mark no-shows, expire and renew contracts.

Every task takes arq's ``ctx``; the worker's startup puts a ``session_factory`` in it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.berths_service.models import (
    Booking,
    BookingStatus,
    ContractStatus,
    MooringContract,
)

logger = logging.getLogger(__name__)

PENDING_HOLD = timedelta(hours=48)


@asynccontextmanager
async def _session(ctx: dict[str, Any]) -> AsyncIterator[AsyncSession]:
    async with ctx["session_factory"]() as session:
        async with session.begin():
            yield session


async def release_unconfirmed_bookings(ctx: dict[str, Any]) -> int:
    """Cancel bookings still pending after the hold period so the berth frees up."""
    cutoff = datetime.now(timezone.utc) - PENDING_HOLD
    async with _session(ctx) as db:
        result = await db.execute(
            update(Booking)
            .where(Booking.status == BookingStatus.PENDING, Booking.created_at < cutoff)
            .values(status=BookingStatus.CANCELLED, cancel_reason="not confirmed in time")
        )
    logger.info("released %s unconfirmed bookings", result.rowcount)
    return result.rowcount


async def mark_no_shows(ctx: dict[str, Any], today: date | None = None) -> int:
    today = today or date.today()
    async with _session(ctx) as db:
        result = await db.execute(
            update(Booking)
            .where(Booking.status == BookingStatus.CONFIRMED, Booking.arrival < today)
            .values(status=BookingStatus.NO_SHOW)
        )
    return result.rowcount


async def expire_contracts(ctx: dict[str, Any], today: date | None = None) -> list[str]:
    """Expire ended contracts; an auto-renewing one gets an active successor for a new term."""
    today = today or date.today()
    renewed: list[str] = []
    async with _session(ctx) as db:
        ended = await db.execute(
            select(MooringContract).where(
                MooringContract.status == ContractStatus.ACTIVE, MooringContract.ends_on <= today
            )
        )
        for contract in ended.scalars():
            contract.status = ContractStatus.EXPIRED
            if not contract.auto_renew:
                continue
            successor = MooringContract(
                berth_id=contract.berth_id,
                vessel_id=contract.vessel_id,
                holder_id=contract.holder_id,
                starts_on=contract.ends_on,
                ends_on=contract.ends_on + (contract.ends_on - contract.starts_on),
                status=ContractStatus.ACTIVE,
                billing_cycle=contract.billing_cycle,
                annual_fee=contract.annual_fee,
                deposit=contract.deposit,
                auto_renew=True,
                renewed_from_id=contract.id,
            )
            db.add(successor)
            renewed.append(str(contract.id))
    return renewed
