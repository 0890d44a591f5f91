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

from briefing.domain.errors import StorageError

if TYPE_CHECKING:
    import sqlite3

    from alembic.config import Config

BUSY_TIMEOUT_MS = 10_000
# The newest migration. Opening a database already at this revision skips importing Alembic
# (~0.15 s of every CLI command); tests/test_store.py checks it matches the migration scripts.
SCHEMA_HEAD = "0009"
DB_FILENAME = "briefing.sqlite3"
# PostgreSQL: every write transaction NOTIFYs this channel; open apps LISTEN to it to refresh.
CHANGE_CHANNEL = "briefing_changes"
# PRAGMA application_id of a Briefing database ("BrFg"): how we tell our files from another
# application's SQLite file before changing anything in it.
APPLICATION_ID = 0x42724667
# Tables whose presence (without the application id) marks a database made by an earlier Briefing.
_OUR_TABLES = {"alembic_version", "findings", "meta"}


class NotBriefingDatabaseError(StorageError):
    """The file is some other application's SQLite database (or not SQLite at all); left untouched."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"“{path}” is not a Briefing database ({reason}); Briefing leaves it untouched. "
                         "Choose another file with --db, or a new file name to start a new database")

    def __reduce__(self) -> tuple[type[NotBriefingDatabaseError], tuple[str, str]]:
        return (type(self), (self.path, self.reason))


def default_db_path() -> Path:
    from briefing.paths import user_data_dir

    return user_data_dir() / DB_FILENAME


def resolve_url(db: URL | str | os.PathLike[str] | None = None) -> URL:
    """`--db` beats BRIEFING_DB beats the user data folder; a value is a path or any SQLAlchemy URL."""
    if isinstance(db, URL):
        return db
    value = os.fspath(db) if db is not None else os.environ.get("BRIEFING_DB") or None
    if value is None:
        return sqlite_url(default_db_path())
    if "://" in value:
        return make_url(value)
    return sqlite_url(Path(value).expanduser().resolve())


def sqlite_url(path: Path) -> URL:
    # Built from parts, not parsed from "sqlite:///…": make_url would decode a "%25" in a folder name.
    return URL.create("sqlite", database=str(path))


def check_sqlite_file(path: Path) -> int | None:
    """A read-only look at an existing file before anything opens it for writing: its application id,
    or None when it has none yet (empty, or made by an earlier Briefing). Raises
    NotBriefingDatabaseError for any other file, which stays exactly as it was (no -wal/-shm either)."""
    import sqlite3

    with path.open("rb") as fh:
        header = fh.read(100)
    if not header:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise NotBriefingDatabaseError(str(path), "not SQLite at all")
    # The header's application id (offset 68); a WAL not yet checkpointed may hold a newer page 1,
    # but only we stamp our id, and our own files then also pass the table check below.
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return app_id
    if app_id:
        raise NotBriefingDatabaseError(str(path), f"another application's SQLite file: application id {app_id:#x}")
    # With no -wal beside it the file holds everything: read it as immutable, which creates no
    # -wal/-shm of its own. With one, a plain read-only open sees the latest commits.
    wal = Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if wal else "&immutable=1")
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise NotBriefingDatabaseError(str(path), "unreadable as SQLite") from None
    if tables and not tables >= _OUR_TABLES:
        raise NotBriefingDatabaseError(str(path), "another application's SQLite file: none of Briefing's tables")
    return None


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
        # A new file, and the folders made for it, are removed again if the first open fails.
        created: list[Path] = []
        stamp = False
        if self.is_sqlite:
            db = self.url.database or ""
            in_memory = db in ("", ":memory:") or db.startswith("file::memory:")
            path = Path(db)
            if not in_memory and path.exists():
                # Before anything opens it for writing: another application's file stays untouched.
                stamp = check_sqlite_file(path) != APPLICATION_ID
            self.read_only = not in_memory and _read_only_file(path)
            if self.read_only:
                # Reading must still work where nothing can be written (a shared or archived file).
                kwargs["creator"] = _read_only_connect(path)
            elif not in_memory:
                if not path.exists():
                    stamp = True
                    created = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
                    path.parent.mkdir(parents=True, exist_ok=True)
                    created.insert(0, path)
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
            if stamp and migrate and not self.read_only:
                self._stamp_application_id()
        except BaseException:
            self.engine.dispose()  # a refused database keeps no connection (nor its -wal file) open
            _remove_created(created)
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

    def _stamp_application_id(self) -> None:
        from sqlalchemy.exc import OperationalError

        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                conn.commit()
        except OperationalError:
            # A file we cannot write after all is still ours to read; stamped on a later open.
            pass

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
        from briefing.fileio import atomic_path

        raw = self.engine.raw_connection()
        try:
            # Into a temp file beside the target, renamed over it when whole; a device, FIFO or
            # socket at the target (or a link to one) is refused, never replaced.
            with atomic_path(Path(target)) as tmp:
                dest = sqlite3.connect(tmp)
                try:
                    source = raw.driver_connection
                    assert isinstance(source, sqlite3.Connection), "a SQLite URL gives a sqlite3 connection"
                    source.backup(dest)
                finally:
                    dest.close()
        finally:
            raw.close()

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


def _remove_created(created: list[Path]) -> None:
    """The database file (with its -wal/-shm/-journal) and then the folders made for it, if empty."""
    if not created:
        return
    db, folders = created[0], created[1:]
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            break
