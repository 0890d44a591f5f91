"""Storage: ORM models, the engine with SQLite hygiene, migrations, seeding, import/export."""

from briefing.store.engine import Database, resolve_url

__all__ = ["Database", "resolve_url"]
