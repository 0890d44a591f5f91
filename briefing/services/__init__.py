"""The services front ends call: open a database (migrated, seeded when empty) and work on it."""

from __future__ import annotations

import os

from briefing.services.service import BriefingService, ImportSummary


def open_service(db: str | os.PathLike[str] | None = None, *, seed: bool = True) -> BriefingService:
    """Opens (creating and migrating as needed) the database; the first open of an empty one seeds it."""
    from briefing.services.seeding import seed_database
    from briefing.store.engine import Database, resolve_url
    from briefing.store.seed import needs_seed

    database = Database(resolve_url(db))
    service = BriefingService(database)
    if seed and needs_seed(database):
        seed_database(service)
    return service


__all__ = ["BriefingService", "ImportSummary", "open_service"]
