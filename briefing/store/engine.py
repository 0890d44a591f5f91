"""The engine: where the database is, SQLite hygiene (WAL, foreign keys, IMMEDIATE writes), migrations,
and a cheap "did anyone commit?" counter."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    import sqlite3

    from alembic.config import Config

BUSY_TIMEOUT_MS = 10_000
# The newest migration. Opening a database already at this revision skips importing Alembic
# (~0.15 s of every CLI command); tests/test_store.py checks it matches the migration scripts.
SCHEMA_HEAD = "0005"
DB_FILENAME = "briefing.sqlite3"
# PostgreSQL: every write transaction NOTIFYs this channel; open apps LISTEN to it to refresh.
CHANGE_CHANNEL = "briefing_changes"


def default_db_path() -> Path:
    from briefing.paths import user_data_dir

    return user_data_dir() / DB_FILENAME


def resolve_url(db: URL | str | os.PathLike[str] | None = None) -> URL:
    """`--db` beats BRIEFING_DB beats the user data folder; a value is a path or any SQLAlchemy URL."""
    if isinstance(db, URL):
        return db
    value = os.fspath(db) if db is not None else os.environ.get("BRIEFING_DB") or None
    if value is None:
        return make_url(f"sqlite:///{default_db_path()}")
    if "://" in value:
        return make_url(value)
    path = Path(value).expanduser().resolve()
    return make_url(f"sqlite:///{path}")


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _install_sqlite_hygiene(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how each transaction starts (see below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: two processes that both read then write
        # would otherwise deadlock on lock upgrade and one would fail with SQLITE_BUSY.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def describe(url: URL) -> str:
    """A database's name for messages: the file, or server:port/database (never the password)."""
    if url.get_backend_name() == "sqlite":
        return url.database or "in memory"
    port = url.port or (5432 if url.get_backend_name() == "postgresql" else None)
    host = f"{url.host or 'localhost'}:{port}" if port else (url.host or "localhost")
    return f"{host}/{url.database or ''}" + (f" as {url.username}" if url.username else "")


def failure_reason(url: URL, exc: BaseException) -> str:
    """The driver's first line, with the password scrubbed should the driver ever repeat it."""
    orig = getattr(exc, "orig", None) or exc
    line = next((ln.strip() for ln in str(orig).splitlines() if ln.strip()), type(orig).__name__)
    if url.password:
        line = line.replace(str(url.password), "***")
    return line


def _read_only_file(path: Path) -> bool:
    """An existing database that this user cannot write: the file, or its folder, where SQLite
    keeps its journal and WAL files."""
    return path.is_file() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _read_only_connect(path: Path) -> Callable[[], sqlite3.Connection]:
    import sqlite3
    from urllib.parse import quote

    wal = all(Path(f"{path}{end}").is_file() for end in ("-wal", "-shm"))
    # Without its -wal/-shm files (which cannot be made in a read-only folder) a WAL database opens
    # only as immutable: nobody can be writing it, since nobody can create those files either.
    uri = f"file:{quote(str(path))}?mode=ro" + ("" if wal else "&immutable=1")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)

    return connect


