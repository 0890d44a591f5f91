"""Alembic environment: runs on the connection the Database hands over, in batch mode for SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from briefing.store.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # The FTS5 table and its shadow tables are managed by hand in the migrations.
    return not (type_ == "table" and name is not None and name.startswith("findings_fts"))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("migrations need a connection or a sqlalchemy.url")
        engine = create_engine(url)
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
