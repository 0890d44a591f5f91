"""The command-line server: real `python -m briefing` callers against a real server process."""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from briefing.cli import client

pytestmark = pytest.mark.skipif(not client.supported(), reason="the command-line server is Linux-only")


class Env:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.run = Path(tempfile.mkdtemp(prefix="brs-", dir="/tmp"))  # short: a socket path is ≤ 107 bytes
        self.vars = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")} | {
            "XDG_RUNTIME_DIR": str(self.run), "BRIEFING_DB": str(root / "b.sqlite3"), "BRIEFING_CACHE": str(root / "c")}

    def briefing(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
                 **kw: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                              env={**self.vars, **(env or {})}, cwd=kw.pop("cwd", self.root), timeout=timeout, **kw)

    def ping(self) -> dict | None:
        with mock.patch.dict(os.environ, {"XDG_RUNTIME_DIR": str(self.run)}):
            return client.request("ping")

    def served(self) -> int | None:
        return (self.ping() or {}).get("served")

    def start(self, env: dict[str, str] | None = None) -> Env:
        r = self.briefing("server", "start", "--idle", "10", env=env)  # an orphan stops soon
        assert r.returncode == 0 and "Briefing server running" in r.stdout, r.stderr
        return self

    def wait_until(self, done, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done()


def _session(e: Env) -> Iterator[Env]:
    yield e
    e.briefing("server", "stop", timeout=30)
    shutil.rmtree(e.run, ignore_errors=True)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from _session(Env(tmp_path))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """One server shared by the tests that only use it (a start warms up for seconds)."""
    yield from _session(Env(tmp_path_factory.mktemp("shared")).start())


def test_a_command_through_the_server_is_the_in_process_command(running: Env) -> None:
    env, off = running, {"BRIEFING_SERVER": "off"}
    before = env.served()
    work = env.root / "work"
    work.mkdir()
    clock = {"SOURCE_DATE_EPOCH": "1767225600"}  # the manifest's generation time, fixed in both runs
    r = env.briefing("export", "--audience", "asia", "--format", "pdf", "-o", "asia.pdf", cwd=work, env=clock)
    assert r.returncode == 0 and r.stdout.strip() == str(work / "asia.pdf"), r.stderr  # the caller's folder
    assert env.briefing("export", "--audience", "asia", "-o", "local.pdf", cwd=work,
                        env=off | clock).returncode == 0
    assert (work / "asia.pdf").read_bytes() == (work / "local.pdf").read_bytes()  # deterministic writer
    diff = env.briefing("diff", "asia.pdf", "--json", cwd=work)  # the caller's file, read by the server
    assert diff.returncode == 0 and json.loads(diff.stdout)["findings"]["changed"] == [], diff.stderr
    r = env.briefing("db", "path", env={"BRIEFING_DB": str(env.root / "elsewhere.sqlite3")})
    assert r.stdout.strip() == str(env.root / "elsewhere.sqlite3")  # the caller's environment
    bad = env.briefing("export", "--audience", "nope", "-o", "x.pdf")
    assert (bad.returncode, bad.stderr) == (2, env.briefing("export", "--audience", "nope", env=off).stderr)
    usage = env.briefing("export", "--format", "rtf")
    assert usage.returncode == 2 and "required: --audience" in usage.stderr
    assert env.served() == before + 5  # BRIEFING_SERVER=off ran here


def _children(server_pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()]


def _drain(fd: int, timeout: float = 20) -> bytes:
    """All a pipe gives until every writer has closed it; AssertionError if that takes longer than `timeout`."""
    out, deadline = b"", time.monotonic() + timeout
    while select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
        if not (chunk := os.read(fd, 65536)):
            return out
        out += chunk
    raise AssertionError(f"still open after {timeout:g} s; so far: {out[-300:]!r}")


def _blocked_writing(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/wchan").read_text().endswith("pipe_write")  # anon_pipe_write on newer kernels
    except OSError:
        return False


# The hang once seen in full-suite runs (xfail until 2026-11-30): a Ctrl+C sent the moment the question showed
# reached the command while it was still inside `input()`'s flush of the question, and `input()` discards an
# error raised by that flush, KeyboardInterrupt included, then waited on the terminal. A full stdout pipe holds
# the command inside that flush for as long as the test likes, so the race is met every time.
@pytest.mark.parametrize("served", [True, False], ids=["served", "in-process"])
def test_ctrl_c_while_the_question_is_being_written_is_never_lost(running: Env, served: bool) -> None:
    primary, secondary = os.openpty()  # `db reset` asks only on a terminal
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    os.write(write, b"x" * 4096)  # full: the question's write blocks until the test reads
    env = running.vars | ({} if served else {"BRIEFING_SERVER": "off"})
    try:
        proc = subprocess.Popen([sys.executable, "-m", "briefing", "db", "reset"], env=env, cwd=running.root,
                                stdin=secondary, stdout=write, stderr=subprocess.PIPE, text=True)
        os.close(write)

        def asking() -> list[int]:
            pids = _children(running.ping()["pid"]) if served else [proc.pid]
            return [pid for pid in pids if _blocked_writing(pid)]

        running.wait_until(lambda: bool(asking()), timeout=60)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)  # the interrupt lands inside the blocked write, then the question may go out
        _drain(read)  # until the command and its caller have ended (the question may or may not have gone out)
        _, err = proc.communicate(timeout=20)
    finally:
        for fd in (primary, secondary, read):
            os.close(fd)
    assert proc.returncode == 130 and "interrupted" in err, err
    assert "13 finding(s)" in running.briefing("findings", "list", "--section", "chips").stderr


def test_ctrl_c_before_the_command_starts_means_it_never_starts(running: Env, tmp_path: Path) -> None:
    """The caller forwards Ctrl+C from the moment it knows the command's pid, before its "go"."""
    target, (read, write) = tmp_path / "backup.sqlite3", os.pipe()
    job = {"op": "run", "protocol": client.PROTOCOL, "argv": ["db", "backup", str(target)], "cwd": str(tmp_path),
           "env": running.vars, "umask": 0o022}
    with _socket(running) as s:
        client.send_message(s, job, [read, write, write])
        pid = client.recv_message(s)[0]["pid"]
        os.close(write)
        os.kill(pid, signal.SIGINT)  # as the caller's relay does, at the earliest moment it can
        time.sleep(0.3)
        client.send_message(s, {"go": True})
        s.settimeout(20)
        try:
            done = client.recv_message(s)
        except OSError:  # the command's process ended without a word
            done = None
    err = _drain(read)
    os.close(read)
    assert done is not None and done[0] == {"exit": 130}, (done, err)
    assert b"interrupted" in err and not target.exists()


def test_ctrl_c_reaches_the_command_and_the_status_comes_back(running: Env) -> None:
    primary, secondary = os.openpty()  # `db reset` asks on the caller's terminal, and waits
    shown = ""
    try:
        proc = subprocess.Popen([sys.executable, "-m", "briefing", "db", "reset"], env=running.vars,
                                cwd=running.root, stdin=secondary, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while "Delete every finding" not in shown and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.2)[0]:
                shown += os.read(proc.stdout.fileno(), 4096).decode(errors="replace")
        assert "Delete every finding" in shown and proc.poll() is None
        proc.send_signal(signal.SIGINT)  # at once: the race above, met by chance on a busy machine
        _, err = proc.communicate(timeout=20)
    finally:
        os.close(primary)
        os.close(secondary)
    assert proc.returncode == 130 and "interrupted" in err
    assert "13 finding(s)" in running.briefing("findings", "list", "--section", "chips").stderr


def test_a_deleted_database_is_never_recreated_nor_locked_by_the_server(running: Env) -> None:
    db = running.root / "gone.sqlite3"
    for attempt in range(3):
        r = running.briefing("--db", str(db), "export", "--audience", "asia", "-o", "gone.pdf")
        assert r.returncode == 0, r.stderr
        for leftover in running.root.glob("gone.sqlite3*"):
            leftover.unlink()
        if attempt == 0:  # issue 12: a spare re-created it, seeded, within seconds
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                assert not db.exists(), "the server re-created the deleted database"
                time.sleep(0.1)
        else:  # issue 12: a command 0.15-0.3 s after `rm` met a stopped spare's write lock
            time.sleep(0.2)
            t = time.monotonic()
            r = running.briefing("--db", str(db), "findings", "list", "--section", "chips", timeout=60)
            assert r.returncode == 0 and "locked" not in r.stderr and time.monotonic() - t < 5, r.stderr


def test_killing_the_caller_kills_its_command(running: Env) -> None:
    db = running.root / "big.sqlite3"
    assert running.briefing("--db", str(db), "findings", "export", "seed.json").returncode == 0
    doc = json.loads((running.root / "seed.json").read_text())
    doc["findings"] = [{**doc["findings"][0], "slug": f"bulk-{i}", "title": f"Bulk {i}"} for i in range(20_000)]
    (running.root / "f20k.json").write_text(json.dumps(doc))
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "--db", str(db), "findings", "import", "f20k.json"],
                            env=running.vars, cwd=running.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    running.wait_until(lambda: (running.ping() or {}).get("running") == 1)
    assert proc.poll() is None
    proc.kill()
    proc.wait()
    running.wait_until(lambda: (running.ping() or {}).get("running") == 0, timeout=10)  # not the import's 20 s
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 103  # nothing committed


