"""The command-line server: commands forked from it behave exactly as in-process ones.

Every test runs real `python -m briefing` processes against a real server process, each test with
its own socket folder, database and chart cache.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from briefing import client, server

pytestmark = pytest.mark.skipif(not client.supported(), reason="the command-line server is Linux-only")


class Env:
    def __init__(self, root: Path) -> None:
        self.root = root
        # Short on purpose: a Unix socket path holds at most 107 bytes.
        self.run = Path(tempfile.mkdtemp(prefix="brs-", dir="/tmp"))
        self.vars = {**os.environ, "XDG_RUNTIME_DIR": str(self.run), "BRIEFING_DB": str(root / "b.sqlite3"),
                     "BRIEFING_CACHE": str(root / "cache"), "QT_QPA_PLATFORM": "offscreen"}
        self.vars.pop("BRIEFING_SERVER", None)
        self.vars.pop("BRIEFING_SERVER_WATCH", None)

    def briefing(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                              env={**self.vars, **(env or {})}, cwd=cwd or self.root, timeout=timeout)

    def served(self) -> int | None:
        r = self.briefing("server", "status")
        if r.returncode != 0:
            return None
        return int(r.stdout.split(" command(s) served")[0].rsplit(" ", 1)[1])

    def start(self, *extra: str, env: dict[str, str] | None = None) -> None:
        idle = () if "--idle" in extra else ("--idle", "10")  # an orphan of an aborted run stops soon
        r = self.briefing("server", "start", *extra, *idle, env=env)
        assert r.returncode == 0, r.stderr
        assert "Briefing server running" in r.stdout

    def stop(self) -> None:
        self.briefing("server", "stop", timeout=30)

    def ping(self) -> dict | None:
        """The server's own answer to `ping` (what `briefing server status` prints), asked from here."""
        saved = os.environ.get("XDG_RUNTIME_DIR")
        os.environ["XDG_RUNTIME_DIR"] = str(self.run)
        try:
            return client.request("ping")
        finally:
            if saved is None:
                del os.environ["XDG_RUNTIME_DIR"]
            else:
                os.environ["XDG_RUNTIME_DIR"] = saved

    def ready_spares(self, timeout: float = 90) -> dict:
        """The server's answer once all its spares have rehearsed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.ping()
            if info and len(info["spares"]) == server.SPARES and all(s["ready"] for s in info["spares"]):
                return info
            time.sleep(0.1)
        raise AssertionError(f"the spares were not ready within {timeout} s: {self.ping()}")


def state(pid: int) -> str | None:
    """The process's state letter (R running, S sleeping, T stopped, Z zombie), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def alive(pid: int) -> bool:
    return state(pid) not in (None, "Z")


@pytest.fixture
def env(tmp_path: Path):
    """A private socket folder, database and cache; the test starts (and may kill) its own server."""
    e = Env(tmp_path)
    yield e
    e.stop()
    shutil.rmtree(e.run, ignore_errors=True)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    """One server shared by the tests that only use it (a start costs seconds: it warms up)."""
    e = Env(tmp_path_factory.mktemp("shared"))
    e.start()
    yield e
    e.stop()
    shutil.rmtree(e.run, ignore_errors=True)


def test_export_through_the_server_is_the_in_process_export(running: Env) -> None:
    env = running
    before = env.served()
    assert before is not None
    # A relative output path lands in the caller's folder, not the server's.
    work = env.root / "work"
    work.mkdir()
    r = env.briefing("export", "--audience", "asia", "--format", "pdf", "-o", "asia.pdf", cwd=work)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(work / "asia.pdf")
    assert env.served() == before + 1
    r = env.briefing("export", "--audience", "asia", "--format", "pdf", "-o", "asia-local.pdf", cwd=work,
                     env={"BRIEFING_SERVER": "off"})
    assert r.returncode == 0, r.stderr
    assert env.served() == before + 1  # BRIEFING_SERVER=off ran it here
    served, local = (work / "asia.pdf").read_bytes(), (work / "asia-local.pdf").read_bytes()
    assert served.startswith(b"%PDF") and len(served) > 50_000
    assert served == local  # the PDF writer is deterministic: same bytes either way


