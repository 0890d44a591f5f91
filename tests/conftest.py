"""Shared fixtures: an isolated environment (no user data, cache or display), and seeded databases."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before anything imports Qt: no display in CI, and never the user's own files.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("env")
    os.environ["BRIEFING_CACHE"] = str(root / "cache")
    os.environ["BRIEFING_DB"] = str(root / "default.sqlite3")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_CACHE_HOME"] = str(root / "xdg-cache")
    os.environ["XDG_STATE_HOME"] = str(root / "state")  # the error log


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database per test session; tests get their own copy of the file."""
    from briefing.services import open_service

    path = tmp_path_factory.mktemp("seed") / "seeded.sqlite3"
    svc = open_service(path)
    svc.close()
    return path


@pytest.fixture(scope="module")
def module_service(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A service on one copy of the seed, shared by the tests of one module (for modules that only
    read it, or put back what they change)."""
    from briefing.services import open_service

    path = tmp_path_factory.mktemp("module-seed") / "briefing.sqlite3"
    shutil.copyfile(seeded_template, path)
    service = open_service(path)
    yield service
    service.close()


@pytest.fixture
def seeded_db(seeded_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "briefing.sqlite3"
    shutil.copyfile(seeded_template, target)
    return target


@pytest.fixture
def service(seeded_db: Path):
    from briefing.services import open_service

    svc = open_service(seeded_db)
    yield svc
    svc.close()


@pytest.fixture
def empty_service(tmp_path: Path):
    """A migrated database with the seed report, its sections and built-in audiences but no findings or sources."""
    from briefing.services import open_service

    svc = open_service(tmp_path / "empty.sqlite3", seed=False)
    from briefing.services.seeding import seed_database

    seed_database(svc, root=_audiences_only(tmp_path))
    yield svc
    svc.close()


def _audiences_only(tmp_path: Path) -> Path:
    from briefing.paths import SEED_DATA

    root = tmp_path / "seed-audiences"
    (root / "findings").mkdir(parents=True)
    shutil.copyfile(SEED_DATA / "audiences.yaml", root / "audiences.yaml")
    shutil.copyfile(SEED_DATA / "report.yaml", root / "report.yaml")  # the report and its sections
    (root / "sources.yaml").write_text("[]\n", encoding="utf-8")
    return root


# ---- PostgreSQL: one throwaway cluster per session, one seeded template database, a copy per test


@pytest.fixture(scope="session")
def pg_cluster():  # type: ignore[no-untyped-def]
    """The session's PostgreSQL cluster. Skips the PostgreSQL tests when no server can start on
    this machine, except in CI (CI=true), where that is a failure."""
    from pgcluster import Cluster

    cluster = Cluster()
    try:
        cluster.start()
    except Exception as exc:  # noqa: BLE001 - any reason the server cannot start
        cluster.stop()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL could not start in CI: {exc}")
        pytest.skip(f"PostgreSQL could not start: {exc}")
    yield cluster
    cluster.stop()


_pg_counter = iter(range(1, 1_000_000))


@pytest.fixture(scope="session")
def pg_seeded_template(pg_cluster) -> str:  # type: ignore[no-untyped-def]
    """The name of a migrated, seeded database that per-test databases are copied from."""
    from briefing.services import open_service

    pg_cluster.admin("CREATE DATABASE seeded_template")
    svc = open_service(pg_cluster.url("seeded_template"))
    svc.close()
    return "seeded_template"


@pytest.fixture
def pg_url(pg_cluster, pg_seeded_template) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh copy of the seeded database for one test, dropped after it."""
    name = f"t{next(_pg_counter)}"
    pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {pg_seeded_template}")
    yield pg_cluster.url(name)
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_service(pg_url: str):  # type: ignore[no-untyped-def]
    from briefing.services import open_service

    svc = open_service(pg_url)
    yield svc
    svc.close()