class Database:
    """One database: an engine, read and write session factories, and its migrations."""

    def __init__(self, url: URL | str, *, migrate: bool = True) -> None:
        self.url = make_url(url) if isinstance(url, str) else url
        self.is_sqlite = _is_sqlite(self.url)
        self.is_postgresql = self.url.get_backend_name() == "postgresql"
        self.read_only = False
        kwargs: dict = {}
        in_memory = False
        if self.is_sqlite:
            db = self.url.database or ""
            in_memory = db in ("", ":memory:")
            self.read_only = not in_memory and _read_only_file(Path(db))
            if self.read_only:
                # Reading must still work where nothing can be written (a shared or archived file).
                kwargs["creator"] = _read_only_connect(Path(db))
            elif not in_memory:
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            else:
                from sqlalchemy.pool import StaticPool

                kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        if self.is_postgresql:
            # A dropped connection (server restart, network) is found before use, not mid-save.
            kwargs["pool_pre_ping"] = True
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _install_sqlite_hygiene(self.engine, in_memory or self.read_only)
            self._write_engine: Engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            self._write_engine = self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        self._has_fts: bool | None = None
        self._in_memory = in_memory
        self._watch: Any = None  # the sqlite3 connection change_counter() polls
        self._watch_lock = threading.Lock()
        self._notified = 0  # PostgreSQL: the change notifications counted so far
        try:
            self._open(migrate)
        except BaseException:
            self.engine.dispose()  # a refused database keeps no connection (nor its -wal file) open
            raise

    def _open(self, migrate: bool) -> None:
        stored = self._stored_revision() if migrate else SCHEMA_HEAD
        if stored != SCHEMA_HEAD:
            self._refuse_newer(stored)
            if self.read_only:
                from briefing.domain.errors import StorageError

                raise StorageError(f"{self.url.database} is read-only and needs an upgrade to this version's "
                                   "schema; make it writable once, or work on a writable copy")
            self.upgrade()
        # Probed now, outside any transaction: an in-memory database has a single connection, and a
        # first probe from inside a write (the seed) would try to begin a second transaction on it.
        self._has_fts = self._probe_fts()

    # ---- Sessions
    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._dropped_is_an_error(), self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction: committed whole on success, rolled back whole on any error."""
        with self._dropped_is_an_error(), self._write() as session, session.begin():
            yield session
            if self.is_postgresql:
                # Delivered to every listener when (and only if) this transaction commits: the
                # server's side of `change_counter`.
                session.execute(text(f"NOTIFY {CHANGE_CHANNEL}"))

    @contextmanager
    def _dropped_is_an_error(self) -> Iterator[None]:
        """On a server, a connection lost mid-transaction (or unreachable at its start) becomes a
        one-line `DatabaseError`; the server rolled the transaction back, so nothing was saved and
        the caller may retry (the pool pings before lending a connection again)."""
        from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

        from briefing.domain.errors import DatabaseError

        try:
            yield
        except DBAPIError as exc:
            if self.is_sqlite or not (exc.connection_invalidated or isinstance(exc, (OperationalError,
                                                                                       InterfaceError))):
                raise
            raise DatabaseError(describe(self.url), failure_reason(self.url, exc) + " (nothing was saved)") from None

    # ---- Migrations
    def alembic_config(self) -> Config:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        # ConfigParser interpolates `%`: a percent-encoded password or path must be escaped.
        cfg.set_main_option("sqlalchemy.url", self.url.render_as_string(hide_password=False).replace("%", "%%"))
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        self._migrate(command.upgrade, revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        self._migrate(command.downgrade, revision)

    def _migrate(self, step: Any, revision: str) -> None:
        """Runs Alembic with SQLite's foreign keys off: batch mode rebuilds a table by copy, drop and
        rename, and dropping `findings` with them on would cascade-delete every metric, tag and
        wording. The pragma is a no-op inside a transaction, so it is set before the first statement;
        the keys are then checked whole before the connection goes back to the pool with them on."""
        cfg = self.alembic_config()
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection if self.is_sqlite else None
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        conn.rollback()
                        raise RuntimeError(f"migration to {revision} left broken references: {broken[:5]}")
                conn.commit()
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")
        self._has_fts = self._probe_fts()

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A plain connection; on a server, failing to reach it is a one-line `DatabaseError`."""
        from sqlalchemy.exc import InterfaceError, OperationalError

        from briefing.domain.errors import DatabaseError

        try:
            conn = self.engine.connect()
        except (OperationalError, InterfaceError) as exc:
            if self.is_sqlite:
                raise
            raise DatabaseError(describe(self.url), failure_reason(self.url, exc)) from None
        with conn:
            yield conn

    def _stored_revision(self) -> str | None:
        from sqlalchemy.exc import DBAPIError

        with self.connection() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except DBAPIError:  # no table yet (a new database): migrate
                return None

    def _refuse_newer(self, stored: str | None) -> None:
        """A revision the scripts do not know was written by a newer Briefing: migrating (or
        using) it would mean guessing, so the database is refused untouched."""
        if stored is None:
            return
        from alembic.script import ScriptDirectory

        from briefing.domain.errors import DatabaseError

        known = {s.revision for s in ScriptDirectory.from_config(self.alembic_config()).walk_revisions()}
        if stored not in known:
            raise DatabaseError(describe(self.url), f"written by a newer version of Briefing (schema {stored}, "
                                f"this one knows up to {SCHEMA_HEAD}); update Briefing to open it, or "
                                "choose another database with --db")

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def has_fts(self) -> bool:
        # Asked on every search; the answer changes only when migrations run.
        if self._has_fts is None:
            self._has_fts = self._probe_fts()
        return self._has_fts

    def _probe_fts(self) -> bool:
        """Whether the full-text index exists: FTS5's table on SQLite, `findings_search` on PostgreSQL."""
        if self.is_postgresql:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT to_regclass('findings_search') IS NOT NULL")).scalar() is True
        if not self.is_sqlite:
            return False
        with self.engine.connect() as conn:
            row = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='findings_fts'")
            ).first()
            return row is not None

    def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API (safe while others write)."""
        import sqlite3

        if not self.is_sqlite:
            from briefing.domain.errors import DatabaseError

            raise DatabaseError(describe(self.url), "`db backup` copies SQLite files only; back a server "
                                "database up with its own tools (pg_dump)")
        target = Path(target)
        tmp = target.with_name(f".{target.name}.partial")
        raw = self.engine.raw_connection()
        try:
            dest = sqlite3.connect(tmp)
            try:
                source = raw.driver_connection
                assert isinstance(source, sqlite3.Connection), "a SQLite URL gives a sqlite3 connection"
                source.backup(dest)
            finally:
                dest.close()
            os.replace(tmp, target)
        finally:
            raw.close()
            if tmp.exists():
                tmp.unlink()

    def change_counter(self) -> int | None:
        """A number that moves when any other connection commits (another process, or this
        process's own sessions); None where there is no cheap way to tell (in-memory SQLite, other
        engines). On PostgreSQL, the count of change notifications (see `_notified_changes`).

        SQLite's `PRAGMA data_version` on one dedicated connection that never writes: it answers
        from the connection's own view of the file, without a transaction, in microseconds, so a
        window can poll it twice a second."""
        if self.is_postgresql:
            return self._notified_changes()
        if not self.is_sqlite or self._in_memory:
            return None
        import sqlite3

        with self._watch_lock:
            if self._watch is None:
                # Autocommit: a connection left inside a read transaction would not see commits.
                self._watch = sqlite3.connect(self.url.database or "", isolation_level=None,
                                              check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def _notified_changes(self) -> int:
        """PostgreSQL's change counter: the commits announced on `CHANGE_CHANNEL` (each write
        transaction NOTIFYs at commit) to one dedicated autocommit connection that LISTENs,
        counted without waiting. A lost listener is reopened and counts as a change, since
        commits may have gone unseen meanwhile."""
        import psycopg

        with self._watch_lock:
            if self._watch is None:
                raw = self.engine.raw_connection()  # the pool's URL and driver arguments, then detached
                conn = raw.driver_connection
                raw.detach()
                assert conn is not None  # a connection just lent by the pool has its driver connection
                conn.rollback()  # the pool's ping may have opened a transaction
                conn.autocommit = True
                conn.execute(f"LISTEN {CHANGE_CHANNEL}")
                self._watch = conn
                self._notified += 1
            try:
                self._notified += sum(1 for _ in self._watch.notifies(timeout=0))
            except psycopg.Error:
                self._watch.close()
                self._watch = None
                self._notified += 1
            return self._notified

    def dispose(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        self.engine.dispose()