def test_output_status_and_environment_are_the_callers(running: Env) -> None:
    env = running
    before = env.served()
    assert before is not None
    other_db = env.root / "other.sqlite3"
    via_server = env.briefing("--db", str(other_db), "findings", "list", "--section", "chips")
    local = env.briefing("--db", str(other_db), "findings", "list", "--section", "chips",
                         env={"BRIEFING_SERVER": "off"})
    assert via_server.returncode == 0, via_server.stderr
    assert via_server.stdout == local.stdout
    assert "huawei-600000-ascend-910c-chips-2026" in via_server.stdout
    # The caller's environment, not the server's: BRIEFING_DB set only for this command.
    r = env.briefing("db", "path", env={"BRIEFING_DB": str(env.root / "elsewhere.sqlite3")})
    assert r.stdout.strip() == str(env.root / "elsewhere.sqlite3")
    # Errors: the same one line on stderr and the same exit status.
    bad = env.briefing("export", "--audience", "nope", "-o", "x.pdf")
    bad_local = env.briefing("export", "--audience", "nope", "-o", "x.pdf", env={"BRIEFING_SERVER": "off"})
    assert bad.returncode == bad_local.returncode == 2
    assert bad.stderr == bad_local.stderr and "no audience" in bad.stderr
    usage = env.briefing("export", "--format", "rtf")
    assert usage.returncode == 2 and "required: --audience" in usage.stderr  # argparse's own exit
    assert env.served() == before + 4


def test_ctrl_c_reaches_the_command_and_the_status_comes_back(running: Env) -> None:
    env = running
    assert env.briefing("db", "path").returncode == 0
    before = env.served()
    # A terminal on stdin: `db reset` asks for confirmation and waits (the child sees the caller's tty).
    primary, secondary = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "briefing", "db", "reset"], env=env.vars, cwd=env.root,
                                stdin=secondary, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while env.served() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # the caller installs its forwarding once the command's pid arrives (milliseconds)
        assert proc.poll() is None  # waiting for an answer
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        os.close(primary)
        os.close(secondary)
    assert "Delete every finding" in out
    assert proc.returncode == 130, err
    assert "interrupted" in err
    r = env.briefing("findings", "list", "--section", "chips")
    assert "13 finding(s)" in r.stderr  # nothing was deleted


def test_changed_code_is_never_served(env: Env, tmp_path: Path) -> None:
    watch = tmp_path / "watched"
    watch.mkdir()
    (watch / "module.py").write_text("x = 1\n")
    env.start(env={"BRIEFING_SERVER_WATCH": str(watch)})
    assert env.briefing("db", "path").returncode == 0
    assert env.served() == 1
    (watch / "module.py").write_text("x = 22\n")
    r = env.briefing("db", "path")
    assert r.returncode == 0 and r.stdout.strip() == env.vars["BRIEFING_DB"]  # ran in-process
    deadline = time.monotonic() + 10
    while env.served() is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert env.served() is None  # the stale server stopped itself
    env.start(env={"BRIEFING_SERVER_WATCH": str(watch)})  # and a new one starts on the new code
    assert env.briefing("db", "path").returncode == 0
    assert env.served() == 1


def test_a_killed_server_leaves_commands_working_and_can_start_again(env: Env) -> None:
    env.start()
    pid = int(env.briefing("server", "status").stdout.split("pid ")[1].split(",")[0])
    os.kill(pid, signal.SIGKILL)
    socket_file = next((env.run / "briefing").glob("cli-*.sock"))
    assert socket_file.exists()  # left behind
    r = env.briefing("findings", "list", "--section", "chips")
    assert r.returncode == 0 and "13 finding(s)" in r.stderr
    env.start()
    assert env.served() == 0


def test_auto_starts_a_server_for_the_next_command(env: Env) -> None:
    auto = {"BRIEFING_SERVER": "auto"}
    assert env.served() is None
    first = env.briefing("findings", "list", "--section", "chips", env=auto)
    assert first.returncode == 0 and "13 finding(s)" in first.stderr  # ran in-process
    deadline = time.monotonic() + 60
    while env.served() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert env.served() == 0
    second = env.briefing("findings", "list", "--section", "chips", env=auto)
    assert second.stdout == first.stdout
    assert env.served() == 1


def test_the_server_stops_when_idle(env: Env) -> None:
    env.start("--idle", "0.02")  # 1.2 s
    deadline = time.monotonic() + 20
    while env.served() is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert env.served() is None
    assert not list((env.run / "briefing").glob("cli-*.sock"))


