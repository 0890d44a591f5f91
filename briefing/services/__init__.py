"""The services front ends call: open a database (migrated, seeded when empty) and work on it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from briefing.services.service import BriefingService, ImportSummary

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


def open_service(db: URL | str | os.PathLike[str] | None = None, *, seed: bool = True) -> BriefingService:
    """Opens (creating and migrating as needed) the database; the first open of an empty one seeds it."""
    from briefing.store.engine import Database, resolve_url
    from briefing.store.seed import needs_seed, seed_database

    database = Database(resolve_url(db))
    if seed and needs_seed(database):
        seed_database(database)
    return BriefingService(database)


__all__ = ["BriefingService", "ImportSummary", "open_service"]