def _socket(env: Env) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(str(next((env.run / "briefing").glob("cli-*.sock"))))
    return s


def test_idle_connections_delay_nothing_and_a_caller_that_gives_up_never_sees_its_command_run(
        running: Env, tmp_path: Path) -> None:
    idle = [_socket(running) for _ in range(3)]
    idle[-1].sendall(b"{not json")  # not one of ours
    before, t = running.served(), time.monotonic()
    r = running.briefing("db", "path")
    assert r.returncode == 0 and r.stderr == "" and time.monotonic() - t < 3 and running.served() == before + 1
    target, (read, write) = tmp_path / "backup.sqlite3", os.pipe()
    job = {"op": "run", "protocol": client.PROTOCOL, "argv": ["db", "backup", str(target)], "cwd": str(tmp_path),
           "env": running.vars, "umask": 0o022}
    with _socket(running) as s:
        client.send_message(s, job, [read, write, write])
        assert "pid" in client.recv_message(s)[0]  # then the caller goes away without its "go"
    os.close(write)
    time.sleep(2)
    assert os.read(read, 1000) == b"" and not target.exists()
    os.close(read)


def test_four_starts_at_once_agree_on_one_server_which_stops_when_idle(env: Env) -> None:
    starts = [subprocess.Popen([sys.executable, "-m", "briefing", "server", "start", "--idle", "0.1"], text=True,
                               env=env.vars, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outs = [p.communicate(timeout=180) for p in starts]
    assert [p.returncode for p in starts] == [0] * 4, outs
    assert len({out.split("pid ")[1].split(",")[0] for out, _ in outs}) == 1, outs
    env.wait_until(lambda: env.served() is None, timeout=30)
    assert not [p for p in (env.run / "briefing").iterdir() if p.suffix in (".sock", ".work")]  # nothing left


def test_changed_code_is_never_served_and_a_killed_server_can_start_again(env: Env, tmp_path: Path) -> None:
    watch = {"BRIEFING_SERVER_WATCH": str(tmp_path / "watched")}
    (tmp_path / "watched").mkdir()
    (tmp_path / "watched" / "module.py").write_text("x = 1\n")
    env.start(env=watch)
    assert env.briefing("db", "path").returncode == 0 and env.served() == 1
    (tmp_path / "watched" / "module.py").write_text("x = 22\n")
    r = env.briefing("db", "path")
    assert r.returncode == 0 and r.stdout.strip() == env.vars["BRIEFING_DB"]  # ran in-process
    env.wait_until(lambda: env.served() is None, timeout=10)  # the stale server stopped itself
    env.start()
    os.kill(env.ping()["pid"], signal.SIGKILL)  # leaves its socket behind
    r = env.briefing("findings", "list", "--section", "chips")
    assert r.returncode == 0 and "13 finding(s)" in r.stderr
    env.start()
    assert env.served() == 0


def test_an_unsafe_socket_folder_is_refused(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(env.run))
    (env.run / "briefing").mkdir()
    (env.run / "briefing").chmod(0o777)
    with pytest.raises(client.UnsafeFolder, match="mode 0700"):
        client.runtime_dir(create=False)
    assert client.delegate(["db", "path"]) is None  # never connects there
    assert "cannot use the server's folder" in env.briefing("server", "start").stderr


def test_the_callers_side_stays_light() -> None:
    probe = "import sys; b = set(sys.modules); import briefing.cli.client; print(*sorted(set(sys.modules) - b))"
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.split())
    assert {m for m in loaded if m.startswith("briefing")} == {"briefing", "briefing.cli", "briefing.cli.client"}
    assert not loaded & {"typing", "argparse", "sqlalchemy", "reportlab", "matplotlib", "PySide6"}
