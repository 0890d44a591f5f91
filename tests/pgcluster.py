"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, a free port on
127.0.0.1, stopped and deleted at the end of the session."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "briefing"  # the cluster's superuser role (initdb -U), not an OS account


def _tool(name: str) -> str | None:
    """initdb/pg_ctl: on PATH, or in Debian's versioned lib folder (never on PATH there)."""
    found = shutil.which(name)
    if found:
        return found
    lib = Path("/usr/lib/postgresql")
    if lib.is_dir():
        for version in sorted(lib.iterdir(), key=lambda p: p.name, reverse=True):
            candidate = version / "bin" / name
            if candidate.exists():
                return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """Start with `start()`, always `stop()`; `url(db)` is a SQLAlchemy URL for a database on it."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.port = 0
        self._pg_ctl = ""
        self._as_user: list[str] = []

    def start(self) -> None:
        initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
        if not (initdb and pg_ctl):
            raise RuntimeError("PostgreSQL's initdb/pg_ctl are not installed (Debian package postgresql)")
        self._pg_ctl = pg_ctl
        root = os.geteuid() == 0
        # Under root the server runs as `nobody`, who must reach the folder: /tmp, not a private TMPDIR.
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-pg-", dir="/tmp" if root else None))
        if root:
            # PostgreSQL refuses to run as root: run it as an unprivileged account that owns the folder.
            account = pwd.getpwnam("nobody")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "nobody", "--"]
        data = self.folder / "data"
        self._run([initdb, "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C.UTF-8"])
        self.port = _free_port()
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run([pg_ctl, "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"])

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(self._as_user + argv, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL, cwd=self.folder, check=False)
        if done.returncode != 0:
            log = ""
            if self.folder and (self.folder / "log").exists():
                log = (self.folder / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()} {log}".strip())

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Runs one statement outside a transaction (CREATE/DROP DATABASE) as the superuser."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def role(self, name: str, password: str | None = None) -> None:
        """A login role (a second analyst; `grant` gives it a database). With a password, the server
        asks this role for it (scram), as a team server would; the superuser keeps trust."""
        assert self.folder is not None
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            # The cluster lives for the whole session: a second test asking for the role reuses it.
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                conn.execute(f"CREATE ROLE {name} LOGIN" + (f" PASSWORD '{password}'" if password else ""))
        hba = self.folder / "data" / "pg_hba.conf"
        line = f"host all {name} 127.0.0.1/32 scram-sha-256\n"
        if password and line not in hba.read_text():
            # First match wins: this role's line goes above the trust lines.
            hba.write_text(line + hba.read_text())
            self.admin("SELECT pg_reload_conf()")

    def grant(self, database: str, role: str) -> None:
        """Every right on an existing database's tables and sequences to `role`."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=database,
                             autocommit=True) as conn:
            conn.execute(f"GRANT ALL ON SCHEMA public TO {role}")
            conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
            conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self._run([self._pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
