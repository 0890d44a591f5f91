"""A wrong password for a team database (issue 18): one line naming the server, never the password,
from the service and from the CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from briefing.domain.errors import BriefingError
from briefing.services import open_service

PASSWORD = "right-horse-battery"
WRONG = "wrong-Staple-77"


@pytest.fixture
def locked_url(pg_cluster, pg_url: str) -> str:  # type: ignore[no-untyped-def]
    """The test database as role carol, whom the server asks for a password."""
    pg_cluster.role("carol", PASSWORD)
    pg_cluster.grant(pg_url.rsplit("/", 1)[1], "carol")
    return pg_url.replace("briefing@", "carol:{}@")


def test_a_wrong_password_is_one_line_naming_the_server_without_the_password(locked_url: str) -> None:
    svc = open_service(locked_url.format(PASSWORD))  # the right one opens
    svc.close()
    with pytest.raises(BriefingError) as err:
        open_service(locked_url.format(WRONG))
    message = str(err.value)
    server = locked_url.split("@", 1)[1]  # 127.0.0.1:PORT/db
    assert server in message and "carol" in message and "password" in message.lower()
    assert WRONG not in message and PASSWORD not in message and "\n" not in message


def test_the_cli_says_the_same_in_one_line(locked_url: str) -> None:
    r = subprocess.run([sys.executable, "-m", "briefing", "--db", locked_url.format(WRONG), "findings", "list"],
                       capture_output=True, text=True, env={**os.environ, "BRIEFING_SERVER": "off"}, timeout=120,
                       check=False)
    server = locked_url.split("@", 1)[1]
    assert r.returncode != 0 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and server in lines[0] and "password" in lines[0].lower(), r.stderr
    assert WRONG not in r.stderr