def test_an_unsafe_socket_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Path(tempfile.mkdtemp(prefix="brs-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))

    folder = run / "briefing"
    folder.mkdir(mode=0o700)
    assert client.runtime_dir(create=False) == str(folder)
    folder.chmod(0o777)
    try:
        with pytest.raises(client.UnsafeFolder, match="mode 0700"):
            client.runtime_dir(create=False)
        assert client.delegate(["db", "path"]) is None  # never connects there
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777  # and changes nothing
    finally:
        shutil.rmtree(run)


def test_what_is_never_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.delegate([]) is None  # the GUI
    assert client.delegate(["server", "status"]) is None
    monkeypatch.setenv("BRIEFING_SERVER", "off")
    assert client.mode() == "off"
    assert client.delegate(["db", "path"]) is None


def test_code_snapshot_notices_changed_added_and_removed_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a")
    (tmp_path / "__pycache__").mkdir()
    snap = server.CodeSnapshot([str(tmp_path)])
    assert not snap.changed()
    (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"x")
    assert not snap.changed()  # bytecode is not code
    (tmp_path / "b.yaml").write_text("b")
    assert snap.changed()
    snap = server.CodeSnapshot([str(tmp_path)])
    (tmp_path / "a.py").write_text("ab")
    assert snap.changed()
    snap = server.CodeSnapshot([str(tmp_path)])
    (tmp_path / "b.yaml").unlink()
    assert snap.changed()


def test_a_second_server_of_the_same_installation_does_not_start(running: Env) -> None:
    env = running
    pid = env.briefing("server", "status").stdout.split("pid ")[1].split(",")[0]
    # Straight to the server entry point, as a racing auto-start would: it must leave at once.
    r = subprocess.run([sys.executable, "-m", "briefing.server", "5"], capture_output=True, text=True,
                       env=env.vars, timeout=30)
    assert r.returncode == 0
    assert "another server of this installation is running" in r.stderr
    assert env.briefing("server", "status").stdout.split("pid ")[1].split(",")[0] == pid


def test_a_warm_spare_runs_the_next_command_and_hands_back_the_callers_pipes(running: Env) -> None:
    env = running
    info = env.ready_spares()
    spares = {s["pid"] for s in info["spares"]}
    # capture_output: the caller reads its pipes to the end, so any process other than the command
    # that kept a copy of them (the next spare, forked too early) would hang this call.
    r = env.briefing("export", "--audience", "west", "--format", "pdf", "-o", "west.pdf", timeout=60)
    assert r.returncode == 0, r.stderr
    after = env.ping()
    assert after is not None
    assert after["served_by_spare"] == info["served_by_spare"] + 1
    assert after["served"] == info["served"] + 1
    spent = spares - {s["pid"] for s in after["spares"]}
    assert len(spent) == 1  # one spare ran it; the other still waits, and a new one is forked
    local = env.briefing("export", "--audience", "west", "--format", "pdf", "-o", "west-local.pdf",
                         env={"BRIEFING_SERVER": "off"})
    assert local.returncode == 0, local.stderr
    assert (env.root / "west.pdf").read_bytes() == (env.root / "west-local.pdf").read_bytes()
    assert not alive(spent.pop())  # the command ended, and nothing of it stayed behind


def test_spares_wait_while_a_command_runs_and_a_stopped_server_leaves_nothing_running(env: Env) -> None:
    assert env.briefing("findings", "list", env={"BRIEFING_SERVER": "off"}).returncode == 0  # seeded first
    env.start()
    # At once, while both spares still rehearse: one cuts its rehearsal short and runs the export,
    # which comes out whole and the same as in-process (the rehearsal's cancel hook is gone).
    assert not any(s["ready"] for s in env.ping()["spares"]), "rehearsed before the first command"
    r = env.briefing("export", "--audience", "asia", "-o", "first.pdf")
    assert r.returncode == 0, r.stderr
    assert env.ping()["served_by_spare"] == 1
    # A command that waits (`db reset` asking on a terminal) arrives while the spares still rehearse:
    # they are stopped for as long as it runs, so they never take a core from it.
    primary, secondary = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "briefing", "db", "reset"], env=env.vars, cwd=env.root,
                                stdin=secondary, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while (env.ping() or {}).get("running") != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        waiting = [s["pid"] for s in env.ping()["spares"] if not s["ready"]]
        assert waiting, "the spares had rehearsed before the command came; nothing to check"
        assert all(state(pid) == "T" for pid in waiting), [state(pid) for pid in waiting]
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        os.close(primary)
        os.close(secondary)
    assert proc.returncode == 130
    local = env.briefing("export", "--audience", "asia", "-o", "local.pdf", env={"BRIEFING_SERVER": "off"})
    assert local.returncode == 0, local.stderr
    assert (env.root / "first.pdf").read_bytes() == (env.root / "local.pdf").read_bytes()
    info = env.ready_spares()  # they went on once it ended
    killed = {s["pid"] for s in info["spares"]}
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    r = env.briefing("findings", "list", "--section", "chips")
    assert r.returncode == 0 and "13 finding(s)" in r.stderr  # forked for the command at once
    replaced = env.ready_spares()
    assert not killed & {s["pid"] for s in replaced["spares"]}
    work = next((env.run / "briefing").glob("cli-*.sock.work"))
    assert (work / "seed.sqlite3").is_file()  # the spares rehearse on the server's own database
    env.stop()
    for pid in (replaced["pid"], *(s["pid"] for s in replaced["spares"])):
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pid)
    assert not work.exists()


