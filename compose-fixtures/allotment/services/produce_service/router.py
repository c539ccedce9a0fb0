"""Where main.py has always imported the exchange router from.

The exchange routes moved to ``exchange_router.py`` in 2021; the old name stays so
that nothing importing ``services.produce_service.router`` had to change.
"""

from services.produce_service.exchange_router import router as exchange_router

router = exchange_router