def test_a_spare_rehearses_the_callers_last_export_else_the_seeded_one(tmp_path: Path) -> None:
    work = str(tmp_path)
    job = {"argv": ["export", "--audience", "west", "--format", "docx", "-o", "mine.docx", "--db", "my.db"],
           "env": {"BRIEFING_CACHE": "/c"}, "cwd": "/somewhere"}
    plan = server.plan_rehearsal(work, job, seconds=0.4)
    assert plan.argv == ("--db", "my.db", "export", "--audience", "west", "--format", "docx",
                         "--output", str(tmp_path / "rehearsal.out"), "--quiet")  # never the caller's file
    assert plan.env == {"BRIEFING_CACHE": "/c"} and plan.cwd == "/somewhere"
    seeded = server.plan_rehearsal(work)
    assert seeded.env is None and seeded.argv[:2] == ("--db", str(tmp_path / "seed.sqlite3"))
    assert "full" in seeded.argv
    for argv in (["export", "--audience", "all"], ["export", "--audience", "asia,west"],
                 ["export", "--audience", "asia", "--format", "pdf,docx"], ["findings", "list"],
                 ["export", "--audience"], ["no-such-command"]):
        assert server.plan_rehearsal(work, {**job, "argv": argv}, seconds=0.4) == seeded, argv
    assert server.plan_rehearsal(work, job, seconds=server.REHEARSE_UP_TO + 1) == seeded  # a long one: not again


def test_the_spares_rehearse_the_callers_export_on_the_callers_data(env: Env) -> None:
    import sqlite3

    assert env.briefing("findings", "list", env={"BRIEFING_SERVER": "off"}).returncode == 0  # seeds b.sqlite3
    with sqlite3.connect(env.root / "b.sqlite3") as conn:
        conn.execute("UPDATE findings SET title = 'Rehearsal probe ' || title")
    env.start()
    env.ready_spares()
    before = sorted(p.name for p in env.root.iterdir())
    r = env.briefing("export", "--audience", "asia", "--format", "pdf", "-o", "asia.pdf")
    assert r.returncode == 0, r.stderr
    work = next((env.run / "briefing").glob("cli-*.sock.work"))
    out = work / "rehearsal.out"
    deadline = time.monotonic() + 60
    # One spare was spent on the export; its replacement rehearses it again, into the server's folder.
    while time.monotonic() < deadline and not (out.exists() and env.ready_spares() and
                                               b"Rehearsal probe" in _pdf_text(out)):
        time.sleep(0.2)
    assert b"Rehearsal probe" in _pdf_text(out)
    assert sorted(p.name for p in env.root.iterdir()) == sorted([*before, "asia.pdf"])  # nothing else of ours


def _pdf_text(path: Path) -> bytes:
    from pypdf import PdfReader

    try:
        return "".join(page.extract_text() for page in PdfReader(path).pages).encode()
    except Exception:  # noqa: BLE001 - caught mid-write: not there yet
        return b""


def test_the_callers_side_stays_light() -> None:
    """Every command imports briefing.client first; what it loads is on every command's time."""
    probe = ("import sys; before = set(sys.modules); import briefing.client; "
             "print(' '.join(sorted(set(sys.modules) - before)))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    loaded = set(r.stdout.split())
    assert "briefing.client" in loaded
    heavy = {"typing", "briefing.server", "briefing.cli", "sqlalchemy", "reportlab", "matplotlib", "PySide6"}
    assert not loaded & heavy, loaded & heavy
